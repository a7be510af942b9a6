//! Operations stopped at a named point, by an error or by the process dying
//! there: a backup whose file is in place but not recorded or half copied,
//! an upgrade's restore point likewise, a refresh and a restore after they
//! wrote, an upgrade commit after it was recorded. Afterwards every place
//! the operation touched is checked (`common::assert_whole` and more): the
//! environment row by row, the backups table against the backups folder,
//! the temporary folder, the locks. Promotions are in
//! `promotion_interrupted.rs`.

mod common;

use common::{at, boss, demo, env, rehearse};
use cutover_core::backup::BackupReason;
use cutover_core::change::Change;
use cutover_core::environment::EnvironmentStatus;
use cutover_core::Result;
use cutover_store::control::failpoint::Failpoint;
use cutover_store::{Context, Workspace};
use std::path::Path;

/// The child process's orders: `<data dir>|<operation>|<failpoint>`.
const ORDERS: &str = "CUTOVER_INTERRUPTED_CHILD";

fn production_dump(ws: &Workspace) -> Result<Vec<String>> {
    common::dump(&common::store_file(ws, env(ws, "Production")?)?)
}

/// Not a test on its own: the child process the tests below kill at a
/// failpoint (it aborts there).
#[test]
#[ignore = "child process of the interrupted-operation tests"]
fn child_process_stopping_at_a_failpoint() -> Result<()> {
    let (ws, operation, point) = common::child_workspace(ORDERS)?;
    let dir = ws.root().to_path_buf();
    let dir = dir.as_path();
    match operation.as_str() {
        "backup_slowly" => {
            // Paced copies, so the parent can kill the child mid-copy.
            let pace = cutover_store::env_store::sqlite::Pace {
                pages_per_step: 1,
                pause: std::time::Duration::from_millis(20),
            };
            let backend =
                cutover_store::env_store::sqlite::SqliteBackend::new(dir)?.with_pace(pace);
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
        "commit_upgrade" => {
            let run = ws.open_upgrade(env(&ws, "UAT")?)?.expect("an open run");
            ws.commit_upgrade(run.id, &boss(), at(10, 5))?;
        }
        "restore" => {
            let production = env(&ws, "Production")?;
            let backup = ws
                .backups(production)?
                .into_iter()
                .find(|b| b.reason == BackupReason::Manual)
                .expect("a manual backup");
            ws.restore_backup(backup.id, true, &boss(), at(10, 5), &|_| {})?;
        }
        "refresh" => {
            ws.refresh(env(&ws, "UAT")?, &boss(), at(10, 5), &|_| {})?;
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
    common::die_in_child(
        "child_process_stopping_at_a_failpoint",
        ORDERS,
        &format!("{}|{operation}|{point}", dir.display()),
    )
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
    common::assert_whole(&ws)?;
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
    common::assert_whole(&ws)?;
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
    common::assert_whole(&ws)?;
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
    common::assert_whole(&ws)?;
    assert_eq!(ws.backups(production)?.len(), listed);
    assert_eq!(removal_logged(&ws)?, 1);
    Ok(())
}

/// A refresh stopped right after writing production's copy into UAT, by a
/// kill or an error: UAT is production's copy with its copy point, so none
/// of production's changes counts as UAT's own work; the backup taken
/// before it is listed and its file there.
#[test]
fn a_refresh_stopped_after_writing_leaves_a_whole_refreshed_copy() -> Result<()> {
    for mode in ["abort", "error"] {
        let dir = tempfile::tempdir().context("temp dir")?;
        let ws = demo(dir.path())?;
        let (production, uat) = (env(&ws, "Production")?, env(&ws, "UAT")?);
        // Production changes after UAT was copied; UAT has work of its own.
        ws.apply_change(
            production,
            &Change::CreateApp {
                name: "Payroll".into(),
            },
            &boss(),
            at(9, 0),
            true,
        )?;
        ws.apply_change(
            uat,
            &Change::CreateApp {
                name: "Scratch".into(),
            },
            &boss(),
            at(9, 5),
            false,
        )?;
        let guards = ws.backups(uat)?.len();
        if mode == "abort" {
            drop(ws);
            die_at(dir.path(), "refresh", "refresh_written:abort")?;
        } else {
            ws.set_failpoint(Some(Failpoint::parse("refresh_written:error")?));
            ws.refresh(uat, &boss(), at(10, 5), &|_| {})?;
            drop(ws);
        }
        // What a stop during the copy would leave in the temporary folder.
        std::fs::write(
            dir.path().join("tmp").join("refresh-left.sqlite.partial"),
            b"x",
        )
        .context("tmp")?;
        let ws = Workspace::open(dir.path())?;
        ws.recover(at(11, 0))?;
        common::assert_whole(&ws)?;
        assert_eq!(
            std::fs::read_dir(dir.path().join("tmp"))
                .context("tmp")?
                .count(),
            0,
            "{mode}: tmp/ emptied"
        );
        let names = |id| -> Result<Vec<String>> {
            Ok(ws
                .definitions(id)?
                .apps
                .into_iter()
                .map(|a| a.name)
                .collect())
        };
        assert_eq!(
            names(uat)?,
            names(production)?,
            "{mode}: UAT is production's copy"
        );
        assert!(
            ws.store(uat)?.unpromoted_authors()?.is_empty(),
            "{mode}: nothing counted as UAT's own"
        );
        assert_eq!(
            ws.backups(uat)?.len(),
            guards + 1,
            "{mode}: the backup before the refresh"
        );
    }
    Ok(())
}

/// A commit killed right after it was recorded: the run is committed and its
/// restore point released (one transaction), and the next start clears the
/// copy's files, so none is left behind as a store nothing lists.
#[test]
fn an_upgrade_commit_killed_after_recording_it_is_committed_with_its_restore_point_released(
) -> Result<()> {
    let dir = tempfile::tempdir().context("temp dir")?;
    let ws = demo(dir.path())?;
    let uat = env(&ws, "UAT")?;
    let run = rehearse(&ws, uat, at(9, 0))?;
    ws.start_data_upgrade(run.id, &boss(), &|| at(9, 30))?;
    drop(ws);
    die_at(dir.path(), "commit_upgrade", "upgrade_committed:abort")?;

    let ws = Workspace::open(dir.path())?;
    ws.recover(at(11, 0))?;
    common::assert_whole(&ws)?;
    let done = ws.upgrade_run(run.id)?;
    assert_eq!(done.state, cutover_core::upgrade::UpgradeState::Committed);
    let point = ws
        .backups(uat)?
        .into_iter()
        .find(|b| Some(b.id) == done.restore_backup_id)
        .expect("the restore point");
    assert!(point.released_at.is_some(), "released with the commit");
    let copies: Vec<String> = std::fs::read_dir(dir.path().join("environments"))
        .context("environments")?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("upgrade-"))
        .collect();
    assert!(copies.is_empty(), "the copy is cleared: {copies:?}");
    assert_eq!(ws.environment(uat)?.version, "10.0.4");
    Ok(())
}

/// A restore stopped right after writing the backup into production, by a
/// kill or an error: production holds the backup's rows, the backup of its
/// state before the restore is listed, and the whole directory agrees.
#[test]
fn a_restore_stopped_after_writing_leaves_the_restored_state() -> Result<()> {
    for mode in ["abort", "error"] {
        let dir = tempfile::tempdir().context("temp dir")?;
        let ws = demo(dir.path())?;
        let production = env(&ws, "Production")?;
        let backup =
            ws.take_backup(production, BackupReason::Manual, &boss(), at(9, 0), &|_| {})?;
        let saved = production_dump(&ws)?;
        ws.apply_change(
            production,
            &Change::CreateApp {
                name: "Later".into(),
            },
            &boss(),
            at(9, 30),
            true,
        )?;
        assert_ne!(production_dump(&ws)?, saved);
        if mode == "abort" {
            drop(ws);
            die_at(dir.path(), "restore", "restore_written:abort")?;
        } else {
            ws.set_failpoint(Some(Failpoint::parse("restore_written:error")?));
            ws.restore_backup(backup.id, true, &boss(), at(10, 5), &|_| {})?;
            drop(ws);
        }
        let ws = Workspace::open(dir.path())?;
        ws.recover(at(11, 0))?;
        common::assert_whole(&ws)?;
        assert_eq!(
            production_dump(&ws)?,
            saved,
            "{mode}: production holds the backup's rows"
        );
        assert!(
            ws.backups(production)?
                .iter()
                .any(|b| b.reason == BackupReason::BeforeRestore),
            "{mode}: the state before the restore is kept"
        );
    }
    Ok(())
}
