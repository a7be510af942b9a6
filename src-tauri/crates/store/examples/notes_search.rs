//! How fast full-text search answers across many imported release notes.
//!
//! Builds `RELEASES` (default 20) signed packages of `N / RELEASES` notes
//! each (default N = 10,000) from a vocabulary of release-note words,
//! imports them through `Workspace::import_release` into a fresh demo
//! account, then times `Workspace::search_notes` (up to 50 hits, ranked,
//! highlighted) for common, rare, prefix and multi-word queries: median
//! and worst of `RUNS` (default 30).
//!
//!   cargo run --release -p cutover-store --example notes_search [N] [RUNS]

use chrono::{TimeZone, Utc};
use cutover_core::Result;
use cutover_package::{build, sign};
use cutover_store::{demo, Context, Workspace};
use std::path::PathBuf;
use std::time::{Duration, Instant};

const AREAS: [&str; 8] = [
    "Projects",
    "HR",
    "Platform",
    "Security",
    "Integrations",
    "Administration",
    "Sales",
    "Finance",
];
const KINDS: [&str; 4] = ["feature", "change", "deprecation", "fix"];
const WORDS: [&str; 48] = [
    "project",
    "timesheet",
    "budget",
    "approval",
    "employee",
    "leave",
    "balance",
    "view",
    "filter",
    "field",
    "record",
    "table",
    "import",
    "export",
    "report",
    "dashboard",
    "session",
    "password",
    "token",
    "signin",
    "webhook",
    "sync",
    "endpoint",
    "payload",
    "retry",
    "schedule",
    "calendar",
    "invoice",
    "quote",
    "discount",
    "currency",
    "permission",
    "role",
    "audit",
    "storage",
    "search",
    "formula",
    "milestone",
    "portfolio",
    "manager",
    "reminder",
    "template",
    "sharing",
    "performance",
    "faster",
    "deprecated",
    "removed",
    "required",
];

fn main() -> Result<()> {
    let args: Vec<u32> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let n = args.first().copied().unwrap_or(10_000);
    let runs = args.get(1).copied().unwrap_or(30);
    let releases = 20;
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
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move |below: usize| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % below as u64) as usize
    };
    let started = Instant::now();
    for r in 0..releases {
        let mut notes = String::new();
        for _ in 0..n / releases {
            let title: Vec<&str> = (0..5).map(|_| WORDS[next(WORDS.len())]).collect();
            let body: Vec<&str> = (0..40).map(|_| WORDS[next(WORDS.len())]).collect();
            notes.push_str(&format!(
                "# {}\narea: {}\nkind: {}\n\n{}.\n\n",
                title.join(" "),
                AREAS[next(AREAS.len())],
                KINDS[next(KINDS.len())],
                body.join(" ")
            ));
        }
        let mut files = base.clone();
        let mut manifest: serde_json::Value =
            serde_json::from_slice(&files[0].1).context("manifest")?;
        manifest["version"] = format!("11.{r}.0").into();
        manifest["required_hotfixes"] = serde_json::json!([]);
        files[0].1 = serde_json::to_vec(&manifest).context("manifest")?;
        files[1].1 = notes.into_bytes();
        ws.import_release(account, &build::build(&files, &key)?, &admin, now)?;
    }
    println!(
        "imported {n} notes in {releases} packages in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    println!("| query | hits | median ms | worst ms |\n| --- | ---: | ---: | ---: |");
    for query in [
        "webhook",
        "timesheet approval",
        "perm",
        "deprecated endpoint token",
        "formula milestone portfolio",
        "nothingmatches",
    ] {
        let mut times: Vec<Duration> = Vec::new();
        let mut hits = 0;
        for _ in 0..runs {
            let t = Instant::now();
            hits = ws.search_notes(account, query)?.len();
            times.push(t.elapsed());
        }
        times.sort();
        println!(
            "| {query} | {hits} | {:.2} | {:.2} |",
            times[times.len() / 2].as_secs_f64() * 1e3,
            times[times.len() - 1].as_secs_f64() * 1e3
        );
    }
    Ok(())
}
