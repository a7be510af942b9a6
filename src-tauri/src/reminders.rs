//! The reminder engine: one task that sleeps until the next reminder is
//! due (or until a schedule changes), fires what is due through the store
//! (exactly once, see `cutover_store` reminders) and shows the new notices
//! on the desktop. At start it fires, marked late, whatever fell due while
//! the app was closed. The upgrade runs' 10-day timers ride on the same
//! beat (at most five minutes late).

use crate::state::AppState;
use std::sync::Arc;
use std::time::Duration;

/// The longest sleep: after a suspend the monotonic clock may have stood
/// still, so the engine looks at the wall clock at least this often.
const MAX_SLEEP: Duration = Duration::from_secs(300);

pub fn spawn(state: Arc<AppState>) {
    tauri::async_runtime::spawn(async move {
        loop {
            let worker = Arc::clone(&state);
            let next = tauri::async_runtime::spawn_blocking(move || fire(&worker))
                .await
                .unwrap_or_else(|e| {
                    tracing::error!(error = %e, "the reminder engine failed; retrying later");
                    None
                });
            let wait = next
                .and_then(|due| (due - state.clock.now()).to_std().ok())
                .unwrap_or(MAX_SLEEP)
                .min(MAX_SLEEP);
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = state.wake.notified() => {}
            }
        }
    });
}

/// Fires what is due now; returns when the next reminder is due.
fn fire(state: &AppState) -> Option<chrono::DateTime<chrono::Utc>> {
    let ws = state.workspace().ok()?;
    let now = state.clock.now();
    let fired = ws.fire_due_reminders(now);
    // One line per pass, so that a test (or a support log) can tell a pass
    // that fired nothing from no pass at all.
    tracing::info!(
        fired = fired.as_ref().map_or(0, Vec::len),
        at = %now,
        "reminder pass"
    );
    match fired {
        // The inbox keeps every reminder; the desktop shows it to the
        // current admin only if they opted in to reminders.
        Ok(notices) if !notices.is_empty() => crate::desktop::deliver_pending(ws, now),
        Ok(_) => {}
        Err(e) => tracing::error!(error = %e, "could not fire reminders"),
    }
    // The upgrade runs' 10-day timers are checked on the same beat.
    match ws.apply_upgrade_timers(now) {
        Ok(0) => {}
        Ok(_) => crate::desktop::deliver_pending(ws, now),
        Err(e) => tracing::error!(error = %e, "could not apply the upgrade timers"),
    }
    ws.next_reminder_due().unwrap_or_else(|e| {
        tracing::error!(error = %e, "could not read reminders");
        None
    })
}
