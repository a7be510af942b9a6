//! The counts a SQLite store keeps for the dashboard stay equal to the
//! records, whoever writes them: the store's own inserts and deletes, a
//! package's SQL, another connection to the file; and a store made before
//! the counts were kept gets them when it is first opened.

use chrono::{TimeZone, Utc};
use cutover_core::definitions::{FieldType, Value};
use cutover_core::Result;
use cutover_store::env_store::sqlite::SqliteBackend;
use cutover_store::env_store::{EnvironmentStore, StoreBackend};
use cutover_store::Context;

fn same(store: &dyn EnvironmentStore) -> Result<u64> {
    let (figures, stats) = (store.figures()?, store.stats()?);
    assert_eq!(figures, stats, "kept counts against counted records");
    Ok(figures.record_count)
}

#[test]
fn kept_counts_follow_every_writer_and_old_stores_get_them() -> Result<()> {
    let dir = tempfile::tempdir().context("temp dir")?;
    let backend = SqliteBackend::new(dir.path())?;
    let mut store = backend.create("prod", "10.0.1")?;
    let app = store.create_app("HR")?;
    let people = store.create_table(&[app.id], "People", &[("Name", FieldType::Text)])?;
    let teams = store.create_table(&[app.id], "Teams", &[("Name", FieldType::Text)])?;
    let rows = |n: usize| -> Vec<Vec<Value>> {
        (0..n).map(|i| vec![Value::Text(format!("#{i}"))]).collect()
    };
    assert_eq!(same(store.as_ref())?, 0);
    store.insert_records(people.id, &rows(250))?;
    store.insert_records(teams.id, &rows(12))?;
    assert_eq!(same(store.as_ref())?, 262);
    let first = store.records(people.id)?[0].id;
    store.delete_record(people.id, first)?;
    assert_eq!(same(store.as_ref())?, 261);

    // A package's migration inserting and deleting rows.
    store.apply_release_scripts(
        "10.0.2",
        &[(
            "001_rows.sql".into(),
            format!(
                "INSERT INTO rec_{t} (id) SELECT NULL FROM rec_{p} LIMIT 40;
                 DELETE FROM rec_{p} WHERE id % 5 = 0;",
                t = teams.id,
                p = people.id
            ),
        )],
        Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap(),
    )?;
    same(store.as_ref())?;
    drop(store);

    // Another connection to the file, as a repair tool would.
    let file = backend.path_of("prod");
    let other = rusqlite::Connection::open(&file).context("another connection")?;
    other
        .execute_batch(&format!("DELETE FROM rec_{};", teams.id))
        .context("deleting")?;
    drop(other);
    let store = backend.open("prod")?;
    same(store.as_ref())?;
    drop(store);

    // A store from before the counts were kept.
    let old = rusqlite::Connection::open(&file).context("the old store")?;
    old.execute_batch(&format!(
        "DROP TRIGGER rec_{p}_counted_in; DROP TRIGGER rec_{p}_counted_out;
         DROP TRIGGER rec_{t}_counted_in; DROP TRIGGER rec_{t}_counted_out;
         DROP TABLE platform_record_counts;
         PRAGMA user_version = 4;",
        p = people.id,
        t = teams.id
    ))
    .context("undoing the counts")?;
    drop(old);
    let mut store = backend.open("prod")?;
    let before = same(store.as_ref())?;
    assert!(before > 0);
    store.insert_records(people.id, &rows(3))?;
    assert_eq!(same(store.as_ref())?, before + 3, "its triggers were made");
    Ok(())
}
