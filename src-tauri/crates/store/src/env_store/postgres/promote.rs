//! The store's side of a promotion on a server: the plan applied in one
//! transaction with production's record tables locked against writers,
//! and a check that definitions and record tables agree.
//!
//! Invariant: while a plan is applied, no application can write any record
//! table of the environment (`LOCK … IN EXCLUSIVE MODE`, taken first, held
//! to commit); reads go on except for the moments a changed table's DDL
//! holds it. A writer waiting on the lock resumes after the commit, on the
//! new definitions, and loses nothing. What runs under the lock before
//! the plan (a backup from another connection) reads every write committed
//! before it.

use super::designer::Design;
use super::schema::{column_type, ident};
use super::{defs, schema};
use crate::env_store::design;
use crate::Context;
use chrono::{DateTime, Utc};
use cutover_core::changelog::ChangeEntry;
use cutover_core::definitions::{Definitions, FieldType};
use cutover_core::promotion::PlanStep;
use cutover_core::{Error, Result};
use postgres::types::Type;
use postgres::{Client, GenericClient};

pub(super) fn apply_plan(
    client: &mut Client,
    schema_name: &str,
    steps: &[PlanStep],
    author: &str,
    at: DateTime<Utc>,
    under_lock: &mut dyn FnMut() -> Result<()>,
) -> Result<Vec<ChangeEntry>> {
    let mut tx = client.transaction().context("starting the promotion")?;
    let tables = schema::other_tables(&mut tx, schema_name)?;
    if !tables.is_empty() {
        let list: Vec<String> = tables.iter().map(|t| ident(t)).collect();
        tx.batch_execute(&format!("LOCK TABLE {} IN EXCLUSIVE MODE", list.join(", ")))
            .context("locking production's records against writers")?;
    }
    under_lock()?;
    let mut design = Design::for_plan(&mut tx);
    let mut entries = design::apply_plan(&mut design, steps, author, at)?;
    let seqs = design.finish()?;
    // Every entry the plan returns is one it recorded, in the same order.
    if seqs.len() != entries.len() {
        return Err(Error::internal(format!(
            "The plan recorded {} changelog entries for {} changes.",
            seqs.len(),
            entries.len()
        )));
    }
    for (entry, seq) in entries.iter_mut().zip(seqs) {
        entry.seq = seq;
    }
    tx.commit().context("committing the promotion")?;
    Ok(entries)
}

pub(super) fn field_impact(
    client: &mut Client,
    field_id: i64,
    to: Option<&FieldType>,
) -> Result<(u64, u64)> {
    let mut tx = client.transaction().context("measuring a change")?;
    design::field_impact(&mut Design::new(&mut tx), field_id, to)
}

/// Every table's record table has exactly an `id` and a column of the
/// right type per field (`tables` limits the record tables looked at);
/// references between definitions are the server's own foreign keys.
pub(super) fn check(
    client: &mut impl GenericClient,
    schema_name: &str,
    tables: Option<&[i64]>,
) -> Result<Definitions> {
    let definitions = defs::definitions(client)?;
    for table in &definitions.tables {
        if tables.is_some_and(|only| !only.contains(&table.id)) {
            continue;
        }
        let actual: Vec<(String, String)> = client
            .query_typed(
                // The catalog itself: `information_schema.columns` answers
                // the same in tens of milliseconds, under production's lock.
                "SELECT a.attname::text, format_type(a.atttypid, a.atttypmod)
                 FROM pg_attribute a
                 WHERE a.attrelid = to_regclass(format('%I.%I', $1::text, $2::text))
                   AND a.attnum > 0 AND NOT a.attisdropped
                 ORDER BY a.attname",
                &[
                    (&schema_name, Type::TEXT),
                    (&format!("rec_{}", table.id), Type::TEXT),
                ],
            )
            .context("checking a record table")?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        let mut expected: Vec<(String, String)> = table
            .fields
            .iter()
            .map(|f| {
                (
                    format!("f_{}", f.id),
                    column_type(&f.field_type).to_string(),
                )
            })
            .chain(std::iter::once(("id".to_string(), "bigint".to_string())))
            .collect();
        expected.sort();
        if actual != expected {
            return Err(Error::internal(format!(
                "Table \"{}\" does not match its record table on the server (columns {:?}, expected {:?}).",
                table.name, actual, expected
            )));
        }
    }
    Ok(definitions)
}
