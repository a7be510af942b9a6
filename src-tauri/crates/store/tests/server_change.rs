//! Changing how Cutover reaches an account's server when the server moved
//! or its settings changed: saved only once the new connection reaches a
//! database holding every environment of the account; otherwise refused
//! with why, and nothing changes.

mod common;

use common::pg::FreshDatabase;
use common::server::{choice, new_account, server_account_with_sandbox};
use common::{at, boss};
use cutover_core::server::TlsMode;
use cutover_core::{ErrorKind, Result};
use cutover_store::{Context, Workspace};

#[test]
fn a_moved_server_is_reached_at_its_new_address_and_a_wrong_one_changes_nothing() -> Result<()> {
    let db = FreshDatabase::new();
    let dir = tempfile::tempdir().context("temp dir")?;
    let password = db.secret.expose().to_string();
    let (account, sandbox) = {
        let ws = Workspace::open(dir.path())?;
        let (account, _, sandbox) = server_account_with_sandbox(&ws, &db, "Contoso")?;
        (account, sandbox)
    };
    // A new session: the old address is what it knows, without a password.
    let ws = Workspace::open(dir.path())?;
    let before = ws.account_server(account)?.expect("on a server");
    assert!(!before.unlocked);
    let refused = |choice, kind: ErrorKind, words: &str| -> Result<()> {
        let e = ws
            .change_account_server(account, &choice, &boss(), at(10, 0))
            .expect_err(words);
        assert_eq!(e.kind, kind, "{}", e.message);
        assert!(e.message.contains(words), "{}", e.message);
        assert_eq!(ws.account_server(account)?, Some(before.clone()), "{words}");
        Ok(())
    };

    // Another database on the same server: it holds none of them.
    let empty = FreshDatabase::new();
    refused(
        choice(&empty, &password),
        ErrorKind::NotFound,
        "does not hold Contoso's Production, Sandbox",
    )?;
    let mut wrong = choice(&db, "not the password");
    wrong.tls = TlsMode::Disable;
    refused(wrong, ErrorKind::Unavailable, "refused user")?;
    // Busy: an environment in the middle of an operation.
    ws.connect()?
        .execute(
            "UPDATE environments SET status = 'locked' WHERE id = ?1",
            [sandbox],
        )
        .context("locking")?;
    refused(
        choice(&db, &password),
        ErrorKind::Locked,
        "Sandbox is in the middle",
    )?;
    ws.connect()?
        .execute(
            "UPDATE environments SET status = 'ready' WHERE id = ?1",
            [sandbox],
        )
        .context("unlocking")?;
    let local = ws.create_account(&new_account("Local", None)?, &boss(), at(10, 1))?;
    let e = ws
        .change_account_server(local, &choice(&db, &password), &boss(), at(10, 2))
        .expect_err("a local account has no server");
    assert_eq!(e.kind, ErrorKind::Invalid);

    // The server now answers as `localhost`, without TLS: saved, and the
    // account unlocked with it.
    let mut moved = choice(&db, &password);
    moved.url = moved.url.replace("127.0.0.1", "localhost");
    moved.tls = TlsMode::Disable;
    let after = ws.change_account_server(account, &moved, &boss(), at(10, 3))?;
    assert!(after.unlocked);
    assert!(after.address.contains("@localhost:"), "{}", after.address);
    assert_eq!(after.tls, TlsMode::Disable);
    assert_eq!(ws.definitions(sandbox)?.apps.len(), 2, "read through it");
    drop(ws);
    let ws = Workspace::open(dir.path())?;
    assert_eq!(
        ws.account_server(account)?.map(|s| (s.address, s.tls)),
        Some((after.address, TlsMode::Disable)),
        "kept for the next session"
    );
    Ok(())
}
