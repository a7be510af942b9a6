//! How fast the Changelog screen's filters answer on a large changelog.
//!
//! Fills an environment store's changelog with `N` entries (default
//! 100,000) spread over a year, five authors, four apps, every entity kind
//! and action, then times each filter the screen offers (a page of 50 and
//! the total of matches), median, p95 and worst of `RUNS` (default 30), and the
//! summary every page also shows (the author list and the unpromoted
//! entries per author, which do not depend on the filter).
//!
//! With `CUTOVER_TEST_PG_DIR` naming a server started by
//! `scripts/pg-server.sh`, the same entries are measured on it too.
//!
//!   [CUTOVER_TEST_PG_DIR=/tmp/cutover-pg] \
//!   cargo run --release -p cutover-store --example changelog_filter [N] [RUNS]

use chrono::{DateTime, Duration as Span, NaiveDate, TimeZone, Utc};
use cutover_core::changelog::{ChangeAction, ChangelogQuery, EntityKind};
use cutover_core::Result;
use cutover_store::env_store::sqlite::SqliteBackend;
use cutover_store::env_store::{EnvironmentStore, StoreBackend};
use cutover_store::Context;
use rusqlite::params;
use std::time::{Duration, Instant};

mod common;

const AUTHORS: [&str; 5] = [
    "Alex Morgan",
    "Priya Shah",
    "Sam Lee",
    "Jo Park",
    "Ana Ruiz",
];
const KINDS: [&str; 4] = ["app", "table", "field", "view"];
const ACTIONS: [&str; 7] = [
    "create",
    "share",
    "rename",
    "retype",
    "delete",
    "set_options",
    "edit",
];

/// One generated entry: when, who, what, and the app it belongs to.
struct Entry {
    at: DateTime<Utc>,
    author: &'static str,
    kind: &'static str,
    entity: i64,
    action: &'static str,
    app: i64,
}

const BEFORE: &str = r#"{"id":1,"name":"Before","fieldType":{"type":"text"}}"#;
const AFTER: &str = r#"{"id":1,"name":"After","fieldType":{"type":"number"}}"#;

/// `n` entries spread over a year, the same on every run and backend.
fn entries(n: u32) -> impl Iterator<Item = Entry> {
    let start: DateTime<Utc> = Utc
        .with_ymd_and_hms(2025, 11, 23, 0, 0, 0)
        .single()
        .unwrap_or_default();
    let step = Span::seconds(365 * 24 * 3600 / i64::from(n));
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..n).map(move |i| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let r = x;
        Entry {
            at: start + step * i as i32,
            author: AUTHORS[(r % 5) as usize],
            kind: KINDS[(r / 5 % 4) as usize],
            entity: (r / 20 % 5000) as i64,
            action: ACTIONS[(r / 100_000 % 7) as usize],
            app: (r / 7 % 4 + 1) as i64,
        }
    })
}

fn fill(path: &std::path::Path, n: u32) -> Result<()> {
    let mut conn = rusqlite::Connection::open(path).context("opening the store")?;
    let tx = conn.transaction().context("tx")?;
    for e in entries(n) {
        tx.execute(
            "INSERT INTO platform_changelog (at, author, entity_kind, entity_id, entity_name, action, before, after)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                e.at,
                e.author,
                e.kind,
                e.entity,
                format!("Entity {}", e.entity),
                e.action,
                BEFORE,
                AFTER,
            ],
        )
        .context("inserting an entry")?;
        let seq = tx.last_insert_rowid();
        tx.execute(
            "INSERT INTO platform_changelog_apps (app_id, seq) VALUES (?1, ?2)",
            params![e.app, seq],
        )
        .context("inserting an app link")?;
    }
    tx.commit().context("commit")?;
    conn.execute_batch("ANALYZE;").context("analyze")
}

/// The same entries into environment `bench` on a server, by `COPY`.
fn fill_server(db: &common::Database, n: u32) -> Result<()> {
    use std::fmt::Write as _;
    use std::io::Write as _;
    let (mut changes, mut apps) = (String::new(), String::new());
    for (i, e) in entries(n).enumerate() {
        let seq = i + 1;
        let _ = writeln!(
            changes,
            "{seq}\t{}\t{}\t{}\t{}\tEntity {}\t{}\t{BEFORE}\t{AFTER}",
            e.at.to_rfc3339(),
            e.author,
            e.kind,
            e.entity,
            e.entity,
            e.action
        );
        let _ = writeln!(apps, "{}\t{seq}", e.app);
    }
    let mut client = db.connect()?;
    for (sql, rows) in [
        ("COPY env_bench.platform_changelog (seq, at, author, entity_kind, entity_id, entity_name, action, before, after) FROM STDIN", changes),
        ("COPY env_bench.platform_changelog_apps (app_id, seq) FROM STDIN", apps),
    ] {
        let mut writer = client.copy_in(sql).context("filling the changelog")?;
        writer.write_all(rows.as_bytes()).context("filling the changelog")?;
        writer.finish().context("filling the changelog")?;
    }
    client
        .batch_execute(
            "SELECT setval(pg_get_serial_sequence('env_bench.platform_changelog', 'seq'), max(seq))
             FROM env_bench.platform_changelog;
",
        )
        .context("filling the changelog")?;
    // What the server's autovacuum does after a bulk insert, done first so
    // that it does not run during the measurement.
    for table in ["platform_changelog", "platform_changelog_apps"] {
        client
            .batch_execute(&format!("VACUUM ANALYZE env_bench.{table}"))
            .context("vacuuming the changelog")?;
    }
    Ok(())
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let n: u32 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let runs: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(30);
    let dir = tempfile::tempdir().context("temp dir")?;
    let backend = SqliteBackend::new(dir.path())?;
    drop(backend.create("bench", "10.0.1")?);
    fill(&backend.path_of("bench"), n)?;
    if std::env::var_os("CHANGELOG_BENCH_PLAN").is_some() {
        let conn = rusqlite::Connection::open(backend.path_of("bench")).context("open")?;
        for sql in [
            "SELECT count(*) FROM platform_changelog c WHERE c.entity_kind = 'view' AND c.action = 'retype'",
            "SELECT count(*) FROM platform_changelog c JOIN platform_changelog_apps a ON a.seq = c.seq WHERE c.author = 'Ana Ruiz' AND c.at >= '2026-01-01' AND c.at < '2026-07-01' AND a.app_id = 2 AND c.entity_kind = 'table' AND c.action = 'rename'",
        ] {
            let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).context("plan")?;
            let rows: Vec<String> = stmt.query_map([], |r| r.get(3)).context("plan")?.collect::<rusqlite::Result<_>>().context("plan")?;
            println!("{sql}\n  {rows:?}");
        }
    }
    if let Ok(keep) = std::env::var("CHANGELOG_BENCH_KEEP") {
        std::fs::copy(backend.path_of("bench"), keep).context("keeping the bench store")?;
    }
    println!("SQLite");
    measure(&*backend.open("bench")?, n, runs)?;
    if let Some(server) = common::server_dir() {
        let db = common::Database::new(&server, "cutover_changelog")?;
        let backend = db.backend();
        drop(backend.create("bench", "10.0.1")?);
        fill_server(&db, n)?;
        println!("PostgreSQL");
        measure(&*backend.open("bench")?, n, runs)?;
    }
    Ok(())
}

/// Times each filter, then the summary, on `store`.
fn measure(store: &dyn EnvironmentStore, n: u32, runs: usize) -> Result<()> {
    let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d);
    let base = ChangelogQuery {
        limit: 50,
        ..Default::default()
    };
    let cases: Vec<(&str, ChangelogQuery)> = vec![
        ("no filter, first page", base.clone()),
        (
            "no filter, last page",
            ChangelogQuery {
                offset: n.saturating_sub(50),
                ..base.clone()
            },
        ),
        (
            "author",
            ChangelogQuery {
                author: Some("Sam Lee".into()),
                ..base.clone()
            },
        ),
        (
            "one week",
            ChangelogQuery {
                from: day(3, 23),
                to: day(3, 29),
                ..base.clone()
            },
        ),
        (
            "app",
            ChangelogQuery {
                app_id: Some(3),
                ..base.clone()
            },
        ),
        (
            "kind + action",
            ChangelogQuery {
                entity_kind: Some(EntityKind::View),
                action: Some(ChangeAction::Retype),
                ..base.clone()
            },
        ),
        (
            "author + month + kind",
            ChangelogQuery {
                author: Some("Jo Park".into()),
                from: day(5, 1),
                to: day(5, 31),
                entity_kind: Some(EntityKind::Field),
                ..base.clone()
            },
        ),
        (
            "all five filters",
            ChangelogQuery {
                author: Some("Ana Ruiz".into()),
                from: day(1, 1),
                to: day(6, 30),
                app_id: Some(2),
                entity_kind: Some(EntityKind::Table),
                action: Some(ChangeAction::Rename),
                ..base.clone()
            },
        ),
    ];
    println!("{n} entries, {runs} runs each; a page of 50 and the total of matches");
    println!(
        "{:<34} {:>8} {:>10} {:>8} {:>10}",
        "filter", "matches", "median ms", "p95 ms", "worst ms"
    );
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    // The run 95% of runs were no slower than (times sorted).
    let p95 = |times: &[Duration]| ms(times[(times.len() * 95).div_ceil(100) - 1]);
    for (name, q) in cases {
        let filter = q.resolve("Europe/London")?;
        let mut times: Vec<Duration> = Vec::with_capacity(runs);
        let mut total = String::new();
        for _ in 0..runs {
            let start = Instant::now();
            let (_, matches) = store.changelog(&filter)?;
            times.push(start.elapsed());
            total = format!(
                "{}{}",
                if matches.estimated { "~" } else { "" },
                matches.count
            );
        }
        times.sort();
        println!(
            "{name:<34} {total:>8} {:>10.2} {:>8.2} {:>10.2}",
            ms(times[runs / 2]),
            p95(&times),
            ms(times[runs - 1])
        );
    }
    let mut times: Vec<Duration> = Vec::with_capacity(runs);
    let mut authors = 0;
    for _ in 0..runs {
        let start = Instant::now();
        authors = store.changelog_authors()?.len();
        let unpromoted = store.unpromoted_authors()?;
        times.push(start.elapsed());
        assert_eq!(unpromoted.len(), authors);
    }
    times.sort();
    println!(
        "{:<34} {authors:>8} {:>10.2} {:>8.2} {:>10.2}",
        "summary: authors, unpromoted each",
        ms(times[runs / 2]),
        p95(&times),
        ms(times[runs - 1])
    );
    Ok(())
}
