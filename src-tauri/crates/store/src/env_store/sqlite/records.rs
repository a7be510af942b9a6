//! Records of a SQLite store: single-record edits checked against the
//! field types, and the one-transaction insert behind a CSV import (pages
//! are read in `record_page.rs`).
//!
//! Links are checked here, not by foreign keys (see `store.rs`): a link must
//! point at an existing record, and a record others link to cannot be
//! deleted.

use super::defs;
use super::store::{read_value, SqlValue};
use crate::env_store::CsvRow;
use crate::Context;
use cutover_core::definitions::{FieldDef, FieldType, Record, Value};
use cutover_core::error::FieldProblem;
use cutover_core::records::{CellInput, RejectedRow};
use cutover_core::value::parse_input;
use cutover_core::{Error, Result};
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

fn record(conn: &Connection, table_id: i64, fields: &[FieldDef], id: i64) -> Result<Record> {
    conn.query_row(
        &format!(
            "SELECT {} FROM rec_{table_id} WHERE id = ?1",
            select_list(fields)
        ),
        [id],
        |r| row_to_record(r, fields),
    )
    .optional()
    .context("reading a record")?
    .ok_or_else(|| Error::not_found(format!("Record {id} no longer exists. Reload the records.")))
}

/// Parses typed cells into values, or names every bad cell's problem by
/// its field's name.
pub(super) fn parse_cells(
    conn: &Connection,
    fields: &[FieldDef],
    cells: &[CellInput],
) -> Result<Vec<(i64, Value)>, Vec<FieldProblem>> {
    let mut out = Vec::with_capacity(cells.len());
    let mut problems = Vec::new();
    let problem = |field: String, message: String| FieldProblem { field, message };
    for cell in cells {
        let Some(field) = fields.iter().find(|f| f.id == cell.field_id) else {
            problems.push(problem(
                format!("field {}", cell.field_id),
                "is not in this table.".into(),
            ));
            continue;
        };
        match parse_input(&field.field_type, &cell.text) {
            Ok(v) => match link_problem(conn, field, &v) {
                Some(p) => problems.push(problem(field.name.clone(), p)),
                None => out.push((field.id, v)),
            },
            Err(why) => problems.push(problem(field.name.clone(), why)),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// Why a link value points nowhere, if it does.
fn link_problem(conn: &Connection, field: &FieldDef, v: &Value) -> Option<String> {
    let (FieldType::Link { table_id }, Value::Integer(id)) = (&field.field_type, v) else {
        return None;
    };
    let found: rusqlite::Result<Option<i64>> = conn
        .query_row(
            &format!("SELECT id FROM rec_{table_id} WHERE id = ?1"),
            [id],
            |r| r.get(0),
        )
        .optional();
    match found {
        Ok(Some(_)) => None,
        _ => Some(format!("there is no record {id} to link to.")),
    }
}

pub(super) fn insert(conn: &Connection, table_id: i64, cells: &[CellInput]) -> Result<Record> {
    let table = defs::table(conn, table_id)?;
    let values = parse_cells(conn, &table.fields, cells).map_err(Error::invalid_fields)?;
    let id = insert_values(conn, table_id, &values)?;
    record(conn, table_id, &table.fields, id)
}

pub(super) fn insert_values(
    conn: &Connection,
    table_id: i64,
    values: &[(i64, Value)],
) -> Result<i64> {
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
    let mut stmt = conn.prepare_cached(&sql).context("adding a record")?;
    stmt.execute(params_from_iter(values.iter().map(|(_, v)| SqlValue(v))))
        .context("adding a record")?;
    Ok(conn.last_insert_rowid())
}

pub(super) fn update(
    conn: &Connection,
    table_id: i64,
    record_id: i64,
    cells: &[CellInput],
) -> Result<Record> {
    let table = defs::table(conn, table_id)?;
    record(conn, table_id, &table.fields, record_id)?;
    let values = parse_cells(conn, &table.fields, cells).map_err(Error::invalid_fields)?;
    if !values.is_empty() {
        let sets: Vec<String> = values
            .iter()
            .enumerate()
            .map(|(i, (f, _))| format!("f_{f} = ?{}", i + 2))
            .collect();
        let params: Vec<SqlValue> = values.iter().map(|(_, v)| SqlValue(v)).collect();
        let mut stmt = conn
            .prepare(&format!(
                "UPDATE rec_{table_id} SET {} WHERE id = ?1",
                sets.join(", ")
            ))
            .context("saving a record")?;
        let id = Value::Integer(record_id);
        stmt.execute(params_from_iter(
            std::iter::once(SqlValue(&id)).chain(params),
        ))
        .context("saving a record")?;
    }
    record(conn, table_id, &table.fields, record_id)
}

pub(super) fn delete(conn: &Connection, table_id: i64, record_id: i64) -> Result<()> {
    let table = defs::table(conn, table_id)?;
    record(conn, table_id, &table.fields, record_id)?;
    let defs = defs::definitions(conn)?;
    let mut linked = Vec::new();
    for other in &defs.tables {
        for f in &other.fields {
            if f.field_type == (FieldType::Link { table_id }) {
                let n: i64 = conn
                    .query_row(
                        &format!(
                            "SELECT count(*) FROM rec_{} WHERE f_{} = ?1",
                            other.id, f.id
                        ),
                        [record_id],
                        |r| r.get(0),
                    )
                    .context("checking links")?;
                if n > 0 {
                    linked.push(format!("{n} in {} ({})", other.name, f.name));
                }
            }
        }
    }
    if !linked.is_empty() {
        return Err(Error::conflict(format!(
            "Record {record_id} is linked from other records: {}. Change those links first.",
            linked.join(", ")
        )));
    }
    conn.execute(
        &format!("DELETE FROM rec_{table_id} WHERE id = ?1"),
        [record_id],
    )
    .context("deleting a record")?;
    Ok(())
}

/// Imports CSV rows in one transaction: a row with a bad cell is rejected
/// with its reason, the others are inserted. Commits only when every row
/// has been read; an error from `rows` or from `tick` (a cancellation)
/// rolls everything back.
pub(super) fn import(
    conn: &mut Connection,
    import_id: i64,
    table_id: i64,
    mapping: &[Option<i64>],
    rows: &mut dyn Iterator<Item = Result<CsvRow>>,
    tick: &mut dyn FnMut(u32, &[RejectedRow]) -> Result<()>,
) -> Result<(u32, Vec<RejectedRow>)> {
    let tx = conn.transaction().context("starting an import")?;
    let table = defs::table(&tx, table_id)?;
    for id in mapping.iter().flatten() {
        if !table.fields.iter().any(|f| f.id == *id) {
            return Err(Error::invalid(format!(
                "A column is mapped to field {id}, which is not in \"{}\". Map it again.",
                table.name
            )));
        }
    }
    if mapping.iter().all(Option::is_none) {
        return Err(Error::invalid(
            "Map at least one column to a field before importing.",
        ));
    }
    let mut accepted = 0u32;
    let mut rejected = Vec::new();
    for row in rows {
        let row = row?;
        if row.cells.len() != mapping.len() {
            rejected.push(RejectedRow {
                line: row.line,
                reason: format!(
                    "It has {} columns; the header has {}.",
                    row.cells.len(),
                    mapping.len()
                ),
            });
        } else {
            let cells: Vec<CellInput> = mapping
                .iter()
                .zip(row.cells)
                .filter_map(|(f, text)| f.map(|field_id| CellInput { field_id, text }))
                .collect();
            match parse_cells(&tx, &table.fields, &cells) {
                Ok(values) => {
                    insert_values(&tx, table_id, &values)?;
                    accepted += 1;
                }
                Err(problems) => rejected.push(RejectedRow {
                    line: row.line,
                    reason: Error::invalid_fields(problems).message,
                }),
            }
        }
        tick(accepted, &rejected)?;
    }
    tx.execute(
        "INSERT INTO platform_meta (key, value) VALUES (?1, ?2)",
        rusqlite::params![import_key(import_id), accepted.to_string()],
    )
    .context("marking the import committed")?;
    tx.commit().context("committing the import")?;
    Ok((accepted, rejected))
}

fn import_key(import_id: i64) -> String {
    format!("import:{import_id}")
}

pub(super) fn committed_import(conn: &Connection, import_id: i64) -> Result<Option<u32>> {
    let v: Option<String> = conn
        .query_row(
            "SELECT value FROM platform_meta WHERE key = ?1",
            [import_key(import_id)],
            |r| r.get(0),
        )
        .optional()
        .context("reading an import's outcome")?;
    Ok(v.and_then(|v| v.parse().ok()))
}
