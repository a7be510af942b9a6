//! Making the demo's production bigger for trying long jobs.

mod common;

use common::desk;
use cutover_core::{ErrorKind, Result};
use cutover_store::{demo, Workspace};
use std::cell::Cell;

#[test]
fn the_demo_production_grows_to_the_size_asked_and_only_production() -> Result<()> {
    let d = desk()?;
    let before = d.ws.store(d.production)?.stats()?;
    let uat_before = d.ws.store(d.uat)?.stats()?.record_count;
    let heard = Cell::new(0u64);
    let size = demo::grow_production(&d.ws, 8 * 1_048_576, &|s| heard.set(s))?;
    let after = d.ws.store(d.production)?.stats()?;
    assert!((8 * 1_048_576..16 * 1_048_576).contains(&size), "{size}");
    assert!(after.size_bytes >= 4 * 1_048_576, "{}", after.size_bytes);
    assert!(heard.get() > before.size_bytes, "progress was reported");
    assert!(after.record_count > before.record_count + 1_000);
    assert_eq!(after.app_count, before.app_count + 1, "one new app");
    assert_eq!(d.ws.store(d.uat)?.stats()?.record_count, uat_before);
    // Already as big: nothing more is added, and the app is not made twice.
    demo::grow_production(&d.ws, 1_048_576, &|_| {})?;
    let again = d.ws.store(d.production)?.stats()?;
    assert_eq!(
        (again.record_count, again.app_count),
        (after.record_count, after.app_count)
    );
    common::assert_whole(&d.ws)?;
    Ok(())
}

#[test]
fn without_a_demo_it_says_so() -> Result<()> {
    let dir = tempfile::tempdir().map_err(|e| cutover_core::Error::internal(e.to_string()))?;
    let ws = Workspace::open(dir.path())?;
    let err = demo::grow_production(&ws, 1_048_576, &|_| {}).expect_err("no demo");
    assert_eq!(err.kind, ErrorKind::NotFound);
    assert!(
        err.message.contains("choose the demo first"),
        "{}",
        err.message
    );
    Ok(())
}
