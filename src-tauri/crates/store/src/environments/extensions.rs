//! Customizations: an account's catalog of extension packages, and
//! installing or uninstalling them in an environment under the rules of
//! `cutover_core::extension`. Uninstalling drops what the extension added,
//! so a verified backup is taken first.

use crate::{Context, Workspace};
use chrono::{DateTime, Utc};
use cutover_core::account::{AccountId, EnvironmentId};
use cutover_core::admin::{ensure_super_admin, Admin};
use cutover_core::backup::BackupReason;
use cutover_core::extension::{self, ExtensionSummary, InstalledExtension};
use cutover_core::release::Version;
use cutover_core::{Error, Result};
use cutover_package::extension::ExtensionManifest;
use rusqlite::{params, OptionalExtension};

impl Workspace {
    /// Verifies an extension package for `account_id` and adds it to the
    /// catalog; refusals change nothing.
    pub fn import_extension(
        &self,
        account_id: AccountId,
        bytes: &[u8],
        admin: &Admin,
        now: DateTime<Utc>,
    ) -> Result<ExtensionSummary> {
        let trusted: Vec<String> = self
            .trusted_keys(account_id)?
            .into_iter()
            .map(|k| k.public_key)
            .collect();
        let package = cutover_package::open_extension(bytes, &trusted)?;
        let mut conn = self.connect()?;
        let (platform, account_name): (String, String) = conn
            .query_row(
                "SELECT platform, name FROM accounts WHERE id = ?1",
                [account_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .context("reading the account")?
            .ok_or_else(|| Error::not_found("That account no longer exists."))?;
        let m = &package.manifest;
        if !cutover_core::release::same_platform(&m.platform, &platform) {
            return Err(Error::invalid(format!(
                "This extension is for {}, but the account runs {}. Pick the extension made for {platform}.",
                cutover_core::error::quote(&m.platform),
                cutover_core::error::quote(&platform)
            )));
        }
        package.ensure_engine(self.engine(&conn, account_id)?, &account_name)?;
        let tx = conn.transaction().context("importing the extension")?;
        tx.execute(
            "INSERT INTO extensions (account_id, name, version, version_key, manifest, package_sha256, signer, imported_at, imported_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                account_id,
                m.name,
                package.extension.version.to_string(),
                package.extension.version.sort_key(),
                serde_json::to_string(m).context("storing the extension")?,
                package.sha256,
                package.signer,
                now,
                admin.name
            ],
        )
        .map_err(|e| {
            if crate::control::fault::is_unique_violation(&e) {
                Error::conflict(format!("{} {} is already in the catalog.", m.name, m.version))
            } else {
                Error::internal(format!("Could not store the extension: {e}."))
            }
        })?;
        let id = tx.last_insert_rowid();
        for (kind, scripts) in [
            ("install", &package.install),
            ("uninstall", &package.uninstall),
        ] {
            for script in &scripts.list {
                tx.execute(
                    "INSERT INTO extension_scripts (extension_id, kind, engine, name, sql) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![id, kind, crate::releases::import::engine_column(script), script.name, script.sql],
                )
                .context("storing the extension's scripts")?;
            }
        }
        tx.commit().context("importing the extension")?;
        self.extension_catalog(account_id)?
            .into_iter()
            .find(|e| e.id == id)
            .ok_or_else(|| Error::internal("The extension was stored but cannot be read back."))
    }

    /// Imports the extension package file at `path`.
    pub fn import_extension_file(
        &self,
        account_id: AccountId,
        path: &std::path::Path,
        admin: &Admin,
        now: DateTime<Utc>,
    ) -> Result<ExtensionSummary> {
        self.import_extension(
            account_id,
            &crate::releases::import::read_package(path)?,
            admin,
            now,
        )
    }

    /// The account's extension packages, by name then newest version first.
    pub fn extension_catalog(&self, account_id: AccountId) -> Result<Vec<ExtensionSummary>> {
        let conn = self.connect()?;
        let mut stmt = conn
            .prepare(
                "SELECT id, manifest, imported_at, imported_by FROM extensions
                 WHERE account_id = ?1 ORDER BY name, version_key DESC",
            )
            .context("reading extensions")?;
        let rows = stmt
            .query_map([account_id], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get(2)?,
                    r.get(3)?,
                ))
            })
            .context("reading extensions")?
            .collect::<rusqlite::Result<Vec<_>>>()
            .context("reading extensions")?;
        rows.into_iter()
            .map(|(id, manifest, imported_at, imported_by)| {
                let m: ExtensionManifest =
                    serde_json::from_str(&manifest).context("reading an extension")?;
                Ok(ExtensionSummary {
                    id,
                    name: m.name,
                    version: m.version,
                    description: m.description,
                    platform_from: m.platform_from,
                    platform_before: m.platform_before,
                    depends_on: m.depends_on,
                    adds: m.adds,
                    imported_at,
                    imported_by,
                })
            })
            .collect()
    }

    pub fn environment_extensions(
        &self,
        environment_id: EnvironmentId,
    ) -> Result<Vec<InstalledExtension>> {
        self.store(environment_id)?.installed_extensions()
    }

    /// Installs catalog extension `extension_id` into an environment.
    pub fn install_extension(
        &self,
        environment_id: EnvironmentId,
        extension_id: i64,
        admin: &Admin,
        now: DateTime<Utc>,
    ) -> Result<InstalledExtension> {
        ensure_super_admin(admin, "install an extension")?;
        self.writable(environment_id)?;
        let environment = self.environment(environment_id)?;
        let summary = self
            .extension_catalog(environment.account_id)?
            .into_iter()
            .find(|e| e.id == extension_id)
            .ok_or_else(|| Error::not_found("That extension is not in this account's catalog."))?;
        let ext = summary.installed(now, &admin.name);
        let (platform, installed) = self.install_facts(environment_id)?;
        extension::ensure_installable(&ext.rule()?, &platform, &installed)?;
        let mut store = self.store(environment_id)?;
        store.install_extension(
            &ext,
            &self.extension_scripts(extension_id, "install")?,
            &self.extension_scripts(extension_id, "uninstall")?,
        )?;
        tracing::info!(environment_id, name = %ext.name, version = %ext.version, "installed an extension");
        Ok(ext)
    }

    /// The platform an environment runs and the extensions installed in it,
    /// as the install rule needs them.
    fn install_facts(
        &self,
        environment_id: EnvironmentId,
    ) -> Result<(Version, Vec<extension::Extension>)> {
        let environment = self.environment(environment_id)?;
        let installed = self
            .store(environment_id)?
            .installed_extensions()?
            .iter()
            .map(InstalledExtension::rule)
            .collect::<Result<Vec<_>>>()?;
        Ok((Version::parse(&environment.version)?, installed))
    }

    /// For each extension of the account's catalog, why it cannot be
    /// installed in this environment, if it cannot (the install's own
    /// refusal), so the UI offers only what would work.
    pub fn install_refusals(
        &self,
        environment_id: EnvironmentId,
    ) -> Result<Vec<extension::ExtensionOffer>> {
        let environment = self.environment(environment_id)?;
        let (platform, installed) = self.install_facts(environment_id)?;
        self.extension_catalog(environment.account_id)?
            .into_iter()
            .map(|e| {
                // When and by whom it would be installed do not matter to the rule.
                let rule = e.installed(DateTime::<Utc>::UNIX_EPOCH, "").rule()?;
                let refusal = extension::ensure_installable(&rule, &platform, &installed)
                    .err()
                    .map(|e| e.message);
                Ok(extension::ExtensionOffer {
                    extension_id: e.id,
                    refusal,
                })
            })
            .collect()
    }

    /// Uninstalls `name` from an environment after a verified backup.
    pub fn uninstall_extension(
        &self,
        environment_id: EnvironmentId,
        name: &str,
        admin: &Admin,
        now: DateTime<Utc>,
    ) -> Result<()> {
        ensure_super_admin(admin, "uninstall an extension")?;
        self.writable(environment_id)?;
        let installed = self
            .environment_extensions(environment_id)?
            .iter()
            .map(InstalledExtension::rule)
            .collect::<Result<Vec<_>>>()?;
        extension::ensure_removable(name, &installed)?;
        self.take_backup(
            environment_id,
            BackupReason::BeforeUninstall,
            admin,
            now,
            &|_| {},
        )?;
        self.store(environment_id)?.uninstall_extension(name)?;
        tracing::info!(environment_id, name, "uninstalled an extension");
        Ok(())
    }

    /// The `install` or `uninstall` scripts of a catalog extension.
    pub(crate) fn extension_scripts(
        &self,
        extension_id: i64,
        kind: &str,
    ) -> Result<Vec<(String, String)>> {
        let conn = self.connect()?;
        let account: AccountId = conn
            .query_row(
                "SELECT account_id FROM extensions WHERE id = ?1",
                [extension_id],
                |r| r.get(0),
            )
            .context("reading the extension's scripts")?;
        let engine = self.engine(&conn, account)?;
        let mut stmt = conn
            .prepare(
                "SELECT name, sql FROM extension_scripts
                 WHERE extension_id = ?1 AND kind = ?2 AND engine IN ('any', ?3) ORDER BY name",
            )
            .context("reading the extension's scripts")?;
        let rows = stmt
            .query_map(params![extension_id, kind, engine.as_str()], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .context("reading the extension's scripts")?
            .collect::<rusqlite::Result<Vec<_>>>()
            .context("reading the extension's scripts")?;
        Ok(rows)
    }
}
