//! Steps 4–6 of an upgrade run: the gate, the data upgrade (the only
//! downtime), and what happens when it fails: an intermittent error stops
//! at its step, to be resumed or rolled back; any other error, a failing
//! check or the end of the maintenance window restores the restore point
//! at once. A run found mid-upgrade at start-up is rolled back first.
//!
//! Invariant: every step is safe to run again (release scripts and
//! extensions are recorded in the transaction that applies them, the
//! restore point is taken once), so resuming re-runs the failed step.

use crate::control::failpoint::{FailMode, Failpoint, Site};
use crate::environments::integrations::PausedBy;
use crate::upgrade::view::RunRow;
use crate::{Context, Workspace};
use chrono::{DateTime, Utc};
use cutover_core::activity::ActivityAction;
use cutover_core::admin::{ensure_super_admin, Admin};
use cutover_core::backup::BackupReason;
use cutover_core::release::Version;
use cutover_core::target::Target;
use cutover_core::upgrade::{self as rules, DataStep, PackageKind, UpgradeRun, UpgradeState};
use cutover_core::{Error, Result};
use rusqlite::params;

impl Workspace {
    /// The end of the maintenance window `now` falls in, for production;
    /// refuses outside a window or during a freeze.
    fn window_end(&self, run: &RunRow, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>> {
        if !run.view.production {
            return Ok(None);
        }
        let calendar = self.calendar_of(run.account_id)?;
        calendar.ensure_not_frozen(now, "upgrade")?;
        match calendar.window_containing(now) {
            Some(s) => Ok(Some(s.end)),
            None => {
                let next = calendar
                    .next_window(now)
                    .map(|s| calendar.describe(s.start))
                    .unwrap_or_else(|| "not set".into());
                Err(Error::forbidden(format!(
                    "Production is upgraded only inside a maintenance window; the next one opens {next}. Start the data upgrade then."
                )))
            }
        }
    }

    /// Step 5: checks the gate, then runs the data upgrade. On failure the
    /// error says what happened to the environment.
    pub fn start_data_upgrade(
        &self,
        id: i64,
        admin: &Admin,
        now: &dyn Fn() -> DateTime<Utc>,
    ) -> Result<UpgradeRun> {
        ensure_super_admin(admin, "start a data upgrade")?;
        let run = self.run_row(id)?;
        let retry = run.view.state == UpgradeState::RolledBack
            && run.copy_key.is_some()
            && run.view.finished_at.is_none();
        if run.view.state != UpgradeState::Packages && !retry {
            return Err(Error::conflict(
                "The data upgrade starts after the packages step.",
            ));
        }
        self.writable(run.view.environment_id)?;
        let at = now();
        if run.view.production {
            let conn = self.connect()?;
            let release_id: i64 = conn
                .query_row(
                    "SELECT release_id FROM upgrade_runs WHERE id = ?1",
                    [id],
                    |r| r.get(0),
                )
                .context("reading the run's release")?;
            self.ensure_production_cleared(&conn, run.account_id, release_id)?;
            if let Some((slot, wave)) =
                crate::schedule::plans::scheduled_slot(&conn, run.account_id, release_id)?
            {
                cutover_core::schedule::ensure_scheduled_window(
                    &self.calendar_of(run.account_id)?,
                    &run.view.to_version,
                    wave.as_deref(),
                    &slot,
                    at,
                )?;
            }
        }
        let window_end = self.window_end(&run, at)?;
        let left = window_end.map(|end| (end - at).num_milliseconds().max(0) as u64);
        rules::ensure_gate_open(
            &run.view.packages,
            u64::from(run.view.predicted_ms.unwrap_or(0)),
            left,
        )?;
        self.ensure_rehearsal_current(&run)?;
        self.connect()?
            .execute(
                "UPDATE upgrade_runs SET state = 'data_upgrade', step = 'pause_integrations', data_started_at = ?2,
                 data_finished_at = NULL, window_end = ?3, restore_backup_id = NULL, resumable = 0, reason = NULL
                 WHERE id = ?1",
                params![id, at, window_end],
            )
            .context("starting the data upgrade")?;
        self.log_run(
            id,
            at,
            &format!("{} started the data upgrade: downtime begins.", admin.name),
        )?;
        self.data_steps(id, DataStep::PauseIntegrations, admin, now)
    }

    /// Records as the run's restore point a backup this data upgrade took
    /// but was stopped before recording (the environment has been locked
    /// since, so it still holds the data to go back to). Without this a
    /// resume would take a second one and leave the first guarding forever.
    fn adopt_restore_point(&self, run: &RunRow, at: DateTime<Utc>) -> Result<bool> {
        let Some(started) = run.view.data_started_at else {
            return Ok(false);
        };
        let conn = self.connect()?;
        let taken = crate::control::fault::column::<i64>(
            &conn,
            "SELECT id FROM backups
             WHERE environment_id = ?1 AND reason = 'before_upgrade' AND released_at IS NULL
               AND problem IS NULL AND verified_at IS NOT NULL AND taken_at >= ?2
               AND id NOT IN (SELECT restore_backup_id FROM upgrade_runs WHERE restore_backup_id IS NOT NULL)
             ORDER BY taken_at DESC, id DESC LIMIT 1",
            params![run.view.environment_id, started],
            "looking for an unrecorded restore point",
        )?;
        let Some(backup) = taken.first() else {
            return Ok(false);
        };
        conn.execute(
            "UPDATE upgrade_runs SET restore_backup_id = ?2 WHERE id = ?1",
            params![run.view.id, backup],
        )
        .context("recording the restore point")?;
        self.log_run(
            run.view.id,
            at,
            &format!("Restore point: backup #{backup}, taken before the stop."),
        )?;
        Ok(true)
    }

    /// Refuses when the environment's extensions changed since the run was
    /// planned: the data upgrade would then run other packages than the
    /// ones rehearsed and signed off.
    fn ensure_rehearsal_current(&self, run: &RunRow) -> Result<()> {
        let target = Version::parse(&run.view.to_version)?;
        let (_, manifest) = self
            .release_manifest(run.account_id, &target)?
            .ok_or_else(|| Error::not_found(format!("{target} is no longer in the catalog.")))?;
        let now = self.plan_run_packages(
            run.view.environment_id,
            run.account_id,
            &Version::parse(&run.view.from_version)?,
            &target,
            &manifest,
        )?;
        let labels = |p: &[cutover_core::upgrade::UpgradePackage]| -> Vec<String> {
            p.iter().map(|p| p.label.clone()).collect()
        };
        if labels(&now) != labels(&run.view.packages) {
            return Err(Error::conflict(format!(
                "{}'s extensions changed since this run was planned: it would now need {} but the copy rehearsed {}. Cancel this run and start a new one, so that what runs during the downtime is what was rehearsed.",
                run.view.environment_name,
                labels(&now).join(", "),
                labels(&run.view.packages).join(", ")
            )));
        }
        Ok(())
    }

    /// Resumes a run stopped by an intermittent error from its failed step.
    pub fn resume_upgrade(
        &self,
        id: i64,
        admin: &Admin,
        now: &dyn Fn() -> DateTime<Utc>,
    ) -> Result<UpgradeRun> {
        ensure_super_admin(admin, "resume a data upgrade")?;
        let run = self.run_row(id)?;
        let step = match (run.view.state, run.view.resumable, run.view.step) {
            (UpgradeState::Failed, true, Some(step)) => step,
            _ => {
                return Err(Error::conflict(
                    "Only a data upgrade stopped by an intermittent error can be resumed.",
                ))
            }
        };
        self.connect()?
            .execute(
                "UPDATE upgrade_runs SET state = 'data_upgrade', resumable = 0, reason = NULL WHERE id = ?1",
                [id],
            )
            .context("resuming the data upgrade")?;
        self.log_run(
            id,
            now(),
            &format!(
                "{} resumed the data upgrade at \"{}\".",
                admin.name,
                step.label()
            ),
        )?;
        self.data_steps(id, step, admin, now)
    }

    fn data_steps(
        &self,
        id: i64,
        from: DataStep,
        admin: &Admin,
        now: &dyn Fn() -> DateTime<Utc>,
    ) -> Result<UpgradeRun> {
        let run = self.run_row(id)?;
        for step in DataStep::ALL.into_iter().filter(|s| *s >= from) {
            self.connect()?
                .execute(
                    "UPDATE upgrade_runs SET step = ?2 WHERE id = ?1",
                    params![id, step.as_str()],
                )
                .context("recording the data-upgrade step")?;
            let done = self
                .window_open(&run, step, now())
                .and_then(|()| self.data_step(&run, step, admin, now))
                .and_then(|()| Failpoint::fire(self.failpoint(), Site::Data(step)));
            if let Err(e) = done {
                return Err(self.data_failed(&run, step, e, now()));
            }
            self.log_run(id, now(), &format!("Done: {}.", step.label()))?;
        }
        let at = now();
        self.connect()?
            .execute(
                "UPDATE upgrade_runs SET state = 'validating', data_finished_at = ?2 WHERE id = ?1",
                params![id, at],
            )
            .context("recording the end of the data upgrade")?;
        let run = self.upgrade_run(id)?;
        let downtime = run
            .data_started_at
            .map(|s| (at - s).num_milliseconds().max(0) as u64)
            .unwrap_or(0);
        let text = format!(
            "{} runs {} (downtime {}). Ask users to validate the business, then commit or roll back.",
            run.environment_name,
            run.to_version,
            rules::duration_text(downtime)
        );
        self.log_run(id, at, &text)?;
        self.log_activity(
            at,
            &admin.name,
            Some((run.environment_id, &run.environment_name)),
            ActivityAction::Upgraded,
            &text,
        );
        self.post_notice_about(
            at,
            self.account_of(run.environment_id).ok(),
            cutover_core::inbox::Category::UpgradeInfo,
            &format!("{} upgraded to {}", run.environment_name, run.to_version),
            &text,
            Some(Target::Upgrade {
                environment_id: run.environment_id,
            }),
        )?;
        Ok(run)
    }

    /// Refuses to go on once the maintenance window has ended (the unlock
    /// that ends the downtime always runs).
    fn window_open(&self, run: &RunRow, step: DataStep, at: DateTime<Utc>) -> Result<()> {
        match run.view.window_end {
            Some(end) if at >= end && step != DataStep::Unlock => Err(Error::forbidden(format!(
                "The maintenance window ended at {} before the data upgrade finished.",
                self.calendar_of(run.account_id)?.describe(end)
            ))),
            _ => Ok(()),
        }
    }

    fn data_step(
        &self,
        run: &RunRow,
        step: DataStep,
        admin: &Admin,
        now: &dyn Fn() -> DateTime<Utc>,
    ) -> Result<()> {
        let id = run.view.id;
        let env = run.view.environment_id;
        let packages = |kinds: &[PackageKind]| {
            run.view
                .packages
                .iter()
                .filter(|p| kinds.contains(&p.kind))
                .collect::<Vec<_>>()
        };
        let apply = |kinds: &[PackageKind]| -> Result<()> {
            let mut store = self.store(env)?;
            let all = packages(kinds);
            for (i, p) in all.iter().enumerate() {
                self.apply_package(store.as_mut(), run.account_id, p, &admin.name, now())?;
                self.log_run(id, now(), &format!("Applied {}.", p.label))?;
                if p.kind != PackageKind::RemoveExtension && i + 1 < all.len() {
                    Failpoint::fire(self.failpoint(), Site::MigrationApplied)?;
                }
            }
            Ok(())
        };
        match step {
            DataStep::PauseIntegrations => {
                let paused = self.pause_integrations(env, PausedBy::Upgrade(id))?;
                if !paused.is_empty() {
                    self.log_run(
                        id,
                        now(),
                        &format!("Paused integrations: {}.", paused.join(", ")),
                    )?;
                }
            }
            DataStep::Lock => self.lock_for_upgrade(env)?,
            DataStep::RestorePoint => {
                // Taken once: a resumed run keeps the first one, even one a
                // stop kept from being recorded on the run.
                if self.restore_point_of(id)?.is_none() && !self.adopt_restore_point(run, now())? {
                    let backup =
                        self.take_backup(env, BackupReason::BeforeUpgrade, admin, now(), &|_| {})?;
                    Failpoint::fire(self.failpoint(), Site::RestorePointTaken)?;
                    self.connect()?
                        .execute(
                            "UPDATE upgrade_runs SET restore_backup_id = ?2 WHERE id = ?1",
                            params![id, backup.id],
                        )
                        .context("recording the restore point")?;
                    self.log_run(
                        id,
                        now(),
                        &format!(
                            "Restore point taken: backup #{} ({} bytes), verified.",
                            backup.id, backup.size_bytes
                        ),
                    )?;
                }
            }
            DataStep::RemoveExtensions => apply(&[PackageKind::RemoveExtension])?,
            DataStep::Migrations => apply(&[PackageKind::Platform, PackageKind::Hotfix])?,
            DataStep::Checks => {
                let extra = match self.failpoint() {
                    Some(Failpoint {
                        site: Site::Data(DataStep::Checks),
                        mode: FailMode::FailingCheck,
                    }) => vec![(
                        "injected by CUTOVER_FAILPOINT".to_string(),
                        "SELECT 'a failing check was injected' AS problem".to_string(),
                    )],
                    _ => Vec::new(),
                };
                let n =
                    self.run_checks(self.store(env)?.as_ref(), &run.view, run.account_id, &extra)?;
                self.log_run(id, now(), &format!("{n} checks passed."))?;
            }
            DataStep::Reinstall => apply(&[PackageKind::InstallExtension])?,
            DataStep::SetVersion => {
                self.store(env)?
                    .set_platform_version(&run.view.to_version)?;
                Failpoint::fire(self.failpoint(), Site::StoreVersionSet)?;
                self.connect()?
                    .execute(
                        "UPDATE environments SET version = ?2 WHERE id = ?1",
                        params![env, run.view.to_version],
                    )
                    .context("changing the environment's version")?;
            }
            DataStep::Unlock => self.unlock_after_upgrade(id, env, now())?,
        }
        Ok(())
    }
}
