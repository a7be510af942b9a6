//! Extensions on a temporary data directory with the demo account: the
//! catalog, installing in dependency order and only on supported platform
//! versions, a failing install script that leaves nothing, uninstalling
//! after a backup, and copies that carry what is installed.

mod common;

use chrono::{DateTime, TimeZone, Utc};
use common::{boss, demo_dir};
use cutover_core::admin::{Admin, Role};
use cutover_core::backup::BackupReason;
use cutover_core::environment::EnvironmentKind;
use cutover_core::{ErrorKind, Result};
use cutover_package::{build, sign};
use cutover_store::{demo, Context, NewEnvironment, Workspace};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0)
        .single()
        .unwrap_or_default()
}

fn package(name: &str) -> Vec<u8> {
    std::fs::read(demo_dir().join("extensions").join(format!("{name}.zip")))
        .expect("a committed demo extension package")
}

/// Whether the environment's store file has table `name`.
fn has_table(ws: &Workspace, environment: i64, name: &str) -> Result<bool> {
    let key: String = ws
        .connect()?
        .query_row(
            "SELECT store_key FROM environments WHERE id = ?1",
            [environment],
            |r| r.get(0),
        )
        .context("store key")?;
    let file = std::fs::read_dir(ws.root())
        .context("root")?
        .filter_map(|d| d.ok())
        .map(|d| d.path().join(format!("{key}.sqlite")))
        .find(|p| p.exists())
        .ok_or_else(|| cutover_core::Error::internal("no store file"))?;
    let conn = rusqlite::Connection::open(file).context("open")?;
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = ?1)",
        [name],
        |r| r.get(0),
    )
    .context("sqlite_master")
}

fn setup() -> Result<(tempfile::TempDir, Workspace, i64, i64, Vec<i64>)> {
    let dir = tempfile::tempdir().context("temp dir")?;
    let ws = Workspace::open(dir.path())?;
    let account = demo::ensure_demo(&ws, now())?.expect("the demo account");
    let production = ws.overview()?[0].environments[0].environment.id;
    // The demo's catalog: Timesheet core 1.0 and Project export 1.2 (both
    // installed everywhere) and Project export 2.0 (for 10.0.4).
    let catalog = ws.extension_catalog(account)?;
    let id = |name: &str, version: &str| {
        catalog
            .iter()
            .find(|e| e.name == name && e.version == version)
            .map(|e| e.id)
            .unwrap_or_default()
    };
    let ids = vec![
        id("Timesheet core", "1.0"),
        id("Project export", "1.2"),
        id("Project export", "2.0"),
    ];
    Ok((dir, ws, account, production, ids))
}

#[test]
fn the_catalog_refuses_duplicates_and_untrusted_packages() -> Result<()> {
    let (_dir, ws, account, _, _) = setup()?;
    let catalog = ws.extension_catalog(account)?;
    let names: Vec<String> = catalog
        .iter()
        .map(|e| format!("{} {}", e.name, e.version))
        .collect();
    assert_eq!(
        names,
        [
            "Project export 2.0",
            "Project export 1.2",
            "Timesheet core 1.0"
        ]
    );
    let dup = ws
        .import_extension(account, &package("timesheet-core-1.0"), &boss(), now())
        .expect_err("dup");
    assert_eq!(dup.kind, ErrorKind::Conflict);
    let stranger = build::sign_and_zip(
        &build::read_folder(&demo_dir().join("extensions/timesheet-core-1.0"))?,
        &ed25519_dalek::SigningKey::from_bytes(&[9; 32]),
    );
    assert_eq!(
        ws.import_extension(account, &stranger, &boss(), now())
            .expect_err("untrusted")
            .kind,
        ErrorKind::Forbidden
    );
    assert_eq!(ws.extension_catalog(account)?.len(), 3);
    Ok(())
}

#[test]
fn installing_follows_dependencies_and_platform_versions_and_uninstalling_takes_a_backup(
) -> Result<()> {
    let (_dir, ws, _, production, ids) = setup()?;
    let (core, export_1, export_2) = (ids[0], ids[1], ids[2]);
    let installed: Vec<String> = ws
        .environment_extensions(production)?
        .into_iter()
        .map(|e| e.name)
        .collect();
    assert_eq!(
        installed,
        ["Project export", "Timesheet core"],
        "the demo installs two"
    );
    assert!(
        has_table(&ws, production, "ext_timesheets")?
            && has_table(&ws, production, "ext_export_runs")?
    );
    assert_eq!(
        ws.install_extension(production, core, &boss(), now())
            .expect_err("twice")
            .kind,
        ErrorKind::Conflict
    );
    let err = ws
        .uninstall_extension(production, "Timesheet core", &boss(), now())
        .expect_err("needed");
    assert!(
        err.message.contains("needed by Project export 1.2"),
        "{}",
        err.message
    );
    let sam = Admin {
        id: 3,
        name: "Sam Lee".into(),
        role: Role::AppAdmin,
    };
    let err = ws
        .uninstall_extension(production, "Project export", &sam, now())
        .expect_err("sam");
    assert_eq!(err.kind, ErrorKind::Forbidden);

    let backups_before = ws.backups(production)?.len();
    ws.uninstall_extension(production, "Project export", &boss(), now())?;
    let backups = ws.backups(production)?;
    assert_eq!(backups.len(), backups_before + 1);
    assert!(backups
        .iter()
        .any(|b| b.reason == BackupReason::BeforeUninstall && b.verified_at.is_some()));
    assert!(!has_table(&ws, production, "ext_export_runs")?);
    let err = ws
        .install_extension(production, export_2, &boss(), now())
        .expect_err("platform");
    assert!(
        err.message.contains("this environment runs 10.0.1"),
        "{}",
        err.message
    );
    ws.uninstall_extension(production, "Timesheet core", &boss(), now())?;
    let err = ws
        .install_extension(production, export_1, &boss(), now())
        .expect_err("dependency");
    assert!(
        err.message.contains("needs Timesheet core installed first"),
        "{}",
        err.message
    );
    ws.install_extension(production, core, &boss(), now())?;
    ws.install_extension(production, export_1, &boss(), now())?;
    assert!(has_table(&ws, production, "ext_export_runs")?);

    // A copy carries what is installed.
    let copy = ws.create_copy(
        &NewEnvironment {
            source_id: production,
            name: "Extension sandbox".into(),
            kind: EnvironmentKind::Sandbox,
        },
        &boss(),
        now(),
    )?;
    assert_eq!(ws.environment_extensions(copy.id)?.len(), 2);
    Ok(())
}

#[test]
fn a_failing_install_script_leaves_nothing_behind() -> Result<()> {
    let (_dir, ws, account, production, _) = setup()?;
    let mut files = build::read_folder(&demo_dir().join("extensions/timesheet-core-1.0"))?;
    let mut description: serde_json::Value = serde_json::from_slice(&files[0].1).context("json")?;
    description["name"] = "Half-made".into();
    files[0].1 = serde_json::to_vec(&description).context("json")?;
    files.retain(|(n, _)| !n.starts_with("install/"));
    files.push((
        "install/001_half.sql".into(),
        b"CREATE TABLE ext_half (x INTEGER); INSERT INTO nowhere VALUES (1);".to_vec(),
    ));
    let key = sign::parse_signing_key(
        &std::fs::read_to_string(demo_dir().join("vendor-demo.key")).context("key")?,
    )?;
    let id = ws
        .import_extension(account, &build::build(&files, &key)?, &boss(), now())?
        .id;
    let err = ws
        .install_extension(production, id, &boss(), now())
        .expect_err("fails");
    assert!(
        err.message
            .contains("Installing Half-made 1.0: Script 001_half.sql, line 1, failed"),
        "{}",
        err.message
    );
    assert!(
        err.message.contains("Nothing was changed"),
        "{}",
        err.message
    );
    assert!(!has_table(&ws, production, "ext_half")?);
    assert_eq!(
        ws.environment_extensions(production)?.len(),
        2,
        "only the demo's two"
    );
    Ok(())
}
