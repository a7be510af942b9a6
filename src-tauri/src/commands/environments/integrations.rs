//! An environment's integrations: list, add, pause and resume by hand.

use crate::error::CommandResult;
use crate::state::{run_blocking, AppState};
use cutover_core::account::EnvironmentId;
use cutover_core::integration::{Integration, IntegrationKind};
use std::sync::Arc;
use tauri::State;

#[tauri::command]
#[specta::specta]
pub async fn list_integrations(
    state: State<'_, Arc<AppState>>,
    environment_id: EnvironmentId,
) -> CommandResult<Vec<Integration>> {
    run_blocking(&state, move |s| s.workspace()?.integrations(environment_id)).await
}

/// Adds an integration; on a server, `db_role` names the role its
/// application writes with, which pausing it stops.
#[tauri::command]
#[specta::specta]
pub async fn add_integration(
    state: State<'_, Arc<AppState>>,
    environment_id: EnvironmentId,
    name: String,
    kind: IntegrationKind,
    db_role: Option<String>,
) -> CommandResult<Integration> {
    run_blocking(&state, move |s| {
        let (ws, admin, now) = s.acting()?;
        ws.add_integration(environment_id, &name, kind, db_role.as_deref(), &admin, now)
    })
    .await
}

/// Pauses or resumes an integration (not one a running promotion holds).
#[tauri::command]
#[specta::specta]
pub async fn set_integration_active(
    state: State<'_, Arc<AppState>>,
    integration_id: i64,
    active: bool,
) -> CommandResult<()> {
    run_blocking(&state, move |s| {
        let (ws, admin, now) = s.acting()?;
        ws.set_integration_active(integration_id, active, &admin, now)
    })
    .await
}
