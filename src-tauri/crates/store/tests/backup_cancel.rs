//! Stopping a manual backup while it copies: nothing is kept (no file, no
//! partial file, no row) and production is untouched; a backup not stopped
//! goes on to be recorded as usual.

mod common;

use common::{backup_files, boss, instant as at};
use cutover_core::backup::BackupReason;
use cutover_core::{ErrorKind, Result};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, Ordering};

#[test]
fn a_stopped_backup_leaves_nothing_behind() -> Result<()> {
    let (_dir, ws) = common::paced_demo()?;
    let production = ws.overview()?[0].environments[0].environment.id;
    let records = ws.store(production)?.stats()?.record_count;

    // The admin presses Cancel once the copy has begun.
    let stop = AtomicBool::new(false);
    let reports = Cell::new(0);
    let err = ws
        .take_backup_until(
            production,
            BackupReason::Manual,
            &boss(),
            at("2026-11-02T09:00:00Z"),
            &|_| {
                reports.set(reports.get() + 1);
                if reports.get() == 3 {
                    stop.store(true, Ordering::Relaxed);
                }
            },
            &stop,
        )
        .expect_err("stopped");
    assert_eq!(err.kind, ErrorKind::Cancelled, "{}", err.message);
    assert_eq!(reports.get(), 3, "the copy stopped at the next step");
    assert!(ws.backups(production)?.is_empty());
    assert_eq!(
        backup_files(&ws)?,
        (vec![], vec![]),
        "no file, no partial file"
    );
    assert_eq!(ws.store(production)?.stats()?.record_count, records);
    common::assert_whole(&ws)?;

    // Not stopped, the same call records its backup.
    let kept = ws.take_backup_until(
        production,
        BackupReason::Manual,
        &boss(),
        at("2026-11-02T09:05:00Z"),
        &|_| {},
        &AtomicBool::new(false),
    )?;
    assert_eq!(ws.backups(production)?, vec![kept]);
    common::assert_whole(&ws)?;
    Ok(())
}
