//! The two designer changes that rewrite existing values: retyping a field
//! and editing a choice field's options. Both check every value first and
//! refuse, saying how many fail, before anything is written.

use super::changelog::Outcome;
use super::defs;
use super::designer::{checked_type, examples, field_outcome, names, values_of, views_using};
use super::store::SqlValue;
use crate::Context;
use cutover_core::change::{validate_filter, validate_options};
use cutover_core::changelog::ChangeAction;
use cutover_core::definitions::{FieldDef, FieldType, Value};
use cutover_core::value::convert;
use cutover_core::{Error, Result};
use rusqlite::{params, Transaction};

fn type_label(t: &FieldType) -> &'static str {
    match t {
        FieldType::Text => "text",
        FieldType::Number => "a number",
        FieldType::Date => "a date",
        FieldType::Boolean => "yes/no",
        FieldType::Choice { .. } => "a choice",
        FieldType::Link { .. } => "a link",
    }
}

pub(super) fn retype_field(
    tx: &Transaction,
    field_id: i64,
    field_type: &FieldType,
) -> Result<Outcome> {
    let before = defs::field(tx, field_id)?;
    let table = defs::table(tx, before.table_id)?;
    let to = checked_type(tx, field_type)?;
    if std::mem::discriminant(&before.field_type) == std::mem::discriminant(&to) {
        return Err(Error::invalid(match to {
            FieldType::Choice { .. } => format!(
                "\"{}\" is already a choice field; edit its options instead.",
                before.name
            ),
            _ => format!("\"{}\" is already {}.", before.name, type_label(&to)),
        }));
    }
    if matches!(before.field_type, FieldType::Link { .. }) || matches!(to, FieldType::Link { .. }) {
        return Err(Error::invalid(
            "Links cannot be retyped: their values are record ids. Add a new field instead.",
        ));
    }
    let after = FieldDef {
        field_type: to.clone(),
        ..before.clone()
    };
    let filtered_by: Vec<_> = views_using(tx, field_id)?
        .into_iter()
        .filter(|v| {
            v.filter.as_ref().is_some_and(|f| {
                f.field_id == field_id && validate_filter(f, std::slice::from_ref(&after)).is_err()
            })
        })
        .collect();
    if !filtered_by.is_empty() {
        return Err(Error::conflict(format!(
            "The filter of {} cannot apply to {}. Change that filter first.",
            names(&filtered_by),
            type_label(&to)
        )));
    }

    let values = values_of(tx, &before)?;
    let mut converted = Vec::with_capacity(values.len());
    let mut failing = Vec::new();
    for (id, v) in &values {
        match convert(v, &to) {
            Ok(c) => converted.push((*id, c)),
            Err(_) => failing.push(v),
        }
    }
    if !failing.is_empty() {
        return Err(Error::invalid(format!(
            "{} of {} values of \"{}\" cannot become {} (for example {}). Correct or clear them first; nothing was changed.",
            failing.len(),
            values.len(),
            before.name,
            type_label(&to),
            examples(&failing)
        )));
    }

    // Same column name afterwards, so record reads and views need no change.
    let t = table.id;
    tx.execute_batch(&format!(
        "ALTER TABLE rec_{t} ADD COLUMN f_{field_id}_new {};",
        to.sql_type()
    ))
    .context("adding the retyped column")?;
    {
        let mut update = tx
            .prepare(&format!(
                "UPDATE rec_{t} SET f_{field_id}_new = ?2 WHERE id = ?1"
            ))
            .context("converting values")?;
        for (id, v) in &converted {
            update
                .execute(params![id, SqlValue(v)])
                .context("converting values")?;
        }
    }
    tx.execute_batch(&format!(
        "ALTER TABLE rec_{t} DROP COLUMN f_{field_id};
         ALTER TABLE rec_{t} RENAME COLUMN f_{field_id}_new TO f_{field_id};"
    ))
    .context("replacing the retyped column")?;
    write_type(tx, field_id, &to)?;
    field_outcome(&table, ChangeAction::Retype, Some(&before), Some(&after))
}

fn write_type(tx: &Transaction, field_id: i64, to: &FieldType) -> Result<()> {
    let json = serde_json::to_string(to).context("encoding a field type")?;
    tx.execute(
        "UPDATE platform_fields SET field_type = ?2 WHERE id = ?1",
        params![field_id, json],
    )
    .context("saving a field type")?;
    Ok(())
}

pub(super) fn set_options(tx: &Transaction, field_id: i64, options: &[String]) -> Result<Outcome> {
    let before = defs::field(tx, field_id)?;
    let table = defs::table(tx, before.table_id)?;
    let FieldType::Choice { options: old } = &before.field_type else {
        return Err(Error::invalid(format!(
            "\"{}\" is not a choice field; only choice fields have options.",
            before.name
        )));
    };
    let options = validate_options(options)?;
    if &options == old {
        return Err(Error::invalid(
            "Nothing to save: the options are unchanged.",
        ));
    }
    let to = FieldType::Choice { options };
    let values = values_of(tx, &before)?;
    let mut rewritten = Vec::new();
    let mut failing: Vec<&Value> = Vec::new();
    for (id, v) in &values {
        match convert(v, &to) {
            Ok(c) if &c != v => rewritten.push((*id, c)),
            Ok(_) => {}
            Err(_) => failing.push(v),
        }
    }
    if !failing.is_empty() {
        return Err(Error::conflict(format!(
            "{} record{} use{} options that would be removed (for example {}). Change those records first; nothing was changed.",
            failing.len(),
            if failing.len() == 1 { "" } else { "s" },
            if failing.len() == 1 { "s" } else { "" },
            examples(&failing)
        )));
    }
    {
        // Values matched ignoring case take the new spelling.
        let mut update = tx
            .prepare(&format!(
                "UPDATE rec_{} SET f_{field_id} = ?2 WHERE id = ?1",
                table.id
            ))
            .context("updating choice values")?;
        for (id, v) in &rewritten {
            update
                .execute(params![id, SqlValue(v)])
                .context("updating choice values")?;
        }
    }
    write_type(tx, field_id, &to)?;
    let after = FieldDef {
        field_type: to,
        ..before.clone()
    };
    field_outcome(
        &table,
        ChangeAction::SetOptions,
        Some(&before),
        Some(&after),
    )
}
