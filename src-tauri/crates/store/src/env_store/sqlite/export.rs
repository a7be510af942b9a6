//! An environment as a standalone SQLite file (docs/environment-file.md):
//! one real table per platform table, named as in Cutover, a column per
//! field with its SQL type and links as foreign keys, and `cutover_*`
//! tables describing apps, fields and views, so that the file reads well
//! in any SQLite tool and comes back into Cutover exactly.
//!
//! Invariant: the file appears only complete and integrity-checked; it is
//! written under a temporary name from one read transaction (a consistent
//! snapshot while the environment stays online).

use super::defs;
use crate::Context;
use cutover_core::definitions::{Definitions, FieldType, TableDef};
use cutover_core::{Error, Result};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The `format` value of an environment file's `cutover_file` table.
pub const FORMAT: &str = "cutover-environment";
pub const FORMAT_VERSION: &str = "1";

/// A field's type in an environment file: links name their table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FileFieldType {
    Text,
    Number,
    Date,
    Boolean,
    Choice { options: Vec<String> },
    Link { table: String },
}

/// A view's filter in an environment file: the field by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileFilter {
    pub field: String,
    pub op: cutover_core::change::FilterOp,
    pub value: String,
}

fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn file_type(t: &FieldType, defs: &Definitions) -> Result<(FileFieldType, String)> {
    Ok(match t {
        FieldType::Text => (FileFieldType::Text, "TEXT".into()),
        FieldType::Number => (FileFieldType::Number, "REAL".into()),
        FieldType::Date => (FileFieldType::Date, "DATE".into()),
        FieldType::Boolean => (FileFieldType::Boolean, "BOOLEAN".into()),
        FieldType::Choice { options } => (
            FileFieldType::Choice {
                options: options.clone(),
            },
            "TEXT".into(),
        ),
        FieldType::Link { table_id } => {
            let target = defs
                .tables
                .iter()
                .find(|t| t.id == *table_id)
                .ok_or_else(|| {
                    Error::internal(format!("A link to table {table_id}, which is gone."))
                })?;
            (
                FileFieldType::Link {
                    table: target.name.clone(),
                },
                format!("INTEGER REFERENCES {} (id)", quote(&target.name)),
            )
        }
    })
}

/// Writes the store on `conn` to `dest` (replaced if it exists), with
/// `about` (key, value) pairs describing where it came from. Records are
/// copied by SQLite itself from the attached store.
pub(super) fn export(conn: &Connection, dest: &Path, about: &[(&str, String)]) -> Result<()> {
    let partial = partial_of(dest);
    conn.execute("ATTACH DATABASE ?1 AS x", [partial.to_string_lossy()])
        .map_err(|e| unwritable(dest, e))?;
    // Links are written as foreign keys, and a table may come before the
    // one it links to: they are not enforced while the file is written.
    conn.execute_batch("PRAGMA foreign_keys = OFF;")
        .context("exporting the environment")?;
    let written = defs::definitions(conn).and_then(|defs| {
        write(conn, "x.", &defs, about, &mut |table, to, from| {
            conn.execute_batch(&format!(
                "INSERT INTO x.{} ({}) SELECT {} FROM main.rec_{} ORDER BY id;",
                quote(&table.name),
                to.join(", "),
                from.join(", "),
                table.id
            ))
            .context("exporting the environment")
        })
    });
    let _ = conn.execute_batch("PRAGMA foreign_keys = ON;");
    let detached = conn
        .execute("DETACH DATABASE x", [])
        .context("finishing the export");
    finish(dest, &partial, written.and(detached).map(|_| ()))
}

/// Fills a table of the file opened on the given connection: the table,
/// then its columns in the file and in the store (`f_<id>`).
pub type RecordsOf<'a> = dyn FnMut(&Connection, &TableDef, &[String], &[String]) -> Result<()> + 'a;

/// Fills a table of the file being written: the table, then its columns
/// in the file and in the store.
type Fill<'a> = dyn FnMut(&TableDef, &[String], &[String]) -> Result<()> + 'a;

/// Writes an environment read from elsewhere (a server) to `dest`:
/// `records` fills each table, given the file's connection, the table, and
/// its columns in the file and in the store (`f_<id>`).
pub fn export_from(
    defs: &Definitions,
    dest: &Path,
    about: &[(&str, String)],
    records: &mut RecordsOf<'_>,
) -> Result<()> {
    let partial = partial_of(dest);
    let written = Connection::open(&partial)
        .map_err(|e| unwritable(dest, e))
        .and_then(|file| {
            file.execute_batch("PRAGMA foreign_keys = OFF; PRAGMA journal_mode = OFF;")
                .context("exporting the environment")?;
            write(&file, "", defs, about, &mut |table, to, from| {
                records(&file, table, to, from)
            })?;
            file.close()
                .map_err(|(_, e)| e)
                .context("finishing the export")
        });
    finish(dest, &partial, written)
}

fn partial_of(dest: &Path) -> PathBuf {
    let mut partial = dest.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let _ = std::fs::remove_file(&partial);
    partial
}

fn unwritable(dest: &Path, e: rusqlite::Error) -> Error {
    Error::invalid(format!(
        "Cannot write {}: {e}. Choose a folder you may write to.",
        dest.display()
    ))
}

/// Checks the written file, makes it durable and puts it in place; on any
/// failure, removes it.
fn finish(dest: &Path, partial: &Path, written: Result<()>) -> Result<()> {
    let result = written.and_then(|_| {
        let check = Connection::open(partial).context("checking the export")?;
        let verdict: String = check
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .context("checking the export")?;
        if verdict != "ok" {
            return Err(Error::internal(format!(
                "The exported file fails SQLite's integrity check: {verdict}."
            )));
        }
        drop(check);
        std::fs::File::open(partial)
            .and_then(|f| f.sync_all())
            .context("writing the export to disk")?;
        std::fs::rename(partial, dest).context("putting the export in place")
    });
    if result.is_err() {
        let _ = std::fs::remove_file(partial);
    }
    result
}

/// Writes the description tables and one table per platform table (under
/// schema prefix `x`, `"x."` or `""`), in one transaction; `fill` copies
/// a table's records given its columns in the file and in the store.
fn write(
    conn: &Connection,
    x: &str,
    defs: &Definitions,
    about: &[(&str, String)],
    fill: &mut Fill<'_>,
) -> Result<()> {
    let doing = "exporting the environment";
    conn.execute_batch(&format!(
        "BEGIN;
         CREATE TABLE {x}cutover_file (key TEXT PRIMARY KEY, value TEXT NOT NULL);
         CREATE TABLE {x}cutover_apps (position INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
         CREATE TABLE {x}cutover_tables (position INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
         CREATE TABLE {x}cutover_app_tables (app TEXT NOT NULL, table_name TEXT NOT NULL, PRIMARY KEY (app, table_name));
         CREATE TABLE {x}cutover_fields (table_name TEXT NOT NULL, field TEXT NOT NULL, position INTEGER NOT NULL,
             field_type TEXT NOT NULL, PRIMARY KEY (table_name, field));
         CREATE TABLE {x}cutover_views (app TEXT NOT NULL, table_name TEXT NOT NULL, name TEXT NOT NULL,
             fields TEXT NOT NULL, filter TEXT, PRIMARY KEY (app, name));"
    ))
    .context(doing)?;
    let result = (|| {
        let mut meta = vec![
            ("format", FORMAT.to_string()),
            ("format_version", FORMAT_VERSION.to_string()),
        ];
        meta.extend(about.iter().map(|(k, v)| (*k, v.clone())));
        for (k, v) in meta {
            conn.execute(
                &format!("INSERT INTO {x}cutover_file (key, value) VALUES (?1, ?2)"),
                params![k, v],
            )
            .context(doing)?;
        }
        let app_name = |id: i64| {
            defs.apps
                .iter()
                .find(|a| a.id == id)
                .map(|a| a.name.clone())
                .unwrap_or_default()
        };
        for (position, app) in defs.apps.iter().enumerate() {
            conn.execute(
                &format!("INSERT INTO {x}cutover_apps (position, name) VALUES (?1, ?2)"),
                params![position as i64, app.name],
            )
            .context(doing)?;
        }
        for (position, table) in defs.tables.iter().enumerate() {
            conn.execute(
                &format!("INSERT INTO {x}cutover_tables (position, name) VALUES (?1, ?2)"),
                params![position as i64, table.name],
            )
            .context(doing)?;
            for app in &table.app_ids {
                conn.execute(
                    &format!("INSERT INTO {x}cutover_app_tables (app, table_name) VALUES (?1, ?2)"),
                    params![app_name(*app), table.name],
                )
                .context(doing)?;
            }
            let mut columns = vec!["id INTEGER PRIMARY KEY".to_string()];
            let mut from = vec!["id".to_string()];
            let mut to = vec!["id".to_string()];
            for (position, f) in table.fields.iter().enumerate() {
                let (ft, sql) = file_type(&f.field_type, defs)?;
                let json = serde_json::to_string(&ft).context(doing)?;
                conn.execute(
                    &format!("INSERT INTO {x}cutover_fields (table_name, field, position, field_type) VALUES (?1, ?2, ?3, ?4)"),
                    params![table.name, f.name, position as i64, json],
                )
                .context(doing)?;
                columns.push(format!("{} {sql}", quote(&f.name)));
                from.push(format!("f_{}", f.id));
                to.push(quote(&f.name));
            }
            conn.execute_batch(&format!(
                "CREATE TABLE {x}{} ({});",
                quote(&table.name),
                columns.join(", ")
            ))
            .context(doing)?;
            fill(table, &to, &from)?;
        }
        for view in &defs.views {
            let table = defs.tables.iter().find(|t| t.id == view.table_id);
            let field = |id: i64| {
                table
                    .and_then(|t| t.fields.iter().find(|f| f.id == id))
                    .map(|f| f.name.clone())
                    .unwrap_or_default()
            };
            let fields: Vec<String> = view.field_ids.iter().map(|id| field(*id)).collect();
            let filter = view
                .filter
                .as_ref()
                .map(|f| {
                    serde_json::to_string(&FileFilter {
                        field: field(f.field_id),
                        op: f.op,
                        value: f.value.clone(),
                    })
                })
                .transpose()
                .context(doing)?;
            conn.execute(
                &format!("INSERT INTO {x}cutover_views (app, table_name, name, fields, filter) VALUES (?1, ?2, ?3, ?4, ?5)"),
                params![
                    app_name(view.app_id),
                    table.map(|t| t.name.clone()).unwrap_or_default(),
                    view.name,
                    serde_json::to_string(&fields).context(doing)?,
                    filter
                ],
            )
            .context(doing)?;
        }
        Ok(())
    })();
    match result {
        Ok(()) => conn.execute_batch("COMMIT;").context(doing),
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK;");
            Err(e)
        }
    }
}
