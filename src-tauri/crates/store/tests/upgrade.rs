//! Upgrade runs on the demo account: every transition and refusal of
//! a run (seed 002, DESIGN section 4) with a clock passed in.

mod common;

use common::{at, boss, demo, dump, env, rehearse, store_file};
use cutover_core::admin::{Admin, Role};
use cutover_core::backup::BackupReason;
use cutover_core::environment::EnvironmentStatus;
use cutover_core::upgrade::{PackageState, UpgradeState};
use cutover_core::{ErrorKind, Result};
use cutover_store::control::failpoint::{FailMode, Failpoint, Site};
use cutover_store::Context;

#[test]
fn uat_is_rehearsed_on_a_copy_signed_off_package_by_package_then_upgraded_and_committed(
) -> Result<()> {
    let dir = tempfile::tempdir().context("temp dir")?;
    let ws = demo(dir.path())?;
    let uat = env(&ws, "UAT")?;
    let before = dump(&store_file(&ws, uat)?)?;

    let run = ws.start_upgrade(uat, "10.0.4", &boss(), at(9, 0))?;
    assert_eq!(run.state, UpgradeState::Preparing);
    assert_eq!(run.deadline, at(9, 0) + chrono::Duration::days(10));
    let labels: Vec<&str> = run.packages.iter().map(|p| p.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "Remove Project export 1.2",
            "Platform 10.0.4",
            "Critical hotfix 10.0.3",
            "Install Project export 2.0"
        ]
    );
    let run = ws.prepare_upgrade(run.id, &|| at(9, 1))?;
    assert_eq!(
        (run.state, run.copy_percent, run.has_copy),
        (UpgradeState::Packages, 100, true)
    );

    // One at a time, each signed off before the next.
    ws.apply_next_package(run.id, &boss(), &|| at(9, 2))?;
    let err = ws
        .apply_next_package(run.id, &boss(), &|| at(9, 2))
        .expect_err("sign off first");
    assert!(
        err.message
            .contains("Sign off \"Remove Project export 1.2\""),
        "{}",
        err.message
    );
    let err = ws
        .start_data_upgrade(run.id, &boss(), &|| at(9, 3))
        .expect_err("gate");
    assert!(
        err.message.contains("is not signed off yet"),
        "{}",
        err.message
    );
    ws.sign_off_package(run.id, &boss(), at(9, 3))?;
    for _ in 1..4 {
        ws.apply_next_package(run.id, &boss(), &|| at(9, 4))?;
        ws.sign_off_package(run.id, &boss(), at(9, 5))?;
    }
    let run = ws.upgrade_run(run.id)?;
    assert!(run
        .packages
        .iter()
        .all(|p| p.state == PackageState::SignedOff
            && p.signed_off_by.as_deref() == Some("Alex Morgan")));
    assert!(run.predicted_ms.is_some());
    // The rehearsal did not touch UAT.
    assert_eq!(dump(&store_file(&ws, uat)?)?, before);
    assert_eq!(ws.environment(uat)?.version, "10.0.1");

    let run = ws.start_data_upgrade(run.id, &boss(), &|| at(10, 0))?;
    assert_eq!(run.state, UpgradeState::Validating);
    assert_eq!(ws.environment(uat)?.version, "10.0.4");
    assert_eq!(ws.environment(uat)?.status, EnvironmentStatus::Ready);
    let installed: Vec<(String, String)> = ws
        .environment_extensions(uat)?
        .into_iter()
        .map(|e| (e.name, e.version))
        .collect();
    assert_eq!(
        installed,
        [
            ("Project export".to_string(), "2.0".to_string()),
            ("Timesheet core".to_string(), "1.0".to_string())
        ]
    );
    assert_eq!(ws.store(uat)?.platform_version()?, "10.0.4");
    let restore = run.restore_backup_id.expect("restore point");
    let backup = ws
        .backups(uat)?
        .into_iter()
        .find(|b| b.id == restore)
        .expect("listed");
    assert_eq!(backup.reason, BackupReason::BeforeUpgrade);

    let run = ws.commit_upgrade(run.id, &boss(), at(11, 0))?;
    assert_eq!(run.state, UpgradeState::Committed);
    assert!(!run.has_copy && run.finished_at.is_some());
    assert_eq!(run.post_upgrade_actions.len(), 1);
    let run = ws.tick_upgrade_action(run.id, 0, true, &boss())?;
    assert_eq!(run.actions_done, [0]);
    let left: Vec<_> = std::fs::read_dir(dir.path().join("environments"))
        .context("list")?
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("upgrade-"))
        .collect();
    assert!(left.is_empty(), "the copy and its snapshots are deleted");
    assert_eq!(ws.upgrade_history(uat)?.len(), 1);
    Ok(())
}

#[test]
fn start_refusals_name_the_reason_and_record_nothing() -> Result<()> {
    let dir = tempfile::tempdir().context("temp dir")?;
    let ws = demo(dir.path())?;
    let uat = env(&ws, "UAT")?;
    let prod = env(&ws, "Production")?;
    let err = ws
        .start_upgrade(uat, "10.0.1", &boss(), at(9, 0))
        .expect_err("same");
    assert!(
        err.message.contains("already runs 10.0.1"),
        "{}",
        err.message
    );
    let err = ws
        .start_upgrade(uat, "10.0.9", &boss(), at(9, 0))
        .expect_err("unknown");
    assert!(
        err.message.contains("not in the catalog"),
        "{}",
        err.message
    );
    let err = ws
        .start_upgrade(prod, "10.0.4", &boss(), at(9, 0))
        .expect_err("production first");
    assert_eq!(err.kind, ErrorKind::Forbidden);
    assert!(
        err.message
            .contains("Upgrade UAT to 10.0.4 and commit it first"),
        "{}",
        err.message
    );
    let viewer = Admin {
        id: 2,
        name: "Sam".into(),
        role: Role::AppAdmin,
    };
    assert_eq!(
        ws.start_upgrade(uat, "10.0.4", &viewer, at(9, 0))
            .expect_err("role")
            .kind,
        ErrorKind::Forbidden
    );
    assert!(ws.upgrade_history(uat)?.is_empty() && ws.upgrade_history(prod)?.is_empty());

    ws.start_upgrade(uat, "10.0.4", &boss(), at(9, 0))?;
    let err = ws
        .start_upgrade(uat, "10.0.3", &boss(), at(9, 0))
        .expect_err("one at a time");
    assert!(
        err.message
            .contains("already has an upgrade to 10.0.4 in progress"),
        "{}",
        err.message
    );
    Ok(())
}

#[test]
fn a_package_is_rolled_back_alone_and_can_be_applied_again() -> Result<()> {
    let dir = tempfile::tempdir().context("temp dir")?;
    let ws = demo(dir.path())?;
    let uat = env(&ws, "UAT")?;
    let run = ws.start_upgrade(uat, "10.0.4", &boss(), at(9, 0))?;
    ws.prepare_upgrade(run.id, &|| at(9, 1))?;
    ws.apply_next_package(run.id, &boss(), &|| at(9, 2))?;
    ws.sign_off_package(run.id, &boss(), at(9, 2))?;
    ws.apply_next_package(run.id, &boss(), &|| at(9, 3))?;
    let copy_before = ws.upgrade_run(run.id)?;
    assert_eq!(copy_before.packages[1].state, PackageState::Applied);
    let run = ws.roll_back_package(run.id, &boss(), at(9, 4))?;
    let states: Vec<PackageState> = run.packages.iter().map(|p| p.state).collect();
    assert_eq!(
        states,
        [
            PackageState::SignedOff,
            PackageState::Pending,
            PackageState::Pending,
            PackageState::Pending
        ]
    );
    ws.apply_next_package(run.id, &boss(), &|| at(9, 5))?;
    let run = ws.upgrade_run(run.id)?;
    assert_eq!(run.packages[1].state, PackageState::Applied);
    assert!(run.log.iter().any(|l| l
        .message
        .contains("rolled back Platform 10.0.4 on the copy")));
    Ok(())
}

#[test]
fn cancel_before_the_data_upgrade_leaves_the_original_untouched() -> Result<()> {
    let dir = tempfile::tempdir().context("temp dir")?;
    let ws = demo(dir.path())?;
    let uat = env(&ws, "UAT")?;
    let before = dump(&store_file(&ws, uat)?)?;
    let run = rehearse(&ws, uat, at(9, 0))?;
    let badge = |ws: &cutover_store::Workspace| -> Result<_> {
        Ok(ws.overview()?[0]
            .environments
            .iter()
            .find(|e| e.environment.id == uat)
            .and_then(|e| e.upgrade.clone()))
    };
    let shown = badge(&ws)?.expect("the dashboard shows the open run");
    assert_eq!(
        (shown.to_version.as_str(), shown.state),
        ("10.0.4", UpgradeState::Packages)
    );
    assert_eq!(shown.deadline, at(9, 0) + chrono::Duration::days(10));
    let run = ws.cancel_upgrade_run(run.id, &boss(), at(9, 30))?;
    assert!(badge(&ws)?.is_none());
    assert_eq!(run.state, UpgradeState::Cancelled);
    assert!(!run.has_copy);
    assert_eq!(dump(&store_file(&ws, uat)?)?, before);
    assert!(ws.open_upgrade(uat)?.is_none());

    let run = rehearse(&ws, uat, at(9, 40))?;
    ws.start_data_upgrade(run.id, &boss(), &|| at(9, 50))?;
    let err = ws
        .cancel_upgrade_run(run.id, &boss(), at(9, 55))
        .expect_err("too late");
    assert!(
        err.message.contains("Commit or roll it back"),
        "{}",
        err.message
    );
    Ok(())
}

#[test]
fn on_day_ten_an_unused_copy_is_deleted_and_an_upgraded_environment_is_left_alone() -> Result<()> {
    let dir = tempfile::tempdir().context("temp dir")?;
    let ws = demo(dir.path())?;
    let uat = env(&ws, "UAT")?;
    let run = rehearse(&ws, uat, at(9, 0))?;
    let day10 = at(9, 0) + chrono::Duration::days(10);
    assert_eq!(
        ws.apply_upgrade_timers(day10 - chrono::Duration::minutes(1))?,
        0
    );
    assert_eq!(ws.apply_upgrade_timers(day10)?, 1);
    let run = ws.upgrade_run(run.id)?;
    assert_eq!(run.state, UpgradeState::Expired);
    assert!(!run.has_copy);
    assert!(ws.inbox()?[0].body.contains("ran out"));
    assert_eq!(ws.environment(uat)?.version, "10.0.1");

    let run = rehearse(&ws, uat, day10)?;
    ws.start_data_upgrade(run.id, &boss(), &|| day10)?;
    assert_eq!(
        ws.apply_upgrade_timers(day10 + chrono::Duration::days(11))?,
        0
    );
    assert_eq!(ws.upgrade_run(run.id)?.state, UpgradeState::Validating);
    Ok(())
}

/// The demo with UAT upgraded to 10.0.4 and committed, so production may
/// follow; returns production's id.
fn uat_committed(dir: &std::path::Path) -> Result<(cutover_store::Workspace, i64)> {
    let ws = demo(dir)?;
    let uat = env(&ws, "UAT")?;
    let run = rehearse(&ws, uat, at(9, 0))?;
    ws.start_data_upgrade(run.id, &boss(), &|| at(9, 30))?;
    ws.commit_upgrade(run.id, &boss(), at(9, 40))?;
    let prod = env(&ws, "Production")?;
    Ok((ws, prod))
}

#[test]
fn production_fails_a_check_and_is_restored_with_its_reason_and_next_date() -> Result<()> {
    let dir = tempfile::tempdir().context("temp dir")?;
    let (ws, prod) = uat_committed(dir.path())?;

    let run = rehearse(&ws, prod, at(10, 0))?;
    let err = ws
        .start_data_upgrade(run.id, &boss(), &|| at(11, 0))
        .expect_err("outside the window");
    assert!(
        err.message.contains("only inside a maintenance window"),
        "{}",
        err.message
    );
    let before = dump(&store_file(&ws, prod)?)?;
    let active_before: Vec<bool> = ws.integrations(prod)?.iter().map(|i| i.active).collect();
    ws.set_failpoint(Some(Failpoint {
        site: Site::Data(cutover_core::upgrade::DataStep::Checks),
        mode: FailMode::FailingCheck,
    }));
    let err = ws
        .start_data_upgrade(run.id, &boss(), &|| at(16, 5))
        .expect_err("check fails");
    assert!(
        err.message
            .contains("Check injected by CUTOVER_FAILPOINT failed"),
        "{}",
        err.message
    );
    let run = ws.upgrade_run(run.id)?;
    assert_eq!(run.state, UpgradeState::RolledBack);
    assert!(run
        .reason
        .as_deref()
        .unwrap_or("")
        .contains("Failed at \"Run the release's checks\""));
    assert!(run.next_window.is_some());
    assert_eq!(dump(&store_file(&ws, prod)?)?, before);
    let env_now = ws.environment(prod)?;
    assert_eq!(
        (env_now.version.as_str(), env_now.status),
        ("10.0.1", EnvironmentStatus::Ready)
    );
    assert_eq!(
        ws.integrations(prod)?
            .iter()
            .map(|i| i.active)
            .collect::<Vec<_>>(),
        active_before
    );
    let notice = &ws.inbox()?[0];
    assert!(notice.title.contains("rolled back"), "{}", notice.title);
    // 10.0.4 offers weekend waves: the next attempt is the first one the
    // notice rule accepts, on the run and in the notice alike.
    assert_eq!(run.next_wave.as_deref(), Some("Weekend 1"));
    assert!(
        notice.body.contains(
            "The next wave that can still be scheduled: Weekend 1, Sat 9 Jan 2027 16:00 GMT"
        ),
        "{}",
        notice.body
    );
    Ok(())
}

#[test]
fn the_window_ending_mid_upgrade_rolls_back() -> Result<()> {
    let dir = tempfile::tempdir().context("temp dir")?;
    let (ws, prod) = uat_committed(dir.path())?;
    let run = rehearse(&ws, prod, at(10, 0))?;
    let before = dump(&store_file(&ws, prod)?)?;
    // Each reading of the clock is a minute later; the window ends at 19:00.
    let minute = std::sync::atomic::AtomicI64::new(0);
    let clock = || {
        at(18, 46)
            + chrono::Duration::minutes(minute.fetch_add(1, std::sync::atomic::Ordering::SeqCst))
    };
    let err = ws
        .start_data_upgrade(run.id, &boss(), &clock)
        .expect_err("window ends");
    assert!(
        err.message.contains("maintenance window ended"),
        "{}",
        err.message
    );
    let run = ws.upgrade_run(run.id)?;
    assert_eq!(run.state, UpgradeState::RolledBack);
    // It had changed production: the restore point was put back.
    assert!(run.step.is_some_and(|s| s.touches_data()), "{:?}", run.step);
    assert!(run
        .log
        .last()
        .is_some_and(|l| l.message.contains("restored to the restore point")));
    assert_eq!(dump(&store_file(&ws, prod)?)?, before);
    Ok(())
}

#[test]
fn rollback_after_validation_says_what_it_discards_and_restores() -> Result<()> {
    let dir = tempfile::tempdir().context("temp dir")?;
    let ws = demo(dir.path())?;
    let uat = env(&ws, "UAT")?;
    let before = dump(&store_file(&ws, uat)?)?;
    let run = rehearse(&ws, uat, at(9, 0))?;
    ws.start_data_upgrade(run.id, &boss(), &|| at(9, 30))?;
    // Users validate and change a record meanwhile.
    let mut store = ws.store(uat)?;
    let table = store.definitions()?.tables[0].id;
    let first = store.records(table)?[0].clone();
    store.insert_records(table, &[first.values])?;
    drop(store);
    let impact = ws.upgrade_rollback_impact(run.id)?;
    assert_eq!((impact.records_changed, impact.definitions_changed), (1, 0));
    let run = ws.roll_back_upgrade(run.id, &boss(), at(10, 0))?;
    assert_eq!(run.state, UpgradeState::RolledBack);
    assert!(run
        .reason
        .as_deref()
        .unwrap_or("")
        .contains("1 record change and"));
    assert_eq!(dump(&store_file(&ws, uat)?)?, before);
    assert_eq!(ws.environment(uat)?.version, "10.0.1");
    // The copy stays until the timer, so the data upgrade can be tried again.
    assert!(run.has_copy);
    let run = ws.start_data_upgrade(run.id, &boss(), &|| at(10, 30))?;
    assert_eq!(run.state, UpgradeState::Validating);
    Ok(())
}

/// A release from the demo vendor built from one of the demo folders with
/// its manifest changed by `edit`.
fn vendor_package(folder: &str, edit: impl Fn(&mut serde_json::Value)) -> Result<Vec<u8>> {
    use cutover_package::{build, sign};
    let demo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../packages/demo");
    let mut files = build::read_folder(&demo.join(folder))?;
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&files[0].1).context("manifest")?;
    edit(&mut manifest);
    files[0].1 = serde_json::to_vec(&manifest).context("manifest")?;
    let key = std::fs::read_to_string(demo.join("vendor-demo.key")).context("key")?;
    build::build(&files, &sign::parse_signing_key(&key)?)
}

#[test]
fn a_missing_critical_hotfix_holds_the_packages_and_the_gate_until_it_is_imported() -> Result<()> {
    let dir = tempfile::tempdir().context("temp dir")?;
    let ws = demo(dir.path())?;
    let account = ws.accounts()?[0].id;
    let release = vendor_package("10.0.4", |m| {
        m["version"] = "10.0.5".into();
        m["published"] = "2026-11-03".into();
        m["general_availability"] = "2026-11-10".into();
        m["required_hotfixes"] = serde_json::json!(["10.0.4.1"]);
    })?;
    ws.import_release(account, &release, &boss(), at(9, 0))?;
    let uat = env(&ws, "UAT")?;
    let run = ws.start_upgrade(uat, "10.0.5", &boss(), at(9, 0))?;
    let missing = &run.packages[2];
    assert_eq!(
        (missing.label.as_str(), missing.state),
        ("Critical hotfix 10.0.4.1", PackageState::Missing)
    );
    ws.prepare_upgrade(run.id, &|| at(9, 1))?;
    for _ in 0..2 {
        ws.apply_next_package(run.id, &boss(), &|| at(9, 2))?;
        ws.sign_off_package(run.id, &boss(), at(9, 2))?;
    }
    let err = ws
        .apply_next_package(run.id, &boss(), &|| at(9, 3))
        .expect_err("missing");
    assert!(
        err.message
            .contains("critical hotfix 10.0.4.1, which is not in the catalog"),
        "{}",
        err.message
    );
    let err = ws
        .start_data_upgrade(run.id, &boss(), &|| at(9, 3))
        .expect_err("gate");
    assert!(
        err.message.contains("not in the catalog"),
        "{}",
        err.message
    );

    let hotfix = vendor_package("10.0.3", |m| {
        m["version"] = "10.0.4.1".into();
        m["fixes"]["versions"] = serde_json::json!(["10.0.1", "10.0.2"]);
    })?;
    ws.import_release(account, &hotfix, &boss(), at(9, 4))?;
    let run = ws.apply_next_package(run.id, &boss(), &|| at(9, 5))?;
    assert_eq!(run.packages[2].state, PackageState::Applied);
    Ok(())
}

#[test]
fn without_its_restore_point_an_upgrade_is_not_rolled_back_and_nothing_changes() -> Result<()> {
    let dir = tempfile::tempdir().context("temp dir")?;
    let ws = demo(dir.path())?;
    let uat = env(&ws, "UAT")?;
    let run = rehearse(&ws, uat, at(9, 0))?;
    let run = ws.start_data_upgrade(run.id, &boss(), &|| at(9, 30))?;
    let upgraded = dump(&store_file(&ws, uat)?)?;
    ws.delete_backup(
        run.restore_backup_id.expect("restore point"),
        true,
        &boss(),
        at(9, 40),
    )?;
    let err = ws
        .roll_back_upgrade(run.id, &boss(), at(9, 45))
        .expect_err("no restore point");
    assert!(
        err.message.contains("restore point was deleted"),
        "{}",
        err.message
    );
    assert_eq!(ws.upgrade_run(run.id)?.state, UpgradeState::Validating);
    assert_eq!(ws.environment(uat)?.status, EnvironmentStatus::Ready);
    assert_eq!(ws.environment(uat)?.version, "10.0.4");
    assert_eq!(dump(&store_file(&ws, uat)?)?, upgraded);
    Ok(())
}

#[test]
fn a_commit_releases_the_restore_point_to_the_backup_retention() -> Result<()> {
    let dir = tempfile::tempdir().context("temp dir")?;
    let ws = demo(dir.path())?;
    let uat = env(&ws, "UAT")?;
    ws.set_backup_retention(1, &boss(), at(8, 0))?;
    let manual = ws.take_backup(uat, BackupReason::Manual, &boss(), at(8, 0), &|_| {})?;
    let run = rehearse(&ws, uat, at(9, 0))?;
    let run = ws.start_data_upgrade(run.id, &boss(), &|| at(9, 30))?;
    let point = run.restore_backup_id.expect("restore point");
    // While the upgrade can still be rolled back, the restore point guards.
    let listed = |ws: &cutover_store::Workspace| -> Result<Vec<i64>> {
        Ok(ws.backups(uat)?.iter().map(|b| b.id).collect())
    };
    assert!(listed(&ws)?.contains(&point) && listed(&ws)?.contains(&manual.id));
    let run = ws.commit_upgrade(run.id, &boss(), at(10, 0))?;
    assert!(run.log.last().is_some_and(|l| l
        .message
        .contains("released to the backup retention, which pruned 1 backup")));
    // Newest one kept: the restore point; the older manual backup went.
    assert_eq!(listed(&ws)?, [point]);
    let released = ws
        .backups(uat)?
        .into_iter()
        .find(|b| b.id == point)
        .expect("kept");
    assert_eq!(released.released_at, Some(at(10, 0)));
    let newer = ws.take_backup(uat, BackupReason::Manual, &boss(), at(11, 0), &|_| {})?;
    assert_eq!(listed(&ws)?, [newer.id]);
    Ok(())
}

#[test]
fn extensions_changed_after_the_rehearsal_hold_the_data_upgrade() -> Result<()> {
    let dir = tempfile::tempdir().context("temp dir")?;
    let ws = demo(dir.path())?;
    let uat = env(&ws, "UAT")?;
    let run = rehearse(&ws, uat, at(9, 0))?;
    // UAT stays online during the rehearsal; someone removes an extension.
    ws.uninstall_extension(uat, "Project export", &boss(), at(9, 20))?;
    let before = dump(&store_file(&ws, uat)?)?;
    let err = ws
        .start_data_upgrade(run.id, &boss(), &|| at(9, 30))
        .expect_err("stale rehearsal");
    assert!(
        err.message
            .contains("extensions changed since this run was planned"),
        "{}",
        err.message
    );
    assert_eq!(ws.upgrade_run(run.id)?.state, UpgradeState::Packages);
    assert_eq!(dump(&store_file(&ws, uat)?)?, before);
    Ok(())
}
