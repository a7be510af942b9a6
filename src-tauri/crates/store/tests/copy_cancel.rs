//! Stopping a refresh or a restore while it may still be stopped: the
//! environment is exactly as it was (every row), no copy of production is
//! left in the temporary folder, and the backups folder and list hold only
//! what the message says was kept. Once replacing starts, the progress says
//! it can no longer be stopped. A new sandbox stopped while it copies is
//! not made: no row, no store, no partial file.

mod common;

use common::{backup_files, boss, dump, env, instant as at, store_file};
use cutover_core::backup::{BackupReason, CopyProgress, CopyStage};
use cutover_core::environment::EnvironmentKind;
use cutover_core::{ErrorKind, Result};
use cutover_store::{NewEnvironment, Workspace};
use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, Ordering};

fn employees_of(ws: &Workspace, id: i64) -> Result<i64> {
    Ok(ws
        .definitions(id)?
        .tables
        .iter()
        .find(|t| t.name == "Employees")
        .expect("the demo has Employees")
        .id)
}

/// A progress callback that records what it saw and sets `stop` at the
/// second report of `stage`.
fn stopping_at<'a>(
    stage: CopyStage,
    stop: &'a AtomicBool,
    seen: &'a RefCell<Vec<CopyProgress>>,
) -> impl Fn(CopyProgress) + 'a {
    move |p| {
        seen.borrow_mut().push(p);
        let in_stage = seen.borrow().iter().filter(|s| s.stage == stage).count();
        if in_stage == 2 {
            stop.store(true, Ordering::Relaxed);
        }
    }
}

#[test]
fn a_refresh_stopped_while_backing_up_or_copying_changes_nothing() -> Result<()> {
    let (_dir, ws) = common::paced_demo()?;
    let target = env(&ws, "Promotable sandbox")?;
    let now = at("2026-11-02T09:00:00Z");
    // The sandbox holds a record production does not, so a refresh shows.
    let employees = employees_of(&ws, target)?;
    ws.insert_record(target, employees, &[], &boss(), now)?;
    let before = dump(&store_file(&ws, target)?)?;

    // Stopped while the target is backed up: nothing kept at all.
    let (stop, seen) = (AtomicBool::new(false), RefCell::new(Vec::new()));
    let err = ws
        .refresh_until(
            target,
            &boss(),
            now,
            &stopping_at(CopyStage::BackingUp, &stop, &seen),
            &stop,
        )
        .expect_err("stopped");
    assert_eq!(err.kind, ErrorKind::Cancelled, "{}", err.message);
    assert!(err.message.contains("nothing was kept"), "{}", err.message);
    assert!(seen
        .borrow()
        .iter()
        .all(|p| p.stage == CopyStage::BackingUp && p.cancellable));
    assert!(ws.backups(target)?.is_empty());
    assert_eq!(backup_files(&ws)?, (vec![], vec![]));
    assert!(
        dump(&store_file(&ws, target)?)? == before,
        "the target is as it was"
    );
    assert!(
        common::tmp_files(&ws).is_empty(),
        "{:?}",
        common::tmp_files(&ws)
    );
    common::assert_whole(&ws)?;

    // Stopped while production is copied: the target as it was, its
    // complete backup kept (and said so), no copy of production left.
    let (stop, seen) = (AtomicBool::new(false), RefCell::new(Vec::new()));
    let err = ws
        .refresh_until(
            target,
            &boss(),
            now,
            &stopping_at(CopyStage::Copying, &stop, &seen),
            &stop,
        )
        .expect_err("stopped");
    assert_eq!(err.kind, ErrorKind::Cancelled, "{}", err.message);
    let kept = ws.backups(target)?;
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].reason, BackupReason::BeforeRefresh);
    assert!(
        err.message.contains(&format!("#{}", kept[0].id)),
        "{}",
        err.message
    );
    assert_eq!(backup_files(&ws)?.0.len(), 1, "{:?}", backup_files(&ws)?);
    assert!(
        dump(&store_file(&ws, target)?)? == before,
        "the target is as it was"
    );
    assert!(
        common::tmp_files(&ws).is_empty(),
        "{:?}",
        common::tmp_files(&ws)
    );
    common::assert_whole(&ws)?;

    // Not stopped: backing up, copying, then replacing, which alone is not
    // cancellable; the target now holds production's content.
    let seen = RefCell::new(Vec::new());
    ws.refresh_until(
        target,
        &boss(),
        now,
        &|p| seen.borrow_mut().push(p),
        &AtomicBool::new(false),
    )?;
    let mut stages: Vec<(CopyStage, bool)> = seen
        .borrow()
        .iter()
        .map(|p| (p.stage, p.cancellable))
        .collect();
    stages.dedup();
    assert_eq!(
        stages,
        [
            (CopyStage::BackingUp, true),
            (CopyStage::Copying, true),
            (CopyStage::Replacing, false)
        ]
    );
    assert!(
        dump(&store_file(&ws, target)?)? != before,
        "the target was refreshed"
    );
    assert!(common::tmp_files(&ws).is_empty());
    common::assert_whole(&ws)
}

#[test]
fn a_restore_stopped_while_backing_up_changes_nothing() -> Result<()> {
    let (_dir, ws) = common::paced_demo()?;
    let production = env(&ws, "Production")?;
    let now = at("2026-11-02T09:00:00Z");
    let manual = ws.take_backup(production, BackupReason::Manual, &boss(), now, &|_| {})?;
    // Production moves on after the backup, so a restore would change it.
    let employees = employees_of(&ws, production)?;
    ws.insert_record(production, employees, &[], &boss(), now)?;
    let before = dump(&store_file(&ws, production)?)?;
    let files = backup_files(&ws)?;

    let (stop, seen) = (AtomicBool::new(false), RefCell::new(Vec::new()));
    let err = ws
        .restore_backup_until(
            manual.id,
            false,
            &boss(),
            now,
            &stopping_at(CopyStage::BackingUp, &stop, &seen),
            &stop,
        )
        .expect_err("stopped");
    assert_eq!(err.kind, ErrorKind::Cancelled, "{}", err.message);
    assert!(
        err.message.contains("Production is unchanged"),
        "{}",
        err.message
    );
    assert_eq!(ws.backups(production)?, vec![manual.clone()]);
    assert_eq!(backup_files(&ws)?, files);
    assert!(
        dump(&store_file(&ws, production)?)? == before,
        "production is as it was"
    );
    common::assert_whole(&ws)?;

    // Not stopped: backed up, then replaced (not cancellable).
    let seen = RefCell::new(Vec::new());
    ws.restore_backup_until(
        manual.id,
        false,
        &boss(),
        now,
        &|p| seen.borrow_mut().push(p),
        &AtomicBool::new(false),
    )?;
    let mut stages: Vec<(CopyStage, bool)> = seen
        .borrow()
        .iter()
        .map(|p| (p.stage, p.cancellable))
        .collect();
    stages.dedup();
    assert_eq!(
        stages,
        [(CopyStage::BackingUp, true), (CopyStage::Replacing, false)]
    );
    assert!(
        dump(&store_file(&ws, production)?)? != before,
        "production was restored"
    );
    common::assert_whole(&ws)
}

#[test]
fn a_new_sandbox_stopped_while_copying_is_not_made() -> Result<()> {
    let (_dir, ws) = common::paced_demo()?;
    let production = env(&ws, "Production")?;
    let now = at("2026-11-02T09:00:00Z");
    let environments = ws.overview()?[0].environments.len();
    let folder = || -> Vec<String> {
        std::fs::read_dir(ws.root().join("environments"))
            .map(|d| {
                d.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default()
    };
    let files = folder();
    let request = NewEnvironment {
        source_id: production,
        name: "HR sandbox".into(),
        kind: EnvironmentKind::Sandbox,
    };

    let (stop, seen) = (AtomicBool::new(false), RefCell::new(Vec::new()));
    let err = ws
        .create_copy_until(
            &request,
            &boss(),
            now,
            &stopping_at(CopyStage::Copying, &stop, &seen),
            &stop,
        )
        .expect_err("stopped");
    assert_eq!(err.kind, ErrorKind::Cancelled, "{}", err.message);
    assert!(
        err.message.contains("HR sandbox was not created"),
        "{}",
        err.message
    );
    assert_eq!(ws.overview()?[0].environments.len(), environments);
    assert_eq!(folder(), files, "no store and no partial copy left");
    let (on_disk, recorded) = common::store_files(&ws)?;
    assert_eq!(on_disk, recorded);
    common::assert_whole(&ws)?;

    // Not stopped, the same request makes it, reporting its copy.
    let seen = RefCell::new(Vec::new());
    let made = ws.create_copy_until(
        &request,
        &boss(),
        now,
        &|p| seen.borrow_mut().push(p),
        &AtomicBool::new(false),
    )?;
    assert_eq!(made.name, "HR sandbox");
    assert!(seen.borrow().len() > 1, "progress reported step by step");
    assert!(seen.borrow().iter().all(|p| p.stage == CopyStage::Copying));
    common::assert_whole(&ws)
}
