//! Applying designer changes to a SQLite store.
//!
//! Invariant: a change touches the definitions, the record table's columns
//! and the changelog in one transaction; a refused or failed change leaves
//! all three as they were. Checks that need the data (values a retype
//! cannot convert, views that use a field) run inside that transaction.

use super::changelog::{self, Outcome};
use super::defs;
use crate::control::fault::is_unique_violation;
use crate::Context;
use chrono::{DateTime, Utc};
use cutover_core::change::{self as rules, Change};
use cutover_core::changelog::{ChangeAction, ChangeEntry, EntityKind};
use cutover_core::definitions::{FieldDef, FieldType, TableDef, Value, ViewDef};
use cutover_core::value::to_text;
use cutover_core::{Error, ErrorKind, Result};
use rusqlite::{params, Connection, Transaction};
use serde_json::json;

pub(super) fn apply(
    conn: &mut Connection,
    change: &Change,
    author: &str,
    at: DateTime<Utc>,
) -> Result<ChangeEntry> {
    let problems = rules::input_problems(change);
    if !problems.is_empty() {
        return Err(Error::invalid_inputs(problems));
    }
    let tx = conn.transaction().context("starting a change")?;
    // A conflict of a named change is its name being taken: shown at the
    // form's name input.
    let entry = apply_in(&tx, change, author, at).map_err(|e| {
        if e.kind == ErrorKind::Conflict && change.names_something() {
            e.at_field("name")
        } else {
            e
        }
    })?;
    tx.commit().context("committing a change")?;
    Ok(entry)
}

/// Applies a change inside a transaction the caller owns and commits (a
/// promotion applies its whole plan in one).
pub(super) fn apply_in(
    tx: &Transaction,
    change: &Change,
    author: &str,
    at: DateTime<Utc>,
) -> Result<ChangeEntry> {
    let outcome = match change {
        Change::CreateApp { name } => create_app(tx, name)?,
        Change::CreateTable { app_id, name } => create_table(tx, *app_id, name)?,
        Change::ShareTable { table_id, app_id } => share_table(tx, *table_id, *app_id)?,
        Change::AddField {
            table_id,
            name,
            field_type,
        } => add_field(tx, *table_id, name, field_type)?,
        Change::RenameField { field_id, name } => rename_field(tx, *field_id, name)?,
        Change::RetypeField {
            field_id,
            field_type,
        } => super::retype::retype_field(tx, *field_id, field_type)?,
        Change::DeleteField { field_id } => delete_field(tx, *field_id)?,
        Change::SetChoiceOptions { field_id, options } => {
            super::retype::set_options(tx, *field_id, options)?
        }
        Change::CreateView {
            app_id,
            table_id,
            name,
            field_ids,
            filter,
        } => {
            let draft = ViewDef {
                id: 0,
                app_id: *app_id,
                table_id: *table_id,
                name: name.clone(),
                field_ids: field_ids.clone(),
                filter: filter.clone(),
            };
            save_view(tx, None, draft)?
        }
        Change::EditView {
            view_id,
            name,
            field_ids,
            filter,
        } => {
            let before = defs::view(tx, *view_id)?;
            let draft = ViewDef {
                name: name.clone(),
                field_ids: field_ids.clone(),
                filter: filter.clone(),
                ..before.clone()
            };
            save_view(tx, Some(before), draft)?
        }
    };
    changelog::record(tx, outcome, author, at)
}

pub(super) fn table_json(t: &TableDef) -> serde_json::Value {
    json!({ "id": t.id, "name": t.name, "appIds": t.app_ids })
}

pub(super) fn to_json<T: serde::Serialize>(v: &T) -> Result<serde_json::Value> {
    serde_json::to_value(v).context("encoding a changelog entry")
}

fn create_app(tx: &Transaction, name: &str) -> Result<Outcome> {
    let name = rules::validate_entity_name("app", name)?;
    match tx.execute("INSERT INTO platform_apps (name) VALUES (?1)", [&name]) {
        Ok(_) => {}
        Err(e) if is_unique_violation(&e) => {
            return Err(Error::conflict(format!(
                "An app named \"{name}\" already exists. Choose another name."
            )))
        }
        Err(e) => return Err(e).context("creating an app"),
    }
    let id = tx.last_insert_rowid();
    Ok(Outcome {
        kind: EntityKind::App,
        id,
        name: name.clone(),
        action: ChangeAction::Create,
        before: None,
        after: Some(json!({ "id": id, "name": name })),
        app_ids: vec![id],
    })
}

fn create_table(tx: &Transaction, app_id: i64, name: &str) -> Result<Outcome> {
    let app = defs::app(tx, app_id)?;
    let name = rules::validate_entity_name("table", name)?;
    match tx.execute("INSERT INTO platform_tables (name) VALUES (?1)", [&name]) {
        Ok(_) => {}
        Err(e) if is_unique_violation(&e) => {
            return Err(Error::conflict(format!(
                "A table named \"{name}\" already exists. To use it in {}, share it instead.",
                app.name
            )))
        }
        Err(e) => return Err(e).context("creating a table"),
    }
    let id = tx.last_insert_rowid();
    tx.execute(
        "INSERT INTO platform_app_tables (app_id, table_id) VALUES (?1, ?2)",
        params![app_id, id],
    )
    .context("adding a table to its app")?;
    tx.execute_batch(&format!("CREATE TABLE rec_{id} (id INTEGER PRIMARY KEY);"))
        .context("creating a record table")?;
    let table = defs::table(tx, id)?;
    Ok(Outcome {
        kind: EntityKind::Table,
        id,
        name,
        action: ChangeAction::Create,
        before: None,
        after: Some(table_json(&table)),
        app_ids: vec![app_id],
    })
}

fn share_table(tx: &Transaction, table_id: i64, app_id: i64) -> Result<Outcome> {
    let before = defs::table(tx, table_id)?;
    let app = defs::app(tx, app_id)?;
    if before.app_ids.contains(&app_id) {
        return Err(Error::conflict(format!(
            "Table \"{}\" is already part of {}.",
            before.name, app.name
        )));
    }
    tx.execute(
        "INSERT INTO platform_app_tables (app_id, table_id) VALUES (?1, ?2)",
        params![app_id, table_id],
    )
    .context("sharing a table")?;
    let after = defs::table(tx, table_id)?;
    Ok(Outcome {
        kind: EntityKind::Table,
        id: table_id,
        name: after.name.clone(),
        action: ChangeAction::Share,
        before: Some(table_json(&before)),
        after: Some(table_json(&after)),
        app_ids: after.app_ids.clone(),
    })
}

/// Checks a field type as given, including that a link's table exists.
pub(super) fn checked_type(tx: &Transaction, field_type: &FieldType) -> Result<FieldType> {
    let field_type = rules::validate_field_type(field_type)?;
    if let FieldType::Link { table_id } = field_type {
        defs::table(tx, table_id)?;
    }
    Ok(field_type)
}

fn add_field(
    tx: &Transaction,
    table_id: i64,
    name: &str,
    field_type: &FieldType,
) -> Result<Outcome> {
    let table = defs::table(tx, table_id)?;
    let name = rules::validate_entity_name("field", name)?;
    let field_type = checked_type(tx, field_type)?;
    let json_type = serde_json::to_string(&field_type).context("encoding a field type")?;
    let inserted = tx.execute(
        "INSERT INTO platform_fields (table_id, name, field_type, position)
         VALUES (?1, ?2, ?3, (SELECT coalesce(max(position), -1) + 1 FROM platform_fields WHERE table_id = ?1))",
        params![table_id, name, json_type],
    );
    match inserted {
        Ok(_) => {}
        Err(e) if is_unique_violation(&e) => {
            return Err(Error::conflict(format!(
                "Table \"{}\" already has a field named \"{name}\".",
                table.name
            )))
        }
        Err(e) => return Err(e).context("adding a field"),
    }
    let id = tx.last_insert_rowid();
    tx.execute_batch(&format!(
        "ALTER TABLE rec_{table_id} ADD COLUMN f_{id} {};",
        field_type.sql_type()
    ))
    .context("adding a column")?;
    let field = defs::field(tx, id)?;
    field_outcome(&table, ChangeAction::Create, None, Some(&field))
}

pub(super) fn field_outcome(
    table: &TableDef,
    action: ChangeAction,
    before: Option<&FieldDef>,
    after: Option<&FieldDef>,
) -> Result<Outcome> {
    let subject = after
        .or(before)
        .ok_or_else(|| Error::internal("A change without a field."))?;
    Ok(Outcome {
        kind: EntityKind::Field,
        id: subject.id,
        name: subject.name.clone(),
        action,
        before: before.map(to_json).transpose()?,
        after: after.map(to_json).transpose()?,
        app_ids: table.app_ids.clone(),
    })
}

fn rename_field(tx: &Transaction, field_id: i64, name: &str) -> Result<Outcome> {
    let before = defs::field(tx, field_id)?;
    let table = defs::table(tx, before.table_id)?;
    let name = rules::validate_entity_name("field", name)?;
    if name == before.name {
        return Err(
            Error::invalid(format!("The field is already named \"{name}\".")).at_field("name"),
        );
    }
    match tx.execute(
        "UPDATE platform_fields SET name = ?2 WHERE id = ?1",
        params![field_id, name],
    ) {
        Ok(_) => {}
        Err(e) if is_unique_violation(&e) => {
            return Err(Error::conflict(format!(
                "Table \"{}\" already has a field named \"{name}\".",
                table.name
            )))
        }
        Err(e) => return Err(e).context("renaming a field"),
    }
    let after = defs::field(tx, field_id)?;
    field_outcome(&table, ChangeAction::Rename, Some(&before), Some(&after))
}

/// The names of the views that show or filter on a field.
pub(super) fn views_using(tx: &Transaction, field_id: i64) -> Result<Vec<ViewDef>> {
    Ok(defs::views(tx)?
        .into_iter()
        .filter(|v| {
            v.field_ids.contains(&field_id)
                || v.filter.as_ref().is_some_and(|f| f.field_id == field_id)
        })
        .collect())
}

pub(super) fn names(views: &[ViewDef]) -> String {
    views
        .iter()
        .map(|v| format!("\"{}\"", v.name))
        .collect::<Vec<_>>()
        .join(", ")
}

fn delete_field(tx: &Transaction, field_id: i64) -> Result<Outcome> {
    let before = defs::field(tx, field_id)?;
    let table = defs::table(tx, before.table_id)?;
    let users = views_using(tx, field_id)?;
    if !users.is_empty() {
        return Err(Error::conflict(format!(
            "Field \"{}\" is used by the view{} {}. Remove it from {} first.",
            before.name,
            if users.len() == 1 { "" } else { "s" },
            names(&users),
            if users.len() == 1 {
                "that view"
            } else {
                "those views"
            },
        )));
    }
    tx.execute("DELETE FROM platform_fields WHERE id = ?1", [field_id])
        .context("deleting a field")?;
    tx.execute_batch(&format!(
        "ALTER TABLE rec_{} DROP COLUMN f_{field_id};",
        table.id
    ))
    .context("dropping a column")?;
    field_outcome(&table, ChangeAction::Delete, Some(&before), None)
}

fn save_view(tx: &Transaction, before: Option<ViewDef>, draft: ViewDef) -> Result<Outcome> {
    let name = rules::validate_entity_name("view", &draft.name)?;
    let app = defs::app(tx, draft.app_id)?;
    let table = defs::table(tx, draft.table_id)?;
    if !table.app_ids.contains(&app.id) {
        return Err(Error::invalid(format!(
            "Table \"{}\" is not part of {}; share it with the app first.",
            table.name, app.name
        )));
    }
    if draft.field_ids.is_empty() {
        return Err(Error::invalid("Choose at least one field for the view."));
    }
    for (i, id) in draft.field_ids.iter().enumerate() {
        if !table.fields.iter().any(|f| f.id == *id) {
            return Err(Error::invalid(format!(
                "Field {id} is not a field of \"{}\".",
                table.name
            )));
        }
        if draft.field_ids[..i].contains(id) {
            return Err(Error::invalid("A field is listed twice in the view."));
        }
    }
    if let Some(filter) = &draft.filter {
        rules::validate_filter(filter, &table.fields)?;
    }
    let view = ViewDef { name, ..draft };
    if before.as_ref() == Some(&view) {
        return Err(Error::invalid("Nothing to save: the view is unchanged."));
    }
    let fields_json = serde_json::to_string(&view.field_ids).context("encoding a view")?;
    let filter_json = view
        .filter
        .as_ref()
        .map(serde_json::to_string)
        .transpose()
        .context("encoding a view filter")?;
    let written = match &before {
        None => tx.execute(
            "INSERT INTO platform_views (app_id, table_id, name, field_ids, filter) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![view.app_id, view.table_id, view.name, fields_json, filter_json],
        ),
        Some(b) => tx.execute(
            "UPDATE platform_views SET name = ?2, field_ids = ?3, filter = ?4 WHERE id = ?1",
            params![b.id, view.name, fields_json, filter_json],
        ),
    };
    match written {
        Ok(_) => {}
        Err(e) if is_unique_violation(&e) => {
            return Err(Error::conflict(format!(
                "{} already has a view named \"{}\".",
                app.name, view.name
            )))
        }
        Err(e) => return Err(e).context("saving a view"),
    }
    let id = before
        .as_ref()
        .map_or_else(|| tx.last_insert_rowid(), |b| b.id);
    let after = defs::view(tx, id)?;
    Ok(Outcome {
        kind: EntityKind::View,
        id,
        name: after.name.clone(),
        action: if before.is_some() {
            ChangeAction::Edit
        } else {
            ChangeAction::Create
        },
        before: before.as_ref().map(to_json).transpose()?,
        after: Some(to_json(&after)?),
        app_ids: vec![after.app_id],
    })
}

/// Every non-empty value of a field, with its record id.
pub(super) fn values_of(tx: &Transaction, field: &FieldDef) -> Result<Vec<(i64, Value)>> {
    let mut stmt = tx
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

/// Up to three examples of failing values, for a message.
pub(super) fn examples(failing: &[&Value]) -> String {
    failing
        .iter()
        .take(3)
        .map(|v| format!("\"{}\"", to_text(v)))
        .collect::<Vec<_>>()
        .join(", ")
}
