//! Making tables (one, from the designer's first version of a table, or a
//! whole model, from a source database) and filling a new store.
//!
//! Invariant: a table's definition rows and its record table `rec_<id>`
//! are made in the caller's transaction, so neither exists without the
//! other.

use super::store::SqlValue;
use crate::control::fault::is_unique_violation;
use crate::env_store::{ModelField, ModelTable, RecordSink};
use crate::Context;
use cutover_core::change::validate_entity_name;
use cutover_core::definitions::{AppDef, FieldDef, FieldType, TableDef, Value};
use cutover_core::{Error, Result};
use rusqlite::{params, Connection, Transaction};
use std::collections::HashMap;
use std::path::Path;

/// Makes `tables` within `tx`, each in the apps of `app_ids` its `apps`
/// name by place: every table's row first, so that links can name any of
/// them (themselves included), then fields and record tables.
pub(super) fn make_tables(
    tx: &Transaction<'_>,
    app_ids: &[i64],
    tables: &[ModelTable],
) -> Result<Vec<TableDef>> {
    let mut made = Vec::new();
    for table in tables {
        let app_ids: Vec<i64> = table
            .apps
            .iter()
            .filter_map(|i| app_ids.get(*i).copied())
            .collect();
        if app_ids.is_empty() || app_ids.len() != table.apps.len() {
            return Err(Error::invalid("A table must belong to at least one app."));
        }
        let name = validate_entity_name("table", &table.name)?;
        if let Err(e) = tx.execute("INSERT INTO platform_tables (name) VALUES (?1)", [&name]) {
            return if is_unique_violation(&e) {
                Err(Error::conflict(format!(
                    "A table named \"{name}\" already exists; share it instead of creating another."
                )))
            } else {
                Err(e).context("creating a table")
            };
        }
        let table_id = tx.last_insert_rowid();
        for app_id in &app_ids {
            tx.execute(
                "INSERT INTO platform_app_tables (app_id, table_id) VALUES (?1, ?2)",
                params![app_id, table_id],
            )
            .map_err(|_| Error::not_found(format!("There is no app {app_id}.")))?;
        }
        made.push(TableDef {
            id: table_id,
            name,
            app_ids,
            fields: Vec::new(),
        });
    }
    for (n, table) in tables.iter().enumerate() {
        let table_id = made[n].id;
        let mut columns = vec!["id INTEGER PRIMARY KEY".to_string()];
        for (position, (field_name, field)) in table.fields.iter().enumerate() {
            let field_name = validate_entity_name("field", field_name)?;
            let field_type = match field {
                ModelField::Plain(t) => t.clone(),
                ModelField::LinkTo(i) => FieldType::Link {
                    table_id: made
                        .get(*i)
                        .ok_or_else(|| {
                            Error::internal(format!("A link to table {i} of {}.", made.len()))
                        })?
                        .id,
                },
            };
            let json = serde_json::to_string(&field_type).context("encoding a field type")?;
            match tx.execute(
                "INSERT INTO platform_fields (table_id, name, field_type, position) VALUES (?1, ?2, ?3, ?4)",
                params![table_id, field_name, json, position as i64],
            ) {
                Ok(_) => {}
                Err(e) if is_unique_violation(&e) => {
                    return Err(Error::conflict(format!(
                        "Table \"{}\" has two fields named \"{field_name}\".",
                        made[n].name
                    )))
                }
                Err(e) => return Err(e).context("creating a field"),
            }
            let id = tx.last_insert_rowid();
            // Links are checked by Cutover, not declared as foreign keys:
            // SQLite cannot drop or retype a column that is one.
            columns.push(format!("f_{id} {}", field_type.sql_type()));
            made[n].fields.push(FieldDef {
                id,
                table_id,
                name: field_name,
                field_type,
            });
        }
        tx.execute_batch(&format!(
            "CREATE TABLE rec_{table_id} ({});",
            columns.join(", ")
        ))
        .context("creating a record table")?;
    }
    Ok(made)
}

/// Makes apps and their tables in one transaction.
pub(super) fn create_model(
    conn: &mut Connection,
    apps: &[String],
    tables: &[ModelTable],
) -> Result<(Vec<AppDef>, Vec<TableDef>)> {
    let tx = conn.transaction().context("starting a transaction")?;
    let mut made_apps = Vec::new();
    for app in apps {
        let app = validate_entity_name("app", app)?;
        tx.execute("INSERT INTO platform_apps (name) VALUES (?1)", [&app])
            .map_err(|e| {
                if is_unique_violation(&e) {
                    Error::conflict(format!("An app named \"{app}\" already exists."))
                } else {
                    Error::internal(format!("Could not create the app: {e}."))
                }
            })?;
        made_apps.push(AppDef {
            id: tx.last_insert_rowid(),
            name: app,
        });
    }
    let ids: Vec<i64> = made_apps.iter().map(|a| a.id).collect();
    let made = make_tables(&tx, &ids, tables)?;
    tx.commit().context("committing a new model")?;
    Ok((made_apps, made))
}

struct Sink<'a> {
    tx: &'a Transaction<'a>,
    /// The insert statement of each table and how many values it takes,
    /// prepared once.
    inserts: HashMap<i64, (rusqlite::Statement<'a>, usize)>,
}

impl RecordSink for Sink<'_> {
    fn put(&mut self, table_id: i64, id: i64, values: &[Value]) -> Result<()> {
        if !self.inserts.contains_key(&table_id) {
            let fields = super::defs::fields(self.tx, table_id)?;
            let mut columns = vec!["id".to_string()];
            columns.extend(fields.iter().map(|f| format!("f_{}", f.id)));
            let marks: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
            let sql = format!(
                "INSERT INTO rec_{table_id} ({}) VALUES ({})",
                columns.join(", "),
                marks.join(", ")
            );
            let stmt = self.tx.prepare(&sql).context("preparing an insert")?;
            self.inserts.insert(table_id, (stmt, fields.len()));
        }
        let Some((stmt, width)) = self.inserts.get_mut(&table_id) else {
            return Err(Error::internal("An insert was not prepared."));
        };
        if values.len() != *width {
            return Err(Error::internal(format!(
                "A record of table {table_id} with {} values for {width} fields.",
                values.len()
            )));
        }
        let id_value = Value::Integer(id);
        let params = std::iter::once(SqlValue(&id_value)).chain(values.iter().map(SqlValue));
        stmt.execute(rusqlite::params_from_iter(params))
            .map_err(|e| {
                if is_unique_violation(&e) {
                    Error::invalid(format!("Two records of table {table_id} have the id {id}."))
                } else {
                    Error::internal(format!("Could not write a record: {e}."))
                }
            })?;
        Ok(())
    }
}

/// Writes what `fill` puts in one transaction. The store is new and not
/// yet anyone's environment: it is filled under a rollback journal, which
/// for pages appended to a new file stays small, instead of the WAL, which
/// would take every page twice (into the WAL, then into the file); it
/// goes back to WAL once filled. Nothing is synced until the end, when the
/// file is synced once: a stop before leaves a store no account records,
/// which is discarded or retired.
pub(super) fn load(
    conn: &mut Connection,
    path: &Path,
    fill: &mut dyn FnMut(&mut dyn RecordSink) -> Result<()>,
) -> Result<()> {
    let synchronous: i64 = conn
        .query_row("PRAGMA synchronous", [], |r| r.get(0))
        .context("preparing to fill a store")?;
    conn.query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(()))
        .context("preparing to fill a store")?;
    conn.execute_batch("PRAGMA synchronous = OFF; PRAGMA cache_size = -65536;")
        .context("preparing to fill a store")?;
    let filled = (|| {
        let tx = conn.transaction().context("starting a transaction")?;
        {
            let mut sink = Sink {
                tx: &tx,
                inserts: HashMap::new(),
            };
            fill(&mut sink)?;
        }
        tx.commit().context("committing the records")
    })();
    let back = conn
        .query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
        .and_then(|()| {
            conn.execute_batch(&format!(
                "PRAGMA synchronous = {synchronous}; PRAGMA cache_size = -32768;"
            ))
        })
        .context("finishing filling a store");
    filled.and(back)?;
    std::fs::File::open(path)
        .and_then(|f| f.sync_all())
        .context("writing the filled store to disk")
}
