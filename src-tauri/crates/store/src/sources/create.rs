//! An account whose production is made from a source database: the plan
//! checked against the source as it is now, the model made, and every row
//! written with its id in one transaction.

use super::preview::{shapes, Shape};
use super::read::SourceDb;
use crate::env_store::{EnvironmentStore, ModelField, ModelTable};
use crate::Workspace;
use chrono::{DateTime, Utc};
use cutover_core::account::{AccountId, NewAccount};
use cutover_core::admin::{ensure_super_admin, Admin};
use cutover_core::definitions::{FieldType, Value};
use cutover_core::source::{
    field_type, platform_name, take, SourceKind, SourcePlan, SourcePreview, SourceProgress,
    TablePlan, CHOICE_LIMIT,
};
use cutover_core::{Error, ErrorKind, Result};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

/// Rows between two progress reports (and cancel checks).
const TICK_ROWS: u64 = 2000;

/// A field to make: its source column, its name, kind and options.
type PlannedField = (String, String, SourceKind, Vec<String>);

/// A table to make: its shape and its fields.
struct Planned<'a> {
    shape: &'a Shape,
    fields: Vec<PlannedField>,
}

impl Workspace {
    /// Reads a source database and proposes the model, with what would not
    /// fit. Only reads the file.
    pub fn preview_source(&self, path: &Path) -> Result<SourcePreview> {
        super::preview::preview(path)
    }

    /// Creates `new` with production made from `plan`'s source. Refuses,
    /// creating nothing, when the plan does not fit the source as it is now
    /// (a value that does not fit its field, a link to no row), when
    /// cancelled, or when anything fails.
    pub fn create_account_from_source(
        &self,
        new: &NewAccount,
        plan: &SourcePlan,
        admin: &Admin,
        now: DateTime<Utc>,
        cancel: &AtomicBool,
        progress: &dyn Fn(SourceProgress),
    ) -> Result<AccountId> {
        ensure_super_admin(admin, "create an account")?;
        let path = Path::new(&plan.path);
        let db = SourceDb::open(path)?;
        let all = shapes(&db)?;
        let planned = check_plan(plan, &all)?;
        let app_name = platform_name(&plan.app_name);
        let root = self.root().to_path_buf();
        self.make_account(new, admin, now, &mut |store| {
            let total = check_source(&db, &planned, &all, &root)?;
            fill(store, &db, &app_name, &planned, &all, total, cancel, progress)
        })
    }
}

/// Checks what the plan needs of the source as it is now (links that name
/// rows, room on disk); returns how many rows will be read.
fn check_source(db: &SourceDb, planned: &[Planned<'_>], all: &[Shape], root: &Path) -> Result<u64> {
        for p in planned {
            for (column, _, kind, _) in &p.fields {
                if *kind != SourceKind::Link {
                    continue;
                }
                let target = p.shape.link_target(column, all).ok_or_else(|| Error::internal("A link lost its target."))?;
                let (count, examples) = db.dangling(&p.shape.info.name, column, &target.info.name, &target.info.key[0])?;
                if count > 0 {
                    return Err(Error::invalid(format!(
                        "Nothing was created: {count} values of \"{}\".\"{column}\" name no row of \"{}\" (for example {}). Make the column a number instead of a link, or fix the source.",
                        p.shape.info.name,
                        target.info.name,
                        examples.join("; ")
                    )));
                }
            }
        }
        let mut total = 0;
        for p in planned {
            total += db.count(&p.shape.info.name)?;
        }
        let needed = db.size_bytes.saturating_mul(2);
        let free = fs2::available_space(root).unwrap_or(u64::MAX);
        if free < needed {
            return Err(Error::conflict(format!(
                "Nothing was created: making production from {} needs about {} MB free on the data folder's disk and {} MB are free. Free some space and try again.",
                db.path.display(),
                needed / 1_000_000,
                free / 1_000_000
            )));
        }
        Ok(total)
}

/// The included tables with their fields, each choice checked; refuses a
/// plan that names what the source does not have, or a kind the column is
/// not offered.
fn check_plan<'a>(plan: &SourcePlan, all: &'a [Shape]) -> Result<Vec<Planned<'a>>> {
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
                let target = p.shape.link_target(column, all).map(|t| t.info.name.clone());
                if !planned.iter().any(|q| Some(&q.shape.info.name) == target.as_ref()) {
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

fn changed(what: &str) -> Error {
    Error::conflict(format!(
        "Nothing was created: the database changed since it was read ({what}). Read it again and check the preview."
    ))
}

fn fields_of(
    tp: &TablePlan,
    shape: &Shape,
    all: &[Shape],
) -> Result<Vec<PlannedField>> {
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
                let bad = options.is_empty()
                    || options.len() > CHOICE_LIMIT
                    || options.iter().any(|o| o.trim().is_empty() || o.chars().count() > 80)
                    || (1..options.len()).any(|i| options[..i].contains(&options[i]));
                if bad {
                    return Err(Error::invalid(format!(
                        "Nothing was created: the options of {at} must be 1 to {CHOICE_LIMIT} different values of at most 80 characters. Choose another type."
                    )));
                }
            }
            _ => {}
        }
        out.push((column.clone(), field_name.clone(), kind, options));
    }
    if let Some(extra) = tp.columns.iter().find(|c| !shape.fields.iter().any(|(n, _)| n == &c.name)) {
        return Err(changed(&format!("\"{}\" has no column \"{}\"", tp.name, extra.name)));
    }
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
fn fill(
    store: &mut dyn EnvironmentStore,
    db: &SourceDb,
    app_name: &str,
    planned: &[Planned<'_>],
    all: &[Shape],
    total: u64,
    cancel: &AtomicBool,
    progress: &dyn Fn(SourceProgress),
) -> Result<String> {
    let index_of = |source: &str| planned.iter().position(|p| p.shape.info.name == source);
    let model: Vec<ModelTable> = planned
        .iter()
        .map(|p| ModelTable {
            name: p.shape.table_name.clone(),
            fields: p
                .fields
                .iter()
                .map(|(column, name, kind, options)| {
                    let field = match kind {
                        SourceKind::Link => {
                            let target = p.shape.link_target(column, all).map(|t| t.info.name.as_str()).unwrap_or_default();
                            ModelField::LinkTo(index_of(target).unwrap_or(usize::MAX))
                        }
                        k => ModelField::Plain(field_type(*k, options, None).unwrap_or(FieldType::Text)),
                    };
                    (name.clone(), field)
                })
                .collect(),
        })
        .collect();
    let made = store.create_model(app_name, &model)?;
    let mut done = 0u64;
    progress(SourceProgress { done_rows: 0, total_rows: total });
    store.load(&mut |sink| {
        for (p, table) in planned.iter().zip(&made) {
            let types: Vec<FieldType> = table.fields.iter().map(|f| f.field_type.clone()).collect();
            let mut columns = Vec::new();
            if p.shape.ids_kept {
                columns.push(p.shape.info.key[0].clone());
            }
            columns.extend(p.fields.iter().map(|(c, ..)| c.clone()));
            let skip = usize::from(p.shape.ids_kept);
            let mut values: Vec<Value> = Vec::with_capacity(types.len());
            let mut n = 0i64;
            db.scan(&p.shape.info, &columns, &mut |cells| {
                n += 1;
                let id = match (p.shape.ids_kept, &cells.first()) {
                    (true, Some(cutover_core::source::Cell::Integer(id))) if *id > 0 => *id,
                    (true, _) => return Err(changed(&format!("a key of \"{}\" is no longer a whole number", p.shape.info.name))),
                    (false, _) => n,
                };
                values.clear();
                for (i, cell) in cells[skip..].iter().enumerate() {
                    values.push(take(cell, &types[i]).map_err(|why| {
                        Error::invalid(format!(
                            "Nothing was created: in \"{}\", column \"{}\", record {id}: {why}. Change the column's type in the preview, or leave it out, and create again.",
                            p.shape.info.name, p.fields[i].0
                        ))
                    })?);
                }
                sink.put(table.id, id, &values)?;
                done += 1;
                if done % TICK_ROWS == 0 {
                    if cancel.load(Ordering::Relaxed) {
                        return Err(cancelled());
                    }
                    progress(SourceProgress { done_rows: done, total_rows: total });
                }
                Ok(true)
            })?;
        }
        if cancel.load(Ordering::Relaxed) {
            return Err(cancelled());
        }
        Ok(())
    })?;
    progress(SourceProgress { done_rows: done, total_rows: total.max(done) });
    Ok(format!(
        "production made from {} ({} tables, {done} records)",
        db.path.display(),
        made.len()
    ))
}

fn cancelled() -> Error {
    Error::new(ErrorKind::Conflict, "Cancelled: nothing was created.")
}
