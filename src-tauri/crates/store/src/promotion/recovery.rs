//! Settling failed promotions: those a crash left running, at start-up,
//! and those that failed while running (see `plan.rs` for the order of
//! work and its invariant): production is restored from the backup if the
//! promotion may have changed it, the sandbox's marks go back with it,
//! production is unlocked and its integrations resumed.

use crate::environments::integrations::PausedBy;
use crate::{Context, Workspace};
use chrono::{DateTime, Utc};
use cutover_core::promotion::PromotionStep;
use cutover_core::target::Target;
use cutover_core::{Error, Result};
use rusqlite::params;

impl Workspace {
    /// Settles promotions a crash left running: production is restored from
    /// the backup if the promotion had reached it, then unlocked. Runs at
    /// start-up before anything else touches the stores, and for one server
    /// account (`only`) when its password is first given: one whose server
    /// cannot be reached yet stays running (production locked) until then.
    pub(crate) fn recover_promotions(
        &self,
        now: DateTime<Utc>,
        only: Option<cutover_core::account::AccountId>,
    ) -> Result<usize> {
        let ids: Vec<(i64, i64)> = crate::control::fault::column::<i64>(
            &self.connect()?,
            "SELECT id FROM promotions WHERE state = 'running'",
            [],
            "listing running promotions",
        )?
        .into_iter()
        .map(|id| self.promotion(id).map(|p| (id, p.production_id)))
        .collect::<Result<_>>()?;
        let mut settled = 0;
        for (id, production) in &ids {
            let row = self.environment_row(&self.connect()?, *production)?;
            let account = row.environment.account_id;
            if only.is_some_and(|a| a != account) {
                continue;
            }
            if let Err(e) = self.backend(account) {
                tracing::warn!(promotion = id, reason = %e.message, "an interrupted promotion waits for its server");
                continue;
            }
            settled += 1;
            let record = self.promotion(*id)?;
            self.restore_after_failure(*id, &row)?;
            self.unlock(*id, *production, now)?;
            // An integration whose role could not be given back stays
            // paused, to resume by hand: the promotion is settled anyway.
            if let Err(e) = self.resume_integrations(PausedBy::Promotion(*id)) {
                self.post_notice_about(
                    now,
                    Some(account),
                    cutover_core::inbox::Category::SystemHealth,
                    &format!("Check the integrations of {}", row.environment.name),
                    &e.message,
                    Some(Target::Integrations {
                        environment_id: *production,
                    }),
                )?;
            }
            self.connect()?
                .execute(
                    "UPDATE promotions SET state = 'failed', finished_at = ?2, reason = ?3 WHERE id = ?1",
                    params![
                        id,
                        now,
                        if record.step.touches_production() {
                            "Cutover stopped during the promotion; production was restored from the backup taken before it."
                        } else {
                            "Cutover stopped before the promotion changed production; production was unlocked."
                        }
                    ],
                )
                .context("settling a promotion")?;
            tracing::warn!(
                promotion = id,
                step = record.step.as_str(),
                "settled a promotion interrupted by a stop"
            );
            let settled = self.promotion(*id)?;
            let (title, body) =
                crate::promotion::run::notice_text(&settled, &row.environment.name, 0);
            self.post_notice_about(
                now,
                self.account_of(*production).ok(),
                cutover_core::inbox::Category::SystemHealth,
                &title,
                &body,
                Some(Target::Promotions {
                    environment_id: *production,
                }),
            )?;
        }
        Ok(settled)
    }
}

impl Workspace {
    /// Puts production back as it was before promotion `id`, if the failed
    /// step may have touched it, and the sandbox's marks with it: the
    /// sandbox's changes are promoted exactly when production keeps them.
    pub(super) fn restore_after_failure(
        &self,
        id: i64,
        production: &crate::workspace::EnvironmentRow,
    ) -> Result<()> {
        let record = self.promotion(id)?;
        if !record.step.touches_production() || !self.plan_committed(id, production, record.step)? {
            return Ok(());
        }
        let backup = record
            .backup_id
            .ok_or_else(|| Error::internal("A promotion touched production without a backup."))?;
        let point = self.checked_point(backup)?;
        self.backend(production.environment.account_id)?
            .restore_point(&production.store_key, &point, &|_| {})?;
        self.put_back_sandbox_marks(id)
    }

    /// Whether production may hold promotion `id`'s plan, stopped at
    /// `step`. At the apply it holds it only if the apply's transaction
    /// committed, which moved production's changelog past the mark taken
    /// at the lock; when it did not, production was never changed and is
    /// not restored (on a server, other applications may have written to
    /// it since, and a restore would lose that). When production cannot
    /// be read, it may: the backup is the safe answer.
    fn plan_committed(
        &self,
        id: i64,
        production: &crate::workspace::EnvironmentRow,
        step: PromotionStep,
    ) -> Result<bool> {
        if step != PromotionStep::Apply {
            return Ok(true);
        }
        let before: Option<i64> = self
            .connect()?
            .query_row(
                "SELECT before_seq FROM promotions WHERE id = ?1",
                [id],
                |r| r.get(0),
            )
            .context("reading the promotion's mark")?;
        let Some(before) = before else {
            return Ok(true);
        };
        let end = self
            .backend(production.environment.account_id)
            .and_then(|b| b.open(&production.store_key))
            .and_then(|s| s.changelog_end());
        Ok(match end {
            Ok(end) => end != before,
            Err(e) => {
                tracing::warn!(promotion = id, error = %e.message, "production unreadable; restoring it");
                true
            }
        })
    }
}
