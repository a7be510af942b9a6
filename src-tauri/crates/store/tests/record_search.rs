//! Searching a table's records: any field, any case, the user's % and _
//! taken literally, the count of matches beside the table's total, and an
//! over-long search refused.

mod common;

use common::{desk, instant as at};
use cutover_core::records::{CellInput, RecordQuery};
use cutover_core::{ErrorKind, Result};

#[test]
fn a_search_finds_records_by_any_value_in_any_case() -> Result<()> {
    let d = desk()?;
    let table =
        d.ws.definitions(d.sandbox)?
            .tables
            .into_iter()
            .find(|t| t.name == "Employees")
            .expect("Employees");
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
