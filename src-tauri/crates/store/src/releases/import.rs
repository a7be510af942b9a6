//! Importing vendor release packages into an account's catalog, and the
//! account settings that govern it (trusted keys, window size).
//!
//! A package is verified completely in memory (`cutover_package::open`)
//! before anything is written, and then stored in one transaction: a failed
//! or refused import leaves the catalog exactly as it was.

use crate::{Context, Workspace};
use chrono::{DateTime, Utc};
use cutover_core::account::{AccountId, EnvironmentId};
use cutover_core::admin::{ensure_super_admin, Admin};
use cutover_core::release::{self, Version};
use cutover_core::release_view::{ReleaseImported, TrustedKey};
use cutover_core::target::Target;
use cutover_core::{Error, Result};
use cutover_package::{notes, sign, Package};
use rusqlite::{params, Connection, OptionalExtension};

impl Workspace {
    /// Verifies `bytes` as a package for `account_id` and adds it to the
    /// catalog. Refusals change nothing.
    pub fn import_release(
        &self,
        account_id: AccountId,
        bytes: &[u8],
        admin: &Admin,
        now: DateTime<Utc>,
    ) -> Result<ReleaseImported> {
        let mut conn = self.connect()?;
        let (account_name, platform): (String, String) = conn
            .query_row(
                "SELECT name, platform FROM accounts WHERE id = ?1",
                [account_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .context("reading the account")?
            .ok_or_else(|| Error::not_found("That account no longer exists."))?;
        let trusted: Vec<String> = self
            .trusted_keys(account_id)?
            .into_iter()
            .map(|k| k.public_key)
            .collect();
        let package = cutover_package::open(bytes, &trusted)?;
        let manifest = &package.manifest;
        if !cutover_core::release::same_platform(&manifest.platform, &platform) {
            return Err(Error::invalid(format!(
                "This package is for {}, but {account_name} runs {}. Pick the package for {platform}.",
                cutover_core::error::quote(&manifest.platform),
                cutover_core::error::quote(&platform)
            )));
        }
        package.ensure_engine(self.engine(&conn, account_id)?, &account_name)?;
        let version = manifest.version();
        let existing: Option<(DateTime<Utc>, String)> = conn
            .query_row(
                "SELECT imported_at, imported_by FROM releases WHERE account_id = ?1 AND version_key = ?2",
                params![account_id, version.sort_key()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .context("looking for the version")?;
        if let Some((at, by)) = existing {
            return Err(Error::conflict(format!(
                "Release {version} is already in the catalog (imported by {by} on {}). Nothing was changed.",
                at.format("%-d %b %Y")
            )));
        }
        let window_before = self.window_at(&conn, account_id, now)?;
        let tx = conn.transaction().context("starting the import")?;
        let note_count = insert_package(&tx, account_id, &package, &version, admin, now)?;
        let retests = crate::uat::hotfix_arrived(&tx, account_id, manifest, &admin.name, now)?;
        tx.commit().context("committing the release")?;
        let release_id: i64 = conn
            .query_row(
                "SELECT id FROM releases WHERE account_id = ?1 AND version = ?2",
                params![account_id, version.to_string()],
                |r| r.get(0),
            )
            .context("reading the imported release")?;
        if !retests.is_empty() {
            self.post_notice_about(
                now,
                Some(account_id),
                cutover_core::inbox::Category::UpgradeInfo,
                &format!("Hotfix {version} arrived: retest in UAT ({account_name})"),
                &retests.join(" "),
                Some(Target::Release {
                    account_id,
                    release_id,
                }),
            )?;
        }
        let window_after = self.window_at(&conn, account_id, now)?;
        let dropped: Vec<String> = window_before
            .iter()
            .filter(|v| !window_after.contains(v))
            .map(Version::to_string)
            .collect();
        // The same marks the catalog shows: environments this hotfix concerns.
        let affected: Vec<String> = self
            .environment_versions(&conn, account_id)?
            .into_iter()
            .filter(|e| e.hotfixes.iter().any(|h| h.version == version.to_string()))
            .map(|e| e.name)
            .collect();
        if !affected.is_empty() {
            let fixes = manifest
                .fixes
                .as_ref()
                .map(|f| f.areas.join(", "))
                .unwrap_or_default();
            self.post_notice_about(
                now,
                Some(account_id),
                cutover_core::inbox::Category::UpgradeInfo,
                &format!("Hotfix {version} concerns {account_name}"),
                &format!(
                    "{} run{} a version that hotfix {version} fixes ({fixes}). Read its notes under Releases and plan the upgrade.",
                    affected.join(", "),
                    if affected.len() == 1 { "s" } else { "" }
                ), Some(Target::Release { account_id, release_id }))?;
        }
        tracing::info!(account_id, %version, "imported a release");
        Ok(ReleaseImported {
            version: version.to_string(),
            release_type: manifest.release_type(),
            note_count,
            dropped,
            affected,
        })
    }

    /// Imports the package file at `path` (chosen in a dialog or dropped on
    /// the window).
    pub fn import_release_file(
        &self,
        account_id: AccountId,
        path: &std::path::Path,
        admin: &Admin,
        now: DateTime<Utc>,
    ) -> Result<ReleaseImported> {
        self.import_release(account_id, &read_package(path)?, admin, now)
    }

    /// The versions inside `account_id`'s window at `now`, newest first.
    pub(crate) fn window_at(
        &self,
        conn: &Connection,
        account_id: AccountId,
        now: DateTime<Utc>,
    ) -> Result<Vec<Version>> {
        let size: u32 = conn
            .query_row(
                "SELECT version_window FROM accounts WHERE id = ?1",
                [account_id],
                |r| r.get(0),
            )
            .context("reading the version window")?;
        let listed = listed(conn, account_id)?;
        Ok(release::window(&listed, size, now))
    }

    pub fn trusted_keys(&self, account_id: AccountId) -> Result<Vec<TrustedKey>> {
        let conn = self.connect()?;
        let mut stmt = conn
            .prepare(
                "SELECT id, name, public_key, added_at, added_by FROM trusted_keys
                 WHERE account_id = ?1 ORDER BY id",
            )
            .context("reading trusted keys")?;
        let keys = stmt
            .query_map([account_id], |r| {
                let public_key: String = r.get(2)?;
                Ok(TrustedKey {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    fingerprint: sign::fingerprint(&public_key),
                    public_key,
                    added_at: r.get(3)?,
                    added_by: r.get(4)?,
                })
            })
            .context("reading trusted keys")?
            .collect::<rusqlite::Result<Vec<_>>>()
            .context("reading trusted keys")?;
        Ok(keys)
    }

    /// Trusts a vendor key for `account_id`. Only a super-admin may.
    pub fn trust_key(
        &self,
        account_id: AccountId,
        name: &str,
        public_key: &str,
        admin: &Admin,
        now: DateTime<Utc>,
    ) -> Result<TrustedKey> {
        ensure_super_admin(admin, "trust a vendor key")?;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 80 {
            return Err(Error::invalid(
                "Name the key (1 to 80 characters), e.g. the vendor's name.",
            ));
        }
        let key = sign::public_key_text(&sign::parse_public_key(public_key)?);
        let conn = self.connect()?;
        conn.execute(
            "INSERT INTO trusted_keys (account_id, name, public_key, added_at, added_by) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![account_id, name, key, now, admin.name],
        )
        .map_err(|e| {
            if crate::control::fault::is_unique_violation(&e) {
                Error::conflict("This account already trusts that key.")
            } else {
                Error::internal(format!("Could not store the key: {e}."))
            }
        })?;
        self.trusted_keys(account_id)?
            .into_iter()
            .find(|k| k.public_key == key)
            .ok_or_else(|| Error::internal("The key was stored but cannot be read back."))
    }

    /// Stops trusting a key. Releases it signed stay in the catalog.
    pub fn distrust_key(&self, account_id: AccountId, key_id: i64, admin: &Admin) -> Result<()> {
        ensure_super_admin(admin, "remove a trusted key")?;
        let removed = self
            .connect()?
            .execute(
                "DELETE FROM trusted_keys WHERE id = ?1 AND account_id = ?2",
                params![key_id, account_id],
            )
            .context("removing the key")?;
        if removed == 0 {
            return Err(Error::not_found("That key is not trusted by this account."));
        }
        Ok(())
    }

    /// Sets how many GA versions the window holds. Only a super-admin may.
    pub fn set_version_window(
        &self,
        account_id: AccountId,
        size: u32,
        admin: &Admin,
    ) -> Result<()> {
        ensure_super_admin(admin, "change the version window")?;
        let size = release::check_window_size(size)?;
        self.connect()?
            .execute(
                "UPDATE accounts SET version_window = ?1 WHERE id = ?2",
                params![size, account_id],
            )
            .context("changing the version window")?;
        Ok(())
    }

    /// The account an environment belongs to.
    pub(crate) fn account_of(&self, environment_id: EnvironmentId) -> Result<AccountId> {
        Ok(self.environment(environment_id)?.account_id)
    }
}

/// Reads a package file, refusing one too large before reading it.
pub(crate) fn read_package(path: &std::path::Path) -> Result<Vec<u8>> {
    let unreadable = |e: std::io::Error| {
        Error::invalid(format!(
            "Cannot read {}: {e}. Check the path, or pick the file again.",
            path.display()
        ))
    };
    let size = std::fs::metadata(path).map_err(unreadable)?.len();
    if size > cutover_package::MAX_ARCHIVE_BYTES {
        return Err(Error::invalid(format!(
            "This file is not a Cutover package: it is larger than the {} MiB a package may be.",
            cutover_package::MAX_ARCHIVE_BYTES / 1024 / 1024
        )));
    }
    std::fs::read(path).map_err(unreadable)
}

/// Every release of an account with what the window rules need.
pub(super) fn listed(conn: &Connection, account_id: AccountId) -> Result<Vec<release::Listed>> {
    let mut stmt = conn
        .prepare("SELECT version, general_availability FROM releases WHERE account_id = ?1")
        .context("reading releases")?;
    let rows = stmt
        .query_map([account_id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, DateTime<Utc>>(1)?))
        })
        .context("reading releases")?;
    let mut listed = Vec::new();
    for row in rows {
        let (version, general_availability) = row.context("reading a release")?;
        listed.push(release::Listed {
            version: Version::parse(&version)?,
            general_availability,
        });
    }
    Ok(listed)
}

fn insert_package(
    tx: &Connection,
    account_id: AccountId,
    package: &Package,
    version: &Version,
    admin: &Admin,
    now: DateTime<Utc>,
) -> Result<u32> {
    let manifest = &package.manifest;
    tx.execute(
        "INSERT INTO releases (account_id, version, version_key, release_type, published, general_availability,
                               manifest, package_sha256, signer, imported_at, imported_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            account_id,
            version.to_string(),
            version.sort_key(),
            manifest.release_type().as_str(),
            manifest.published.to_string(),
            manifest.general_availability_at(),
            serde_json::to_string(manifest).context("storing the manifest")?,
            package.sha256,
            package.signer,
            now,
            admin.name
        ],
    )
    .context("storing the release")?;
    let release_id = tx.last_insert_rowid();
    for (kind, scripts) in [
        ("migration", &package.migrations),
        ("check", &package.checks),
    ] {
        for script in &scripts.list {
            tx.execute(
                "INSERT INTO release_scripts (release_id, kind, engine, name, sql) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![release_id, kind, engine_column(script), script.name, script.sql],
            )
            .context("storing the release's scripts")?;
        }
    }
    let mut note = tx
        .prepare(
            "INSERT INTO release_notes (release_id, position, title, area, kind, action_required, markdown, html, search_text)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )
        .context("storing notes")?;
    for (position, item) in package.notes.iter().enumerate() {
        note.execute(params![
            release_id,
            position as i64,
            item.title,
            item.area,
            item.kind.as_str(),
            item.action_required,
            item.body,
            notes::render(&item.body, package.manifest.documentation_base.as_deref()),
            notes::plain_text(&item.body)
        ])
        .context("storing a note")?;
    }
    drop(note);
    crate::releases::index::index_release(tx, account_id, &version.sort_key(), release_id)?;
    Ok(package.notes.len() as u32)
}

/// How a script's engine is stored: `any` for a portable one.
pub(crate) fn engine_column(script: &cutover_package::Script) -> &'static str {
    script.engine.map_or("any", cutover_package::Engine::as_str)
}
