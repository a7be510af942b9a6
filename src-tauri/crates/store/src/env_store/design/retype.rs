//! The two designer changes that rewrite existing values: retyping a field
//! and editing a choice field's options. Both check every value first and
//! refuse, saying how many fail, before anything is written.

use super::{checked_type, examples, field_outcome, names, views_using, DesignTx, Outcome};
use cutover_core::change::{validate_filter, validate_options};
use cutover_core::changelog::ChangeAction;
use cutover_core::definitions::{FieldDef, FieldType, Value};
use cutover_core::value::convert;
use cutover_core::{Error, Result};

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
    tx: &mut dyn DesignTx,
    field_id: i64,
    field_type: &FieldType,
) -> Result<Outcome> {
    let before = tx.field(field_id)?;
    let table = tx.table(before.table_id)?;
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

    let values = tx.values_of(&before)?;
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

    tx.retype_field(table.id, field_id, &to, &converted)?;
    field_outcome(&table, ChangeAction::Retype, Some(&before), Some(&after))
}

pub(super) fn set_options(
    tx: &mut dyn DesignTx,
    field_id: i64,
    options: &[String],
) -> Result<Outcome> {
    let before = tx.field(field_id)?;
    let table = tx.table(before.table_id)?;
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
    let values = tx.values_of(&before)?;
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
    // Values matched ignoring case take the new spelling.
    tx.rewrite_field(table.id, field_id, &to, &rewritten)?;
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
