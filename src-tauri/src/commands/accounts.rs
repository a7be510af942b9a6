//! Commands of the store's `accounts` area: creating an account of one's
//! own or the demo, and what the form offers (time zones, a key's
//! fingerprint).

use crate::error::CommandResult;
use crate::state::{run_blocking, AppState};
use cutover_core::account::{time_zone_choices, AccountId, NewAccount};
use std::sync::Arc;
use tauri::State;

#[tauri::command]
#[specta::specta]
pub async fn create_account(
    state: State<'_, Arc<AppState>>,
    account: NewAccount,
) -> CommandResult<AccountId> {
    run_blocking(&state, move |s| {
        let (ws, admin, now) = s.acting()?;
        ws.create_account(&account, &admin, now)
    })
    .await
}

/// Adds the demo account (the welcome screen's "Explore the demo account").
#[tauri::command]
#[specta::specta]
pub async fn add_demo_account(state: State<'_, Arc<AppState>>) -> CommandResult<AccountId> {
    run_blocking(&state, move |s| {
        let (ws, admin, now) = s.acting()?;
        cutover_store::demo::add_demo(ws, &admin, now)
    })
    .await
}

/// Every IANA time zone, the computer's own first.
#[tauri::command]
#[specta::specta]
pub async fn time_zones() -> CommandResult<Vec<String>> {
    let local = iana_time_zone::get_timezone().ok();
    Ok(time_zone_choices(local.as_deref()))
}

/// The fingerprint of a pasted vendor key, or why it is not one.
#[tauri::command]
#[specta::specta]
pub async fn key_fingerprint(public_key: String) -> CommandResult<String> {
    Ok(cutover_store::accounts::key_fingerprint(&public_key)?)
}
