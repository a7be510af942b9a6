//! Moving an account's environments between this computer and a server,
//! through the workspace as the app drives it: every environment and
//! backup arrives whole and goes on working (promotion marks, restores),
//! and back again; a refused move changes nothing and says why.

mod common;

use common::moving::{app, apps, count, local_account, local_stores, seen};
use common::pg::FreshDatabase;
use common::server::{choice, env_id, new_account, schemas};
use common::{at, boss};
use cutover_core::backup::BackupReason;
use cutover_core::{ErrorKind, Result};
use cutover_store::{Context, Workspace};

#[test]
fn an_account_moves_to_a_server_with_its_backups_and_back() -> Result<()> {
    let db = FreshDatabase::new();
    let dir = tempfile::tempdir().context("temp dir")?;
    let ws = Workspace::open(dir.path())?;
    let account = local_account(&ws)?;
    let before = seen(&ws, account)?;
    assert_eq!(before.backups.len(), 2);
    let password = db.secret.expose().to_string();
    let heard = std::sync::Mutex::new(Vec::new());
    let report = ws.move_account_environments(
        account,
        Some(&choice(&db, &password)),
        &boss(),
        at(9, 0),
        &|p| heard.lock().expect("lock").push((p.what, p.step, p.steps)),
    )?;
    assert_eq!((report.environments, report.backups), (2, 2));
    assert_eq!(report.now_on, db.settings.display());
    assert!(report.left_behind.is_empty(), "{:?}", report.left_behind);
    let heard = heard.into_inner().expect("lock");
    assert!(
        heard
            .iter()
            .any(|h| h.0 == "Production" && h.1 == 1 && h.2 == 4),
        "{heard:?}"
    );
    assert!(
        heard
            .iter()
            .any(|h| h.0.starts_with("Sandbox backup") && h.1 == 4),
        "{heard:?}"
    );

    let after = seen(&ws, account)?;
    assert!(after.on_server);
    assert_eq!(after.environments, before.environments);
    assert_eq!(after.backups, before.backups);
    assert_eq!((count(&db, "env_")?, count(&db, "point_")?), (2, 2));
    common::server::backups_match(&ws, &db)?;
    assert!(
        local_stores(&ws)?.is_empty(),
        "the old stores are kept aside, not live"
    );

    // The sandbox's marks came along: it promotes its one change; the
    // backup taken before Audit restores to Ledger alone.
    let production = env_id(&ws, account, "Production")?;
    let sandbox = env_id(&ws, account, "Sandbox")?;
    ws.promote(sandbox, &[], "Production", &boss(), &|| at(9, 10), &|_| {})?;
    assert_eq!(apps(&ws, production)?, ["Ledger", "Audit", "Payroll"]);
    let first = ws
        .backups(production)?
        .into_iter()
        .find(|b| b.taken_at == at(8, 3))
        .expect("backup");
    ws.restore_backup(first.id, false, &boss(), at(9, 20), &|_| {})?;
    assert_eq!(apps(&ws, production)?, ["Ledger"]);

    // And back to this computer, everything with it.
    let there = seen(&ws, account)?;
    let report = ws.move_account_environments(account, None, &boss(), at(10, 0), &|_| {})?;
    assert_eq!(report.now_on, "this computer");
    let home = seen(&ws, account)?;
    assert!(!home.on_server);
    assert_eq!(home.environments, there.environments);
    assert_eq!(home.backups, there.backups);
    assert_eq!((count(&db, "env_")?, count(&db, "point_")?), (0, 0));
    assert_eq!(
        count(&db, "retired_")?,
        2,
        "the server's copies are kept aside there"
    );
    assert_eq!(local_stores(&ws)?.len(), 2);
    Ok(())
}

#[test]
fn a_refused_move_changes_nothing_and_says_why() -> Result<()> {
    let db = FreshDatabase::new();
    let other = FreshDatabase::new();
    let dir = tempfile::tempdir().context("temp dir")?;
    let ws = Workspace::open(dir.path())?;
    let account = local_account(&ws)?;
    let before = seen(&ws, account)?;
    let stores = local_stores(&ws)?;
    let password = db.secret.expose().to_string();

    let e = ws
        .move_account_environments(account, None, &boss(), at(9, 0), &|_| {})
        .expect_err("already here");
    assert!(e.message.contains("already on this computer"), "{e}");

    let e = ws
        .move_account_environments(
            account,
            Some(&choice(&db, "wrong")),
            &boss(),
            at(9, 0),
            &|_| {},
        )
        .expect_err("a wrong password");
    assert!(e.message.to_lowercase().contains("password"), "{e}");

    // Another account already keeps its environments in `other`.
    ws.create_account(
        &new_account("Fabrikam", Some(choice(&other, &password)))?,
        &boss(),
        at(9, 1),
    )?;
    let e = ws
        .move_account_environments(
            account,
            Some(&choice(&other, &password)),
            &boss(),
            at(9, 2),
            &|_| {},
        )
        .expect_err("taken");
    assert_eq!(e.kind, ErrorKind::Conflict, "{e}");
    assert!(e.message.contains("Fabrikam"), "{e}");

    // An environment locked mid-operation, an integration writing with a
    // server's role: refused with what to do.
    let sandbox = env_id(&ws, account, "Sandbox")?;
    let conn = ws.connect()?;
    let to = choice(&db, &password);
    conn.execute(
        "UPDATE environments SET status = 'locked' WHERE id = ?1",
        [sandbox],
    )
    .context("locking")?;
    let e = ws
        .move_account_environments(account, Some(&to), &boss(), at(9, 2), &|_| {})
        .expect_err("locked");
    assert_eq!(e.kind, ErrorKind::Locked, "{e}");
    assert!(
        e.message
            .contains("Sandbox is in the middle of an operation. Move the environments once"),
        "{e}"
    );
    conn.execute(
        "UPDATE environments SET status = 'ready' WHERE id = ?1",
        [sandbox],
    )
    .context("unlocking")?;
    conn.execute(
        "INSERT INTO integrations (environment_id, name, kind, db_role) VALUES (?1, 'Ledger feed', 'data_feed', 'ledger_feed')",
        [sandbox],
    )
    .context("an integration")?;
    let e = ws
        .move_account_environments(account, Some(&to), &boss(), at(9, 2), &|_| {})
        .expect_err("a role");
    assert!(
        e.message
            .contains("Integration Ledger feed writes to Sandbox as the server's role ledger_feed"),
        "{e}"
    );
    conn.execute("DELETE FROM integrations", [])
        .context("removing it")?;

    // Production written to while it is copied: the move stops.
    let production = env_id(&ws, account, "Production")?;
    let wrote = std::cell::Cell::new(false);
    let e = ws
        .move_account_environments(
            account,
            Some(&choice(&db, &password)),
            &boss(),
            at(9, 3),
            &|_| {
                if !wrote.replace(true) {
                    ws.apply_change(production, &app("Late"), &boss(), at(9, 3), true)
                        .expect("another window writes");
                }
            },
        )
        .expect_err("written while copied");
    assert_eq!(e.kind, ErrorKind::Conflict, "{e}");
    assert!(e.message.contains("Production was written to"), "{e}");
    assert!(
        apps(&ws, production)?.contains(&"Late".to_string()),
        "the write is kept"
    );

    let mut now = seen(&ws, account)?;
    now.environments[0].1.apps.retain(|a| a.name != "Late");
    assert_eq!(now, before);
    assert_eq!(local_stores(&ws)?, stores);

    // A backup taken meanwhile (from another window) would be left behind.
    let took = std::cell::Cell::new(false);
    let e = ws
        .move_account_environments(
            account,
            Some(&choice(&db, &password)),
            &boss(),
            at(9, 4),
            &|_| {
                if !took.replace(true) {
                    ws.take_backup(production, BackupReason::Manual, &boss(), at(9, 4), &|_| {})
                        .expect("another window backs up");
                }
            },
        )
        .expect_err("a backup taken meanwhile");
    assert_eq!(e.kind, ErrorKind::Conflict, "{e}");
    assert!(e.message.contains("Nothing was moved; move again"), "{e}");
    let now = seen(&ws, account)?;
    assert!(!now.on_server);
    assert_eq!(
        now.backups.len(),
        before.backups.len() + 1,
        "the new backup is kept, here"
    );
    assert_eq!(local_stores(&ws)?, stores);
    assert_eq!(
        schemas(&db)?,
        Vec::<String>::new(),
        "nothing is left on the server"
    );
    Ok(())
}
