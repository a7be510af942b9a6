//! The title bar's admin switcher: list, add and switch the acting admin,
//! and what the acting admin may do.

use crate::error::CommandResult;
use crate::state::{run_blocking, AppState};
use cutover_core::admin::{AdminId, Admins, Role};
use std::sync::Arc;
use tauri::State;

/// Every admin of this desktop and the current one.
#[tauri::command]
#[specta::specta]
pub async fn list_admins(state: State<'_, Arc<AppState>>) -> CommandResult<Admins> {
    run_blocking(&state, |s| s.workspace()?.admins(s.clock.now())).await
}

/// Makes another admin the one every following action is recorded for.
#[tauri::command]
#[specta::specta]
pub async fn switch_admin(
    state: State<'_, Arc<AppState>>,
    admin_id: AdminId,
) -> CommandResult<Admins> {
    run_blocking(&state, move |s| {
        let admins = s.workspace()?.switch_admin(admin_id, s.clock.now())?;
        tracing::info!(admin = %admins.current.name, "switched admin");
        Ok(admins)
    })
    .await
}

/// Adds an admin to this desktop.
#[tauri::command]
#[specta::specta]
pub async fn add_admin(
    state: State<'_, Arc<AppState>>,
    name: String,
    role: Role,
) -> CommandResult<Admins> {
    run_blocking(&state, move |s| {
        s.workspace()?.add_admin(&name, role, s.clock.now())
    })
    .await
}

/// What the acting admin may do with every account and environment, with
/// the reason for each refusal, so the UI offers only what would work.
#[tauri::command]
#[specta::specta]
pub async fn allowed_actions(
    state: State<'_, Arc<AppState>>,
) -> CommandResult<cutover_core::allowed::Allowed> {
    run_blocking(&state, |s| {
        let (ws, admin, _) = s.acting()?;
        ws.allowed(&admin)
    })
    .await
}
