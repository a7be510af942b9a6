//! Commands of the store's `storage` area: what deletions kept aside,
//! restoring a deleted environment, purging, and the retention.

use crate::error::CommandResult;
use crate::state::{run_blocking, AppState};
use cutover_core::account::EnvironmentId;
use cutover_core::storage::{KeptItem, StorageView};
use std::sync::Arc;
use tauri::State;

#[tauri::command]
#[specta::specta]
pub async fn storage_view(state: State<'_, Arc<AppState>>) -> CommandResult<StorageView> {
    run_blocking(&state, move |s| s.workspace()?.storage()).await
}

/// Deletes one thing kept aside, for good (the UI asks first).
#[tauri::command]
#[specta::specta]
pub async fn purge_kept(state: State<'_, Arc<AppState>>, item: KeptItem) -> CommandResult<()> {
    run_blocking(&state, move |s| {
        let (ws, admin, now) = s.acting()?;
        ws.purge(&item, &admin, now)
    })
    .await
}

/// Brings a deleted environment back into its account.
#[tauri::command]
#[specta::specta]
pub async fn restore_retired(
    state: State<'_, Arc<AppState>>,
    file: String,
) -> CommandResult<EnvironmentId> {
    run_blocking(&state, move |s| {
        let (ws, admin, now) = s.acting()?;
        ws.restore_retired(&file, &admin, now)
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn set_storage_retention(
    state: State<'_, Arc<AppState>>,
    days: u32,
) -> CommandResult<()> {
    run_blocking(&state, move |s| {
        let (ws, admin, now) = s.acting()?;
        ws.set_storage_retention(days, &admin, now)
    })
    .await
}
