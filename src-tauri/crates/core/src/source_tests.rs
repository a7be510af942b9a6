use super::*;

fn profile(cells: &[Cell]) -> Profile {
    let mut p = Profile::new();
    for c in cells {
        p.see(c);
    }
    p
}

fn text(s: &str) -> Cell {
    Cell::Text(s.into())
}

#[test]
fn values_are_taken_exactly_or_refused_with_why() {
    let n = FieldType::Number;
    assert_eq!(take(&Cell::Integer(42), &n), Ok(Value::Number(42.0)));
    assert_eq!(take(&Cell::Real(0.1), &n), Ok(Value::Number(0.1)));
    assert_eq!(take(&text("12.50"), &n), Ok(Value::Number(12.5)));
    assert_eq!(take(&Cell::Null, &n), Ok(Value::Null));
    // 2^53 + 1 would come back as 2^53.
    let big = take(&Cell::Integer(9_007_199_254_740_993), &n).unwrap_err();
    assert!(big.contains("more digits") && big.contains("text"), "{big}");
    assert_eq!(
        take(&Cell::Integer(9_007_199_254_740_992), &n),
        Ok(Value::Number(9_007_199_254_740_992.0))
    );
    // Decimals: as many digits as a double keeps, and not one more.
    assert_eq!(
        take(&text("123456789012.345"), &n),
        Ok(Value::Number(123456789012.345))
    );
    assert!(take(&text("1234567890123.4567"), &n)
        .unwrap_err()
        .contains("more digits"));
    assert_eq!(
        take(&text("0.000000000000001"), &n),
        Ok(Value::Number(1e-15))
    );
    assert!(take(&text(""), &n).is_err());
    assert!(take(&text("12 apples"), &n)
        .unwrap_err()
        .contains("not a number"));
    assert!(take(&Cell::Real(f64::INFINITY), &n).is_err());

    // Text keeps every value as written, empty and unicode included.
    let t = FieldType::Text;
    assert_eq!(take(&text(""), &t), Ok(Value::Text(String::new())));
    assert_eq!(
        take(&text("  Zürich 東京 ✓ "), &t),
        Ok(Value::Text("  Zürich 東京 ✓ ".into()))
    );
    assert_eq!(
        take(&Cell::Integer(i64::MAX), &t),
        Ok(Value::Text(i64::MAX.to_string()))
    );
    assert_eq!(take(&Cell::Real(2.5), &t), Ok(Value::Text("2.5".into())));
    assert!(take(&Cell::Blob(12), &t)
        .unwrap_err()
        .contains("binary data (12 bytes)"));

    let d = FieldType::Date;
    assert_eq!(
        take(&text("2024-02-29"), &d),
        Ok(Value::Text("2024-02-29".into()))
    );
    assert!(take(&text("2023-02-29"), &d).is_err());
    assert!(take(&text("2024-02-01 10:30:00"), &d)
        .unwrap_err()
        .contains("time of day"));
    assert!(take(&Cell::Integer(1_700_000_000), &d)
        .unwrap_err()
        .contains("not a date"));

    let b = FieldType::Boolean;
    assert_eq!(take(&Cell::Integer(1), &b), Ok(Value::Bool(true)));
    assert_eq!(take(&text("false"), &b), Ok(Value::Bool(false)));
    assert!(take(&Cell::Integer(2), &b)
        .unwrap_err()
        .contains("not 0 or 1"));

    let c = FieldType::Choice {
        options: vec!["High".into(), "Low".into()],
    };
    assert_eq!(take(&text("High"), &c), Ok(Value::Text("High".into())));
    // Exactly: "high" would come back as "High".
    assert!(take(&text("high"), &c).is_err());

    let l = FieldType::Link { table_id: 3 };
    assert_eq!(take(&Cell::Integer(7), &l), Ok(Value::Integer(7)));
    assert!(take(&Cell::Integer(0), &l).is_err());
    assert!(take(&text("7"), &l).is_err());
}

#[test]
fn a_column_is_proposed_the_first_kind_all_its_values_fit() {
    let numbers = profile(&[Cell::Integer(1), Cell::Real(2.5), Cell::Null]);
    assert_eq!(numbers.propose(""), SourceKind::Number);
    assert_eq!(numbers.propose("DECIMAL(10,2)"), SourceKind::Number);
    assert_eq!(numbers.values, 2);

    let dates = profile(&[text("2024-01-31"), text("2024-02-01 00:00:00")]);
    assert_eq!(dates.propose("DATE"), SourceKind::Date);
    assert_eq!(dates.propose(""), SourceKind::Date);
    // A declared text stays text even when the values look like dates.
    assert_eq!(dates.propose("VARCHAR(10)"), SourceKind::Text);

    let stamps = profile(&[text("2024-01-31 09:15:00")]);
    assert_eq!(stamps.propose("DATETIME"), SourceKind::Text);
    assert_eq!(stamps.propose("DATE"), SourceKind::Text);

    let flags = profile(&[Cell::Integer(0), Cell::Integer(1)]);
    assert_eq!(flags.propose("BOOLEAN"), SourceKind::Boolean);
    assert_eq!(flags.propose("INTEGER"), SourceKind::Number);
    assert_eq!(
        profile(&[text("yes"), text("no")]).propose(""),
        SourceKind::Boolean
    );

    let mixed = profile(&[Cell::Integer(1), text("two")]);
    assert_eq!(mixed.propose("NUMERIC"), SourceKind::Text);
    let misfit = mixed.misfits(SourceKind::Number);
    assert_eq!(misfit.count, 1);
    assert!(misfit.examples[0].contains("\"two\""));

    assert_eq!(profile(&[Cell::Blob(3)]).propose("BLOB"), SourceKind::Skip);
    assert_eq!(
        profile(&[Cell::Null]).propose("INTEGER"),
        SourceKind::Number
    );
    assert_eq!(profile(&[]).propose(""), SourceKind::Number);
}

#[test]
fn misfits_are_counted_with_a_few_examples() {
    let cells: Vec<Cell> = (0..10).map(|i| text(&format!("n{i}"))).collect();
    let p = profile(&cells);
    let m = p.misfits(SourceKind::Number);
    assert_eq!((m.count, m.examples.len()), (10, EXAMPLES));
    assert_eq!(m.kind, Some(SourceKind::Number));
    assert_eq!(p.misfits(SourceKind::Text).count, 0);
}

#[test]
fn few_different_values_can_make_a_choice_and_many_cannot() {
    let p = profile(&[text("Open"), text("Closed"), text("Open"), Cell::Null]);
    assert_eq!(
        p.distinct,
        Some(vec!["Open".to_string(), "Closed".to_string()])
    );
    let cells: Vec<Cell> = (0..=CHOICE_LIMIT).map(|i| text(&format!("v{i}"))).collect();
    assert_eq!(profile(&cells).distinct, None);
    assert_eq!(profile(&[text("a"), Cell::Blob(1)]).distinct, None);
    assert_eq!(profile(&[text(&"x".repeat(61))]).distinct, None);
    // Options are names the designer accepts, exactly as written, and
    // told apart regardless of case.
    assert_eq!(profile(&[text("a"), text("A")]).distinct, None);
    assert_eq!(profile(&[text(" Gold")]).distinct, None);
    assert_eq!(profile(&[text("2024")]).distinct, None);
    assert_eq!(
        profile(&[text("Work-in-progress (late)")])
            .distinct
            .map(|d| d.len()),
        Some(1)
    );
}

#[test]
fn source_names_become_names_the_platform_accepts() {
    assert_eq!(platform_name("order_items"), "order_items");
    assert_eq!(platform_name("2024 sales"), "T 2024 sales");
    assert_eq!(platform_name("a.b;c\"d"), "a.b_c_d");
    assert_eq!(platform_name("Città"), "Città");
    assert_eq!(platform_name(&"x".repeat(100)).chars().count(), 60);
    for name in ["_x", "2", "é#", "[weird] name", &"ü".repeat(70)] {
        crate::change::validate_entity_name("table", &platform_name(name)).unwrap();
    }
}

#[test]
fn kinds_make_field_types() {
    assert_eq!(field_type(SourceKind::Skip, &[], None), None);
    assert_eq!(field_type(SourceKind::Link, &[], None), None);
    assert_eq!(
        field_type(SourceKind::Link, &[], Some(4)),
        Some(FieldType::Link { table_id: 4 })
    );
    assert_eq!(SourceKind::parse("choice").unwrap(), SourceKind::Choice);
}

#[test]
fn the_quick_verdict_agrees_with_taking_the_value() {
    let cells = [
        Cell::Null,
        Cell::Blob(4),
        Cell::Integer(0),
        Cell::Integer(1),
        Cell::Integer(2),
        Cell::Integer(-9_007_199_254_740_993),
        Cell::Real(1.5),
        Cell::Real(f64::NAN),
        text(""),
        text(" 12 "),
        text("1e400"),
        text("12345678901234567"),
        text("2024-02-29"),
        text("2024-02-30"),
        text("2024-02-29 00:00:00"),
        text("2024-02-29T10:00:00Z"),
        text("29/02/2024"),
        text("yes"),
        text("TRUE"),
        text("maybe so"),
        text("inf"),
        text("NaN"),
    ];
    for cell in &cells {
        for kind in VALUE_KINDS {
            let to = field_type(kind, &[], None).unwrap();
            if let Some(quick) = quick_fit(cell, kind) {
                assert_eq!(quick, take(cell, &to).is_ok(), "{cell:?} as {kind:?}");
            }
        }
    }
}

#[test]
fn taking_a_value_by_move_gives_what_taking_it_by_reference_gives() {
    let types = [
        FieldType::Text,
        FieldType::Number,
        FieldType::Date,
        FieldType::Boolean,
        FieldType::Choice {
            options: vec!["Gold".into()],
        },
        FieldType::Link { table_id: 1 },
    ];
    for cell in [
        text("Gold"),
        text(""),
        text("2024-01-01"),
        Cell::Integer(1),
        Cell::Real(2.5),
        Cell::Null,
        Cell::Blob(2),
    ] {
        for to in &types {
            assert_eq!(
                take_owned(cell.clone(), to),
                take(&cell, to),
                "{cell:?} as {to:?}"
            );
        }
    }
}
