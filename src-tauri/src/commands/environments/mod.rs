//! Commands of the store's `environments` area: here the dashboard's list,
//! create (as a copy) and delete; the designer, records, extensions,
//! integrations and refresh in their modules.

pub mod design;
pub mod extensions;
pub mod integrations;
pub mod records;
pub mod refresh;

use crate::commands::backups::stoppable;
use crate::commands::forward;
use crate::error::CommandResult;
use crate::state::{run_blocking, AppState};
use cutover_core::account::{AccountOverview, Environment, EnvironmentId};
use cutover_core::activity::Activity;
use cutover_core::backup::CopyProgress;
use cutover_core::environment::EnvironmentKind;
use cutover_store::NewEnvironment;
use serde::Deserialize;
use specta::Type;
use std::sync::Arc;
use tauri::ipc::Channel;
use tauri::State;

/// Every account with its environments and what each store holds.
#[tauri::command]
#[specta::specta]
pub async fn environments_overview(
    state: State<'_, Arc<AppState>>,
) -> CommandResult<Vec<AccountOverview>> {
    run_blocking(&state, |s| s.workspace()?.overview()).await
}

#[derive(Debug, Clone, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CreateEnvironmentRequest {
    /// The environment to copy (production for every kind but development).
    pub source_id: EnvironmentId,
    pub name: String,
    pub kind: EnvironmentKind,
}

/// Creates an environment as a copy of another while the source stays online,
/// reporting the copy's progress; `cancel_copy` on the source stops it.
#[tauri::command]
#[specta::specta]
pub async fn create_environment(
    state: State<'_, Arc<AppState>>,
    request: CreateEnvironmentRequest,
    on_progress: Channel<CopyProgress>,
) -> CommandResult<Environment> {
    run_blocking(&state, move |s| {
        let request = NewEnvironment {
            source_id: request.source_id,
            name: request.name,
            kind: request.kind,
        };
        let (ws, admin, now) = s.acting()?;
        // Listed under the source: `cancel_copy` on it stops the copy.
        let (stop, _listed) = stoppable(s, request.source_id)?;
        let created =
            ws.create_copy_until(&request, &admin, now, &forward(&on_progress), &stop)?;
        tracing::info!(id = created.id, name = %created.name, kind = %created.kind, "created an environment");
        Ok(created)
    })
    .await
}

/// Deletes a non-production environment; its store is retired, not destroyed.
#[tauri::command]
#[specta::specta]
pub async fn delete_environment(
    state: State<'_, Arc<AppState>>,
    environment_id: EnvironmentId,
) -> CommandResult<()> {
    run_blocking(&state, move |s| {
        let (ws, admin, now) = s.acting()?;
        ws.delete_environment(environment_id, &admin, now)?;
        tracing::info!(id = environment_id, "deleted an environment");
        Ok(())
    })
    .await
}

/// Who did what to an environment, newest first (designer changes are in
/// its changelog instead).
#[tauri::command]
#[specta::specta]
pub async fn environment_activity(
    state: State<'_, Arc<AppState>>,
    environment_id: EnvironmentId,
) -> CommandResult<Vec<Activity>> {
    run_blocking(&state, move |s| s.workspace()?.activity(environment_id)).await
}

/// Writes an environment to a standalone SQLite file.
#[tauri::command]
#[specta::specta]
pub async fn export_environment(
    state: State<'_, Arc<AppState>>,
    environment_id: EnvironmentId,
    path: String,
) -> CommandResult<()> {
    run_blocking(&state, move |s| {
        let (ws, admin, now) = s.acting()?;
        ws.export_environment(environment_id, &std::path::PathBuf::from(path), &admin, now)
    })
    .await
}
