//! Restoring an environment from one of its backups: verified, the current
//! state backed up first (so the restore can be undone), then replaced in
//! one transaction.

use super::backup::reason_text;
use crate::control::failpoint::{Failpoint, Site};
use crate::Workspace;
use chrono::{DateTime, Utc};
use cutover_core::activity::ActivityAction;
use cutover_core::admin::{ensure_super_admin, Admin};
use cutover_core::backup::{self as rules, Backup, BackupId, BackupReason, CopyProgress};
use cutover_core::environment::ensure_unlocked;
use cutover_core::{Error, ErrorKind, Result};
use std::sync::atomic::AtomicBool;

impl Workspace {
    /// Restores an environment from one of its backups. Verifies the backup,
    /// takes a `before_restore` backup of the current state, then replaces the
    /// store's contents in one transaction. Returns that safety backup.
    /// A backup of another platform (version or extensions) is refused
    /// with what it would change unless `platform_change_confirmed`;
    /// afterwards the control database's version is the store's.
    pub fn restore_backup(
        &self,
        id: BackupId,
        platform_change_confirmed: bool,
        admin: &Admin,
        now: DateTime<Utc>,
        progress: &dyn Fn(CopyProgress),
    ) -> Result<Backup> {
        let never = AtomicBool::new(false);
        self.restore_backup_until(id, platform_change_confirmed, admin, now, progress, &never)
    }

    /// [`Self::restore_backup`] that the admin may stop while the current
    /// state is backed up: it ends `cancelled` with the environment as it
    /// was and nothing kept. Replacing the store is not stoppable.
    pub fn restore_backup_until(
        &self,
        id: BackupId,
        platform_change_confirmed: bool,
        admin: &Admin,
        now: DateTime<Utc>,
        progress: &dyn Fn(CopyProgress),
        stop: &AtomicBool,
    ) -> Result<Backup> {
        let conn = self.connect()?;
        ensure_super_admin(admin, "restore a backup")?;
        let row = self.backup_row(&conn, id)?;
        let env = self.environment_row(&conn, row.backup.environment_id)?;
        ensure_unlocked(env.environment.status, &env.environment.name)?;
        rules::ensure_restorable(&self.verify_backup(id, now)?)?;
        let change = self.restore_platform_change(id)?;
        if let (Some(change), false) = (&change, platform_change_confirmed) {
            return Err(Error::new(
                ErrorKind::Unconfirmed,
                format!("{change}. Confirm to restore it anyway, or pick a backup taken on the platform it runs now."),
            ));
        }
        let safety = self.take_backup_before(
            "restore",
            (env.environment.id, &env.environment.name),
            BackupReason::BeforeRestore,
            admin,
            now,
            progress,
            stop,
        )?;
        self.backend(env.environment.account_id)?.restore_point(
            &env.store_key,
            &row.path,
            progress,
        )?;
        // Invariant: the store is restored from here on; the control
        // database follows it, and if recording that fails, the next start
        // reads the version from the store (`report_version_mismatches`).
        if let Err(e) = Failpoint::fire(self.failpoint(), Site::RestoreWritten)
            .and_then(|()| self.version_from_store(env.environment.id))
        {
            tracing::error!(backup = id, error = %e.message, "after a restore");
        }
        tracing::info!(
            environment_id = env.environment.id,
            backup = id,
            safety = safety.id,
            "restored a backup"
        );
        self.log_activity(
            now,
            &admin.name,
            Some((env.environment.id, &env.environment.name)),
            ActivityAction::RestoredBackup,
            &format!(
                "Restored backup #{id} ({}); the state before is backup #{}{}",
                reason_text(row.backup.reason),
                safety.id,
                change.map(|c| format!(". {c}")).unwrap_or_default()
            ),
        );
        Ok(safety)
    }
}
