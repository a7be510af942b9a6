//! Records as the Records screen sees them: pages, edits and CSV imports.
//!
//! Values arrive as the text a user typed or a CSV cell held and are parsed
//! by [`crate::value::parse_input`], so a form and an import accept exactly
//! the same things.

use crate::definitions::{FieldDef, Record};
use serde::{Deserialize, Serialize};
use specta::Type;

pub const MAX_RECORD_PAGE: u32 = 500;
/// The longest search text accepted, in characters.
pub const MAX_SEARCH: usize = 200;

/// Which page of a table's records to show, sorted by a field (or by id),
/// and only those with `search` in a value (any field, any case) if given.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RecordQuery {
    pub sort_field_id: Option<i64>,
    pub descending: bool,
    pub offset: u32,
    pub limit: u32,
    #[serde(default)]
    pub search: Option<String>,
    /// Only records whose field compares so with the value (as a view's
    /// filter); its value is read as the field's type.
    #[serde(default)]
    pub filter: Option<crate::change::ViewFilter>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RecordPage {
    /// The table's fields, in the order of each record's values.
    pub fields: Vec<FieldDef>,
    pub records: Vec<Record>,
    /// Records that match the search (all when there is none), across
    /// all pages.
    pub total: u32,
    /// Records in the table, whatever the search.
    pub in_table: u32,
}

/// One field's new value, as typed.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CellInput {
    pub field_id: i64,
    pub text: String,
}

/// Where each CSV column goes: `field_ids[i]` receives column `i`, or
/// nothing when `None`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ImportMapping {
    pub field_ids: Vec<Option<i64>>,
}

/// The first lines of a CSV file, to map its columns before importing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CsvPreview {
    pub headers: Vec<String>,
    pub sample: Vec<Vec<String>>,
    /// Data rows in the file (not counting the header).
    pub rows: u32,
    /// A proposed mapping: a column goes to the field of the same name.
    pub suggested: Vec<Option<i64>>,
}

/// How far an import has got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ImportProgress {
    pub rows_read: u32,
    pub rows_total: u32,
    pub accepted: u32,
    pub rejected: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RejectedRow {
    /// The line in the file, counting the header as line 1.
    pub line: u32,
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ImportOutcome {
    /// The accepted rows were committed; the rejected ones were not.
    Committed,
    /// Cancelled by the user: nothing was imported.
    Cancelled,
    /// Failed (or interrupted): nothing was imported.
    Failed,
}

/// The end of an import, as the report shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    pub outcome: ImportOutcome,
    pub accepted: u32,
    pub rejected: Vec<RejectedRow>,
    /// Why it failed, when it did.
    pub problem: Option<String>,
}

/// An import as the environment's status shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ImportJob {
    pub id: i64,
    pub environment_id: i64,
    pub table_id: i64,
    pub file_name: String,
    pub author: String,
    pub started_at: chrono::DateTime<chrono::Utc>,
}

/// What an import sends while it runs: progress, then one report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum ImportEvent {
    Progress(ImportProgress),
    Finished(ImportReport),
}

impl ImportOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Committed => "committed",
            Self::Cancelled => "cancelled",
            Self::Failed => "failed",
        }
    }
}

/// A column or field name as the mapping compares it: letters and digits
/// only, lower case ("E-mail address", "email_address" and "EmailAddress"
/// all read "emailaddress").
fn comparable(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Suggests a mapping: each header goes to the field with the same name,
/// ignoring case, spaces and punctuation; each field is suggested once
/// (to its first matching column), and a header with no letters or digits
/// matches nothing.
pub fn suggest_mapping(headers: &[String], fields: &[FieldDef]) -> Vec<Option<i64>> {
    let mut taken = Vec::new();
    headers
        .iter()
        .map(|h| {
            let wanted = comparable(h);
            let found = fields
                .iter()
                .find(|f| {
                    !wanted.is_empty() && comparable(&f.name) == wanted && !taken.contains(&f.id)
                })
                .map(|f| f.id);
            taken.extend(found);
            found
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::definitions::FieldType;

    #[test]
    fn columns_map_to_fields_of_the_same_name() {
        let fields = vec![
            FieldDef {
                id: 7,
                table_id: 1,
                name: "Full name".into(),
                field_type: FieldType::Text,
            },
            FieldDef {
                id: 8,
                table_id: 1,
                name: "Salary".into(),
                field_type: FieldType::Number,
            },
        ];
        let headers = vec![" full NAME".into(), "Unknown".into(), "Salary".into()];
        assert_eq!(
            suggest_mapping(&headers, &fields),
            vec![Some(7), None, Some(8)]
        );
        // Spaces, underscores, hyphens and case do not matter; a field is
        // suggested once; punctuation alone matches nothing.
        let headers = vec![
            "FULL_NAME".into(),
            "full-name".into(),
            "--".into(),
            "salary ".into(),
        ];
        assert_eq!(
            suggest_mapping(&headers, &fields),
            vec![Some(7), None, None, Some(8)]
        );
    }
}
