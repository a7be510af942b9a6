//! An integration's database role on a real server: what a pause takes
//! (login, write privileges, open sessions), that resuming gives back
//! exactly what the role had, that a restore keeps who may use an
//! environment, and which roles Cutover refuses to pause, and why.

mod common;

use common::pg::{people, FreshDatabase, Writer};
use cutover_core::error::ErrorKind;
use cutover_core::Result;
use cutover_store::env_store::StoreBackend;
use cutover_store::Context;
use std::sync::atomic::AtomicBool;

#[test]
fn a_paused_role_cannot_log_in_nor_write_and_gets_back_exactly_what_it_had() -> Result<()> {
    let db = FreshDatabase::new();
    let backend = db.backend();
    let (table, name) = people(&backend)?;
    let writer = Writer::new(&db, "prod", table);
    let roles = backend.writer_roles().expect("a server has roles");
    roles.check_writer("prod", &writer.name)?;
    let before = writer.rights(&db, "prod");
    let mut session = writer.connect()?;
    writer
        .insert(&mut session, name, &"Ada")
        .context("writing as the application")?;

    let held = roles.rights("prod", &writer.name)?;
    assert!(held.login);
    let taken: Vec<(&str, bool)> = held
        .writes
        .iter()
        .map(|w| (w.privilege.as_str(), w.grantable))
        .collect();
    assert_eq!(
        taken,
        [("DELETE", true), ("INSERT", false), ("UPDATE", false)]
    );
    roles.stop_writer("prod", &writer.name, &held)?;

    assert!(
        writer.insert(&mut session, name, &"Bob").is_err(),
        "its open session was ended"
    );
    let Err(refused) = writer.connect() else {
        panic!("it cannot log in");
    };
    assert!(
        refused.message.contains("not permitted to log in"),
        "{}",
        refused.message
    );
    let (login, left) = writer.rights(&db, "prod");
    assert!(!login);
    assert_eq!(
        left,
        [
            "env_prod USAGE false".to_string(),
            format!("rec_{table} SELECT false")
        ],
        "only what does not write is left"
    );
    // Reads by others go on.
    assert_eq!(backend.open("prod")?.records(table)?.len(), 1);

    assert!(roles
        .restore_writer("prod", &writer.name, &held)?
        .is_empty());
    roles.restore_writer("prod", &writer.name, &held)?;
    assert_eq!(
        writer.rights(&db, "prod"),
        before,
        "given back, twice, exactly"
    );
    writer
        .insert(&mut writer.connect()?, name, &"Cy")
        .context("writing again")?;
    assert_eq!(backend.open("prod")?.records(table)?.len(), 2);
    Ok(())
}

/// A role its administrator dropped while paused has nothing to give back:
/// resuming it does not fail, so its integration (and its environment) is
/// not stuck.
#[test]
fn resuming_a_role_dropped_meanwhile_gives_nothing_back() -> Result<()> {
    let db = FreshDatabase::new();
    let backend = db.backend();
    let (table, _) = people(&backend)?;
    let writer = Writer::new(&db, "prod", table);
    let roles = backend.writer_roles().expect("a server has roles");
    let held = roles.rights("prod", &writer.name)?;
    roles.stop_writer("prod", &writer.name, &held)?;
    db.settings
        .connect(Some(&db.secret))?
        .batch_execute(&format!("DROP OWNED BY {0}; DROP ROLE {0}", writer.name))
        .context("dropping the role")?;
    assert_eq!(
        roles.restore_writer("prod", &writer.name, &held)?,
        Vec::<String>::new()
    );
    Ok(())
}

#[test]
fn a_restore_keeps_who_may_use_the_environment() -> Result<()> {
    let db = FreshDatabase::new();
    let backend = db.backend();
    let (table, name) = people(&backend)?;
    let writer = Writer::new(&db, "prod", table);
    let before = writer.rights(&db, "prod");
    let point = backend.take_point("prod", &|_| {}, &AtomicBool::new(false))?;
    writer
        .insert(&mut writer.connect()?, name, &"After the backup")
        .context("writing")?;
    backend.restore_point("prod", &point.name, &|_| {})?;
    assert!(backend.open("prod")?.records(table)?.is_empty(), "restored");
    assert_eq!(writer.rights(&db, "prod"), before);
    writer
        .insert(&mut writer.connect()?, name, &"After the restore")
        .context("writing after the restore")?;
    Ok(())
}

#[test]
fn roles_cutover_cannot_pause_are_refused_with_why() -> Result<()> {
    let db = FreshDatabase::new();
    let backend = db.backend();
    let (table, _) = people(&backend)?;
    let roles = backend.writer_roles().expect("a server has roles");
    let refused = |role: &str| roles.check_writer("prod", role).expect_err(role);

    let missing = refused("no_such_application");
    assert_eq!(missing.kind, ErrorKind::NotFound);
    assert!(
        missing.message.contains("has no role"),
        "{}",
        missing.message
    );
    let ours = refused(&db.settings.user);
    assert_eq!(ours.kind, ErrorKind::Invalid);
    assert!(ours.message.contains("Cutover itself"), "{}", ours.message);
    assert_eq!(refused("cutover_env_prod").kind, ErrorKind::Invalid);

    let mut admin = db.settings.connect(Some(&db.secret))?;
    let id = uuid::Uuid::new_v4().simple().to_string();
    let superuser = format!("root_{}", &id[..10]);
    admin
        .batch_execute(&format!("CREATE ROLE {superuser} LOGIN SUPERUSER"))
        .context("a superuser")?;
    let e = refused(&superuser);
    assert_eq!(e.kind, ErrorKind::Invalid);
    assert!(e.message.contains("superuser"), "{}", e.message);

    // Cutover connecting as a user that may create roles but not end other
    // roles' sessions, then not change what the owner granted.
    let writer = Writer::new(&db, "prod", table);
    let (limited, password) = (format!("cut_{}", &id[..10]), &id[10..]);
    admin
        .batch_execute(&format!(
            "CREATE ROLE {limited} LOGIN CREATEROLE PASSWORD '{password}'"
        ))
        .context("a limited user")?;
    let mut settings = db.settings.clone();
    settings.user = limited.clone();
    let as_limited = cutover_store::env_store::postgres::PgBackend::new(
        settings,
        Some(cutover_store::env_store::postgres::Secret::new(password)),
    );
    let limited_roles = as_limited.writer_roles().expect("roles");
    let e = limited_roles
        .check_writer("prod", &writer.name)
        .expect_err("may not end sessions");
    assert_eq!(e.kind, ErrorKind::Forbidden);
    assert!(
        e.message.contains("GRANT pg_signal_backend"),
        "{}",
        e.message
    );
    admin
        .batch_execute(&format!("GRANT pg_signal_backend TO {limited}"))
        .context("letting it end sessions")?;
    let e = limited_roles
        .check_writer("prod", &writer.name)
        .expect_err("may not revoke the owner's grants");
    assert_eq!(e.kind, ErrorKind::Forbidden);
    assert!(e.message.contains("the server refused"), "{}", e.message);
    let (login, _) = writer.rights(&db, "prod");
    assert!(login, "the trial changed nothing");
    Ok(())
}
