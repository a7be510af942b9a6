//! Copy, backup and restore throughput of both backends on the same data.
//!
//! Builds an environment of about `MB` megabytes (default 1024) in each
//! backend — a SQLite store in a temporary folder, and a schema on the
//! PostgreSQL server whose directory `CUTOVER_TEST_PG_DIR` names
//! (`bash scripts/pg-server.sh start DIR`) — then times, best of `RUNS`
//! (default 2), the backend operations Cutover uses:
//! - `copy`: a new environment as a consistent online copy;
//! - `take_point`: a backup (the copy, checked and digested);
//! - `restore_point`: an environment replaced by a backup in one transaction;
//! - `figures`: what the dashboard reads of an account's environments at
//!   each refresh (`figures_of`; median of 21, a new connection each time,
//!   as each refresh opens one), beside `stats`, which counts every record.
//!
//! ```text
//! CUTOVER_TEST_PG_DIR=/tmp/cutover-pg \
//!   cargo run --release -p cutover-store --example backends_throughput [MB] [RUNS]
//! ```

use cutover_core::Result;

use cutover_store::env_store::sqlite::SqliteBackend;
use cutover_store::env_store::StoreBackend;
use cutover_store::Context;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

mod common;

/// Fills store `key` with rows of about 1 kB until it holds `mb` megabytes.
fn fill(backend: &dyn StoreBackend, key: &str, mb: u64) -> Result<u64> {
    let mut store = backend.create(key, "10.0.1")?;
    let table = common::bench_table(store.as_mut())?;
    common::fill_to(store.as_mut(), table, mb, &common::store_size)?;
    Ok(store.stats()?.size_bytes)
}

fn measure(name: &str, backend: &dyn StoreBackend, mb: u64, runs: usize) -> Result<()> {
    let never = AtomicBool::new(false);
    let started = Instant::now();
    let bytes = fill(backend, "bench", mb)?;
    let filled = started.elapsed();
    let copy = common::best_of(runs, |_| {
        backend.copy("bench", "bench-copy", &|_| {}, &never)?;
        backend.discard("bench-copy")
    })?;
    let point = backend.take_point("bench", &|_| {}, &never)?;
    let take = common::best_of(runs, |_| {
        let p = backend.take_point("bench", &|_| {}, &never)?;
        backend.drop_point(&p.name)
    })?;
    let restore = common::best_of(runs, |_| {
        backend.restore_point("bench", &point.name, &|_| {})
    })?;
    backend.drop_point(&point.name)?;
    let mut figures: Vec<Duration> = (0..21)
        .map(|_| {
            let start = Instant::now();
            for figures in backend.figures_of(&["bench"])? {
                figures?;
            }
            Ok(start.elapsed())
        })
        .collect::<Result<_>>()?;
    figures.sort();
    let counted = common::best_of(1, |_| backend.open("bench")?.stats().map(|_| ()))?;
    let rate = |d: Duration| bytes as f64 / 1_048_576.0 / d.as_secs_f64();
    println!(
        "{name}: {:.0} MiB (filled in {:.0} s); best of {runs}",
        bytes as f64 / 1_048_576.0,
        filled.as_secs_f64()
    );
    for (op, d) in [
        ("copy", copy),
        ("take_point", take),
        ("restore_point", restore),
    ] {
        println!(
            "  {op:<14} {:>9.1} s {:>8.0} MiB/s",
            d.as_secs_f64(),
            rate(d)
        );
    }
    println!(
        "  figures        {:>9.1} ms (median; worst {:.1} ms), stats {:.0} ms",
        figures[10].as_secs_f64() * 1000.0,
        figures[20].as_secs_f64() * 1000.0,
        counted.as_secs_f64() * 1000.0
    );
    backend.discard("bench")
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let mb: u64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(1024);
    let runs: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(2);

    let dir = tempfile::tempdir().context("temp dir")?;
    measure("SQLite", &SqliteBackend::new(dir.path())?, mb, runs)?;

    let server = common::server_dir().ok_or_else(|| {
        cutover_core::Error::invalid(
            "Set CUTOVER_TEST_PG_DIR (bash scripts/pg-server.sh start DIR).",
        )
    })?;
    let db = common::Database::new(&server, "cutover_bench")?;
    measure("PostgreSQL", &db.backend(), mb, runs)
}
