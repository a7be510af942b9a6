//! What every command shares: the workspace, the clock, and how to run
//! blocking work off the UI thread without letting a panic cross IPC.

use crate::error::{CommandError, CommandResult};
use chrono::{DateTime, Utc};
use cutover_core::admin::Admin;
use cutover_core::clock::Clock;
use cutover_core::{Error, Result};
use cutover_store::Workspace;
use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::Instant;

pub struct AppState {
    /// The opened data directory, or why it could not be opened; in the latter
    /// case every command answers with that reason so the UI can show it.
    pub workspace: Result<Workspace>,
    pub clock: Arc<dyn Clock>,
    /// When the process started, to measure time to an interactive dashboard.
    pub launched: Instant,
    /// The cancel flags of the imports running in this process, by import id.
    pub imports: Mutex<HashMap<i64, Arc<AtomicBool>>>,
    /// The cancel flag of the job reading a source (its preview, or the
    /// account being made from it), if any: one at a time, since each
    /// reads a whole database.
    pub source_job: Mutex<Option<Arc<AtomicBool>>>,
    /// The stop flags of the stoppable copies running (a manual backup, a
    /// refresh, a restore), by environment: one at a time per environment.
    pub copies: Mutex<HashMap<i64, Arc<AtomicBool>>>,
    /// Wakes the reminder engine when a schedule changes.
    pub wake: tokio::sync::Notify,
}

impl AppState {
    pub fn workspace(&self) -> Result<&Workspace> {
        self.workspace.as_ref().map_err(Clone::clone)
    }

    /// The workspace, the admin acting now and the current instant: what
    /// every command that changes something records.
    pub fn acting(&self) -> Result<(&Workspace, Admin, DateTime<Utc>)> {
        let ws = self.workspace()?;
        let now = self.clock.now();
        Ok((ws, ws.current_admin(now)?, now))
    }
}

/// Runs `work` on the blocking pool. Storage calls block, so they never run
/// on the async runtime; a panic inside is caught and reported as an
/// internal error instead of killing the command.
pub async fn run_blocking<T, F>(state: &Arc<AppState>, work: F) -> CommandResult<T>
where
    T: Send + 'static,
    F: FnOnce(&AppState) -> Result<T> + Send + 'static,
{
    let state = Arc::clone(state);
    let joined = tauri::async_runtime::spawn_blocking(move || {
        catch_unwind(AssertUnwindSafe(|| work(&state)))
    })
    .await;
    match joined {
        Ok(Ok(result)) => result.map_err(CommandError::from),
        Ok(Err(panic)) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            tracing::error!(panic = %what, "a command panicked");
            Err(Error::internal(format!(
                "Cutover hit an internal fault ({what}). Nothing was changed by the failed step; see the log for details."
            ))
            .into())
        }
        Err(e) => Err(CommandError::internal(format!(
            "A background task failed: {e}."
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};
    use cutover_core::clock::FixedClock;
    use cutover_core::ErrorKind;

    fn state() -> Arc<AppState> {
        let at = Utc.with_ymd_and_hms(2026, 3, 29, 0, 30, 0).unwrap();
        Arc::new(AppState {
            workspace: Err(Error::internal("no workspace in this test")),
            clock: Arc::new(FixedClock::at(at)),
            launched: Instant::now(),
            imports: Default::default(),
            source_job: Default::default(),
            copies: Default::default(),
            wake: Default::default(),
        })
    }

    #[test]
    fn a_panicking_command_answers_with_an_internal_error() {
        let err = tauri::async_runtime::block_on(run_blocking(&state(), |_| -> Result<()> {
            panic!("index out of bounds")
        }))
        .unwrap_err();
        assert_eq!(err.kind, ErrorKind::Internal);
        assert!(
            err.message.contains("index out of bounds"),
            "{}",
            err.message
        );
        assert!(err.message.contains("see the log"));
    }

    #[test]
    fn domain_errors_cross_unchanged() {
        let err = tauri::async_runtime::block_on(run_blocking(&state(), |_| -> Result<()> {
            Err(Error::forbidden("Production cannot be deleted."))
        }))
        .unwrap_err();
        assert_eq!(err.kind, ErrorKind::Forbidden);
        assert_eq!(err.message, "Production cannot be deleted.");
    }

    #[test]
    fn a_workspace_that_failed_to_open_explains_itself_on_every_command() {
        let err =
            tauri::async_runtime::block_on(run_blocking(&state(), |s| s.workspace().map(|_| ())))
                .unwrap_err();
        assert_eq!(err.kind, ErrorKind::Internal);
        assert_eq!(err.message, "no workspace in this test");
    }
}
