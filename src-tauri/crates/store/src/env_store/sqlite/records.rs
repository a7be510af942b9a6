//! Records of a SQLite store: the reads and writes `env_store::edits`
//! makes for record edits and CSV imports (pages are read in
//! `record_page.rs`).

use super::defs;
use super::store::{read_value, SqlValue};
use crate::env_store::edits::RecordTx;
use crate::Context;
use cutover_core::definitions::{Definitions, FieldDef, Record, TableDef, Value};
use cutover_core::Result;
use rusqlite::{params_from_iter, Connection, OptionalExtension};

/// Reads one record through the table's definitions: fails if a field has
/// no column. Costs the same whatever the table's size.
pub(super) fn probe(conn: &Connection, table: &cutover_core::definitions::TableDef) -> Result<()> {
    conn.query_row(
        &format!(
            "SELECT {} FROM rec_{} LIMIT 1",
            select_list(&table.fields),
            table.id
        ),
        [],
        |_| Ok(()),
    )
    .optional()
    .context("reading a record table")?;
    Ok(())
}

pub(super) fn select_list(fields: &[FieldDef]) -> String {
    std::iter::once("id".to_string())
        .chain(fields.iter().map(|f| format!("f_{}", f.id)))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn row_to_record(
    r: &rusqlite::Row<'_>,
    fields: &[FieldDef],
) -> rusqlite::Result<Record> {
    let mut values = Vec::with_capacity(fields.len());
    for (i, f) in fields.iter().enumerate() {
        values.push(read_value(r.get_ref(i + 1)?, &f.field_type));
    }
    Ok(Record {
        id: r.get(0)?,
        values,
    })
}

/// A SQLite connection (or open transaction) as `env_store::edits` reads
/// and writes records through it.
pub(super) struct Rows<'a>(pub &'a Connection);

impl RecordTx for Rows<'_> {
    fn table(&mut self, id: i64) -> Result<TableDef> {
        defs::table(self.0, id)
    }

    fn definitions(&mut self) -> Result<Definitions> {
        defs::definitions(self.0)
    }

    fn record(&mut self, table_id: i64, fields: &[FieldDef], id: i64) -> Result<Option<Record>> {
        self.0
            .query_row(
                &format!(
                    "SELECT {} FROM rec_{table_id} WHERE id = ?1",
                    select_list(fields)
                ),
                [id],
                |r| row_to_record(r, fields),
            )
            .optional()
            .context("reading a record")
    }

    fn insert(&mut self, table: &TableDef, values: &[(i64, Value)]) -> Result<i64> {
        let table_id = table.id;
        let sql = if values.is_empty() {
            format!("INSERT INTO rec_{table_id} DEFAULT VALUES")
        } else {
            let cols: Vec<String> = values.iter().map(|(f, _)| format!("f_{f}")).collect();
            let marks: Vec<String> = (1..=values.len()).map(|i| format!("?{i}")).collect();
            format!(
                "INSERT INTO rec_{table_id} ({}) VALUES ({})",
                cols.join(", "),
                marks.join(", ")
            )
        };
        let mut stmt = self.0.prepare_cached(&sql).context("adding a record")?;
        stmt.execute(params_from_iter(values.iter().map(|(_, v)| SqlValue(v))))
            .context("adding a record")?;
        Ok(self.0.last_insert_rowid())
    }

    fn update(&mut self, table: &TableDef, id: i64, values: &[(i64, Value)]) -> Result<()> {
        let sets: Vec<String> = values
            .iter()
            .enumerate()
            .map(|(i, (f, _))| format!("f_{f} = ?{}", i + 2))
            .collect();
        let params: Vec<SqlValue> = values.iter().map(|(_, v)| SqlValue(v)).collect();
        let mut stmt = self
            .0
            .prepare(&format!(
                "UPDATE rec_{} SET {} WHERE id = ?1",
                table.id,
                sets.join(", ")
            ))
            .context("saving a record")?;
        let id = Value::Integer(id);
        stmt.execute(params_from_iter(
            std::iter::once(SqlValue(&id)).chain(params),
        ))
        .context("saving a record")?;
        Ok(())
    }

    fn delete(&mut self, table_id: i64, id: i64) -> Result<()> {
        self.0
            .execute(&format!("DELETE FROM rec_{table_id} WHERE id = ?1"), [id])
            .context("deleting a record")?;
        Ok(())
    }

    fn links_to(&mut self, table_id: i64, field_id: i64, id: i64) -> Result<u64> {
        let n: i64 = self
            .0
            .query_row(
                &format!("SELECT count(*) FROM rec_{table_id} WHERE f_{field_id} = ?1"),
                [id],
                |r| r.get(0),
            )
            .context("checking links")?;
        Ok(n as u64)
    }

    fn meta(&mut self, key: &str) -> Result<Option<String>> {
        self.0
            .query_row(
                "SELECT value FROM platform_meta WHERE key = ?1",
                [key],
                |r| r.get(0),
            )
            .optional()
            .context("reading the store's settings")
    }

    fn set_meta(&mut self, key: &str, value: &str) -> Result<()> {
        self.0
            .execute(
                "INSERT INTO platform_meta (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [key, value],
            )
            .context("recording a store setting")?;
        Ok(())
    }
}
