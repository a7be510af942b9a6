use super::*;
use crate::ErrorKind;

fn field(id: i64, name: &str, field_type: FieldType) -> FieldDef {
    FieldDef {
        id,
        table_id: 1,
        name: name.into(),
        field_type,
    }
}

#[test]
fn entity_names_must_be_plain_and_start_with_a_letter() {
    assert_eq!(validate_entity_name("field", "  Phone  ").unwrap(), "Phone");
    assert_eq!(
        validate_entity_name("field", "Start date (planned)").unwrap(),
        "Start date (planned)"
    );
    assert_eq!(
        validate_entity_name("app", "Ventes & Achats").unwrap(),
        "Ventes & Achats"
    );
    for bad in [
        "",
        "   ",
        "1st",
        "_x",
        "Price$",
        "a;DROP TABLE",
        "tab\there",
    ] {
        let e = validate_entity_name("field", bad).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Invalid, "{bad:?}");
    }
    assert!(validate_entity_name("field", &"x".repeat(61)).is_err());
    assert!(validate_entity_name("field", "Price$")
        .unwrap_err()
        .message
        .contains("remove \"$\""));
}

#[test]
fn options_are_trimmed_unique_and_bounded() {
    let ok = validate_options(&[" Low".into(), "High ".into()]).unwrap();
    assert_eq!(ok, vec!["Low", "High"]);
    assert!(validate_options(&[]).is_err());
    let dup = validate_options(&["Low".into(), "low".into()]).unwrap_err();
    assert!(dup.message.contains("twice"));
    let many: Vec<String> = (0..101).map(|i| format!("O{i}")).collect();
    assert!(validate_options(&many).is_err());
}

#[test]
fn filters_fit_their_field() {
    let fields = [
        field(1, "Name", FieldType::Text),
        field(2, "Budget", FieldType::Number),
        field(3, "Active", FieldType::Boolean),
    ];
    let f = |field_id, op, value: &str| ViewFilter {
        field_id,
        op,
        value: value.into(),
    };
    assert!(validate_filter(&f(1, FilterOp::Contains, "an"), &fields).is_ok());
    assert!(validate_filter(&f(2, FilterOp::GreaterThan, "1000"), &fields).is_ok());
    assert!(validate_filter(&f(3, FilterOp::IsEmpty, ""), &fields).is_ok());
    assert!(validate_filter(&f(2, FilterOp::Contains, "1"), &fields).is_err());
    assert!(validate_filter(&f(2, FilterOp::Equals, "lots"), &fields)
        .unwrap_err()
        .message
        .contains("not a number"));
    assert!(validate_filter(&f(2, FilterOp::Equals, ""), &fields).is_err());
    assert!(validate_filter(&f(3, FilterOp::LessThan, "yes"), &fields).is_err());
    assert!(validate_filter(&f(9, FilterOp::Equals, "x"), &fields).is_err());
}

#[test]
fn changes_arrive_as_tagged_json_from_the_ui() {
    let json = r#"{"change":"add_field","tableId":3,"name":"Phone","fieldType":{"type":"text"}}"#;
    let change: Change = serde_json::from_str(json).unwrap();
    assert_eq!(
        change,
        Change::AddField {
            table_id: 3,
            name: "Phone".into(),
            field_type: FieldType::Text
        }
    );
}
