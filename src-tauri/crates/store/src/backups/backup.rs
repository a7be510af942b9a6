//! Backup & Restore: verified copies of environment stores.
//!
//! The backend keeps each backup (a file in the backups folder, a schema on
//! a server) and names it; the control database records that name with its
//! reason, size and the digest taken when it was written. A restore first takes a backup of the current state, so it can
//! itself be undone, and replaces the store in one transaction.

use crate::control::failpoint::{Failpoint, Site};
use crate::{Context, Workspace};
use chrono::{DateTime, Utc};
use cutover_core::account::EnvironmentId;
use cutover_core::activity::ActivityAction;
use cutover_core::admin::Admin;
use cutover_core::backup::{
    self as rules, Backup, BackupId, BackupReason, CopyProgress, CopyStage,
};
use cutover_core::{Error, ErrorKind, Result};
use rusqlite::{params, Connection, OptionalExtension, Row};
use std::sync::atomic::AtomicBool;

const BACKUP_COLUMNS: &str =
    "id, environment_id, taken_at, reason, size_bytes, sha256, verified_at, problem, path, author, released_at, platform_version, records";

/// A backup row and the name its backend keeps it under.
pub(super) struct BackupRow {
    pub backup: Backup,
    pub path: String,
}

/// A row of `backups` as read, before its reason is parsed.
struct RawBackup {
    id: BackupId,
    environment_id: EnvironmentId,
    taken_at: DateTime<Utc>,
    reason: String,
    size_bytes: i64,
    sha256: String,
    verified_at: Option<DateTime<Utc>>,
    problem: Option<String>,
    path: String,
    author: String,
    released_at: Option<DateTime<Utc>>,
    platform_version: Option<String>,
    records: Option<i64>,
}

fn backup_from_row(r: &Row<'_>) -> rusqlite::Result<RawBackup> {
    Ok(RawBackup {
        id: r.get(0)?,
        environment_id: r.get(1)?,
        taken_at: r.get(2)?,
        reason: r.get(3)?,
        size_bytes: r.get(4)?,
        sha256: r.get(5)?,
        verified_at: r.get(6)?,
        problem: r.get(7)?,
        path: r.get(8)?,
        author: r.get(9)?,
        released_at: r.get(10)?,
        platform_version: r.get(11)?,
        records: r.get(12)?,
    })
}

fn finish(raw: RawBackup) -> Result<BackupRow> {
    Ok(BackupRow {
        backup: Backup {
            id: raw.id,
            environment_id: raw.environment_id,
            taken_at: raw.taken_at,
            reason: BackupReason::parse(&raw.reason)?,
            size_bytes: raw.size_bytes as u64,
            sha256: raw.sha256,
            verified_at: raw.verified_at,
            problem: raw.problem,
            author: raw.author,
            released_at: raw.released_at,
            platform_version: raw.platform_version,
            records: raw.records.map(|n| n as u64),
        },
        path: raw.path,
    })
}

impl Workspace {
    pub(super) fn backup_row(&self, conn: &Connection, id: BackupId) -> Result<BackupRow> {
        let raw = conn
            .query_row(
                &format!("SELECT {BACKUP_COLUMNS} FROM backups WHERE id = ?1"),
                [id],
                backup_from_row,
            )
            .optional()
            .context("looking up a backup")?
            .ok_or_else(|| {
                Error::not_found(format!(
                    "There is no backup {id}; it may have been deleted."
                ))
            })?;
        finish(raw)
    }

    /// One backup, by id.
    pub fn backup(&self, id: BackupId) -> Result<Backup> {
        Ok(self.backup_row(&self.connect()?, id)?.backup)
    }

    /// Every backup of an environment, newest first.
    pub fn backups(&self, environment_id: EnvironmentId) -> Result<Vec<Backup>> {
        let conn = self.connect()?;
        self.environment_row(&conn, environment_id)?;
        let mut stmt = conn
            .prepare(&format!(
                "SELECT {BACKUP_COLUMNS} FROM backups WHERE environment_id = ?1 ORDER BY taken_at DESC, id DESC"
            ))
            .context("listing backups")?;
        let raw = stmt
            .query_map([environment_id], backup_from_row)
            .context("listing backups")?
            .collect::<rusqlite::Result<Vec<_>>>()
            .context("listing backups")?;
        raw.into_iter()
            .map(|r| finish(r).map(|row| row.backup))
            .collect()
    }

    /// Takes a consistent copy of a live environment, checks it, records its
    /// checksum, and lists it.
    pub fn take_backup(
        &self,
        environment_id: EnvironmentId,
        reason: BackupReason,
        author: &Admin,
        now: DateTime<Utc>,
        progress: &dyn Fn(CopyProgress),
    ) -> Result<Backup> {
        let never = AtomicBool::new(false);
        self.take_backup_until(environment_id, reason, author, now, progress, &never)
    }

    /// [`Self::take_backup`] that the admin may stop while it copies (a
    /// manual backup): setting `stop` ends it `cancelled`, with no file
    /// and no row left. Once copied it is recorded regardless.
    pub fn take_backup_until(
        &self,
        environment_id: EnvironmentId,
        reason: BackupReason,
        author: &Admin,
        now: DateTime<Utc>,
        progress: &dyn Fn(CopyProgress),
        stop: &AtomicBool,
    ) -> Result<Backup> {
        let conn = self.connect()?;
        let env = self.environment_row(&conn, environment_id)?;
        let backend = self.backend(env.environment.account_id)?;
        let point = backend.take_point(&env.store_key, progress, stop)?;
        let recorded = (|| {
            Failpoint::fire(self.failpoint(), Site::BackupPlaced)?;
            conn.execute(
                "INSERT INTO backups (environment_id, taken_at, reason, path, size_bytes, verified_at, sha256, author, platform_version, extensions, records)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?2, ?6, ?7, ?8, ?9, ?10)",
                params![
                    environment_id,
                    now,
                    reason.as_str(),
                    point.name,
                    point.size_bytes as i64,
                    point.digest,
                    author.name,
                    point.platform.version,
                    serde_json::to_string(&point.platform.extensions).context("recording a backup")?,
                    point.records as i64
                ],
            )
            .context("recording a backup")?;
            self.backup_row(&conn, conn.last_insert_rowid())
        })();
        match recorded {
            Ok(row) => {
                tracing::info!(
                    environment_id,
                    backup = row.backup.id,
                    reason = reason.as_str(),
                    "took a backup"
                );
                self.log_activity(
                    now,
                    &author.name,
                    Some((environment_id, &env.environment.name)),
                    ActivityAction::TookBackup,
                    &format!("Backup #{} ({})", row.backup.id, reason_text(reason)),
                );
                if reason == BackupReason::Manual {
                    let pruned = self.prune_manual_backups(environment_id, author, now)?;
                    if pruned > 0 {
                        tracing::info!(environment_id, pruned, "pruned old manual backups");
                    }
                }
                Ok(row.backup)
            }
            Err(e) => {
                if let Err(left) = backend.drop_point(&point.name) {
                    tracing::warn!(error = %left.message, point = %point.name, "an unrecorded backup stayed");
                }
                Err(e)
            }
        }
    }

    /// How many manual backups each environment keeps.
    pub fn backup_retention(&self) -> Result<u32> {
        let value = crate::control::setting(&self.connect()?, "backup_retention_manual")?;
        Ok(value
            .and_then(|v| v.parse().ok())
            .unwrap_or(rules::DEFAULT_MANUAL_RETENTION))
    }

    /// Sets how many manual backups each environment keeps; takes effect at
    /// the next manual backup.
    pub fn set_backup_retention(
        &self,
        keep: u32,
        admin: &Admin,
        now: DateTime<Utc>,
    ) -> Result<u32> {
        let keep = rules::validate_retention(keep)?;
        crate::control::set_setting(
            &self.connect()?,
            "backup_retention_manual",
            &keep.to_string(),
        )?;
        self.log_activity(
            now,
            &admin.name,
            None,
            ActivityAction::ChangedSettings,
            &format!("Keep the newest {keep} manual backups"),
        );
        Ok(keep)
    }

    /// Deletes the manual (and released) backups beyond the retention;
    /// returns how many.
    pub(crate) fn prune_manual_backups(
        &self,
        environment_id: EnvironmentId,
        admin: &Admin,
        now: DateTime<Utc>,
    ) -> Result<usize> {
        let doomed = rules::manual_backups_to_prune(
            &self.backups(environment_id)?,
            self.backup_retention()?,
        );
        for id in &doomed {
            self.delete_backup(*id, false, admin, now)?;
        }
        Ok(doomed.len())
    }

    /// Checks a backup against its recorded digest and the engine's
    /// integrity check, and records the outcome on the backup.
    pub fn verify_backup(&self, id: BackupId, now: DateTime<Utc>) -> Result<Backup> {
        let conn = self.connect()?;
        let row = self.backup_row(&conn, id)?;
        let problem = self
            .backend_of(row.backup.environment_id)?
            .check_point(&row.path, &row.backup.sha256)
            .err();
        match &problem {
            None => conn.execute(
                "UPDATE backups SET verified_at = ?2, problem = NULL WHERE id = ?1",
                params![id, now],
            ),
            Some(p) => conn.execute(
                "UPDATE backups SET verified_at = NULL, problem = ?2 WHERE id = ?1",
                params![id, p],
            ),
        }
        .context("recording a verification")?;
        Ok(self.backup_row(&conn, id)?.backup)
    }

    /// The name of a backup its backend keeps, after checking it against
    /// its digest and the engine's integrity check (for restores done by an
    /// operation itself).
    pub(crate) fn checked_point(&self, id: BackupId) -> Result<String> {
        let row = self.backup_row(&self.connect()?, id)?;
        self.backend_of(row.backup.environment_id)?
            .check_point(&row.path, &row.backup.sha256)
            .map_err(|why| {
                Error::internal(format!(
                    "Backup #{id} cannot be used to restore: {why} Restore another backup from Backup & Restore."
                ))
            })?;
        Ok(row.path)
    }

    /// The backup a destructive `job` ("refresh", "restore") takes of
    /// `environment` first, reported as its `BackingUp` stage; stopped, it
    /// says that the environment is unchanged and nothing was kept.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn take_backup_before(
        &self,
        job: &str,
        environment: (EnvironmentId, &str),
        reason: BackupReason,
        admin: &Admin,
        now: DateTime<Utc>,
        progress: &dyn Fn(CopyProgress),
        stop: &AtomicBool,
    ) -> Result<Backup> {
        let (id, name) = environment;
        self.take_backup_until(
            id,
            reason,
            admin,
            now,
            &|p| progress(p.in_stage(CopyStage::BackingUp)),
            stop,
        )
        .map_err(|e| match e.kind {
            ErrorKind::Cancelled => Error::cancelled(format!(
                "The {job} was stopped while {name} was being backed up; {name} is unchanged and nothing was kept."
            )),
            _ => e,
        })
    }

    /// Deletes a backup, in the control database and its backend. The newest backup guarding an operation
    /// is kept unless `confirmed`.
    pub fn delete_backup(
        &self,
        id: BackupId,
        confirmed: bool,
        admin: &Admin,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let conn = self.connect()?;
        let row = self.backup_row(&conn, id)?;
        let siblings = self.backups(row.backup.environment_id)?;
        rules::ensure_backup_deletable(&row.backup, &siblings, confirmed)?;
        let backend = self.backend_of(row.backup.environment_id)?;
        conn.execute("DELETE FROM backups WHERE id = ?1", [id])
            .context("deleting a backup")?;
        if let Err(e) = backend.drop_point(&row.path) {
            tracing::warn!(error = %e.message, point = %row.path, "a deleted backup stayed in its backend");
        }
        let env = self.environment(row.backup.environment_id)?;
        self.log_activity(
            now,
            &admin.name,
            Some((env.id, &env.name)),
            ActivityAction::DeletedBackup,
            &format!("Backup #{id} ({})", reason_text(row.backup.reason)),
        );
        Ok(())
    }
}

/// How a backup's reason reads in the activity log.
pub(super) fn reason_text(reason: BackupReason) -> &'static str {
    match reason {
        BackupReason::Manual => "manual",
        BackupReason::BeforeRefresh => "before refresh",
        BackupReason::BeforeRestore => "before restore",
        BackupReason::BeforePromotion => "before promotion",
        BackupReason::BeforeUpgrade => "before upgrade",
        BackupReason::BeforeUninstall => "before uninstalling an extension",
        BackupReason::BeforeAccountDeletion => "before deleting the account",
    }
}
