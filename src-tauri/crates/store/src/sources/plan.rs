//! The admin's plan checked against the source as it is now: the tables
//! and fields to make, each kind one the column is offered, and the apps
//! the tables go into.

use super::file::FileModel;
use super::preview::Shape;
use cutover_core::source::{SourceKind, SourcePlan, TablePlan, CHOICE_LIMIT};
use cutover_core::{Error, Result};

/// A field to make: its source column, its name, kind and options.
pub(super) type PlannedField = (String, String, SourceKind, Vec<String>);

/// A table to make: its shape and its fields.
pub(super) struct Planned<'a> {
    pub shape: &'a Shape,
    pub fields: Vec<PlannedField>,
}

/// The included tables with their fields, each choice checked; refuses a
/// plan that names what the source does not have, or a kind the column is
/// not offered.
pub(super) fn check_plan<'a>(plan: &SourcePlan, all: &'a [Shape]) -> Result<Vec<Planned<'a>>> {
    let mut planned = Vec::new();
    for tp in plan.tables.iter().filter(|t| t.include) {
        let shape = all
            .iter()
            .find(|s| s.info.name == tp.name)
            .ok_or_else(|| changed(&format!("it has no table \"{}\"", tp.name)))?;
        if let Some(problem) = &shape.info.problem {
            return Err(Error::invalid(format!("Nothing was created: {problem}")));
        }
        planned.push(Planned {
            shape,
            fields: fields_of(tp, shape, all)?,
        });
    }
    if planned.is_empty() {
        return Err(Error::invalid(
            "Nothing was created: no table is chosen. Choose at least one table, or start with an empty production.",
        ));
    }
    for p in &planned {
        for (column, _, kind, _) in &p.fields {
            if *kind == SourceKind::Link {
                let target = p
                    .shape
                    .link_target(column, all)
                    .map(|t| t.info.name.clone());
                if !planned
                    .iter()
                    .any(|q| Some(&q.shape.info.name) == target.as_ref())
                {
                    return Err(Error::invalid(format!(
                        "Nothing was created: \"{}\".\"{column}\" links to \"{}\", which is left out. Include that table, or make the column a number.",
                        p.shape.info.name,
                        target.unwrap_or_default()
                    )));
                }
            }
        }
    }
    Ok(planned)
}

pub(super) fn changed(what: &str) -> Error {
    Error::conflict(format!(
        "Nothing was created: the database changed since it was read ({what}). Read it again and check the preview."
    ))
}

fn fields_of(tp: &TablePlan, shape: &Shape, all: &[Shape]) -> Result<Vec<PlannedField>> {
    let mut out = Vec::new();
    for (column, field_name) in &shape.fields {
        let cp = tp.columns.iter().find(|c| &c.name == column);
        let kind = cp.map_or(SourceKind::Skip, |c| c.kind);
        let options = cp.map(|c| c.options.clone()).unwrap_or_default();
        let at = format!("\"{}\".\"{column}\"", shape.info.name);
        match kind {
            SourceKind::Skip => continue,
            SourceKind::Link if shape.link_target(column, all).is_none() => {
                return Err(Error::invalid(format!(
                    "Nothing was created: {at} cannot be a link: it is not a foreign key to a table whose ids are kept. Choose another type."
                )))
            }
            SourceKind::Choice => {
                let valid = cutover_core::change::validate_options(&options)
                    .is_ok_and(|o| o == options && o.len() <= CHOICE_LIMIT);
                if !valid {
                    return Err(Error::invalid(format!(
                        "Nothing was created: {at} cannot be a choice: its options must be 1 to {CHOICE_LIMIT} different names (starting with a letter) written exactly as the values are. Choose another type."
                    )));
                }
            }
            _ => {}
        }
        out.push((column.clone(), field_name.clone(), kind, options));
    }
    if let Some(extra) = tp
        .columns
        .iter()
        .find(|c| !shape.fields.iter().any(|(n, _)| n == &c.name))
    {
        return Err(changed(&format!(
            "\"{}\" has no column \"{}\"",
            tp.name, extra.name
        )));
    }
    Ok(out)
}

/// The apps to make and, for each planned table, the places of its apps:
/// an environment file's apps as it lists them, and `app_name` for tables
/// no app lists (every table, for any other database).
pub(super) fn apps_of(
    planned: &[Planned<'_>],
    model: Option<&FileModel>,
    app_name: &str,
) -> (Vec<String>, Vec<Vec<usize>>) {
    let mut apps: Vec<String> = model.map(|m| m.apps.clone()).unwrap_or_default();
    let mut homes = Vec::new();
    for p in planned {
        let listed = model
            .map(|m| m.apps_of(&p.shape.info.name))
            .unwrap_or_default();
        let mut places: Vec<usize> = listed
            .iter()
            .filter_map(|a| apps.iter().position(|x| x.eq_ignore_ascii_case(a)))
            .collect();
        if places.is_empty() {
            let place = match apps.iter().position(|x| x.eq_ignore_ascii_case(app_name)) {
                Some(i) => i,
                None => {
                    apps.push(app_name.to_string());
                    apps.len() - 1
                }
            };
            places.push(place);
        }
        homes.push(places);
    }
    (apps, homes)
}
