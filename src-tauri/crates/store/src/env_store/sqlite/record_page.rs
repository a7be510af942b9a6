//! A page of a table's records: sorted by any field, with empty values
//! last, and narrowed by a search in every field.

use super::defs;
use super::records::{row_to_record, select_list};
use crate::Context;
use cutover_core::records::{RecordPage, RecordQuery, MAX_RECORD_PAGE, MAX_SEARCH};
use cutover_core::{Error, Result};
use rusqlite::{params, Connection};

pub(super) fn page(conn: &Connection, table_id: i64, q: &RecordQuery) -> Result<RecordPage> {
    let table = defs::table(conn, table_id)?;
    let order = match q.sort_field_id {
        None => String::new(),
        Some(id) => {
            if !table.fields.iter().any(|f| f.id == id) {
                return Err(Error::invalid(
                    "That sort field is not in this table. Reload the records.",
                ));
            }
            // Empty values last in either direction, then by id for stability.
            format!(
                "f_{id} IS NULL, f_{id} {}, ",
                if q.descending { "DESC" } else { "ASC" }
            )
        }
    };
    let id_dir = if q.descending && q.sort_field_id.is_none() {
        "DESC"
    } else {
        "ASC"
    };
    let columns = select_list(&table.fields);
    let search = q.search.as_deref().map(str::trim).filter(|s| !s.is_empty());
    if search.is_some_and(|s| s.chars().count() > MAX_SEARCH) {
        return Err(Error::invalid(format!(
            "Search for at most {MAX_SEARCH} characters; shorten what you typed."
        )));
    }
    // A value holds the text, in any case (SQLite's LIKE folds ASCII case);
    // % and _ typed by the user are themselves, not wildcards.
    let (filter, pattern) = match search {
        None => (String::new(), String::new()),
        Some(s) => {
            let escaped = s
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            let any: Vec<String> = table
                .fields
                .iter()
                .map(|f| format!("CAST(f_{} AS TEXT) LIKE ?3 ESCAPE '\\'", f.id))
                .collect();
            let any = if any.is_empty() {
                "0".to_string()
            } else {
                any.join(" OR ")
            };
            (format!("WHERE {any}"), format!("%{escaped}%"))
        }
    };
    let sql = format!(
        "SELECT {columns} FROM rec_{table_id} {filter} ORDER BY {order}id {id_dir} LIMIT ?1 OFFSET ?2"
    );
    let mut stmt = conn.prepare(&sql).context("reading records")?;
    let limit = q.limit.clamp(1, MAX_RECORD_PAGE);
    let page_params = params![i64::from(limit), i64::from(q.offset), pattern];
    let used = if search.is_some() { 3 } else { 2 };
    let records = stmt
        .query_map(&page_params[..used], |r| row_to_record(r, &table.fields))
        .context("reading records")?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("reading records")?;
    let in_table: i64 = conn
        .query_row(&format!("SELECT count(*) FROM rec_{table_id}"), [], |r| {
            r.get(0)
        })
        .context("counting records")?;
    let total: i64 = if search.is_some() {
        // Only ?3 is used; SQLite numbers parameters up to the highest.
        conn.query_row(
            &format!("SELECT count(*) FROM rec_{table_id} {filter}"),
            page_params,
            |r| r.get(0),
        )
        .context("counting records")?
    } else {
        in_table
    };
    Ok(RecordPage {
        fields: table.fields,
        records,
        total: total as u32,
        in_table: in_table as u32,
    })
}
