//! A server store's side of moving a whole environment to or from another
//! backend (`env_store::whole`).

use super::schema::{column_type, ident, other_tables};
use super::store::Sink;
use super::{defs, values};
use crate::env_store::whole::{self, Cell, Kind, PlatformTable, WholeSink, OWN_META, PLATFORM};
use crate::env_store::RecordSink;
use crate::Context;
use chrono::{DateTime, Utc};
use cutover_core::definitions::{Definitions, Value};
use cutover_core::Result;
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::ToSql;
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

/// Takes a whole environment into a new server store's transaction.
pub(super) struct Receiver<'a, 'b> {
    pub(super) records: Sink<'a, 'b>,
    pub(super) inserts: HashMap<&'static str, Statement>,
}

impl RecordSink for Receiver<'_, '_> {
    fn put(&mut self, table_id: i64, id: i64, values: &[Value]) -> Result<()> {
        self.records.put(table_id, id, values)
    }
}

impl WholeSink for Receiver<'_, '_> {
    fn platform_row(&mut self, table: &PlatformTable, row: Vec<Cell>) -> Result<()> {
        let doing = "writing the moved environment's definitions";
        let tx = &mut *self.records.tx;
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
        }
        self.records
            .tx
            .batch_execute(&ddl)
            .context("making the moved environment's record tables")
    }
}

/// Fills the new store in `schema` with what `fill` sends, in one
/// transaction; the derived counts are made from the rows that came.
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
            records: Sink::new(&mut tx),
            inserts: HashMap::new(),
        };
        fill(&mut receiver)?;
    }
    tx.batch_execute(
        "DELETE FROM platform_changelog_authors;
         INSERT INTO platform_changelog_authors (author, entries)
             SELECT author, count(*) FROM platform_changelog GROUP BY author",
    )
    .context("counting the moved environment's changelog")?;
    super::schema::restart_identities(&mut tx, schema)?;
    tx.commit().context("committing the moved environment")
}
