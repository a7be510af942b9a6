//! Designer changes on a SQLite store: the reads and writes
//! `env_store::design` asks of an open transaction.
//!
//! Invariant: a change touches the definitions, the record table's columns
//! and the changelog in one transaction; a refused or failed change leaves
//! all three as they were.

use super::changelog;
use super::defs;
use super::store::SqlValue;
use crate::control::fault::is_unique_violation;
use crate::env_store::design::{self, DesignTx, Outcome};
use crate::Context;
use chrono::{DateTime, Utc};
use cutover_core::change::Change;
use cutover_core::changelog::ChangeEntry;
use cutover_core::definitions::{AppDef, FieldDef, FieldType, TableDef, Value, ViewDef};
use cutover_core::Result;
use rusqlite::{params, Connection, Transaction};

/// Applies a designer change and its changelog entry in one transaction.
pub(super) fn apply(
    conn: &mut Connection,
    change: &Change,
    author: &str,
    at: DateTime<Utc>,
) -> Result<ChangeEntry> {
    let tx = conn.transaction().context("starting a change")?;
    let entry = design::checked_apply(&mut Design(&tx), change, author, at)?;
    tx.commit().context("committing a change")?;
    Ok(entry)
}

/// Every non-empty value of a field, with its record id.
pub(super) fn values_of(conn: &Connection, field: &FieldDef) -> Result<Vec<(i64, Value)>> {
    let mut stmt = conn
        .prepare(&format!(
            "SELECT id, f_{} FROM rec_{} WHERE f_{0} IS NOT NULL",
            field.id, field.table_id
        ))
        .context("reading a field's values")?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                super::store::read_value(r.get_ref(1)?, &field.field_type),
            ))
        })
        .context("reading a field's values")?;
    rows.collect::<rusqlite::Result<_>>()
        .context("reading a field's values")
}

/// `Ok(false)` for a unique violation: a name is taken.
fn unless_taken(written: rusqlite::Result<usize>, doing: &str) -> Result<bool> {
    match written {
        Ok(_) => Ok(true),
        Err(e) if is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e).context(doing),
    }
}

/// A SQLite transaction as `env_store::design` reads and writes
/// definitions through it.
pub(super) struct Design<'a>(pub &'a Transaction<'a>);

impl Design<'_> {
    fn write_values(&self, sql: &str, values: &[(i64, Value)], doing: &str) -> Result<()> {
        let mut update = self.0.prepare(sql).context(doing)?;
        for (id, v) in values {
            update.execute(params![id, SqlValue(v)]).context(doing)?;
        }
        Ok(())
    }

    fn write_type(&self, field_id: i64, to: &FieldType) -> Result<()> {
        let json = serde_json::to_string(to).context("encoding a field type")?;
        self.0
            .execute(
                "UPDATE platform_fields SET field_type = ?2 WHERE id = ?1",
                params![field_id, json],
            )
            .context("saving a field type")?;
        Ok(())
    }
}

impl DesignTx for Design<'_> {
    fn app(&mut self, id: i64) -> Result<AppDef> {
        defs::app(self.0, id)
    }

    fn table(&mut self, id: i64) -> Result<TableDef> {
        defs::table(self.0, id)
    }

    fn field(&mut self, id: i64) -> Result<FieldDef> {
        defs::field(self.0, id)
    }

    fn view(&mut self, id: i64) -> Result<ViewDef> {
        defs::view(self.0, id)
    }

    fn views(&mut self) -> Result<Vec<ViewDef>> {
        defs::views(self.0)
    }

    fn values_of(&mut self, field: &FieldDef) -> Result<Vec<(i64, Value)>> {
        values_of(self.0, field)
    }

    fn insert_app(&mut self, name: &str) -> Result<Option<i64>> {
        let made = unless_taken(
            self.0
                .execute("INSERT INTO platform_apps (name) VALUES (?1)", [name]),
            "creating an app",
        )?;
        Ok(made.then(|| self.0.last_insert_rowid()))
    }

    fn insert_table(&mut self, app_id: i64, name: &str) -> Result<Option<i64>> {
        let made = unless_taken(
            self.0
                .execute("INSERT INTO platform_tables (name) VALUES (?1)", [name]),
            "creating a table",
        )?;
        if !made {
            return Ok(None);
        }
        let id = self.0.last_insert_rowid();
        self.share_table(id, app_id)?;
        self.0
            .execute_batch(&format!("CREATE TABLE rec_{id} (id INTEGER PRIMARY KEY);"))
            .context("creating a record table")?;
        super::counts::keep_count(self.0, id)?;
        Ok(Some(id))
    }

    fn share_table(&mut self, table_id: i64, app_id: i64) -> Result<()> {
        self.0
            .execute(
                "INSERT INTO platform_app_tables (app_id, table_id) VALUES (?1, ?2)",
                params![app_id, table_id],
            )
            .context("adding a table to an app")?;
        Ok(())
    }

    fn insert_field(
        &mut self,
        table_id: i64,
        name: &str,
        field_type: &FieldType,
    ) -> Result<Option<i64>> {
        let json = serde_json::to_string(field_type).context("encoding a field type")?;
        let made = unless_taken(
            self.0.execute(
                "INSERT INTO platform_fields (table_id, name, field_type, position)
                 VALUES (?1, ?2, ?3, (SELECT coalesce(max(position), -1) + 1 FROM platform_fields WHERE table_id = ?1))",
                params![table_id, name, json],
            ),
            "adding a field",
        )?;
        if !made {
            return Ok(None);
        }
        let id = self.0.last_insert_rowid();
        self.0
            .execute_batch(&format!(
                "ALTER TABLE rec_{table_id} ADD COLUMN f_{id} {};",
                field_type.sql_type()
            ))
            .context("adding a column")?;
        Ok(Some(id))
    }

    fn rename_field(&mut self, field_id: i64, name: &str) -> Result<bool> {
        unless_taken(
            self.0.execute(
                "UPDATE platform_fields SET name = ?2 WHERE id = ?1",
                params![field_id, name],
            ),
            "renaming a field",
        )
    }

    fn delete_field(&mut self, table_id: i64, field_id: i64) -> Result<()> {
        self.0
            .execute("DELETE FROM platform_fields WHERE id = ?1", [field_id])
            .context("deleting a field")?;
        self.0
            .execute_batch(&format!(
                "ALTER TABLE rec_{table_id} DROP COLUMN f_{field_id};"
            ))
            .context("dropping a column")
    }

    fn retype_field(
        &mut self,
        table_id: i64,
        field_id: i64,
        to: &FieldType,
        values: &[(i64, Value)],
    ) -> Result<()> {
        // Same column name afterwards, so record reads and views need no
        // change.
        let t = table_id;
        self.0
            .execute_batch(&format!(
                "ALTER TABLE rec_{t} ADD COLUMN f_{field_id}_new {};",
                to.sql_type()
            ))
            .context("adding the retyped column")?;
        self.write_values(
            &format!("UPDATE rec_{t} SET f_{field_id}_new = ?2 WHERE id = ?1"),
            values,
            "converting values",
        )?;
        self.0
            .execute_batch(&format!(
                "ALTER TABLE rec_{t} DROP COLUMN f_{field_id};
                 ALTER TABLE rec_{t} RENAME COLUMN f_{field_id}_new TO f_{field_id};"
            ))
            .context("replacing the retyped column")?;
        self.write_type(field_id, to)
    }

    fn rewrite_field(
        &mut self,
        table_id: i64,
        field_id: i64,
        to: &FieldType,
        values: &[(i64, Value)],
    ) -> Result<()> {
        self.write_values(
            &format!("UPDATE rec_{table_id} SET f_{field_id} = ?2 WHERE id = ?1"),
            values,
            "updating values",
        )?;
        self.write_type(field_id, to)
    }

    fn save_view(&mut self, view: &ViewDef) -> Result<Option<i64>> {
        let fields_json = serde_json::to_string(&view.field_ids).context("encoding a view")?;
        let filter_json = view
            .filter
            .as_ref()
            .map(serde_json::to_string)
            .transpose()
            .context("encoding a view filter")?;
        let written = if view.id == 0 {
            self.0.execute(
                "INSERT INTO platform_views (app_id, table_id, name, field_ids, filter) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![view.app_id, view.table_id, view.name, fields_json, filter_json],
            )
        } else {
            self.0.execute(
                "UPDATE platform_views SET name = ?2, field_ids = ?3, filter = ?4 WHERE id = ?1",
                params![view.id, view.name, fields_json, filter_json],
            )
        };
        let saved = unless_taken(written, "saving a view")?;
        Ok(saved.then(|| {
            if view.id == 0 {
                self.0.last_insert_rowid()
            } else {
                view.id
            }
        }))
    }

    fn record(&mut self, outcome: Outcome, author: &str, at: DateTime<Utc>) -> Result<ChangeEntry> {
        changelog::record(self.0, outcome, author, at)
    }
}
