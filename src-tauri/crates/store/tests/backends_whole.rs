//! A whole environment moved between backends (this computer and a
//! server, both ways, and each to itself): everything an admin or a
//! promotion can see comes across as it was, ids and seqs included, and
//! the moved store goes on from where the source was; a move that fails
//! part way leaves the new store empty.

#[macro_use]
mod common;

use common::whole::{at, field, fill, seen};
use cutover_core::change::Change;
use cutover_core::definitions::{Definitions, FieldType, Value};
use cutover_core::Result;
use cutover_store::env_store::whole::{self, Cell, PlatformTable, WholeSink};
use cutover_store::env_store::{RecordSink, StoreBackend};

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
