//! A production with a bit of everything to move whole between backends,
//! and what an admin or a promotion can see of a store, for the move tests.

use chrono::{DateTime, TimeZone, Utc};
use cutover_core::change::{Change, FilterOp, ViewFilter};
use cutover_core::changelog::{AuthorCount, ChangeEntry, ChangelogFilter};
use cutover_core::definitions::{Definitions, FieldType, Record, Value};
use cutover_core::Result;
use cutover_store::env_store::EnvironmentStore;

/// 31 Oct 2027, the day London's clocks go back, at `h:m` UTC and a few
/// microseconds, so instants must cross to the microsecond.
pub fn at(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 10, 31, h, m, 0)
        .single()
        .expect("an instant")
        + chrono::Duration::microseconds(123_456)
}

pub fn apply(
    store: &mut dyn EnvironmentStore,
    author: &str,
    m: u32,
    change: Change,
) -> Result<i64> {
    Ok(store.apply(&change, author, at(1, m))?.entity_id)
}

pub fn field(table_id: i64, name: &str, field_type: FieldType) -> Change {
    Change::AddField {
        table_id,
        name: name.into(),
        field_type,
    }
}

/// A production with a bit of everything: two apps sharing a table,
/// every field type, a view with a filter, records with empty values and
/// links, a field deleted (a gap in the ids), entries by two authors, a
/// release script recorded, marks set.
pub fn fill(store: &mut dyn EnvironmentStore) -> Result<(i64, i64)> {
    let hr = apply(store, "Priya", 0, Change::CreateApp { name: "HR".into() })?;
    let ops = apply(
        store,
        "Sam",
        1,
        Change::CreateApp {
            name: "Opérations".into(),
        },
    )?;
    let people = apply(
        store,
        "Priya",
        2,
        Change::CreateTable {
            app_id: hr,
            name: "People".into(),
        },
    )?;
    let teams = apply(
        store,
        "Priya",
        3,
        Change::CreateTable {
            app_id: hr,
            name: "Teams".into(),
        },
    )?;
    apply(
        store,
        "Sam",
        4,
        Change::ShareTable {
            table_id: people,
            app_id: ops,
        },
    )?;
    let name = apply(store, "Priya", 5, field(people, "Name", FieldType::Text))?;
    apply(store, "Priya", 6, field(people, "Age", FieldType::Number))?;
    apply(store, "Priya", 7, field(people, "Born", FieldType::Date))?;
    apply(
        store,
        "Priya",
        8,
        field(people, "Active", FieldType::Boolean),
    )?;
    let gone = apply(store, "Sam", 9, field(people, "Gone", FieldType::Text))?;
    apply(
        store,
        "Sam",
        10,
        field(
            people,
            "Level",
            FieldType::Choice {
                options: vec!["Junior".into(), "Senior".into()],
            },
        ),
    )?;
    apply(
        store,
        "Priya",
        11,
        field(people, "Team", FieldType::Link { table_id: teams }),
    )?;
    apply(store, "Sam", 12, Change::DeleteField { field_id: gone })?;
    let team_name = apply(store, "Priya", 13, field(teams, "Name", FieldType::Text))?;
    apply(
        store,
        "Sam",
        14,
        Change::CreateView {
            app_id: ops,
            table_id: people,
            name: "Seniors".into(),
            field_ids: vec![name],
            filter: Some(ViewFilter {
                field_id: name,
                op: FilterOp::Contains,
                value: "a".into(),
            }),
        },
    )?;
    store.insert_records(
        teams,
        &[
            vec![Value::Text("Core".into())],
            vec![Value::Text("Édition".into())],
        ],
    )?;
    let text = |s: &str| Value::Text(s.into());
    store.insert_records(
        people,
        &[
            vec![
                text("Ada"),
                Value::Number(36.5),
                text("1990-02-28"),
                Value::Bool(true),
                text("Senior"),
                Value::Integer(2),
            ],
            vec![
                text(""),
                Value::Null,
                Value::Null,
                Value::Bool(false),
                Value::Null,
                Value::Null,
            ],
            vec![
                text("Zoë \"Z\" 'O'"),
                Value::Number(-0.25),
                text("2000-01-01"),
                Value::Null,
                text("Junior"),
                Value::Integer(1),
            ],
        ],
    )?;
    store.delete_record(people, 2)?;
    store.apply_release_scripts(
        "10.0.2",
        &[(
            "data/001.sql".into(),
            format!("UPDATE rec_{teams} SET f_{team_name} = f_{team_name} WHERE id = 0"),
        )],
        at(2, 0),
    )?;
    store.set_platform_version("10.0.2")?;
    store.set_marks(7, 5)?;
    Ok((people, teams))
}

/// What an admin or a promotion can see of a store.
#[derive(Debug, PartialEq)]
pub struct Seen {
    pub definitions: Definitions,
    pub records: Vec<Vec<Record>>,
    pub changelog: Vec<ChangeEntry>,
    /// Seqs of the entries of each app, by app.
    pub by_app: Vec<Vec<i64>>,
    pub unpromoted: Vec<AuthorCount>,
    pub marks: (i64, i64, i64),
    pub platform: String,
    pub record_count: u64,
}

pub fn seen(store: &dyn EnvironmentStore) -> Result<Seen> {
    let definitions = store.definitions()?;
    let records = definitions
        .tables
        .iter()
        .map(|t| store.records(t.id))
        .collect::<Result<_>>()?;
    Ok(Seen {
        records,
        changelog: store.entries_after(0)?,
        by_app: definitions
            .apps
            .iter()
            .map(|a| {
                let filter = ChangelogFilter {
                    app_id: Some(a.id),
                    limit: 200,
                    ..ChangelogFilter::default()
                };
                Ok(store.changelog(&filter)?.0.iter().map(|e| e.seq).collect())
            })
            .collect::<Result<_>>()?,
        unpromoted: store.unpromoted_authors()?,
        marks: (
            store.copy_point()?,
            store.production_point()?,
            store.changelog_end()?,
        ),
        platform: store.platform_version()?,
        record_count: store.stats()?.record_count,
        definitions,
    })
}
