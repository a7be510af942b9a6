//! App definitions as a low-code platform has them (DESIGN section 3).
//!
//! An app groups tables; a table may belong to several apps (an
//! "Employees" table shared by Projects and HR); a table has typed fields
//! and its records; a view shows some fields of one table. Ids, not names,
//! identify every definition so that a rename never breaks a reference.

use crate::change::ViewFilter;
use serde::{Deserialize, Serialize};
use specta::Type;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FieldType {
    Text,
    Number,
    /// A calendar date, stored as `YYYY-MM-DD`.
    Date,
    Boolean,
    Choice {
        options: Vec<String>,
    },
    /// A reference to a record of another table, by its id.
    Link {
        table_id: i64,
    },
}

impl FieldType {
    /// The SQL column type that holds values of this field.
    pub fn sql_type(&self) -> &'static str {
        match self {
            Self::Text | Self::Date | Self::Choice { .. } => "TEXT",
            Self::Number => "REAL",
            Self::Boolean | Self::Link { .. } => "INTEGER",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct FieldDef {
    pub id: i64,
    pub table_id: i64,
    pub name: String,
    pub field_type: FieldType,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TableDef {
    pub id: i64,
    pub name: String,
    /// The apps this table belongs to; more than one when shared.
    pub app_ids: Vec<i64>,
    pub fields: Vec<FieldDef>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AppDef {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ViewDef {
    pub id: i64,
    pub app_id: i64,
    pub table_id: i64,
    pub name: String,
    pub field_ids: Vec<i64>,
    /// Which records the view shows; all when `None`.
    pub filter: Option<ViewFilter>,
}

/// Everything that defines an environment's apps, in id order.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Definitions {
    pub apps: Vec<AppDef>,
    pub tables: Vec<TableDef>,
    pub views: Vec<ViewDef>,
}

/// One value of a record, as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(untagged)]
pub enum Value {
    Null,
    Bool(bool),
    Integer(i64),
    Number(f64),
    Text(String),
}

/// A record of a table: its id and its values in field order.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Record {
    pub id: i64,
    pub values: Vec<Value>,
}
