//! The preview of a source database and the admin's plan for it, as the
//! New account dialog shows and adjusts them (see [`crate::source`]).

use crate::source::{Misfits, SourceKind};
use serde::{Deserialize, Serialize};
use specta::Type;
/// What Cutover makes of one source column, as the preview shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SourceColumn {
    pub name: String,
    /// The name the field gets in Cutover.
    pub field_name: String,
    pub declared_type: String,
    pub proposed: SourceKind,
    /// The kinds the admin may pick, with what would not fit each.
    pub offered: Vec<Misfits>,
    /// A choice's options, when the column has few enough values.
    pub options: Option<Vec<String>>,
    /// The source table a link points to (a foreign key).
    pub links_to: Option<String>,
}

/// One source table: its key, rows and columns, or why it cannot come.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SourceTable {
    pub name: String,
    /// The name the table gets in Cutover.
    pub table_name: String,
    pub key: Vec<String>,
    /// True when the key is one whole-number column whose values become
    /// the records' ids; otherwise records are numbered anew in key order
    /// and the key columns kept as fields.
    pub ids_kept: bool,
    pub rows: u64,
    pub columns: Vec<SourceColumn>,
    /// Why the table cannot be imported (then it is left out).
    pub problem: Option<String>,
}

/// A source database as read, with the model Cutover proposes for it.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SourcePreview {
    pub path: String,
    pub size_bytes: u64,
    /// The app the tables go into.
    pub app_name: String,
    /// Read from a folder of CSV files (records numbered in file order).
    pub from_folder: bool,
    /// The apps of a Cutover environment file, which its tables go back
    /// into; empty for any other database.
    pub apps: Vec<String>,
    pub tables: Vec<SourceTable>,
}

/// The admin's choices for one column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ColumnPlan {
    pub name: String,
    pub kind: SourceKind,
    /// A choice's options (checked against every value on import).
    pub options: Vec<String>,
}

/// The admin's choices for one table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TablePlan {
    pub name: String,
    pub include: bool,
    pub columns: Vec<ColumnPlan>,
}

/// Production from a source: the file and the admin's choices, as the
/// preview proposed them and the admin adjusted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SourcePlan {
    pub path: String,
    pub app_name: String,
    pub tables: Vec<TablePlan>,
}

impl SourcePreview {
    /// The plan the preview proposes: every table that can come, each
    /// column of the kind proposed (a choice with every value seen).
    pub fn proposed_plan(&self) -> SourcePlan {
        SourcePlan {
            path: self.path.clone(),
            app_name: self.app_name.clone(),
            tables: self
                .tables
                .iter()
                .map(|t| TablePlan {
                    name: t.name.clone(),
                    include: t.problem.is_none(),
                    columns: t
                        .columns
                        .iter()
                        .map(|c| ColumnPlan {
                            name: c.name.clone(),
                            kind: c.proposed,
                            options: c.options.clone().unwrap_or_default(),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

impl SourcePlan {
    /// The plan of table `table`, to adjust.
    pub fn table_mut(&mut self, table: &str) -> Option<&mut TablePlan> {
        self.tables.iter_mut().find(|t| t.name == table)
    }

    /// Sets the kind of `table`.`column`; false when there is no such column.
    pub fn set_kind(&mut self, table: &str, column: &str, kind: SourceKind) -> bool {
        self.table_mut(table)
            .and_then(|t| t.columns.iter_mut().find(|c| c.name == column))
            .map(|c| c.kind = kind)
            .is_some()
    }
}
