//! Refresh: copy production over a sandbox or UAT.
//!
//! A refresh overwrites everything in the target (seed 001), so it shows
//! first what will be lost, takes a `before_refresh` backup of the target,
//! and only then replaces the target's contents in one transaction. The
//! target then remembers the production changelog position it was copied
//! from, which later promotions compare against to find conflicts.

use crate::control::failpoint::{Failpoint, Site};
use crate::{Context, Workspace};
use chrono::{DateTime, Utc};
use cutover_core::account::EnvironmentId;
use cutover_core::activity::ActivityAction;
use cutover_core::admin::{ensure_super_admin, Admin};
use cutover_core::backup::{Backup, BackupReason, CopyProgress};
use cutover_core::changelog::AuthorCount;
use cutover_core::environment::{ensure_refreshable, EnvironmentKind};
use cutover_core::{Error, ErrorKind, Result};
use serde::Serialize;
use specta::Type;
use std::sync::atomic::AtomicBool;

/// What a refresh of an environment will overwrite, shown before it runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RefreshPreview {
    pub target_name: String,
    pub source_name: String,
    /// Changes made in the target and not promoted, by author: lost.
    pub unpromoted: Vec<AuthorCount>,
    pub target_records: u64,
    pub source_records: u64,
}

impl Workspace {
    fn production_of(
        &self,
        target: EnvironmentId,
    ) -> Result<(
        crate::workspace::EnvironmentRow,
        crate::workspace::EnvironmentRow,
    )> {
        let conn = self.connect()?;
        let row = self.environment_row(&conn, target)?;
        ensure_refreshable(row.environment.kind, &row.environment.name)?;
        let production = self
            .environment_rows(&conn, row.environment.account_id)?
            .into_iter()
            .find(|e| e.environment.kind == EnvironmentKind::Production)
            .ok_or_else(|| {
                Error::not_found("This account has no production environment to refresh from.")
            })?;
        Ok((row, production))
    }

    pub fn refresh_preview(&self, target: EnvironmentId) -> Result<RefreshPreview> {
        let (row, production) = self.production_of(target)?;
        let store = self.open_row(&row)?;
        let source_records = self.open_row(&production)?.stats()?.record_count;
        Ok(RefreshPreview {
            target_name: row.environment.name,
            source_name: production.environment.name,
            unpromoted: store.unpromoted_authors()?,
            target_records: store.stats()?.record_count,
            source_records,
        })
    }

    /// Refreshes `target` from its account's production as `admin` (a
    /// super-admin). Returns the backup taken of the target first.
    pub fn refresh(
        &self,
        target: EnvironmentId,
        admin: &Admin,
        now: DateTime<Utc>,
        progress: &dyn Fn(CopyProgress),
    ) -> Result<Backup> {
        let never = AtomicBool::new(false);
        self.refresh_until(target, admin, now, progress, &never)
    }

    /// [`Self::refresh`] that the admin may stop until the target starts
    /// being replaced: it ends `cancelled` with the target as it was. The
    /// backup taken of it first, if complete, stays listed (it is a good
    /// backup of the current state); no copy of production is left.
    pub fn refresh_until(
        &self,
        target: EnvironmentId,
        admin: &Admin,
        now: DateTime<Utc>,
        progress: &dyn Fn(CopyProgress),
        stop: &AtomicBool,
    ) -> Result<Backup> {
        ensure_super_admin(admin, "refresh an environment from production")?;
        let (row, production) = self.production_of(target)?;
        self.writable(target)?;
        let name = &row.environment.name;
        let safety = self.take_backup_before(
            "refresh",
            (target, name),
            BackupReason::BeforeRefresh,
            admin,
            now,
            progress,
            stop,
        )?;
        // Production stays online; the target gets production's content
        // and its copy point in one transaction: a stop at any moment
        // leaves the old target or the refreshed one, never production's
        // changes counted as the target's own.
        let copied = self.backend(row.environment.account_id)?.refresh(
            &production.store_key,
            &row.store_key,
            progress,
            stop,
        );
        let base = copied.map_err(|e| match e.kind {
            ErrorKind::Cancelled => Error::cancelled(format!(
                "The refresh was stopped while production was being copied; {name} is unchanged. The backup taken of it first is kept in its Backups (#{}).",
                safety.id
            )),
            _ => e,
        })?;
        // Invariant: the target is refreshed from here on; what follows
        // is bookkeeping, reported but not undone.
        if let Err(e) = Failpoint::fire(self.failpoint(), Site::RefreshWritten).and_then(|()| {
            self.connect()?
                .execute(
                    "UPDATE environments SET copied_from = ?2 WHERE id = ?1",
                    [target, production.environment.id],
                )
                .context("recording where the environment was copied from")
                .map(|_| ())
        }) {
            tracing::error!(environment_id = target, error = %e.message, "after a refresh");
        }
        tracing::info!(
            environment_id = target,
            from = production.environment.id,
            changelog_base = base,
            safety = safety.id,
            author = %admin.name,
            "refreshed from production"
        );
        self.log_activity(
            now,
            &admin.name,
            Some((target, &row.environment.name)),
            ActivityAction::Refreshed,
            &format!(
                "Refreshed from {}; the state before is backup #{}",
                production.environment.name, safety.id
            ),
        );
        Ok(safety)
    }
}
