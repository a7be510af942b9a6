//! Backup & Restore commands: list, take, verify, restore and delete the
//! backups of one environment.

use super::forward;
use crate::error::CommandResult;
use crate::state::{run_blocking, AppState};
use cutover_core::account::EnvironmentId;
use cutover_core::backup::{Backup, BackupId, BackupReason, CopyProgress};
use cutover_core::Error;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tauri::ipc::Channel;
use tauri::State;

/// Every backup of an environment, newest first.
#[tauri::command]
#[specta::specta]
pub async fn list_backups(
    state: State<'_, Arc<AppState>>,
    environment_id: EnvironmentId,
) -> CommandResult<Vec<Backup>> {
    run_blocking(&state, move |s| s.workspace()?.backups(environment_id)).await
}

/// Takes a manual backup of a live environment, reporting its progress;
/// `cancel_copy` stops it while it copies.
#[tauri::command]
#[specta::specta]
pub async fn take_backup(
    state: State<'_, Arc<AppState>>,
    environment_id: EnvironmentId,
    on_progress: Channel<CopyProgress>,
) -> CommandResult<Backup> {
    run_blocking(&state, move |s| {
        let (ws, admin, now) = s.acting()?;
        let (stop, _listed) = stoppable(s, environment_id)?;
        ws.take_backup_until(
            environment_id,
            BackupReason::Manual,
            &admin,
            now,
            &forward(&on_progress),
            &stop,
        )
    })
    .await
}

/// Lists a stoppable copy on an environment for `cancel_copy`; one at a
/// time per environment. The place is given up when the guard drops.
pub(crate) fn stoppable(
    state: &AppState,
    environment_id: EnvironmentId,
) -> Result<(Arc<AtomicBool>, Listed<'_>), Error> {
    let stop = Arc::new(AtomicBool::new(false));
    let mut running = state.copies.lock().map_err(|_| unusable())?;
    if running.contains_key(&environment_id) {
        return Err(Error::conflict(
            "A backup, refresh, restore or copy of this environment is already running; wait for it or cancel it.",
        ));
    }
    running.insert(environment_id, Arc::clone(&stop));
    Ok((
        stop,
        Listed {
            state,
            environment_id,
        },
    ))
}

/// A running copy's place in the list, given up however the copy ends
/// (a panic included), so the next one is not refused.
pub(crate) struct Listed<'a> {
    state: &'a AppState,
    environment_id: EnvironmentId,
}

impl Drop for Listed<'_> {
    fn drop(&mut self) {
        if let Ok(mut running) = self.state.copies.lock() {
            running.remove(&self.environment_id);
        }
    }
}

fn unusable() -> Error {
    Error::internal("The list of running copies is unusable; restart Cutover.")
}

/// Stops the backup, refresh, restore or copy (for a new environment made
/// from it) running on an environment, while stopping still leaves it as
/// it was (the progress says `cancellable`); it ends `cancelled`. Past
/// that point it completes.
#[tauri::command]
#[specta::specta]
pub async fn cancel_copy(
    state: State<'_, Arc<AppState>>,
    environment_id: EnvironmentId,
) -> CommandResult<()> {
    run_blocking(&state, move |s| {
        s.copies
            .lock()
            .map_err(|_| unusable())?
            .get(&environment_id)
            .ok_or_else(|| Error::not_found("That job has already finished."))?
            .store(true, Ordering::Relaxed);
        Ok(())
    })
    .await
}

/// Checks a backup's checksum and integrity; the outcome is on the backup.
#[tauri::command]
#[specta::specta]
pub async fn verify_backup(
    state: State<'_, Arc<AppState>>,
    backup_id: BackupId,
) -> CommandResult<Backup> {
    run_blocking(&state, move |s| {
        s.workspace()?.verify_backup(backup_id, s.clock.now())
    })
    .await
}

/// Restores an environment from a backup, after taking a backup of its
/// current state (returned, so the UI can say how to undo the restore);
/// `cancel_copy` stops it while that backup is taken.
/// A backup of another platform is refused as `unconfirmed`, saying what
/// it would change, unless `platform_change_confirmed`.
#[tauri::command]
#[specta::specta]
pub async fn restore_backup(
    state: State<'_, Arc<AppState>>,
    backup_id: BackupId,
    platform_change_confirmed: bool,
    on_progress: Channel<CopyProgress>,
) -> CommandResult<Backup> {
    run_blocking(&state, move |s| {
        let (ws, admin, now) = s.acting()?;
        let (stop, _listed) = stoppable(s, ws.backup(backup_id)?.environment_id)?;
        ws.restore_backup_until(
            backup_id,
            platform_change_confirmed,
            &admin,
            now,
            &forward(&on_progress),
            &stop,
        )
    })
    .await
}

/// What restoring a backup would also change about its environment's
/// platform (version, extensions), in plain words; null when nothing.
#[tauri::command]
#[specta::specta]
pub async fn restore_platform_change(
    state: State<'_, Arc<AppState>>,
    backup_id: BackupId,
) -> CommandResult<Option<String>> {
    run_blocking(&state, move |s| {
        s.workspace()?.restore_platform_change(backup_id)
    })
    .await
}

/// Deletes a backup; the newest backup guarding an operation needs `confirmed`.
#[tauri::command]
#[specta::specta]
pub async fn delete_backup(
    state: State<'_, Arc<AppState>>,
    backup_id: BackupId,
    confirmed: bool,
) -> CommandResult<()> {
    run_blocking(&state, move |s| {
        let (ws, admin, now) = s.acting()?;
        ws.delete_backup(backup_id, confirmed, &admin, now)
    })
    .await
}

/// How many manual backups each environment keeps.
#[tauri::command]
#[specta::specta]
pub async fn backup_retention(state: State<'_, Arc<AppState>>) -> CommandResult<u32> {
    run_blocking(&state, |s| s.workspace()?.backup_retention()).await
}

/// Sets how many manual backups each environment keeps (1 to 100); older
/// manual backups go at the next manual backup. Guarding backups are kept.
#[tauri::command]
#[specta::specta]
pub async fn set_backup_retention(
    state: State<'_, Arc<AppState>>,
    keep: u32,
) -> CommandResult<u32> {
    run_blocking(&state, move |s| {
        let (ws, admin, now) = s.acting()?;
        ws.set_backup_retention(keep, &admin, now)
    })
    .await
}
