//! Putting an environment back after a failed data upgrade: an
//! intermittent error stops the run at its step (resume or roll back),
//! anything else restores the restore point at once, and a run a stop
//! interrupted is rolled back at the next start.

use crate::control::failpoint::{Failpoint, Site};
use crate::environments::integrations::PausedBy;
use crate::upgrade::view::RunRow;
use crate::{Context, Workspace};
use chrono::{DateTime, Utc};
use cutover_core::activity::ActivityAction;
use cutover_core::target::Target;
use cutover_core::upgrade::DataStep;
use cutover_core::{Error, ErrorKind, Result};
use rusqlite::params;

impl Workspace {
    /// The run's restore point, once taken (read fresh: a step may have
    /// just taken it).
    pub(super) fn restore_point_of(&self, id: i64) -> Result<Option<i64>> {
        self.connect()?
            .query_row(
                "SELECT restore_backup_id FROM upgrade_runs WHERE id = ?1",
                [id],
                |r| r.get(0),
            )
            .context("reading the restore point")
    }

    /// Locks the environment for the data upgrade (or a rollback): reads
    /// go on, writes are refused.
    pub(super) fn lock_for_upgrade(&self, env: i64) -> Result<()> {
        self.connect()?
            .execute(
                "UPDATE environments SET status = 'locked' WHERE id = ?1",
                [env],
            )
            .context("locking the environment")?;
        Ok(())
    }

    pub(super) fn unlock_after_upgrade(&self, id: i64, env: i64, at: DateTime<Utc>) -> Result<()> {
        self.connect()?
            .execute(
                "UPDATE environments SET status = 'ready' WHERE id = ?1",
                [env],
            )
            .context("unlocking the environment")?;
        let resumed = self.resume_integrations(PausedBy::Upgrade(id))?;
        if !resumed.is_empty() {
            self.log_run(
                id,
                at,
                &format!("Resumed integrations: {}.", resumed.join(", ")),
            )?;
        }
        Ok(())
    }

    /// Step 6: an intermittent error stops the run at `step` (still locked,
    /// resumable); anything else restores the restore point at once.
    pub(super) fn data_failed(
        &self,
        run: &RunRow,
        step: DataStep,
        e: Error,
        at: DateTime<Utc>,
    ) -> Error {
        let id = run.view.id;
        let window_over = run.view.window_end.is_some_and(|end| at >= end);
        if e.kind == ErrorKind::Locked && !window_over {
            let reason = format!("Stopped at \"{}\": {}", step.label(), e.message);
            let recorded = self.connect().and_then(|c| {
                c.execute(
                    "UPDATE upgrade_runs SET state = 'failed', resumable = 1, reason = ?2 WHERE id = ?1",
                    params![id, reason],
                )
                .context("recording the failure")
            });
            if let Err(fault) = recorded {
                return fault;
            }
            let text = format!(
                "The upgrade of {} to {} stopped at \"{}\" with an intermittent error: {} {} stays locked; resume from this step or roll back.",
                run.view.environment_name, run.view.to_version, step.label(), e.message, run.view.environment_name
            );
            let _ = self.log_run(id, at, &text);
            let _ = self.post_notice_about(
                at,
                Some(run.account_id),
                cutover_core::inbox::Category::UpgradeInfo,
                &format!("Upgrade of {} stopped", run.view.environment_name),
                &text,
                Some(Target::Upgrade {
                    environment_id: run.view.environment_id,
                }),
            );
            return Error::new(e.kind, text);
        }
        match self.roll_back_data(
            run,
            step,
            &format!("Failed at \"{}\": {}", step.label(), e.message),
            at,
        ) {
            Ok(text) => Error::new(
                if e.kind == ErrorKind::Internal {
                    ErrorKind::Invalid
                } else {
                    e.kind
                },
                text,
            ),
            Err(fault) => self.rollback_stopped(run, fault, at),
        }
    }

    /// A rollback that itself failed: the run is recorded failed (not
    /// resumable) so that the admin can roll back again at once, instead
    /// of a run left "in progress" until the next start. The environment
    /// stays locked, its integrations paused, until a rollback finishes.
    pub(super) fn rollback_stopped(&self, run: &RunRow, fault: Error, at: DateTime<Utc>) -> Error {
        let text = format!(
            "Rolling back the upgrade of {} to {} stopped: {} {} stays locked; choose \"Roll back to the restore point\" to try again.",
            run.view.environment_name, run.view.to_version, fault.message, run.view.environment_name
        );
        let recorded = self.connect().and_then(|c| {
            c.execute(
                "UPDATE upgrade_runs SET state = 'failed', resumable = 0, reason = ?2 WHERE id = ?1",
                params![run.view.id, text],
            )
            .context("recording the failed rollback")
        });
        if let Err(e) = recorded {
            tracing::error!(run = run.view.id, error = %e.message, "recording a failed rollback");
            return fault;
        }
        let _ = self.log_run(run.view.id, at, &text);
        let _ = self.post_notice_about(
            at,
            Some(run.account_id),
            cutover_core::inbox::Category::SystemHealth,
            &format!("Rollback of {} stopped", run.view.environment_name),
            &text,
            Some(Target::Upgrade {
                environment_id: run.view.environment_id,
            }),
        );
        Error::new(fault.kind, text)
    }

    /// Puts the environment back to its restore point (if the failed step
    /// could have changed it), unlocks it, resumes its integrations and
    /// records why. Returns what the notice says.
    pub(super) fn roll_back_data(
        &self,
        run: &RunRow,
        step: DataStep,
        reason: &str,
        at: DateTime<Utc>,
    ) -> Result<String> {
        let id = run.view.id;
        let env = run.view.environment_id;
        let restored = match self.restore_point_of(id)? {
            Some(backup) if step.touches_data() => {
                let row = self.environment_row(&self.connect()?, env)?;
                self.backend(run.account_id)?.restore_point(
                    &row.store_key,
                    &self.checked_point(backup)?,
                    &|_| {},
                )?;
                Failpoint::fire(self.failpoint(), Site::RollbackRestored)?;
                format!(
                    " {} was restored to the restore point (backup #{backup}).",
                    run.view.environment_name
                )
            }
            _ => format!(" {} was not changed.", run.view.environment_name),
        };
        self.connect()?
            .execute(
                "UPDATE environments SET version = ?2 WHERE id = ?1",
                params![env, run.view.from_version],
            )
            .context("restoring the environment's version")?;
        self.unlock_after_upgrade(id, env, at)?;
        let calendar = self.calendar_of(run.account_id)?;
        let next = if run.view.production {
            self.next_attempt(&calendar, run, at)?
        } else {
            String::new()
        };
        // The run's log and the error say what happened; the notice also
        // says where to go next (the Upgrade screen shows that live, from
        // the same rule, as `next_window`).
        let text = format!(
            "The upgrade of {} to {} was rolled back. {reason}{restored} It is back online on {}.",
            run.view.environment_name, run.view.to_version, run.view.from_version
        );
        self.connect()?
            .execute(
                "UPDATE upgrade_runs SET state = 'rolled_back', step = ?2, resumable = 0, reason = ?3, data_finished_at = ?4 WHERE id = ?1",
                params![id, step.as_str(), reason, at],
            )
            .context("recording the rollback")?;
        self.log_run(id, at, &text)?;
        self.log_activity(
            at,
            &run.view.author,
            Some((env, &run.view.environment_name)),
            ActivityAction::Upgraded,
            &text,
        );
        // Its earlier notices (commit or roll back) are settled.
        crate::people::inbox::settle_notices(
            &self.connect()?,
            Target::Upgrade {
                environment_id: run.view.environment_id,
            },
        )?;
        self.post_notice_about(
            at,
            Some(run.account_id),
            cutover_core::inbox::Category::UpgradeInfo,
            &format!("Upgrade of {} rolled back", run.view.environment_name),
            &format!("{text}{next}"),
            Some(Target::Upgrade {
                environment_id: run.view.environment_id,
            }),
        )?;
        Ok(text)
    }

    /// Where a rolled-back production upgrade can go next, said for a
    /// notice.
    fn next_attempt(
        &self,
        calendar: &cutover_core::schedule::Calendar,
        run: &RunRow,
        at: DateTime<Utc>,
    ) -> Result<String> {
        Ok(match self.next_attempt_slot(run.account_id, &run.view.to_version, at)? {
            Some((Some(wave), start)) => format!(
                " The next wave that can still be scheduled: {wave}, {}. Reschedule it under Releases; the calendar and reminders follow.",
                calendar.describe(start)
            ),
            Some((None, start)) => format!(
                " The next valid date for another attempt: {}.",
                calendar.describe(start)
            ),
            None => " No wave of this release can still be scheduled: ask the vendor for a later wave.".into(),
        })
    }

    /// The next attempt of production's upgrade to `version` from `at`: a
    /// release that offers waves goes to the first wave the notice rule
    /// still accepts (its UAT was done: no new UAT window), one without to
    /// the earliest window with notice.
    pub(super) fn next_attempt_slot(
        &self,
        account_id: i64,
        version: &str,
        at: DateTime<Utc>,
    ) -> Result<Option<(Option<String>, DateTime<Utc>)>> {
        let calendar = self.calendar_of(account_id)?;
        let target = cutover_core::release::Version::parse(version)?;
        let manifest = self.release_manifest(account_id, &target)?.map(|(_, m)| m);
        if let Some(m) = manifest.filter(|m| !m.waves.is_empty()) {
            let mut waves = m.waves.clone();
            waves.sort_by_key(|w| w.date);
            return Ok(waves.iter().find_map(|w| {
                cutover_core::schedule::plan_upgrade_after_uat(
                    &calendar,
                    m.release_type(),
                    true,
                    w.date,
                    at,
                )
                .ok()
                .map(|p| (Some(w.name.clone()), p.slot.start))
            }));
        }
        Ok(calendar.earliest_slot(at).map(|s| (None, s.start)))
    }

    /// Rolls back runs a stop interrupted during the data upgrade. Runs at
    /// start-up before anything else touches the stores, and for one server
    /// account (`only`) when its password is first given: a run whose
    /// server cannot be reached yet waits until then.
    pub(crate) fn recover_upgrades(
        &self,
        now: DateTime<Utc>,
        only: Option<cutover_core::account::AccountId>,
    ) -> Result<usize> {
        let ids = crate::control::fault::column::<i64>(
            &self.connect()?,
            "SELECT id FROM upgrade_runs WHERE state = 'data_upgrade'",
            [],
            "listing interrupted upgrades",
        )?;
        let mut settled = 0;
        for id in &ids {
            let run = self.run_row(*id)?;
            if only.is_some_and(|a| a != run.account_id) {
                continue;
            }
            if let Err(e) = self.backend(run.account_id) {
                tracing::warn!(run = id, reason = %e.message, "an interrupted data upgrade waits for its server");
                continue;
            }
            settled += 1;
            let step = run.view.step.unwrap_or(DataStep::PauseIntegrations);
            tracing::warn!(
                run = id,
                step = step.as_str(),
                "rolling back a data upgrade interrupted by a stop"
            );
            let reason = format!("Cutover stopped during \"{}\".", step.label());
            if let Err(e) = self.roll_back_data(&run, step, &reason, now) {
                // Start-up goes on; the run waits, failed, for a rollback.
                let e = self.rollback_stopped(&run, e, now);
                tracing::error!(run = id, error = %e.message, "rolling back at start-up");
            }
        }
        Ok(settled)
    }
}
