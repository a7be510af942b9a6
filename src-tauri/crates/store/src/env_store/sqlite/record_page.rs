//! A page of a table's records: sorted by any field, with empty values
//! last, and narrowed by a search in every field and by a filter on one
//! field (the operations of a view's filter).

use super::defs;
use super::records::{row_to_record, select_list};
use super::store::SqlValue;
use crate::env_store::edits::{checked_filter, like_escaped, page_order, page_search};
use crate::Context;
use cutover_core::change::{FilterOp, ViewFilter};
use cutover_core::definitions::{FieldDef, FieldType, Value};
use cutover_core::records::{RecordPage, RecordQuery, MAX_RECORD_PAGE};
use cutover_core::Result;
use rusqlite::{Connection, ToSql};

pub(super) fn page(conn: &Connection, table_id: i64, q: &RecordQuery) -> Result<RecordPage> {
    let table = defs::table(conn, table_id)?;
    let order = page_order(&table, q)?;
    let columns = select_list(&table.fields);
    let search = page_search(q)?;
    // Conditions bind their values from ?3 on (?1 and ?2 are the page).
    let mut conditions: Vec<String> = Vec::new();
    let mut bound: Vec<Value> = Vec::new();
    if let Some(s) = search {
        // A value holds the text, in any case (SQLite's LIKE folds ASCII
        // case); % and _ typed by the user are themselves, not wildcards.
        bound.push(Value::Text(format!("%{}%", like_escaped(s))));
        let n = bound.len() + 2;
        let any: Vec<String> = table
            .fields
            .iter()
            .map(|f| format!("CAST(f_{} AS TEXT) LIKE ?{n} ESCAPE '\\'", f.id))
            .collect();
        conditions.push(if any.is_empty() {
            "0".to_string()
        } else {
            format!("({})", any.join(" OR "))
        });
    }
    if let Some(filter) = &q.filter {
        conditions.push(filter_condition(filter, &table.fields, &mut bound)?);
    }
    let filter = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    let sql = format!(
        "SELECT {columns} FROM rec_{table_id} {filter} ORDER BY {order} LIMIT ?1 OFFSET ?2"
    );
    let mut stmt = conn.prepare(&sql).context("reading records")?;
    let limit = q.limit.clamp(1, MAX_RECORD_PAGE);
    let bound: Vec<SqlValue> = bound.iter().map(SqlValue).collect();
    let mut page_params: Vec<&dyn ToSql> = vec![&limit, &q.offset];
    page_params.extend(bound.iter().map(|b| b as &dyn ToSql));
    let records = stmt
        .query_map(&page_params[..], |r| row_to_record(r, &table.fields))
        .context("reading records")?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("reading records")?;
    let in_table: i64 = conn
        .query_row(&format!("SELECT count(*) FROM rec_{table_id}"), [], |r| {
            r.get(0)
        })
        .context("counting records")?;
    let total: i64 = if conditions.is_empty() {
        in_table
    } else {
        // The same numbering: SQLite counts parameters up to the highest
        // used, so ?1 and ?2 are bound but unused when values follow them.
        let count_params: &[&dyn ToSql] = if bound.is_empty() {
            &[]
        } else {
            &page_params[..]
        };
        conn.query_row(
            &format!("SELECT count(*) FROM rec_{table_id} {filter}"),
            count_params,
            |r| r.get(0),
        )
        .context("counting records")?
    };
    Ok(RecordPage {
        fields: table.fields,
        records,
        total: total as u32,
        in_table: in_table as u32,
    })
}

/// The SQL condition of a filter on one field, its value read as the
/// field's type (a bad value is refused at the filter's value input).
fn filter_condition(
    filter: &ViewFilter,
    fields: &[FieldDef],
    bound: &mut Vec<Value>,
) -> Result<String> {
    let (field, value) = checked_filter(filter, fields)?;
    let column = format!("f_{}", field.id);
    let n = bound.len() + 3;
    Ok(match filter.op {
        FilterOp::IsEmpty => format!("{column} IS NULL"),
        FilterOp::IsNotEmpty => format!("{column} IS NOT NULL"),
        FilterOp::Contains => {
            bound.push(Value::Text(format!(
                "%{}%",
                like_escaped(filter.value.trim())
            )));
            format!("{column} LIKE ?{n} ESCAPE '\\'")
        }
        op => {
            // Text and choices compare ignoring case, as search does.
            let collate = match field.field_type {
                FieldType::Text | FieldType::Choice { .. } => " COLLATE NOCASE",
                _ => "",
            };
            bound.push(value);
            match op {
                FilterOp::Equals => format!("{column} = ?{n}{collate}"),
                FilterOp::NotEquals => {
                    format!("({column} IS NULL OR {column} <> ?{n}{collate})")
                }
                FilterOp::GreaterThan => format!("{column} > ?{n}{collate}"),
                _ => format!("{column} < ?{n}{collate}"),
            }
        }
    })
}
