//! A package's SQL runs as written for the account's engine: a server
//! account runs its `migrations/postgresql/` scripts (never the SQLite
//! ones), and a package with no scripts for PostgreSQL is refused at
//! import, with why, and nothing is imported.

mod common;

use common::pg::FreshDatabase;
use common::server::{server_account_with_sandbox, vendor};
use common::{at, boss};
use cutover_core::upgrade::{PackageState, UpgradeState};
use cutover_core::{ErrorKind, Result};
use cutover_store::{Context, Workspace};

/// SQLite's dialect: `INSERT OR REPLACE` does not parse on PostgreSQL.
const SQLITE: &str =
    "INSERT OR REPLACE INTO platform_meta (key, value) VALUES ('data_version', '10.0.2');";
/// PostgreSQL's: the `::` cast does not parse on SQLite.
const POSTGRESQL: &str =
    "INSERT INTO platform_meta (key, value) VALUES ('data_version', '10.0.2'::text)
    ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value;";

/// Release 10.0.2 of the test platform with `scripts` as its SQL.
fn package(scripts: &[(&str, &str)]) -> Result<Vec<u8>> {
    let manifest = serde_json::json!({
        "format": 1,
        "platform": "Contoso ERP",
        "version": "10.0.2",
        "type": "minor",
        "published": "2026-11-01",
        "general_availability": "2026-11-02",
        "upgrades_from": ["10.0.1"],
    });
    let mut files = vec![
        (
            "manifest.json".to_string(),
            manifest.to_string().into_bytes(),
        ),
        (
            "notes.md".to_string(),
            b"# Faster ledger\narea: Platform\nkind: change\n\nThe ledger opens faster.\n".to_vec(),
        ),
    ];
    files.extend(
        scripts
            .iter()
            .map(|(name, sql)| (name.to_string(), sql.as_bytes().to_vec())),
    );
    cutover_package::build::build(&files, &vendor())
}

#[test]
fn a_server_account_runs_its_postgresql_scripts_and_refuses_a_package_without_any() -> Result<()> {
    let db = FreshDatabase::new();
    let dir = tempfile::tempdir().context("temp dir")?;
    let ws = Workspace::open(dir.path())?;
    let (account, _, sandbox) = server_account_with_sandbox(&ws, &db, "Contoso")?;

    let sqlite_only = package(&[("migrations/sqlite/001_meta.sql", SQLITE)])?;
    let e = ws
        .import_release(account, &sqlite_only, &boss(), at(9, 0))
        .expect_err("no PostgreSQL scripts");
    assert_eq!(e.kind, ErrorKind::Invalid);
    assert!(
        e.message.contains("no PostgreSQL scripts")
            && e.message.contains("migrations/postgresql/")
            && e.message.contains("Nothing was imported"),
        "{}",
        e.message
    );
    let releases = ws.catalog(account, &boss(), at(9, 0))?.releases;
    assert!(releases.is_empty(), "{releases:?}");

    let both = package(&[
        ("migrations/postgresql/001_meta.sql", POSTGRESQL),
        ("migrations/sqlite/001_meta.sql", SQLITE),
    ])?;
    ws.import_release(account, &both, &boss(), at(9, 1))?;
    let run = ws.start_upgrade(sandbox, "10.0.2", &boss(), at(9, 2))?;
    ws.prepare_upgrade(run.id, &|| at(9, 2))?;
    ws.apply_next_package(run.id, &boss(), &|| at(9, 3))?;
    let run = ws.upgrade_run(run.id)?;
    assert_eq!(run.state, UpgradeState::Packages, "{run:?}");
    assert!(
        run.packages
            .iter()
            .all(|p| p.state == PackageState::Applied),
        "the PostgreSQL script ran: {run:?}"
    );
    Ok(())
}
