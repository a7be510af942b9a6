//! Values of record fields: checking what the user typed (or a CSV cell)
//! against a field's type, and converting stored values when a field is
//! retyped. One parser serves forms and imports so that both accept the
//! same things.

use crate::definitions::{FieldType, Value};
use chrono::NaiveDate;

/// Parses what a user typed into a value of `field_type`. An empty input is
/// no value (`Null`). The error says what is wrong, for the user.
pub fn parse_input(field_type: &FieldType, input: &str) -> Result<Value, String> {
    let text = input.trim();
    if text.is_empty() {
        return Ok(Value::Null);
    }
    match field_type {
        FieldType::Text => Ok(Value::Text(input.to_string())),
        FieldType::Number => match text.parse::<f64>() {
            Ok(n) if n.is_finite() => Ok(Value::Number(n)),
            _ => Err(format!("\"{text}\" is not a number.")),
        },
        FieldType::Date => parse_date(text).map(|d| Value::Text(d.format("%Y-%m-%d").to_string())),
        FieldType::Boolean => match text.to_ascii_lowercase().as_str() {
            "true" | "yes" | "y" | "1" => Ok(Value::Bool(true)),
            "false" | "no" | "n" | "0" => Ok(Value::Bool(false)),
            _ => Err(format!("\"{text}\" is not yes or no.")),
        },
        FieldType::Choice { options } => options
            .iter()
            .find(|o| o.eq_ignore_ascii_case(text))
            .map(|o| Value::Text(o.clone()))
            .ok_or_else(|| {
                format!(
                    "\"{text}\" is not one of the options ({}).",
                    options.join(", ")
                )
            }),
        FieldType::Link { .. } => match text.parse::<i64>() {
            Ok(id) if id > 0 => Ok(Value::Integer(id)),
            _ => Err(format!("\"{text}\" is not a record id.")),
        },
    }
}

/// A date as YYYY-MM-DD, or a date-time at midnight as databases export
/// dates (`1962-02-18 00:00:00`, `1962-02-18T00:00:00.000Z`). A date-time
/// with another time of day is refused rather than cut: a date field would
/// lose the time.
fn parse_date(text: &str) -> Result<NaiveDate, String> {
    if let Ok(d) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(d);
    }
    // As the app shows days: "1 Dec 2026" (or the month in full).
    for shown in ["%d %b %Y", "%d %B %Y"] {
        if let Ok(d) = NaiveDate::parse_from_str(text.trim(), shown) {
            return Ok(d);
        }
    }
    let stamp = text.trim_end_matches('Z').replacen('T', " ", 1);
    let at = ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|f| chrono::NaiveDateTime::parse_from_str(&stamp, f).ok())
        .ok_or_else(|| {
            format!("\"{text}\" is not a date: write it as 2026-12-01 or 1 Dec 2026.")
        })?;
    if at.time() == chrono::NaiveTime::MIN {
        Ok(at.date())
    } else {
        Err(format!(
            "\"{text}\" has a time of day ({}); a date field holds dates only. Export the column as dates, or make the field text to keep the times.",
            at.time().format("%H:%M:%S")
        ))
    }
}

/// The text a value is shown and exported as.
pub fn to_text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::Bool(b) => if *b { "yes" } else { "no" }.to_string(),
        Value::Integer(i) => i.to_string(),
        Value::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
        Value::Number(n) => n.to_string(),
        Value::Text(t) => t.clone(),
    }
}

/// Converts a stored value to another field type, as a retype does. A
/// boolean becomes 1 or 0 as a number; everything else goes through its
/// text, so a retype accepts exactly what a user could have typed.
pub fn convert(value: &Value, to: &FieldType) -> Result<Value, String> {
    match (value, to) {
        (Value::Bool(b), FieldType::Number) => Ok(Value::Number(if *b { 1.0 } else { 0.0 })),
        _ => parse_input(to, &to_text(value)),
    }
}

/// Checks a value that arrived already typed (from the UI) against a field
/// type, by its text, and returns it as stored.
pub fn check(field_type: &FieldType, value: &Value) -> Result<Value, String> {
    match (field_type, value) {
        (_, Value::Null) => Ok(Value::Null),
        (FieldType::Boolean, Value::Bool(_)) => Ok(value.clone()),
        (FieldType::Number, Value::Integer(i)) => Ok(Value::Number(*i as f64)),
        (FieldType::Number, Value::Number(n)) if n.is_finite() => Ok(value.clone()),
        (FieldType::Link { .. }, Value::Integer(i)) if *i > 0 => Ok(value.clone()),
        _ => parse_input(field_type, &to_text(value)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choice() -> FieldType {
        FieldType::Choice {
            options: vec!["Low".into(), "High".into()],
        }
    }

    #[test]
    fn inputs_are_parsed_by_type() {
        assert_eq!(
            parse_input(&FieldType::Number, " 12.5 "),
            Ok(Value::Number(12.5))
        );
        assert!(parse_input(&FieldType::Number, "12a")
            .unwrap_err()
            .contains("not a number"));
        assert!(parse_input(&FieldType::Number, "NaN").is_err());
        assert_eq!(
            parse_input(&FieldType::Date, "2026-03-29"),
            Ok(Value::Text("2026-03-29".into()))
        );
        assert!(parse_input(&FieldType::Date, "2026-02-30").is_err());
        assert!(parse_input(&FieldType::Date, "29/03/2026").is_err());
        // As the app shows days, the month short or in full.
        for shown in ["1 Dec 2026", " 1 December 2026 ", "01 dec 2026"] {
            assert_eq!(
                parse_input(&FieldType::Date, shown),
                Ok(Value::Text("2026-12-01".into())),
                "{shown}"
            );
        }
        assert!(parse_input(&FieldType::Date, "31 Feb 2026").is_err());
        assert!(parse_input(&FieldType::Date, "1 Dex 2026")
            .unwrap_err()
            .contains("write it as 2026-12-01 or 1 Dec 2026"));
        assert_eq!(
            parse_input(&FieldType::Boolean, "Yes"),
            Ok(Value::Bool(true))
        );
        assert_eq!(
            parse_input(&FieldType::Boolean, "0"),
            Ok(Value::Bool(false))
        );
        assert!(parse_input(&FieldType::Boolean, "maybe").is_err());
        assert_eq!(
            parse_input(&choice(), "high"),
            Ok(Value::Text("High".into()))
        );
        let e = parse_input(&choice(), "Urgent").unwrap_err();
        assert!(e.contains("Low, High"), "{e}");
        assert_eq!(
            parse_input(&FieldType::Link { table_id: 1 }, "7"),
            Ok(Value::Integer(7))
        );
        assert!(parse_input(&FieldType::Link { table_id: 1 }, "-1").is_err());
        assert_eq!(parse_input(&FieldType::Number, "  "), Ok(Value::Null));
        assert_eq!(
            parse_input(&FieldType::Text, " as typed "),
            Ok(Value::Text(" as typed ".into()))
        );
    }

    #[test]
    fn date_times_at_midnight_are_dates_and_other_times_are_refused() {
        let date = |t: &str| parse_input(&FieldType::Date, t);
        for midnight in [
            "1962-02-18 00:00:00",
            "1962-02-18T00:00:00",
            "1962-02-18T00:00:00.000Z",
            "1962-02-18 00:00",
        ] {
            assert_eq!(
                date(midnight),
                Ok(Value::Text("1962-02-18".into())),
                "{midnight}"
            );
        }
        let e = date("1962-02-18 13:45:00").expect_err("a time of day");
        assert!(e.contains("has a time of day (13:45:00)"), "{e}");
        assert!(date("18/02/1962 00:00:00").is_err());
    }

    #[test]
    fn conversions_accept_what_a_user_could_type() {
        assert_eq!(
            convert(&Value::Text("42".into()), &FieldType::Number),
            Ok(Value::Number(42.0))
        );
        assert!(convert(&Value::Text("forty".into()), &FieldType::Number).is_err());
        assert_eq!(
            convert(&Value::Number(3.0), &FieldType::Text),
            Ok(Value::Text("3".into()))
        );
        assert_eq!(
            convert(&Value::Bool(true), &FieldType::Number),
            Ok(Value::Number(1.0))
        );
        assert_eq!(
            convert(&Value::Number(1.0), &FieldType::Boolean),
            Ok(Value::Bool(true))
        );
        assert_eq!(
            convert(&Value::Text("low".into()), &choice()),
            Ok(Value::Text("Low".into()))
        );
        assert_eq!(convert(&Value::Null, &FieldType::Date), Ok(Value::Null));
    }

    #[test]
    fn typed_values_are_checked() {
        assert_eq!(
            check(&FieldType::Number, &Value::Integer(2)),
            Ok(Value::Number(2.0))
        );
        assert!(check(&FieldType::Number, &Value::Text("x".into())).is_err());
        assert!(check(&FieldType::Boolean, &Value::Text("x".into())).is_err());
        assert_eq!(
            check(&FieldType::Date, &Value::Text("2026-10-25".into())),
            Ok(Value::Text("2026-10-25".into()))
        );
    }
}
