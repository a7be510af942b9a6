//! A store's platform (version and extensions) lives in the store itself;
//! the control database keeps a copy of the version for listing and rules.
//! A restore can take a store to another platform, so: a restore first says
//! what it would change (`core::backup::platform_change`), afterwards the
//! control database follows the store, and at start-up a store whose
//! version differs from the recorded one is reported, never trusted
//! silently.

use crate::{Context, Workspace};
use chrono::{DateTime, Utc};
use cutover_core::account::EnvironmentId;
use cutover_core::backup::{platform_change, BackupId, PlatformState};
use cutover_core::target::Target;
use cutover_core::Result;
use rusqlite::params;

impl Workspace {
    /// The platform environment `id`'s store holds now.
    pub(super) fn platform_state(&self, id: EnvironmentId) -> Result<PlatformState> {
        let store = self.store(id)?;
        Ok(PlatformState::new(
            store.platform_version()?,
            store.installed_extensions()?,
        ))
    }

    /// What restoring backup `id` would also change about its
    /// environment's platform, in plain words; `None` when nothing.
    pub fn restore_platform_change(&self, id: BackupId) -> Result<Option<String>> {
        let conn = self.connect()?;
        let row = self.backup_row(&conn, id)?;
        let env = self.environment_row(&conn, row.backup.environment_id)?;
        let restored = self
            .backend(env.environment.account_id)?
            .point_platform(&row.path)?;
        let current = self.platform_state(env.environment.id)?;
        Ok(platform_change(&env.environment.name, &current, &restored))
    }

    /// Makes the control database's version of environment `id` the one its
    /// store holds; returns the (recorded, actual) pair when they differed.
    pub(super) fn version_from_store(&self, id: EnvironmentId) -> Result<Option<(String, String)>> {
        let actual = self.store(id)?.platform_version()?;
        let recorded = self.environment(id)?.version;
        if recorded == actual {
            return Ok(None);
        }
        self.connect()?
            .execute(
                "UPDATE environments SET version = ?2 WHERE id = ?1",
                params![id, actual],
            )
            .context("recording the platform version")?;
        Ok(Some((recorded, actual)))
    }

    /// At start-up: every environment whose store holds another version than
    /// the control database recorded takes the store's, with an inbox
    /// notice that says so. Returns how many.
    pub(crate) fn report_version_mismatches(&self, now: DateTime<Utc>) -> Result<usize> {
        let mut found = 0;
        for account in self.overview_rows()? {
            for (id, name) in account {
                let Ok(Some((recorded, actual))) = self.version_from_store(id) else {
                    continue; // an unreadable store is reported by the dashboard
                };
                found += 1;
                tracing::warn!(environment = id, %recorded, %actual, "the store's platform version differs from the recorded one");
                self.post_notice_about(
                    now,
                    self.account_of(id).ok(),
                    cutover_core::inbox::Category::SystemHealth,
                    &format!("{name} runs platform {actual}, not {recorded}"),
                    &format!(
                        "{name}'s data store holds platform {actual}, but Cutover had recorded {recorded} (the store was restored or replaced outside a Cutover upgrade). Cutover now shows {actual}; check its extensions, and upgrade it again if it should run {recorded}."
                    ), Some(Target::Backups { environment_id: id }))?;
            }
        }
        Ok(found)
    }

    /// Every environment's id and name, per account.
    fn overview_rows(&self) -> Result<Vec<Vec<(EnvironmentId, String)>>> {
        let conn = self.connect()?;
        self.accounts()?
            .into_iter()
            .map(|a| {
                Ok(self
                    .environment_rows(&conn, a.id)?
                    .into_iter()
                    .map(|r| (r.environment.id, r.environment.name))
                    .collect())
            })
            .collect()
    }
}
