//! Undoing a committed promotion from the backup taken before it.
//!
//! An undo discards everything done in production since the promotion, so
//! it first says how much that is (definition changes from production's
//! changelog, data changes from the activity log). The restore itself is
//! Backup & Restore's, which keeps the current state in a new backup.

use crate::{Context, Workspace};
use chrono::{DateTime, Utc};
use cutover_core::activity::ActivityAction;
use cutover_core::admin::{ensure_super_admin, Admin};
use cutover_core::backup::{Backup, CopyProgress};
use cutover_core::promotion::{PromotionState, UndoPreview};
use cutover_core::{Error, ErrorKind, Result};
use rusqlite::{params, OptionalExtension};

/// The marks a promotion recorded about production and its sandbox.
struct Marks {
    after_seq: Option<i64>,
    sandbox_id: Option<i64>,
    sandbox_base: Option<i64>,
    sandbox_seen: Option<i64>,
}

impl Workspace {
    fn marks(&self, id: i64) -> Result<Marks> {
        self.connect()?
            .query_row(
                "SELECT after_seq, sandbox_id, sandbox_base, sandbox_seen FROM promotions WHERE id = ?1",
                [id],
                |r| {
                    Ok(Marks {
                        after_seq: r.get(0)?,
                        sandbox_id: r.get(1)?,
                        sandbox_base: r.get(2)?,
                        sandbox_seen: r.get(3)?,
                    })
                },
            )
            .optional()
            .context("reading a promotion")?
            .ok_or_else(|| Error::not_found("That promotion no longer exists."))
    }

    /// Puts the sandbox's marks back as they were before promotion `id`, so
    /// that its changes are promotable again. Nothing to do when the
    /// promotion never recorded them (it stopped before marking) or the
    /// sandbox was deleted since.
    pub(super) fn put_back_sandbox_marks(&self, id: i64) -> Result<()> {
        let marks = self.marks(id)?;
        if let (Some(sandbox), Some(base), Some(seen)) =
            (marks.sandbox_id, marks.sandbox_base, marks.sandbox_seen)
        {
            match self.store(sandbox) {
                Ok(mut store) => store.set_marks(base, seen)?,
                Err(e) if e.kind == ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// What undoing promotion `id` would discard.
    pub fn undo_preview(&self, id: i64) -> Result<UndoPreview> {
        let promotion = self.promotion(id)?;
        if promotion.state != PromotionState::Committed {
            return Err(Error::conflict(
                "Only a promotion that was committed (and not undone yet) can be undone.",
            ));
        }
        if let Some(change) = promotion
            .backup_id
            .map(|b| self.restore_platform_change(b))
            .transpose()?
            .flatten()
        {
            return Err(Error::conflict(format!(
                "This promotion cannot be undone from its backup: production's platform changed since, and restoring the backup {}. To take the promotion's changes out again, make the reverse changes in the promotable sandbox and promote them.",
                change.trim_start_matches("This also ")
            )));
        }
        let marks = self.marks(id)?;
        let production = self.store(promotion.production_id)?;
        let definition_changes = production
            .entries_after(marks.after_seq.unwrap_or(0))?
            .len() as u32;
        let data_changes: i64 = self
            .connect()?
            .query_row(
                "SELECT count(*) FROM activity WHERE environment_id = ?1 AND at > ?2
                 AND action IN ('added_record', 'edited_record', 'deleted_record', 'imported', 'restored_backup', 'refreshed')",
                params![promotion.production_id, promotion.finished_at],
                |r| r.get(0),
            )
            .context("counting changes since the promotion")?;
        Ok(UndoPreview {
            promotion,
            definition_changes,
            data_changes: data_changes as u32,
        })
    }

    /// Restores production from the backup taken before promotion `id`.
    /// Returns the backup of production's state just before the undo.
    pub fn undo_promotion(
        &self,
        id: i64,
        admin: &Admin,
        now: DateTime<Utc>,
        progress: &dyn Fn(CopyProgress),
    ) -> Result<Backup> {
        ensure_super_admin(admin, "undo a promotion")?;
        let preview = self.undo_preview(id)?;
        let backup = preview.promotion.backup_id.ok_or_else(|| {
            Error::not_found(
                "The backup taken before this promotion was deleted, so it cannot be undone.",
            )
        })?;
        let safety = self.restore_backup(backup, false, admin, now, progress)?;
        self.connect()?
            .execute("UPDATE promotions SET state = 'undone' WHERE id = ?1", [id])
            .context("recording the undo")?;
        // The sandbox's changes are no longer in production: promotable again.
        if let Err(e) = self.put_back_sandbox_marks(id) {
            tracing::warn!(promotion = id, error = %e, "the sandbox's marks were not put back");
        }
        let production = self.environment(preview.promotion.production_id)?;
        self.log_activity(
            now,
            &admin.name,
            Some((production.id, &production.name)),
            ActivityAction::Promoted,
            &format!(
                "Undid the promotion from {} (backup #{backup}); the state before the undo is backup #{}",
                preview.promotion.sandbox_name, safety.id
            ),
        );
        Ok(safety)
    }
}
