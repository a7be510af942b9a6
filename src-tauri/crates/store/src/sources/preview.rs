//! The model proposed for a source database, with what would not fit:
//! one pass over each table profiles every column for every kind, so the
//! admin can switch a column's kind and see its misfits without reading
//! the source again.

use super::file::FileModel;
use super::read::{SourceDb, TableInfo};
use crate::env_store::sqlite::export::FileFieldType;
use cutover_core::definitions::FieldType;
use cutover_core::source::{
    platform_name, take, Misfits, Profile, SourceColumn, SourceKind, SourcePreview, SourceProgress,
    SourceTable, VALUE_KINDS,
};
use cutover_core::{Error, Result};
use std::collections::HashSet;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

/// What the schema and the keys' values say of a table, before any column
/// is profiled.
#[derive(Debug, Clone)]
pub struct Shape {
    pub info: TableInfo,
    pub table_name: String,
    /// One whole-number key whose values (all 1 or more) become the ids.
    pub ids_kept: bool,
    /// The columns that become fields, each with the field name it gets.
    pub fields: Vec<(String, String)>,
}

impl Shape {
    /// The table `column` may link to: a foreign key to a table whose ids
    /// are kept, on that table's key.
    pub fn link_target<'a>(&self, column: &str, shapes: &'a [Shape]) -> Option<&'a Shape> {
        let fk = self
            .info
            .foreign_keys
            .iter()
            .find(|fk| fk.column.eq_ignore_ascii_case(column))?;
        let target = shapes
            .iter()
            .find(|s| s.info.name.eq_ignore_ascii_case(&fk.table))?;
        let on_key = match &fk.to {
            None => true,
            Some(to) => target.info.key.len() == 1 && target.info.key[0].eq_ignore_ascii_case(to),
        };
        (target.ids_kept && target.info.problem.is_none() && on_key).then_some(target)
    }
}

/// Names made unique (case aside) by numbering repeats.
fn unique(name: String, taken: &mut HashSet<String>) -> String {
    let mut candidate = name.clone();
    let mut n = 2;
    while !taken.insert(candidate.to_lowercase()) {
        let suffix = format!(" {n}");
        let room = 60 - suffix.chars().count();
        candidate = format!("{}{suffix}", name.chars().take(room).collect::<String>());
        n += 1;
    }
    candidate
}

/// Every table's shape, from its schema and one check of its key values.
pub fn shapes(db: &SourceDb) -> Result<Vec<Shape>> {
    let mut taken = HashSet::new();
    let mut out = Vec::new();
    for info in db.tables()? {
        let table_name = unique(platform_name(&info.name), &mut taken);
        let ids_kept = info.problem.is_none() && info.key.len() == 1 && {
            let k = super::read::quote(&info.key[0]);
            // A rowid key is a whole number: only its smallest is checked,
            // from the rowid B-tree at once; any other key, row by row.
            let sql = if info.rowid_key {
                format!(
                    "SELECT coalesce(min({k}), 1) < 1 FROM {}",
                    super::read::quote(&info.name)
                )
            } else {
                format!(
                    "SELECT count(*) FROM {} WHERE typeof({k}) <> 'integer' OR {k} < 1",
                    super::read::quote(&info.name)
                )
            };
            let odd: i64 = db
                .conn()
                .query_row(&sql, [], |r| r.get(0))
                .map_err(|e| db.fail(e))?;
            odd == 0
        };
        let mut names = HashSet::new();
        let fields = info
            .columns
            .iter()
            .filter(|c| !(ids_kept && c.name.eq_ignore_ascii_case(&info.key[0])))
            .map(|c| (c.name.clone(), unique(platform_name(&c.name), &mut names)))
            .collect();
        out.push(Shape {
            info,
            table_name,
            ids_kept,
            fields,
        });
    }
    Ok(out)
}

/// How far a preview has read, reported every this many rows (and where
/// a stop is noticed).
const REPORT_EVERY: u64 = 8192;

/// The rows a preview has read of all it will read, and the admin's stop.
struct Reading<'a> {
    done: u64,
    total: u64,
    progress: &'a dyn Fn(SourceProgress),
    stop: &'a AtomicBool,
}

impl Reading<'_> {
    fn row(&mut self) -> Result<()> {
        self.done += 1;
        if self.done % REPORT_EVERY == 0 {
            if self.stop.load(Ordering::Relaxed) {
                return Err(Error::cancelled(
                    "Stopped reading the source; nothing was created or changed.",
                ));
            }
            (self.progress)(SourceProgress {
                done_rows: self.done,
                total_rows: self.total,
            });
        }
        Ok(())
    }
}

/// Reads `path` (a database, or a folder of CSV files converted under
/// `tmp_dir`) and proposes the model, with every misfit counted. Reports
/// rows read of all there are; `stop` ends it `cancelled` (it only reads).
pub fn preview(
    path: &Path,
    tmp_dir: &Path,
    progress: &dyn Fn(SourceProgress),
    stop: &AtomicBool,
) -> Result<SourcePreview> {
    let opened = super::csv::open(path, tmp_dir)?;
    let db = &opened.db;
    let shapes = shapes(db)?;
    let model = db.file_model()?;
    let mut reading = Reading {
        done: 0,
        total: 0,
        progress,
        stop,
    };
    for shape in shapes.iter().filter(|s| s.info.problem.is_none()) {
        reading.total += db.count(&shape.info.name)?;
    }
    progress(SourceProgress {
        done_rows: 0,
        total_rows: reading.total,
    });
    let mut tables = Vec::new();
    for shape in &shapes {
        tables.push(table_preview(
            db,
            shape,
            &shapes,
            model.as_ref(),
            &mut reading,
        )?);
    }
    if tables.is_empty() {
        return Err(Error::invalid(format!(
            "{} holds no tables. Choose the database that holds your platform's data.",
            path.display()
        )));
    }
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "Imported".into());
    Ok(SourcePreview {
        path: path.display().to_string(),
        size_bytes: db.size_bytes,
        app_name: platform_name(&stem),
        from_folder: db.from_folder,
        apps: model.map(|m| m.apps).unwrap_or_default(),
        tables,
    })
}

/// The kind an environment file gives a field, with a choice's options.
pub fn file_kind(ft: &FileFieldType) -> (SourceKind, Vec<String>) {
    match ft {
        FileFieldType::Text => (SourceKind::Text, Vec::new()),
        FileFieldType::Number => (SourceKind::Number, Vec::new()),
        FileFieldType::Date => (SourceKind::Date, Vec::new()),
        FileFieldType::Boolean => (SourceKind::Boolean, Vec::new()),
        FileFieldType::Choice { options } => (SourceKind::Choice, options.clone()),
        FileFieldType::Link { .. } => (SourceKind::Link, Vec::new()),
    }
}

fn table_preview(
    db: &SourceDb,
    shape: &Shape,
    shapes: &[Shape],
    model: Option<&FileModel>,
    reading: &mut Reading<'_>,
) -> Result<SourceTable> {
    let info = &shape.info;
    if info.problem.is_some() {
        return Ok(SourceTable {
            name: info.name.clone(),
            table_name: shape.table_name.clone(),
            key: info.key.clone(),
            ids_kept: false,
            rows: if info.columns.is_empty() {
                0
            } else {
                db.count(&info.name)?
            },
            columns: Vec::new(),
            problem: info.problem.clone(),
        });
    }
    let columns: Vec<String> = shape.fields.iter().map(|(c, _)| c.clone()).collect();
    let mut profiles: Vec<Profile> = columns.iter().map(|_| Profile::new()).collect();
    let links: Vec<Option<&Shape>> = columns
        .iter()
        .map(|c| shape.link_target(c, shapes))
        .collect();
    // What an environment file says each field is.
    let filed: Vec<Option<(SourceKind, Vec<String>)>> = columns
        .iter()
        .map(|c| {
            model
                .and_then(|m| m.field_type(&info.name, c))
                .map(file_kind)
        })
        .collect();
    // The kinds whose fit is judged with more than the value (a link, a
    // file's choice with its options), with what does not fit them.
    let mut exact: Vec<Option<(FieldType, Misfits)>> = columns
        .iter()
        .enumerate()
        .map(|(i, _)| {
            let (ft, kind) = match (&filed[i], links[i]) {
                (Some((SourceKind::Choice, options)), _) => (
                    FieldType::Choice {
                        options: options.clone(),
                    },
                    SourceKind::Choice,
                ),
                (_, Some(_)) => (FieldType::Link { table_id: 0 }, SourceKind::Link),
                _ => return None,
            };
            Some((
                ft,
                Misfits {
                    kind: Some(kind),
                    ..Misfits::default()
                },
            ))
        })
        .collect();
    let mut rows = 0u64;
    db.scan(info, &columns, &mut |cells| {
        rows += 1;
        reading.row()?;
        for (i, cell) in cells.iter().enumerate() {
            profiles[i].see(cell);
            if let Some((ft, m)) = &mut exact[i] {
                if let Err(why) = take(cell, ft) {
                    m.add(why);
                }
            }
        }
        Ok(true)
    })?;
    let mut out = Vec::new();
    for (i, (column, field_name)) in shape.fields.iter().enumerate() {
        let declared = info
            .columns
            .iter()
            .find(|c| &c.name == column)
            .map(|c| c.declared.clone())
            .unwrap_or_default();
        let p = &profiles[i];
        let mut offered: Vec<Misfits> = VALUE_KINDS.iter().map(|k| p.misfits(*k)).collect();
        let mut proposed = p.propose(&declared);
        let mut options = p.distinct.clone().filter(|d| !d.is_empty());
        match exact[i].take() {
            Some((
                FieldType::Choice {
                    options: filed_options,
                },
                m,
            )) => {
                options = Some(filed_options);
                offered.push(m);
            }
            Some((_, mut m)) => {
                if let Some(target) = links[i] {
                    let (count, examples) =
                        db.dangling(&info.name, column, &target.info.name, &target.info.key[0])?;
                    m.count += count;
                    for e in examples {
                        if m.examples.len() < cutover_core::source::EXAMPLES {
                            m.examples.push(e);
                        }
                    }
                    if m.count == 0 {
                        proposed = SourceKind::Link;
                    }
                }
                if options.is_some() {
                    offered.push(p.misfits(SourceKind::Choice));
                }
                offered.push(m);
            }
            None => {
                if options.is_some() {
                    offered.push(p.misfits(SourceKind::Choice));
                }
            }
        }
        // An environment file says what each field is: that is proposed
        // whenever its values fit it.
        if let Some((kind, _)) = &filed[i] {
            if offered
                .iter()
                .any(|m| m.kind == Some(*kind) && m.count == 0)
            {
                proposed = *kind;
            }
        }
        offered.push(Misfits {
            kind: Some(SourceKind::Skip),
            ..Misfits::default()
        });
        out.push(SourceColumn {
            name: column.clone(),
            field_name: field_name.clone(),
            declared_type: declared,
            proposed,
            offered,
            options,
            links_to: links[i].map(|t| t.info.name.clone()),
        });
    }
    Ok(SourceTable {
        name: info.name.clone(),
        table_name: shape.table_name.clone(),
        key: info.key.clone(),
        ids_kept: shape.ids_kept,
        rows,
        columns: out,
        problem: None,
    })
}
