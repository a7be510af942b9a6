//! CSV imports as background jobs.
//!
//! An import is recorded in the control database while it runs, so that it
//! shows in its environment's status and blocks writes and promotion. Its
//! rows go into the store in one transaction: it commits the accepted rows
//! when the whole file has been read, and nothing if it is cancelled, fails
//! or the app is killed (the row is then marked failed at the next start).

use crate::env_store::CsvRow;
use crate::{Context, Workspace};
use chrono::{DateTime, Utc};
use cutover_core::account::EnvironmentId;
use cutover_core::activity::ActivityAction;
use cutover_core::admin::Admin;
use cutover_core::environment::ensure_unlocked;
use cutover_core::records::{
    suggest_mapping, CsvPreview, ImportJob, ImportOutcome, ImportProgress, ImportReport,
};
use cutover_core::{Error, Result};
use rusqlite::{params, OptionalExtension};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

const SAMPLE_ROWS: usize = 5;

pub(super) fn reader(path: &Path) -> Result<csv::Reader<std::fs::File>> {
    csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .map_err(|e| {
            Error::invalid(format!(
                "Cannot read {}: {e}. Choose a CSV file you can open.",
                path.display()
            ))
        })
}

pub(super) fn bad_csv(e: csv::Error) -> Error {
    Error::invalid(format!(
        "The file is not valid CSV ({e}). Save it as CSV (UTF-8) and try again."
    ))
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

impl Workspace {
    /// The headers, first rows and row count of a CSV file, with a proposed
    /// mapping onto a table's fields.
    pub fn preview_csv(&self, id: EnvironmentId, table_id: i64, path: &Path) -> Result<CsvPreview> {
        let defs = self.definitions(id)?;
        let table = defs
            .tables
            .iter()
            .find(|t| t.id == table_id)
            .ok_or_else(|| Error::not_found("That table no longer exists. Reload the records."))?;
        let mut rdr = reader(path)?;
        let headers: Vec<String> = rdr
            .headers()
            .map_err(bad_csv)?
            .iter()
            .map(String::from)
            .collect();
        if headers.iter().all(|h| h.trim().is_empty()) {
            return Err(Error::invalid(
                "The file has no header row. Its first line must name the columns.",
            ));
        }
        let mut sample = Vec::new();
        let mut rows = 0u32;
        for rec in rdr.records() {
            let rec = rec.map_err(bad_csv)?;
            if sample.len() < SAMPLE_ROWS {
                sample.push(rec.iter().map(String::from).collect());
            }
            rows += 1;
        }
        Ok(CsvPreview {
            suggested: suggest_mapping(&headers, &table.fields),
            headers,
            sample,
            rows,
        })
    }

    /// The import running in an environment, if any.
    pub fn running_import(&self, id: EnvironmentId) -> Result<Option<ImportJob>> {
        self.connect()?
            .query_row(
                "SELECT id, environment_id, table_id, file_name, author, started_at
                 FROM imports WHERE environment_id = ?1 AND state = 'running'",
                [id],
                |r| {
                    Ok(ImportJob {
                        id: r.get(0)?,
                        environment_id: r.get(1)?,
                        table_id: r.get(2)?,
                        file_name: r.get(3)?,
                        author: r.get(4)?,
                        started_at: r.get(5)?,
                    })
                },
            )
            .optional()
            .context("reading imports")
    }

    /// Records an import as running; refused while another runs or the
    /// environment is locked.
    pub fn start_import(
        &self,
        id: EnvironmentId,
        table_id: i64,
        path: &Path,
        admin: &Admin,
        now: DateTime<Utc>,
    ) -> Result<ImportJob> {
        let row = self.writable(id)?;
        ensure_unlocked(row.environment.status, &row.environment.name)?;
        let inserted = self.connect()?.execute(
            "INSERT INTO imports (environment_id, table_id, file_name, author, started_at, state)
             VALUES (?1, ?2, ?3, ?4, ?5, 'running')",
            params![id, table_id, file_name(path), admin.name, now],
        );
        match inserted {
            Ok(_) => {}
            Err(e) if crate::control::fault::is_unique_violation(&e) => {
                return Err(Error::locked(format!(
                    "An import into \"{}\" is already running. Wait for it or cancel it.",
                    row.environment.name
                )))
            }
            Err(e) => return Err(e).context("recording an import"),
        }
        self.running_import(id)?
            .ok_or_else(|| Error::internal("The import just recorded is missing."))
    }

    /// Runs a recorded import to its end and records how it ended. Never
    /// fails: a failure is the report's outcome.
    pub fn run_import(
        &self,
        job: &ImportJob,
        path: &Path,
        mapping: &[Option<i64>],
        cancel: &AtomicBool,
        progress: &dyn Fn(ImportProgress),
        now: &dyn Fn() -> DateTime<Utc>,
    ) -> ImportReport {
        let report = match self.import_file(job, path, mapping, cancel, progress) {
            Ok((accepted, rejected)) => ImportReport {
                outcome: ImportOutcome::Committed,
                accepted,
                rejected,
                problem: None,
            },
            Err(_) if cancel.load(Ordering::Relaxed) => ImportReport {
                outcome: ImportOutcome::Cancelled,
                accepted: 0,
                rejected: Vec::new(),
                problem: Some("Cancelled: nothing was imported.".into()),
            },
            Err(e) => ImportReport {
                outcome: ImportOutcome::Failed,
                accepted: 0,
                rejected: Vec::new(),
                problem: Some(format!("{} Nothing was imported.", e.message)),
            },
        };
        let recorded = self.connect().and_then(|c| {
            c.execute(
                "UPDATE imports SET state = ?2, finished_at = ?3, accepted = ?4, rejected = ?5, problem = ?6 WHERE id = ?1",
                params![
                    job.id,
                    report.outcome.as_str(),
                    now(),
                    report.accepted,
                    report.rejected.len() as i64,
                    report.problem
                ],
            )
            .context("recording the end of an import")
        });
        if let Err(e) = recorded {
            tracing::error!(import = job.id, error = %e, "could not record the end of an import");
        }
        let env_name = self
            .environment(job.environment_id)
            .map(|e| e.name)
            .unwrap_or_default();
        self.log_activity(
            now(),
            &job.author,
            Some((job.environment_id, &env_name)),
            ActivityAction::Imported,
            &match report.outcome {
                ImportOutcome::Committed => format!(
                    "{}: {} rows imported, {} rejected",
                    job.file_name,
                    report.accepted,
                    report.rejected.len()
                ),
                ImportOutcome::Cancelled => {
                    format!("{}: cancelled, nothing imported", job.file_name)
                }
                ImportOutcome::Failed => format!("{}: failed, nothing imported", job.file_name),
            },
        );
        tracing::info!(
            import = job.id,
            outcome = report.outcome.as_str(),
            accepted = report.accepted,
            rejected = report.rejected.len(),
            "import finished"
        );
        report
    }

    fn import_file(
        &self,
        job: &ImportJob,
        path: &Path,
        mapping: &[Option<i64>],
        cancel: &AtomicBool,
        progress: &dyn Fn(ImportProgress),
    ) -> Result<(u32, Vec<cutover_core::records::RejectedRow>)> {
        let rows_total = reader(path)?.records().count() as u32;
        let mut rdr = reader(path)?;
        let width = rdr.headers().map_err(bad_csv)?.len();
        if width != mapping.len() {
            return Err(Error::invalid(format!(
                "The mapping has {} columns but the file has {width}. Preview the file again.",
                mapping.len()
            )));
        }
        let mut records = rdr.records();
        let mut line = 1u32;
        let mut rows = std::iter::from_fn(|| {
            let rec = records.next()?;
            line += 1;
            Some(
                rec.map(|r| CsvRow {
                    line: r.position().map_or(line, |p| p.line() as u32),
                    cells: r.iter().map(String::from).collect(),
                })
                .map_err(bad_csv),
            )
        });
        let mut read = 0u32;
        let mut tick = |accepted: u32, rejected: &[cutover_core::records::RejectedRow]| {
            read += 1;
            if cancel.load(Ordering::Relaxed) {
                return Err(Error::invalid("Cancelled."));
            }
            if read % 100 == 0 || read == rows_total {
                progress(ImportProgress {
                    rows_read: read,
                    rows_total,
                    accepted,
                    rejected: rejected.len() as u32,
                });
            }
            Ok(())
        };
        self.open_row(&self.environment_row(&self.connect()?, job.environment_id)?)?
            .import_rows(job.id, job.table_id, mapping, &mut rows, &mut tick)
    }

    /// Settles imports left running by a killed app. The store says whether
    /// an import's transaction committed (it records that inside it): if so
    /// the import is marked committed, otherwise failed, with nothing of it
    /// in the store. Returns how many were settled.
    pub(crate) fn recover_imports(
        &self,
        now: DateTime<Utc>,
        only: Option<cutover_core::account::AccountId>,
    ) -> Result<usize> {
        let conn = self.connect()?;
        let running: Vec<(i64, i64)> = {
            let mut stmt = conn
                .prepare("SELECT id, environment_id FROM imports WHERE state = 'running'")
                .context("recovering imports")?;
            let rows = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .context("recovering imports")?;
            rows.collect::<rusqlite::Result<_>>()
                .context("recovering imports")?
        };
        let mut settled = 0;
        for (id, environment_id) in &running {
            let row = self.environment_row(&conn, *environment_id);
            let account = row.as_ref().map(|r| r.environment.account_id).ok();
            if only.is_some() && account != only {
                continue;
            }
            // Whether it committed is known only from its store: one on a
            // server not reachable yet is settled when it is.
            let backend = match account.map(|a| self.backend(a)) {
                Some(Err(e)) => {
                    tracing::warn!(import = id, reason = %e.message, "an interrupted import waits for its server");
                    continue;
                }
                backend => backend.and_then(Result::ok),
            };
            settled += 1;
            let committed = row
                .ok()
                .zip(backend)
                .and_then(|(row, backend)| backend.open(&row.store_key).ok())
                .and_then(|store| store.committed_import(*id).ok())
                .flatten();
            match committed {
                Some(accepted) => conn.execute(
                    "UPDATE imports SET state = 'committed', finished_at = ?2, accepted = ?3,
                     problem = 'Cutover stopped just after the import committed; its report of rejected rows was lost.'
                     WHERE id = ?1",
                    params![id, now, accepted],
                ),
                None => conn.execute(
                    "UPDATE imports SET state = 'failed', finished_at = ?2,
                     problem = 'Cutover stopped during the import; nothing was imported.'
                     WHERE id = ?1",
                    params![id, now],
                ),
            }
            .context("recovering imports")?;
        }
        Ok(settled)
    }
}
