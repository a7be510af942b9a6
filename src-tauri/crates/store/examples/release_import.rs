//! How an import's time grows with the catalog: imports `RELEASES`
//! (default 100) signed packages of `NOTES` (default 150) notes each into
//! a fresh demo account and prints the time of the first and the last
//! imports; then imports one package with a 7 MiB note and times the next
//! import after it. The index is updated per import (release_index.rs), so
//! the last import should take about as long as the first.
//!
//!   cargo run --release -p cutover-store --example release_import [RELEASES] [NOTES]

use chrono::{TimeZone, Utc};
use cutover_core::Result;
use cutover_package::{build, sign};
use cutover_store::{demo, Context, Workspace};
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn main() -> Result<()> {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let releases = args.first().copied().unwrap_or(100);
    let per = args.get(1).copied().unwrap_or(150);
    let dir = tempfile::tempdir().context("temp dir")?;
    let ws = Workspace::open(dir.path())?;
    let now = Utc
        .with_ymd_and_hms(2026, 11, 23, 9, 0, 0)
        .single()
        .unwrap_or_default();
    let account = demo::ensure_demo(&ws, now)?.unwrap_or_default();
    let demo_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../packages/demo");
    let key = sign::parse_signing_key(
        &std::fs::read_to_string(demo_dir.join("vendor-demo.key")).context("key")?,
    )?;
    let base = build::read_folder(&demo_dir.join("10.0.4"))?;
    let admin = ws.current_admin(now)?;
    let package = |version: String, notes: String| -> Result<Vec<u8>> {
        let mut files = base.clone();
        let mut manifest: serde_json::Value =
            serde_json::from_slice(&files[0].1).context("manifest")?;
        manifest["version"] = version.into();
        manifest["required_hotfixes"] = serde_json::json!([]);
        files[0].1 = serde_json::to_vec(&manifest).context("manifest")?;
        files[1].1 = notes.into_bytes();
        build::build(&files, &key)
    };
    let notes = |r: usize| -> String {
        (0..per)
            .map(|i| {
                format!("# Item {i} of release {r}\narea: Platform\nkind: fix\n\nThe webhook retry and the timesheet approval changed in release {r}, item {i}.\n\n")
            })
            .collect()
    };
    let mut times: Vec<Duration> = Vec::new();
    for r in 0..releases {
        let bytes = package(format!("11.{r}.0"), notes(r))?;
        let t = Instant::now();
        ws.import_release(account, &bytes, &admin, now)?;
        times.push(t.elapsed());
    }
    let median = |s: &[Duration]| {
        let mut v = s.to_vec();
        v.sort();
        v[v.len() / 2].as_secs_f64() * 1e3
    };
    let (first, last) = (median(&times[..5]), median(&times[releases - 5..]));
    println!(
        "{releases} imports of {per} notes: first 5 median {first:.1} ms, last 5 median {last:.1} ms, ratio {:.2}",
        last / first
    );
    let big = format!(
        "# A very long note\narea: Platform\nkind: change\n\n{}\n",
        "word ".repeat(7 * 1024 * 1024 / 5)
    );
    ws.import_release(
        account,
        &package(format!("11.{releases}.0"), big)?,
        &admin,
        now,
    )?;
    let bytes = package(format!("11.{}.0", releases + 1), notes(releases + 1))?;
    let t = Instant::now();
    ws.import_release(account, &bytes, &admin, now)?;
    println!(
        "after a 7 MiB note: the next import took {:.1} ms",
        t.elapsed().as_secs_f64() * 1e3
    );
    Ok(())
}
