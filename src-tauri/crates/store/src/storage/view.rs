//! The Storage view: listing what is kept aside, purging it (by hand or
//! after the retention), and bringing a retired environment back.

use crate::backups::RECOVERY;
use crate::control::fault::column;
use crate::env_store::StoreBackend;
use crate::{Context, Workspace};
use chrono::{DateTime, Utc};
use cutover_core::account::EnvironmentId;
use cutover_core::activity::ActivityAction;
use cutover_core::admin::{ensure_super_admin, Admin};
use cutover_core::environment::{self as rules, EnvironmentKind};
use cutover_core::storage::{
    expired, validate_retention_days, KeptBackup, KeptItem, RetiredStore, StorageView,
    DEFAULT_RETENTION_DAYS,
};
use cutover_core::{Error, Result};
use rusqlite::{params, OptionalExtension};
use std::collections::HashMap;
use std::sync::Arc;

const RETENTION_KEY: &str = "storage_retention_days";

/// Where a retired store came from, as recorded when it was retired.
struct Origin {
    account_id: i64,
    account_name: String,
    environment_name: String,
    kind: String,
    version: String,
}

fn origin_of(r: &rusqlite::Row<'_>) -> rusqlite::Result<Origin> {
    Ok(Origin {
        account_id: r.get(0)?,
        account_name: r.get(1)?,
        environment_name: r.get(2)?,
        kind: r.get(3)?,
        version: r.get(4)?,
    })
}

const ORIGIN_COLUMNS: &str = "account_id, account_name, environment_name, kind, version";

impl Workspace {
    fn origin(&self, key: &str) -> Result<Option<Origin>> {
        self.connect()?
            .query_row(
                &format!("SELECT {ORIGIN_COLUMNS} FROM retired_stores WHERE store_key = ?1"),
                [key],
                origin_of,
            )
            .optional()
            .context("reading a retired store's origin")
    }

    /// Every recorded origin, by store key, read at once.
    fn origins(&self, conn: &rusqlite::Connection) -> Result<HashMap<String, Origin>> {
        let mut stmt = conn
            .prepare(&format!(
                "SELECT {ORIGIN_COLUMNS}, store_key FROM retired_stores"
            ))
            .context("reading retired stores' origins")?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(5)?, origin_of(r)?)))
            .context("reading retired stores' origins")?;
        rows.collect::<rusqlite::Result<_>>()
            .context("reading retired stores' origins")
    }

    /// Days kept-aside data stays before it is purged.
    pub fn storage_retention(&self) -> Result<u32> {
        let value: Option<String> = self
            .connect()?
            .query_row(
                "SELECT value FROM settings WHERE key = 'storage_retention_days'",
                [],
                |r| r.get(0),
            )
            .optional()
            .context("reading the storage retention")?;
        Ok(value
            .and_then(|v| v.parse().ok())
            .unwrap_or(DEFAULT_RETENTION_DAYS))
    }

    pub fn set_storage_retention(
        &self,
        days: u32,
        admin: &Admin,
        now: DateTime<Utc>,
    ) -> Result<()> {
        ensure_super_admin(admin, "change how long deleted data is kept")?;
        let days = validate_retention_days(days)?;
        crate::control::set_setting(&self.connect()?, RETENTION_KEY, &days.to_string())?;
        self.log_activity(
            now,
            &admin.name,
            None,
            ActivityAction::ChangedSettings,
            &format!("Deleted data is kept {days} days"),
        );
        Ok(())
    }

    /// Everything kept aside, oldest first, with the total it weighs.
    pub fn storage(&self) -> Result<StorageView> {
        let conn = self.connect()?;
        let accounts: Vec<i64> = column(&conn, "SELECT id FROM accounts", [], "listing accounts")?;
        let mut origins = self.origins(&conn)?;
        let mut retired = Vec::new();
        let mut entries = Vec::new();
        for backend in self.reachable_backends()? {
            entries.extend(backend.retired()?);
        }
        for entry in entries {
            let origin = origins.remove(&entry.key);
            retired.push(RetiredStore {
                file: entry.name,
                size_bytes: entry.size_bytes,
                retired_at: entry.retired_at,
                restorable: origin
                    .as_ref()
                    .is_some_and(|o| accounts.contains(&o.account_id)),
                account_name: origin.as_ref().map(|o| o.account_name.clone()),
                environment_name: origin.as_ref().map(|o| o.environment_name.clone()),
                version: origin.map(|o| o.version),
            });
        }
        let mut stmt = conn
            .prepare(
                "SELECT id, account_name, environment_name, taken_at, kept_at, size_bytes, platform_version, path
                 FROM kept_backups ORDER BY kept_at, id",
            )
            .context("listing kept backups")?;
        let kept_backups = stmt
            .query_map([], |r| {
                Ok((
                    KeptBackup {
                        id: r.get(0)?,
                        account_name: r.get(1)?,
                        environment_name: r.get(2)?,
                        taken_at: r.get(3)?,
                        kept_at: r.get(4)?,
                        size_bytes: r.get::<_, i64>(5)? as u64,
                        platform_version: r.get(6)?,
                    },
                    r.get::<_, String>(7)?,
                ))
            })
            .context("listing kept backups")?
            .collect::<rusqlite::Result<Vec<_>>>()
            .context("listing kept backups")?
            .into_iter()
            // A backup whose file is gone weighs nothing and is not listed;
            // a server's is listed from its record.
            .filter(|(_, path)| !self.local.makes_point(path) || self.root().join(path).is_file())
            .map(|(b, _)| b)
            .collect::<Vec<_>>();
        let total_bytes = retired.iter().map(|r| r.size_bytes).sum::<u64>()
            + kept_backups.iter().map(|b| b.size_bytes).sum::<u64>();
        Ok(StorageView {
            retired,
            kept_backups,
            retention_days: self.storage_retention()?,
            total_bytes,
        })
    }

    /// Deletes one thing kept aside, for good.
    pub fn purge(&self, item: &KeptItem, admin: &Admin, now: DateTime<Utc>) -> Result<()> {
        ensure_super_admin(admin, "purge deleted data")?;
        let what = self.purge_item(item)?;
        self.log_activity(
            now,
            &admin.name,
            None,
            ActivityAction::DeletedBackup,
            &format!("Purged {what}"),
        );
        Ok(())
    }

    /// Deletes the item, the file first: a stop between leaves a row whose
    /// file is gone, which lists as nothing and is forgotten at its expiry.
    fn purge_item(&self, item: &KeptItem) -> Result<String> {
        match item {
            KeptItem::Retired { file } => {
                let (backend, key) = self.retired_store(file)?;
                backend.purge_retired(file)?;
                self.connect()?
                    .execute("DELETE FROM retired_stores WHERE store_key = ?1", [&key])
                    .context("forgetting a retired store")?;
                Ok(format!("the retired store {file}"))
            }
            KeptItem::Backup { id } => {
                let (path, env, account): (String, String, Option<i64>) = self
                    .connect()?
                    .query_row(
                        "SELECT path, environment_name, account_id FROM kept_backups WHERE id = ?1",
                        [id],
                        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                    )
                    .optional()
                    .context("reading a kept backup")?
                    .ok_or_else(|| {
                        Error::not_found("That backup was already purged. Reload the Storage view.")
                    })?;
                self.kept_backup_backend(&path, account)?
                    .drop_point(&path)?;
                self.connect()?
                    .execute("DELETE FROM kept_backups WHERE id = ?1", [id])
                    .context("forgetting a kept backup")?;
                Ok(format!(
                    "a backup of the deleted environment {env} ({path})"
                ))
            }
        }
    }

    /// Purges what has been kept longer than the retention; returns how
    /// many items went. Run at start-up.
    pub fn purge_expired(&self, now: DateTime<Utc>) -> Result<usize> {
        let days = self.storage_retention()?;
        let view = self.storage()?;
        let mut items: Vec<(KeptItem, String)> = view
            .retired
            .iter()
            .filter(|r| expired(r.retired_at, days, now))
            .map(|r| {
                (
                    KeptItem::Retired {
                        file: r.file.clone(),
                    },
                    r.file.clone(),
                )
            })
            .collect();
        items.extend(
            view.kept_backups
                .iter()
                .filter(|b| expired(b.kept_at, days, now))
                .map(|b| {
                    (
                        KeptItem::Backup { id: b.id },
                        format!("{} backup of {}", b.account_name, b.environment_name),
                    )
                }),
        );
        let mut purged = 0;
        for (item, name) in &items {
            // One item that cannot be purged does not keep the others.
            let what = match self.purge_item(item) {
                Ok(what) => what,
                Err(e) => {
                    tracing::warn!(item = name, reason = %e.message, "could not purge an expired item");
                    continue;
                }
            };
            purged += 1;
            self.log_activity(
                now,
                RECOVERY,
                None,
                ActivityAction::DeletedBackup,
                &format!("Purged {what}: kept longer than {days} days after its deletion"),
            );
        }
        Ok(purged)
    }

    /// Brings a retired store back as an environment of the account it came
    /// from: under its name (or "… (restored)" when taken), of its kind when
    /// the account may have another (else a sandbox).
    pub fn restore_retired(
        &self,
        file: &str,
        admin: &Admin,
        now: DateTime<Utc>,
    ) -> Result<EnvironmentId> {
        ensure_super_admin(admin, "restore a deleted environment")?;
        let (backend, key) = self.retired_store(file)?;
        let origin = self.origin(&key)?.ok_or_else(|| {
            Error::invalid(format!(
                "Cutover does not know which environment {file} was (it was retired before this was recorded, or by a recovery). It can only be purged."
            ))
        })?;
        let mut conn = self.connect()?;
        let siblings = self.environment_rows(&conn, origin.account_id)?;
        if !self.accounts()?.iter().any(|a| a.id == origin.account_id) {
            return Err(Error::invalid(format!(
                "The account {} no longer exists, so {} cannot come back into it. It can only be purged.",
                origin.account_name, origin.environment_name
            )));
        }
        if backend.kind() != self.backend(origin.account_id)?.kind() {
            return Err(Error::invalid(format!(
                "{file} is kept on another store than the account {}'s, so it cannot come back into it. It can only be purged.",
                origin.account_name
            )));
        }
        let kind = EnvironmentKind::parse(&origin.kind).unwrap_or(EnvironmentKind::Sandbox);
        let kind =
            if rules::ensure_kind_available(kind, siblings.iter().map(|s| &s.environment.kind))
                .is_ok()
                && kind != EnvironmentKind::Production
            {
                kind
            } else {
                EnvironmentKind::Sandbox
            };
        let taken = |n: &str| {
            siblings
                .iter()
                .any(|s| s.environment.name.eq_ignore_ascii_case(n))
        };
        let mut name = origin.environment_name.clone();
        if taken(&name) {
            name = format!(
                "{} (restored)",
                origin.environment_name.chars().take(60).collect::<String>()
            );
            let mut n = 2;
            while taken(&name) {
                name = format!(
                    "{} (restored {n})",
                    origin.environment_name.chars().take(56).collect::<String>()
                );
                n += 1;
            }
        }
        let new_key = uuid::Uuid::new_v4().simple().to_string();
        let tx = conn.transaction().context("restoring an environment")?;
        tx.execute(
            "INSERT INTO environments (account_id, name, kind, version, store_kind, store_key, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![origin.account_id, name, kind.as_str(), origin.version, backend.kind(), new_key, now],
        )
        .context("recording the restored environment")?;
        let id = tx.last_insert_rowid();
        tx.execute("DELETE FROM retired_stores WHERE store_key = ?1", [&key])
            .context("restoring an environment")?;
        // Moved before the commit: if the move fails nothing is recorded; a
        // stop after it leaves an unrecorded store, which the start-up
        // recovery retires again.
        backend.unretire(file, &new_key)?;
        tx.commit().context("restoring an environment")?;
        let store = backend.open(&new_key)?;
        store.check(None)?;
        self.log_activity(
            now,
            &admin.name,
            Some((id, &name)),
            ActivityAction::CreatedEnvironment,
            &format!(
                "Restored {} from the retired folder ({file})",
                origin.environment_name
            ),
        );
        Ok(id)
    }
}

impl Workspace {
    /// The backend keeping retired store `file`, and the store's key.
    fn retired_store(&self, file: &str) -> Result<(Arc<dyn StoreBackend>, String)> {
        for backend in self.reachable_backends()? {
            if let Some(entry) = backend.retired()?.into_iter().find(|e| e.name == file) {
                return Ok((backend, entry.key));
            }
        }
        Err(Error::not_found(format!(
            "{file} is not kept any more (or is on a server whose password Cutover does not have this session). Reload the Storage view."
        )))
    }

    /// The backend holding kept backup `path` of `account`. One this
    /// computer's backend names is its own; any other is on its account's
    /// server, and one whose account was deleted cannot be reached any more
    /// (its server's settings went with it).
    fn kept_backup_backend(
        &self,
        path: &str,
        account: Option<i64>,
    ) -> Result<Arc<dyn StoreBackend>> {
        if self.local.makes_point(path) {
            return Ok(self.local.clone());
        }
        let known = match account {
            Some(account) if self.accounts()?.iter().any(|a| a.id == account) => {
                Some(self.placement(&self.connect()?, account)?)
            }
            _ => None,
        };
        match known {
            Some(placement) if placement.server.is_some() => placement.backend,
            _ => Err(Error::unavailable(format!(
                "The backup {path} is kept on the server of a deleted account, which Cutover no longer knows. Ask that server's administrator to drop the schema {path}."
            ))),
        }
    }
}
