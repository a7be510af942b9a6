//! Production's data upgrade stopped after each step, and inside a step
//! between its parts: after the restore point was taken but before the run
//! recorded it, after one migration package but before the next, after the
//! store's version was written but before the control database's. By an
//! error (rolled back at once), an intermittent error (stopped there,
//! resumed to the full upgrade) or a kill (rolled back at the next start);
//! and the rollback after validation stopped after writing the restore
//! point back. Production has integrations; afterwards its rows,
//! integrations, version, lock and the whole data directory are checked.

mod common;

use common::{at, boss, dump, env, production_rehearsed, store_file};
use cutover_core::backup::BackupReason;
use cutover_core::environment::EnvironmentStatus;
use cutover_core::upgrade::{DataStep, PackageKind, UpgradeState};
use cutover_core::Result;
use cutover_store::control::failpoint::{FailMode, Failpoint, Site};
use cutover_store::{Context, Workspace};

const ORDERS: &str = "CUTOVER_PRODUCTION_UPGRADE_CHILD";
const CHILD: &str = "child_process_stopping_productions_upgrade";

/// Not a test on its own: the child process the kill test stops at a point
/// of production's data upgrade.
#[test]
#[ignore = "child process of the production data-upgrade kill test"]
fn child_process_stopping_productions_upgrade() -> Result<()> {
    let (ws, operation, point) = common::child_workspace(ORDERS)?;
    let run = ws
        .open_upgrade(env(&ws, "Production")?)?
        .expect("an open run");
    match operation.as_str() {
        "data_upgrade" => ws.start_data_upgrade(run.id, &boss(), &|| at(16, 10))?,
        "roll_back" => ws.roll_back_upgrade(run.id, &boss(), at(16, 40))?,
        other => panic!("unknown operation {other}"),
    };
    panic!("{operation} went past {point}");
}

/// Production back as before the data upgrade: its rows, integrations,
/// version, unlocked, the run rolled back at `site`'s step, the inbox told.
fn assert_rolled_back(
    ws: &Workspace,
    run: i64,
    before: &[String],
    integrations: &[(String, bool, Option<i64>)],
    site: Site,
) -> Result<()> {
    let what = site.as_str();
    let production = env(ws, "Production")?;
    common::assert_whole(ws)?;
    let record = ws.upgrade_run(run)?;
    assert_eq!(
        (record.state, record.step),
        (UpgradeState::RolledBack, site.data_step()),
        "{what}"
    );
    assert_eq!(
        dump(&store_file(ws, production)?)?,
        before,
        "{what}: production row by row"
    );
    assert_eq!(
        common::integrations(ws, production)?,
        integrations,
        "{what}: integrations"
    );
    let env = ws.environment(production)?;
    assert_eq!(
        (env.version.as_str(), env.status),
        ("10.0.1", EnvironmentStatus::Ready),
        "{what}"
    );
    assert!(
        ws.inbox()?
            .iter()
            .any(|n| n.title == "Upgrade of Production rolled back"),
        "{what}: the inbox says so"
    );
    Ok(())
}

#[test]
fn the_migrations_step_has_two_packages_to_stop_between() -> Result<()> {
    let dir = tempfile::tempdir().context("temp dir")?;
    let (ws, _, run, _) = production_rehearsed(dir.path())?;
    let migrations = ws
        .upgrade_run(run)?
        .packages
        .iter()
        .filter(|p| matches!(p.kind, PackageKind::Platform | PackageKind::Hotfix))
        .count();
    assert!(migrations >= 2, "{migrations} migration package(s)");
    Ok(())
}

#[test]
fn an_error_anywhere_rolls_production_back() -> Result<()> {
    for site in common::data_upgrade_sites() {
        let dir = tempfile::tempdir().context("temp dir")?;
        let (ws, production, run, before) = production_rehearsed(dir.path())?;
        let integrations = common::integrations(&ws, production)?;
        ws.set_failpoint(Some(Failpoint {
            site,
            mode: FailMode::Error,
        }));
        let e = ws
            .start_data_upgrade(run, &boss(), &|| at(16, 10))
            .expect_err(site.as_str());
        assert!(e.message.contains("Injected fault"), "{}", e.message);
        assert_rolled_back(&ws, run, &before, &integrations, site)?;
    }
    Ok(())
}

#[test]
fn an_intermittent_error_anywhere_stops_there_and_resumes_to_the_full_upgrade() -> Result<()> {
    for site in common::data_upgrade_sites() {
        let what = site.as_str();
        let dir = tempfile::tempdir().context("temp dir")?;
        let (ws, production, run, _) = production_rehearsed(dir.path())?;
        let integrations = common::integrations(&ws, production)?;
        ws.set_failpoint(Some(Failpoint {
            site,
            mode: FailMode::Intermittent,
        }));
        ws.start_data_upgrade(run, &boss(), &|| at(16, 10))
            .expect_err(what);
        let stopped = ws.upgrade_run(run)?;
        assert_eq!(
            (stopped.state, stopped.step, stopped.resumable),
            (UpgradeState::Failed, site.data_step(), true),
            "{what}"
        );
        let step = site.data_step().expect("a data step");
        if (DataStep::Lock..DataStep::Unlock).contains(&step) {
            assert_eq!(
                ws.environment(production)?.status,
                EnvironmentStatus::Locked,
                "{what}: locked while stopped"
            );
        }
        // What the stopped run paused, it resumes: not the admin by hand.
        for held in ws
            .integrations(production)?
            .into_iter()
            .filter(|i| i.paused_by_upgrade == Some(run))
        {
            let e = ws
                .set_integration_active(held.id, true, &boss(), at(16, 15))
                .expect_err(what);
            assert_eq!(e.kind, cutover_core::error::ErrorKind::Locked, "{what}");
            assert!(!ws.integrations(production)?[0].active, "{what}");
        }
        ws.set_failpoint(None);
        let done = ws.resume_upgrade(run, &boss(), &|| at(16, 20))?;
        assert_eq!(done.state, UpgradeState::Validating, "{what}");
        let restore_point = done.restore_backup_id.expect("a restore point");
        assert!(
            ws.backups(production)?
                .iter()
                .any(|b| b.id == restore_point),
            "{what}: the restore point is listed"
        );
        ws.commit_upgrade(run, &boss(), at(16, 30))?;
        common::assert_whole(&ws)?;
        // One restore point, released by the commit: none left guarding.
        let guards: Vec<i64> = ws
            .backups(production)?
            .iter()
            .filter(|b| b.reason == BackupReason::BeforeUpgrade)
            .map(|b| {
                assert!(
                    b.released_at.is_some(),
                    "{what}: backup #{} still guards",
                    b.id
                );
                b.id
            })
            .collect();
        assert_eq!(guards, [restore_point], "{what}: one restore point");
        let env = ws.environment(production)?;
        assert_eq!(env.version, "10.0.4", "{what}");
        assert_eq!(
            ws.store(production)?.platform_version()?,
            "10.0.4",
            "{what}: the store agrees"
        );
        assert_eq!(
            common::integrations(&ws, production)?,
            integrations,
            "{what}: integrations resumed"
        );
    }
    Ok(())
}

#[test]
fn killed_anywhere_the_next_start_rolls_production_back() -> Result<()> {
    for site in common::data_upgrade_sites() {
        let what = site.as_str();
        let dir = tempfile::tempdir().context("temp dir")?;
        let (ws, production, run, before) = production_rehearsed(dir.path())?;
        let integrations = common::integrations(&ws, production)?;
        drop(ws);
        common::die_in_child(
            CHILD,
            ORDERS,
            &format!("{}|data_upgrade|{what}:abort", dir.path().display()),
        )?;
        let ws = Workspace::open(dir.path())?;
        let killed = ws.upgrade_run(run)?;
        assert_eq!(
            (killed.state, killed.step),
            (UpgradeState::DataUpgrade, site.data_step()),
            "{what}: the kill landed inside that step"
        );
        ws.recover(at(16, 30))?;
        assert_rolled_back(&ws, run, &before, &integrations, site)?;
        // Another attempt goes through.
        ws.start_data_upgrade(run, &boss(), &|| at(16, 40))?;
        assert_eq!(ws.environment(production)?.version, "10.0.4", "{what}");
    }
    Ok(())
}

/// Production's rollback after validation, stopped right after the restore
/// point was written back: by an error or an intermittent error (the run is
/// failed, production still locked with its integrations paused, and a
/// second rollback finishes it), or by a kill (the next start finishes it).
/// Either way production ends with its rows and integrations as before the
/// data upgrade, on its old version, unlocked.
#[test]
fn productions_rollback_stopped_after_writing_the_restore_point_back_is_finished() -> Result<()> {
    for mode in ["error", "intermittent", "abort"] {
        let what = format!("rollback_restored:{mode}");
        let dir = tempfile::tempdir().context("temp dir")?;
        let (ws, production, run, before) = common::production_rehearsed(dir.path())?;
        let integrations = common::integrations(&ws, production)?;
        ws.start_data_upgrade(run, &boss(), &|| at(16, 10))?;
        // Work done on the upgraded production, which the rollback discards.
        ws.apply_change(
            production,
            &cutover_core::change::Change::CreateApp {
                name: "After the upgrade".into(),
            },
            &boss(),
            at(16, 30),
            true,
        )?;
        let ws = if mode == "abort" {
            drop(ws);
            common::die_in_child(
                CHILD,
                ORDERS,
                &format!("{}|roll_back|{what}", dir.path().display()),
            )?;
            let ws = Workspace::open(dir.path())?;
            assert_eq!(
                ws.upgrade_run(run)?.state,
                UpgradeState::DataUpgrade,
                "{what}: killed during the rollback"
            );
            ws.recover(at(17, 0))?;
            ws
        } else {
            ws.set_failpoint(Some(Failpoint::parse(&what)?));
            let e = ws
                .roll_back_upgrade(run, &boss(), at(16, 40))
                .expect_err(&what);
            assert!(
                e.message.contains("Roll back to the restore point"),
                "{what}: {}",
                e.message
            );
            ws.set_failpoint(None);
            let stopped = ws.upgrade_run(run)?;
            assert_eq!(
                (stopped.state, stopped.resumable),
                (UpgradeState::Failed, false),
                "{what}"
            );
            assert_eq!(
                ws.environment(production)?.status,
                cutover_core::environment::EnvironmentStatus::Locked,
                "{what}: locked until the rollback finishes"
            );
            assert!(
                common::integrations(&ws, production)?.iter().all(|i| !i.1),
                "{what}: integrations stay paused"
            );
            assert!(
                ws.inbox()?
                    .iter()
                    .any(|n| n.title == "Rollback of Production stopped"),
                "{what}: the inbox says so"
            );
            ws.roll_back_upgrade(run, &boss(), at(16, 45))?;
            ws
        };
        common::assert_whole(&ws)?;
        assert_eq!(
            ws.upgrade_run(run)?.state,
            UpgradeState::RolledBack,
            "{what}"
        );
        assert_eq!(
            dump(&store_file(&ws, production)?)?,
            before,
            "{what}: production row by row"
        );
        assert_eq!(
            common::integrations(&ws, production)?,
            integrations,
            "{what}: integrations"
        );
        assert_eq!(ws.environment(production)?.version, "10.0.1", "{what}");
        assert!(
            ws.inbox()?
                .iter()
                .any(|n| n.title == "Upgrade of Production rolled back"),
            "{what}: the inbox says it is rolled back"
        );
    }
    Ok(())
}
