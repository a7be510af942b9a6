//! What a deletion keeps aside: a deleted environment's store and backups
//! stay (the backups were removed silently at the next start before),
//! listed with sizes and origins, restorable, purged by hand or after the
//! retention. Deleting an account: typed name, production backed up first,
//! everything recorded about it gone, its stores retired and its backups
//! kept; interrupted (error and kill) after each step, nothing is lost.

mod common;

use common::{backup_files, boss, demo, env, instant};
use cutover_core::backup::BackupReason;
use cutover_core::storage::KeptItem;
use cutover_core::{ErrorKind, Result};
use cutover_store::control::failpoint::Failpoint;
use cutover_store::{Context, Workspace};

const ORDERS: &str = "CUTOVER_STORAGE_CHILD";
const CHILD: &str = "child_process_deleting_an_account";

fn retired_files(ws: &Workspace) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(ws.root().join("retired"))
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
fn a_deleted_environment_is_kept_aside_restorable_and_purged_after_the_retention() -> Result<()> {
    let dir = tempfile::tempdir().context("temp")?;
    let ws = demo(dir.path())?;
    let now = instant("2026-11-30T10:00:00Z");
    let sandbox = env(&ws, "Promotable sandbox")?;
    let records = ws.overview()?[0]
        .environments
        .iter()
        .find(|e| e.environment.id == sandbox)
        .unwrap()
        .record_count;
    let backup = ws.take_backup(sandbox, BackupReason::Manual, &boss(), now, &|_| {})?;
    ws.delete_environment(sandbox, &boss(), now)?;

    // Kept through a restart: the backup file is recorded aside, not a leftover.
    let ws = Workspace::open(dir.path())?;
    ws.recover(instant("2026-12-01T09:00:00Z"))?;
    let view = ws.storage()?;
    assert_eq!(view.retention_days, 30);
    assert_eq!(view.retired.len(), 1);
    let retired = &view.retired[0];
    assert_eq!(
        (
            retired.account_name.as_deref(),
            retired.environment_name.as_deref(),
            retired.restorable
        ),
        (
            Some("Northwind Foods (demo)"),
            Some("Promotable sandbox"),
            true
        )
    );
    assert_eq!(view.kept_backups.len(), 1);
    assert_eq!(view.kept_backups[0].environment_name, "Promotable sandbox");
    assert_eq!(view.kept_backups[0].size_bytes, backup.size_bytes);
    assert_eq!(view.total_bytes, retired.size_bytes + backup.size_bytes);
    let (on_disk, _) = backup_files(&ws)?;
    assert!(
        on_disk.iter().any(|f| f.ends_with(".sqlite")),
        "the backup file stays: {on_disk:?}"
    );
    common::assert_whole(&ws)?;

    // Restored: the same records, under its name and kind.
    let back = ws.restore_retired(&retired.file, &boss(), now)?;
    let row = ws.overview()?[0]
        .environments
        .iter()
        .find(|e| e.environment.id == back)
        .cloned()
        .unwrap();
    assert_eq!(
        (row.environment.name.as_str(), row.record_count),
        ("Promotable sandbox", records)
    );
    assert!(ws.storage()?.retired.is_empty());
    common::assert_whole(&ws)?;
    let e = ws
        .restore_retired(&retired.file, &boss(), now)
        .expect_err("gone");
    assert!(e.message.contains("not kept any more"), "{}", e.message);

    // Purged by hand: the file goes with its record.
    let id = ws.storage()?.kept_backups[0].id;
    ws.purge(&KeptItem::Backup { id }, &boss(), now)?;
    assert!(ws.storage()?.kept_backups.is_empty());
    common::assert_whole(&ws)?;
    let e = ws
        .purge(
            &KeptItem::Retired {
                file: "../control.sqlite".into(),
            },
            &boss(),
            now,
        )
        .expect_err("outside");
    // Only names a backend lists as retired are purged: anything else,
    // a path outside included, is not found and nothing is touched.
    assert_eq!(e.kind, ErrorKind::NotFound);
    assert!(dir.path().join("control.sqlite").exists());

    // After the retention, at the next start.
    let uat = env(&ws, "UAT")?;
    ws.take_backup(uat, BackupReason::Manual, &boss(), now, &|_| {})?;
    ws.delete_environment(uat, &boss(), instant("2026-12-01T10:00:00Z"))?;
    ws.set_storage_retention(7, &boss(), now)?;
    ws.recover(instant("2026-12-08T09:59:00Z"))?;
    assert_eq!(ws.storage()?.retired.len(), 1, "not yet 7 days");
    ws.recover(instant("2026-12-08T10:00:00Z"))?;
    let view = ws.storage()?;
    assert!(
        view.retired.is_empty() && view.kept_backups.is_empty(),
        "{view:?}"
    );
    assert!(retired_files(&ws).is_empty());
    common::assert_whole(&ws)?;
    assert!(ws.set_storage_retention(0, &boss(), now).is_err());
    Ok(())
}

#[test]
fn deleting_an_account_asks_its_name_backs_up_production_and_keeps_everything_aside() -> Result<()>
{
    let dir = tempfile::tempdir().context("temp")?;
    let ws = demo(dir.path())?;
    let now = instant("2026-11-30T10:00:00Z");
    let account = ws.accounts()?[0].id;
    let what = ws.account_deletion(account)?;
    assert_eq!(what.environments.len(), 3);
    assert!(what.releases > 0 && what.is_demo);

    let e = ws
        .delete_account(account, "northwind foods (demo)", &boss(), now, &|_| {})
        .expect_err("name");
    assert_eq!(e.kind, ErrorKind::Unconfirmed, "{}", e.message);
    assert_eq!(ws.accounts()?.len(), 1);
    assert!(
        backup_files(&ws)?.0.is_empty(),
        "nothing taken before the name is right"
    );

    ws.delete_account(account, " Northwind Foods (demo) ", &boss(), now, &|_| {})?;
    assert!(ws.accounts()?.is_empty());
    assert!(ws.overview()?.is_empty());
    let view = ws.storage()?;
    assert_eq!(view.retired.len(), 3);
    assert!(
        view.retired.iter().all(|r| !r.restorable),
        "the account is gone"
    );
    assert_eq!(
        view.kept_backups.len(),
        1,
        "production's backup, kept aside"
    );
    assert_eq!(view.kept_backups[0].environment_name, "Production");
    let fts: i64 = ws
        .connect()?
        .query_row("SELECT count(*) FROM release_notes_fts", [], |r| r.get(0))
        .context("fts")?;
    assert_eq!(fts, 0, "its release notes leave the search index");
    common::assert_whole(&ws)?;
    // The demo can come back afterwards, fresh.
    cutover_store::demo::add_demo(&ws, &boss(), now)?;
    assert_eq!(ws.accounts()?.len(), 1);
    Ok(())
}

#[test]
fn interrupted_after_each_step_an_account_deletion_loses_nothing() -> Result<()> {
    for point in ["account_backed_up", "account_forgotten"] {
        for mode in ["error", "abort"] {
            let dir = tempfile::tempdir().context("temp")?;
            let ws = demo(dir.path())?;
            let stores_before = common::store_files(&ws)?.0.len();
            drop(ws);
            if mode == "abort" {
                common::die_in_child(
                    CHILD,
                    ORDERS,
                    &format!("{}|delete|{point}:abort", dir.path().display()),
                )?;
            } else {
                let ws = Workspace::open(dir.path())?;
                ws.set_failpoint(Some(Failpoint::parse(&format!("{point}:error"))?));
                let account = ws.accounts()?[0].id;
                ws.delete_account(
                    account,
                    "Northwind Foods (demo)",
                    &boss(),
                    instant("2026-11-30T10:00:00Z"),
                    &|_| {},
                )
                .expect_err("injected");
            }
            let ws = Workspace::open(dir.path())?;
            ws.recover(instant("2026-11-30T11:00:00Z"))?;
            let at = format!("{point}:{mode}");
            let view = ws.storage()?;
            if point == "account_backed_up" {
                // Stopped before anything was deleted: the account is whole,
                // with the backup taken for it.
                assert_eq!(ws.accounts()?.len(), 1, "{at}");
                assert_eq!(ws.overview()?[0].environments.len(), 3, "{at}");
                assert!(view.retired.is_empty(), "{at}");
                let backups = ws.backups(env(&ws, "Production")?)?;
                assert_eq!(backups.len(), 1, "{at}: the backup is recorded");
            } else {
                // Stopped after the records went: the stores, left in the
                // environments folder, are retired by the recovery.
                assert!(ws.accounts()?.is_empty(), "{at}");
                assert_eq!(
                    view.retired.len(),
                    stores_before,
                    "{at}: every store kept aside"
                );
                assert_eq!(
                    view.kept_backups.len(),
                    1,
                    "{at}: production's backup kept aside"
                );
            }
            common::assert_whole(&ws)?;
        }
    }
    Ok(())
}

#[test]
#[ignore = "child process of the account deletion kill test"]
fn child_process_deleting_an_account() -> Result<()> {
    let (ws, _, _) = common::child_workspace(ORDERS)?;
    let account = ws.accounts()?[0].id;
    ws.delete_account(
        account,
        "Northwind Foods (demo)",
        &boss(),
        instant("2026-11-30T10:00:00Z"),
        &|_| {},
    )?;
    panic!("the account was deleted past its failpoint");
}
