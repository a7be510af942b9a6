//! One suite, both backends: what every store backend must do, run against
//! the embedded SQLite backend and against a real PostgreSQL server (a
//! database of its own per test). Each test is written once, as a function
//! of the backend; `both!` makes a SQLite and a PostgreSQL test of it.
//! Designer changes and the changelog are in `backends_design.rs`.

#[macro_use]
mod common;

use cutover_core::backup::CopyProgress;
use cutover_core::definitions::{FieldType, Record, Value};
use cutover_core::{ErrorKind, Result};
use cutover_store::env_store::{ModelField, ModelTable, StoreBackend};
use std::cell::RefCell;
use std::sync::atomic::AtomicBool;

fn never() -> AtomicBool {
    AtomicBool::new(false)
}

/// Projects (one app) and HR, sharing Employees; Tasks link to Employees
/// and to their parent task.
fn model() -> (Vec<String>, Vec<ModelTable>) {
    let apps = vec!["Projects".to_string(), "HR".to_string()];
    let choice = FieldType::Choice {
        options: vec!["Open".into(), "Done".into()],
    };
    let tables = vec![
        ModelTable {
            name: "Employees".into(),
            apps: vec![0, 1],
            fields: vec![
                ("Name".into(), ModelField::Plain(FieldType::Text)),
                ("Salary".into(), ModelField::Plain(FieldType::Number)),
                ("Start date".into(), ModelField::Plain(FieldType::Date)),
                ("Active".into(), ModelField::Plain(FieldType::Boolean)),
            ],
        },
        ModelTable {
            name: "Tasks".into(),
            apps: vec![0],
            fields: vec![
                ("Title".into(), ModelField::Plain(FieldType::Text)),
                ("Status".into(), ModelField::Plain(choice)),
                ("Owner".into(), ModelField::LinkTo(0)),
                ("Parent".into(), ModelField::LinkTo(1)),
            ],
        },
    ];
    (apps, tables)
}

fn employees() -> Vec<Record> {
    let person = |id: i64, name: &str, salary: f64, day: Option<&str>, active: bool| Record {
        id,
        values: vec![
            Value::Text(name.into()),
            Value::Number(salary),
            day.map_or(Value::Null, |d| Value::Text(d.into())),
            Value::Bool(active),
        ],
    };
    vec![
        person(3, "Ada Lovelace", 5200.5, Some("2024-02-29"), true),
        person(7, "Grace Hopper", 6100.0, None, false),
        person(
            12,
            "Edsger Dijkstra — “EWD”",
            0.25,
            Some("1999-12-31"),
            true,
        ),
    ]
}

fn tasks() -> Vec<Record> {
    vec![
        Record {
            id: 1,
            values: vec![
                Value::Text("Launch".into()),
                Value::Text("Open".into()),
                Value::Integer(3),
                Value::Null,
            ],
        },
        Record {
            id: 2,
            values: vec![
                Value::Text("Rehearse".into()),
                Value::Text("Done".into()),
                Value::Integer(7),
                Value::Integer(1),
            ],
        },
    ]
}

/// Makes the model in store `key` and loads the records above.
fn filled(backend: &dyn StoreBackend, key: &str) -> Result<(i64, i64)> {
    let mut store = backend.create(key, "10.0.1")?;
    let (apps, tables) = model();
    let (_, made) = store.create_model(&apps, &tables)?;
    let (emp, task) = (made[0].id, made[1].id);
    store.load(&mut |sink| {
        for r in employees() {
            sink.put(emp, r.id, &r.values)?;
        }
        for r in tasks() {
            sink.put(task, r.id, &r.values)?;
        }
        Ok(())
    })?;
    Ok((emp, task))
}

fn a_new_store_is_empty_and_knows_its_platform(backend: &dyn StoreBackend) -> Result<()> {
    let store = backend.create("prod", "10.0.1")?;
    assert_eq!(store.platform_version()?, "10.0.1");
    let defs = store.definitions()?;
    assert!(defs.apps.is_empty() && defs.tables.is_empty() && defs.views.is_empty());
    assert_eq!(store.stats()?.record_count, 0);
    assert!(backend.exists("prod")?);
    assert!(!backend.exists("other")?);
    let again = backend.create("prod", "10.0.1").err().expect("taken");
    assert_eq!(again.kind, ErrorKind::Conflict);
    let missing = backend.open("other").err().expect("missing");
    assert_eq!(missing.kind, ErrorKind::NotFound);
    Ok(())
}
both!(a_new_store_is_empty_and_knows_its_platform);

fn a_model_and_its_records_come_back_exactly(backend: &dyn StoreBackend) -> Result<()> {
    let (emp, task) = filled(backend, "prod")?;
    let store = backend.open("prod")?;
    let defs = store.definitions()?;
    assert_eq!(
        defs.apps
            .iter()
            .map(|a| a.name.as_str())
            .collect::<Vec<_>>(),
        ["Projects", "HR"]
    );
    let employees_table = defs.tables.iter().find(|t| t.id == emp).expect("Employees");
    assert_eq!(employees_table.app_ids.len(), 2, "shared by both apps");
    let tasks_table = defs.tables.iter().find(|t| t.id == task).expect("Tasks");
    assert_eq!(
        tasks_table.fields[2].field_type,
        FieldType::Link { table_id: emp }
    );
    assert_eq!(
        tasks_table.fields[3].field_type,
        FieldType::Link { table_id: task }
    );
    assert_eq!(store.records(emp)?, employees());
    assert_eq!(store.records(task)?, tasks());
    let stats = store.stats()?;
    assert_eq!(
        (stats.record_count, stats.app_count, stats.table_count),
        (5, 2, 2)
    );
    assert!(stats.size_bytes > 0);
    Ok(())
}
both!(a_model_and_its_records_come_back_exactly);

fn new_records_continue_after_the_loaded_ids(backend: &dyn StoreBackend) -> Result<()> {
    let (emp, _) = filled(backend, "prod")?;
    let mut store = backend.open("prod")?;
    let row = vec![
        Value::Text("Barbara Liskov".into()),
        Value::Integer(4000),
        Value::Text("2025-03-30".into()),
        Value::Bool(true),
    ];
    assert_eq!(store.insert_records(emp, &[row])?, 1);
    let all = store.records(emp)?;
    assert_eq!(all.len(), 4);
    assert_eq!(all[3].id, 13, "after the largest loaded id");
    assert_eq!(all[3].values[1], Value::Number(4000.0));

    let short = store
        .insert_records(emp, &[vec![Value::Text("x".into())]])
        .expect_err("too few values");
    assert_eq!(short.kind, ErrorKind::Invalid);
    assert_eq!(store.records(emp)?.len(), 4, "nothing inserted");
    Ok(())
}
both!(new_records_continue_after_the_loaded_ids);

fn a_refused_model_or_a_failed_load_leaves_nothing(backend: &dyn StoreBackend) -> Result<()> {
    let mut store = backend.create("prod", "10.0.1")?;
    let (apps, mut tables) = model();
    tables[1].name = "employees".into();
    let clash = store
        .create_model(&apps, &tables)
        .expect_err("two tables, one name");
    assert_eq!(clash.kind, ErrorKind::Conflict, "{}", clash.message);
    assert!(store.definitions()?.apps.is_empty(), "no app was kept");

    let (apps, tables) = model();
    let (_, made) = store.create_model(&apps, &tables)?;
    let emp = made[0].id;
    let loaded = store.load(&mut |sink| {
        for r in employees() {
            sink.put(emp, r.id, &r.values)?;
        }
        sink.put(emp, 3, &employees()[0].values)
    });
    assert!(loaded.is_err(), "a duplicate id fails the load");
    assert!(
        store.records(emp)?.is_empty(),
        "nothing of the load was kept"
    );
    Ok(())
}
both!(a_refused_model_or_a_failed_load_leaves_nothing);

fn a_copy_is_whole_and_independent(backend: &dyn StoreBackend) -> Result<()> {
    let (emp, task) = filled(backend, "prod")?;
    let seen = RefCell::new(Vec::new());
    backend.copy(
        "prod",
        "uat",
        &|p: CopyProgress| seen.borrow_mut().push(p),
        &never(),
    )?;
    let last = seen.borrow().last().copied().expect("progress");
    assert_eq!(last.done_pages, last.total_pages, "ends complete");

    let mut copy = backend.open("uat")?;
    let original = backend.open("prod")?;
    assert_eq!(copy.definitions()?, original.definitions()?);
    assert_eq!(copy.records(emp)?, employees());
    assert_eq!(copy.records(task)?, tasks());
    assert_eq!(copy.platform_version()?, "10.0.1");

    copy.create_app("Finance")?;
    copy.insert_records(task, &[tasks()[0].values.clone()])?;
    assert_eq!(copy.records(task)?.last().map(|r| r.id), Some(3));
    assert_eq!(
        original.definitions()?.apps.len(),
        2,
        "the source is untouched"
    );
    assert_eq!(original.records(task)?, tasks());

    let taken = backend
        .copy("prod", "uat", &|_| {}, &never())
        .expect_err("target exists");
    assert_eq!(taken.kind, ErrorKind::Conflict);
    Ok(())
}
both!(a_copy_is_whole_and_independent);

fn a_stopped_copy_leaves_no_target(backend: &dyn StoreBackend) -> Result<()> {
    filled(backend, "prod")?;
    let stop = AtomicBool::new(true);
    let err = backend
        .copy("prod", "uat", &|_| {}, &stop)
        .expect_err("stopped");
    assert_eq!(err.kind, ErrorKind::Cancelled);
    assert!(!backend.exists("uat")?);
    backend.copy("prod", "uat", &|_| {}, &never())?;
    assert!(backend.exists("uat")?, "a later copy is not hindered");
    Ok(())
}
both!(a_stopped_copy_leaves_no_target);

fn marks_on_a_copy_are_kept(backend: &dyn StoreBackend) -> Result<()> {
    let mut store = backend.create("prod", "10.0.1")?;
    assert_eq!((store.copy_point()?, store.production_point()?), (0, 0));
    store.set_marks(4, 9)?;
    store.set_platform_version("10.0.2")?;
    drop(store);
    backend.copy("prod", "sandbox", &|_| {}, &never())?;
    let copy = backend.open("sandbox")?;
    assert_eq!((copy.copy_point()?, copy.production_point()?), (4, 9));
    assert_eq!(copy.platform_version()?, "10.0.2");
    Ok(())
}
both!(marks_on_a_copy_are_kept);

fn a_discarded_store_is_gone(backend: &dyn StoreBackend) -> Result<()> {
    filled(backend, "half-made")?;
    backend.discard("half-made")?;
    assert!(!backend.exists("half-made")?);
    backend.discard("half-made")?;
    Ok(())
}
both!(a_discarded_store_is_gone);

fn a_point_restores_exactly_and_knows_when_it_was_tampered_with(
    backend: &dyn StoreBackend,
) -> Result<()> {
    let (emp, task) = filled(backend, "prod")?;
    let point = backend.take_point("prod", &|_| {}, &never())?;
    assert_eq!(point.records, 5);
    assert_eq!(point.platform.version, "10.0.1");
    assert!(point.size_bytes > 0);
    backend
        .check_point(&point.name, &point.digest)
        .expect("whole");
    assert_eq!(backend.point_platform(&point.name)?.version, "10.0.1");

    let mut store = backend.open("prod")?;
    store.insert_records(emp, &[employees()[0].values.clone()])?;
    store.create_app("Finance")?;
    store.set_platform_version("10.0.2")?;
    let impact = backend.changes_since("prod", &point.name)?;
    assert_eq!(impact.records_changed, 1);
    drop(store);

    let stages = RefCell::new(Vec::new());
    backend.restore_point("prod", &point.name, &|p| stages.borrow_mut().push(p.stage))?;
    assert!(stages
        .borrow()
        .iter()
        .all(|s| *s == cutover_core::backup::CopyStage::Replacing));
    let store = backend.open("prod")?;
    assert_eq!(store.records(emp)?, employees());
    assert_eq!(store.records(task)?, tasks());
    assert_eq!(store.definitions()?.apps.len(), 2);
    assert_eq!(store.platform_version()?, "10.0.1");
    assert_eq!(
        backend.changes_since("prod", &point.name)?.records_changed,
        0
    );

    let problem = backend
        .check_point(&point.name, &"0".repeat(64))
        .expect_err("another digest");
    assert!(problem.contains("changed"), "{problem}");
    backend.drop_point(&point.name)?;
    let gone = backend
        .check_point(&point.name, &point.digest)
        .expect_err("dropped");
    assert!(gone.contains("missing"), "{gone}");
    assert!(backend.drop_point("../control.sqlite").is_err());
    Ok(())
}
both!(a_point_restores_exactly_and_knows_when_it_was_tampered_with);

fn a_stopped_point_leaves_nothing_and_unrecorded_points_are_dropped(
    backend: &dyn StoreBackend,
) -> Result<()> {
    filled(backend, "prod")?;
    let stopped = backend
        .take_point("prod", &|_| {}, &AtomicBool::new(true))
        .expect_err("stopped");
    assert_eq!(stopped.kind, ErrorKind::Cancelled);
    let kept = backend.take_point("prod", &|_| {}, &never())?;
    let stray = backend.take_point("prod", &|_| {}, &never())?;
    let keep = std::collections::HashSet::from([kept.name.clone()]);
    let dropped = backend.drop_points_except(&keep)?;
    assert_eq!(
        dropped.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
        [stray.name.as_str()],
        "only the unrecorded point, and no trace of the stopped one"
    );
    backend.check_point(&kept.name, &kept.digest).expect("kept");
    Ok(())
}
both!(a_stopped_point_leaves_nothing_and_unrecorded_points_are_dropped);

fn a_refresh_replaces_the_target_marked_as_copied(backend: &dyn StoreBackend) -> Result<()> {
    let (emp, _) = filled(backend, "prod")?;
    backend.copy("prod", "uat", &|_| {}, &never())?;
    let mut uat = backend.open("uat")?;
    uat.create_app("Scratch")?;
    uat.insert_records(emp, &[employees()[1].values.clone()])?;
    drop(uat);
    let mut prod = backend.open("prod")?;
    prod.insert_records(emp, &[employees()[2].values.clone()])?;
    drop(prod);

    let stopped = backend
        .refresh("prod", "uat", &|_| {}, &AtomicBool::new(true))
        .expect_err("stopped");
    assert_eq!(stopped.kind, ErrorKind::Cancelled);
    assert_eq!(backend.open("uat")?.records(emp)?.len(), 4, "unchanged");

    let base = backend.refresh("prod", "uat", &|_| {}, &never())?;
    let uat = backend.open("uat")?;
    assert_eq!(uat.records(emp)?, backend.open("prod")?.records(emp)?);
    assert!(uat.definitions()?.apps.iter().all(|a| a.name != "Scratch"));
    assert_eq!((uat.copy_point()?, uat.production_point()?), (base, base));
    Ok(())
}
both!(a_refresh_replaces_the_target_marked_as_copied);

fn a_retired_store_is_kept_aside_until_purged_or_brought_back(
    backend: &dyn StoreBackend,
) -> Result<()> {
    let (emp, _) = filled(backend, "old")?;
    let at = chrono::DateTime::from_timestamp(1_764_590_400, 0).expect("an instant");
    backend.retire("old", at)?;
    assert!(!backend.exists("old")?);
    let retired = backend.retired()?;
    assert_eq!(retired.len(), 1);
    assert_eq!(
        (retired[0].key.as_str(), retired[0].retired_at),
        ("old", at)
    );
    assert!(retired[0].size_bytes > 0);

    backend.unretire(&retired[0].name, "back")?;
    assert!(backend.retired()?.is_empty());
    assert_eq!(backend.open("back")?.records(emp)?, employees());

    backend.retire("back", at)?;
    let name = backend.retired()?[0].name.clone();
    backend.purge_retired(&name)?;
    assert!(backend.retired()?.is_empty());
    assert_eq!(
        backend.purge_retired(&name).expect_err("gone").kind,
        ErrorKind::NotFound
    );
    Ok(())
}
both!(a_retired_store_is_kept_aside_until_purged_or_brought_back);

fn recovery_retires_stores_no_environment_records(backend: &dyn StoreBackend) -> Result<()> {
    filled(backend, "kept")?;
    filled(backend, "stray")?;
    let at = chrono::DateTime::from_timestamp(1_764_590_400, 0).expect("an instant");
    let retired = backend.recover(&["kept".to_string()], at)?;
    assert_eq!(retired, ["stray"]);
    assert!(backend.exists("kept")? && !backend.exists("stray")?);
    assert_eq!(backend.retired()?.len(), 1);
    Ok(())
}
both!(recovery_retires_stores_no_environment_records);

/// The keys an upgrade run gives its copy and snapshots, longer than a
/// UUID, work as any other (a server names them within its 63 bytes).
fn an_upgrade_runs_long_keys_work_as_any_other(backend: &dyn StoreBackend) -> Result<()> {
    let copy = format!("upgrade-12-{}", uuid::Uuid::new_v4().simple());
    let snapshot = format!("{copy}-before-0");
    filled(backend, "prod")?;
    backend.copy("prod", &copy, &|_| {}, &never())?;
    backend.copy(&copy, &snapshot, &|_| {}, &never())?;
    backend.open(&copy)?.create_app("Finance")?;
    assert!(backend.exists(&copy)? && backend.exists(&snapshot)?);
    backend.replace(&copy, &snapshot, &|_| {})?;
    assert_eq!(
        backend.open(&copy)?.definitions()?.apps.len(),
        2,
        "as before the app"
    );
    let at = chrono::DateTime::from_timestamp(1_764_590_400, 0).expect("an instant");
    let recorded = ["prod".to_string(), copy.clone()];
    assert!(
        backend.recover(&recorded, at)?.len() == 1,
        "the unrecorded snapshot only"
    );
    assert!(backend.exists(&copy)? && !backend.exists(&snapshot)?);
    backend.discard(&copy)?;
    assert!(!backend.exists(&copy)?);
    Ok(())
}
both!(an_upgrade_runs_long_keys_work_as_any_other);

fn a_watch_sees_any_commit_after_it_began(backend: &dyn StoreBackend) -> Result<()> {
    filled(backend, "prod")?;
    let watch = backend.watch("prod")?;
    let mut store = backend.open("prod")?;
    store.create_app("Finance")?;
    assert!(watch.changed()?);
    Ok(())
}
both!(a_watch_sees_any_commit_after_it_began);

/// A backup or a copy of the store reads it: the watch must not take them
/// for writes, or a promotion would back production up again under its
/// lock every time (the lockout then grows with production's size).
fn a_backup_or_a_copy_is_not_a_change(backend: &dyn StoreBackend) -> Result<()> {
    filled(backend, "prod")?;
    let watch = backend.watch("prod")?;
    let point = backend.take_point("prod", &|_| {}, &never())?;
    backend.copy("prod", "copy", &|_| {}, &never())?;
    backend.open("copy")?.create_app("Finance")?;
    assert!(!watch.changed()?, "nothing was written to prod");
    assert_eq!(point.records, 5);
    backend.open("prod")?.create_app("Finance")?;
    assert!(watch.changed()?);
    Ok(())
}
both!(a_backup_or_a_copy_is_not_a_change);

fn an_export_is_the_same_file_from_either_backend(backend: &dyn StoreBackend) -> Result<()> {
    filled(backend, "prod")?;
    let dir = tempfile::tempdir().expect("temp dir");
    let dest = dir.path().join("prod.sqlite");
    backend
        .open("prod")?
        .export_to(&dest, &[("account", "Northwind".to_string())])?;
    let file = rusqlite::Connection::open(&dest).expect("the exported file");
    let rows = |sql: &str| -> Vec<String> {
        let mut stmt = file.prepare(sql).expect("a query");
        let n = stmt.column_count();
        stmt.query_map([], |r| {
            Ok((0..n)
                .map(|i| {
                    format!(
                        "{:?}",
                        r.get::<_, rusqlite::types::Value>(i).expect("a cell")
                    )
                })
                .collect::<Vec<_>>()
                .join(" | "))
        })
        .expect("rows")
        .collect::<rusqlite::Result<_>>()
        .expect("rows")
    };
    assert_eq!(
        rows(r#"SELECT * FROM "Employees" ORDER BY id"#),
        [
            r#"Integer(3) | Text("Ada Lovelace") | Real(5200.5) | Text("2024-02-29") | Integer(1)"#,
            r#"Integer(7) | Text("Grace Hopper") | Real(6100.0) | Null | Integer(0)"#,
            r#"Integer(12) | Text("Edsger Dijkstra — “EWD”") | Real(0.25) | Text("1999-12-31") | Integer(1)"#,
        ]
    );
    assert_eq!(
        rows(r#"SELECT * FROM "Tasks" ORDER BY id"#),
        [
            r#"Integer(1) | Text("Launch") | Text("Open") | Integer(3) | Null"#,
            r#"Integer(2) | Text("Rehearse") | Text("Done") | Integer(7) | Integer(1)"#,
        ]
    );
    assert_eq!(
        rows("SELECT table_name, field, field_type FROM cutover_fields ORDER BY table_name, position")[6],
        r#"Text("Tasks") | Text("Owner") | Text("{\"type\":\"link\",\"table\":\"Employees\"}")"#
    );
    assert_eq!(
        rows("SELECT value FROM cutover_file WHERE key = 'account'"),
        [r#"Text("Northwind")"#]
    );
    assert!(!dir.path().join("prod.sqlite.partial").exists());
    Ok(())
}
both!(an_export_is_the_same_file_from_either_backend);
