//! Record values to and from the server's real column types: a date field
//! is a `date`, a number `double precision`, a yes/no `boolean`, a link
//! `bigint`; the values Cutover works with are the same as the SQLite
//! store's (a date as `YYYY-MM-DD` text).

use cutover_core::definitions::{FieldType, Value};
use cutover_core::{Error, Result};
use postgres::types::ToSql;
use postgres::Row;

pub(super) type Param = Box<dyn ToSql + Sync>;

/// `value` as a parameter for a column of `field_type`.
pub(super) fn param(value: &Value, field_type: &FieldType, field: &str) -> Result<Param> {
    let wrong = || {
        Error::invalid(format!(
            "Field \"{field}\" cannot hold the value {value:?}."
        ))
    };
    Ok(match (field_type, value) {
        (FieldType::Text | FieldType::Choice { .. }, Value::Null) => Box::new(None::<String>),
        (FieldType::Number, Value::Null) => Box::new(None::<f64>),
        (FieldType::Date, Value::Null) => Box::new(None::<chrono::NaiveDate>),
        (FieldType::Boolean, Value::Null) => Box::new(None::<bool>),
        (FieldType::Link { .. }, Value::Null) => Box::new(None::<i64>),
        (FieldType::Text | FieldType::Choice { .. }, Value::Text(t)) => Box::new(t.clone()),
        (FieldType::Number, Value::Number(n)) => Box::new(*n),
        (FieldType::Number, Value::Integer(i)) => Box::new(*i as f64),
        (FieldType::Date, Value::Text(t)) => {
            Box::new(chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d").map_err(|_| wrong())?)
        }
        (FieldType::Boolean, Value::Bool(b)) => Box::new(*b),
        (FieldType::Link { .. }, Value::Integer(i)) => Box::new(*i),
        _ => return Err(wrong()),
    })
}

/// The value in column `index` of `row`, a column of `field_type`.
pub(super) fn read(row: &Row, index: usize, field_type: &FieldType) -> Result<Value> {
    let failed = |e: postgres::Error| Error::internal(format!("Could not read a value: {e}."));
    Ok(match field_type {
        FieldType::Text | FieldType::Choice { .. } => row
            .try_get::<_, Option<String>>(index)
            .map_err(failed)?
            .map_or(Value::Null, Value::Text),
        FieldType::Number => row
            .try_get::<_, Option<f64>>(index)
            .map_err(failed)?
            .map_or(Value::Null, Value::Number),
        FieldType::Date => row
            .try_get::<_, Option<chrono::NaiveDate>>(index)
            .map_err(failed)?
            .map_or(Value::Null, |d| {
                Value::Text(d.format("%Y-%m-%d").to_string())
            }),
        FieldType::Boolean => row
            .try_get::<_, Option<bool>>(index)
            .map_err(failed)?
            .map_or(Value::Null, Value::Bool),
        FieldType::Link { .. } => row
            .try_get::<_, Option<i64>>(index)
            .map_err(failed)?
            .map_or(Value::Null, Value::Integer),
    })
}
