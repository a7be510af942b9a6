//! The designer's and the Changelog screen's commands. Every change is made
//! as the current admin; production changes need `confirmed`.

use crate::error::CommandResult;
use crate::state::{run_blocking, AppState};
use cutover_core::account::EnvironmentId;
use cutover_core::change::Change;
use cutover_core::changelog::{ChangeEntry, ChangelogPage, ChangelogQuery, WeekActivity};
use cutover_core::definitions::Definitions;
use std::sync::Arc;
use tauri::State;

/// The apps, tables, fields and views of an environment.
#[tauri::command]
#[specta::specta]
pub async fn environment_definitions(
    state: State<'_, Arc<AppState>>,
    environment_id: EnvironmentId,
) -> CommandResult<Definitions> {
    run_blocking(&state, move |s| s.workspace()?.definitions(environment_id)).await
}

/// Applies one designer change and returns its changelog entry.
#[tauri::command]
#[specta::specta]
pub async fn apply_change(
    state: State<'_, Arc<AppState>>,
    environment_id: EnvironmentId,
    change: Change,
    confirmed: bool,
) -> CommandResult<ChangeEntry> {
    run_blocking(&state, move |s| {
        let (ws, admin, now) = s.acting()?;
        ws.apply_change(environment_id, &change, &admin, now, confirmed)
    })
    .await
}

/// How many changes each author made in each of the last twelve weeks
/// (the account's weeks), oldest first: the Changelog tab's chart.
#[tauri::command]
#[specta::specta]
pub async fn changelog_activity(
    state: State<'_, Arc<AppState>>,
    environment_id: EnvironmentId,
) -> CommandResult<Vec<WeekActivity>> {
    run_blocking(&state, move |s| {
        s.workspace()?
            .changelog_activity(environment_id, s.clock.now(), 12)
    })
    .await
}

/// A filtered page of an environment's changelog, newest first.
#[tauri::command]
#[specta::specta]
pub async fn changelog(
    state: State<'_, Arc<AppState>>,
    environment_id: EnvironmentId,
    query: ChangelogQuery,
) -> CommandResult<ChangelogPage> {
    run_blocking(&state, move |s| {
        let ws = s.workspace()?;
        ws.changelog(environment_id, &query, &ws.current_admin(s.clock.now())?)
    })
    .await
}
