//! Record edits, pages and CSV imports, one suite for both backends (see
//! `backends.rs`): the same typed cells, searches, filters and imports give
//! the same records, totals and refusals on SQLite and on a server.

#[macro_use]
mod common;

use cutover_core::change::{FilterOp, ViewFilter};
use cutover_core::definitions::{FieldType, Value};
use cutover_core::records::{CellInput, RecordQuery};
use cutover_core::{Error, ErrorKind, Result};
use cutover_store::env_store::{CsvRow, EnvironmentStore, StoreBackend};

struct People {
    store: Box<dyn EnvironmentStore>,
    table: i64,
    /// Name, Salary, Start, Active, Team, Manager.
    fields: Vec<i64>,
}

fn people(backend: &dyn StoreBackend) -> Result<People> {
    let mut store = backend.create("prod", "10.0.1")?;
    let app = store.create_app("HR")?;
    let table = store.create_table(
        &[app.id],
        "People",
        &[
            ("Name", FieldType::Text),
            ("Salary", FieldType::Number),
            ("Start", FieldType::Date),
            ("Active", FieldType::Boolean),
            (
                "Team",
                FieldType::Choice {
                    options: vec!["Red".into(), "Blue".into()],
                },
            ),
        ],
    )?;
    // A link to its own table needs the table's id first.
    let change = cutover_core::change::Change::AddField {
        table_id: table.id,
        name: "Manager".into(),
        field_type: FieldType::Link { table_id: table.id },
    };
    let manager = store.apply(&change, "Alex", chrono::Utc::now())?.entity_id;
    let mut fields: Vec<i64> = table.fields.iter().map(|f| f.id).collect();
    fields.push(manager);
    Ok(People {
        store,
        table: table.id,
        fields,
    })
}

fn cells(fields: &[i64], texts: &[&str]) -> Vec<CellInput> {
    fields
        .iter()
        .zip(texts)
        .map(|(id, t)| CellInput {
            field_id: *id,
            text: t.to_string(),
        })
        .collect()
}

fn typed_cells_are_checked_and_links_kept_whole(backend: &dyn StoreBackend) -> Result<()> {
    let People {
        mut store,
        table,
        fields,
    } = people(backend)?;
    let ada = store.insert_record(
        table,
        &cells(&fields, &["Ada", "5200.5", "2024-02-29", "yes", "red", ""]),
    )?;
    assert_eq!(
        ada.values,
        [
            Value::Text("Ada".into()),
            Value::Number(5200.5),
            Value::Text("2024-02-29".into()),
            Value::Bool(true),
            Value::Text("Red".into()),
            Value::Null
        ]
    );
    let bob = store.insert_record(
        table,
        &cells(&fields, &["Bob", "", "", "no", "", &ada.id.to_string()]),
    )?;
    assert_eq!(bob.values[5], Value::Integer(ada.id));

    let refused = store
        .insert_record(
            table,
            &cells(
                &fields,
                &["Eve", "lots", "2023-02-29", "maybe", "Green", "99"],
            ),
        )
        .expect_err("every cell is wrong but the name");
    let named: Vec<&str> = refused.fields.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(named, ["Salary", "Start", "Active", "Team", "Manager"]);
    assert_eq!(store.records(table)?.len(), 2, "nothing added");

    let edited = store.update_record(table, bob.id, &cells(&fields[1..2], &["4100"]))?;
    assert_eq!(edited.values[0], Value::Text("Bob".into()), "others kept");
    assert_eq!(edited.values[1], Value::Number(4100.0));

    let linked = store
        .delete_record(table, ada.id)
        .expect_err("Bob links to Ada");
    assert_eq!(linked.kind, ErrorKind::Conflict);
    assert!(
        linked.message.contains("1 in People (Manager)"),
        "{}",
        linked.message
    );
    store.delete_record(table, bob.id)?;
    store.delete_record(table, ada.id)?;
    assert!(store.records(table)?.is_empty());
    let gone = store
        .delete_record(table, ada.id)
        .expect_err("already gone");
    assert_eq!(gone.kind, ErrorKind::NotFound);
    Ok(())
}
both!(typed_cells_are_checked_and_links_kept_whole);

fn pages_sort_search_and_filter_alike(backend: &dyn StoreBackend) -> Result<()> {
    let People {
        mut store,
        table,
        fields,
    } = people(backend)?;
    for row in [
        ["Ada", "5200", "2024-02-29", "yes", "Red", ""],
        ["bob", "", "2023-06-01", "no", "Blue", ""],
        ["Cleo 100%", "3100", "", "yes", "", ""],
        ["Dan_", "9000", "2025-01-15", "", "red", ""],
    ] {
        store.insert_record(table, &cells(&fields, &row))?;
    }
    let query = |q: RecordQuery| RecordQuery { limit: 50, ..q };
    let names = |store: &dyn EnvironmentStore, q: RecordQuery| -> Result<(Vec<String>, u32, u32)> {
        let page = store.record_page(table, &query(q))?;
        let names = page
            .records
            .iter()
            .map(|r| match &r.values[0] {
                Value::Text(t) => t.clone(),
                other => format!("{other:?}"),
            })
            .collect();
        Ok((names, page.total, page.in_table))
    };
    let by_salary = names(
        store.as_ref(),
        RecordQuery {
            sort_field_id: Some(fields[1]),
            descending: true,
            ..Default::default()
        },
    )?;
    assert_eq!(
        by_salary.0,
        ["Dan_", "Ada", "Cleo 100%", "bob"],
        "empty last"
    );
    let search = |text: &str| RecordQuery {
        search: Some(text.into()),
        ..Default::default()
    };
    assert_eq!(names(store.as_ref(), search("BOB"))?.0, ["bob"]);
    assert_eq!(names(store.as_ref(), search("100%"))?.0, ["Cleo 100%"]);
    assert_eq!(
        names(store.as_ref(), search("_"))?.0,
        ["Dan_"],
        "_ is itself"
    );
    assert_eq!(names(store.as_ref(), search("2024-02"))?.0, ["Ada"]);
    let filter = |field: usize, op: FilterOp, value: &str| RecordQuery {
        filter: Some(ViewFilter {
            field_id: fields[field],
            op,
            value: value.into(),
        }),
        ..Default::default()
    };
    assert_eq!(
        names(store.as_ref(), filter(4, FilterOp::Equals, "RED"))?,
        (vec!["Ada".into(), "Dan_".into()], 2, 4)
    );
    assert_eq!(
        names(
            store.as_ref(),
            filter(2, FilterOp::GreaterThan, "2024-01-01")
        )?
        .0,
        ["Ada", "Dan_"]
    );
    assert_eq!(
        names(store.as_ref(), filter(1, FilterOp::LessThan, "5200"))?.0,
        ["Cleo 100%"]
    );
    assert_eq!(
        names(store.as_ref(), filter(0, FilterOp::NotEquals, "ADA"))?.0,
        ["bob", "Cleo 100%", "Dan_"]
    );
    assert_eq!(
        names(store.as_ref(), filter(1, FilterOp::IsEmpty, ""))?.0,
        ["bob"]
    );
    assert_eq!(
        names(store.as_ref(), filter(0, FilterOp::Contains, "a"))?.0,
        ["Ada", "Dan_"]
    );
    let both = RecordQuery {
        search: Some("a".into()),
        ..filter(3, FilterOp::Equals, "yes")
    };
    assert_eq!(names(store.as_ref(), both)?.0, ["Ada"]);
    let bad = store
        .record_page(table, &query(filter(1, FilterOp::GreaterThan, "many")))
        .expect_err("not a number");
    assert_eq!(bad.fields[0].field, "value");
    let second = store.record_page(
        table,
        &RecordQuery {
            offset: 3,
            limit: 2,
            ..Default::default()
        },
    )?;
    assert_eq!((second.records.len(), second.total), (1, 4));
    Ok(())
}
both!(pages_sort_search_and_filter_alike);

fn rows(lines: &[&[&str]]) -> Vec<Result<CsvRow>> {
    lines
        .iter()
        .enumerate()
        .map(|(i, cells)| {
            Ok(CsvRow {
                line: i as u32 + 2,
                cells: cells.iter().map(|c| c.to_string()).collect(),
            })
        })
        .collect()
}

fn an_import_commits_its_good_rows_together_or_nothing(backend: &dyn StoreBackend) -> Result<()> {
    let People {
        mut store,
        table,
        fields,
    } = people(backend)?;
    let mapping = [Some(fields[0]), Some(fields[1]), None, Some(fields[4])];
    let lines: &[&[&str]] = &[
        &["Ada", "5200", "ignored", "Red"],
        &["Bob", "lots", "ignored", "Blue"],
        &["Cleo", "3100", "ignored"],
        &["Dan", "", "ignored", "blue"],
    ];
    let mut ticks = 0;
    let (accepted, rejected) = store.import_rows(
        7,
        table,
        &mapping,
        &mut rows(lines).into_iter(),
        &mut |_, _| {
            ticks += 1;
            Ok(())
        },
    )?;
    assert_eq!((accepted, ticks), (2, 4));
    assert_eq!(
        rejected.iter().map(|r| r.line).collect::<Vec<_>>(),
        [3, 4],
        "{rejected:?}"
    );
    assert!(
        rejected[0].reason.contains("Salary"),
        "{}",
        rejected[0].reason
    );
    assert_eq!(store.committed_import(7)?, Some(2));
    assert_eq!(
        store.records(table)?[1].values[4],
        Value::Text("Blue".into())
    );

    let cancelled = store.import_rows(
        8,
        table,
        &mapping,
        &mut rows(lines).into_iter(),
        &mut |accepted, _| {
            if accepted == 2 {
                Err(Error::cancelled("stopped"))
            } else {
                Ok(())
            }
        },
    );
    assert_eq!(cancelled.expect_err("stopped").kind, ErrorKind::Cancelled);
    assert_eq!(
        store.records(table)?.len(),
        2,
        "nothing of the stopped import"
    );
    assert_eq!(store.committed_import(8)?, None);

    let unmapped = store
        .import_rows(
            9,
            table,
            &[None, None],
            &mut rows(lines).into_iter(),
            &mut |_, _| Ok(()),
        )
        .expect_err("nothing mapped");
    assert_eq!(unmapped.kind, ErrorKind::Invalid);
    Ok(())
}
both!(an_import_commits_its_good_rows_together_or_nothing);
