//! What a Cutover environment file (docs/environment-file.md) says of
//! its model: field types with choice options, apps, table order, views.
//! Any other database has none of it and is read by its declared types.

use super::read::SourceDb;
use crate::env_store::sqlite::export::{FileFieldType, FileFilter, FORMAT};
use cutover_core::{Error, Result};

/// What an environment file exported by Cutover says of its model
/// (docs/environment-file.md); `None` for any other database.
#[derive(Debug, Clone, Default)]
pub struct FileModel {
    /// Field types by (table, field), case aside.
    pub fields: Vec<(String, String, FileFieldType)>,
    pub apps: Vec<String>,
    /// Tables in the order they were made.
    pub tables: Vec<String>,
    /// (app, table) pairs.
    pub app_tables: Vec<(String, String)>,
    pub views: Vec<FileView>,
}

/// A view as an environment file gives it: everything by name.
#[derive(Debug, Clone)]
pub struct FileView {
    pub app: String,
    pub table: String,
    pub name: String,
    pub fields: Vec<String>,
    pub filter: Option<FileFilter>,
}

impl FileModel {
    pub fn field_type(&self, table: &str, field: &str) -> Option<&FileFieldType> {
        self.fields
            .iter()
            .find(|(t, f, _)| t.eq_ignore_ascii_case(table) && f.eq_ignore_ascii_case(field))
            .map(|(_, _, ft)| ft)
    }

    pub fn apps_of(&self, table: &str) -> Vec<String> {
        self.app_tables
            .iter()
            .filter(|(_, t)| t.eq_ignore_ascii_case(table))
            .map(|(a, _)| a.clone())
            .collect()
    }
}

impl SourceDb {
    /// The model an environment file describes, when this is one.
    pub fn file_model(&self) -> Result<Option<FileModel>> {
        let format: Option<String> = self
            .conn()
            .query_row(
                "SELECT value FROM cutover_file WHERE key = 'format'",
                [],
                |r| r.get(0),
            )
            .ok();
        if format.as_deref() != Some(FORMAT) {
            return Ok(None);
        }
        let bad = |what: &str| {
            Error::invalid(format!(
                "{} says it is a Cutover environment file but its {what} cannot be read. Export the environment again, or read it as a plain database after removing its cutover_ tables.",
                self.path.display()
            ))
        };
        let rows = |sql: &str, width: usize| -> Result<Vec<Vec<Option<String>>>> {
            let mut stmt = self.conn().prepare(sql).map_err(|_| bad("model"))?;
            let out = stmt
                .query_map([], |r| {
                    (0..width).map(|i| r.get::<_, Option<String>>(i)).collect()
                })
                .map_err(|_| bad("model"))?
                .collect::<rusqlite::Result<Vec<Vec<Option<String>>>>>()
                .map_err(|_| bad("model"));
            out
        };
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let mut model = FileModel::default();
        for r in rows("SELECT table_name, field, field_type FROM cutover_fields ORDER BY table_name, position", 3)? {
            let ft: FileFieldType = serde_json::from_str(&text(&r[2])).map_err(|_| bad("field types"))?;
            model.fields.push((text(&r[0]), text(&r[1]), ft));
        }
        model.apps = rows("SELECT name FROM cutover_apps ORDER BY position", 1)?
            .iter()
            .map(|r| text(&r[0]))
            .collect();
        model.tables = rows("SELECT name FROM cutover_tables ORDER BY position", 1)?
            .iter()
            .map(|r| text(&r[0]))
            .collect();
        model.app_tables = rows("SELECT app, table_name FROM cutover_app_tables", 2)?
            .iter()
            .map(|r| (text(&r[0]), text(&r[1])))
            .collect();
        for r in rows(
            "SELECT app, table_name, name, fields, filter FROM cutover_views ORDER BY rowid",
            5,
        )? {
            let fields: Vec<String> =
                serde_json::from_str(&text(&r[3])).map_err(|_| bad("views"))?;
            let filter = match &r[4] {
                Some(f) => Some(serde_json::from_str::<FileFilter>(f).map_err(|_| bad("views"))?),
                None => None,
            };
            model.views.push(FileView {
                app: text(&r[0]),
                table: text(&r[1]),
                name: text(&r[2]),
                fields,
                filter,
            });
        }
        Ok(Some(model))
    }
}
