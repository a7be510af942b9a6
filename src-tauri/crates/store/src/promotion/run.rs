//! Running a promotion and settling one a crash interrupted (see
//! `plan.rs` for the order of work and its invariant).

use crate::control::failpoint::{Failpoint, PromotionPoint, Site};
use crate::environments::integrations::PausedBy;
use crate::{Context, Workspace};
use chrono::{DateTime, Utc};
use cutover_core::account::EnvironmentId;
use cutover_core::activity::ActivityAction;
use cutover_core::admin::{ensure_super_admin, Admin};
use cutover_core::backup::{BackupReason, CopyProgress};
use cutover_core::promotion::{self as rules, Decision, Promotion, PromotionState, PromotionStep};
use cutover_core::target::Target;
use cutover_core::wording::counted;
use cutover_core::{Error, Result};
use rusqlite::params;
use std::sync::atomic::AtomicBool;

/// The record tables a promotion's entries changed: a field's table, or a
/// table itself.
fn touched_tables(entries: &[cutover_core::changelog::ChangeEntry]) -> Vec<i64> {
    use cutover_core::changelog::EntityKind;
    let mut ids: Vec<i64> = entries
        .iter()
        .filter_map(|e| match e.entity_kind {
            EntityKind::Table => Some(e.entity_id),
            EntityKind::Field => e
                .after
                .as_ref()
                .or(e.before.as_ref())
                .and_then(|v| v["tableId"].as_i64()),
            _ => None,
        })
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// What the inbox and the desktop say about a finished promotion.
pub(super) fn notice_text(p: &Promotion, production: &str, steps: usize) -> (String, String) {
    let locked = match (p.locked_at, p.unlocked_at) {
        (Some(a), Some(b)) => format!(
            " {production} was locked for {:.1} s.",
            (b - a).num_milliseconds() as f64 / 1000.0
        ),
        _ => String::new(),
    };
    let paused = if p.paused_integrations.is_empty() {
        String::new()
    } else {
        format!(
            " Integrations paused during it and resumed: {}.",
            p.paused_integrations.join(", ")
        )
    };
    match p.state {
        PromotionState::Committed => (
            format!("Promoted to {production}"),
            format!(
                "{} promoted {} from {}.{locked}{paused} The state before is backup #{}.",
                p.author,
                counted(steps, "change", "changes"),
                p.sandbox_name,
                p.backup_id.unwrap_or_default()
            ),
        ),
        _ => (
            format!("Promotion to {production} failed"),
            format!(
                "{}'s promotion from {} failed at {}: {}{}{paused} {production} is as it was before the promotion.",
                p.author,
                p.sandbox_name,
                p.step.as_str().replace('_', " "),
                p.reason.as_deref().unwrap_or("no reason recorded"),
                locked
            ),
        ),
    }
}

impl Workspace {
    fn fire(&self, point: PromotionPoint) -> Result<()> {
        Failpoint::fire(self.failpoint(), Site::Promotion(point))
    }

    fn set_step(&self, id: i64, step: PromotionStep) -> Result<()> {
        self.connect()?
            .execute(
                "UPDATE promotions SET step = ?2 WHERE id = ?1",
                params![id, step.as_str()],
            )
            .context("recording a promotion step")?;
        Ok(())
    }

    /// Promotes `sandbox`'s unpromoted changes to production as `admin`.
    /// `decisions` settle conflicts; `typed_name` must be production's name.
    /// On failure production is as it was (restored if it had been touched)
    /// and the promotion is recorded as failed with its step and reason.
    pub fn promote(
        &self,
        sandbox: EnvironmentId,
        decisions: &[Decision],
        typed_name: &str,
        admin: &Admin,
        now: &dyn Fn() -> DateTime<Utc>,
        progress: &dyn Fn(CopyProgress),
    ) -> Result<Promotion> {
        ensure_super_admin(admin, "promote changes to production")?;
        let plan = self.promotion_plan(sandbox)?;
        rules::ensure_confirmed_name(typed_name, &plan.production_name)?;
        let steps = rules::resolve(plan.steps, &plan.conflicts, decisions)?;
        if steps.is_empty() {
            return Err(Error::invalid(format!(
                "\"{}\" has no unpromoted changes: there is nothing to promote.",
                plan.sandbox_name
            )));
        }
        let (sandbox_row, production) = self.promotion_pair(sandbox)?;
        // Refuses a locked production or one with an import running.
        self.writable(production.environment.id)?;
        self.calendar_of(production.environment.account_id)?
            .ensure_not_frozen(now(), "promotion")?;
        // Where the backups go: this computer's disk, or the server.
        if let Some(free) = self
            .backend(production.environment.account_id)?
            .free_space()?
        {
            let size = self.open_row(&production)?.figures()?.size_bytes;
            rules::ensure_disk_space(size, free)?;
        }

        let summary = serde_json::to_string(&steps).context("recording the plan")?;
        let conn = self.connect()?;
        let inserted = conn.execute(
            "INSERT INTO promotions (sandbox_id, sandbox_name, production_id, author, started_at, state, step, plan)
             VALUES (?1, ?2, ?3, ?4, ?5, 'running', 'dry_run', ?6)",
            params![sandbox, plan.sandbox_name, production.environment.id, admin.name, now(), summary],
        );
        if let Err(e) = &inserted {
            if crate::control::fault::is_unique_violation(e) {
                return Err(Error::locked(
                    "Another promotion into this production is running.",
                ));
            }
        }
        inserted.context("recording the promotion")?;
        let id = conn.last_insert_rowid();

        let outcome =
            self.run_promotion(id, &sandbox_row, &production, &steps, admin, now, progress);
        let finished = match outcome {
            Ok(()) => conn.execute(
                "UPDATE promotions SET state = 'committed', step = 'done', finished_at = ?2 WHERE id = ?1",
                params![id, now()],
            ),
            Err(ref e) => conn.execute(
                "UPDATE promotions SET state = 'failed', finished_at = ?2, reason = ?3 WHERE id = ?1",
                params![id, now(), e.message],
            ),
        };
        finished.context("recording how the promotion ended")?;
        let record = self.promotion(id)?;
        let detail = match &outcome {
            Ok(()) => format!(
                "Promoted {} from {}",
                counted(steps.len(), "change", "changes"),
                plan.sandbox_name
            ),
            Err(e) => format!(
                "Promotion from {} failed at {}: {}",
                plan.sandbox_name,
                record.step.as_str(),
                e.message
            ),
        };
        self.log_activity(
            now(),
            &admin.name,
            Some((production.environment.id, &production.environment.name)),
            ActivityAction::Promoted,
            &detail,
        );
        let (title, body) = notice_text(&record, &production.environment.name, steps.len());
        if let Err(e) = self.post_notice_about(
            now(),
            self.account_of(production.environment.id).ok(),
            cutover_core::inbox::Category::SystemHealth,
            &title,
            &body,
            Some(Target::Promotions {
                environment_id: production.environment.id,
            }),
        ) {
            tracing::error!(error = %e, "the promotion's notice was not filed");
        }
        outcome.map(|()| record)
    }

    #[allow(clippy::too_many_arguments)]
    fn run_promotion(
        &self,
        id: i64,
        sandbox: &crate::workspace::EnvironmentRow,
        production: &crate::workspace::EnvironmentRow,
        steps: &[cutover_core::promotion::PlanStep],
        admin: &Admin,
        now: &dyn Fn() -> DateTime<Utc>,
        progress: &dyn Fn(CopyProgress),
    ) -> Result<()> {
        let backend = self.backend(production.environment.account_id)?;
        // 1. Dry run on a throw-away copy; production is not locked yet.
        let trial = format!("dryrun-{}", uuid::Uuid::new_v4().simple());
        backend.copy(
            &production.store_key,
            &trial,
            &|_| {},
            &AtomicBool::new(false),
        )?;
        let tried = backend.open(&trial).and_then(|mut s| {
            s.apply_plan(steps, &admin.name, now())
                .and_then(|_| s.check(None))
        });
        let _ = backend.discard(&trial);
        tried.map_err(|e| {
            Error::new(
                e.kind,
                format!(
                    "The dry run on a copy of production failed, so nothing was changed. {}",
                    e.message
                ),
            )
        })?;
        self.fire(PromotionPoint::DryRun)?;

        // 2. Pause production's integrations, lock, back up; whatever
        // happens next, resume exactly what was paused.
        let paused = self.pause_integrations(production.environment.id, PausedBy::Promotion(id))?;
        self.connect()?
            .execute(
                "UPDATE promotions SET paused = ?2 WHERE id = ?1",
                params![
                    id,
                    serde_json::to_string(&paused).context("recording paused integrations")?
                ],
            )
            .context("recording paused integrations")?;
        let outcome = self.lock_and_apply(id, sandbox, production, steps, admin, now, progress);
        let resumed = self.resume_integrations(PausedBy::Promotion(id));
        outcome?;
        // Invariant: from here production holds the plan and is unlocked,
        // so the promotion is committed whatever the bookkeeping after it
        // says; a failure to resume integrations is reported, not undone.
        if let Err(e) = resumed.and_then(|_| self.fire(PromotionPoint::Unlocked)) {
            tracing::error!(promotion = id, error = %e.message, "after a committed promotion");
            self.post_notice_about(
                now(),
                Some(production.environment.account_id),
                cutover_core::inbox::Category::SystemHealth,
                &format!("Check the integrations of {}", production.environment.name),
                &format!(
                    "The promotion into {} was committed, but Cutover could not finish after it: {} Check that its integrations run again.",
                    production.environment.name, e.message
                ), Some(Target::Promotions { environment_id: production.environment.id }))?;
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn lock_and_apply(
        &self,
        id: i64,
        sandbox: &crate::workspace::EnvironmentRow,
        production: &crate::workspace::EnvironmentRow,
        steps: &[cutover_core::promotion::PlanStep],
        admin: &Admin,
        now: &dyn Fn() -> DateTime<Utc>,
        progress: &dyn Fn(CopyProgress),
    ) -> Result<()> {
        self.fire(PromotionPoint::Paused)?;
        let backend = self.backend(production.environment.account_id)?;
        let conn = self.connect()?;
        // The backup is taken before the lock, so the lockout does not grow
        // with production's size; the watch tells whether anything was
        // committed since it started, in which case the backup is taken
        // again once the store has stopped every writer (on a server, other
        // applications too) and before the plan is applied.
        let watch = backend.watch(&production.store_key)?;
        self.guard_backup(id, production.environment.id, admin, now(), progress)?;
        // Opened before the lock, and its definitions read once: a server
        // session takes a while to set up, and plans its first statements
        // slowly until its catalog caches are warm.
        let mut prod = backend.open(&production.store_key)?;
        prod.definitions()?;
        let mut sandbox_store = backend.open(&sandbox.store_key)?;
        // The sandbox's marks before the promotion, read outside the lock:
        // only this promotion moves them.
        let sandbox_marks = (
            sandbox_store.copy_point()?,
            sandbox_store.production_point()?,
        );
        self.set_step(id, PromotionStep::Lock)?;
        let locked = conn
            .execute(
                "UPDATE environments SET status = 'locked' WHERE id = ?1 AND status = 'ready'",
                [production.environment.id],
            )
            .context("locking production")?;
        if locked == 0 {
            return Err(Error::locked(
                "Production was locked by another operation just now. Try again when it is ready.",
            ));
        }
        conn.execute(
            "UPDATE promotions SET locked_at = ?2 WHERE id = ?1",
            params![id, now()],
        )
        .context("recording the lock")?;
        let applied = (|| {
            // Read once Cutover's own writers are stopped: after this only
            // the plan's commit adds changelog entries to production.
            conn.execute(
                "UPDATE promotions SET before_seq = ?2 WHERE id = ?1",
                params![id, prod.changelog_end()?],
            )
            .context("recording the lock")?;
            self.fire(PromotionPoint::Locked)?;
            // 3. Apply in one transaction, then verify what it touched.
            let entries = prod.apply_plan_locked(steps, &admin.name, now(), &mut || {
                if watch.changed()? {
                    tracing::info!(
                        promotion = id,
                        "production changed during the backup; backing up again under the lock"
                    );
                    self.guard_backup(id, production.environment.id, admin, now(), progress)?;
                }
                // Invariant: the step says Apply (a failure restores the
                // recorded backup if the plan committed) only once that
                // backup holds every write.
                self.set_step(id, PromotionStep::Apply)?;
                self.fire(PromotionPoint::Applying)
            })?;
            self.fire(PromotionPoint::Applied)?;
            self.set_step(id, PromotionStep::Verify)?;
            let checked = prod.check(Some(&touched_tables(&entries)))?;
            rules::ensure_definitions_match(&checked, &entries)?;
            self.fire(PromotionPoint::Verified)?;
            // The plan's entries are the newest in production's changelog.
            let seen = match entries.last() {
                Some(e) => e.seq,
                None => prod.entries_after(0)?.last().map_or(0, |e| e.seq),
            };
            // 4. The sandbox's changes are now production's.
            self.set_step(id, PromotionStep::Unlock)?;
            conn.execute(
                "UPDATE promotions SET after_seq = ?2, sandbox_base = ?3, sandbox_seen = ?4 WHERE id = ?1",
                params![id, seen, sandbox_marks.0, sandbox_marks.1],
            )
            .context("recording the promotion's marks")?;
            sandbox_store.mark_promoted(seen)?;
            self.fire(PromotionPoint::Marked)?;
            Ok::<_, Error>(())
        })();
        if let Err(e) = &applied {
            self.restore_after_failure(id, production)?;
            tracing::error!(promotion = id, error = %e.message, "promotion failed; production restored");
        }
        self.unlock(id, production.environment.id, now())?;
        applied
    }

    /// Takes the `before_promotion` backup and records it as the one a
    /// failure restores.
    fn guard_backup(
        &self,
        id: i64,
        production: EnvironmentId,
        admin: &Admin,
        at: DateTime<Utc>,
        progress: &dyn Fn(CopyProgress),
    ) -> Result<()> {
        self.set_step(id, PromotionStep::Backup)?;
        let backup = self.take_backup(
            production,
            BackupReason::BeforePromotion,
            admin,
            at,
            progress,
        )?;
        self.connect()?
            .execute(
                "UPDATE promotions SET backup_id = ?2 WHERE id = ?1",
                params![id, backup.id],
            )
            .context("recording the backup")?;
        self.fire(PromotionPoint::BackedUp)
    }

    pub(super) fn unlock(
        &self,
        id: i64,
        production: EnvironmentId,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let conn = self.connect()?;
        conn.execute(
            "UPDATE environments SET status = 'ready' WHERE id = ?1",
            [production],
        )
        .context("unlocking production")?;
        conn.execute(
            "UPDATE promotions SET unlocked_at = ?2 WHERE id = ?1",
            params![id, at],
        )
        .context("recording the unlock")?;
        Ok(())
    }
}
