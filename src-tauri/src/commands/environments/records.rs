//! The Records screen's commands: pages, edits, and CSV imports that run
//! as background jobs reporting over a channel.

use crate::error::{CommandError, CommandResult};
use crate::state::{run_blocking, AppState};
use cutover_core::account::EnvironmentId;
use cutover_core::definitions::Record;
use cutover_core::records::{
    CellInput, CsvPreview, ImportEvent, ImportJob, ImportMapping, RecordPage, RecordQuery,
};
use cutover_core::Error;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tauri::ipc::Channel;
use tauri::State;

#[tauri::command]
#[specta::specta]
pub async fn record_page(
    state: State<'_, Arc<AppState>>,
    environment_id: EnvironmentId,
    table_id: i64,
    query: RecordQuery,
) -> CommandResult<RecordPage> {
    run_blocking(&state, move |s| {
        s.workspace()?.record_page(environment_id, table_id, &query)
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn insert_record(
    state: State<'_, Arc<AppState>>,
    environment_id: EnvironmentId,
    table_id: i64,
    cells: Vec<CellInput>,
) -> CommandResult<Record> {
    run_blocking(&state, move |s| {
        let (ws, admin, now) = s.acting()?;
        ws.insert_record(environment_id, table_id, &cells, &admin, now)
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn update_record(
    state: State<'_, Arc<AppState>>,
    environment_id: EnvironmentId,
    table_id: i64,
    record_id: i64,
    cells: Vec<CellInput>,
) -> CommandResult<Record> {
    run_blocking(&state, move |s| {
        let (ws, admin, now) = s.acting()?;
        ws.update_record(environment_id, table_id, record_id, &cells, &admin, now)
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn delete_record(
    state: State<'_, Arc<AppState>>,
    environment_id: EnvironmentId,
    table_id: i64,
    record_id: i64,
) -> CommandResult<()> {
    run_blocking(&state, move |s| {
        let (ws, admin, now) = s.acting()?;
        ws.delete_record(environment_id, table_id, record_id, &admin, now)
    })
    .await
}

/// Reads a CSV file's header and first rows and proposes a mapping.
#[tauri::command]
#[specta::specta]
pub async fn preview_csv(
    state: State<'_, Arc<AppState>>,
    environment_id: EnvironmentId,
    table_id: i64,
    path: String,
) -> CommandResult<CsvPreview> {
    run_blocking(&state, move |s| {
        s.workspace()?
            .preview_csv(environment_id, table_id, &PathBuf::from(path))
    })
    .await
}

/// Starts importing a CSV file in the background. Returns the running job;
/// progress and the final report arrive on `on_event`.
#[tauri::command]
#[specta::specta]
pub async fn start_import(
    state: State<'_, Arc<AppState>>,
    environment_id: EnvironmentId,
    table_id: i64,
    path: String,
    mapping: ImportMapping,
    on_event: Channel<ImportEvent>,
) -> CommandResult<ImportJob> {
    let path = PathBuf::from(path);
    let (job, cancel) = run_blocking(&state, {
        let path = path.clone();
        move |s| {
            let (ws, admin, now) = s.acting()?;
            let job = ws.start_import(environment_id, table_id, &path, &admin, now)?;
            let cancel = Arc::new(AtomicBool::new(false));
            s.imports
                .lock()
                .map_err(|_| Error::internal("The import list is unusable; restart Cutover."))?
                .insert(job.id, cancel.clone());
            Ok((job, cancel))
        }
    })
    .await?;
    let app = Arc::clone(&state);
    let running = job.clone();
    std::thread::Builder::new()
        .name(format!("import-{}", job.id))
        .spawn(move || {
            let report = match app.workspace() {
                Ok(ws) => ws.run_import(
                    &running,
                    &path,
                    &mapping.field_ids,
                    &cancel,
                    &|p| {
                        let _ = on_event.send(ImportEvent::Progress(p));
                    },
                    &|| app.clock.now(),
                ),
                Err(e) => {
                    tracing::error!(error = %e, "an import could not open the workspace");
                    return;
                }
            };
            if let Ok(mut imports) = app.imports.lock() {
                imports.remove(&running.id);
            }
            let _ = on_event.send(ImportEvent::Finished(report));
        })
        .map_err(|e| {
            CommandError::from(Error::internal(format!("Could not start the import: {e}.")))
        })?;
    Ok(job)
}

/// Asks a running import to stop; it then commits nothing.
#[tauri::command]
#[specta::specta]
pub async fn cancel_import(state: State<'_, Arc<AppState>>, import_id: i64) -> CommandResult<()> {
    run_blocking(&state, move |s| {
        let imports = s
            .imports
            .lock()
            .map_err(|_| Error::internal("The import list is unusable; restart Cutover."))?;
        let cancel = imports
            .get(&import_id)
            .ok_or_else(|| Error::not_found("That import has already finished."))?;
        cancel.store(true, Ordering::Relaxed);
        Ok(())
    })
    .await
}

/// Writes the rows an import rejected, as they were in `source`, with the
/// reason in a last column, to `dest`; returns how many.
#[tauri::command]
#[specta::specta]
pub async fn export_rejected_rows(
    state: State<'_, Arc<AppState>>,
    source: PathBuf,
    rejected: Vec<cutover_core::records::RejectedRow>,
    dest: PathBuf,
) -> CommandResult<u32> {
    run_blocking(&state, move |s| {
        s.workspace()?
            .export_rejected_rows(&source, &rejected, &dest)
    })
    .await
}
