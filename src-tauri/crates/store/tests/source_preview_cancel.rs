//! Reading a source for its preview reports rows read of all there are,
//! and stops when asked: the preview ends `cancelled`, the source is
//! exactly as it was, and nothing is left in the temporary folder (a CSV
//! folder is converted there first).

mod common;

use cutover_core::source::SourceProgress;
use cutover_core::{ErrorKind, Result};
use cutover_store::{Context, Workspace};
use rusqlite::Connection;
use std::cell::RefCell;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

const ROWS: u64 = 50_000;

/// A database of one table with `ROWS` rows.
fn big_source(path: &Path) -> Result<()> {
    let conn = Connection::open(path).context("source")?;
    conn.execute_batch(&format!(
        "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT, total REAL);
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {ROWS})
         INSERT INTO orders SELECT i, 'Customer ' || (i % 97), i * 1.5 FROM n;"
    ))
    .context("filling the source")
}

#[test]
fn a_preview_reports_its_rows_and_stops_when_asked() -> Result<()> {
    let dir = tempfile::tempdir().context("temp dir")?;
    let ws = Workspace::open(&dir.path().join("data"))?;
    let source = dir.path().join("orders.db");
    big_source(&source)?;
    let bytes = std::fs::read(&source).context("reading the source")?;

    // Read to the end: every report counts towards the same total.
    let seen = RefCell::new(Vec::<SourceProgress>::new());
    let preview = ws.preview_source_until(
        &source,
        &|p| seen.borrow_mut().push(p),
        &AtomicBool::new(false),
    )?;
    assert_eq!(preview.tables[0].rows, ROWS);
    let seen = seen.into_inner();
    assert!(seen.len() > 3, "reported while reading: {seen:?}");
    assert!(seen.iter().all(|p| p.total_rows == ROWS));
    assert!(seen.windows(2).all(|w| w[0].done_rows <= w[1].done_rows));

    // Stopped at its second report: cancelled, the source untouched.
    let stop = AtomicBool::new(false);
    let reports = RefCell::new(0);
    let err = ws
        .preview_source_until(
            &source,
            &|_| {
                *reports.borrow_mut() += 1;
                if *reports.borrow() == 2 {
                    stop.store(true, Ordering::Relaxed);
                }
            },
            &stop,
        )
        .expect_err("stopped");
    assert_eq!(err.kind, ErrorKind::Cancelled, "{}", err.message);
    assert!(
        err.message.contains("nothing was created"),
        "{}",
        err.message
    );
    assert_eq!(*reports.borrow(), 2, "stopped at the next check");
    assert!(
        std::fs::read(&source).context("reading the source")? == bytes,
        "the source is as it was"
    );
    assert!(
        common::tmp_files(&ws).is_empty(),
        "{:?}",
        common::tmp_files(&ws)
    );
    Ok(())
}

#[test]
fn a_csv_folder_stopped_while_read_leaves_no_conversion_behind() -> Result<()> {
    let dir = tempfile::tempdir().context("temp dir")?;
    let ws = Workspace::open(&dir.path().join("data"))?;
    let folder = dir.path().join("export");
    std::fs::create_dir(&folder).context("folder")?;
    let mut csv = String::from("id,customer,total\n");
    for i in 1..=ROWS {
        csv.push_str(&format!("{i},Customer {},{}\n", i % 97, i as f64 * 1.5));
    }
    std::fs::write(folder.join("orders.csv"), &csv).context("csv")?;

    let stop = AtomicBool::new(false);
    let err = ws
        .preview_source_until(
            &folder,
            &|p| {
                if p.done_rows > 0 {
                    stop.store(true, Ordering::Relaxed);
                }
            },
            &stop,
        )
        .expect_err("stopped");
    assert_eq!(err.kind, ErrorKind::Cancelled, "{}", err.message);
    assert!(
        common::tmp_files(&ws).is_empty(),
        "{:?}",
        common::tmp_files(&ws)
    );
    assert_eq!(
        std::fs::read_to_string(folder.join("orders.csv")).context("csv")?,
        csv
    );
    Ok(())
}
