//! The Upgrade screen's commands: start a run, prepare its copy, apply and
//! sign off packages, run the data upgrade, resume, commit, roll back,
//! cancel, and read runs back (the screen polls `upgrade_run` while a
//! long step runs, for its live progress).

use crate::error::CommandResult;
use crate::state::{run_blocking, AppState};
use cutover_core::account::EnvironmentId;
use cutover_core::upgrade::{RollbackImpact, UpgradeRun};
use std::sync::Arc;
use tauri::State;

/// The environment's open run, if any.
#[tauri::command]
#[specta::specta]
pub async fn open_upgrade(
    state: State<'_, Arc<AppState>>,
    environment_id: EnvironmentId,
) -> CommandResult<Option<UpgradeRun>> {
    run_blocking(&state, move |s| s.workspace()?.open_upgrade(environment_id)).await
}

#[tauri::command]
#[specta::specta]
pub async fn upgrade_run(
    state: State<'_, Arc<AppState>>,
    run_id: i64,
) -> CommandResult<UpgradeRun> {
    run_blocking(&state, move |s| s.workspace()?.upgrade_run(run_id)).await
}

/// Every run of the environment, newest first.
#[tauri::command]
#[specta::specta]
pub async fn upgrade_history(
    state: State<'_, Arc<AppState>>,
    environment_id: EnvironmentId,
) -> CommandResult<Vec<UpgradeRun>> {
    run_blocking(&state, move |s| {
        s.workspace()?.upgrade_history(environment_id)
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn start_upgrade(
    state: State<'_, Arc<AppState>>,
    environment_id: EnvironmentId,
    target: String,
    before_wave_confirmed: bool,
) -> CommandResult<UpgradeRun> {
    run_blocking(&state, move |s| {
        let (ws, admin, now) = s.acting()?;
        if before_wave_confirmed {
            ws.start_upgrade_before_wave(environment_id, &target, &admin, now)
        } else {
            ws.start_upgrade(environment_id, &target, &admin, now)
        }
    })
    .await
}

/// Makes the parallel copy; long for a big environment (poll the run).
#[tauri::command]
#[specta::specta]
pub async fn prepare_upgrade(
    state: State<'_, Arc<AppState>>,
    run_id: i64,
) -> CommandResult<UpgradeRun> {
    run_blocking(&state, move |s| {
        s.workspace()?.prepare_upgrade(run_id, &|| s.clock.now())
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn apply_next_package(
    state: State<'_, Arc<AppState>>,
    run_id: i64,
) -> CommandResult<UpgradeRun> {
    run_blocking(&state, move |s| {
        let (ws, admin, _) = s.acting()?;
        ws.apply_next_package(run_id, &admin, &|| s.clock.now())
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn sign_off_package(
    state: State<'_, Arc<AppState>>,
    run_id: i64,
) -> CommandResult<UpgradeRun> {
    run_blocking(&state, move |s| {
        let (ws, admin, now) = s.acting()?;
        ws.sign_off_package(run_id, &admin, now)
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn roll_back_package(
    state: State<'_, Arc<AppState>>,
    run_id: i64,
) -> CommandResult<UpgradeRun> {
    run_blocking(&state, move |s| {
        let (ws, admin, now) = s.acting()?;
        ws.roll_back_package(run_id, &admin, now)
    })
    .await
}

/// The downtime; long (poll the run). Success or failure, it filed a
/// notice, shown on the desktop here.
#[tauri::command]
#[specta::specta]
pub async fn start_data_upgrade(
    state: State<'_, Arc<AppState>>,
    run_id: i64,
) -> CommandResult<UpgradeRun> {
    run_blocking(&state, move |s| {
        let (ws, admin, _) = s.acting()?;
        let outcome = ws.start_data_upgrade(run_id, &admin, &|| s.clock.now());
        crate::desktop::deliver_pending(ws, s.clock.now());
        outcome
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn resume_upgrade(
    state: State<'_, Arc<AppState>>,
    run_id: i64,
) -> CommandResult<UpgradeRun> {
    run_blocking(&state, move |s| {
        let (ws, admin, _) = s.acting()?;
        let outcome = ws.resume_upgrade(run_id, &admin, &|| s.clock.now());
        crate::desktop::deliver_pending(ws, s.clock.now());
        outcome
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn commit_upgrade(
    state: State<'_, Arc<AppState>>,
    run_id: i64,
) -> CommandResult<UpgradeRun> {
    run_blocking(&state, move |s| {
        let (ws, admin, now) = s.acting()?;
        let committed = ws.commit_upgrade(run_id, &admin, now);
        crate::desktop::deliver_pending(ws, now);
        committed
    })
    .await
}

/// What a rollback would discard, asked before it runs.
#[tauri::command]
#[specta::specta]
pub async fn upgrade_rollback_impact(
    state: State<'_, Arc<AppState>>,
    run_id: i64,
) -> CommandResult<RollbackImpact> {
    run_blocking(&state, move |s| {
        s.workspace()?.upgrade_rollback_impact(run_id)
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn roll_back_upgrade(
    state: State<'_, Arc<AppState>>,
    run_id: i64,
) -> CommandResult<UpgradeRun> {
    run_blocking(&state, move |s| {
        let (ws, admin, now) = s.acting()?;
        let outcome = ws.roll_back_upgrade(run_id, &admin, now);
        crate::desktop::deliver_pending(ws, s.clock.now());
        outcome
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn cancel_upgrade_run(
    state: State<'_, Arc<AppState>>,
    run_id: i64,
) -> CommandResult<UpgradeRun> {
    run_blocking(&state, move |s| {
        let (ws, admin, now) = s.acting()?;
        ws.cancel_upgrade_run(run_id, &admin, now)
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn tick_upgrade_action(
    state: State<'_, Arc<AppState>>,
    run_id: i64,
    index: u32,
    done: bool,
) -> CommandResult<UpgradeRun> {
    run_blocking(&state, move |s| {
        let (ws, admin, _) = s.acting()?;
        ws.tick_upgrade_action(run_id, index, done, &admin)
    })
    .await
}
