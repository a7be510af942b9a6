//! What only the server backend promises: records in real PostgreSQL
//! types that another application reads as such, and key names that can
//! never be read as SQL.

mod common;

use common::pg::FreshDatabase;
use cutover_core::definitions::{FieldType, Value};
use cutover_core::Result;
use cutover_store::env_store::StoreBackend;

#[test]
fn records_are_in_real_types_that_another_application_reads() -> Result<()> {
    let db = FreshDatabase::new();
    let backend = db.backend();
    let mut store = backend.create("prod", "10.0.1")?;
    let app = store.create_app("HR")?;
    let table = store.create_table(
        &[app.id],
        "Employees",
        &[
            ("Name", FieldType::Text),
            ("Salary", FieldType::Number),
            ("Start", FieldType::Date),
            ("Active", FieldType::Boolean),
        ],
    )?;
    store.insert_records(
        table.id,
        &[vec![
            Value::Text("Ada".into()),
            Value::Number(5200.5),
            Value::Text("2024-02-29".into()),
            Value::Bool(true),
        ]],
    )?;
    let bad_day = store
        .insert_records(
            table.id,
            &[vec![
                Value::Text("Bob".into()),
                Value::Null,
                Value::Text("2023-02-29".into()),
                Value::Null,
            ]],
        )
        .expect_err("no such day");
    assert!(bad_day.message.contains("Start"), "{}", bad_day.message);

    let mut other = db
        .settings
        .connect(Some(&db.secret))
        .expect("another application");
    let types: Vec<String> = other
        .query(
            "SELECT data_type FROM information_schema.columns
             WHERE table_schema = 'env_prod' AND table_name = $1 ORDER BY ordinal_position",
            &[&format!("rec_{}", table.id)],
        )
        .expect("columns")
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(
        types,
        ["bigint", "text", "double precision", "date", "boolean"]
    );
    let row = other
        .query_one(
            &format!(
                "SELECT f_{} + 1, f_{} > 5000 FROM env_prod.rec_{}",
                table.fields[2].id, table.fields[1].id, table.id
            ),
            &[],
        )
        .expect("date arithmetic");
    assert_eq!(
        row.get::<_, chrono::NaiveDate>(0).to_string(),
        "2024-03-01",
        "a date, not text"
    );
    assert!(row.get::<_, bool>(1));
    Ok(())
}

#[test]
fn a_key_that_could_be_read_as_sql_is_refused() {
    let db = FreshDatabase::new();
    let backend = db.backend();
    for key in ["x\"; DROP SCHEMA public; --", "", "a b", &"k".repeat(201)] {
        assert!(backend.create(key, "10.0.1").is_err(), "{key:?}");
    }
    assert!(backend.create("b5e0c1d2-before-3", "10.0.1").is_ok());
    // Longer than a schema name can hold: named by its digest instead.
    let long = format!("upgrade-7-{}-before-0", "a".repeat(32));
    assert!(backend.create(&long, "10.0.1").is_ok());
    assert!(backend.exists(&long).unwrap_or(false));
}

/// Production stays online during a copy: another application keeps
/// committing rows while the server copies, none of its writes waits for
/// the copy, and the copy holds exactly the rows committed before its
/// snapshot (ids 1..=n, no gap, no half-seen transaction).
#[test]
fn a_copy_is_one_moment_of_a_source_that_stays_online() -> Result<()> {
    use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
    use std::sync::Arc;

    let db = FreshDatabase::new();
    let backend = db.backend();
    let mut store = backend.create("prod", "10.0.1")?;
    let app = store.create_app("Sales")?;
    let table = store.create_table(&[app.id], "Orders", &[("Note", FieldType::Text)])?;
    let filler = "x".repeat(500);
    store.load(&mut |sink| {
        for id in 1..=60_000 {
            sink.put(table.id, id, &[Value::Text(filler.clone())])?;
        }
        Ok(())
    })?;
    drop(store);

    let done = Arc::new(AtomicBool::new(false));
    let committed = Arc::new(AtomicI64::new(60_000));
    let writer = {
        let (done, committed) = (done.clone(), committed.clone());
        let mut other = db
            .settings
            .connect(Some(&db.secret))
            .expect("another application");
        let insert = format!(
            "INSERT INTO env_prod.rec_{} (id, f_{}) VALUES ($1, 'live')",
            table.id, table.fields[0].id
        );
        std::thread::spawn(move || {
            let mut slowest = std::time::Duration::ZERO;
            while !done.load(Ordering::SeqCst) {
                let id = committed.load(Ordering::SeqCst) + 1;
                let started = std::time::Instant::now();
                other
                    .execute(&insert, &[&id])
                    .expect("a write during the copy");
                slowest = slowest.max(started.elapsed());
                committed.store(id, Ordering::SeqCst);
            }
            slowest
        })
    };
    while committed.load(Ordering::SeqCst) == 60_000 {
        std::thread::yield_now();
    }
    let before = committed.load(Ordering::SeqCst);
    // Progress is reported while the copy's transaction is open: writes
    // committed between its first and last report went on during the copy.
    let seen = std::cell::RefCell::new(Vec::new());
    backend.copy(
        "prod",
        "uat",
        &|_| seen.borrow_mut().push(committed.load(Ordering::SeqCst)),
        &AtomicBool::new(false),
    )?;
    let after = committed.load(Ordering::SeqCst);
    done.store(true, Ordering::SeqCst);
    let slowest = writer.join().expect("the writer");

    let ids: Vec<i64> = backend
        .open("uat")?
        .records(table.id)?
        .iter()
        .map(|r| r.id)
        .collect();
    let n = ids.len() as i64;
    assert!(ids.iter().copied().eq(1..=n), "no gap: one snapshot");
    assert!((before..=after).contains(&n), "{before} ≤ {n} ≤ {after}");
    let seen = seen.into_inner();
    let during = seen.last().copied().unwrap_or(0) - seen.first().copied().unwrap_or(0);
    assert!(
        during > 0,
        "writes committed while the copy was open: {seen:?}"
    );
    println!("slowest write during the copy: {slowest:?}; writes while it was open: {during}");
    Ok(())
}

/// A promotion while another application writes to production's records:
/// its writes wait on the promotion's lock for as long as the plan takes,
/// then go on, and every write it was told succeeded is there.
#[test]
fn a_promotion_under_concurrent_writers_loses_no_acknowledged_write() -> Result<()> {
    use cutover_core::change::Change;
    use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
    use std::sync::Arc;

    let db = FreshDatabase::new();
    let backend = db.backend();
    let (people, name) = common::pg::people(&backend)?;
    let at = chrono::Utc::now();
    backend.copy("prod", "sandbox", &|_| {}, &AtomicBool::new(false))?;
    let mut sandbox = backend.open("sandbox")?;
    let base = sandbox.mark_copied()?;
    for n in 0..20 {
        sandbox.apply(
            &Change::AddField {
                table_id: people,
                name: format!("Extra {n}"),
                field_type: FieldType::Number,
            },
            "Priya",
            at,
        )?;
    }
    let steps = cutover_core::promotion::compact(&sandbox.entries_after(base)?);

    let done = Arc::new(AtomicBool::new(false));
    let acknowledged = Arc::new(AtomicI64::new(0));
    let writer = {
        let (done, acknowledged) = (done.clone(), acknowledged.clone());
        let mut other = db
            .settings
            .connect(Some(&db.secret))
            .expect("another application");
        let insert = format!("INSERT INTO env_prod.rec_{people} (f_{name}) VALUES ('live')");
        std::thread::spawn(move || {
            while !done.load(Ordering::SeqCst) {
                other
                    .batch_execute(&insert)
                    .expect("a write around the promotion");
                acknowledged.fetch_add(1, Ordering::SeqCst);
            }
        })
    };
    while acknowledged.load(Ordering::SeqCst) < 50 {
        std::thread::yield_now();
    }
    let mut prod = backend.open("prod")?;
    prod.apply_plan(&steps, "Priya", at)?;
    let after_commit = acknowledged.load(Ordering::SeqCst);
    while acknowledged.load(Ordering::SeqCst) < after_commit + 50 {
        std::thread::yield_now();
    }
    done.store(true, Ordering::SeqCst);
    writer.join().expect("the writer");

    let rows = prod.records(people)?;
    assert_eq!(
        rows.len() as i64,
        acknowledged.load(Ordering::SeqCst),
        "every acknowledged write"
    );
    assert_eq!(rows[0].values.len(), 21, "on the promoted design");
    prod.check(None)?;
    Ok(())
}

/// The dashboard's figures come from the server's statistics, not from
/// reading every record: labelled as an estimate, they follow the rows as
/// another application adds and deletes them, once the server has
/// gathered its statistics (it does so as sessions end).
#[test]
fn the_figures_are_the_servers_statistics_labelled_as_an_estimate() -> Result<()> {
    let db = FreshDatabase::new();
    let backend = db.backend();
    let table = {
        let mut store = backend.create("prod", "10.0.1")?;
        let app = store.create_app("HR")?;
        let table = store.create_table(&[app.id], "Employees", &[("Name", FieldType::Text)])?;
        let rows: Vec<Vec<Value>> = (0..1000)
            .map(|i| vec![Value::Text(format!("Employee {i}"))])
            .collect();
        store.insert_records(table.id, &rows)?;
        table
    };
    let figures_once = |expected: u64| -> Result<cutover_store::env_store::StoreStats> {
        // Statistics arrive when a session ends: wait for them, never
        // asserting how long they take.
        let mut figures = backend.open("prod")?.figures()?;
        for _ in 0..200 {
            if figures.record_count == expected {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
            figures = backend.open("prod")?.figures()?;
        }
        Ok(figures)
    };
    let figures = figures_once(1000)?;
    let exact = backend.open("prod")?.stats()?;
    assert!(figures.records_estimated && !exact.records_estimated);
    assert_eq!(
        (figures.record_count, figures.app_count, figures.table_count),
        (exact.record_count, exact.app_count, exact.table_count)
    );
    assert_eq!(figures.size_bytes, exact.size_bytes);

    // Another application deletes rows behind Cutover's back.
    db.settings
        .connect(Some(&db.secret))
        .expect("another application")
        .batch_execute(&format!(
            "DELETE FROM env_prod.rec_{} WHERE id % 4 = 0",
            table.id
        ))
        .expect("deleting");
    assert_eq!(figures_once(750)?.record_count, 750);

    // The dashboard asks for every store of an account at once, through one
    // connection; a missing store is reported alone.
    let both = backend.figures_of(&["prod", "gone"])?;
    assert_eq!(both[0].as_ref().map(|f| f.record_count).ok(), Some(750));
    let missing = both[1].as_ref().expect_err("no such store");
    assert_eq!(missing.kind, cutover_core::ErrorKind::NotFound);
    Ok(())
}

/// Roles are the whole server's: a store made while another session is
/// making its role (another database's store under the same key) waits for
/// that session and shares the role instead of failing.
#[test]
fn a_store_made_while_another_session_makes_its_role_shares_it() -> Result<()> {
    let db = FreshDatabase::new();
    // Roles outlive test databases: a key of its own each run.
    let key = format!("s{}", uuid::Uuid::new_v4().simple());
    let mut other = db.settings.connect(Some(&db.secret))?;
    let mut making = other.transaction().expect("a transaction");
    making
        .batch_execute(&format!("CREATE ROLE cutover_env_{key} NOLOGIN"))
        .expect("the other session makes the role");
    std::thread::scope(|s| {
        let made = s.spawn(|| db.backend().create(&key, "10.0.1").map(drop));
        // Long enough for the store to look, find no role, and wait on the
        // other session's uncommitted one.
        std::thread::sleep(std::time::Duration::from_millis(500));
        making.commit().expect("the other session commits");
        made.join().expect("the store")
    })?;
    assert!(db.backend().exists(&key)?);
    Ok(())
}
