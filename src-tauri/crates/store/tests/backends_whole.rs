//! A whole environment moved between backends (this computer and a
//! server, both ways, and each to itself): everything an admin or a
//! promotion can see comes across as it was, ids and seqs included, and
//! the moved store goes on from where the source was. A store holding an
//! extension or a script's table is refused before anything is written; a
//! move that fails part way leaves the new store empty.

#[macro_use]
mod common;

use chrono::{DateTime, TimeZone, Utc};
use cutover_core::change::{Change, FilterOp, ViewFilter};
use cutover_core::changelog::{AuthorCount, ChangeEntry, ChangelogFilter};
use cutover_core::definitions::{Definitions, FieldType, Record, Value};
use cutover_core::extension::InstalledExtension;
use cutover_core::Result;
use cutover_store::env_store::whole::{self, Cell, PlatformTable, WholeSink};
use cutover_store::env_store::{EnvironmentStore, RecordSink, StoreBackend};

/// Makes `<name>::<from>_to_<to>` for every pair of backends, each server
/// one in a database of its own.
macro_rules! pairs {
    ($name:ident) => {
        mod $name {
            use cutover_store::env_store::sqlite::SqliteBackend;

            fn sqlite() -> (tempfile::TempDir, SqliteBackend) {
                let dir = tempfile::tempdir().expect("temp dir");
                let backend = SqliteBackend::new(dir.path()).expect("a SQLite backend");
                (dir, backend)
            }

            #[test]
            fn sqlite_to_postgresql() -> cutover_core::Result<()> {
                let (_dir, from) = sqlite();
                let db = crate::common::pg::FreshDatabase::new();
                super::$name(&from, &db.backend())
            }

            #[test]
            fn postgresql_to_sqlite() -> cutover_core::Result<()> {
                let db = crate::common::pg::FreshDatabase::new();
                let (_dir, to) = sqlite();
                super::$name(&db.backend(), &to)
            }

            #[test]
            fn sqlite_to_sqlite() -> cutover_core::Result<()> {
                let (_a, from) = sqlite();
                let (_b, to) = sqlite();
                super::$name(&from, &to)
            }

            #[test]
            fn postgresql_to_postgresql() -> cutover_core::Result<()> {
                let a = crate::common::pg::FreshDatabase::new();
                let b = crate::common::pg::FreshDatabase::new();
                super::$name(&a.backend(), &b.backend())
            }
        }
    };
}

/// 31 Oct 2027, the day London's clocks go back, at `h:m` UTC and a few
/// microseconds, so instants must cross to the microsecond.
fn at(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 10, 31, h, m, 0)
        .single()
        .expect("an instant")
        + chrono::Duration::microseconds(123_456)
}

fn apply(store: &mut dyn EnvironmentStore, author: &str, m: u32, change: Change) -> Result<i64> {
    Ok(store.apply(&change, author, at(1, m))?.entity_id)
}

fn field(table_id: i64, name: &str, field_type: FieldType) -> Change {
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
fn fill(store: &mut dyn EnvironmentStore) -> Result<(i64, i64)> {
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
struct Seen {
    definitions: Definitions,
    records: Vec<Vec<Record>>,
    changelog: Vec<ChangeEntry>,
    /// Seqs of the entries of each app, by app.
    by_app: Vec<Vec<i64>>,
    unpromoted: Vec<AuthorCount>,
    marks: (i64, i64, i64),
    platform: String,
    record_count: u64,
}

fn seen(store: &dyn EnvironmentStore) -> Result<Seen> {
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

fn everything_crosses_and_the_moved_store_goes_on(
    from: &dyn StoreBackend,
    to: &dyn StoreBackend,
) -> Result<()> {
    let mut source = from.create("prod", "10.0.1")?;
    let (people, teams) = fill(source.as_mut())?;
    let before = seen(source.as_ref())?;
    assert_eq!(before.records[0].len(), 2, "People keeps two records");

    let mut target = to.create("moved", "")?;
    let heard = std::cell::Cell::new(0);
    whole::transfer(source.as_ref(), target.as_mut(), &|n| heard.set(n))?;
    assert_eq!(heard.get(), 4, "every record is counted");
    let mut moved = seen(target.as_ref())?;
    // A server's record count is its statistics' estimate.
    if target.stats()?.records_estimated {
        moved.record_count = before.record_count;
    }
    assert_eq!(moved, before);
    assert_eq!(seen(source.as_ref())?, before, "the source is only read");
    assert!(
        before.by_app.iter().all(|seqs| seqs.len() > 3),
        "{:?}",
        before.by_app
    );
    let again = [("data/001.sql".to_string(), "SELECT 1".to_string())];
    assert_eq!(
        target.apply_release_scripts("10.0.2", &again, at(3, 0))?,
        0,
        "the release's script is known to have run"
    );
    // Reopened, the moved store reads the same.
    drop(target);
    let mut target = to.open("moved")?;
    assert_eq!(target.definitions()?, before.definitions);

    // It goes on after the source's ids and seqs.
    let entry = target.apply(
        &field(teams, "Budget", FieldType::Number),
        "Priya",
        at(3, 0),
    )?;
    assert_eq!(entry.seq, before.marks.2 + 1);
    assert!(before
        .definitions
        .tables
        .iter()
        .flat_map(|t| &t.fields)
        .all(|f| f.id < entry.entity_id));
    let app = target.apply(
        &Change::CreateApp {
            name: "Finance".into(),
        },
        "Sam",
        at(3, 1),
    )?;
    assert!(before.definitions.apps.iter().all(|a| a.id < app.entity_id));
    target.insert_records(
        people,
        &[vec![
            Value::Text("Grace".into()),
            Value::Null,
            Value::Null,
            Value::Null,
            Value::Null,
            Value::Null,
        ]],
    )?;
    let ids: Vec<i64> = target.records(people)?.iter().map(|r| r.id).collect();
    assert_eq!(ids, vec![1, 3, 4], "a new record's id follows the largest");
    // A copy of the moved store is marked and promotes as any other.
    assert_eq!(target.unpromoted_authors()?.len(), 2);
    Ok(())
}
pairs!(everything_crosses_and_the_moved_store_goes_on);

/// Fails after `left` records, as a broken connection would.
struct Breaks<'a> {
    inner: &'a mut dyn WholeSink,
    left: u32,
}

impl RecordSink for Breaks<'_> {
    fn put(&mut self, table_id: i64, id: i64, values: &[Value]) -> Result<()> {
        if self.left == 0 {
            return Err(cutover_core::Error::internal("the connection broke"));
        }
        self.left -= 1;
        self.inner.put(table_id, id, values)
    }
}

impl WholeSink for Breaks<'_> {
    fn platform_row(&mut self, table: &PlatformTable, row: Vec<Cell>) -> Result<()> {
        self.inner.platform_row(table, row)
    }
    fn record_tables(&mut self, definitions: &Definitions) -> Result<()> {
        self.inner.record_tables(definitions)
    }
}

fn a_move_that_breaks_leaves_the_new_store_empty(
    from: &dyn StoreBackend,
    to: &dyn StoreBackend,
) -> Result<()> {
    let mut source = from.create("prod", "10.0.1")?;
    fill(source.as_mut())?;
    let before = seen(source.as_ref())?;
    let mut target = to.create("moved", "10.0.1")?;
    let empty = seen(target.as_ref())?;
    for left in [0, 3] {
        let failed =
            target.receive_whole(&mut |sink| source.send_whole(&mut Breaks { inner: sink, left }));
        assert!(failed.is_err(), "the break is reported");
        assert_eq!(
            seen(target.as_ref())?,
            empty,
            "nothing was kept after {left} records"
        );
    }
    // The same store then takes the whole move.
    whole::transfer(source.as_ref(), target.as_mut(), &|_| ())?;
    assert_eq!(target.definitions()?, before.definitions);
    assert_eq!(seen(source.as_ref())?, before);
    Ok(())
}
pairs!(a_move_that_breaks_leaves_the_new_store_empty);

fn what_only_one_engine_can_read_is_refused_with_why(
    from: &dyn StoreBackend,
    to: &dyn StoreBackend,
) -> Result<()> {
    let mut source = from.create("prod", "10.0.1")?;
    let (people, _) = fill(source.as_mut())?;
    let mut target = to.create("moved", "10.0.1")?;
    let empty = seen(target.as_ref())?;

    source.apply_release_scripts(
        "10.0.3",
        &[(
            "data/001.sql".into(),
            "CREATE TABLE audit_trail (id INTEGER)".into(),
        )],
        at(4, 0),
    )?;
    let e = whole::transfer(source.as_ref(), target.as_mut(), &|_| ()).expect_err("refused");
    assert!(
        e.message.contains("audit_trail") && e.message.contains("made by a package's script"),
        "{e}"
    );
    assert_eq!(seen(target.as_ref())?, empty);

    let ext = InstalledExtension {
        name: "Timesheets".into(),
        version: "1.2.0".into(),
        platform_from: "10.0.0".into(),
        platform_before: None,
        depends_on: vec![],
        adds: vec![],
        installed_at: at(5, 0),
        installed_by: "Alex Morgan".into(),
    };
    source.install_extension(&ext, &[], &[])?;
    let e = whole::transfer(source.as_ref(), target.as_mut(), &|_| ()).expect_err("refused");
    assert!(
        e.message.contains("Timesheets installed") && e.message.contains("uninstall it"),
        "{e}"
    );
    assert_eq!(seen(target.as_ref())?, empty);
    assert_eq!(source.records(people)?.len(), 2);
    Ok(())
}
pairs!(what_only_one_engine_can_read_is_refused_with_why);

/// More records than one batch of a server's `COPY`, in two tables whose
/// records interleave in neither order nor id.
fn many_records_cross_whole(from: &dyn StoreBackend, to: &dyn StoreBackend) -> Result<()> {
    let mut source = from.create("prod", "10.0.1")?;
    let app = source.create_app("Bench")?;
    let big = source.create_table(
        &[app.id],
        "Big",
        &[("N", FieldType::Number), ("Day", FieldType::Date)],
    )?;
    let small = source.create_table(&[app.id], "Small", &[("T", FieldType::Text)])?;
    let rows: Vec<Vec<Value>> = (0..12_345)
        .map(|i| {
            vec![
                Value::Number(f64::from(i) / 3.0),
                Value::Text(format!("2026-{:02}-{:02}", i % 12 + 1, i % 28 + 1)),
            ]
        })
        .collect();
    source.insert_records(big.id, &rows)?;
    source.insert_records(small.id, &[vec![Value::Text("only".into())]])?;
    let mut target = to.create("moved", "")?;
    whole::transfer(source.as_ref(), target.as_mut(), &|_| ())?;
    assert_eq!(target.records(big.id)?, source.records(big.id)?);
    assert_eq!(target.records(small.id)?, source.records(small.id)?);
    Ok(())
}
pairs!(many_records_cross_whole);

/// SQLite keeps whatever a column is given (another tool wrote a word into
/// a number field); the server's typed column refuses it, and the move
/// says which record of which table, leaving the new store empty.
#[test]
fn a_value_the_servers_column_cannot_take_is_named_and_nothing_moves() -> Result<()> {
    let dir = tempfile::tempdir().expect("temp dir");
    let local = cutover_store::env_store::sqlite::SqliteBackend::new(dir.path())?;
    let mut source = local.create("prod", "10.0.1")?;
    let (people, _) = fill(source.as_mut())?;
    let age = source
        .definitions()?
        .tables
        .iter()
        .find(|t| t.id == people)
        .expect("People")
        .fields[1]
        .id;
    rusqlite::Connection::open(local.path_of("prod"))
        .and_then(|c| {
            c.execute(
                &format!("UPDATE rec_{people} SET f_{age} = 'forty' WHERE id = 3"),
                [],
            )
        })
        .expect("another tool writes");
    let db = common::pg::FreshDatabase::new();
    let server = db.backend();
    let mut target = server.create("moved", "10.0.1")?;
    let empty = seen(target.as_ref())?;
    let e = whole::transfer(source.as_ref(), target.as_mut(), &|_| ()).expect_err("refused");
    assert!(
        e.message
            .starts_with("Record 3 of table People: Field \"Age\" cannot hold")
            && e.message
                .ends_with("Correct or delete it where it is, then move again."),
        "{e}"
    );
    assert_eq!(seen(target.as_ref())?, empty);
    Ok(())
}
