//! The store's side of a promotion: reading the entries to promote,
//! measuring a plan's effect on data, applying a whole plan in one
//! transaction, and checking a store afterwards.

use super::changelog;
use super::designer::Design;
use super::{defs, records};
use crate::env_store::design;
use crate::Context;
use chrono::{DateTime, Utc};
use cutover_core::changelog::ChangeEntry;
use cutover_core::definitions::{Definitions, FieldType};
use cutover_core::promotion::PlanStep;
use cutover_core::{Error, Result};
use rusqlite::Connection;

/// Applies every step in one transaction: nothing is kept if any change
/// is refused; the error names the step.
pub(super) fn apply_plan(
    conn: &mut Connection,
    steps: &[PlanStep],
    author: &str,
    at: DateTime<Utc>,
    under_lock: &mut dyn FnMut() -> Result<()>,
) -> Result<Vec<ChangeEntry>> {
    // Taking the write lock first: from here no connection can commit to
    // the store, while readers (a backup) go on from the WAL.
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .context("starting the promotion")?;
    under_lock()?;
    let entries = design::apply_plan(&mut Design(&tx), steps, author, at)?;
    tx.commit().context("committing the promotion")?;
    Ok(entries)
}

/// Values a field holds, and how many would not survive becoming `to`.
pub(super) fn field_impact(
    conn: &mut Connection,
    field_id: i64,
    to: Option<&FieldType>,
) -> Result<(u64, u64)> {
    let tx = conn.transaction().context("measuring a change")?;
    design::field_impact(&mut Design(&tx), field_id, to)
}

/// Every entry after `seq`, oldest first, with its before and after.
pub(super) fn entries_after(conn: &Connection, seq: i64) -> Result<Vec<ChangeEntry>> {
    changelog::entries_after(conn, seq)
}

/// SQLite's integrity and foreign key checks, and that every table's
/// record table reads through its definitions. With `tables`, the
/// integrity check covers only the definitions and those record tables (a
/// promotion's verification under the lock must not grow with the data).
pub(super) fn check(conn: &Connection, tables: Option<&[i64]>) -> Result<Definitions> {
    let targets: Vec<String> = match tables {
        None => vec![String::new()],
        Some(ids) => [
            "platform_meta",
            "platform_apps",
            "platform_tables",
            "platform_app_tables",
            "platform_fields",
            "platform_views",
            "platform_changelog",
        ]
        .iter()
        .map(|t| format!("({t})"))
        .chain(ids.iter().map(|id| format!("(rec_{id})")))
        .collect(),
    };
    for target in targets {
        let verdict: String = conn
            .query_row(&format!("PRAGMA integrity_check{target}"), [], |r| r.get(0))
            .context("checking integrity")?;
        if verdict != "ok" {
            return Err(Error::internal(format!(
                "The store fails SQLite's integrity check: {verdict}."
            )));
        }
    }
    let broken: Option<String> = conn
        .query_row("PRAGMA foreign_key_check", [], |r| r.get(0))
        .map(Some)
        .or_else(|e| match e {
            rusqlite::Error::QueryReturnedNoRows => Ok(None),
            e => Err(e),
        })
        .context("checking foreign keys")?;
    if let Some(table) = broken {
        return Err(Error::internal(format!(
            "The store has broken references in {table}."
        )));
    }
    let definitions = defs::definitions(conn)?;
    for table in &definitions.tables {
        records::probe(conn, table).map_err(|e| {
            Error::internal(format!(
                "Table \"{}\" does not match its record table: {}",
                table.name, e.message
            ))
        })?;
    }
    Ok(definitions)
}
