//! Package SQL that tries to reach outside its environment store: each
//! attack is refused with the script's name, the control database stays
//! byte-equal, no file appears in the data directory or the temporary
//! directory, and the store is as it was. Then the same through a whole
//! upgrade run: a hostile package is refused at its step on the copy.

mod common;

use common::{at, boss, demo, env, rehearse, store_file};
use cutover_core::extension::InstalledExtension;
use cutover_core::{ErrorKind, Result};
use cutover_package::{build, sign};
use cutover_store::{Context, Workspace};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Every file below `dir` (SQLite's transient journals aside).
fn files(dir: &Path) -> BTreeSet<PathBuf> {
    let mut out = BTreeSet::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                todo.push(path);
            } else if !["-wal", "-shm", "-journal"]
                .iter()
                .any(|s| path.to_string_lossy().ends_with(s))
            {
                out.insert(path);
            }
        }
    }
    out
}

/// The control database's bytes after a checkpoint, so that what sits in
/// its WAL counts too.
fn control_bytes(ws: &Workspace) -> Result<Vec<u8>> {
    ws.connect()?
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
        .context("checkpoint")?;
    std::fs::read(ws.root().join("control.sqlite")).context("control bytes")
}

#[test]
fn hostile_package_sql_is_refused_and_touches_nothing_outside_its_store() -> Result<()> {
    let dir = tempfile::tempdir().context("temp dir")?;
    let outside = tempfile::tempdir().context("outside dir")?;
    let ws = demo(dir.path())?;
    let uat = env(&ws, "UAT")?;
    let control = ws.root().join("control.sqlite");
    let control = control.to_string_lossy();
    let escape = outside.path().join("stolen.sqlite");
    let escape = escape.to_string_lossy();
    let migrations = [
        ("attach_control.sql", format!("ATTACH '{control}' AS c;\nUPDATE c.accounts SET name = 'pwned';")),
        ("plant_key.sql", format!("CREATE TABLE IF NOT EXISTS x (a);\nATTACH '{control}' AS c;\nINSERT OR IGNORE INTO c.trusted_keys (account_id, public_key, added_at, added_by) VALUES (1, 'k', 'now', 'me');")),
        ("vacuum_into.sql", format!("COMMIT;\nVACUUM INTO '{escape}';")),
        ("vacuum_into_in_tx.sql", format!("VACUUM INTO '{escape}';")),
        ("attach_new_file.sql", format!("ATTACH '{escape}' AS x;\nCREATE TABLE x.t (a);")),
        ("writable_schema.sql", "PRAGMA writable_schema = ON;\nUPDATE sqlite_master SET sql = 'junk' WHERE name = 'platform_meta';".into()),
        ("read_paths.sql", "CREATE TABLE paths AS SELECT file FROM pragma_database_list;".into()),
        ("savepoint.sql", "SAVEPOINT mine;\nCREATE TABLE y (a);\nRELEASE mine;".into()),
    ];
    let checks = [
        ("plant_table.sql", "CREATE TABLE planted (x)".to_string()),
        (
            "insert.sql",
            "INSERT INTO platform_meta (key, value) VALUES ('planted', 'x')".into(),
        ),
        ("vacuum_into.sql", format!("VACUUM INTO '{escape}'")),
        (
            "two_statements.sql",
            "SELECT 1 WHERE 0; DROP TABLE platform_meta".into(),
        ),
    ];
    let uat_file = store_file(&ws, uat)?;
    let before_store = common::dump(&uat_file)?;
    let before_control = control_bytes(&ws)?;
    let (before_data, before_outside) = (files(dir.path()), files(outside.path()));
    for (name, sql) in &migrations {
        let e = ws
            .store(uat)?
            .apply_release_scripts("10.0.9", &[(name.to_string(), sql.clone())], at(10, 0))
            .expect_err(name);
        assert!(
            e.message.contains(&format!("migrations/{name}")) && e.message.contains("line"),
            "{name}: {}",
            e.message
        );
    }
    for (name, sql) in &checks {
        let e = ws
            .store(uat)?
            .failing_checks(&[(format!("checks/{name}"), sql.clone())])
            .expect_err(name);
        assert!(
            e.message.contains(&format!("checks/{name}")),
            "{name}: {}",
            e.message
        );
    }
    // The same scripts as an extension's install script.
    let ext = InstalledExtension {
        name: "Evil".into(),
        version: "1.0".into(),
        platform_from: "10.0.1".into(),
        platform_before: None,
        depends_on: vec![],
        adds: vec![],
        installed_at: at(10, 0),
        installed_by: "Alex Morgan".into(),
    };
    for (name, sql) in &migrations {
        let e = ws
            .store(uat)?
            .install_extension(&ext, &[(name.to_string(), sql.clone())], &[])
            .expect_err(name);
        assert!(e.message.contains(name), "{name}: {}", e.message);
    }

    assert_eq!(
        control_bytes(&ws)?,
        before_control,
        "the control database is byte-equal"
    );
    assert_eq!(
        files(dir.path()),
        before_data,
        "no file appeared in the data directory"
    );
    assert_eq!(
        files(outside.path()),
        before_outside,
        "no file appeared outside"
    );
    assert_eq!(
        common::dump(&uat_file)?,
        before_store,
        "the store is as it was"
    );
    assert_eq!(ws.accounts()?[0].name, "Northwind Foods (demo)");
    Ok(())
}

fn hostile_10_0_4(check: &str) -> Result<Vec<u8>> {
    let folder = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../packages/demo");
    let mut files = build::read_folder(&folder.join("10.0.4"))?;
    for (name, bytes) in &mut files {
        if name.starts_with("checks/") {
            *bytes = check.as_bytes().to_vec();
        }
    }
    let secret = std::fs::read_to_string(folder.join("vendor-demo.key")).context("key")?;
    build::build(&files, &sign::parse_signing_key(&secret)?)
}

#[test]
fn a_check_that_writes_fails_the_rehearsal_and_leaves_the_copy_and_the_store_as_they_were(
) -> Result<()> {
    let dir = tempfile::tempdir().context("temp dir")?;
    let ws = Workspace::open(dir.path())?;
    cutover_store::demo::ensure_demo(&ws, at(9, 0))?;
    let account = ws.accounts()?[0].id;
    ws.import_release(
        account,
        &hostile_10_0_4("CREATE TABLE planted (x);\n")?,
        &boss(),
        at(9, 0),
    )?;
    let uat = env(&ws, "UAT")?;
    let before = common::dump(&store_file(&ws, uat)?)?;
    let e = rehearse(&ws, uat, at(10, 0)).expect_err("the check writes");
    assert_eq!(e.kind, ErrorKind::Forbidden, "{}", e.message);
    assert!(
        e.message
            .contains("checks/001_definitions_intact.sql, line 1"),
        "{}",
        e.message
    );
    assert_eq!(
        common::dump(&store_file(&ws, uat)?)?,
        before,
        "UAT untouched"
    );
    let conn = rusqlite::Connection::open(store_file(&ws, uat)?).context("open")?;
    let planted: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE name = 'planted'",
            [],
            |r| r.get(0),
        )
        .context("planted")?;
    assert_eq!(planted, 0);
    Ok(())
}
