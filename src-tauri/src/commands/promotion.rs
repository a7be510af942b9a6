//! Promotion commands: review a sandbox's plan, promote it, list the history.

use super::forward;
use crate::error::CommandResult;
use crate::state::{run_blocking, AppState};
use cutover_core::account::EnvironmentId;
use cutover_core::backup::{Backup, CopyProgress};
use cutover_core::promotion::{Decision, Promotion, PromotionPlan, UndoPreview};
use std::sync::Arc;
use tauri::ipc::Channel;
use tauri::State;

/// The plan a promotion of this sandbox would apply, with its data impact
/// and conflicts.
#[tauri::command]
#[specta::specta]
pub async fn promotion_plan(
    state: State<'_, Arc<AppState>>,
    environment_id: EnvironmentId,
) -> CommandResult<PromotionPlan> {
    run_blocking(&state, move |s| {
        s.workspace()?.promotion_plan(environment_id)
    })
    .await
}

/// Promotes the sandbox's changes to production; `typed_name` is the
/// production environment's name, typed by the user to confirm.
#[tauri::command]
#[specta::specta]
pub async fn promote(
    state: State<'_, Arc<AppState>>,
    environment_id: EnvironmentId,
    decisions: Vec<Decision>,
    typed_name: String,
    on_progress: Channel<CopyProgress>,
) -> CommandResult<Promotion> {
    run_blocking(&state, move |s| {
        let (ws, admin, _) = s.acting()?;
        let outcome = ws.promote(
            environment_id,
            &decisions,
            &typed_name,
            &admin,
            &|| s.clock.now(),
            &forward(&on_progress),
        );
        // Success or failure, the promotion filed a notice: show it.
        crate::desktop::deliver_pending(ws, s.clock.now());
        outcome
    })
    .await
}

/// Every promotion into this production environment, newest first.
#[tauri::command]
#[specta::specta]
pub async fn list_promotions(
    state: State<'_, Arc<AppState>>,
    environment_id: EnvironmentId,
) -> CommandResult<Vec<Promotion>> {
    run_blocking(&state, move |s| s.workspace()?.promotions(environment_id)).await
}

/// What undoing a committed promotion would discard.
#[tauri::command]
#[specta::specta]
pub async fn undo_preview(
    state: State<'_, Arc<AppState>>,
    promotion_id: i64,
) -> CommandResult<UndoPreview> {
    run_blocking(&state, move |s| s.workspace()?.undo_preview(promotion_id)).await
}

/// Restores production from the backup taken before the promotion; returns
/// the backup of production's state just before the undo.
#[tauri::command]
#[specta::specta]
pub async fn undo_promotion(
    state: State<'_, Arc<AppState>>,
    promotion_id: i64,
    on_progress: Channel<CopyProgress>,
) -> CommandResult<Backup> {
    run_blocking(&state, move |s| {
        let (ws, admin, now) = s.acting()?;
        ws.undo_promotion(promotion_id, &admin, now, &forward(&on_progress))
    })
    .await
}
