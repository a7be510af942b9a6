//! The title bar's inbox: notices about finished operations.

use crate::error::CommandResult;
use crate::state::{run_blocking, AppState};
use cutover_core::inbox::Notice;
use std::sync::Arc;
use tauri::State;

/// The newest notices, newest first.
#[tauri::command]
#[specta::specta]
pub async fn list_inbox(state: State<'_, Arc<AppState>>) -> CommandResult<Vec<Notice>> {
    run_blocking(&state, |s| s.workspace()?.inbox()).await
}

/// Marks every notice read.
#[tauri::command]
#[specta::specta]
pub async fn mark_inbox_read(state: State<'_, Arc<AppState>>) -> CommandResult<()> {
    run_blocking(&state, |s| s.workspace()?.mark_inbox_read()).await
}

/// Marks one notice read.
#[tauri::command]
#[specta::specta]
pub async fn mark_notice_read(state: State<'_, Arc<AppState>>, id: i64) -> CommandResult<()> {
    run_blocking(&state, move |s| s.workspace()?.mark_notice_read(id)).await
}

/// Deletes the notices already read; returns how many.
#[tauri::command]
#[specta::specta]
pub async fn clear_read_notices(state: State<'_, Arc<AppState>>) -> CommandResult<u32> {
    run_blocking(&state, |s| Ok(s.workspace()?.clear_read_notices()? as u32)).await
}
