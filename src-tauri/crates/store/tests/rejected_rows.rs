//! The rows an import rejected, written back as CSV to correct and import
//! again: exactly as they were in the file (quoted commas and line breaks
//! kept), with the reason in a last column; never over the imported file;
//! nothing half-written when it cannot be done.

mod common;

use common::{desk, instant};
use cutover_core::records::{ImportOutcome, RejectedRow};
use cutover_core::{ErrorKind, Result};
use std::sync::atomic::AtomicBool;

const SOURCE: &str = "Name,Start date,Active\n\
Ada,2026-01-05,yes\n\
\"Bob, the second\",someday,no\n\
\"Cy\nwith a line break\",2026-02-01,maybe\n\
Dee,2026-02-03,no\n";

#[test]
fn rejected_rows_come_back_as_they_were_with_their_reason() -> Result<()> {
    let d = desk()?;
    let employees =
        d.ws.definitions(d.sandbox)?
            .tables
            .iter()
            .find(|t| t.name == "Employees")
            .map(|t| t.id)
            .expect("Employees");
    let source = d.dir.path().join("people.csv");
    std::fs::write(&source, SOURCE).expect("write csv");
    let preview = d.ws.preview_csv(d.sandbox, employees, &source)?;
    let now = instant("2026-11-02T10:00:00Z");
    let job =
        d.ws.start_import(d.sandbox, employees, &source, &d.alex, now)?;
    let report = d.ws.run_import(
        &job,
        &source,
        &preview.suggested,
        &AtomicBool::new(false),
        &|_| {},
        &|| now,
    );
    assert_eq!(report.outcome, ImportOutcome::Committed);
    assert_eq!(report.rejected.len(), 2, "{:?}", report.rejected);

    let dest = d.dir.path().join("people rejected.csv");
    assert_eq!(
        d.ws.export_rejected_rows(&source, &report.rejected, &dest)?,
        2
    );
    let mut rdr = csv::Reader::from_path(&dest).expect("read back");
    assert_eq!(
        rdr.headers().expect("header").iter().collect::<Vec<_>>(),
        ["Name", "Start date", "Active", "Rejected because"]
    );
    let rows: Vec<Vec<String>> = rdr
        .records()
        .map(|r| r.expect("row").iter().map(String::from).collect())
        .collect();
    assert_eq!(rows[0][..3], ["Bob, the second", "someday", "no"]);
    assert!(
        rows[0][3].contains("\"someday\" is not a date"),
        "{}",
        rows[0][3]
    );
    assert_eq!(
        rows[1][..3],
        ["Cy\nwith a line break", "2026-02-01", "maybe"]
    );
    assert_eq!(std::fs::read_to_string(&source).expect("source"), SOURCE);

    // Never over the imported file, which stays as it was.
    let e =
        d.ws.export_rejected_rows(&source, &report.rejected, &source)
            .expect_err("over the source");
    assert_eq!(e.kind, ErrorKind::Invalid);
    assert_eq!(std::fs::read_to_string(&source).expect("source"), SOURCE);

    // A file changed since the import, or a folder that cannot be written:
    // refused, and nothing left behind.
    let stale = [RejectedRow {
        line: 40,
        reason: "gone".into(),
    }];
    let other = d.dir.path().join("other.csv");
    let e =
        d.ws.export_rejected_rows(&source, &stale, &other)
            .expect_err("stale");
    assert_eq!(e.kind, ErrorKind::Conflict);
    let missing = d.dir.path().join("no such folder").join("x.csv");
    let e =
        d.ws.export_rejected_rows(&source, &report.rejected, &missing)
            .expect_err("unwritable");
    assert_eq!(e.kind, ErrorKind::Invalid);
    let mut left: Vec<String> = std::fs::read_dir(d.dir.path())
        .expect("dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".csv") || n.ends_with(".partial"))
        .collect();
    left.sort();
    assert_eq!(left, ["people rejected.csv", "people.csv"]);
    Ok(())
}
