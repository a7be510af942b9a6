//! Refresh an environment from production, after showing what it loses.

use crate::commands::backups::stoppable;
use crate::commands::forward;
use crate::error::CommandResult;
use crate::state::{run_blocking, AppState};
use cutover_core::account::EnvironmentId;
use cutover_core::backup::{Backup, CopyProgress};
use cutover_store::environments::refresh::RefreshPreview;
use std::sync::Arc;
use tauri::ipc::Channel;
use tauri::State;

/// What a refresh of this environment would overwrite.
#[tauri::command]
#[specta::specta]
pub async fn refresh_preview(
    state: State<'_, Arc<AppState>>,
    environment_id: EnvironmentId,
) -> CommandResult<RefreshPreview> {
    run_blocking(&state, move |s| {
        s.workspace()?.refresh_preview(environment_id)
    })
    .await
}

/// Backs the environment up, then copies production over it. Returns the
/// backup, which restores the environment as it was. `cancel_copy` stops
/// it until the environment starts being replaced.
#[tauri::command]
#[specta::specta]
pub async fn refresh_environment(
    state: State<'_, Arc<AppState>>,
    environment_id: EnvironmentId,
    on_progress: Channel<CopyProgress>,
) -> CommandResult<Backup> {
    run_blocking(&state, move |s| {
        let (ws, admin, now) = s.acting()?;
        let (stop, _listed) = stoppable(s, environment_id)?;
        ws.refresh_until(environment_id, &admin, now, &forward(&on_progress), &stop)
    })
    .await
}
