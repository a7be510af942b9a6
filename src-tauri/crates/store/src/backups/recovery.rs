//! Start-up recovery of the backups and temporary folders: a backup is listed once its
//! file is in place *and* recorded, so a stop between the two (or during
//! the copy, which writes `<file>.partial`) leaves a file no screen lists.
//! Such a file belongs to an operation that was settled without it (the
//! operation's own recovery never reads an unrecorded backup), so it is
//! removed, and the log and the activity say what was removed and how big
//! it was.

use crate::{Context, Workspace};
use chrono::{DateTime, Utc};
use cutover_core::activity::ActivityAction;
use cutover_core::Result;
use std::collections::HashSet;

/// Who the activity log names for what start-up recovery does.
pub(crate) const RECOVERY: &str = "Cutover (start-up recovery)";

impl Workspace {
    /// Removes what the `tmp/` folder holds: copies an operation (a
    /// refresh) makes there only live while it runs, so at start-up any
    /// file there was left by a stop; and evidence files cut short while
    /// being attached. Returns how many.
    pub(crate) fn remove_temporary_files(&self) -> Result<usize> {
        let Ok(entries) = std::fs::read_dir(self.root().join("tmp")) else {
            return Ok(0);
        };
        let mut removed = 0;
        for entry in entries {
            let path = entry.context("reading the temporary folder")?.path();
            if path.is_file() {
                std::fs::remove_file(&path).context("removing a temporary file")?;
                tracing::warn!(file = %path.display(), "removed a temporary file left by a stop");
                removed += 1;
            } else if path.is_dir() {
                // Copies of UAT evidence handed to the system's viewer.
                std::fs::remove_dir_all(&path).context("removing a temporary folder")?;
                removed += 1;
            }
        }
        // Evidence being attached is written as `<uuid>.partial` and renamed
        // once whole: a leftover one was cut short by a stop.
        if let Ok(entries) = std::fs::read_dir(self.root().join("evidence")) {
            for entry in entries {
                let path = entry.context("reading the evidence folder")?.path();
                if path.extension().is_some_and(|e| e == "partial") {
                    std::fs::remove_file(&path).context("removing a partial evidence file")?;
                    tracing::warn!(file = %path.display(), "removed evidence cut short by a stop");
                    removed += 1;
                }
            }
        }
        Ok(removed)
    }

    /// Removes the backups the backend keeps that no backup row records;
    /// returns their names.
    pub(crate) fn remove_unrecorded_backup_files(&self, now: DateTime<Utc>) -> Result<Vec<String>> {
        let mut removed = Vec::new();
        for backend in self.reachable_backends()? {
            removed.extend(self.remove_unrecorded_points(backend.as_ref(), now)?);
        }
        Ok(removed)
    }

    /// Removes the backups `backend` keeps that no backup row records.
    pub(crate) fn remove_unrecorded_points(
        &self,
        backend: &dyn crate::env_store::StoreBackend,
        now: DateTime<Utc>,
    ) -> Result<Vec<String>> {
        let recorded: HashSet<String> = crate::control::fault::column(
            &self.connect()?,
            "SELECT path FROM backups UNION SELECT path FROM kept_backups",
            [],
            "listing recorded backups",
        )?
        .into_iter()
        .collect();
        let mut removed = Vec::new();
        for (relative, size) in backend.drop_points_except(&recorded)? {
            tracing::warn!(file = %relative, size, "removed a backup file that was never recorded");
            self.log_activity(
                now,
                RECOVERY,
                None,
                ActivityAction::DeletedBackup,
                &format!(
                    "Removed {relative} ({:.1} MB): a backup file left by an operation that was interrupted before recording it",
                    size as f64 / 1_000_000.0
                ),
            );
            removed.push(relative);
        }
        Ok(removed)
    }
}
