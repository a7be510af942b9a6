//! Searching a table's records: any field, any case, the user's % and _
//! taken literally, the count of matches beside the table's total, and an
//! over-long search refused; a filter on one field with the operations of
//! a view, its value read as the field's type.

mod common;

use common::{desk, instant as at};
use cutover_core::change::{FilterOp, ViewFilter};
use cutover_core::definitions::{TableDef, Value};
use cutover_core::records::{CellInput, RecordQuery};
use cutover_core::{ErrorKind, Result};

/// The sandbox's Employees table.
fn employees(d: &common::Desk) -> Result<TableDef> {
    Ok(d.ws
        .definitions(d.sandbox)?
        .tables
        .into_iter()
        .find(|t| t.name == "Employees")
        .expect("Employees"))
}

#[test]
fn a_search_finds_records_by_any_value_in_any_case() -> Result<()> {
    let d = desk()?;
    let table = employees(&d)?;
    let name = table
        .fields
        .iter()
        .find(|f| f.name == "Name")
        .expect("Name")
        .id;
    let add = |text: &str| {
        d.ws.insert_record(
            d.sandbox,
            table.id,
            &[CellInput {
                field_id: name,
                text: text.into(),
            }],
            &d.alex,
            at("2026-11-02T10:00:00Z"),
        )
    };
    add("Zelda Quartermaine")?;
    add("100% Zelda_Q")?;
    let search = |s: &str| {
        d.ws.record_page(
            d.sandbox,
            table.id,
            &RecordQuery {
                limit: 50,
                search: Some(s.into()),
                ..Default::default()
            },
        )
    };
    let page = search("  zelda ")?;
    assert_eq!((page.total, page.in_table), (2, 152));
    assert_eq!(page.records.len(), 2);
    // % and _ are themselves, not "anything".
    assert_eq!(search("100%")?.total, 1);
    assert_eq!(search("a_q")?.total, 1);
    assert_eq!(search("zz%%nothing")?.total, 0);
    // An empty search is no search.
    assert_eq!(search("   ")?.total, 152);
    let err = search(&"x".repeat(201)).expect_err("too long");
    assert_eq!(err.kind, ErrorKind::Invalid);
    assert!(
        err.message.contains("at most 200 characters"),
        "{}",
        err.message
    );
    Ok(())
}

#[test]
fn a_filter_keeps_the_records_whose_field_compares_so() -> Result<()> {
    let d = desk()?;
    let table = employees(&d)?;
    let field = |n: &str| -> (usize, i64) {
        let i = table.fields.iter().position(|f| f.name == n).expect(n);
        (i, table.fields[i].id)
    };
    let (name_at, name) = field("Name");
    d.ws.insert_record(
        d.sandbox,
        table.id,
        &[CellInput {
            field_id: name,
            text: "Zelda Quartermaine".into(),
        }],
        &d.alex,
        at("2026-11-02T10:00:00Z"),
    )?;
    let query = |filter: Option<ViewFilter>, search: Option<&str>| {
        d.ws.record_page(
            d.sandbox,
            table.id,
            &RecordQuery {
                limit: 500,
                search: search.map(str::to_string),
                filter,
                ..Default::default()
            },
        )
    };
    // The oracle: every record, compared here.
    let all = query(None, None)?.records;
    assert_eq!(all.len(), 151);
    let count = |at: usize, keep: &dyn Fn(&Value) -> bool| {
        all.iter().filter(|r| keep(&r.values[at])).count() as u32
    };
    let filter = |n: &str, op: FilterOp, value: &str| {
        Some(ViewFilter {
            field_id: field(n).1,
            op,
            value: value.into(),
        })
    };
    let (dept_at, _) = field("Department");
    let finance = count(dept_at, &|v| *v == Value::Text("Finance".into()));
    assert!(finance > 0);
    // Choices and text compare ignoring case, as search does.
    let page = query(filter("Department", FilterOp::Equals, "finance"), None)?;
    assert_eq!((page.total, page.in_table), (finance, 151));
    assert!(page
        .records
        .iter()
        .all(|r| r.values[dept_at] == Value::Text("Finance".into())));
    // "Not" keeps the empty ones too.
    let page = query(filter("Department", FilterOp::NotEquals, "Finance"), None)?;
    assert_eq!(page.total, 151 - finance);
    // Days are read as the app writes them; later means after.
    let (start_at, _) = field("Start date");
    let after = count(
        start_at,
        &|v| matches!(v, Value::Text(t) if t.as_str() > "2026-01-01"),
    );
    let page = query(
        filter("Start date", FilterOp::GreaterThan, "1 Jan 2026"),
        None,
    )?;
    assert_eq!(page.total, after);
    let (active_at, _) = field("Active");
    let inactive = count(active_at, &|v| *v == Value::Bool(false));
    assert_eq!(
        query(filter("Active", FilterOp::Equals, "no"), None)?.total,
        inactive
    );
    let (email_at, _) = field("Email");
    let wilsons = count(
        email_at,
        &|v| matches!(v, Value::Text(t) if t.contains("wilson")),
    );
    assert_eq!(
        query(filter("Email", FilterOp::Contains, "WILSON"), None)?.total,
        wilsons
    );
    // Empty values, and a filter together with a search.
    let page = query(filter("Phone", FilterOp::IsEmpty, ""), None)?;
    assert_eq!(page.total, 1);
    assert_eq!(
        page.records[0].values[name_at],
        Value::Text("Zelda Quartermaine".into())
    );
    assert_eq!(
        query(filter("Phone", FilterOp::IsEmpty, ""), Some("zelda"))?.total,
        1
    );
    assert_eq!(
        query(filter("Phone", FilterOp::IsNotEmpty, ""), Some("zelda"))?.total,
        0
    );

    // Refusals say which input is wrong.
    let err = query(filter("Start date", FilterOp::Equals, "soon"), None).expect_err("bad day");
    assert_eq!(err.kind, ErrorKind::Invalid);
    assert_eq!(err.fields[0].field, "value");
    let err = query(filter("Start date", FilterOp::Equals, " "), None).expect_err("no value");
    assert_eq!(err.fields[0].field, "value");
    let err = query(filter("Active", FilterOp::Contains, "y"), None).expect_err("not text");
    assert_eq!(err.fields[0].field, "filter");
    Ok(())
}
