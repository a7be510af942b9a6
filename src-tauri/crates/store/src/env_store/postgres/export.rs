//! An environment on a server written as a standalone SQLite file on this
//! computer (docs/environment-file.md), the same file the SQLite store
//! writes: its rows are streamed from one snapshot of the server, a table
//! at a time, never held in memory whole.

use super::schema::ident;
use super::{defs, values};
use crate::env_store::sqlite::export::export_from;
use crate::Context;
use cutover_core::definitions::Value;
use cutover_core::Result;
use postgres::fallible_iterator::FallibleIterator;
use postgres::{Client, IsolationLevel};
use rusqlite::types::Value as Cell;
use std::path::Path;

fn cell(v: Value) -> Cell {
    match v {
        Value::Null => Cell::Null,
        Value::Bool(b) => Cell::Integer(i64::from(b)),
        Value::Integer(i) => Cell::Integer(i),
        Value::Number(n) => Cell::Real(n),
        Value::Text(t) => Cell::Text(t),
    }
}

pub(super) fn export(client: &mut Client, dest: &Path, about: &[(&str, String)]) -> Result<()> {
    let doing = "exporting the environment";
    let mut tx = client
        .build_transaction()
        .isolation_level(IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .context(doing)?;
    let definitions = defs::definitions(&mut tx)?;
    export_from(&definitions, dest, about, &mut |file, table, to, from| {
        let marks: Vec<String> = (1..=to.len()).map(|i| format!("?{i}")).collect();
        let mut insert = file
            .prepare(&format!(
                "INSERT INTO \"{}\" ({}) VALUES ({})",
                table.name.replace('"', "\"\""),
                to.join(", "),
                marks.join(", ")
            ))
            .context(doing)?;
        let mut rows = tx
            .query_raw(
                &format!(
                    "SELECT {} FROM {} ORDER BY id",
                    from.join(", "),
                    ident(&format!("rec_{}", table.id))
                ),
                std::iter::empty::<i64>(),
            )
            .context(doing)?;
        while let Some(row) = rows.next().context(doing)? {
            let mut cells = vec![Cell::Integer(row.get::<_, i64>(0))];
            for (i, f) in table.fields.iter().enumerate() {
                cells.push(cell(values::read(&row, i + 1, &f.field_type)?));
            }
            insert
                .execute(rusqlite::params_from_iter(cells))
                .context(doing)?;
        }
        Ok(())
    })
}
