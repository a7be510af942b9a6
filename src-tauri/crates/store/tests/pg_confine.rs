//! Package SQL on a server is confined to its environment: release
//! scripts, checks and extension scripts run as the environment's role,
//! inside Cutover's transaction, and every way out is refused by the
//! server with nothing kept — tried against a real server, beside another
//! environment a hostile script would like to reach.

mod common;

use chrono::{TimeZone, Utc};
use common::pg::FreshDatabase;
use cutover_core::extension::InstalledExtension;
use cutover_core::{ErrorKind, Result};
use cutover_store::env_store::{EnvironmentStore, StoreBackend};

fn at() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 17, 0, 0)
        .single()
        .expect("an instant")
}

fn scripts(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(n, s)| (n.to_string(), s.to_string()))
        .collect()
}

const GOOD: &str = "CREATE TABLE audit (id bigint PRIMARY KEY, note text);
INSERT INTO audit VALUES (1, 'upgraded');
UPDATE platform_meta SET value = value WHERE key = 'platform_version';";

fn audit_rows(store: &dyn EnvironmentStore) -> Result<Vec<(String, String)>> {
    store.failing_checks(&scripts(&[("checks/audit.sql", "SELECT note FROM audit")]))
}

#[test]
fn release_scripts_run_once_each_as_the_environments_role() -> Result<()> {
    let db = FreshDatabase::new();
    let backend = db.backend();
    let mut store = backend.create("prod", "10.0.1")?;
    let ran = store.apply_release_scripts("10.0.2", &scripts(&[("001_audit.sql", GOOD)]), at())?;
    assert_eq!(ran, 1);
    assert_eq!(
        audit_rows(store.as_ref())?,
        [("checks/audit.sql".to_string(), "upgraded".to_string())]
    );
    let again =
        store.apply_release_scripts("10.0.2", &scripts(&[("001_audit.sql", GOOD)]), at())?;
    assert_eq!(again, 0, "an applied script is not run twice");

    let mut admin = db.settings.connect(Some(&db.secret)).expect("the server");
    let owner: String = admin
        .query_one(
            "SELECT tableowner::text FROM pg_tables WHERE schemaname = 'env_prod' AND tablename = 'audit'",
            &[],
        )
        .expect("the script's table")
        .get(0);
    assert_eq!(owner, "cutover_env_prod");
    Ok(())
}

#[test]
fn every_way_out_of_the_environment_is_refused_and_nothing_is_kept() -> Result<()> {
    let db = FreshDatabase::new();
    let backend = db.backend();
    let mut other = backend.create("other", "10.0.1")?;
    other.create_app("Secrets")?;
    drop(other);
    let mut store = backend.create("prod", "10.0.1")?;
    let hostile = [
        "RESET ROLE; CREATE TABLE escaped (id int)",
        "SET ROLE cutover",
        "SET SESSION AUTHORIZATION cutover",
        "COMMIT",
        "ROLLBACK",
        "SAVEPOINT s1",
        "SELECT * FROM env_other.platform_apps",
        "DELETE FROM env_other.platform_apps",
        "DROP SCHEMA env_other CASCADE",
        "CREATE ROLE evil LOGIN PASSWORD 'x'",
        "ALTER ROLE cutover_env_prod SUPERUSER",
        "GRANT cutover TO cutover_env_prod",
        "CREATE TABLE public.evil (id int)",
        "COPY platform_meta TO PROGRAM 'touch /tmp/cutover-pwned'",
        "COPY platform_meta TO '/tmp/cutover-pwned'",
        "SELECT pg_read_file('/etc/passwd')",
        "ALTER SYSTEM SET fsync = off",
        "CREATE EXTENSION dblink",
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid()",
    ];
    for sql in hostile {
        let err = store
            .apply_release_scripts(
                "10.0.2",
                &scripts(&[("001_audit.sql", GOOD), ("002_escape.sql", sql)]),
                at(),
            )
            .expect_err(sql);
        assert_eq!(err.kind, ErrorKind::Invalid, "{sql}: {}", err.message);
        assert!(
            err.message
                .contains("Script migrations/002_escape.sql was refused"),
            "{sql}: {}",
            err.message
        );
        assert!(
            audit_rows(store.as_ref()).is_err(),
            "{sql}: the first script's table was kept"
        );
    }
    assert!(!std::path::Path::new("/tmp/cutover-pwned").exists());
    let other = backend.open("other")?;
    assert_eq!(
        other.definitions()?.apps.len(),
        1,
        "the other environment is whole"
    );
    // After all that, the store still works and still applies the release.
    assert_eq!(
        store.apply_release_scripts("10.0.2", &scripts(&[("001_audit.sql", GOOD)]), at())?,
        1
    );
    Ok(())
}

#[test]
fn checks_only_read_and_report_their_first_row() -> Result<()> {
    let db = FreshDatabase::new();
    let backend = db.backend();
    let mut store = backend.create("prod", "10.0.1")?;
    store.apply_release_scripts("10.0.2", &scripts(&[("001_audit.sql", GOOD)]), at())?;
    let failing = store.failing_checks(&scripts(&[
        ("checks/clean.sql", "SELECT id FROM audit WHERE id > 5"),
        ("checks/one.sql", "SELECT id, note FROM audit;"),
    ]))?;
    assert_eq!(
        failing,
        [("checks/one.sql".to_string(), "1, upgraded".to_string())]
    );
    for sql in [
        "WITH gone AS (DELETE FROM audit RETURNING id) SELECT id FROM gone",
        "SELECT 1; DELETE FROM audit",
        "SELECT nextval('audit_id_seq')",
        "SELECT * FROM env_other.platform_meta",
    ] {
        let err = store
            .failing_checks(&scripts(&[("checks/x.sql", sql)]))
            .expect_err(sql);
        assert!(
            err.message.contains("Script checks/x.sql was refused"),
            "{sql}: {}",
            err.message
        );
    }
    assert_eq!(audit_rows(store.as_ref())?.len(), 1, "nothing was deleted");
    Ok(())
}

#[test]
fn an_extension_installs_and_uninstalls_with_its_scripts_or_not_at_all() -> Result<()> {
    let db = FreshDatabase::new();
    let backend = db.backend();
    let mut store = backend.create("prod", "10.0.1")?;
    let ext = InstalledExtension {
        name: "timesheets".into(),
        version: "1.2.0".into(),
        platform_from: "10.0.0".into(),
        platform_before: Some("11.0.0".into()),
        depends_on: vec![],
        adds: vec!["table Timesheets".into()],
        installed_at: at(),
        installed_by: "Alex Morgan".into(),
    };
    let install = scripts(&[("install/001.sql", "CREATE TABLE ext_timesheets (id bigint)")]);
    let uninstall = scripts(&[("uninstall/001.sql", "DROP TABLE ext_timesheets")]);
    let broken = scripts(&[
        ("install/001.sql", "CREATE TABLE ext_timesheets (id bigint)"),
        ("install/002.sql", "RESET ROLE"),
    ]);
    let err = store
        .install_extension(&ext, &broken, &uninstall)
        .expect_err("the second script is refused");
    assert!(
        err.message.contains("Nothing was changed"),
        "{}",
        err.message
    );
    assert!(store.installed_extensions()?.is_empty());

    store.install_extension(&ext, &install, &uninstall)?;
    assert_eq!(store.installed_extensions()?, std::slice::from_ref(&ext));
    let twice = store
        .install_extension(
            &ext,
            &scripts(&[("install/001.sql", "SELECT 1")]),
            &uninstall,
        )
        .expect_err("installed already");
    assert_eq!(twice.kind, ErrorKind::Conflict);
    backend.copy(
        "prod",
        "copy",
        &|_| {},
        &std::sync::atomic::AtomicBool::new(false),
    )?;
    let mut copy = backend.open("copy")?;
    assert_eq!(
        copy.installed_extensions()?,
        [ext],
        "a copy carries its extensions"
    );
    copy.uninstall_extension("timesheets")?;
    assert!(copy.installed_extensions()?.is_empty());
    assert_eq!(
        copy.uninstall_extension("timesheets")
            .expect_err("gone")
            .kind,
        ErrorKind::NotFound
    );
    assert_eq!(
        store.installed_extensions()?.len(),
        1,
        "the original keeps it"
    );
    Ok(())
}
