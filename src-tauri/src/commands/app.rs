//! Commands about the application itself: start-up timing, the app's
//! clock, and starting at login.

use crate::error::CommandResult;
use crate::state::{run_blocking, AppState};
use serde::Serialize;
use specta::Type;
use std::sync::Arc;
use tauri::{AppHandle, State};
use tauri_plugin_autostart::ManagerExt;

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

/// Whether Cutover starts when the user logs in to the desktop, and whether
/// to offer it now (a reminder is pending and the offer was never answered).
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct StartAtLogin {
    pub enabled: bool,
    pub offer_due: bool,
}

fn autostart_failed(e: impl std::fmt::Display) -> cutover_core::Error {
    cutover_core::Error::internal(format!(
        "Cutover could not read or change its start-at-login entry ({e}). Check that the folder ~/.config/autostart can be written, then try again."
    ))
}

fn start_at_login_now(app: &AppHandle, state: &AppState) -> cutover_core::Result<StartAtLogin> {
    let enabled = app.autolaunch().is_enabled().map_err(autostart_failed)?;
    Ok(StartAtLogin {
        enabled,
        offer_due: !enabled && state.workspace()?.start_at_login_offer_due()?,
    })
}

#[tauri::command]
#[specta::specta]
pub async fn start_at_login(
    app: AppHandle,
    state: State<'_, Arc<AppState>>,
) -> CommandResult<StartAtLogin> {
    run_blocking(&state, move |s| start_at_login_now(&app, s)).await
}

/// Turns starting at login on or off (the desktop's autostart entry); either
/// answers the offer, so it is not made again.
#[tauri::command]
#[specta::specta]
pub async fn set_start_at_login(
    app: AppHandle,
    state: State<'_, Arc<AppState>>,
    enabled: bool,
) -> CommandResult<StartAtLogin> {
    run_blocking(&state, move |s| {
        let autolaunch = app.autolaunch();
        if enabled {
            autolaunch.enable().map_err(autostart_failed)?;
        } else if autolaunch.is_enabled().map_err(autostart_failed)? {
            autolaunch.disable().map_err(autostart_failed)?;
        }
        s.workspace()?.settle_start_at_login_offer()?;
        tracing::info!(enabled, "start at login changed");
        start_at_login_now(&app, s)
    })
    .await
}

/// "Not now" to the offer: nothing changes on the desktop, and the offer is
/// not made again (the setting stays under Settings).
#[tauri::command]
#[specta::specta]
pub async fn decline_start_at_login(
    app: AppHandle,
    state: State<'_, Arc<AppState>>,
) -> CommandResult<StartAtLogin> {
    run_blocking(&state, move |s| {
        s.workspace()?.settle_start_at_login_offer()?;
        start_at_login_now(&app, s)
    })
    .await
}
