//! Against the test server: what a promotion's watch of production counts
//! (every application's writes, not Cutover's backups), and what the
//! apply's lock lets through while a backup is taken under it.

mod common;

use common::pg::FreshDatabase;
use cutover_core::definitions::Value;
use cutover_core::Result;
use cutover_store::env_store::StoreBackend;
use std::sync::atomic::AtomicBool;

/// Production with one table (`People`, one text field) and `rows` rows;
/// the table's id and the field's.
fn production(backend: &dyn StoreBackend, rows: usize) -> Result<(i64, i64)> {
    let (people, name) = common::pg::people(backend)?;
    let mut prod = backend.open("prod")?;
    let rows: Vec<Vec<Value>> = (0..rows)
        .map(|n| vec![Value::Text(format!("P{n}"))])
        .collect();
    prod.insert_records(people, &rows)?;
    Ok((people, name))
}

fn other_application(db: &FreshDatabase) -> postgres::Client {
    db.settings
        .connect(Some(&db.secret))
        .expect("another application")
}

#[test]
fn any_applications_write_is_seen_and_an_unwatchable_table_counts_as_changed() -> Result<()> {
    let db = FreshDatabase::new();
    let backend = db.backend();
    let (people, name) = production(&backend, 3)?;
    let mut other = other_application(&db);

    let watch = backend.watch("prod")?;
    assert!(!watch.changed()?);
    other
        .batch_execute(&format!(
            "INSERT INTO env_prod.rec_{people} (f_{name}) VALUES ('from elsewhere')"
        ))
        .expect("a write by another application");
    assert!(watch.changed()?, "another application's insert");

    let watch = backend.watch("prod")?;
    other
        .batch_execute(&format!(
            "DELETE FROM env_prod.rec_{people} WHERE f_{name} = 'P0'"
        ))
        .expect("a delete");
    assert!(watch.changed()?, "another application's delete");

    let watch = backend.watch("prod")?;
    let mut tx = other.transaction().expect("a transaction");
    tx.batch_execute(&format!("TRUNCATE env_prod.rec_{people}"))
        .expect("a truncate");
    tx.rollback().expect("rolled back");
    assert!(!watch.changed()?, "a write rolled back is no write");

    // A transaction counts once; a savepoint rolled back takes its count
    // back, so the write after it counts again.
    let mut tx = other.transaction().expect("a transaction");
    tx.batch_execute(&format!(
        "SAVEPOINT a;
         INSERT INTO env_prod.rec_{people} (f_{name}) VALUES ('undone');
         ROLLBACK TO SAVEPOINT a;
         INSERT INTO env_prod.rec_{people} (f_{name}) VALUES ('kept');"
    ))
    .expect("writes around a savepoint");
    tx.commit().expect("committed");
    assert!(watch.changed()?, "the write after the savepoint");

    // A table the environment's role does not own cannot carry the trigger:
    // every watch then says "changed", the safe answer.
    other
        .batch_execute("CREATE TABLE env_prod.side_table (n int)")
        .expect("a table made by another application");
    let watch = backend.watch("prod")?;
    assert!(watch.changed()?, "unknown counts as changed");
    other
        .batch_execute("DROP TABLE env_prod.side_table")
        .expect("dropped");

    // Package SQL disabling the trigger is seen as well.
    let watch = backend.watch("prod")?;
    assert!(!watch.changed()?);
    other
        .batch_execute(&format!(
            "ALTER TABLE env_prod.rec_{people} DISABLE TRIGGER cutover_writes"
        ))
        .expect("disabled");
    assert!(watch.changed()?, "a disabled trigger");
    Ok(())
}

#[test]
fn the_count_follows_the_environment_when_its_schema_is_renamed() -> Result<()> {
    let db = FreshDatabase::new();
    let backend = db.backend();
    let (people, name) = production(&backend, 1)?;
    drop(backend.watch("prod")?);
    let at = chrono::Utc::now();
    backend.retire("prod", at)?;
    let retired = backend.retired()?.remove(0).name;
    backend.unretire(&retired, "prod")?;
    let watch = backend.watch("prod")?;
    other_application(&db)
        .batch_execute(&format!(
            "INSERT INTO env_prod.rec_{people} (f_{name}) VALUES ('after')"
        ))
        .expect("writers keep working after a rename");
    assert!(watch.changed()?);
    Ok(())
}

/// Under the apply's lock another application's writes wait and its reads
/// go on, and a backup taken there holds a write committed just before.
#[test]
fn under_the_apply_lock_writers_wait_readers_read_and_a_backup_holds_every_commit() -> Result<()> {
    let db = FreshDatabase::new();
    let backend = db.backend();
    let (people, name) = production(&backend, 10)?;
    let mut other = other_application(&db);
    let watch = backend.watch("prod")?;
    let before = backend.take_point("prod", &|_| {}, &AtomicBool::new(false))?;
    assert_eq!(before.records, 10);
    other
        .batch_execute(&format!(
            "INSERT INTO env_prod.rec_{people} (f_{name}) VALUES ('just before the lock')"
        ))
        .expect("a write after the backup");

    let mut prod = backend.open("prod")?;
    let mut under = None;
    prod.apply_plan_locked(&[], "Priya", chrono::Utc::now(), &mut || {
        let blocked = other
            .batch_execute(&format!(
                "SET lock_timeout = '200ms';
                 INSERT INTO env_prod.rec_{people} (f_{name}) VALUES ('during the lock')"
            ))
            .expect_err("writers wait for the apply");
        assert_eq!(
            blocked.code(),
            Some(&postgres::error::SqlState::LOCK_NOT_AVAILABLE),
            "{blocked}"
        );
        let read: i64 = other
            .query_one(&format!("SELECT count(*) FROM env_prod.rec_{people}"), &[])
            .expect("reads go on")
            .get(0);
        assert_eq!(read, 11);
        assert!(watch.changed()?);
        under = Some(backend.take_point("prod", &|_| {}, &AtomicBool::new(false))?);
        Ok(())
    })?;
    assert_eq!(under.expect("a backup under the lock").records, 11);
    Ok(())
}
