//! Restores and undone promotions that would change an environment's
//! platform say so first and are refused until confirmed (a restore) or
//! refused with the safe path (an undo); afterwards the control database's
//! version is the store's; at start-up a store that holds another version
//! than recorded is reported and its version taken.

mod common;

use common::{at, boss, demo, dump, env, rehearse, store_file};
use cutover_core::backup::BackupReason;
use cutover_core::change::Change;
use cutover_core::{ErrorKind, Result};
use cutover_store::{Context, Workspace};

#[test]
fn a_restore_across_an_upgrade_says_what_it_changes_and_needs_confirmation() -> Result<()> {
    let dir = tempfile::tempdir().context("temp dir")?;
    let ws = demo(dir.path())?;
    let uat = env(&ws, "UAT")?;
    let old = ws.take_backup(uat, BackupReason::Manual, &boss(), at(8, 0), &|_| {})?;
    assert_eq!(old.platform_version.as_deref(), Some("10.0.1"));
    let run = rehearse(&ws, uat, at(9, 0))?;
    ws.start_data_upgrade(run.id, &boss(), &|| at(9, 30))?;
    ws.commit_upgrade(run.id, &boss(), at(9, 40))?;
    assert_eq!(ws.environment(uat)?.version, "10.0.4");

    let change = ws
        .restore_platform_change(old.id)?
        .expect("a platform change");
    assert_eq!(
        change,
        "This also takes UAT from platform 10.0.4 back to 10.0.1 and reinstalls Project export 1.2 in place of 2.0"
    );
    let before = dump(&store_file(&ws, uat)?)?;
    let backups = ws.backups(uat)?.len();
    let e = ws
        .restore_backup(old.id, false, &boss(), at(10, 0), &|_| {})
        .expect_err("unconfirmed");
    assert_eq!(e.kind, ErrorKind::Unconfirmed);
    assert!(e.message.starts_with(&change), "{}", e.message);
    assert_eq!(dump(&store_file(&ws, uat)?)?, before, "nothing restored");
    assert_eq!(ws.backups(uat)?.len(), backups, "no backup taken");
    assert_eq!(ws.environment(uat)?.version, "10.0.4");

    ws.restore_backup(old.id, true, &boss(), at(10, 5), &|_| {})?;
    assert_eq!(
        ws.environment(uat)?.version,
        "10.0.1",
        "the control database follows the store"
    );
    let extensions: Vec<(String, String)> = ws
        .environment_extensions(uat)?
        .into_iter()
        .map(|e| (e.name, e.version))
        .collect();
    assert!(
        extensions.contains(&("Project export".into(), "1.2".into())),
        "{extensions:?}"
    );
    // A restore on the same platform asks nothing more.
    let same = ws
        .backups(uat)?
        .into_iter()
        .find(|b| b.reason == BackupReason::BeforeRestore)
        .expect("safety");
    assert_eq!(same.platform_version.as_deref(), Some("10.0.4"));
    Ok(())
}

#[test]
fn a_promotion_is_not_undone_across_a_production_upgrade() -> Result<()> {
    let dir = tempfile::tempdir().context("temp dir")?;
    let ws = demo(dir.path())?;
    let (prod, sandbox) = (env(&ws, "Production")?, env(&ws, "Promotable sandbox")?);
    ws.apply_change(
        sandbox,
        &Change::CreateApp {
            name: "Finance".into(),
        },
        &boss(),
        at(8, 0),
        false,
    )?;
    let promotion = ws.promote(sandbox, &[], "Production", &boss(), &|| at(8, 5), &|_| {})?;
    ws.undo_preview(promotion.id)?;
    let uat = env(&ws, "UAT")?;
    let run = rehearse(&ws, uat, at(9, 0))?;
    ws.start_data_upgrade(run.id, &boss(), &|| at(9, 30))?;
    ws.commit_upgrade(run.id, &boss(), at(9, 40))?;
    let run = rehearse(&ws, prod, at(16, 5))?;
    ws.start_data_upgrade(run.id, &boss(), &|| at(16, 10))?;
    ws.commit_upgrade(run.id, &boss(), at(16, 20))?;
    assert_eq!(ws.environment(prod)?.version, "10.0.4");

    let before = dump(&store_file(&ws, prod)?)?;
    let e = ws.undo_preview(promotion.id).expect_err("refused");
    assert_eq!(e.kind, ErrorKind::Conflict);
    assert!(
        e.message
            .contains("takes Production from platform 10.0.4 back to 10.0.1")
            && e.message
                .contains("make the reverse changes in the promotable sandbox and promote them"),
        "{}",
        e.message
    );
    ws.undo_promotion(promotion.id, &boss(), at(17, 0), &|_| {})
        .expect_err("refused");
    assert_eq!(
        dump(&store_file(&ws, prod)?)?,
        before,
        "production untouched"
    );
    assert_eq!(ws.environment(prod)?.version, "10.0.4");
    Ok(())
}

#[test]
fn at_start_a_store_on_another_version_than_recorded_is_reported_and_believed() -> Result<()> {
    let dir = tempfile::tempdir().context("temp dir")?;
    let ws = demo(dir.path())?;
    let uat = env(&ws, "UAT")?;
    ws.connect()?
        .execute(
            "UPDATE environments SET version = '10.0.4' WHERE id = ?1",
            [uat],
        )
        .context("recorded version")?;
    drop(ws);
    let ws = Workspace::open(dir.path())?;
    ws.recover(at(9, 0))?;
    assert_eq!(ws.environment(uat)?.version, "10.0.1");
    let notices = ws.inbox()?;
    assert!(
        notices
            .iter()
            .any(|n| n.title == "UAT runs platform 10.0.1, not 10.0.4"),
        "{:?}",
        notices.iter().map(|n| &n.title).collect::<Vec<_>>()
    );
    ws.recover(at(9, 5))?;
    assert_eq!(
        ws.inbox()?
            .iter()
            .filter(|n| n.title.starts_with("UAT runs platform"))
            .count(),
        1,
        "reported once"
    );
    Ok(())
}
