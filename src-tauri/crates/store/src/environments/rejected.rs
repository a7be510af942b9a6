//! The rows an import rejected, written back as a CSV file the admin can
//! correct and import again: the source's header and those rows exactly as
//! they were, with the reason in a last column. The source is only read;
//! the file is written beside its destination and renamed into place, so
//! a failure leaves no half-written file and never touches the source.

use crate::environments::imports::{bad_csv, reader};
use crate::Workspace;
use cutover_core::records::RejectedRow;
use cutover_core::{Error, Result};
use std::collections::HashMap;
use std::path::Path;

/// The heading of the column that says why each row was rejected.
pub const REASON_COLUMN: &str = "Rejected because";

impl Workspace {
    /// Writes `rejected` (lines of `source`, with their reasons) to `dest`;
    /// returns how many rows were written.
    pub fn export_rejected_rows(
        &self,
        source: &Path,
        rejected: &[RejectedRow],
        dest: &Path,
    ) -> Result<u32> {
        if rejected.is_empty() {
            return Err(Error::invalid(
                "No row was rejected: there is nothing to export.",
            ));
        }
        let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        };
        if same(source, dest) {
            return Err(Error::invalid(
                "That is the file you imported. Choose another name so that it stays as it was.",
            ));
        }
        let reasons: HashMap<u32, &str> = rejected
            .iter()
            .map(|r| (r.line, r.reason.as_str()))
            .collect();
        let mut rdr = reader(source)?;
        let partial = dest.with_extension("csv.partial");
        let written = (|| -> Result<u32> {
            let cannot = |e: &dyn std::fmt::Display| {
                Error::invalid(format!(
                    "Cannot write {}: {e}. Choose a folder you can write to.",
                    dest.display()
                ))
            };
            let mut out = csv::Writer::from_path(&partial).map_err(|e| cannot(&e))?;
            let mut header: Vec<String> = rdr
                .headers()
                .map_err(bad_csv)?
                .iter()
                .map(String::from)
                .collect();
            header.push(REASON_COLUMN.into());
            out.write_record(&header).map_err(|e| cannot(&e))?;
            let mut written = 0;
            for rec in rdr.records() {
                let rec = rec.map_err(bad_csv)?;
                let line = rec.position().map_or(0, |p| p.line() as u32);
                if let Some(reason) = reasons.get(&line) {
                    let mut row: Vec<&str> = rec.iter().collect();
                    row.push(reason);
                    out.write_record(&row).map_err(|e| cannot(&e))?;
                    written += 1;
                }
            }
            out.flush().map_err(|e| cannot(&e))?;
            let file = out.into_inner().map_err(|e| cannot(&e))?;
            file.sync_all().map_err(|e| cannot(&e))?;
            Ok(written)
        })();
        let written = match written {
            Ok(n) => n,
            Err(e) => {
                let _ = std::fs::remove_file(&partial);
                return Err(e);
            }
        };
        if written as usize != reasons.len() {
            let _ = std::fs::remove_file(&partial);
            return Err(Error::conflict(format!(
                "{} has changed since the import: only {written} of its {} rejected rows are still at their lines. Import it again to get a current list.",
                source.display(),
                reasons.len()
            )));
        }
        std::fs::rename(&partial, dest).map_err(|e| {
            let _ = std::fs::remove_file(&partial);
            Error::invalid(format!(
                "Cannot write {}: {e}. Choose a folder you can write to.",
                dest.display()
            ))
        })?;
        Ok(written)
    }
}
