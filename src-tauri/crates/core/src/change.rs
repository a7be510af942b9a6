//! Changes to an environment's definitions, as the designer makes them.
//!
//! A [`Change`] is what the user asks for; the store applies it in one
//! transaction together with its changelog entry. The rules that need no
//! database (names, options, filters) live here.

use crate::definitions::{FieldDef, FieldType};
use crate::error::FieldProblem;
use crate::value::parse_input;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use specta::Type;

/// One change to definitions. Entities are named by id, never by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(
    tag = "change",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
pub enum Change {
    CreateApp {
        name: String,
    },
    /// A new table in an app, with no fields yet.
    CreateTable {
        app_id: i64,
        name: String,
    },
    /// Makes an existing table part of another app too.
    ShareTable {
        table_id: i64,
        app_id: i64,
    },
    AddField {
        table_id: i64,
        name: String,
        field_type: FieldType,
    },
    RenameField {
        field_id: i64,
        name: String,
    },
    /// Converts every existing value; refused if any value cannot convert.
    RetypeField {
        field_id: i64,
        field_type: FieldType,
    },
    /// Drops the field and its values; refused while a view uses it.
    DeleteField {
        field_id: i64,
    },
    SetChoiceOptions {
        field_id: i64,
        options: Vec<String>,
    },
    CreateView {
        app_id: i64,
        table_id: i64,
        name: String,
        field_ids: Vec<i64>,
        filter: Option<ViewFilter>,
    },
    EditView {
        view_id: i64,
        name: String,
        field_ids: Vec<i64>,
        filter: Option<ViewFilter>,
    },
}

/// Which records a view shows: those whose field compares with a value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ViewFilter {
    pub field_id: i64,
    pub op: FilterOp,
    /// The value to compare with, as typed (unused by the emptiness tests).
    pub value: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum FilterOp {
    Equals,
    NotEquals,
    Contains,
    GreaterThan,
    LessThan,
    IsEmpty,
    IsNotEmpty,
}

/// A valid name for an app, table, field or view: 1 to 60 characters,
/// starting with a letter, then letters, digits, spaces and `_ - & / ( ) . '`.
/// Returns it trimmed.
pub fn validate_entity_name(what: &str, name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::invalid(format!("Enter a name for the {what}.")));
    }
    if name.chars().count() > 60 {
        return Err(Error::invalid(format!(
            "A {what} name must be at most 60 characters."
        )));
    }
    if !name.chars().next().is_some_and(char::is_alphabetic) {
        return Err(Error::invalid(format!(
            "A {what} name must start with a letter (\"{name}\" does not)."
        )));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_alphanumeric() || " _-&/().'".contains(*c)))
    {
        return Err(Error::invalid(format!(
            "A {what} name may contain letters, digits, spaces and _ - & / ( ) . ' only; remove \"{bad}\"."
        )));
    }
    Ok(name.to_string())
}

/// The options of a choice field: 1 to 100, each a valid name, no two
/// equal ignoring case. Returns them trimmed, in the given order.
pub fn validate_options(options: &[String]) -> Result<Vec<String>> {
    if options.is_empty() {
        return Err(Error::invalid("A choice field needs at least one option."));
    }
    if options.len() > 100 {
        return Err(Error::invalid(
            "A choice field may have at most 100 options.",
        ));
    }
    let mut out: Vec<String> = Vec::with_capacity(options.len());
    for option in options {
        let option = validate_entity_name("option", option)?;
        if out.iter().any(|o| o.eq_ignore_ascii_case(&option)) {
            return Err(Error::invalid(format!(
                "The option \"{option}\" is listed twice."
            )));
        }
        out.push(option);
    }
    Ok(out)
}

/// Every problem with what was typed for a change that needs no database,
/// by the designer form's input (`name`, `options`), all at once. The
/// store checks the rest (duplicates, links) against the model.
pub fn input_problems(change: &Change) -> Vec<FieldProblem> {
    let (what, name, options) = match change {
        Change::CreateApp { name } => ("app", Some(name), None),
        Change::CreateTable { name, .. } => ("table", Some(name), None),
        Change::AddField {
            name, field_type, ..
        } => ("field", Some(name), choice_options(field_type)),
        Change::RenameField { name, .. } => ("field", Some(name), None),
        Change::RetypeField { field_type, .. } => ("field", None, choice_options(field_type)),
        Change::SetChoiceOptions { options, .. } => ("field", None, Some(options)),
        Change::CreateView { name, .. } | Change::EditView { name, .. } => {
            ("view", Some(name), None)
        }
        Change::ShareTable { .. } | Change::DeleteField { .. } => return Vec::new(),
    };
    let mut problems = Vec::new();
    if let Some(Err(e)) = name.map(|n| validate_entity_name(what, n)) {
        problems.push(FieldProblem {
            field: "name".into(),
            message: e.message,
        });
    }
    if let Some(Err(e)) = options.map(|o| validate_options(o)) {
        problems.push(FieldProblem {
            field: "options".into(),
            message: e.message,
        });
    }
    problems
}

impl Change {
    /// Whether the change carries a name the user typed (its form's
    /// `name` input), so that a refusal of that name is shown there.
    pub fn names_something(&self) -> bool {
        matches!(
            self,
            Change::CreateApp { .. }
                | Change::CreateTable { .. }
                | Change::AddField { .. }
                | Change::RenameField { .. }
                | Change::CreateView { .. }
                | Change::EditView { .. }
        )
    }
}

fn choice_options(field_type: &FieldType) -> Option<&Vec<String>> {
    match field_type {
        FieldType::Choice { options } => Some(options),
        _ => None,
    }
}

/// Checks a field type as the user gave it; a choice's options are
/// validated and trimmed. Links are checked against tables by the store.
pub fn validate_field_type(field_type: &FieldType) -> Result<FieldType> {
    Ok(match field_type {
        FieldType::Choice { options } => FieldType::Choice {
            options: validate_options(options)?,
        },
        other => other.clone(),
    })
}

/// Checks a view's filter against the fields of its table.
pub fn validate_filter(filter: &ViewFilter, fields: &[FieldDef]) -> Result<()> {
    let field = fields
        .iter()
        .find(|f| f.id == filter.field_id)
        .ok_or_else(|| Error::invalid("The filter's field is not a field of this table."))?;
    match filter.op {
        FilterOp::IsEmpty | FilterOp::IsNotEmpty => Ok(()),
        FilterOp::Contains => match field.field_type {
            FieldType::Text => Ok(()),
            _ => Err(Error::invalid(format!(
                "\"contains\" only works on text fields; {} is not text.",
                field.name
            ))),
        },
        FilterOp::GreaterThan | FilterOp::LessThan
            if matches!(
                field.field_type,
                FieldType::Boolean | FieldType::Choice { .. } | FieldType::Link { .. }
            ) =>
        {
            Err(Error::invalid(format!(
                "{} cannot be compared as greater or less; use equals.",
                field.name
            )))
        }
        _ => match parse_input(&field.field_type, &filter.value) {
            Ok(_) if filter.value.trim().is_empty() => Err(Error::invalid(
                "Enter the value to compare with, or use \"is empty\".",
            )),
            Ok(_) => Ok(()),
            Err(why) => Err(Error::invalid(format!("The filter value: {why}"))),
        },
    }
}

#[cfg(test)]
#[path = "change_tests.rs"]
mod tests;
