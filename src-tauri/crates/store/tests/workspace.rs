//! Storage integration tests on temporary data directories.

mod common;

use chrono::{TimeZone, Utc};
use common::boss;
use cutover_core::admin::Role;
use cutover_core::environment::EnvironmentKind;
use cutover_core::{ErrorKind, Result};
use cutover_store::{demo, Context, NewEnvironment, Workspace};
use std::path::Path;

fn at() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0)
        .single()
        .unwrap_or_default()
}

fn demo_workspace(dir: &Path) -> Result<Workspace> {
    let ws = Workspace::open(dir)?;
    assert!(demo::ensure_demo(&ws, at())?.is_some());
    Ok(ws)
}

/// A snapshot of the control database, to prove a refused operation changed nothing.
fn control_rows(ws: &Workspace) -> Result<Vec<String>> {
    let conn = ws.connect()?;
    let mut stmt = conn
        .prepare("SELECT id || '|' || name || '|' || kind || '|' || store_key FROM environments ORDER BY id")
        .context("test")?;
    let rows = stmt.query_map([], |r| r.get(0)).context("test")?;
    rows.collect::<rusqlite::Result<_>>().context("test")
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn demo_account_has_production_uat_and_promotable_with_1000_records() -> Result<()> {
    let dir = tempfile::tempdir().context("temp dir")?;
    let ws = demo_workspace(dir.path())?;
    let overview = ws.overview()?;
    assert_eq!(overview.len(), 1);
    let account = &overview[0];
    assert!(account.account.is_demo);
    assert_eq!(account.account.time_zone, "Europe/London");
    let kinds: Vec<_> = account
        .environments
        .iter()
        .map(|e| e.environment.kind)
        .collect();
    assert_eq!(
        kinds,
        [
            EnvironmentKind::Production,
            EnvironmentKind::Uat,
            EnvironmentKind::Promotable
        ]
    );
    for env in &account.environments {
        assert_eq!(
            env.record_count,
            demo::RECORDS as u64,
            "{}",
            env.environment.name
        );
        assert_eq!(env.app_count, 2);
        assert_eq!(env.table_count, 4);
        assert!(env.data_size_bytes > 0);
        assert_eq!(env.last_backup_at, None);
        assert_eq!(env.environment.version, demo::VERSION);
    }
    // Employees is shared by both apps.
    let defs = ws
        .store(account.environments[0].environment.id)?
        .definitions()?;
    let employees = defs
        .tables
        .iter()
        .find(|t| t.name == "Employees")
        .expect("an Employees table");
    assert_eq!(employees.app_ids.len(), 2);
    // A second start does not make a second demo.
    assert_eq!(demo::ensure_demo(&ws, at())?, None);
    Ok(())
}

#[test]
fn a_sandbox_copy_has_the_same_definitions_and_records_as_production() -> Result<()> {
    let dir = tempfile::tempdir().context("temp dir")?;
    let ws = demo_workspace(dir.path())?;
    let production = ws.overview()?[0].environments[0].environment.clone();
    let request = NewEnvironment {
        source_id: production.id,
        name: " Sandbox 1 ".into(),
        kind: EnvironmentKind::Sandbox,
    };
    let copy = ws.create_copy(&request, &boss(), at())?;
    assert_eq!(copy.name, "Sandbox 1");
    assert_eq!(copy.copied_from, Some(production.id));
    assert_eq!(copy.version, production.version);
    assert_eq!(copy.created_at, at());

    let (source, target) = (ws.store(production.id)?, ws.store(copy.id)?);
    let defs = source.definitions()?;
    assert_eq!(defs, target.definitions()?);
    for table in &defs.tables {
        assert_eq!(
            source.records(table.id)?,
            target.records(table.id)?,
            "{}",
            table.name
        );
    }
    assert_eq!(source.stats()?.record_count, target.stats()?.record_count);
    // No half-made copy is left behind.
    assert!(!files_in(&dir.path().join("environments"))
        .iter()
        .any(|f| f.ends_with(".partial")));
    Ok(())
}

#[test]
fn refused_requests_change_nothing() -> Result<()> {
    let dir = tempfile::tempdir().context("temp dir")?;
    let ws = demo_workspace(dir.path())?;
    let envs = ws.overview()?[0].environments.clone();
    let (production, uat) = (&envs[0].environment, &envs[1].environment);
    let before = (
        control_rows(&ws)?,
        files_in(&dir.path().join("environments")),
    );

    let cases = [
        (
            NewEnvironment {
                source_id: 9_999,
                name: "X".into(),
                kind: EnvironmentKind::Sandbox,
            },
            ErrorKind::NotFound,
        ),
        (
            NewEnvironment {
                source_id: production.id,
                name: "uat".into(),
                kind: EnvironmentKind::Sandbox,
            },
            ErrorKind::Conflict,
        ),
        (
            NewEnvironment {
                source_id: production.id,
                name: "Second UAT".into(),
                kind: EnvironmentKind::Uat,
            },
            ErrorKind::Conflict,
        ),
        (
            NewEnvironment {
                source_id: production.id,
                name: "P2".into(),
                kind: EnvironmentKind::Production,
            },
            ErrorKind::Forbidden,
        ),
        (
            NewEnvironment {
                source_id: uat.id,
                name: "From UAT".into(),
                kind: EnvironmentKind::Sandbox,
            },
            ErrorKind::Forbidden,
        ),
        (
            NewEnvironment {
                source_id: production.id,
                name: "  ".into(),
                kind: EnvironmentKind::Sandbox,
            },
            ErrorKind::Invalid,
        ),
        (
            NewEnvironment {
                source_id: production.id,
                name: "a/b".into(),
                kind: EnvironmentKind::Sandbox,
            },
            ErrorKind::Invalid,
        ),
    ];
    for (request, kind) in cases {
        let err = ws
            .create_copy(&request, &boss(), at())
            .expect_err(&request.name);
        assert_eq!(err.kind, kind, "{}: {}", request.name, err.message);
    }
    let err = ws
        .delete_environment(production.id, &boss(), at())
        .expect_err("production");
    assert_eq!(err.kind, ErrorKind::Forbidden);
    assert!(err.message.contains("cannot be deleted"));
    assert_eq!(
        ws.delete_environment(9_999, &boss(), at())
            .expect_err("unknown")
            .kind,
        ErrorKind::NotFound
    );

    assert_eq!(
        before,
        (
            control_rows(&ws)?,
            files_in(&dir.path().join("environments"))
        )
    );
    assert_eq!(
        ws.store(production.id)?.stats()?.record_count,
        demo::RECORDS as u64
    );
    Ok(())
}

#[test]
fn deleting_a_sandbox_retires_its_store_instead_of_destroying_it() -> Result<()> {
    let dir = tempfile::tempdir().context("temp dir")?;
    let ws = demo_workspace(dir.path())?;
    let promotable = ws.overview()?[0].environments[2].environment.clone();
    ws.delete_environment(promotable.id, &boss(), at())?;
    assert_eq!(
        ws.environment(promotable.id).expect_err("gone").kind,
        ErrorKind::NotFound
    );
    assert_eq!(ws.overview()?[0].environments.len(), 2);
    let retired = files_in(&dir.path().join("retired"));
    assert_eq!(retired.len(), 1);
    assert!(
        retired[0].ends_with("-20261123T090000Z.sqlite"),
        "{retired:?}"
    );
    // The retired file is a whole database with every record.
    let conn =
        rusqlite::Connection::open(dir.path().join("retired").join(&retired[0])).context("open")?;
    let tables: i64 = conn
        .query_row("SELECT count(*) FROM platform_tables", [], |r| r.get(0))
        .context("count")?;
    assert_eq!(tables, 4);
    Ok(())
}

#[test]
fn a_missing_store_is_reported_on_its_row_and_the_others_still_show() -> Result<()> {
    let dir = tempfile::tempdir().context("temp dir")?;
    let ws = demo_workspace(dir.path())?;
    let uat = ws.overview()?[0].environments[1].environment.clone();
    let conn = ws.connect()?;
    let key: String = conn
        .query_row(
            "SELECT store_key FROM environments WHERE id = ?1",
            [uat.id],
            |r| r.get(0),
        )
        .context("key")?;
    std::fs::remove_file(
        dir.path()
            .join("environments")
            .join(format!("{key}.sqlite")),
    )
    .context("rm")?;

    let envs = ws.overview()?[0].environments.clone();
    let broken = envs[1].store_error.clone().expect("UAT's store is missing");
    assert_eq!(broken.kind, ErrorKind::NotFound);
    assert!(broken.message.contains("Restore it from a backup"));
    assert_eq!(envs[1].record_count, 0);
    assert_eq!(envs[0].store_error, None);
    assert_eq!(envs[0].record_count, demo::RECORDS as u64);
    // Copying from a missing store is refused and creates nothing.
    let request = NewEnvironment {
        source_id: uat.id,
        name: "Dev".into(),
        kind: EnvironmentKind::Development,
    };
    assert_eq!(
        ws.create_copy(&request, &boss(), at())
            .expect_err("missing")
            .kind,
        ErrorKind::NotFound
    );
    assert_eq!(ws.overview()?[0].environments.len(), 3);
    Ok(())
}

#[test]
fn start_up_recovery_cleans_what_an_interrupted_copy_left() -> Result<()> {
    let dir = tempfile::tempdir().context("temp dir")?;
    let ws = demo_workspace(dir.path())?;
    let envs = dir.path().join("environments");
    let recorded = files_in(&envs);
    // A copy killed while writing leaves a partial file; one killed between
    // the copy and recording it leaves a whole but unrecorded store.
    std::fs::write(envs.join("aaaa.sqlite.partial"), b"half a copy").context("write")?;
    let production = ws.overview()?[0].environments[0].environment.id;
    let key: String = ws
        .connect()?
        .query_row(
            "SELECT store_key FROM environments WHERE id = ?1",
            [production],
            |r| r.get(0),
        )
        .context("key")?;
    std::fs::copy(envs.join(format!("{key}.sqlite")), envs.join("bbbb.sqlite")).context("copy")?;

    assert_eq!(ws.recover(at())?, vec!["bbbb".to_string()]);
    assert_eq!(files_in(&envs), recorded);
    assert!(files_in(&dir.path().join("retired"))
        .iter()
        .any(|f| f.starts_with("bbbb-")));
    // Recorded environments are untouched, and recovery is idempotent.
    assert_eq!(ws.overview()?[0].environments.len(), 3);
    assert!(ws.recover(at())?.is_empty());
    Ok(())
}

#[test]
fn admins_can_be_added_and_switched_and_an_empty_desktop_gets_one() -> Result<()> {
    let dir = tempfile::tempdir().context("temp dir")?;
    let ws = Workspace::open(dir.path())?;
    let first = ws.admins(at())?;
    assert_eq!(first.admins.len(), 1);
    assert_eq!(first.current.name, "Administrator");
    assert_eq!(first.current.role, Role::SuperAdmin);

    let added = ws.add_admin(" Ana ", Role::AppAdmin, at())?;
    let ana = added.admins.iter().find(|a| a.name == "Ana").expect("Ana");
    assert_eq!(
        added.current.name, "Administrator",
        "adding does not switch"
    );
    let dup = ws
        .add_admin("ana", Role::SuperAdmin, at())
        .expect_err("duplicate");
    assert_eq!(dup.kind, ErrorKind::Conflict);
    assert_eq!(ws.admins(at())?.admins.len(), 2);

    assert_eq!(ws.switch_admin(ana.id, at())?.current.name, "Ana");
    assert_eq!(ws.current_admin(at())?.name, "Ana");
    let gone = ws.switch_admin(999, at()).expect_err("unknown");
    assert_eq!(gone.kind, ErrorKind::NotFound);
    assert_eq!(ws.current_admin(at())?.name, "Ana");
    Ok(())
}
