//! The Releases screen's commands: importing packages, the catalog and its
//! window, trusted keys, and reading, searching and reviewing notes.

use crate::error::CommandResult;
use crate::state::{run_blocking, AppState};
use chrono::{DateTime, Utc};
use cutover_core::account::{AccountId, EnvironmentId};
use cutover_core::release_view::{
    Catalog, Cumulative, NoteId, ReleaseId, ReleaseImported, ReleaseNotes, SearchPage, TrustedKey,
};
use std::path::PathBuf;
use std::sync::Arc;
use tauri::State;

#[tauri::command]
#[specta::specta]
pub async fn release_catalog(
    state: State<'_, Arc<AppState>>,
    account_id: AccountId,
) -> CommandResult<Catalog> {
    run_blocking(&state, move |s| {
        let (ws, admin, now) = s.acting()?;
        ws.catalog(account_id, &admin, now)
    })
    .await
}

/// Imports a package file; a hotfix that concerns an environment files a
/// notice, shown on the desktop too.
#[tauri::command]
#[specta::specta]
pub async fn import_release(
    state: State<'_, Arc<AppState>>,
    account_id: AccountId,
    path: String,
) -> CommandResult<ReleaseImported> {
    run_blocking(&state, move |s| {
        let (ws, admin, now) = s.acting()?;
        let imported =
            ws.import_release_file(account_id, &PathBuf::from(path.trim()), &admin, now)?;
        crate::desktop::deliver_pending(ws, s.clock.now());
        Ok(imported)
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn set_version_window(
    state: State<'_, Arc<AppState>>,
    account_id: AccountId,
    size: u32,
) -> CommandResult<()> {
    run_blocking(&state, move |s| {
        let (ws, admin, _) = s.acting()?;
        ws.set_version_window(account_id, size, &admin)
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn trust_key(
    state: State<'_, Arc<AppState>>,
    account_id: AccountId,
    name: String,
    public_key: String,
) -> CommandResult<TrustedKey> {
    run_blocking(&state, move |s| {
        let (ws, admin, now) = s.acting()?;
        ws.trust_key(account_id, &name, &public_key, &admin, now)
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn distrust_key(
    state: State<'_, Arc<AppState>>,
    account_id: AccountId,
    key_id: i64,
) -> CommandResult<()> {
    run_blocking(&state, move |s| {
        let (ws, admin, _) = s.acting()?;
        ws.distrust_key(account_id, key_id, &admin)
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn release_notes(
    state: State<'_, Arc<AppState>>,
    release_id: ReleaseId,
) -> CommandResult<ReleaseNotes> {
    run_blocking(&state, move |s| {
        let (ws, admin, now) = s.acting()?;
        ws.release_notes(release_id, &admin, now)
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn search_notes(
    state: State<'_, Arc<AppState>>,
    account_id: AccountId,
    text: String,
    offset: u32,
) -> CommandResult<SearchPage> {
    run_blocking(&state, move |s| {
        s.workspace()?.search_notes_page(account_id, &text, offset)
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn cumulative_notes(
    state: State<'_, Arc<AppState>>,
    environment_id: EnvironmentId,
    target: String,
) -> CommandResult<Cumulative> {
    run_blocking(&state, move |s| {
        let (ws, admin, _) = s.acting()?;
        ws.cumulative_notes(environment_id, &target, &admin)
    })
    .await
}

/// Marks a note reviewed (or not) by the current admin; returns when.
#[tauri::command]
#[specta::specta]
pub async fn set_note_reviewed(
    state: State<'_, Arc<AppState>>,
    note_id: NoteId,
    reviewed: bool,
) -> CommandResult<Option<DateTime<Utc>>> {
    run_blocking(&state, move |s| {
        let (ws, admin, now) = s.acting()?;
        ws.set_note_reviewed(note_id, reviewed, &admin, now)
    })
    .await
}

/// Writes the cumulative view as a printable HTML file; returns its path.
#[tauri::command]
#[specta::specta]
pub async fn export_cumulative(
    state: State<'_, Arc<AppState>>,
    environment_id: EnvironmentId,
    target: String,
    path: String,
) -> CommandResult<String> {
    run_blocking(&state, move |s| {
        let (ws, admin, now) = s.acting()?;
        ws.export_cumulative(
            environment_id,
            &target,
            &PathBuf::from(path.trim()),
            &admin,
            now,
        )
    })
    .await
}

/// Opens a release note's link in the system's browser, on the admin's
/// request; only web addresses (`release::web_link`).
#[tauri::command]
#[specta::specta]
pub async fn open_note_link(state: State<'_, Arc<AppState>>, href: String) -> CommandResult<()> {
    run_blocking(&state, move |_| {
        let link = cutover_core::release::web_link(&href)?;
        open::that_detached(&link).map_err(|e| {
            cutover_core::Error::conflict(format!(
                "No browser could open {link}: {e}. Copy the link and open it yourself."
            ))
        })?;
        tracing::info!(%link, "opened a release-note link in the browser");
        Ok(())
    })
    .await
}
