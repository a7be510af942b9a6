//! Step 7 of an upgrade run: after the data upgrade users validate the
//! business, then the admin commits (the copy goes; the post-upgrade
//! actions become a checklist) or rolls back to the restore point, told
//! first how many changes made since will be discarded.

use crate::control::failpoint::{Failpoint, Site};
use crate::environments::integrations::PausedBy;
use crate::people::recipients::recipient_names;
use crate::{Context, Workspace};
use chrono::{DateTime, Utc};
use cutover_core::activity::ActivityAction;
use cutover_core::admin::{ensure_super_admin, Admin};
use cutover_core::environment::EnvironmentKind;
use cutover_core::inbox::Category;
use cutover_core::release::Version;
use cutover_core::target::Target;
use cutover_core::upgrade::{duration_text, DataStep, RollbackImpact, UpgradeRun, UpgradeState};
use cutover_core::wording::counted;
use cutover_core::{Error, Result};
use rusqlite::params;

impl Workspace {
    pub fn commit_upgrade(&self, id: i64, admin: &Admin, now: DateTime<Utc>) -> Result<UpgradeRun> {
        ensure_super_admin(admin, "commit an upgrade")?;
        let run = self.run_row(id)?;
        if run.view.state != UpgradeState::Validating {
            return Err(Error::conflict(
                "Only an upgrade awaiting validation can be committed.",
            ));
        }
        // Invariant: the run is committed and its restore point released in
        // one control transaction, so a stop never leaves a committed run
        // whose restore point stays a guard forever, nor a released restore
        // point under a run still awaiting validation. The copy's files go
        // after (a stop leaves them to the start-up recovery), then the
        // retention prunes.
        {
            let mut conn = self.connect()?;
            let tx = conn.transaction().context("committing the upgrade")?;
            tx.execute(
                "UPDATE upgrade_runs SET state = 'committed', finished_at = ?2, copy_key = NULL WHERE id = ?1",
                params![id, now],
            )
            .context("committing the upgrade")?;
            if let Some(backup) = run.view.restore_backup_id {
                tx.execute(
                    "UPDATE backups SET released_at = ?2 WHERE id = ?1 AND released_at IS NULL",
                    params![backup, now],
                )
                .context("releasing the restore point")?;
            }
            crate::people::activity::record_activity(
                &tx,
                now,
                &admin.name,
                Some((run.view.environment_id, &run.view.environment_name)),
                ActivityAction::Upgraded,
                &format!(
                    "{} committed the upgrade of {} to {}; its parallel copy is deleted{}.",
                    admin.name,
                    run.view.environment_name,
                    run.view.to_version,
                    run.view
                        .restore_backup_id
                        .map(|b| format!(
                            " and its restore point (backup #{b}) released to the backup retention"
                        ))
                        .unwrap_or_default()
                ),
            )?;
            // Seed 000, step 8: production's upgrade is announced as
            // completed in the same transaction, so exactly once.
            // The run's notices asking to commit or roll back are settled.
            let about = Target::Upgrade {
                environment_id: run.view.environment_id,
            };
            crate::people::inbox::settle_notices(&tx, about)?;
            if run.view.production {
                let (title, body) = self.completed_notice(&tx, &run, admin)?;
                crate::people::inbox::file_notice(
                    &tx,
                    now,
                    Some(run.account_id),
                    Category::UpgradeInfo,
                    (&title, &body),
                    Some(about),
                )?;
            }

            tx.commit().context("committing the upgrade")?;
        }
        Failpoint::fire(self.failpoint(), Site::UpgradeCommitted)?;
        self.delete_copy(&run)?;
        let point = match run.view.restore_backup_id {
            Some(backup) => {
                let pruned = self.prune_manual_backups(run.view.environment_id, admin, now)?;
                format!(
                    " The restore point (backup #{backup}) is released to the backup retention{}.",
                    if pruned > 0 {
                        format!(", which pruned {}", counted(pruned, "backup", "backups"))
                    } else {
                        String::new()
                    }
                )
            }
            None => String::new(),
        };
        let text = format!(
            "{} committed the upgrade of {} to {}. The parallel copy was deleted.{point}",
            admin.name, run.view.environment_name, run.view.to_version
        );
        self.log_run(id, now, &text)?;
        self.upgrade_run(id)
    }

    /// "Upgrade completed": what production runs now, its downtime, what
    /// is left to do, and what becomes of UAT and the sandboxes left behind.
    fn completed_notice(
        &self,
        conn: &rusqlite::Connection,
        run: &crate::upgrade::view::RunRow,
        admin: &Admin,
    ) -> Result<(String, String)> {
        let v = &run.view;
        let account = self
            .accounts()?
            .into_iter()
            .find(|a| a.id == run.account_id)
            .map(|a| a.name)
            .unwrap_or_default();
        let downtime = match (v.data_started_at, v.data_finished_at) {
            (Some(s), Some(f)) => format!(
                " Downtime was {} (predicted {}).",
                duration_text((f - s).num_milliseconds().max(0) as u64),
                duration_text(u64::from(v.predicted_ms.unwrap_or(0)))
            ),
            _ => String::new(),
        };
        let mut body = format!(
            "{} committed the upgrade of {} to {} (from {}).{downtime}",
            admin.name, v.environment_name, v.to_version, v.from_version
        );
        if !v.post_upgrade_actions.is_empty() {
            body.push_str(&format!(
                " Still to do: {}",
                v.post_upgrade_actions.join(" ")
            ));
        }
        let target = Version::parse(&v.to_version)?;
        let mut behind = Vec::new();
        for r in self.environment_rows(conn, run.account_id)? {
            let e = r.environment;
            if e.kind == EnvironmentKind::Production {
                continue;
            }
            let at = Version::parse(&e.version)?;
            if e.kind == EnvironmentKind::Uat && at >= target {
                body.push_str(&format!(
                    " {} runs {} like production again and can be the playground for the next changes.",
                    e.name, e.version
                ));
            } else if at < target {
                behind.push(e.name);
            }
        }
        if !behind.is_empty() {
            body.push_str(&format!(
                " Behind production now: {} — upgrade or recreate them by their deadline (Calendar).",
                behind.join(", ")
            ));
        }
        let to = recipient_names(conn, run.account_id, Category::UpgradeInfo)?;
        if !to.is_empty() {
            body.push_str(&format!(" To: {}.", to.join(", ")));
        }
        Ok((
            format!(
                "Upgrade completed: {account} production runs {}",
                v.to_version
            ),
            body,
        ))
    }

    /// What a rollback would discard: changes made since the restore point.
    pub fn upgrade_rollback_impact(&self, id: i64) -> Result<RollbackImpact> {
        let run = self.run_row(id)?;
        let backup = run
            .view
            .restore_backup_id
            .ok_or_else(|| Error::conflict("This run has no restore point to roll back to."))?;
        let row = self.environment_row(&self.connect()?, run.view.environment_id)?;
        self.backend(run.account_id)?
            .changes_since(&row.store_key, &self.checked_point(backup)?)
    }

    /// Rolls back an upgraded environment (validating, or stopped by an
    /// intermittent error) to its restore point.
    pub fn roll_back_upgrade(
        &self,
        id: i64,
        admin: &Admin,
        now: DateTime<Utc>,
    ) -> Result<UpgradeRun> {
        ensure_super_admin(admin, "roll back an upgrade")?;
        let run = self.run_row(id)?;
        if !matches!(
            run.view.state,
            UpgradeState::Validating | UpgradeState::Failed
        ) {
            return Err(Error::conflict(
                "Only an upgraded environment, or one stopped mid-upgrade, can be rolled back.",
            ));
        }
        // Asked before anything changes. Without a restore point only a run
        // stopped before taking it (so before changing data) rolls back.
        let impact = match (run.view.restore_backup_id, run.view.state) {
            (Some(_), _) => self.upgrade_rollback_impact(id)?,
            (None, UpgradeState::Failed) => RollbackImpact {
                records_changed: 0,
                definitions_changed: 0,
            },
            (None, _) => {
                return Err(Error::conflict(
                    "This upgrade's restore point was deleted from Backup & Restore, so it cannot be rolled back. Restore an older backup instead.",
                ))
            }
        };
        // Downtime again while the restore point is put back; a stop
        // meanwhile is finished by the start-up recovery, an error leaves
        // the run failed for another rollback. Pausing and locking again is
        // harmless for a run that failed while both held.
        if run.view.state == UpgradeState::Validating {
            self.connect()?
                .execute(
                    "UPDATE upgrade_runs SET state = 'data_upgrade', step = 'unlock' WHERE id = ?1",
                    [id],
                )
                .context("recording the rollback")?;
        }
        let reason = format!(
            "{} rolled it back; {} and {} made since the restore point were discarded.",
            admin.name,
            counted(impact.records_changed, "record change", "record changes"),
            counted(
                impact.definitions_changed,
                "definition change",
                "definition changes"
            )
        );
        let rolled = self
            .pause_integrations(run.view.environment_id, PausedBy::Upgrade(id))
            .and_then(|_| self.lock_for_upgrade(run.view.environment_id))
            .and_then(|_| self.roll_back_data(&run, DataStep::Unlock, &reason, now));
        if let Err(e) = rolled {
            return Err(self.rollback_stopped(&run, e, now));
        }
        if now >= run.view.deadline {
            self.delete_copy(&run)?;
            self.finish_run(id, "rolled_back", now)?;
        }
        self.upgrade_run(id)
    }

    /// Ticks (or unticks) a post-upgrade action of a committed run.
    pub fn tick_upgrade_action(
        &self,
        id: i64,
        index: u32,
        done: bool,
        admin: &Admin,
    ) -> Result<UpgradeRun> {
        ensure_super_admin(admin, "tick off post-upgrade actions")?;
        let run = self.run_row(id)?;
        if run.view.state != UpgradeState::Committed {
            return Err(Error::conflict(
                "Post-upgrade actions are ticked off after the commit.",
            ));
        }
        if index as usize >= run.view.post_upgrade_actions.len() {
            return Err(Error::not_found("There is no such post-upgrade action."));
        }
        let mut ticked = run.view.actions_done;
        ticked.retain(|i| *i != index);
        if done {
            ticked.push(index);
            ticked.sort_unstable();
        }
        self.connect()?
            .execute(
                "UPDATE upgrade_runs SET actions_done = ?2 WHERE id = ?1",
                params![
                    id,
                    serde_json::to_string(&ticked).context("recording the checklist")?
                ],
            )
            .context("recording the checklist")?;
        self.upgrade_run(id)
    }
}
