//! Moving a whole environment between this computer and a server
//! (`env_store::whole::transfer`): a SQLite store of about `MB` megabytes
//! (default 100; one table of about 1 kB rows, and a changelog of 1,000
//! entries) moved to the server, then back to a new SQLite store, best of
//! `RUNS` (default 2) each way.
//!
//! ```text
//! CUTOVER_TEST_PG_DIR=/tmp/cutover-pg \
//!   cargo run --release -p cutover-store --example environment_move [MB] [RUNS]
//! ```

use chrono::{TimeZone, Utc};
use cutover_core::change::Change;
use cutover_core::definitions::FieldType;
use cutover_core::Result;
use cutover_store::env_store::sqlite::SqliteBackend;
use cutover_store::env_store::whole::transfer;
use cutover_store::env_store::StoreBackend;
use cutover_store::Context;

mod common;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let mb: u64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(100);
    let runs: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(2);
    let server = common::server_dir().ok_or_else(|| {
        cutover_core::Error::invalid(
            "Set CUTOVER_TEST_PG_DIR (bash scripts/pg-server.sh start DIR).",
        )
    })?;
    let dir = tempfile::tempdir().context("temp dir")?;
    let local = SqliteBackend::new(dir.path())?;
    let db = common::Database::new(&server, "cutover_move")?;
    let remote = db.backend();

    let mut store = local.create("prod", "10.0.1")?;
    let table = common::bench_table(store.as_mut())?;
    let at = Utc
        .with_ymd_and_hms(2026, 12, 2, 9, 0, 0)
        .single()
        .expect("an instant");
    for i in 0..1_000 {
        let change = Change::AddField {
            table_id: table,
            name: format!("Note {i}"),
            field_type: FieldType::Text,
        };
        let entry = store.apply(&change, "Priya", at)?;
        store.apply(
            &Change::DeleteField {
                field_id: entry.entity_id,
            },
            "Priya",
            at,
        )?;
    }
    common::fill_to(store.as_mut(), table, mb, &common::store_size)?;
    let stats = store.stats()?;
    let size = stats.size_bytes as f64 / 1_048_576.0;
    println!(
        "SQLite store: {size:.0} MiB, {} records, 2,000 changelog entries",
        stats.record_count
    );

    let to_server = common::best_of(runs, |_| {
        let mut target = remote.create("moved", "")?;
        transfer(store.as_ref(), target.as_mut(), &|_| ())?;
        drop(target);
        remote.discard("moved")
    })?;
    let mut target = remote.create("moved", "")?;
    transfer(store.as_ref(), target.as_mut(), &|_| ())?;
    let back = common::best_of(runs, |_| {
        let mut home = local.create("home", "")?;
        transfer(target.as_ref(), home.as_mut(), &|_| ())?;
        drop(home);
        local.discard("home")
    })?;
    for (way, d) in [
        ("this computer → server", to_server),
        ("server → this computer", back),
    ] {
        println!(
            "  {way:<24} {:>7.1} s {:>6.1} MiB/s",
            d.as_secs_f64(),
            size / d.as_secs_f64()
        );
    }
    drop(target);
    remote.discard("moved")
}
