//! Operations stopped at a named point, by an error or by the process dying
//! there: a promotion after its sandbox was marked promoted, a backup whose
//! file is in place but not recorded, an upgrade's restore point likewise.
//! Afterwards every place the operation touched is checked: production,
//! the sandbox's marks (its plan), the backups table against the backups
//! folder, the lock.

mod common;

use common::{at, boss, demo, env, rehearse};
use cutover_core::backup::BackupReason;
use cutover_core::change::Change;
use cutover_core::environment::EnvironmentStatus;
use cutover_core::promotion::{PromotionState, PromotionStep};
use cutover_core::Result;
use cutover_store::failpoint::Failpoint;
use cutover_store::{Context, Workspace};
use std::collections::BTreeSet;
use std::path::Path;

/// The child process's orders: `<data dir>|<operation>|<failpoint>`.
const ORDERS: &str = "CUTOVER_INTERRUPTED_CHILD";

/// Two designer changes in the promotable sandbox.
fn sandbox_work(ws: &Workspace) -> Result<i64> {
    let sandbox = env(ws, "Promotable sandbox")?;
    let defs = ws.definitions(sandbox)?;
    let start = defs
        .tables
        .iter()
        .flat_map(|t| &t.fields)
        .find(|f| f.name == "Start date")
        .expect("Start date")
        .id;
    ws.apply_change(
        sandbox,
        &Change::DeleteField { field_id: start },
        &boss(),
        at(10, 0),
        false,
    )?;
    ws.apply_change(
        sandbox,
        &Change::CreateApp {
            name: "Finance".into(),
        },
        &boss(),
        at(10, 0),
        false,
    )?;
    Ok(sandbox)
}

/// Files in the backups folder and paths the backups table records: equal
/// when nothing is orphaned and nothing is missing.
fn backups_agree(ws: &Workspace) -> Result<()> {
    let on_disk: BTreeSet<String> = std::fs::read_dir(ws.root().join("backups"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| format!("backups/{}", e.file_name().to_string_lossy()))
        .collect();
    let recorded: BTreeSet<String> = {
        let conn = ws.connect()?;
        let mut stmt = conn
            .prepare("SELECT path FROM backups")
            .context("backups")?;
        let rows = stmt.query_map([], |r| r.get(0)).context("backups")?;
        rows.collect::<rusqlite::Result<_>>().context("backups")?
    };
    assert_eq!(
        on_disk, recorded,
        "the backups folder and the backups table agree"
    );
    Ok(())
}

fn production_dump(ws: &Workspace) -> Result<Vec<String>> {
    common::dump(&common::store_file(ws, env(ws, "Production")?)?)
}

#[test]
fn an_error_after_the_sandbox_is_marked_restores_production_and_the_sandbox_plan() -> Result<()> {
    let dir = tempfile::tempdir().context("temp dir")?;
    let ws = demo(dir.path())?;
    let sandbox = sandbox_work(&ws)?;
    let steps = ws.promotion_plan(sandbox)?.steps.len();
    let before = production_dump(&ws)?;
    ws.set_failpoint(Some(Failpoint::parse("promotion_marked:error")?));
    let e = ws
        .promote(sandbox, &[], "Production", &boss(), &|| at(10, 5), &|_| {})
        .expect_err("injected");
    assert!(e.message.contains("Injected fault"), "{}", e.message);
    let production = env(&ws, "Production")?;
    let record = &ws.promotions(production)?[0];
    assert_eq!(
        (record.state, record.step),
        (PromotionState::Failed, PromotionStep::Unlock)
    );
    assert_eq!(
        production_dump(&ws)?,
        before,
        "production restored row by row"
    );
    assert_eq!(ws.environment(production)?.status, EnvironmentStatus::Ready);
    assert_eq!(
        ws.promotion_plan(sandbox)?.steps.len(),
        steps,
        "the sandbox's changes are still to promote"
    );
    backups_agree(&ws)?;
    ws.set_failpoint(None);
    ws.promote(sandbox, &[], "Production", &boss(), &|| at(10, 10), &|_| {})?;
    assert!(ws.promotion_plan(sandbox)?.steps.is_empty());
    Ok(())
}

/// Not a test on its own: the child process the tests below kill at a
/// failpoint (it aborts there).
#[test]
#[ignore = "child process of the interrupted-operation tests"]
fn child_process_stopping_at_a_failpoint() -> Result<()> {
    let Some(orders) = std::env::var_os(ORDERS) else {
        return Ok(());
    };
    let orders = orders.to_string_lossy().into_owned();
    let mut parts = orders.split('|');
    let (dir, operation, point) = (
        Path::new(parts.next().expect("dir")),
        parts.next().expect("operation"),
        parts.next().expect("failpoint"),
    );
    let ws = Workspace::open(dir)?;
    ws.set_failpoint(Some(Failpoint::parse(point)?));
    match operation {
        "promote" => {
            let sandbox = env(&ws, "Promotable sandbox")?;
            ws.promote(sandbox, &[], "Production", &boss(), &|| at(10, 5), &|_| {})?;
        }
        "backup_slowly" => {
            // Paced copies, so the parent can kill the child mid-copy.
            let pace = cutover_store::env_store::sqlite::Pace {
                pages_per_step: 1,
                pause: std::time::Duration::from_millis(20),
            };
            let backend = cutover_store::env_store::sqlite::SqliteBackend::new(
                dir.join("environments"),
                dir.join("retired"),
            )?
            .with_pace(pace);
            let ws = Workspace::with_backend(dir, Box::new(backend))?;
            ws.take_backup(
                env(&ws, "Production")?,
                BackupReason::Manual,
                &boss(),
                at(10, 5),
                &|_| {},
            )?;
        }
        "backup" => {
            ws.take_backup(
                env(&ws, "Production")?,
                BackupReason::Manual,
                &boss(),
                at(10, 5),
                &|_| {},
            )?;
        }
        "data_upgrade" => {
            let run = ws.open_upgrade(env(&ws, "UAT")?)?.expect("an open run");
            ws.start_data_upgrade(run.id, &boss(), &|| at(10, 5))?;
        }
        other => panic!("unknown operation {other}"),
    }
    panic!("{operation} went past the failpoint {point}");
}

/// Runs `operation` in a child process that dies at `point`.
fn die_at(dir: &Path, operation: &str, point: &str) -> Result<()> {
    let status = std::process::Command::new(std::env::current_exe().context("exe")?)
        .args([
            "--ignored",
            "--exact",
            "child_process_stopping_at_a_failpoint",
            "--quiet",
        ])
        .env(ORDERS, format!("{}|{operation}|{point}", dir.display()))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .context("child")?;
    assert!(!status.success(), "the child died at {point}");
    Ok(())
}

#[test]
fn a_promotion_killed_after_marking_the_sandbox_is_restored_with_the_sandbox_plan() -> Result<()> {
    let dir = tempfile::tempdir().context("temp dir")?;
    let ws = demo(dir.path())?;
    let sandbox = sandbox_work(&ws)?;
    let steps = ws.promotion_plan(sandbox)?.steps.len();
    let before = production_dump(&ws)?;
    drop(ws);
    die_at(dir.path(), "promote", "promotion_marked:abort")?;

    let ws = Workspace::open(dir.path())?;
    let production = env(&ws, "Production")?;
    assert_eq!(
        ws.promotions(production)?[0].step,
        PromotionStep::Unlock,
        "the kill landed after the marks"
    );
    ws.recover(at(11, 0))?;
    let record = &ws.promotions(production)?[0];
    assert_eq!(record.state, PromotionState::Failed);
    assert_eq!(
        production_dump(&ws)?,
        before,
        "production restored row by row"
    );
    assert_eq!(ws.environment(production)?.status, EnvironmentStatus::Ready);
    assert_eq!(
        ws.promotion_plan(sandbox)?.steps.len(),
        steps,
        "the sandbox's changes are still to promote"
    );
    backups_agree(&ws)?;
    ws.promote(sandbox, &[], "Production", &boss(), &|| at(11, 5), &|_| {})?;
    assert!(ws.promotion_plan(sandbox)?.steps.is_empty());
    Ok(())
}

fn removal_logged(ws: &Workspace) -> Result<i64> {
    ws.connect()?
        .query_row(
            "SELECT count(*) FROM activity WHERE detail LIKE 'Removed backups/%interrupted before recording it'",
            [],
            |r| r.get(0),
        )
        .context("activity")
}

#[test]
fn a_backup_killed_between_placing_and_recording_its_file_leaves_no_orphan() -> Result<()> {
    let dir = tempfile::tempdir().context("temp dir")?;
    let ws = demo(dir.path())?;
    let production = env(&ws, "Production")?;
    let listed = ws.backups(production)?.len();
    let before = production_dump(&ws)?;
    drop(ws);
    die_at(dir.path(), "backup", "backup_placed:abort")?;

    let ws = Workspace::open(dir.path())?;
    let orphans = std::fs::read_dir(ws.root().join("backups"))
        .context("backups folder")?
        .count()
        - ws.connect()?
            .query_row("SELECT count(*) FROM backups", [], |r| r.get::<_, i64>(0))
            .context("count")? as usize;
    assert_eq!(orphans, 1, "the kill left one unrecorded file");
    ws.recover(at(11, 0))?;
    backups_agree(&ws)?;
    assert_eq!(
        removal_logged(&ws)?,
        1,
        "the activity says what was removed"
    );
    assert_eq!(ws.backups(production)?.len(), listed);
    assert_eq!(production_dump(&ws)?, before);

    // An error at the same point removes the file at once.
    ws.set_failpoint(Some(Failpoint::parse("backup_placed:error")?));
    ws.take_backup(
        production,
        BackupReason::Manual,
        &boss(),
        at(11, 5),
        &|_| {},
    )
    .expect_err("injected");
    backups_agree(&ws)?;
    Ok(())
}

#[test]
fn a_data_upgrade_killed_between_placing_and_recording_its_restore_point_is_rolled_back_without_an_orphan(
) -> Result<()> {
    let dir = tempfile::tempdir().context("temp dir")?;
    let ws = demo(dir.path())?;
    let uat = env(&ws, "UAT")?;
    rehearse(&ws, uat, at(10, 0))?;
    let before = common::dump(&common::store_file(&ws, uat)?)?;
    drop(ws);
    die_at(dir.path(), "data_upgrade", "backup_placed:abort")?;

    let ws = Workspace::open(dir.path())?;
    ws.recover(at(11, 0))?;
    backups_agree(&ws)?;
    assert_eq!(removal_logged(&ws)?, 1);
    assert_eq!(
        common::dump(&common::store_file(&ws, uat)?)?,
        before,
        "UAT as before"
    );
    assert_eq!(ws.environment(uat)?.status, EnvironmentStatus::Ready);
    assert_eq!(ws.environment(uat)?.version, "10.0.1");
    Ok(())
}

#[test]
fn a_backup_killed_mid_copy_leaves_no_partial_file() -> Result<()> {
    let dir = tempfile::tempdir().context("temp dir")?;
    let ws = demo(dir.path())?;
    let production = env(&ws, "Production")?;
    let listed = ws.backups(production)?.len();
    drop(ws);
    let mut child = std::process::Command::new(std::env::current_exe().context("exe")?)
        .args([
            "--ignored",
            "--exact",
            "child_process_stopping_at_a_failpoint",
            "--quiet",
        ])
        .env(
            ORDERS,
            format!("{}|backup_slowly|backup_placed:abort", dir.path().display()),
        )
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .context("child")?;
    // Kill it once the copy has begun: its .partial file is on disk.
    let partial = || {
        std::fs::read_dir(dir.path().join("backups"))
            .into_iter()
            .flatten()
            .flatten()
            .any(|e| e.file_name().to_string_lossy().ends_with(".partial"))
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !partial() {
        assert!(
            std::time::Instant::now() < deadline,
            "the copy never started"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().context("kill")?;
    child.wait().context("wait")?;
    assert!(partial(), "killed mid-copy");

    let ws = Workspace::open(dir.path())?;
    ws.recover(at(11, 0))?;
    backups_agree(&ws)?;
    assert_eq!(ws.backups(production)?.len(), listed);
    assert_eq!(removal_logged(&ws)?, 1);
    Ok(())
}
