//! The Calendar screen's commands: account calendar settings, scheduling a
//! production upgrade on a wave, the calendar across accounts and its
//! iCalendar export, and who is notified of what.

use crate::error::CommandResult;
use crate::state::{run_blocking, AppState};
use chrono::{DateTime, NaiveDate, Utc};
use cutover_core::account::AccountId;
use cutover_core::release_view::ReleaseId;
use cutover_core::schedule::CalendarSettings;
use cutover_core::schedule_view::{AccountCalendar, CalendarEvent, Recipient, ScheduledUpgrade};
use cutover_store::people::recipients::Category;
use std::path::PathBuf;
use std::sync::Arc;
use tauri::State;

#[tauri::command]
#[specta::specta]
pub async fn account_calendar(
    state: State<'_, Arc<AppState>>,
    account_id: AccountId,
) -> CommandResult<AccountCalendar> {
    run_blocking(&state, move |s| s.workspace()?.account_calendar(account_id)).await
}

#[tauri::command]
#[specta::specta]
pub async fn set_account_calendar(
    state: State<'_, Arc<AppState>>,
    account_id: AccountId,
    time_zone: String,
    settings: CalendarSettings,
) -> CommandResult<AccountCalendar> {
    run_blocking(&state, move |s| {
        let (ws, admin, _) = s.acting()?;
        let saved = ws.set_account_calendar(account_id, &time_zone, settings, &admin)?;
        s.wake.notify_one();
        Ok(saved)
    })
    .await
}

/// The days of the coming year on which daylight saving moves one of the
/// account's maintenance windows, each with where it moves.
#[tauri::command]
#[specta::specta]
pub async fn window_shifts(
    state: State<'_, Arc<AppState>>,
    account_id: AccountId,
) -> CommandResult<Vec<String>> {
    run_blocking(&state, move |s| {
        let (ws, _, now) = s.acting()?;
        ws.window_shifts(account_id, now)
    })
    .await
}

/// Schedules production's upgrade to a release on one of its waves.
#[tauri::command]
#[specta::specta]
pub async fn schedule_upgrade(
    state: State<'_, Arc<AppState>>,
    release_id: ReleaseId,
    date: NaiveDate,
) -> CommandResult<ScheduledUpgrade> {
    run_blocking(&state, move |s| {
        let (ws, admin, now) = s.acting()?;
        let plan = ws.schedule_upgrade(release_id, date, &admin, now)?;
        s.wake.notify_one();
        Ok(plan)
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn cancel_upgrade(state: State<'_, Arc<AppState>>, plan_id: i64) -> CommandResult<()> {
    run_blocking(&state, move |s| {
        let (ws, admin, _) = s.acting()?;
        ws.cancel_upgrade(plan_id, &admin)?;
        s.wake.notify_one();
        Ok(())
    })
    .await
}

/// Scheduled upgrades of every account (0) or one.
#[tauri::command]
#[specta::specta]
pub async fn scheduled_upgrades(
    state: State<'_, Arc<AppState>>,
    account_id: AccountId,
) -> CommandResult<Vec<ScheduledUpgrade>> {
    run_blocking(&state, move |s| {
        s.workspace()?.scheduled_upgrades(account_id)
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn calendar_events(
    state: State<'_, Arc<AppState>>,
    account_id: AccountId,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> CommandResult<Vec<CalendarEvent>> {
    run_blocking(&state, move |s| {
        s.workspace()?.calendar_events(account_id, from, to)
    })
    .await
}

/// Writes every account's (0) or one account's schedule as an .ics file.
#[tauri::command]
#[specta::specta]
pub async fn export_calendar(
    state: State<'_, Arc<AppState>>,
    account_id: AccountId,
    from: NaiveDate,
    to: NaiveDate,
    path: String,
) -> CommandResult<String> {
    run_blocking(&state, move |s| {
        let now = s.clock.now();
        s.workspace()?
            .export_calendar(account_id, from, to, &PathBuf::from(path.trim()), now)
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn list_recipients(
    state: State<'_, Arc<AppState>>,
    account_id: AccountId,
) -> CommandResult<Vec<Recipient>> {
    run_blocking(&state, move |s| s.workspace()?.recipients(account_id)).await
}

#[tauri::command]
#[specta::specta]
pub async fn add_contact(
    state: State<'_, Arc<AppState>>,
    account_id: AccountId,
    name: String,
    email: String,
) -> CommandResult<Vec<Recipient>> {
    run_blocking(&state, move |s| {
        let (ws, admin, _) = s.acting()?;
        ws.add_contact(account_id, &name, &email, &admin)
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn set_recipient_category(
    state: State<'_, Arc<AppState>>,
    recipient_id: i64,
    category: Category,
    on: bool,
) -> CommandResult<()> {
    run_blocking(&state, move |s| {
        let (ws, admin, _) = s.acting()?;
        ws.set_recipient_category(recipient_id, category, on, &admin)
    })
    .await
}
