//! Record edits and CSV imports, written once for every backend: cells
//! parsed and checked against the field types, links checked by Cutover
//! (a link must point at an existing record, a record others link to
//! cannot be deleted), over the few reads and writes a backend's
//! connection or open transaction offers ([`RecordTx`]).
//!
//! Invariant: an import's accepted rows, and the mark saying it committed
//! (`platform_meta` `import:<id>`), are written in the one transaction the
//! caller commits only when every row was read.

use crate::env_store::CsvRow;
use cutover_core::change::{validate_filter, FilterOp, ViewFilter};
use cutover_core::definitions::{Definitions, FieldDef, FieldType, Record, TableDef, Value};
use cutover_core::error::FieldProblem;
use cutover_core::records::{CellInput, RecordQuery, RejectedRow, MAX_SEARCH};
use cutover_core::value::parse_input;
use cutover_core::{Error, Result};

/// The reads and writes of records that edits and imports need.
pub trait RecordTx {
    fn table(&mut self, id: i64) -> Result<TableDef>;
    fn definitions(&mut self) -> Result<Definitions>;
    /// One record, `None` when there is no such record.
    fn record(&mut self, table_id: i64, fields: &[FieldDef], id: i64) -> Result<Option<Record>>;
    /// Inserts a record with these (field id, value) pairs; returns its id.
    fn insert(&mut self, table: &TableDef, values: &[(i64, Value)]) -> Result<i64>;
    fn update(&mut self, table: &TableDef, id: i64, values: &[(i64, Value)]) -> Result<()>;
    fn delete(&mut self, table_id: i64, id: i64) -> Result<()>;
    /// How many records of `table_id` link to record `id` through `field_id`.
    fn links_to(&mut self, table_id: i64, field_id: i64, id: i64) -> Result<u64>;
    fn meta(&mut self, key: &str) -> Result<Option<String>>;
    fn set_meta(&mut self, key: &str, value: &str) -> Result<()>;
}

fn existing(tx: &mut dyn RecordTx, table: &TableDef, id: i64) -> Result<Record> {
    tx.record(table.id, &table.fields, id)?.ok_or_else(|| {
        Error::not_found(format!("Record {id} no longer exists. Reload the records."))
    })
}

/// Parses typed cells into values, or names every bad cell's problem by
/// its field's name.
pub fn parse_cells(
    tx: &mut dyn RecordTx,
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
            Ok(v) => match link_problem(tx, field, &v) {
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
fn link_problem(tx: &mut dyn RecordTx, field: &FieldDef, v: &Value) -> Option<String> {
    let (FieldType::Link { table_id }, Value::Integer(id)) = (&field.field_type, v) else {
        return None;
    };
    match tx.record(*table_id, &[], *id) {
        Ok(Some(_)) => None,
        _ => Some(format!("there is no record {id} to link to.")),
    }
}

pub fn insert(tx: &mut dyn RecordTx, table_id: i64, cells: &[CellInput]) -> Result<Record> {
    let table = tx.table(table_id)?;
    let values = parse_cells(tx, &table.fields, cells).map_err(Error::invalid_fields)?;
    let id = tx.insert(&table, &values)?;
    existing(tx, &table, id)
}

/// Changes the given fields of a record; the others keep their values.
pub fn update(
    tx: &mut dyn RecordTx,
    table_id: i64,
    record_id: i64,
    cells: &[CellInput],
) -> Result<Record> {
    let table = tx.table(table_id)?;
    existing(tx, &table, record_id)?;
    let values = parse_cells(tx, &table.fields, cells).map_err(Error::invalid_fields)?;
    if !values.is_empty() {
        tx.update(&table, record_id, &values)?;
    }
    existing(tx, &table, record_id)
}

/// Deletes a record no other record links to.
pub fn delete(tx: &mut dyn RecordTx, table_id: i64, record_id: i64) -> Result<()> {
    let table = tx.table(table_id)?;
    existing(tx, &table, record_id)?;
    let mut linked = Vec::new();
    for other in tx.definitions()?.tables {
        for f in &other.fields {
            if f.field_type == (FieldType::Link { table_id }) {
                let n = tx.links_to(other.id, f.id, record_id)?;
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
    tx.delete(table_id, record_id)
}

/// Imports CSV rows into the caller's transaction: a row with a bad cell
/// is rejected with its reason, the others are inserted, and the import is
/// marked committed. An error from `rows` or from `tick` (a cancellation)
/// returns before the mark; the caller then rolls everything back.
pub fn import(
    tx: &mut dyn RecordTx,
    import_id: i64,
    table_id: i64,
    mapping: &[Option<i64>],
    rows: &mut dyn Iterator<Item = Result<CsvRow>>,
    tick: &mut dyn FnMut(u32, &[RejectedRow]) -> Result<()>,
) -> Result<(u32, Vec<RejectedRow>)> {
    let table = tx.table(table_id)?;
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
            match parse_cells(tx, &table.fields, &cells) {
                Ok(values) => {
                    tx.insert(&table, &values)?;
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
    tx.set_meta(&import_key(import_id), &accepted.to_string())?;
    Ok((accepted, rejected))
}

/// A page's ORDER BY list: the sort field with empty values last in
/// either direction, then the id (the only order without a sort field).
pub fn page_order(table: &TableDef, q: &RecordQuery) -> Result<String> {
    match q.sort_field_id {
        None => Ok(format!("id {}", if q.descending { "DESC" } else { "ASC" })),
        Some(id) => {
            if !table.fields.iter().any(|f| f.id == id) {
                return Err(Error::invalid(
                    "That sort field is not in this table. Reload the records.",
                ));
            }
            Ok(format!(
                "f_{id} IS NULL, f_{id} {}, id ASC",
                if q.descending { "DESC" } else { "ASC" }
            ))
        }
    }
}

/// A page's search text, trimmed, if any; refused when too long.
pub fn page_search(q: &RecordQuery) -> Result<Option<&str>> {
    let search = q.search.as_deref().map(str::trim).filter(|s| !s.is_empty());
    if search.is_some_and(|s| s.chars().count() > MAX_SEARCH) {
        return Err(Error::invalid(format!(
            "Search for at most {MAX_SEARCH} characters; shorten what you typed."
        )));
    }
    Ok(search)
}

/// `s` for a LIKE pattern with `ESCAPE '\'`: `%` and `_` typed by the
/// user are themselves, not wildcards.
pub fn like_escaped(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// A records filter's field and its value read as the field's type
/// (`Null` for the operations that take none), or the refusal at the
/// filter's input that is wrong — the value's first, so that a bad value
/// is shown where it was typed.
pub fn checked_filter<'a>(
    filter: &ViewFilter,
    fields: &'a [FieldDef],
) -> Result<(&'a FieldDef, Value)> {
    let field = fields
        .iter()
        .find(|f| f.id == filter.field_id)
        .ok_or_else(|| {
            Error::invalid("The filter's field is not a field of this table.").at_field("filter")
        })?;
    let compared = !matches!(
        filter.op,
        FilterOp::IsEmpty | FilterOp::IsNotEmpty | FilterOp::Contains
    );
    let value = if compared {
        let value = parse_input(&field.field_type, &filter.value)
            .map_err(|why| Error::invalid(why).at_field("value"))?;
        if value == Value::Null {
            return Err(Error::invalid(format!(
                "Type the value {} is compared with, or filter for empty values.",
                field.name
            ))
            .at_field("value"));
        }
        value
    } else {
        Value::Null
    };
    validate_filter(filter, fields).map_err(|e| e.at_field("filter"))?;
    Ok((field, value))
}

fn import_key(import_id: i64) -> String {
    format!("import:{import_id}")
}

/// How many rows import `import_id` committed, if it committed.
pub fn committed_import(tx: &mut dyn RecordTx, import_id: i64) -> Result<Option<u32>> {
    Ok(tx
        .meta(&import_key(import_id))?
        .and_then(|v| v.parse().ok()))
}
