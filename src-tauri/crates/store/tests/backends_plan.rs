//! A promotion's plan mixing every kind of change to the same table, one
//! suite for both backends. On a server a plan keeps the tables it read and
//! runs the record tables' DDL in one batch at the end (`postgres::designer`),
//! so the order matters: a retype reads and writes values between DDL, a
//! rename or a delete changes a table read before, fields are added to a
//! table made by the plan. Production must end with the sandbox's design,
//! its records kept and converted, and record tables matching definitions.

#[macro_use]
mod common;

use chrono::{DateTime, TimeZone, Utc};
use cutover_core::change::Change;
use cutover_core::changelog::{AuthorCount, ChangelogFilter};
use cutover_core::definitions::{Definitions, FieldType, Value};
use cutover_core::Result;
use cutover_store::env_store::{EnvironmentStore, StoreBackend};

fn at(h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 29, h, 0, 0)
        .single()
        .expect("an instant")
}

fn apply(store: &mut dyn EnvironmentStore, h: u32, change: Change) -> Result<i64> {
    Ok(store.apply(&change, "Priya", at(h))?.entity_id)
}

fn field(table_id: i64, name: &str, field_type: FieldType) -> Change {
    Change::AddField {
        table_id,
        name: name.into(),
        field_type,
    }
}

/// Each table by name with its fields' names and column types, in order:
/// what must match between sandbox and production (ids may differ).
fn design(defs: &Definitions) -> Vec<(String, Vec<(String, &'static str)>)> {
    let mut tables: Vec<_> = defs
        .tables
        .iter()
        .map(|t| {
            let fields = t
                .fields
                .iter()
                .map(|f| (f.name.clone(), f.field_type.sql_type()))
                .collect();
            (t.name.clone(), fields)
        })
        .collect();
    tables.sort();
    tables
}

fn a_plan_of_every_kind_of_change_gives_production_the_sandboxs_design(
    backend: &dyn StoreBackend,
) -> Result<()> {
    let never = std::sync::atomic::AtomicBool::new(false);
    let mut prod = backend.create("prod", "10.0.1")?;
    let p = prod.as_mut();
    let hr = apply(p, 1, Change::CreateApp { name: "HR".into() })?;
    let people = apply(
        p,
        2,
        Change::CreateTable {
            app_id: hr,
            name: "People".into(),
        },
    )?;
    let name = apply(p, 3, field(people, "Name", FieldType::Text))?;
    let age = apply(p, 3, field(people, "Age", FieldType::Number))?;
    let nickname = apply(p, 3, field(people, "Nickname", FieldType::Text))?;
    p.insert_records(
        people,
        &[vec![
            Value::Text("Ada".into()),
            Value::Number(36.0),
            Value::Text("A".into()),
        ]],
    )?;
    drop(prod);
    backend.copy("prod", "sandbox", &|_| {}, &never)?;

    let mut sandbox = backend.open("sandbox")?;
    let base = sandbox.mark_copied()?;
    let s = sandbox.as_mut();
    apply(s, 4, field(people, "Level", FieldType::Number))?;
    apply(
        s,
        5,
        Change::RetypeField {
            field_id: age,
            field_type: FieldType::Text,
        },
    )?;
    apply(s, 6, field(people, "Grade", FieldType::Text))?;
    apply(s, 7, Change::DeleteField { field_id: nickname })?;
    let projects = apply(
        s,
        8,
        Change::CreateTable {
            app_id: hr,
            name: "Projects".into(),
        },
    )?;
    apply(s, 9, field(projects, "Title", FieldType::Text))?;
    apply(
        s,
        9,
        field(projects, "Lead", FieldType::Link { table_id: people }),
    )?;
    apply(
        s,
        10,
        Change::RenameField {
            field_id: name,
            name: "Full name".into(),
        },
    )?;
    apply(s, 11, field(people, "Start", FieldType::Date))?;
    let steps = cutover_core::promotion::compact(&sandbox.entries_after(base)?);

    let mut prod = backend.open("prod")?;
    let before = prod.changelog_end()?;
    let entries = prod.apply_plan(&steps, "Priya", at(12))?;
    // The plan's entries are production's newest, in the plan's order, as
    // the changelog keeps them (a server writes them together at the end),
    // each found under its app, and counted for their author.
    assert_eq!(prod.entries_after(before)?, entries);
    assert!(entries.len() >= 8, "{}", entries.len());
    let (of_hr, _) = prod.changelog(&ChangelogFilter {
        app_id: Some(hr),
        limit: 200,
        ..Default::default()
    })?;
    let of_hr: Vec<i64> = of_hr.iter().map(|e| e.seq).collect();
    assert!(entries.iter().all(|e| of_hr.contains(&e.seq)), "{of_hr:?}");
    let written = prod.entries_after(0)?.len() as u32;
    assert_eq!(
        prod.unpromoted_authors()?,
        [AuthorCount {
            author: "Priya".into(),
            entries: written
        }]
    );
    let checked = prod.check(None)?;
    cutover_core::promotion::ensure_definitions_match(&checked, &entries)?;
    assert_eq!(design(&checked), design(&sandbox.definitions()?));
    assert_eq!(
        prod.records(people)?[0].values,
        [
            Value::Text("Ada".into()),
            Value::Text("36".into()),
            Value::Null,
            Value::Null,
            Value::Null,
        ],
        "records kept, the retyped value converted, new fields empty"
    );
    let made = checked
        .tables
        .iter()
        .find(|t| t.name == "Projects")
        .expect("the plan's table")
        .id;
    let ada = prod.records(people)?[0].id;
    prod.insert_records(
        made,
        &[vec![Value::Text("Audit".into()), Value::Integer(ada)]],
    )?;
    assert_eq!(prod.records(made)?.len(), 1, "the new table takes records");
    Ok(())
}
both!(a_plan_of_every_kind_of_change_gives_production_the_sandboxs_design);
