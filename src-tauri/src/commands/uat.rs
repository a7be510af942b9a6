//! The UAT screen's commands: cycles and their plan, results, evidence,
//! upgrade issues and decisions, check-ins, sign-off and the override.

use crate::error::CommandResult;
use crate::state::{run_blocking, AppState};
use cutover_core::account::AccountId;
use cutover_core::uat::{CaseId, CycleId, IssueDecision, IssueId, IssueStatus};
use cutover_core::uat_view::{CaseInput, CycleDetail, IssueInput, ResultInput, UatCycle};
use cutover_store::uat::pack::PackExported;
use std::path::PathBuf;
use std::sync::Arc;
use tauri::State;

/// The cycles of every account (0) or one, with their state today.
#[tauri::command]
#[specta::specta]
pub async fn uat_cycles(
    state: State<'_, Arc<AppState>>,
    account_id: AccountId,
) -> CommandResult<Vec<UatCycle>> {
    run_blocking(&state, move |s| {
        let (ws, _, now) = s.acting()?;
        ws.uat_cycles(account_id, now)
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn uat_cycle(
    state: State<'_, Arc<AppState>>,
    cycle_id: CycleId,
) -> CommandResult<CycleDetail> {
    run_blocking(&state, move |s| {
        let (ws, _, now) = s.acting()?;
        ws.uat_cycle(cycle_id, now)
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn generate_uat_plan(
    state: State<'_, Arc<AppState>>,
    cycle_id: CycleId,
) -> CommandResult<CycleDetail> {
    run_blocking(&state, move |s| {
        let (ws, admin, now) = s.acting()?;
        ws.generate_uat_plan(cycle_id, &admin, now)
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn add_uat_case(
    state: State<'_, Arc<AppState>>,
    cycle_id: CycleId,
    input: CaseInput,
) -> CommandResult<CycleDetail> {
    run_blocking(&state, move |s| {
        let (ws, admin, now) = s.acting()?;
        ws.add_uat_case(cycle_id, input, &admin, now)
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn record_uat_result(
    state: State<'_, Arc<AppState>>,
    case_id: CaseId,
    input: ResultInput,
) -> CommandResult<CycleDetail> {
    run_blocking(&state, move |s| {
        let (ws, admin, now) = s.acting()?;
        ws.record_uat_result(case_id, input, &admin, now)
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn attach_uat_evidence(
    state: State<'_, Arc<AppState>>,
    case_id: CaseId,
    path: PathBuf,
) -> CommandResult<CycleDetail> {
    run_blocking(&state, move |s| {
        let (ws, admin, now) = s.acting()?;
        ws.attach_uat_evidence(case_id, &path, &admin, now)
    })
    .await
}

/// An evidence image as a `data:` URL, its checksum checked.
#[tauri::command]
#[specta::specta]
pub async fn uat_evidence_image(
    state: State<'_, Arc<AppState>>,
    evidence_id: i64,
) -> CommandResult<String> {
    run_blocking(&state, move |s| {
        s.workspace()?.uat_evidence_image(evidence_id)
    })
    .await
}

/// Opens a copy of the evidence with the system's application for its type.
#[tauri::command]
#[specta::specta]
pub async fn open_uat_evidence(
    state: State<'_, Arc<AppState>>,
    evidence_id: i64,
) -> CommandResult<()> {
    run_blocking(&state, move |s| {
        let copy = s.workspace()?.evidence_copy(evidence_id)?;
        open::that_detached(&copy).map_err(|e| {
            cutover_core::Error::conflict(format!(
                "No application could open {}: {e}. It is kept at {} if you want to open it yourself.",
                copy.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default(),
                copy.display()
            ))
        })
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn raise_uat_issue(
    state: State<'_, Arc<AppState>>,
    cycle_id: CycleId,
    input: IssueInput,
) -> CommandResult<CycleDetail> {
    run_blocking(&state, move |s| {
        let (ws, admin, now) = s.acting()?;
        ws.raise_uat_issue(cycle_id, input, &admin, now)
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn set_uat_issue_status(
    state: State<'_, Arc<AppState>>,
    issue_id: IssueId,
    status: IssueStatus,
) -> CommandResult<CycleDetail> {
    run_blocking(&state, move |s| {
        let (ws, admin, now) = s.acting()?;
        ws.set_uat_issue_status(issue_id, status, &admin, now)
    })
    .await
}

/// Records a decision and shows its notice on the desktop; a delay wakes
/// the reminder engine for the moved schedule.
#[tauri::command]
#[specta::specta]
pub async fn decide_uat_issue(
    state: State<'_, Arc<AppState>>,
    issue_id: IssueId,
    decision: IssueDecision,
) -> CommandResult<CycleDetail> {
    run_blocking(&state, move |s| {
        let (ws, admin, now) = s.acting()?;
        let decided = ws.decide_uat_issue(issue_id, decision, &admin, now);
        s.wake.notify_one();
        crate::desktop::deliver_pending(ws, s.clock.now());
        decided
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn uat_check_in(
    state: State<'_, Arc<AppState>>,
    cycle_id: CycleId,
    note: String,
) -> CommandResult<CycleDetail> {
    run_blocking(&state, move |s| {
        let (ws, admin, now) = s.acting()?;
        ws.uat_check_in(cycle_id, &note, &admin, now)
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn uat_sign_off(
    state: State<'_, Arc<AppState>>,
    cycle_id: CycleId,
) -> CommandResult<CycleDetail> {
    run_blocking(&state, move |s| {
        let (ws, admin, now) = s.acting()?;
        ws.uat_sign_off(cycle_id, &admin, now)
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn uat_override(
    state: State<'_, Arc<AppState>>,
    cycle_id: CycleId,
    reason: String,
) -> CommandResult<CycleDetail> {
    run_blocking(&state, move |s| {
        let (ws, admin, now) = s.acting()?;
        ws.uat_override(cycle_id, &reason, &admin, now)
    })
    .await
}

/// Writes the cycle's evidence pack into a new folder inside `folder`.
#[tauri::command]
#[specta::specta]
pub async fn export_uat_pack(
    state: State<'_, Arc<AppState>>,
    cycle_id: CycleId,
    folder: PathBuf,
) -> CommandResult<PackExported> {
    run_blocking(&state, move |s| {
        let (ws, admin, now) = s.acting()?;
        ws.export_uat_pack(cycle_id, &folder, &admin, now)
    })
    .await
}
