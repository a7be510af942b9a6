//! Filling a new SQLite store with records (its model is made by
//! `env_store::design::make_model`).

use super::store::SqlValue;
use crate::control::fault::is_unique_violation;
use crate::env_store::RecordSink;
use crate::Context;
use cutover_core::definitions::Value;
use cutover_core::{Error, Result};
use rusqlite::{Connection, Transaction};
use std::collections::HashMap;
use std::path::Path;

pub(super) struct Sink<'a> {
    tx: &'a Transaction<'a>,
    /// The insert statement of each table and how many values it takes,
    /// prepared once.
    inserts: HashMap<i64, (rusqlite::Statement<'a>, usize)>,
}

impl<'a> Sink<'a> {
    pub(super) fn new(tx: &'a Transaction<'a>) -> Self {
        Self {
            tx,
            inserts: HashMap::new(),
        }
    }
}

impl RecordSink for Sink<'_> {
    fn put(&mut self, table_id: i64, id: i64, values: &[Value]) -> Result<()> {
        if !self.inserts.contains_key(&table_id) {
            let fields = super::defs::fields(self.tx, table_id)?;
            let mut columns = vec!["id".to_string()];
            columns.extend(fields.iter().map(|f| format!("f_{}", f.id)));
            let marks: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
            let sql = format!(
                "INSERT INTO rec_{table_id} ({}) VALUES ({})",
                columns.join(", "),
                marks.join(", ")
            );
            let stmt = self.tx.prepare(&sql).context("preparing an insert")?;
            self.inserts.insert(table_id, (stmt, fields.len()));
        }
        let Some((stmt, width)) = self.inserts.get_mut(&table_id) else {
            return Err(Error::internal("An insert was not prepared."));
        };
        if values.len() != *width {
            return Err(Error::internal(format!(
                "A record of table {table_id} with {} values for {width} fields.",
                values.len()
            )));
        }
        let id_value = Value::Integer(id);
        let params = std::iter::once(SqlValue(&id_value)).chain(values.iter().map(SqlValue));
        stmt.execute(rusqlite::params_from_iter(params))
            .map_err(|e| {
                if is_unique_violation(&e) {
                    Error::invalid(format!("Two records of table {table_id} have the id {id}."))
                } else {
                    Error::internal(format!("Could not write a record: {e}."))
                }
            })?;
        Ok(())
    }
}

/// Writes what `fill` puts in one transaction. The store is new and not
/// yet anyone's environment: it is filled under a rollback journal, which
/// for pages appended to a new file stays small, instead of the WAL, which
/// would take every page twice (into the WAL, then into the file); it
/// goes back to WAL once filled. Nothing is synced until the end, when the
/// file is synced once: a stop before leaves a store no account records,
/// which is discarded or retired.
pub(super) fn load(
    conn: &mut Connection,
    path: &Path,
    fill: &mut dyn FnMut(&mut dyn RecordSink) -> Result<()>,
) -> Result<()> {
    fill_new(conn, path, &mut |tx| fill(&mut Sink::new(tx)))
}

/// Runs `body` in the one transaction that fills a new store, as
/// [`load`] says.
pub(super) fn fill_new(
    conn: &mut Connection,
    path: &Path,
    body: &mut dyn FnMut(&Transaction<'_>) -> Result<()>,
) -> Result<()> {
    let synchronous: i64 = conn
        .query_row("PRAGMA synchronous", [], |r| r.get(0))
        .context("preparing to fill a store")?;
    conn.query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(()))
        .context("preparing to fill a store")?;
    conn.execute_batch("PRAGMA synchronous = OFF; PRAGMA cache_size = -65536;")
        .context("preparing to fill a store")?;
    let filled = (|| {
        let tx = conn.transaction().context("starting a transaction")?;
        body(&tx)?;
        tx.commit().context("committing the records")
    })();
    let back = conn
        .query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
        .and_then(|()| {
            conn.execute_batch(&format!(
                "PRAGMA synchronous = {synchronous}; PRAGMA cache_size = -32768;"
            ))
        })
        .context("finishing filling a store");
    filled.and(back)?;
    std::fs::File::open(path)
        .and_then(|f| f.sync_all())
        .context("writing the filled store to disk")
}
