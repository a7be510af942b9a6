//! A server store's side of moving a whole environment to or from another
//! backend (`env_store::whole`).

use super::schema::{column_type, ident, other_tables};
use super::{defs, values};
use crate::env_store::whole::{self, Cell, Kind, PlatformTable, WholeSink, OWN_META, PLATFORM};
use crate::env_store::RecordSink;
use crate::Context;
use chrono::{DateTime, Utc};
use cutover_core::definitions::{Definitions, FieldDef, FieldType, Value};
use cutover_core::Result;
use postgres::binary_copy::BinaryCopyInWriter;
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::{ToSql, Type};
use postgres::{Client, IsolationLevel, Row, Statement, Transaction};
use std::collections::HashMap;

const DOING: &str = "reading the environment to move it";

fn cell(row: &Row, i: usize, kind: Kind) -> Result<Cell> {
    Ok(match kind {
        Kind::Int => Cell::Int(row.try_get(i).context(DOING)?),
        Kind::Text => Cell::Text(row.try_get(i).context(DOING)?),
        Kind::OptText => row
            .try_get::<_, Option<String>>(i)
            .context(DOING)?
            .map_or(Cell::Null, Cell::Text),
        Kind::Instant => Cell::Instant(row.try_get::<_, DateTime<Utc>>(i).context(DOING)?),
    })
}

/// Sends everything schema `schema` holds, from one snapshot: a
/// repeatable-read transaction, so other applications write on meanwhile.
pub(super) fn send(client: &mut Client, schema: &str, to: &mut dyn WholeSink) -> Result<()> {
    let mut tx = client
        .build_transaction()
        .isolation_level(IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .context(DOING)?;
    let extensions: Vec<String> = tx
        .query("SELECT name FROM platform_extensions ORDER BY name", &[])
        .context(DOING)?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let definitions = defs::definitions(&mut tx)?;
    let records: Vec<String> = definitions
        .tables
        .iter()
        .map(|t| format!("rec_{}", t.id))
        .collect();
    let scripts: Vec<String> = other_tables(&mut tx, schema)?
        .into_iter()
        .filter(|t| !records.contains(t))
        .collect();
    whole::refuse_what_cannot_move(&extensions, &scripts)?;
    for table in PLATFORM {
        let mut rows = tx
            .query_raw(
                &format!("SELECT {} FROM {}", table.column_list(), table.name),
                std::iter::empty::<i64>(),
            )
            .context(DOING)?;
        while let Some(row) = rows.next().context(DOING)? {
            let mut cells = Vec::with_capacity(table.columns.len());
            for (i, (_, kind)) in table.columns.iter().enumerate() {
                cells.push(cell(&row, i, *kind)?);
            }
            if table.name == "platform_meta" && cells.first() == Some(&Cell::Text(OWN_META.into()))
            {
                continue;
            }
            to.platform_row(table, cells)?;
        }
    }
    to.record_tables(&definitions)?;
    let mut values: Vec<Value> = Vec::new();
    for table in &definitions.tables {
        let columns: Vec<String> = std::iter::once("id".to_string())
            .chain(table.fields.iter().map(|f| format!("f_{}", f.id)))
            .collect();
        let mut rows = tx
            .query_raw(
                &format!(
                    "SELECT {} FROM {} ORDER BY id",
                    columns.join(", "),
                    ident(&format!("rec_{}", table.id))
                ),
                std::iter::empty::<i64>(),
            )
            .context(DOING)?;
        while let Some(row) = rows.next().context(DOING)? {
            values.clear();
            for (i, f) in table.fields.iter().enumerate() {
                values.push(values::read(&row, i + 1, &f.field_type)?);
            }
            to.put(table.id, row.get(0), &values)?;
        }
    }
    tx.commit().context(DOING)
}

/// Records sent to the server at once, in one binary `COPY`: few round
/// trips, and a bounded buffer (about 5 MB of 1 kB records).
const BATCH: usize = 5_000;

/// Takes a whole environment into a new server store's transaction.
pub(super) struct Receiver<'a, 'b> {
    tx: &'a mut Transaction<'b>,
    inserts: HashMap<&'static str, Statement>,
    /// The fields of each record table, as `record_tables` made them.
    fields: HashMap<i64, (String, Vec<FieldDef>)>,
    /// Records of one table not sent yet.
    pending: Option<(i64, Vec<Vec<values::Param>>)>,
}

impl Receiver<'_, '_> {
    fn flush(&mut self) -> Result<()> {
        let Some((table_id, rows)) = self.pending.take() else {
            return Ok(());
        };
        let doing = "writing the moved environment's records";
        let (_, fields) = &self.fields[&table_id];
        let mut columns = vec!["id".to_string()];
        columns.extend(fields.iter().map(|f| format!("f_{}", f.id)));
        let mut types = vec![Type::INT8];
        types.extend(fields.iter().map(|f| pg_type(&f.field_type)));
        let sink = self
            .tx
            .copy_in(&format!(
                "COPY {} ({}) FROM STDIN BINARY",
                ident(&format!("rec_{table_id}")),
                columns.join(", ")
            ))
            .context(doing)?;
        let mut writer = BinaryCopyInWriter::new(sink, &types);
        for row in &rows {
            let refs: Vec<&(dyn ToSql + Sync)> = row.iter().map(|p| p.as_ref()).collect();
            writer.write(&refs).context(doing)?;
        }
        writer.finish().map_err(|e| {
            if e.code() == Some(&postgres::error::SqlState::UNIQUE_VIOLATION) {
                cutover_core::Error::invalid(format!(
                    "Two records of table {table_id} have the same id."
                ))
            } else {
                cutover_core::Error::internal(format!("Could not write records: {e}."))
            }
        })?;
        Ok(())
    }
}

/// The server's type for a column of `field_type` (see
/// [`column_type`]), as binary `COPY` needs it named.
fn pg_type(field_type: &FieldType) -> Type {
    match field_type {
        FieldType::Text | FieldType::Choice { .. } => Type::TEXT,
        FieldType::Number => Type::FLOAT8,
        FieldType::Date => Type::DATE,
        FieldType::Boolean => Type::BOOL,
        FieldType::Link { .. } => Type::INT8,
    }
}

impl RecordSink for Receiver<'_, '_> {
    fn put(&mut self, table_id: i64, id: i64, values: &[Value]) -> Result<()> {
        let Some((table, fields)) = self.fields.get(&table_id) else {
            return Err(cutover_core::Error::internal(format!(
                "A record of table {table_id}, which the moved environment does not have."
            )));
        };
        if values.len() != fields.len() {
            return Err(cutover_core::Error::internal(format!(
                "A record of table {table_id} with {} values for {} fields.",
                values.len(),
                fields.len()
            )));
        }
        let mut row: Vec<values::Param> = vec![Box::new(id)];
        for (v, f) in values.iter().zip(fields) {
            // SQLite keeps whatever a column was given; the server's
            // typed column refuses what does not fit, named for the user.
            row.push(values::param(v, &f.field_type, &f.name).map_err(|e| {
                cutover_core::Error::invalid(format!(
                    "Record {id} of table {table}: {} Correct or delete it where it is, then move again.",
                    e.message
                ))
            })?);
        }
        if self.pending.as_ref().is_some_and(|(t, _)| *t != table_id) {
            self.flush()?;
        }
        let (_, rows) = self.pending.get_or_insert_with(|| (table_id, Vec::new()));
        rows.push(row);
        if rows.len() >= BATCH {
            self.flush()?;
        }
        Ok(())
    }
}

impl WholeSink for Receiver<'_, '_> {
    fn platform_row(&mut self, table: &PlatformTable, row: Vec<Cell>) -> Result<()> {
        let doing = "writing the moved environment's definitions";
        let tx = &mut *self.tx;
        let stmt = match self.inserts.get(table.name) {
            Some(s) => s.clone(),
            None => {
                let marks: Vec<String> = (1..=row.len()).map(|i| format!("${i}")).collect();
                let s = tx
                    .prepare(&format!(
                        "INSERT INTO {} ({}) VALUES ({})",
                        table.name,
                        table.column_list(),
                        marks.join(", ")
                    ))
                    .context(doing)?;
                self.inserts.insert(table.name, s.clone());
                s
            }
        };
        let params: Vec<Box<dyn ToSql + Sync>> = row
            .into_iter()
            .map(|c| -> Box<dyn ToSql + Sync> {
                match c {
                    Cell::Null => Box::new(None::<String>),
                    Cell::Int(i) => Box::new(i),
                    Cell::Text(t) => Box::new(t),
                    Cell::Instant(at) => Box::new(at),
                }
            })
            .collect();
        let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p.as_ref()).collect();
        tx.execute(&stmt, &refs).context(doing)?;
        Ok(())
    }

    fn record_tables(&mut self, definitions: &Definitions) -> Result<()> {
        let mut ddl = String::new();
        for table in &definitions.tables {
            ddl.push_str(&format!(
                "CREATE TABLE {} (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
                ident(&format!("rec_{}", table.id))
            ));
            for f in &table.fields {
                ddl.push_str(&format!(", f_{} {}", f.id, column_type(&f.field_type)));
            }
            ddl.push_str(");\n");
            self.fields
                .insert(table.id, (table.name.clone(), table.fields.clone()));
        }
        self.tx
            .batch_execute(&ddl)
            .context("making the moved environment's record tables")
    }
}

/// Fills the new store in `schema` with what `fill` sends, in one
/// transaction; the changelog's trigger counts the entries that came.
pub(super) fn receive(
    client: &mut Client,
    schema: &str,
    fill: &mut dyn FnMut(&mut dyn WholeSink) -> Result<()>,
) -> Result<()> {
    let doing = "preparing the moved environment";
    let mut tx: Transaction<'_> = client.transaction().context(doing)?;
    tx.execute("DELETE FROM platform_meta WHERE key <> $1", &[&OWN_META])
        .context(doing)?;
    {
        let mut receiver = Receiver {
            tx: &mut tx,
            inserts: HashMap::new(),
            fields: HashMap::new(),
            pending: None,
        };
        fill(&mut receiver)?;
        receiver.flush()?;
    }
    super::schema::restart_identities(&mut tx, schema)?;
    tx.commit().context("committing the moved environment")
}
