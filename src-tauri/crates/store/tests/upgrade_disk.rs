//! An upgrade rehearsal keeps on disk only what it needs: the parallel
//! copy and the snapshot the last package's rollback needs, not one
//! snapshot per package; a package applied before the last cannot then be
//! rolled back alone, and saying so changes nothing.

mod common;

use common::{at, boss, demo, env, rehearse};
use cutover_core::upgrade::PackageState;
use cutover_core::{ErrorKind, Result};
use cutover_store::Context;

fn snapshots(dir: &std::path::Path) -> Result<Vec<String>> {
    Ok(std::fs::read_dir(dir.join("environments"))
        .context("environments")?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("-before-") && n.ends_with(".sqlite"))
        .collect())
}

#[test]
fn a_rehearsal_keeps_one_snapshot_and_only_the_last_package_rolls_back() -> Result<()> {
    let dir = tempfile::tempdir().context("temp dir")?;
    let ws = demo(dir.path())?;
    let uat = env(&ws, "UAT")?;
    let run = rehearse(&ws, uat, at(9, 0))?;
    assert_eq!(run.packages.len(), 4);
    let kept = snapshots(dir.path())?;
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert!(kept[0].ends_with("-before-3.sqlite"), "{kept:?}");

    let run = ws.roll_back_package(run.id, &boss(), at(9, 10))?;
    assert_eq!(run.packages[3].state, PackageState::Pending);
    let before = ws.upgrade_run(run.id)?.packages;
    let e = ws
        .roll_back_package(run.id, &boss(), at(9, 11))
        .expect_err("only the last");
    assert_eq!(e.kind, ErrorKind::Conflict);
    assert!(
        e.message.contains("cancel the run and start again"),
        "{}",
        e.message
    );
    assert_eq!(ws.upgrade_run(run.id)?.packages, before, "nothing changed");
    // Applied again, the package has its snapshot back.
    ws.apply_next_package(run.id, &boss(), &|| at(9, 12))?;
    ws.roll_back_package(run.id, &boss(), at(9, 13))?;
    Ok(())
}
