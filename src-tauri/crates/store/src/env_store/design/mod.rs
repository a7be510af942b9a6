//! Designer changes, written once for every backend: what each change
//! checks, what it writes and the changelog entry it leaves, over the few
//! reads and writes a backend's open transaction offers ([`DesignTx`]).
//!
//! Invariant: a change reads what it alters, checks it, writes the
//! definitions, the record table's columns and its changelog entry in the
//! caller's one transaction; a refused change writes nothing (every check
//! runs before the first write), so the caller's rollback is only for
//! faults.

mod model;
mod plan;
mod retype;

pub use model::{make_apps, make_model, make_table, make_tables};
pub use plan::{apply_plan, field_impact};

use chrono::{DateTime, Utc};
use cutover_core::change::{self as rules, Change};
use cutover_core::changelog::{diff, ChangeAction, ChangeEntry, EntityKind};
use cutover_core::definitions::{AppDef, FieldDef, FieldType, TableDef, Value, ViewDef};
use cutover_core::value::to_text;
use cutover_core::{Error, ErrorKind, Result};
use serde_json::json;

/// What a change did, before it becomes a changelog entry.
pub struct Outcome {
    pub kind: EntityKind,
    pub id: i64,
    pub name: String,
    pub action: ChangeAction,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    /// The apps the entity belongs to, for filtering by app.
    pub app_ids: Vec<i64>,
}

impl Outcome {
    /// The changelog entry this change was written as (`seq`), not yet
    /// promoted.
    pub fn entry(self, seq: i64, author: &str, at: DateTime<Utc>) -> ChangeEntry {
        ChangeEntry {
            diff: diff(self.before.as_ref(), self.after.as_ref()),
            seq,
            at,
            author: author.to_string(),
            entity_kind: self.kind,
            entity_id: self.id,
            entity_name: self.name,
            action: self.action,
            before: self.before,
            after: self.after,
            unpromoted: true,
        }
    }
}

/// The reads and writes of definitions a designer change needs, inside a
/// backend's open transaction. A write whose name is taken returns
/// `Ok(None)` (or `Ok(false)`), so that the change can say so in its words.
pub trait DesignTx {
    fn app(&mut self, id: i64) -> Result<AppDef>;
    fn table(&mut self, id: i64) -> Result<TableDef>;
    fn field(&mut self, id: i64) -> Result<FieldDef>;
    fn view(&mut self, id: i64) -> Result<ViewDef>;
    fn views(&mut self) -> Result<Vec<ViewDef>>;
    /// Every non-empty value of a field, with its record id.
    fn values_of(&mut self, field: &FieldDef) -> Result<Vec<(i64, Value)>>;

    fn insert_app(&mut self, name: &str) -> Result<Option<i64>>;
    /// A table's row and its empty record table `rec_<id>`, in `app_id`.
    fn insert_table(&mut self, app_id: i64, name: &str) -> Result<Option<i64>>;
    fn share_table(&mut self, table_id: i64, app_id: i64) -> Result<()>;
    /// A field's row, last in its table, and its column `f_<id>`.
    fn insert_field(
        &mut self,
        table_id: i64,
        name: &str,
        field_type: &FieldType,
    ) -> Result<Option<i64>>;
    fn rename_field(&mut self, field_id: i64, name: &str) -> Result<bool>;
    /// A field's row and its column.
    fn delete_field(&mut self, table_id: i64, field_id: i64) -> Result<()>;
    /// Gives a field its new type and its column the type's values
    /// (`values`: every non-empty one, converted), under the same name.
    fn retype_field(
        &mut self,
        table_id: i64,
        field_id: i64,
        to: &FieldType,
        values: &[(i64, Value)],
    ) -> Result<()>;
    /// Gives a field a new type of the same column type, rewriting the
    /// values given.
    fn rewrite_field(
        &mut self,
        table_id: i64,
        field_id: i64,
        to: &FieldType,
        values: &[(i64, Value)],
    ) -> Result<()>;
    /// Writes a view (a new one when its id is 0); returns its id.
    fn save_view(&mut self, view: &ViewDef) -> Result<Option<i64>>;
    /// Writes the changelog entry of `outcome`.
    fn record(&mut self, outcome: Outcome, author: &str, at: DateTime<Utc>) -> Result<ChangeEntry>;
}

/// Checks a change's inputs, then applies it with [`apply_in`]; a taken
/// name is marked at the form's name input.
pub fn checked_apply(
    tx: &mut dyn DesignTx,
    change: &Change,
    author: &str,
    at: DateTime<Utc>,
) -> Result<ChangeEntry> {
    let problems = rules::input_problems(change);
    if !problems.is_empty() {
        return Err(Error::invalid_inputs(problems));
    }
    apply_in(tx, change, author, at).map_err(|e| {
        if e.kind == ErrorKind::Conflict && change.names_something() {
            e.at_field("name")
        } else {
            e
        }
    })
}

/// Applies a change inside a transaction the caller owns and commits (a
/// promotion applies its whole plan in one).
pub fn apply_in(
    tx: &mut dyn DesignTx,
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
        } => retype::retype_field(tx, *field_id, field_type)?,
        Change::DeleteField { field_id } => delete_field(tx, *field_id)?,
        Change::SetChoiceOptions { field_id, options } => {
            retype::set_options(tx, *field_id, options)?
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
            let before = tx.view(*view_id)?;
            let draft = ViewDef {
                name: name.clone(),
                field_ids: field_ids.clone(),
                filter: filter.clone(),
                ..before.clone()
            };
            save_view(tx, Some(before), draft)?
        }
    };
    tx.record(outcome, author, at)
}

pub fn table_json(t: &TableDef) -> serde_json::Value {
    json!({ "id": t.id, "name": t.name, "appIds": t.app_ids })
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<serde_json::Value> {
    serde_json::to_value(v)
        .map_err(|e| Error::internal(format!("Encoding a changelog entry: {e}.")))
}

fn create_app(tx: &mut dyn DesignTx, name: &str) -> Result<Outcome> {
    let name = rules::validate_entity_name("app", name)?;
    let id = tx.insert_app(&name)?.ok_or_else(|| {
        Error::conflict(format!(
            "An app named \"{name}\" already exists. Choose another name."
        ))
    })?;
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

fn create_table(tx: &mut dyn DesignTx, app_id: i64, name: &str) -> Result<Outcome> {
    let app = tx.app(app_id)?;
    let name = rules::validate_entity_name("table", name)?;
    let id = tx.insert_table(app_id, &name)?.ok_or_else(|| {
        Error::conflict(format!(
            "A table named \"{name}\" already exists. To use it in {}, share it instead.",
            app.name
        ))
    })?;
    let table = tx.table(id)?;
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

fn share_table(tx: &mut dyn DesignTx, table_id: i64, app_id: i64) -> Result<Outcome> {
    let before = tx.table(table_id)?;
    let app = tx.app(app_id)?;
    if before.app_ids.contains(&app_id) {
        return Err(Error::conflict(format!(
            "Table \"{}\" is already part of {}.",
            before.name, app.name
        )));
    }
    tx.share_table(table_id, app_id)?;
    let after = tx.table(table_id)?;
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
fn checked_type(tx: &mut dyn DesignTx, field_type: &FieldType) -> Result<FieldType> {
    let field_type = rules::validate_field_type(field_type)?;
    if let FieldType::Link { table_id } = field_type {
        tx.table(table_id)?;
    }
    Ok(field_type)
}

fn add_field(
    tx: &mut dyn DesignTx,
    table_id: i64,
    name: &str,
    field_type: &FieldType,
) -> Result<Outcome> {
    let table = tx.table(table_id)?;
    let name = rules::validate_entity_name("field", name)?;
    let field_type = checked_type(tx, field_type)?;
    let id = tx
        .insert_field(table_id, &name, &field_type)?
        .ok_or_else(|| {
            Error::conflict(format!(
                "Table \"{}\" already has a field named \"{name}\".",
                table.name
            ))
        })?;
    // What was just written, not read back: one round trip fewer per field
    // under a promotion's lock on a server.
    let field = FieldDef {
        id,
        table_id,
        name,
        field_type,
    };
    field_outcome(&table, ChangeAction::Create, None, Some(&field))
}

fn field_outcome(
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

fn rename_field(tx: &mut dyn DesignTx, field_id: i64, name: &str) -> Result<Outcome> {
    let before = tx.field(field_id)?;
    let table = tx.table(before.table_id)?;
    let name = rules::validate_entity_name("field", name)?;
    if name == before.name {
        return Err(
            Error::invalid(format!("The field is already named \"{name}\".")).at_field("name"),
        );
    }
    if !tx.rename_field(field_id, &name)? {
        return Err(Error::conflict(format!(
            "Table \"{}\" already has a field named \"{name}\".",
            table.name
        )));
    }
    let after = tx.field(field_id)?;
    field_outcome(&table, ChangeAction::Rename, Some(&before), Some(&after))
}

/// The views that show or filter on a field.
fn views_using(tx: &mut dyn DesignTx, field_id: i64) -> Result<Vec<ViewDef>> {
    Ok(tx
        .views()?
        .into_iter()
        .filter(|v| {
            v.field_ids.contains(&field_id)
                || v.filter.as_ref().is_some_and(|f| f.field_id == field_id)
        })
        .collect())
}

fn names(views: &[ViewDef]) -> String {
    views
        .iter()
        .map(|v| format!("\"{}\"", v.name))
        .collect::<Vec<_>>()
        .join(", ")
}

fn delete_field(tx: &mut dyn DesignTx, field_id: i64) -> Result<Outcome> {
    let before = tx.field(field_id)?;
    let table = tx.table(before.table_id)?;
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
    tx.delete_field(table.id, field_id)?;
    field_outcome(&table, ChangeAction::Delete, Some(&before), None)
}

fn save_view(tx: &mut dyn DesignTx, before: Option<ViewDef>, draft: ViewDef) -> Result<Outcome> {
    let name = rules::validate_entity_name("view", &draft.name)?;
    let app = tx.app(draft.app_id)?;
    let table = tx.table(draft.table_id)?;
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
    let id = tx.save_view(&view)?.ok_or_else(|| {
        Error::conflict(format!(
            "{} already has a view named \"{}\".",
            app.name, view.name
        ))
    })?;
    let after = tx.view(id)?;
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

/// Up to three examples of failing values, for a message.
fn examples(failing: &[&Value]) -> String {
    failing
        .iter()
        .take(3)
        .map(|v| format!("\"{}\"", to_text(v)))
        .collect::<Vec<_>>()
        .join(", ")
}
