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

/// Marks every notice read (the user opened the inbox).
#[tauri::command]
#[specta::specta]
pub async fn mark_inbox_read(state: State<'_, Arc<AppState>>) -> CommandResult<()> {
    run_blocking(&state, |s| s.workspace()?.mark_inbox_read()).await
}
