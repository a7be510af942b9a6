//! The data directory as a whole: the control database plus the environment
//! stores it points to. Every user-visible storage operation goes through
//! here, so that each checks the domain rules before it touches anything.

use crate::control::fault::column;
use crate::env_store::sqlite::SqliteBackend;
use crate::env_store::{EnvironmentStore, StoreBackend};
use crate::{control, Context};
use chrono::{DateTime, Utc};
use cutover_core::account::{
    Account, AccountId, AccountOverview, Environment, EnvironmentId, EnvironmentOverview,
};
use cutover_core::activity::ActivityAction;
use cutover_core::admin::Admin;
use cutover_core::environment::{self as rules, EnvironmentKind, EnvironmentStatus};
use cutover_core::{Error, Result};
use rusqlite::{Connection, OptionalExtension, Row};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub struct Workspace {
    root: PathBuf,
    /// The backend of accounts whose environments are on this computer.
    pub(crate) local: Arc<dyn StoreBackend>,
    pub(crate) passwords: crate::accounts::Passwords,
    failpoint: std::sync::Mutex<Option<crate::control::failpoint::Failpoint>>,
}

/// A request to create an environment as a copy of another.
#[derive(Debug, Clone)]
pub struct NewEnvironment {
    pub source_id: EnvironmentId,
    pub name: String,
    pub kind: EnvironmentKind,
}

/// An environment row with where its data lives.
pub(crate) struct EnvironmentRow {
    pub environment: Environment,
    pub store_key: String,
}

const ENVIRONMENT_COLUMNS: &str =
    "id, account_id, name, kind, version, status, created_at, copied_from, store_key";

/// A row of `environments` as read, before its text columns are parsed.
struct RawEnvironment {
    id: EnvironmentId,
    account_id: AccountId,
    name: String,
    kind: String,
    version: String,
    status: String,
    created_at: DateTime<Utc>,
    copied_from: Option<EnvironmentId>,
    store_key: String,
}

fn environment_from_row(r: &Row<'_>) -> rusqlite::Result<RawEnvironment> {
    Ok(RawEnvironment {
        id: r.get(0)?,
        account_id: r.get(1)?,
        name: r.get(2)?,
        kind: r.get(3)?,
        version: r.get(4)?,
        status: r.get(5)?,
        created_at: r.get(6)?,
        copied_from: r.get(7)?,
        store_key: r.get(8)?,
    })
}

fn finish_row(raw: RawEnvironment) -> Result<EnvironmentRow> {
    Ok(EnvironmentRow {
        environment: Environment {
            id: raw.id,
            account_id: raw.account_id,
            name: raw.name,
            kind: EnvironmentKind::parse(&raw.kind)?,
            version: raw.version,
            status: EnvironmentStatus::parse(&raw.status)?,
            created_at: raw.created_at,
            copied_from: raw.copied_from,
        },
        store_key: raw.store_key,
    })
}

impl Workspace {
    /// Opens (creating if needed) the data directory `root` with the embedded
    /// SQLite backend.
    pub fn open(root: &Path) -> Result<Self> {
        let backend = SqliteBackend::new(root)?;
        Self::with_backend(root, Box::new(backend))
    }

    pub fn with_backend(root: &Path, backend: Box<dyn StoreBackend>) -> Result<Self> {
        std::fs::create_dir_all(root).context("creating the data folder")?;
        drop(control::open(&root.join(control::FILE_NAME))?);
        Ok(Self {
            root: root.to_path_buf(),
            local: Arc::from(backend),
            passwords: Default::default(),
            failpoint: std::sync::Mutex::new(None),
        })
    }

    /// Injects a fault into later data upgrades (tests only; see
    /// `failpoint`).
    pub fn set_failpoint(&self, point: Option<crate::control::failpoint::Failpoint>) {
        if let Ok(mut slot) = self.failpoint.lock() {
            *slot = point;
        }
    }

    pub(crate) fn failpoint(&self) -> Option<crate::control::failpoint::Failpoint> {
        self.failpoint.lock().ok().and_then(|p| *p)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// A fresh connection to the control database.
    pub fn connect(&self) -> Result<Connection> {
        control::connect(&self.root.join(control::FILE_NAME))
    }

    pub fn accounts(&self) -> Result<Vec<Account>> {
        let conn = self.connect()?;
        let mut stmt = conn
            .prepare("SELECT id, name, platform, time_zone, is_demo FROM accounts ORDER BY is_demo, name")
            .context("listing accounts")?;
        let rows = stmt
            .query_map([], |r| {
                Ok(Account {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    platform: r.get(2)?,
                    time_zone: r.get(3)?,
                    is_demo: r.get(4)?,
                })
            })
            .context("listing accounts")?;
        rows.collect::<rusqlite::Result<_>>()
            .context("listing accounts")
    }

    pub(crate) fn environment_rows(
        &self,
        conn: &Connection,
        account_id: AccountId,
    ) -> Result<Vec<EnvironmentRow>> {
        let mut stmt = conn
            .prepare(&format!(
                "SELECT {ENVIRONMENT_COLUMNS} FROM environments WHERE account_id = ?1
                 ORDER BY CASE kind WHEN 'production' THEN 0 WHEN 'uat' THEN 1 ELSE 2 END, name"
            ))
            .context("listing environments")?;
        let raw = stmt
            .query_map([account_id], environment_from_row)
            .context("listing environments")?
            .collect::<rusqlite::Result<Vec<_>>>()
            .context("listing environments")?;
        raw.into_iter().map(finish_row).collect()
    }

    /// The ids of `account_id`'s environments, production first.
    pub fn environment_ids(&self, account_id: AccountId) -> Result<Vec<EnvironmentId>> {
        Ok(self
            .environment_rows(&self.connect()?, account_id)?
            .into_iter()
            .map(|r| r.environment.id)
            .collect())
    }

    pub(crate) fn environment_row(
        &self,
        conn: &Connection,
        id: EnvironmentId,
    ) -> Result<EnvironmentRow> {
        let raw = conn
            .query_row(
                &format!("SELECT {ENVIRONMENT_COLUMNS} FROM environments WHERE id = ?1"),
                [id],
                environment_from_row,
            )
            .optional()
            .context("looking up an environment")?
            .ok_or_else(|| {
                Error::not_found(format!(
                    "There is no environment {id}; it may have been deleted. Refresh the dashboard."
                ))
            })?;
        finish_row(raw)
    }

    pub fn environment(&self, id: EnvironmentId) -> Result<Environment> {
        Ok(self.environment_row(&self.connect()?, id)?.environment)
    }

    /// Opens the data store of an environment.
    pub fn store(&self, id: EnvironmentId) -> Result<Box<dyn EnvironmentStore>> {
        let row = self.environment_row(&self.connect()?, id)?;
        self.backend(row.environment.account_id)?
            .open(&row.store_key)
    }

    /// Every account with every environment and what its store holds.
    pub fn overview(&self) -> Result<Vec<AccountOverview>> {
        let conn = self.connect()?;
        let mut last_backup = conn
            .prepare(
                "SELECT max(taken_at) FROM backups WHERE environment_id = ?1 AND verified_at IS NOT NULL",
            )
            .context("reading backups")?;
        let mut out = Vec::new();
        for account in self.accounts()? {
            let mut environments = Vec::new();
            let versions = self.environment_versions(&conn, account.id)?;
            let crate::accounts::Placement { backend, server } =
                self.placement(&conn, account.id)?;
            let rows = self.environment_rows(&conn, account.id)?;
            let keys: Vec<&str> = rows.iter().map(|r| r.store_key.as_str()).collect();
            // One call per account: a server answers through one connection.
            let mut figures = match backend.and_then(|b| b.figures_of(&keys)) {
                Ok(figures) => figures,
                Err(e) => keys.iter().map(|_| Err(e.clone())).collect(),
            }
            .into_iter();
            for row in rows {
                let hotfixes = versions
                    .iter()
                    .find(|v| v.id == row.environment.id)
                    .map(|v| v.hotfixes.clone())
                    .unwrap_or_default();
                let figures = figures
                    .next()
                    .unwrap_or_else(|| Err(Error::internal("A store's figures are missing.")));
                let (stats, store_error) = match figures {
                    Ok(stats) => (stats, None),
                    Err(e) => (Default::default(), Some(e)),
                };
                let last_backup_at: Option<DateTime<Utc>> = last_backup
                    .query_row([row.environment.id], |r| r.get(0))
                    .context("reading backups")?;
                let running_import = self.running_import(row.environment.id)?;
                let upgrade = self.upgrade_badge(&conn, row.environment.id)?;
                environments.push(EnvironmentOverview {
                    environment: row.environment,
                    data_size_bytes: stats.size_bytes,
                    record_count: stats.record_count,
                    record_count_estimated: stats.records_estimated,
                    app_count: stats.app_count,
                    table_count: stats.table_count,
                    last_backup_at,
                    store_error,
                    running_import,
                    hotfixes,
                    upgrade,
                });
            }
            out.push(AccountOverview {
                account,
                environments,
                server,
            });
        }
        Ok(out)
    }

    /// Finishes what an interrupted run left behind; call once at start-up,
    /// before anything else touches the stores. Returns the retired keys.
    pub fn recover(&self, now: DateTime<Utc>) -> Result<Vec<String>> {
        let recorded = self.recorded_keys()?;
        let upgrades = self.recover_upgrades(now, None)?;
        if upgrades > 0 {
            tracing::warn!(upgrades, "rolled back data upgrades interrupted by a stop");
        }
        self.apply_upgrade_timers(now)?;
        let promotions = self.recover_promotions(now, None)?;
        if promotions > 0 {
            tracing::warn!(promotions, "settled promotions interrupted by a stop");
        }
        let imports = self.recover_imports(now, None)?;
        if imports > 0 {
            tracing::warn!(imports, "marked imports interrupted by a stop as failed");
        }
        // After the operations above settled, since none reads a backup
        // that was never recorded.
        self.remove_unrecorded_backup_files(now)?;
        self.remove_temporary_files()?;
        match self.purge_expired(now) {
            Ok(0) => {}
            Ok(n) => tracing::info!(n, "purged deleted data kept longer than the retention"),
            // Purging can wait for the next start; starting cannot.
            Err(e) => tracing::warn!(error = %e, "could not purge expired deleted data"),
        }
        self.report_version_mismatches(now)?;
        let mut retired = Vec::new();
        for backend in self.reachable_backends()? {
            retired.extend(backend.recover(&recorded, now)?);
        }
        Ok(retired)
    }

    /// Every store key the control database records: environments' and
    /// open upgrade runs' copies.
    pub(crate) fn recorded_keys(&self) -> Result<Vec<String>> {
        let mut recorded: Vec<String> = column(
            &self.connect()?,
            "SELECT store_key FROM environments",
            [],
            "listing store keys",
        )?;
        recorded.extend(self.upgrade_copy_keys()?);
        Ok(recorded)
    }

    /// Deletes an environment that is not production and not locked. Its store
    /// is retired (kept aside on disk), not destroyed.
    pub fn delete_environment(
        &self,
        id: EnvironmentId,
        admin: &Admin,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut conn = self.connect()?;
        let row = self.environment_row(&conn, id)?;
        rules::ensure_deletable(row.environment.kind, &row.environment.name)?;
        rules::ensure_unlocked(row.environment.status, &row.environment.name)?;
        let account_name: String = conn
            .query_row(
                "SELECT name FROM accounts WHERE id = ?1",
                [row.environment.account_id],
                |r| r.get(0),
            )
            .context("reading the environment's account")?;
        let released = self.release_held_roles(&conn, &row)?;
        let detail = if released.is_empty() {
            String::new()
        } else {
            format!(
                "; paused integration(s) {} resumed first, their database roles given back their login and rights",
                released.join(", ")
            )
        };
        let tx = conn.transaction().context("starting a transaction")?;
        crate::storage::keep_aside(
            &tx,
            &[&row],
            (row.environment.account_id, &account_name),
            now,
        )?;
        // Recorded before the row goes, which the entry's environment_id
        // must still name (the deletion then sets it to NULL).
        crate::people::activity::record_activity(
            &tx,
            now,
            &admin.name,
            Some((id, &row.environment.name)),
            ActivityAction::DeletedEnvironment,
            &format!("Deleted; its data file and its backups are kept aside (see Storage){detail}"),
        )?;
        tx.execute("DELETE FROM environments WHERE id = ?1", [id])
            .context("deleting the environment")?;
        // Retire before committing: if retiring fails the row stays, so the
        // control database never points at a store that is gone.
        self.backend(row.environment.account_id)?
            .retire(&row.store_key, now)?;
        tx.commit().context("committing the deletion")?;
        Ok(())
    }
}

impl Workspace {
    /// Opens the store of an environment row, on its account's backend.
    pub(crate) fn open_row(&self, row: &EnvironmentRow) -> Result<Box<dyn EnvironmentStore>> {
        self.backend(row.environment.account_id)?
            .open(&row.store_key)
    }
}
