//! Upgrade runs: starting one, preparing its parallel copy,
//! cancelling it, the 10-day timer, and reading runs back for the Upgrade
//! screen and the history. Packages are in `packages.rs`, the
//! data upgrade in `data.rs`, commit and rollback in
//! `finish.rs`.
//!
//! Invariant: a run is open while `finished_at` is NULL, and an open run's
//! `copy_key` (if any) names a store the start-up recovery must keep.

use crate::control::failpoint::{Failpoint, Site};
use crate::upgrade::view::RunRow;
use crate::{Context, Workspace};
use chrono::{DateTime, Utc};
use cutover_core::account::EnvironmentId;
use cutover_core::admin::{ensure_super_admin, Admin};
use cutover_core::backup::CopyProgress;
use cutover_core::environment::EnvironmentKind;
use cutover_core::extension::{upgrade_changes, InstalledExtension};
use cutover_core::release::Version;
use cutover_core::target::Target;
use cutover_core::upgrade::{
    self as rules, RequiredHotfix, TimerOutcome, UpgradePackage, UpgradeRun, UpgradeState,
};
use cutover_core::{Error, Result};
use cutover_package::Manifest;
use rusqlite::params;
use std::sync::atomic::AtomicBool;

impl Workspace {
    /// Step 1: starts a run of `environment_id` to `target`; the timer
    /// starts now. Refusals change nothing. Production's run to a
    /// scheduled release is refused as `Unconfirmed` before the day of its
    /// window (see `start_upgrade_before_wave`).
    pub fn start_upgrade(
        &self,
        environment_id: EnvironmentId,
        target: &str,
        admin: &Admin,
        now: DateTime<Utc>,
    ) -> Result<UpgradeRun> {
        self.start_run(environment_id, target, admin, now, false)
    }

    /// Starts production's run before the day of its scheduled window, the
    /// admin having read what that means.
    pub fn start_upgrade_before_wave(
        &self,
        environment_id: EnvironmentId,
        target: &str,
        admin: &Admin,
        now: DateTime<Utc>,
    ) -> Result<UpgradeRun> {
        self.start_run(environment_id, target, admin, now, true)
    }

    fn start_run(
        &self,
        environment_id: EnvironmentId,
        target: &str,
        admin: &Admin,
        now: DateTime<Utc>,
        early_confirmed: bool,
    ) -> Result<UpgradeRun> {
        ensure_super_admin(admin, "upgrade an environment")?;
        let row = self.writable(environment_id)?;
        let env = &row.environment;
        if let Some(open) = self.open_upgrade(environment_id)? {
            return Err(Error::conflict(format!(
                "\"{}\" already has an upgrade to {} in progress: continue it or cancel it first.",
                env.name, open.to_version
            )));
        }
        let target = Version::parse(target.trim())?;
        let current = Version::parse(&env.version)?;
        let (release_id, manifest) =
            self.release_manifest(env.account_id, &target)?
                .ok_or_else(|| {
                    Error::not_found(format!(
                        "{target} is not in the catalog: import its package first."
                    ))
                })?;
        let conn = self.connect()?;
        let window = self.window_at(&conn, env.account_id, now)?;
        let upgrades_from = manifest
            .upgrades_from
            .iter()
            .map(|v| Version::parse(v))
            .collect::<Result<Vec<_>>>()?;
        let sandboxes = if env.kind == EnvironmentKind::Production {
            let mut out = Vec::new();
            for s in self.environment_rows(&conn, env.account_id)? {
                if s.environment.kind == EnvironmentKind::Production {
                    continue;
                }
                let committed = crate::control::fault::column::<String>(
                    &conn,
                    "SELECT to_version FROM upgrade_runs WHERE environment_id = ?1 AND state = 'committed'",
                    [s.environment.id],
                    "reading committed upgrades",
                )?;
                let versions = committed
                    .iter()
                    .map(|v| Version::parse(v))
                    .collect::<Result<_>>()?;
                out.push((s.environment.name, versions));
            }
            Some(out)
        } else {
            None
        };
        rules::ensure_startable(&rules::StartFacts {
            current: &current,
            target: &target,
            window: &window,
            upgrades_from: &upgrades_from,
            production: sandboxes.as_deref(),
        })?;
        if env.kind == EnvironmentKind::Production {
            self.ensure_production_cleared(&conn, env.account_id, release_id)?;
            if let Some((slot, wave)) =
                crate::schedule::plans::scheduled_slot(&conn, env.account_id, release_id)?
            {
                cutover_core::schedule::ensure_on_wave(
                    &self.calendar_of(env.account_id)?,
                    &target.to_string(),
                    wave.as_deref(),
                    &slot,
                    rules::deadline(now),
                    early_confirmed,
                    now,
                )?;
            }
        }
        // Where the backups go: this computer's disk, or the server.
        if let Some(free) = self.backend(row.environment.account_id)?.free_space()? {
            let size = self.open_row(&row)?.figures()?.size_bytes;
            rules::ensure_disk_space(size, free)?;
        }
        let packages =
            self.plan_run_packages(env.id, env.account_id, &current, &target, &manifest)?;
        let json = serde_json::to_string(&packages).context("recording the packages")?;
        let inserted = conn.execute(
            "INSERT INTO upgrade_runs (environment_id, release_id, from_version, to_version, author, state, started_at, packages)
             VALUES (?1, ?2, ?3, ?4, ?5, 'preparing', ?6, ?7)",
            params![env.id, release_id, env.version, target.to_string(), admin.name, now, json],
        );
        if let Err(e) = &inserted {
            if crate::control::fault::is_unique_violation(e) {
                return Err(Error::conflict(
                    "Another upgrade of this environment was started just now.",
                ));
            }
        }
        inserted.context("recording the upgrade run")?;
        let id = conn.last_insert_rowid();
        Failpoint::fire(self.failpoint(), Site::UpgradeStarted)?;
        self.log_run(
            id,
            now,
            &format!("{} started the upgrade of {} from {current} to {target}; the 10-day timer runs until {}.",
                admin.name, env.name, self.calendar_of(env.account_id)?.describe(rules::deadline(now))),
        )?;
        self.upgrade_run(id)
    }

    pub(super) fn plan_run_packages(
        &self,
        environment_id: EnvironmentId,
        account_id: i64,
        current: &Version,
        target: &Version,
        manifest: &Manifest,
    ) -> Result<Vec<UpgradePackage>> {
        let installed = self
            .environment_extensions(environment_id)?
            .iter()
            .map(InstalledExtension::rule)
            .collect::<Result<Vec<_>>>()?;
        let catalog = self.extension_catalog(account_id)?;
        let available = catalog
            .iter()
            .map(|e| e.rule())
            .collect::<Result<Vec<_>>>()?;
        let changes = upgrade_changes(&installed, &available, target)?;
        let mut hotfixes = Vec::new();
        for h in &manifest.required_hotfixes {
            let version = Version::parse(h)?;
            let in_catalog = self.release_manifest(account_id, &version)?.is_some();
            hotfixes.push(RequiredHotfix {
                version,
                in_catalog,
            });
        }
        let ids = |name: &str, version: &Version| {
            catalog
                .iter()
                .find(|e| {
                    e.name == name && Version::parse(&e.version).ok().as_ref() == Some(version)
                })
                .map(|e| e.id)
        };
        Ok(rules::plan_packages(
            current, target, &hotfixes, &changes, &ids,
        ))
    }

    /// Step 2: makes the parallel copy while the original stays online,
    /// reporting progress; then the packages can be applied. Safe to call
    /// again after an interruption.
    pub fn prepare_upgrade(&self, id: i64, now: &dyn Fn() -> DateTime<Utc>) -> Result<UpgradeRun> {
        let run = self.run_row(id)?;
        if run.view.state != UpgradeState::Preparing {
            return Err(Error::conflict("This run's copy is already prepared."));
        }
        let conn = self.connect()?;
        let source = self.environment_row(&conn, run.view.environment_id)?;
        let backend = self.backend(run.account_id)?;
        if let Some(old) = &run.copy_key {
            backend.discard(old)?;
        }
        let key = format!("upgrade-{id}-{}", uuid::Uuid::new_v4().simple());
        conn.execute(
            "UPDATE upgrade_runs SET copy_key = ?2, copy_percent = 0 WHERE id = ?1",
            params![id, key],
        )
        .context("recording the copy")?;
        // One durable write to the control database, timed: the data
        // upgrade records each of its steps with such writes.
        let write = std::time::Instant::now();
        self.log_run(
            id,
            now(),
            &format!("Copying {} (it stays online).", source.environment.name),
        )?;
        let write_ms = write.elapsed().as_secs_f64() * 1000.0;
        let last = std::cell::Cell::new(0i64);
        let progress = |p: CopyProgress| {
            let percent = i64::from(p.done_pages) * 100 / i64::from(p.total_pages.max(1));
            if percent != last.get() {
                last.set(percent);
                let _ = conn.execute(
                    "UPDATE upgrade_runs SET copy_percent = ?2 WHERE id = ?1",
                    params![id, percent],
                );
            }
        };
        let started = std::time::Instant::now();
        backend.copy(&source.store_key, &key, &progress, &AtomicBool::new(false))?;
        let copied = started.elapsed();
        // The restore point is a copy plus its checksum: time that too, so
        // the rehearsal predicts the downtime the restore point will add.
        backend.rehearse_point(&key)?;
        let restore_point_ms = started.elapsed().as_millis() as i64;
        // A stop from here on leaves the run preparing with a whole copy,
        // which the next prepare replaces.
        Failpoint::fire(self.failpoint(), Site::UpgradeCopied)?;
        let records_ms =
            (write_ms * f64::from(rules::recorded_writes(run.view.packages.len()))) as i64;
        let ms = restore_point_ms + records_ms;
        conn.execute(
            "UPDATE upgrade_runs SET state = 'packages', copy_percent = 100, copy_ms = ?2 WHERE id = ?1",
            params![id, ms],
        )
        .context("recording the copy")?;
        self.log_run(
            id,
            now(),
            &format!(
                "The parallel copy is ready ({}). The data upgrade is predicted to spend {} on the restore point (a copy and its checksum) and {} recording its steps, plus the packages' time on the copy.",
                rules::duration_text(copied.as_millis() as u64),
                rules::duration_text(restore_point_ms as u64),
                rules::duration_text(records_ms as u64)
            ),
        )?;
        self.upgrade_run(id)
    }

    /// Step 8: cancels a run whose data upgrade has not started (or was
    /// rolled back); the original is not touched, the copy is deleted.
    pub fn cancel_upgrade_run(
        &self,
        id: i64,
        admin: &Admin,
        now: DateTime<Utc>,
    ) -> Result<UpgradeRun> {
        ensure_super_admin(admin, "cancel an upgrade")?;
        let run = self.run_row(id)?;
        if run.view.finished_at.is_some() || !run.view.state.cancellable() {
            return Err(Error::forbidden(
                "Only a run whose data upgrade has not started, or was rolled back, can be cancelled. Commit or roll it back instead.",
            ));
        }
        let state = if run.view.state == UpgradeState::RolledBack {
            "rolled_back"
        } else {
            "cancelled"
        };
        // Recorded closed first: a stop before the copy's files are gone
        // leaves them to the start-up recovery, never an open run whose
        // copy is missing.
        self.finish_run(id, state, now)?;
        Failpoint::fire(self.failpoint(), Site::UpgradeClosed)?;
        self.delete_copy(&run)?;
        self.log_run(
            id,
            now,
            &format!(
                "{} closed the run; the parallel copy was deleted.",
                admin.name
            ),
        )?;
        self.upgrade_run(id)
    }

    pub(super) fn finish_run(&self, id: i64, state: &str, now: DateTime<Utc>) -> Result<()> {
        self.connect()?
            .execute(
                "UPDATE upgrade_runs SET state = ?2, finished_at = ?3, copy_key = NULL WHERE id = ?1",
                params![id, state, now],
            )
            .context("closing the upgrade run")?;
        Ok(())
    }

    /// Deletes the copy and the snapshots taken before each package.
    pub(super) fn delete_copy(&self, run: &RunRow) -> Result<()> {
        if let Some(key) = &run.copy_key {
            let backend = self.backend(run.account_id)?;
            for i in 0..run.view.packages.len() {
                backend.discard(&format!("{key}-before-{i}"))?;
            }
            backend.discard(key)?;
        }
        Ok(())
    }

    /// The timer's outcomes at `now` (seed 002); returns how many runs it
    /// closed. Called at start-up and by the reminder engine.
    pub fn apply_upgrade_timers(&self, now: DateTime<Utc>) -> Result<usize> {
        let ids = crate::control::fault::column::<i64>(
            &self.connect()?,
            "SELECT id FROM upgrade_runs WHERE finished_at IS NULL",
            [],
            "listing open upgrade runs",
        )?;
        let mut closed = 0;
        for id in ids {
            let run = self.run_row(id)?;
            if rules::timer_outcome(run.view.state, run.view.started_at, now)
                != TimerOutcome::DeleteCopy
            {
                continue;
            }
            let (state, what) = if run.view.state == UpgradeState::RolledBack {
                ("rolled_back", "The data upgrade had been rolled back")
            } else {
                ("expired", "The data upgrade never ran")
            };
            self.finish_run(id, state, now)?;
            Failpoint::fire(self.failpoint(), Site::UpgradeClosed)?;
            self.delete_copy(&run)?;
            let text = format!("The 10 days of the upgrade of {} to {} ran out. {what}, so the parallel copy was deleted; {} is unchanged. Start a new run to upgrade.",
                run.view.environment_name, run.view.to_version, run.view.environment_name);
            self.log_run(id, now, &text)?;
            // Its earlier notices (commit or roll back) are settled.
            crate::people::inbox::settle_notices(
                &self.connect()?,
                Target::Upgrade {
                    environment_id: run.view.environment_id,
                },
            )?;
            self.post_notice_about(
                now,
                Some(run.account_id),
                cutover_core::inbox::Category::UpgradeInfo,
                &format!("Upgrade of {} expired", run.view.environment_name),
                &text,
                Some(Target::Upgrade {
                    environment_id: run.view.environment_id,
                }),
            )?;
            closed += 1;
        }
        Ok(closed)
    }

    /// Store keys of open runs' copies, which start-up recovery keeps.
    pub(crate) fn upgrade_copy_keys(&self) -> Result<Vec<String>> {
        let mut keys = Vec::new();
        for id in crate::control::fault::column::<i64>(
            &self.connect()?,
            "SELECT id FROM upgrade_runs WHERE copy_key IS NOT NULL",
            [],
            "listing upgrade copies",
        )? {
            let run = self.run_row(id)?;
            if let Some(key) = run.copy_key {
                keys.extend((0..run.view.packages.len()).map(|i| format!("{key}-before-{i}")));
                keys.push(key);
            }
        }
        Ok(keys)
    }
}
