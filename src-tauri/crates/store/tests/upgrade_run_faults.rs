//! An upgrade run stopped after each of its operations before the
//! downtime (start, the parallel copy, a package applied, signed off or
//! rolled back on the copy, cancel, the timer), by an error, an
//! intermittent error, or the process dying at the named point.
//! Afterwards: the original row by row as before, the copy as the run's
//! record says, and the whole data directory (`common::assert_whole`:
//! stores and backups folders against what is recorded, no lock left);
//! then the run can be finished. The rollback after validation is in
//! `production_upgrade_faults.rs`.

mod common;

use chrono::Duration;
use common::{at, boss, copy_dump, demo, dump, env, rehearse, store_file};
use cutover_core::upgrade::{PackageState, UpgradeRun, UpgradeState};
use cutover_core::Result;
use cutover_store::control::failpoint::Failpoint;
use cutover_store::{Context, Workspace};

/// The child process's orders: `<data dir>|<operation>|<failpoint>`.
const ORDERS: &str = "CUTOVER_UPGRADE_RUN_CHILD";
const CHILD: &str = "child_process_stopping_an_upgrade_run";

/// What a run's operation does, in the order a run goes through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Start,
    Prepare,
    Apply,
    SignOff,
    RollBackPackage,
    Cancel,
    Timer,
}

impl Op {
    const ALL: [Self; 7] = [
        Self::Start,
        Self::Prepare,
        Self::Apply,
        Self::SignOff,
        Self::RollBackPackage,
        Self::Cancel,
        Self::Timer,
    ];

    fn name(self) -> &'static str {
        match self {
            Self::Start => "start",
            Self::Prepare => "prepare",
            Self::Apply => "apply",
            Self::SignOff => "sign_off",
            Self::RollBackPackage => "roll_back_package",
            Self::Cancel => "cancel",
            Self::Timer => "timer",
        }
    }

    fn failpoint(self) -> &'static str {
        match self {
            Self::Start => "upgrade_started",
            Self::Prepare => "upgrade_copied",
            Self::Apply => "package_applied",
            Self::SignOff => "package_signed_off",
            Self::RollBackPackage => "package_rolled_back",
            Self::Cancel | Self::Timer => "upgrade_closed",
        }
    }

    fn parse(name: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|o| o.name() == name)
            .expect("an operation")
    }

    /// Takes UAT's run as far as this operation needs.
    fn set_up(self, ws: &Workspace) -> Result<()> {
        let uat = env(ws, "UAT")?;
        if self == Self::Start {
            return Ok(());
        }
        let run = ws.start_upgrade(uat, "10.0.4", &boss(), at(10, 0))?;
        if self == Self::Prepare {
            return Ok(());
        }
        ws.prepare_upgrade(run.id, &|| at(10, 0))?;
        if matches!(self, Self::SignOff | Self::RollBackPackage | Self::Cancel) {
            ws.apply_next_package(run.id, &boss(), &|| at(10, 0))?;
        }
        Ok(())
    }

    fn run(self, ws: &Workspace) -> Result<()> {
        let uat = env(ws, "UAT")?;
        let open = || -> Result<i64> { Ok(ws.open_upgrade(uat)?.expect("an open run").id) };
        match self {
            Self::Start => ws
                .start_upgrade(uat, "10.0.4", &boss(), at(10, 5))
                .map(drop),
            Self::Prepare => ws.prepare_upgrade(open()?, &|| at(10, 5)).map(drop),
            Self::Apply => ws
                .apply_next_package(open()?, &boss(), &|| at(10, 5))
                .map(drop),
            Self::SignOff => ws.sign_off_package(open()?, &boss(), at(10, 5)).map(drop),
            Self::RollBackPackage => ws.roll_back_package(open()?, &boss(), at(10, 5)).map(drop),
            Self::Cancel => ws.cancel_upgrade_run(open()?, &boss(), at(10, 5)).map(drop),
            Self::Timer => ws
                .apply_upgrade_timers(at(10, 5) + Duration::days(11))
                .map(drop),
        }
    }
}

/// Not a test on its own: the child process the kill tests stop at a
/// failpoint (it aborts there).
#[test]
#[ignore = "child process of the upgrade run kill tests"]
fn child_process_stopping_an_upgrade_run() -> Result<()> {
    let (ws, operation, point) = common::child_workspace(ORDERS)?;
    Op::parse(&operation).run(&ws)?;
    panic!("{operation} went past the failpoint {point}");
}

/// What the tests compare: UAT row by row and the run's copy.
struct Before {
    uat: Vec<String>,
    copy: Option<Vec<String>>,
    run: Option<UpgradeRun>,
}

fn before(ws: &Workspace) -> Result<Before> {
    let uat = env(ws, "UAT")?;
    let run = ws.open_upgrade(uat)?;
    Ok(Before {
        uat: dump(&store_file(ws, uat)?)?,
        copy: match &run {
            Some(r) => copy_dump(ws, r.id)?,
            None => None,
        },
        run,
    })
}

/// After `op` stopped at its failpoint (and, for a kill, the next start's
/// recovery): the original untouched, the run recorded where the work got
/// to, the copy matching that record, the directory whole.
fn assert_stopped_where_recorded(ws: &Workspace, op: Op, was: &Before, what: &str) -> Result<()> {
    common::assert_whole(ws)?;
    let uat = env(ws, "UAT")?;
    assert_eq!(
        dump(&store_file(ws, uat)?)?,
        was.uat,
        "{what}: UAT untouched"
    );
    assert_eq!(ws.environment(uat)?.version, "10.0.1", "{what}");
    let open = ws.open_upgrade(uat)?;
    let packages = |run: &UpgradeRun| run.packages.iter().map(|p| p.state).collect::<Vec<_>>();
    match op {
        Op::Start => {
            let run = open.expect("the run was recorded before the stop");
            assert_eq!(run.state, UpgradeState::Preparing, "{what}");
            assert!(!run.has_copy, "{what}");
        }
        Op::Prepare => {
            let run = open.expect("the run");
            assert_eq!(run.state, UpgradeState::Preparing, "{what}: not yet ready");
            assert_eq!(
                copy_dump(ws, run.id)?.as_ref(),
                Some(&was.uat),
                "{what}: the copy made before the stop is whole"
            );
        }
        Op::Apply | Op::RollBackPackage => {
            let run = open.expect("the run");
            let had = was.run.as_ref().expect("a run");
            assert_eq!(
                packages(&run),
                packages(had),
                "{what}: packages as recorded"
            );
            if op == Op::Apply {
                assert_eq!(
                    copy_dump(ws, run.id)?,
                    was.copy,
                    "{what}: the copy put back"
                );
            }
        }
        Op::SignOff => {
            let run = open.expect("the run");
            assert_eq!(run.packages[0].state, PackageState::SignedOff, "{what}");
            assert_eq!(copy_dump(ws, run.id)?, was.copy, "{what}: the copy");
        }
        Op::Cancel | Op::Timer => {
            assert!(open.is_none(), "{what}: closed before the copy went");
            let run = ws.upgrade_run(was.run.as_ref().expect("a run").id)?;
            assert!(!run.has_copy, "{what}");
            let expected = if op == Op::Cancel {
                UpgradeState::Cancelled
            } else {
                UpgradeState::Expired
            };
            assert_eq!(run.state, expected, "{what}");
        }
    }
    Ok(())
}

/// Finishes what `op` was doing (where there is something left to do) and
/// takes the run to its end: rehearsed, the data upgrade run, UAT on
/// 10.0.4. Proves the stop left nothing in the way.
fn finish_after(ws: &Workspace, op: Op, was: &Before, what: &str) -> Result<()> {
    let uat = env(ws, "UAT")?;
    match op {
        Op::Cancel | Op::Timer => {
            rehearse(ws, uat, at(12, 0))?;
        }
        Op::RollBackPackage => {
            let run = ws.open_upgrade(uat)?.expect("the run");
            if run.packages[0].state != PackageState::Pending {
                ws.roll_back_package(run.id, &boss(), at(12, 0))?;
            }
            let before_package = ws.upgrade_run(run.id)?;
            assert_eq!(
                before_package.packages[0].state,
                PackageState::Pending,
                "{what}"
            );
            assert_eq!(
                copy_dump(ws, run.id)?.as_ref(),
                Some(&was.uat),
                "{what}: the copy as before the package"
            );
        }
        _ => {}
    }
    let run = ws.open_upgrade(uat)?.expect("the run");
    if run.state == UpgradeState::Preparing {
        ws.prepare_upgrade(run.id, &|| at(12, 0))?;
    }
    // The first package applied again, then rolled back: the copy must be
    // UAT's rows again, whatever a stop inside the package left.
    let run = ws.upgrade_run(run.id)?;
    if run.packages[0].state == PackageState::Pending {
        ws.apply_next_package(run.id, &boss(), &|| at(12, 0))?;
        ws.roll_back_package(run.id, &boss(), at(12, 0))?;
        assert_eq!(
            copy_dump(ws, run.id)?.as_ref(),
            Some(&was.uat),
            "{what}: rolling back the first package after the stop"
        );
    }
    for p in ws.upgrade_run(run.id)?.packages {
        if p.state == PackageState::Pending {
            ws.apply_next_package(run.id, &boss(), &|| at(12, 0))?;
        }
        let now = ws.upgrade_run(run.id)?;
        if now
            .packages
            .iter()
            .any(|p| p.state == PackageState::Applied)
        {
            ws.sign_off_package(run.id, &boss(), at(12, 0))?;
        }
    }
    ws.start_data_upgrade(run.id, &boss(), &|| at(12, 30))?;
    ws.commit_upgrade(run.id, &boss(), at(12, 40))?;
    common::assert_whole(ws)?;
    assert_eq!(
        ws.environment(uat)?.version,
        "10.0.4",
        "{what}: upgraded after"
    );
    Ok(())
}

#[test]
fn an_error_after_each_operation_of_a_run_leaves_it_where_it_is_recorded() -> Result<()> {
    for op in Op::ALL {
        for mode in ["error", "intermittent"] {
            let what = format!("{}:{mode}", op.failpoint());
            let dir = tempfile::tempdir().context("temp dir")?;
            let ws = demo(dir.path())?;
            op.set_up(&ws)?;
            let was = before(&ws)?;
            ws.set_failpoint(Some(Failpoint::parse(&what)?));
            let e = op.run(&ws).expect_err(&what);
            assert!(e.message.contains("Injected"), "{what}: {}", e.message);
            ws.set_failpoint(None);
            // Files a stop left for the start-up recovery are cleared there.
            ws.recover(at(11, 0))?;
            assert_stopped_where_recorded(&ws, op, &was, &what)?;
            finish_after(&ws, op, &was, &what)?;
        }
    }
    Ok(())
}

#[test]
fn a_run_killed_after_each_operation_is_whole_at_the_next_start() -> Result<()> {
    for op in Op::ALL {
        let what = format!("{}:abort", op.failpoint());
        let dir = tempfile::tempdir().context("temp dir")?;
        let ws = demo(dir.path())?;
        op.set_up(&ws)?;
        let was = before(&ws)?;
        drop(ws);
        common::die_in_child(
            CHILD,
            ORDERS,
            &format!("{}|{}|{what}", dir.path().display(), op.name()),
        )?;

        let ws = Workspace::open(dir.path())?;
        if op == Op::Apply {
            // The kill landed after the work: the copy holds the package,
            // which the run does not record.
            let run = ws.open_upgrade(env(&ws, "UAT")?)?.expect("the run");
            assert_eq!(run.packages[0].state, PackageState::Pending, "{what}");
            assert_ne!(
                copy_dump(&ws, run.id)?,
                was.copy,
                "{what}: the kill landed after applying"
            );
        }
        ws.recover(at(11, 0))?;
        if op != Op::Apply {
            assert_stopped_where_recorded(&ws, op, &was, &what)?;
        } else {
            common::assert_whole(&ws)?;
        }
        finish_after(&ws, op, &was, &what)?;
    }
    Ok(())
}
