//! An account whose production is made from a source database: the plan
//! checked against the source as it is now, the model made, and every row
//! written with its id in one transaction.

use super::file::FileModel;
use super::links::{load_order, IdSet};
use super::plan::{apps_of, changed, check_plan, Planned};
use super::preview::{shapes, Shape};
use super::read::SourceDb;
use crate::env_store::{EnvironmentStore, ModelField, ModelTable};
use crate::Workspace;
use chrono::{DateTime, Utc};
use cutover_core::account::{AccountId, NewAccount};
use cutover_core::admin::{ensure_super_admin, Admin};
use cutover_core::change::{Change, ViewFilter};
use cutover_core::definitions::{AppDef, FieldType, TableDef, Value};
use cutover_core::source::{
    field_type, platform_name, take_owned, SourceKind, SourcePlan, SourcePreview, SourceProgress,
};
use cutover_core::{Error, ErrorKind, Result};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

/// Rows between two progress reports (and cancel checks).
const TICK_ROWS: u64 = 2000;

impl Workspace {
    /// Reads a source database and proposes the model, with what would not
    /// fit. Only reads the file.
    pub fn preview_source(&self, path: &Path) -> Result<SourcePreview> {
        self.preview_source_until(path, &|_| {}, &AtomicBool::new(false))
    }

    /// [`Self::preview_source`] reporting rows read of all there are; the
    /// admin may stop it (`cancelled`), which is always safe: it only reads.
    pub fn preview_source_until(
        &self,
        path: &Path,
        progress: &dyn Fn(SourceProgress),
        stop: &AtomicBool,
    ) -> Result<SourcePreview> {
        super::preview::preview(path, &self.root().join("tmp"), progress, stop)
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
        let opened = super::csv::open(path, &self.root().join("tmp"))?;
        let db = &opened.db;
        let all = shapes(db)?;
        let planned = check_plan(plan, &all)?;
        let model = db.file_model()?;
        let (apps, homes) = apps_of(&planned, model.as_ref(), &platform_name(&plan.app_name));
        let root = self.root().to_path_buf();
        self.make_account(new, admin, now, &mut |store| {
            let total = check_source(db, &planned, &root)?;
            let job = Job {
                db,
                planned: &planned,
                all: &all,
                total,
                cancel,
                progress,
            };
            let (made_apps, made) = fill(store, &job, &apps, &homes)?;
            if let Some(model) = &model {
                make_views(store, model, &planned, &made_apps, &made, &admin.name, now)?;
            }
            Ok(format!(
                "production made from {} ({} tables, {} records)",
                db.path.display(),
                made.len(),
                total
            ))
        })
    }
}

/// Checks what the plan needs of the disk; returns how many rows will be
/// read. (Links are checked as rows are read: `links`.)
fn check_source(db: &SourceDb, planned: &[Planned<'_>], root: &Path) -> Result<u64> {
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

/// An environment file's views of the tables made, with the fields made;
/// a view of a table or fields left out keeps what is left, or goes.
fn make_views(
    store: &mut dyn EnvironmentStore,
    model: &FileModel,
    planned: &[Planned<'_>],
    apps: &[AppDef],
    made: &[TableDef],
    author: &str,
    at: DateTime<Utc>,
) -> Result<()> {
    for view in &model.views {
        let Some(app) = apps.iter().find(|a| a.name.eq_ignore_ascii_case(&view.app)) else {
            continue;
        };
        let Some(t) = planned
            .iter()
            .position(|p| p.shape.info.name.eq_ignore_ascii_case(&view.table))
        else {
            continue;
        };
        let def = &made[t];
        let field = |n: &str| {
            def.fields
                .iter()
                .find(|f| f.name.eq_ignore_ascii_case(n))
                .map(|f| f.id)
        };
        let field_ids: Vec<i64> = view.fields.iter().filter_map(|f| field(f)).collect();
        if field_ids.is_empty() {
            continue;
        }
        let filter = view.filter.as_ref().and_then(|f| {
            Some(ViewFilter {
                field_id: field(&f.field)?,
                op: f.op,
                value: f.value.clone(),
            })
        });
        store.apply(
            &Change::CreateView {
                app_id: app.id,
                table_id: def.id,
                name: view.name.clone(),
                field_ids,
                filter,
            },
            author,
            at,
        )?;
    }
    Ok(())
}

/// What reading the source into a new store needs.
struct Job<'a> {
    db: &'a SourceDb,
    planned: &'a [Planned<'a>],
    all: &'a [Shape],
    total: u64,
    cancel: &'a AtomicBool,
    progress: &'a dyn Fn(SourceProgress),
}

/// Makes the model and writes every row; returns the apps and tables made.
fn fill(
    store: &mut dyn EnvironmentStore,
    job: &Job<'_>,
    apps: &[String],
    homes: &[Vec<usize>],
) -> Result<(Vec<AppDef>, Vec<TableDef>)> {
    let Job {
        db,
        planned,
        all,
        total,
        cancel,
        progress,
    } = *job;
    let index_of = |source: &str| planned.iter().position(|p| p.shape.info.name == source);
    let model: Vec<ModelTable> = planned
        .iter()
        .zip(homes)
        .map(|(p, home)| ModelTable {
            name: p.shape.table_name.clone(),
            apps: home.clone(),
            fields: p
                .fields
                .iter()
                .map(|(column, name, kind, options)| {
                    let field = match kind {
                        SourceKind::Link => {
                            let target = p
                                .shape
                                .link_target(column, all)
                                .map(|t| t.info.name.as_str())
                                .unwrap_or_default();
                            ModelField::LinkTo(index_of(target).unwrap_or(usize::MAX))
                        }
                        k => ModelField::Plain(
                            field_type(*k, options, None).unwrap_or(FieldType::Text),
                        ),
                    };
                    (name.clone(), field)
                })
                .collect(),
        })
        .collect();
    let (made_apps, made) = store.create_model(apps, &model)?;
    let mut done = 0u64;
    progress(SourceProgress {
        done_rows: 0,
        total_rows: total,
    });
    // For each table, for each field: the table a link points to.
    let link_of: Vec<Vec<Option<usize>>> = planned
        .iter()
        .map(|p| {
            p.fields
                .iter()
                .map(|(column, _, kind, _)| {
                    (*kind == SourceKind::Link)
                        .then(|| p.shape.link_target(column, all))
                        .flatten()
                        .and_then(|t| index_of(&t.info.name))
                })
                .collect()
        })
        .collect();
    let order = load_order(
        &link_of
            .iter()
            .map(|l| l.iter().flatten().copied().collect())
            .collect::<Vec<_>>(),
    );
    let targets: Vec<bool> = (0..planned.len())
        .map(|t| link_of.iter().flatten().any(|l| *l == Some(t)))
        .collect();
    let mut ids: Vec<IdSet> = (0..planned.len()).map(|_| IdSet::default()).collect();
    let mut loaded = vec![false; planned.len()];
    store.load(&mut |sink| {
        for &t in &order {
            let (p, table) = (&planned[t], &made[t]);
            // Links whose target's ids are known are checked row by row;
            // the others by SQL on the source, now.
            let mut by_set: Vec<Option<usize>> = vec![None; p.fields.len()];
            for (f, target) in link_of[t].iter().enumerate() {
                let Some(u) = *target else { continue };
                if u != t && loaded[u] && !ids[u].overflow {
                    by_set[f] = Some(u);
                    continue;
                }
                let column = &p.fields[f].0;
                let to = &planned[u].shape.info;
                let (count, examples) = db.dangling(&p.shape.info.name, column, &to.name, &to.key[0])?;
                if count > 0 {
                    return Err(dangling(&p.shape.info.name, column, &to.name, &examples.join("; ")));
                }
            }
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
                for (i, cell) in cells[skip..].iter_mut().enumerate() {
                    let cell = std::mem::replace(cell, cutover_core::source::Cell::Null);
                    values.push(take_owned(cell, &types[i]).map_err(|why| {
                        Error::invalid(format!(
                            "Nothing was created: in \"{}\", column \"{}\", record {id}: {why}. Change the column's type in the preview, or leave it out, and create again.",
                            p.shape.info.name, p.fields[i].0
                        ))
                    })?);
                }
                for (f, u) in by_set.iter().enumerate() {
                    if let (Some(u), Value::Integer(v)) = (u, &values[f]) {
                        if !ids[*u].contains(*v) {
                            return Err(dangling(&p.shape.info.name, &p.fields[f].0, &planned[*u].shape.info.name, &v.to_string()));
                        }
                    }
                }
                if targets[t] {
                    ids[t].insert(id);
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
            loaded[t] = true;
        }
        if cancel.load(Ordering::Relaxed) {
            return Err(cancelled());
        }
        Ok(())
    })?;
    progress(SourceProgress {
        done_rows: done,
        total_rows: total.max(done),
    });
    Ok((made_apps, made))
}

/// The refusal for link values that name no row of their table.
fn dangling(table: &str, column: &str, target: &str, examples: &str) -> Error {
    Error::invalid(format!(
        "Nothing was created: values of \"{table}\".\"{column}\" name no row of \"{target}\" (for example {examples}). Make the column a number instead of a link, or fix the source."
    ))
}

fn cancelled() -> Error {
    Error::new(ErrorKind::Conflict, "Cancelled: nothing was created.")
}
