//! The Extensions tab's commands: the account's catalog of extension
//! packages, and installing or uninstalling them in an environment.

use crate::error::CommandResult;
use crate::state::{run_blocking, AppState};
use cutover_core::account::{AccountId, EnvironmentId};
use cutover_core::extension::{ExtensionSummary, InstalledExtension};
use std::path::PathBuf;
use std::sync::Arc;
use tauri::State;

#[tauri::command]
#[specta::specta]
pub async fn extension_catalog(
    state: State<'_, Arc<AppState>>,
    account_id: AccountId,
) -> CommandResult<Vec<ExtensionSummary>> {
    run_blocking(&state, move |s| {
        s.workspace()?.extension_catalog(account_id)
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn import_extension(
    state: State<'_, Arc<AppState>>,
    account_id: AccountId,
    path: String,
) -> CommandResult<ExtensionSummary> {
    run_blocking(&state, move |s| {
        let (ws, admin, now) = s.acting()?;
        ws.import_extension_file(account_id, &PathBuf::from(path.trim()), &admin, now)
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn environment_extensions(
    state: State<'_, Arc<AppState>>,
    environment_id: EnvironmentId,
) -> CommandResult<Vec<InstalledExtension>> {
    run_blocking(&state, move |s| {
        s.workspace()?.environment_extensions(environment_id)
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn install_extension(
    state: State<'_, Arc<AppState>>,
    environment_id: EnvironmentId,
    extension_id: i64,
) -> CommandResult<InstalledExtension> {
    run_blocking(&state, move |s| {
        let (ws, admin, now) = s.acting()?;
        ws.install_extension(environment_id, extension_id, &admin, now)
    })
    .await
}

/// Uninstalls an extension after a verified backup of the environment.
#[tauri::command]
#[specta::specta]
pub async fn uninstall_extension(
    state: State<'_, Arc<AppState>>,
    environment_id: EnvironmentId,
    name: String,
) -> CommandResult<()> {
    run_blocking(&state, move |s| {
        let (ws, admin, now) = s.acting()?;
        ws.uninstall_extension(environment_id, &name, &admin, now)
    })
    .await
}

/// For each catalog extension, why installing it in the environment would
/// be refused (platform, already installed, dependencies), if it would.
#[tauri::command]
#[specta::specta]
pub async fn extension_offers(
    state: State<'_, Arc<AppState>>,
    environment_id: EnvironmentId,
) -> CommandResult<Vec<cutover_core::extension::ExtensionOffer>> {
    run_blocking(&state, move |s| {
        s.workspace()?.install_refusals(environment_id)
    })
    .await
}
