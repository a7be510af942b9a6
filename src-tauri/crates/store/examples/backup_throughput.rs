//! Backup throughput against `cp` of the same file, in the same run.
//!
//! Builds an environment store of about `MB` megabytes (default 200) in a
//! temporary data directory, then times, best of `RUNS` (default 5):
//! - `cp` of the store file (checkpointed, so the file holds everything),
//!   alone and followed by an fsync of the copy (a backup must be on disk);
//! - the backend's online copy (`write_copy`: SQLite backup API, integrity
//!   check, journal mode switch);
//! - a whole `take_backup` (that, plus SHA-256 and recording it).
//!
//!   cargo run --release -p cutover-store --example backup_throughput [MB] [RUNS]

use chrono::Utc;
use cutover_core::backup::BackupReason;
use cutover_core::Result;
use cutover_store::env_store::sqlite::SqliteBackend;
use cutover_store::env_store::StoreBackend;
use cutover_store::{Context, Workspace};
use std::path::Path;
use std::time::Duration;

mod common;

fn mb_per_s(bytes: u64, d: Duration) -> f64 {
    bytes as f64 / 1_048_576.0 / d.as_secs_f64()
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let target_mb: u64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(200);
    let runs: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(5);
    let dir = tempfile::tempdir().context("temp dir")?;
    let root = dir.path();
    let backend = SqliteBackend::new(root)?;

    let key = "bench";
    let mut store = backend.create(key, "10.0.1")?;
    let table = common::bench_table(store.as_mut())?;
    let store_path = backend.path_of(key);
    common::fill_to(store.as_mut(), table, target_mb, &|_| {
        Ok(std::fs::metadata(&store_path).map(|m| m.len()).unwrap_or(0))
    })?;
    drop(store);
    // Fold the WAL in so that the file `cp` copies is the whole database.
    let conn = rusqlite::Connection::open(&store_path).context("open")?;
    conn.pragma_update(None, "wal_checkpoint", "TRUNCATE")
        .context("checkpoint")?;
    drop(conn);
    let bytes = std::fs::metadata(&store_path).context("size")?.len();

    let out = root.join("out");
    std::fs::create_dir_all(&out).context("out dir")?;
    let cp = common::best_of(runs, |i| {
        let dest = out.join(format!("cp-{i}.sqlite"));
        let status = std::process::Command::new("cp")
            .arg(&store_path)
            .arg(&dest)
            .status()
            .context("cp")?;
        assert!(status.success());
        std::fs::remove_file(dest).context("rm")
    })?;
    let cp_sync = common::best_of(runs, |i| {
        let dest = out.join(format!("cps-{i}.sqlite"));
        let status = std::process::Command::new("cp")
            .arg(&store_path)
            .arg(&dest)
            .status()
            .context("cp")?;
        assert!(status.success());
        std::fs::File::open(&dest)
            .and_then(|f| f.sync_all())
            .context("fsync")?;
        std::fs::remove_file(dest).context("rm")
    })?;
    let online = common::best_of(runs, |i| {
        let dest = out.join(format!("online-{i}.sqlite"));
        backend.write_copy(
            key,
            &dest,
            &|_| {},
            &std::sync::atomic::AtomicBool::new(false),
        )?;
        std::fs::remove_file(dest).context("rm")
    })?;

    // take_backup needs the environment recorded in a control database.
    let ws = Workspace::open(root)?;
    let conn = ws.connect()?;
    conn.execute_batch(
        "INSERT INTO accounts (name, platform, time_zone, created_at) VALUES ('Bench', 'Bench', 'UTC', '2026-01-01T00:00:00Z');
         INSERT INTO environments (account_id, name, kind, version, store_kind, store_key, created_at)
         VALUES (1, 'Production', 'production', '10.0.1', 'sqlite', 'bench', '2026-01-01T00:00:00Z');",
    )
    .context("recording the bench environment")?;
    let taken = common::best_of(runs, |_| {
        let admin = ws.current_admin(Utc::now())?;
        let b = ws.take_backup(1, BackupReason::Manual, &admin, Utc::now(), &|_| {})?;
        ws.delete_backup(b.id, true, &admin, Utc::now())
    })?;

    report(root, bytes, runs, [cp, cp_sync, online, taken]);
    Ok(())
}

fn report(root: &Path, bytes: u64, runs: usize, [cp, cp_sync, online, taken]: [Duration; 4]) {
    println!(
        "store: {:.0} MiB in {}; best of {runs} runs",
        bytes as f64 / 1_048_576.0,
        root.display()
    );
    println!(
        "{:<14} {:>9} {:>10} {:>10} {:>14}",
        "", "ms", "MiB/s", "of cp", "of cp + fsync"
    );
    for (name, d) in [
        ("cp", cp),
        ("cp + fsync", cp_sync),
        ("online copy", online),
        ("take_backup", taken),
    ] {
        println!(
            "{name:<14} {:>9.1} {:>10.0} {:>10.2} {:>14.2}",
            d.as_secs_f64() * 1e3,
            mb_per_s(bytes, d),
            cp.as_secs_f64() / d.as_secs_f64(),
            cp_sync.as_secs_f64() / d.as_secs_f64()
        );
    }
}
