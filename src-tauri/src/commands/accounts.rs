//! Commands of the store's `accounts` and `sources` areas: creating an
//! account of one's own (empty, or with production made from a database)
//! or the demo, and what the form offers (time zones, a key's
//! fingerprint, a database's preview).

use crate::error::{CommandError, CommandResult};
use crate::state::{run_blocking, AppState};
use cutover_core::account::{
    time_zone_choices, AccountDeletion, AccountEdit, AccountId, NewAccount, PackageFacts,
};
use cutover_core::backup::CopyProgress;
use cutover_core::server::{AccountServer, MoveProgress, MoveReport, ServerChoice, ServerReport};
use cutover_core::source::{SourceEvent, SourcePlan, SourcePreview, SourceProgress};
use cutover_core::Error;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tauri::ipc::Channel;
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

/// Reads a SQLite database or CSV folder (only reads it) and proposes
/// production's model; rows read arrive on `on_progress`, and
/// `cancel_source_job` stops it.
#[tauri::command]
#[specta::specta]
pub async fn preview_source(
    state: State<'_, Arc<AppState>>,
    path: String,
    on_progress: Channel<SourceProgress>,
) -> CommandResult<SourcePreview> {
    run_blocking(&state, move |s| {
        let stop = claim_source_job(s)?;
        let _done = SourceJobDone(s);
        s.workspace()?.preview_source_until(
            &PathBuf::from(path),
            &|p| {
                let _ = on_progress.send(p);
            },
            &stop,
        )
    })
    .await
}

/// Takes the one slot for a job reading a source, with its cancel flag.
fn claim_source_job(state: &AppState) -> Result<Arc<AtomicBool>, Error> {
    let cancel = Arc::new(AtomicBool::new(false));
    let mut job = state
        .source_job
        .lock()
        .map_err(|_| Error::internal("The job list is unusable; restart Cutover."))?;
    if job.is_some() {
        return Err(Error::conflict(
            "A source is already being read (a preview, or an account being made from it). Wait for it to finish, or cancel it.",
        ));
    }
    *job = Some(Arc::clone(&cancel));
    Ok(cancel)
}

/// Gives the slot up however the preview ends (a panic included).
struct SourceJobDone<'a>(&'a AppState);

impl Drop for SourceJobDone<'_> {
    fn drop(&mut self) {
        if let Ok(mut job) = self.0.source_job.lock() {
            *job = None;
        }
    }
}

/// Starts making an account whose production comes from a database, in the
/// background; progress and the outcome arrive on `on_event`.
#[tauri::command]
#[specta::specta]
pub async fn start_account_from_source(
    state: State<'_, Arc<AppState>>,
    account: NewAccount,
    plan: SourcePlan,
    on_event: Channel<SourceEvent>,
) -> CommandResult<()> {
    let cancel = claim_source_job(&state)?;
    let app = Arc::clone(&state);
    let spawned = std::thread::Builder::new()
        .name("account-from-source".into())
        .spawn(move || {
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let (ws, admin, now) = app.acting()?;
                ws.create_account_from_source(&account, &plan, &admin, now, &cancel, &|p| {
                    let _ = on_event.send(SourceEvent::Progress(p));
                })
            }))
            .unwrap_or_else(|_| {
                Err(Error::internal(
                    "Cutover hit an internal fault while making the account; nothing was created. See the log for details.",
                ))
            });
            if let Ok(mut making) = app.source_job.lock() {
                *making = None;
            }
            let _ = on_event.send(match outcome {
                Ok(account_id) => SourceEvent::Created { account_id },
                Err(error) => {
                    tracing::warn!(error = %error, "an account was not made from a database");
                    SourceEvent::Failed { error }
                }
            });
        });
    if let Err(e) = spawned {
        if let Ok(mut making) = state.source_job.lock() {
            *making = None;
        }
        return Err(CommandError::internal(format!(
            "Could not start making the account: {e}."
        )));
    }
    Ok(())
}

/// Stops the job reading a source: its preview, or the account being made
/// from it (nothing is created).
#[tauri::command]
#[specta::specta]
pub async fn cancel_source_job(state: State<'_, Arc<AppState>>) -> CommandResult<()> {
    let job = state
        .source_job
        .lock()
        .map_err(|_| Error::internal("The job list is unusable; restart Cutover."))?;
    let cancel = job
        .as_ref()
        .ok_or_else(|| Error::not_found("Nothing is reading a source any more."))?;
    cancel.store(true, Ordering::Relaxed);
    Ok(())
}

/// What deleting an account would take away.
#[tauri::command]
#[specta::specta]
pub async fn account_deletion(
    state: State<'_, Arc<AppState>>,
    account_id: AccountId,
) -> CommandResult<AccountDeletion> {
    run_blocking(&state, move |s| s.workspace()?.account_deletion(account_id)).await
}

/// Deletes an account once its name is typed: production is backed up
/// first (progress on `on_progress`), everything is kept aside.
#[tauri::command]
#[specta::specta]
pub async fn delete_account(
    state: State<'_, Arc<AppState>>,
    account_id: AccountId,
    typed_name: String,
    on_progress: Channel<CopyProgress>,
) -> CommandResult<AccountDeletion> {
    run_blocking(&state, move |s| {
        let (ws, admin, now) = s.acting()?;
        ws.delete_account(account_id, &typed_name, &admin, now, &|p| {
            let _ = on_progress.send(p);
        })
    })
    .await
}

/// Changes an account's name, platform name and time zone.
#[tauri::command]
#[specta::specta]
pub async fn edit_account(
    state: State<'_, Arc<AppState>>,
    account_id: AccountId,
    edit: AccountEdit,
) -> CommandResult<()> {
    run_blocking(&state, move |s| {
        let (ws, admin, now) = s.acting()?;
        ws.edit_account(account_id, &edit, &admin, now)
    })
    .await
}

/// The computer user's full name (else their user name), to propose as
/// who sets up the first account.
#[tauri::command]
#[specta::specta]
pub async fn computer_user_name() -> CommandResult<String> {
    let full = whoami::realname();
    Ok(if full.trim().is_empty() {
        whoami::username()
    } else {
        full.trim().to_string()
    })
}

/// What a release package file says of itself (platform, version, signer),
/// to fill the new account's form; nothing is imported or trusted.
#[tauri::command]
#[specta::specta]
pub async fn describe_package(
    state: State<'_, Arc<AppState>>,
    path: String,
) -> CommandResult<PackageFacts> {
    run_blocking(&state, move |_| {
        cutover_store::accounts::describe_package(&PathBuf::from(path))
    })
    .await
}

/// The documented calendar defaults a new account starts from.
#[tauri::command]
#[specta::specta]
pub async fn calendar_defaults() -> CommandResult<cutover_core::schedule::CalendarSettings> {
    Ok(cutover_core::schedule::CalendarSettings::default())
}

/// What needs the admin across every account, most urgent first, each with
/// the place that deals with it.
#[tauri::command]
#[specta::specta]
pub async fn needs_you(
    state: State<'_, Arc<AppState>>,
) -> CommandResult<Vec<cutover_core::attention::Attention>> {
    run_blocking(&state, |s| {
        let (ws, admin, now) = s.acting()?;
        ws.needs_you(&admin, now)
    })
    .await
}

/// Connects to the PostgreSQL server the new account form names and checks
/// what Cutover needs of it ("Test connection"): what failed, exactly, when
/// it cannot be used.
#[tauri::command]
#[specta::specta]
pub async fn check_server(
    state: State<'_, Arc<AppState>>,
    server: ServerChoice,
) -> CommandResult<ServerReport> {
    run_blocking(&state, move |_| {
        cutover_store::accounts::check_server(&server)
    })
    .await
}

/// Gives the password of an account's server for this session (and keeps
/// it in the system's secret store when `remember`); a wrong one changes
/// nothing.
#[tauri::command]
#[specta::specta]
pub async fn unlock_account(
    state: State<'_, Arc<AppState>>,
    account: AccountId,
    password: String,
    remember: bool,
) -> CommandResult<ServerReport> {
    run_blocking(&state, move |s| {
        let (ws, _, now) = s.acting()?;
        ws.unlock_account(account, &password, remember, now)
    })
    .await
}

/// Changes how Cutover reaches an account's server (address, user, TLS,
/// password) when it moved; refused, changing nothing, unless that server
/// holds every one of the account's environments.
#[tauri::command]
#[specta::specta]
pub async fn change_account_server(
    state: State<'_, Arc<AppState>>,
    account: AccountId,
    server: ServerChoice,
) -> CommandResult<AccountServer> {
    run_blocking(&state, move |s| {
        let (ws, admin, now) = s.acting()?;
        ws.change_account_server(account, &server, &admin, now)
    })
    .await
}

/// Moves every environment of an account, with its backups, to this
/// computer (`to` is null) or to the server `to` names, reporting its
/// progress; no backup, refresh, restore or copy of the account's
/// environments can start meanwhile. `cancel_copy` on its first
/// environment (production) stops it before the switch.
#[tauri::command]
#[specta::specta]
pub async fn move_account_environments(
    state: State<'_, Arc<AppState>>,
    account: AccountId,
    to: Option<ServerChoice>,
    on_progress: Channel<MoveProgress>,
) -> CommandResult<MoveReport> {
    run_blocking(&state, move |s| {
        let (ws, admin, now) = s.acting()?;
        let mut held = Vec::new();
        for env in ws.environment_ids(account)? {
            held.push(super::backups::stoppable(s, env)?);
        }
        let stop = held
            .first()
            .map(|(stop, _)| Arc::clone(stop))
            .unwrap_or_default();
        ws.move_account_environments_until(
            account,
            to.as_ref(),
            &admin,
            now,
            &|p| {
                let _ = on_progress.send(p);
            },
            &stop,
        )
    })
    .await
}
