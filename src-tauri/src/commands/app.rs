//! Commands about the application itself.

use crate::error::CommandResult;
use crate::state::AppState;
use serde::Serialize;
use specta::Type;
use std::sync::Arc;
use tauri::State;

#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct StartupReport {
    /// Milliseconds from process start to the dashboard showing its data.
    pub millis_since_launch: u64,
}

/// Called once by the UI when the dashboard first shows data; logs how long
/// start-up took (BENCHMARKS.md reads it from the log).
#[tauri::command]
#[specta::specta]
pub async fn report_interactive(state: State<'_, Arc<AppState>>) -> CommandResult<StartupReport> {
    let millis = state.launched.elapsed().as_millis() as u64;
    tracing::info!(millis_since_launch = millis, "dashboard interactive");
    Ok(StartupReport {
        millis_since_launch: millis,
    })
}

/// The app's clock (shifted by `CUTOVER_CLOCK_START` in end-to-end tests),
/// so that countdowns on screen agree with the rules in the backend.
#[tauri::command]
#[specta::specta]
pub async fn app_now(
    state: State<'_, Arc<AppState>>,
) -> CommandResult<chrono::DateTime<chrono::Utc>> {
    Ok(state.clock.now())
}
