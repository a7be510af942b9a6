//! Production from data that already exists: what a column of another
//! database becomes in the platform model, which of its values fit, and
//! the admin's choices. The reading itself is the store's (`sources`); the
//! rules are here so that they can be tested without a database.
//!
//! Invariant: a value is taken only when it fits its field exactly (a
//! number with more digits than a number field holds, a date-time with a
//! time of day, binary data: none fits); the preview counts what would not
//! fit and the import refuses rather than cut it.

pub use crate::source_plan::{
    ColumnPlan, SourceColumn, SourcePlan, SourcePreview, SourceTable, TablePlan,
};

use crate::definitions::{FieldType, Value};
use crate::value::parse_input;
use serde::{Deserialize, Serialize};
use specta::Type;

/// A choice field offers at most this many options (the designer's
/// limit); a column with more different values is not offered as a choice.
pub const CHOICE_LIMIT: usize = 100;
/// Examples of values that do not fit, kept per column and kind.
pub const EXAMPLES: usize = 3;
/// Integers beyond this lose digits in a number field (an IEEE double).
const EXACT_INTEGER: i64 = 1 << 53;

/// One value as the source database holds it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
    /// Binary data, by its length: no field holds it.
    Blob(usize),
}

/// What Cutover makes of a source column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum SourceKind {
    Text,
    Number,
    Date,
    Boolean,
    Choice,
    Link,
    /// Left out: the column is not imported.
    Skip,
}

text_enum!(SourceKind {
    Text = "text", Number = "number", Date = "date", Boolean = "boolean",
    Choice = "choice", Link = "link", Skip = "skip",
});

/// The kinds whose fit is judged value by value, in the order a column
/// without a telling declared type tries them.
pub const VALUE_KINDS: [SourceKind; 4] = [
    SourceKind::Number,
    SourceKind::Date,
    SourceKind::Boolean,
    SourceKind::Text,
];

/// The field type a kind makes, given a choice's options and a link's
/// target table; `None` for a column left out.
pub fn field_type(
    kind: SourceKind,
    options: &[String],
    link_table: Option<i64>,
) -> Option<FieldType> {
    Some(match kind {
        SourceKind::Text => FieldType::Text,
        SourceKind::Number => FieldType::Number,
        SourceKind::Date => FieldType::Date,
        SourceKind::Boolean => FieldType::Boolean,
        SourceKind::Choice => FieldType::Choice {
            options: options.to_vec(),
        },
        SourceKind::Link => FieldType::Link {
            table_id: link_table?,
        },
        SourceKind::Skip => return None,
    })
}

/// The value `cell` becomes in a field of `to`, or why it does not fit.
pub fn take(cell: &Cell, to: &FieldType) -> Result<Value, String> {
    match (cell, to) {
        (Cell::Null, _) => Ok(Value::Null),
        (Cell::Blob(n), _) => Err(format!(
            "binary data ({n} bytes), which no field holds; leave the column out"
        )),
        (Cell::Text(t), FieldType::Text) => Ok(Value::Text(t.clone())),
        (Cell::Integer(i), FieldType::Text) => Ok(Value::Text(i.to_string())),
        (Cell::Real(r), FieldType::Text) => Ok(Value::Text(r.to_string())),
        (Cell::Integer(i), FieldType::Number) if i.unsigned_abs() > EXACT_INTEGER as u64 => Err(
            format!("{i} has more digits than a number field holds exactly; make the field text"),
        ),
        (Cell::Integer(i), FieldType::Number) => Ok(Value::Number(*i as f64)),
        (Cell::Real(r), FieldType::Number) if r.is_finite() => Ok(Value::Number(*r)),
        (Cell::Real(r), FieldType::Number) => Err(format!("{r} is not a finite number")),
        (Cell::Text(t), FieldType::Number) => {
            let n = parse_input(to, t)?;
            if significant_digits(t) > 15 {
                Err(format!(
                    "\"{}\" has more digits than a number field holds exactly; make the field text",
                    shorten(t)
                ))
            } else if t.trim().is_empty() {
                Err("an empty text, not a number".into())
            } else {
                Ok(n)
            }
        }
        (Cell::Integer(i), FieldType::Boolean) => match i {
            0 => Ok(Value::Bool(false)),
            1 => Ok(Value::Bool(true)),
            _ => Err(format!("{i} is not 0 or 1")),
        },
        (Cell::Integer(i), FieldType::Link { .. }) if *i > 0 => Ok(Value::Integer(*i)),
        (Cell::Integer(i), FieldType::Link { .. }) => Err(format!("{i} is not a record id")),
        (Cell::Integer(_) | Cell::Real(_), FieldType::Date) => Err(format!(
            "{} is a number, not a date as YYYY-MM-DD",
            cell_text(cell)
        )),
        (_, FieldType::Link { .. }) => Err(format!(
            "\"{}\" is not a record id",
            shorten(&cell_text(cell))
        )),
        (_, FieldType::Choice { options }) => {
            let text = cell_text(cell);
            if options.contains(&text) {
                Ok(Value::Text(text))
            } else {
                Err(format!("\"{}\" is not one of the options", shorten(&text)))
            }
        }
        _ => {
            let text = cell_text(cell);
            if text.trim().is_empty() {
                return Err(
                    "an empty text, which this field would not keep; make the field text".into(),
                );
            }
            parse_input(to, &text).map_err(|e| e.trim_end_matches('.').to_string())
        }
    }
}

/// Whether `cell` fits `kind`, when that is plain without converting it;
/// `None` when only [`take`] can tell. Agrees with `take` (tested).
fn quick_fit(cell: &Cell, kind: SourceKind) -> Option<bool> {
    match (cell, kind) {
        (Cell::Null, _) => Some(true),
        (Cell::Blob(_), _) => Some(false),
        (Cell::Text(_) | Cell::Integer(_) | Cell::Real(_), SourceKind::Text) => Some(true),
        (Cell::Integer(i), SourceKind::Number) => Some(i.unsigned_abs() <= EXACT_INTEGER as u64),
        (Cell::Real(r), SourceKind::Number) => Some(r.is_finite()),
        (Cell::Integer(_) | Cell::Real(_), SourceKind::Date) => Some(false),
        (Cell::Integer(i), SourceKind::Boolean) => Some(*i == 0 || *i == 1),
        (Cell::Text(t), SourceKind::Date) => {
            let b = t.trim().as_bytes();
            let shaped = b.len() >= 10 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-';
            if shaped {
                None
            } else {
                Some(false)
            }
        }
        (Cell::Text(t), SourceKind::Number) => {
            let t = t.trim();
            if t.parse::<f64>().is_err() {
                Some(false)
            } else {
                None
            }
        }
        (Cell::Text(t), SourceKind::Boolean) => {
            if t.trim().len() > 5 {
                Some(false)
            } else {
                None
            }
        }
        _ => None,
    }
}

/// As [`take`], moving a text into a text field instead of copying it.
pub fn take_owned(cell: Cell, to: &FieldType) -> Result<Value, String> {
    match (cell, to) {
        (Cell::Text(t), FieldType::Text) => Ok(Value::Text(t)),
        (cell, to) => take(&cell, to),
    }
}

fn cell_text(cell: &Cell) -> String {
    match cell {
        Cell::Null | Cell::Blob(_) => String::new(),
        Cell::Integer(i) => i.to_string(),
        Cell::Real(r) => r.to_string(),
        Cell::Text(t) => t.clone(),
    }
}

/// Digits that carry the value, leading zeros and any exponent aside.
fn significant_digits(number: &str) -> usize {
    let mantissa = number.trim().split(['e', 'E']).next().unwrap_or_default();
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let digits = digits.trim_start_matches('0');
    if mantissa.contains('.') {
        digits.len()
    } else {
        digits.trim_end_matches('0').len()
    }
}

/// A value as an example in the preview: at most 60 characters.
pub fn shorten(text: &str) -> String {
    if text.chars().count() <= 60 {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(59).collect::<String>())
    }
}

/// Values of one kind that do not fit, counted, with a few examples.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Misfits {
    pub kind: Option<SourceKind>,
    pub count: u64,
    pub examples: Vec<String>,
}

impl Misfits {
    pub fn add(&mut self, why: String) {
        self.count += 1;
        if self.examples.len() < EXAMPLES {
            self.examples.push(why);
        }
    }
}

/// What one pass over a column found: which values fit each kind, and its
/// different values while there are few enough to make a choice.
#[derive(Debug, Clone, Default)]
pub struct Profile {
    pub values: u64,
    pub misfits: [Misfits; 4],
    /// Different texts, in order of first appearance; `None` once there
    /// are more than [`CHOICE_LIMIT`] or one could not be an option.
    pub distinct: Option<Vec<String>>,
}

impl Profile {
    pub fn new() -> Self {
        let mut misfits: [Misfits; 4] = Default::default();
        for (m, kind) in misfits.iter_mut().zip(VALUE_KINDS) {
            m.kind = Some(kind);
        }
        Self {
            values: 0,
            misfits,
            distinct: Some(Vec::new()),
        }
    }

    pub fn see(&mut self, cell: &Cell) {
        if *cell == Cell::Null {
            return;
        }
        self.values += 1;
        for (m, kind) in self.misfits.iter_mut().zip(VALUE_KINDS) {
            // Most cells are decided without building a message; the
            // message is only written while examples are still wanted.
            let fits = match quick_fit(cell, kind) {
                Some(true) => continue,
                Some(false) if m.examples.len() >= EXAMPLES => false,
                _ => {
                    let to = field_type(kind, &[], None).unwrap_or(FieldType::Text);
                    match take(cell, &to) {
                        Ok(_) => true,
                        Err(why) => {
                            m.add(why);
                            continue;
                        }
                    }
                }
            };
            if !fits {
                m.count += 1;
            }
        }
        if let Some(d) = &mut self.distinct {
            let fresh = match cell {
                Cell::Text(t) => !d.iter().any(|o| o == t),
                other => !d.contains(&cell_text(other)),
            };
            if !fresh {
                return;
            }
            // Options are what the designer accepts, exactly as the values
            // are written and told apart regardless of case.
            let option = cell_text(cell);
            let valid = !matches!(cell, Cell::Blob(_))
                && crate::change::validate_entity_name("option", &option)
                    .is_ok_and(|o| o == option)
                && !d.iter().any(|o| o.eq_ignore_ascii_case(&option));
            if !valid || d.len() == CHOICE_LIMIT {
                self.distinct = None;
            } else {
                d.push(option);
            }
        }
    }

    pub fn misfits(&self, kind: SourceKind) -> Misfits {
        match kind {
            SourceKind::Choice => Misfits {
                kind: Some(kind),
                ..self.misfits[3].clone()
            },
            k => VALUE_KINDS
                .iter()
                .position(|v| *v == k)
                .map(|i| self.misfits[i].clone())
                .unwrap_or(Misfits {
                    kind: Some(k),
                    ..Misfits::default()
                }),
        }
    }

    /// The kind proposed for a column declared `declared`: the first that
    /// every value fits among those its declared type suggests; left out
    /// when nothing fits (binary data).
    pub fn propose(&self, declared: &str) -> SourceKind {
        let d = declared.to_ascii_uppercase();
        let order: &[SourceKind] = if d.contains("BOOL") {
            &[SourceKind::Boolean, SourceKind::Number, SourceKind::Text]
        } else if d.contains("DATE") && !d.contains("TIME") {
            &[SourceKind::Date, SourceKind::Text]
        } else if d.contains("INT")
            || ["REAL", "FLOA", "DOUB", "NUM", "DEC"]
                .iter()
                .any(|t| d.contains(t))
        {
            &[SourceKind::Number, SourceKind::Text]
        } else if ["CHAR", "CLOB", "TEXT"].iter().any(|t| d.contains(t)) {
            &[SourceKind::Text]
        } else {
            &VALUE_KINDS
        };
        if self.values == 0 {
            return order[0];
        }
        order
            .iter()
            .copied()
            .find(|k| self.misfits(*k).count == 0)
            .unwrap_or(SourceKind::Skip)
    }
}

/// A name the platform accepts, made from a source's: characters it does
/// not allow become `_`, a name not starting with a letter gets `T ` in
/// front, and it is cut at 60 characters.
pub fn platform_name(source: &str) -> String {
    let mut name: String = source
        .trim()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || " _-&/().'".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    if !name.chars().next().is_some_and(char::is_alphabetic) {
        name = format!("T {name}");
    }
    name.chars()
        .take(60)
        .collect::<String>()
        .trim_end()
        .to_string()
}

/// Progress of an account made from a source, in rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SourceProgress {
    pub done_rows: u64,
    pub total_rows: u64,
}

/// What making an account from a source sends while it runs.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum SourceEvent {
    Progress(SourceProgress),
    Created {
        account_id: crate::account::AccountId,
    },
    Failed {
        error: crate::Error,
    },
}

#[cfg(test)]
#[path = "source_tests.rs"]
mod tests;
