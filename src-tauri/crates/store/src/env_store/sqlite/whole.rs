//! A SQLite store's side of moving a whole environment to or from another
//! backend (`env_store::whole`).

use super::model::Sink;
use super::store::read_value;
use crate::control::fault::column;
use crate::env_store::whole::{self, Cell, Kind, PlatformTable, WholeSink, OWN_META, PLATFORM};
use crate::env_store::RecordSink;
use crate::Context;
use chrono::{DateTime, Utc};
use cutover_core::definitions::{Definitions, Value};
use cutover_core::Result;
use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, ToSql, Transaction};

const DOING: &str = "reading the environment to move it";

/// Tables that are neither the platform's, SQLite's nor a record table:
/// made by a package's script.
fn script_tables(conn: &Connection) -> Result<Vec<String>> {
    column(
        conn,
        "SELECT name FROM sqlite_master WHERE type = 'table'
           AND name NOT LIKE 'platform\\_%' ESCAPE '\\'
           AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
           AND NOT (name LIKE 'rec\\_%' ESCAPE '\\' AND substr(name, 5) GLOB '[0-9]*'
                    AND CAST(substr(name, 5) AS INTEGER) IN (SELECT id FROM platform_tables))
         ORDER BY name",
        [],
        DOING,
    )
}

fn cell(v: ValueRef<'_>, kind: Kind) -> Result<Cell> {
    Ok(match (v, kind) {
        (ValueRef::Null, _) => Cell::Null,
        (ValueRef::Integer(i), Kind::Int) => Cell::Int(i),
        (ValueRef::Text(t), Kind::Instant) => {
            let text = String::from_utf8_lossy(t);
            // As rusqlite's chrono support writes it ("%F %T%.f%:z").
            let at = DateTime::parse_from_str(&text, "%F %T%.f%:z")
                .or_else(|_| DateTime::parse_from_rfc3339(&text))
                .map_err(|e| {
                    cutover_core::Error::internal(format!(
                        "An instant \"{text}\" is unreadable: {e}."
                    ))
                })?;
            Cell::Instant(at.with_timezone(&Utc))
        }
        (ValueRef::Text(t), _) => Cell::Text(String::from_utf8_lossy(t).into_owned()),
        (other, _) => {
            return Err(cutover_core::Error::internal(format!(
                "A platform value of type {:?} where {kind:?} belongs.",
                other.data_type()
            )))
        }
    })
}

/// Sends everything `conn` holds, from one read transaction.
pub(super) fn send(conn: &Connection, to: &mut dyn WholeSink) -> Result<()> {
    let tx = conn.unchecked_transaction().context(DOING)?;
    let extensions: Vec<String> = column(
        &tx,
        "SELECT name FROM platform_extensions ORDER BY name",
        [],
        DOING,
    )?;
    whole::refuse_what_cannot_move(&extensions, &script_tables(&tx)?)?;
    for table in PLATFORM {
        let mut stmt = tx
            .prepare(&format!(
                "SELECT {} FROM {}",
                table.column_list(),
                table.name
            ))
            .context(DOING)?;
        let mut rows = stmt.query([]).context(DOING)?;
        while let Some(row) = rows.next().context(DOING)? {
            let mut cells = Vec::with_capacity(table.columns.len());
            for (i, (_, kind)) in table.columns.iter().enumerate() {
                cells.push(cell(row.get_ref(i).context(DOING)?, *kind)?);
            }
            if table.name == "platform_meta" && cells.first() == Some(&Cell::Text(OWN_META.into()))
            {
                continue;
            }
            to.platform_row(table, cells)?;
        }
    }
    let definitions = super::defs::definitions(&tx)?;
    to.record_tables(&definitions)?;
    for table in &definitions.tables {
        let columns: Vec<String> = std::iter::once("id".to_string())
            .chain(table.fields.iter().map(|f| format!("f_{}", f.id)))
            .collect();
        let mut stmt = tx
            .prepare(&format!(
                "SELECT {} FROM rec_{} ORDER BY id",
                columns.join(", "),
                table.id
            ))
            .context(DOING)?;
        let mut rows = stmt.query([]).context(DOING)?;
        let mut values: Vec<Value> = Vec::with_capacity(table.fields.len());
        while let Some(row) = rows.next().context(DOING)? {
            values.clear();
            for (i, f) in table.fields.iter().enumerate() {
                values.push(read_value(
                    row.get_ref(i + 1).context(DOING)?,
                    &f.field_type,
                ));
            }
            to.put(table.id, row.get(0).context(DOING)?, &values)?;
        }
    }
    Ok(())
}

struct Param<'a>(&'a Cell);

impl ToSql for Param<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        match self.0 {
            Cell::Null => Ok(ToSqlOutput::Owned(rusqlite::types::Value::Null)),
            Cell::Int(i) => Ok(ToSqlOutput::Owned((*i).into())),
            Cell::Text(t) => Ok(ToSqlOutput::Borrowed(ValueRef::Text(t.as_bytes()))),
            Cell::Instant(at) => at.to_sql(),
        }
    }
}

/// Takes a whole environment into a new SQLite store's transaction.
pub(super) struct Receiver<'a> {
    pub(super) tx: &'a Transaction<'a>,
    pub(super) records: Sink<'a>,
}

impl RecordSink for Receiver<'_> {
    fn put(&mut self, table_id: i64, id: i64, values: &[Value]) -> Result<()> {
        self.records.put(table_id, id, values)
    }
}

impl WholeSink for Receiver<'_> {
    fn platform_row(&mut self, table: &PlatformTable, row: Vec<Cell>) -> Result<()> {
        let doing = "writing the moved environment's definitions";
        let marks: Vec<String> = (1..=row.len()).map(|i| format!("?{i}")).collect();
        let mut stmt = self
            .tx
            .prepare_cached(&format!(
                "INSERT INTO {} ({}) VALUES ({})",
                table.name,
                table.column_list(),
                marks.join(", ")
            ))
            .context(doing)?;
        stmt.execute(rusqlite::params_from_iter(row.iter().map(Param)))
            .context(doing)?;
        Ok(())
    }

    fn record_tables(&mut self, definitions: &Definitions) -> Result<()> {
        for table in &definitions.tables {
            let mut ddl = format!("CREATE TABLE rec_{} (id INTEGER PRIMARY KEY", table.id);
            for f in &table.fields {
                ddl.push_str(&format!(", f_{} {}", f.id, f.field_type.sql_type()));
            }
            ddl.push_str(");");
            self.tx
                .execute_batch(&ddl)
                .context("making the moved environment's record tables")?;
            super::counts::keep_count(self.tx, table.id)?;
        }
        Ok(())
    }
}

/// Clears what a new store's making wrote in `platform_meta` but its own
/// schema version, for the source's rows.
pub(super) fn clear_meta(tx: &Transaction<'_>) -> Result<()> {
    tx.execute("DELETE FROM platform_meta WHERE key <> ?1", [OWN_META])
        .context("preparing the moved environment")?;
    Ok(())
}
