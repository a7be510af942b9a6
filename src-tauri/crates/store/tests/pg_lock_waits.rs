//! A store's session on a server looks at who holds a lock it waits for
//! after 20 ms, not the server's default second, when its login may say
//! so: an autovacuum holding a table a promotion must lock is then
//! cancelled at once instead of after a second of every writer queueing.
//! A login that may not keeps the server's setting and works as before.

mod common;

use common::pg::FreshDatabase;
use cutover_core::Result;
use cutover_store::env_store::postgres::{PgBackend, Secret};
use cutover_store::env_store::StoreBackend;
use cutover_store::Context;

/// The store session's `deadlock_timeout`, as a check reads it.
fn lock_look(backend: &PgBackend, key: &str) -> Result<String> {
    let store = backend.open(key)?;
    let read = store.failing_checks(&[(
        "look".to_string(),
        "SELECT current_setting('deadlock_timeout')".to_string(),
    )])?;
    Ok(read.first().map(|(_, row)| row.clone()).unwrap_or_default())
}

#[test]
fn a_store_session_looks_at_lock_holders_soon_where_its_login_may() -> Result<()> {
    let db = FreshDatabase::new();
    let backend = db.backend();
    drop(backend.create("prod", "10.0.1")?);
    assert!(lock_look(&backend, "prod")?.contains("20ms"), "superuser");

    let mut admin = db.settings.connect(Some(&db.secret))?;
    let id = uuid::Uuid::new_v4().simple().to_string();
    let (user, password) = (format!("look_{}", &id[..10]), &id[10..]);
    admin
        .batch_execute(&format!(
            "CREATE ROLE {user} LOGIN CREATEROLE PASSWORD '{password}';
             GRANT CREATE ON DATABASE {} TO {user};",
            db.settings.database
        ))
        .context("a user who is not a superuser")?;
    let mut settings = db.settings.clone();
    settings.user = user.clone();
    let limited = PgBackend::new(settings, Some(Secret::new(password)));
    drop(limited.create("own", "10.0.1")?);
    assert!(lock_look(&limited, "own")?.contains("1s"), "not allowed");

    admin
        .batch_execute(&format!(
            "GRANT SET ON PARAMETER deadlock_timeout TO {user}"
        ))
        .context("allowing it")?;
    assert!(lock_look(&limited, "own")?.contains("20ms"), "granted");
    Ok(())
}
