//! Maintained record counts: each record table has two triggers that keep
//! its row of `platform_record_counts` equal to its number of records, in
//! the same transaction as the insert or delete, whoever writes (Cutover,
//! an import, a package's SQL). The dashboard reads them instead of
//! counting every table at each refresh.
//!
//! Invariant: a record table with a counts row has both triggers, made in
//! the transaction that made the row. A table without a row (one made by
//! a package outside the designer) is counted when asked.

use crate::Context;
use cutover_core::Result;
use rusqlite::Connection;

/// Starts keeping the count of record table `table_id`: its current count
/// and the triggers that follow it from now on.
pub(super) fn keep_count(conn: &Connection, table_id: i64) -> Result<()> {
    conn.execute_batch(&format!(
        "INSERT OR REPLACE INTO platform_record_counts (table_id, records)
             SELECT {table_id}, count(*) FROM rec_{table_id};
         CREATE TRIGGER IF NOT EXISTS rec_{table_id}_counted_in AFTER INSERT ON rec_{table_id}
         BEGIN
             UPDATE platform_record_counts SET records = records + 1 WHERE table_id = {table_id};
         END;
         CREATE TRIGGER IF NOT EXISTS rec_{table_id}_counted_out AFTER DELETE ON rec_{table_id}
         BEGIN
             UPDATE platform_record_counts SET records = records - 1 WHERE table_id = {table_id};
         END;"
    ))
    .context("keeping a record table's count")
}

/// The migration's hook: keeps the count of every existing record table.
pub(super) fn keep_all(tx: &rusqlite::Transaction<'_>) -> rusqlite_migration::HookResult {
    let ids: Vec<i64> = tx
        .prepare("SELECT id FROM platform_tables ORDER BY id")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in ids {
        keep_count(tx, id).map_err(|e| rusqlite_migration::HookError::Hook(e.message))?;
    }
    Ok(())
}

/// Records across every record table: the kept counts, and a count of any
/// table that has none.
pub(super) fn records(conn: &Connection) -> Result<u64> {
    let (kept, uncounted): (i64, Vec<i64>) = {
        let kept = conn
            .query_row(
                "SELECT coalesce(sum(records), 0) FROM platform_record_counts c
                 JOIN platform_tables t ON t.id = c.table_id",
                [],
                |r| r.get(0),
            )
            .context("reading the record counts")?;
        let mut stmt = conn
            .prepare(
                "SELECT id FROM platform_tables
                 WHERE id NOT IN (SELECT table_id FROM platform_record_counts)",
            )
            .context("reading the record counts")?;
        let uncounted = stmt
            .query_map([], |r| r.get(0))
            .context("reading the record counts")?
            .collect::<rusqlite::Result<_>>()
            .context("reading the record counts")?;
        (kept, uncounted)
    };
    let mut total = kept.max(0) as u64;
    for id in uncounted {
        let n: i64 = conn
            .query_row(&format!("SELECT count(*) FROM rec_{id}"), [], |r| r.get(0))
            .context("counting records")?;
        total += n as u64;
    }
    Ok(total)
}
