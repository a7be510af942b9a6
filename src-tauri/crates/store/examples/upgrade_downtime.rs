//! Downtime of the data upgrade against the rehearsal's prediction.
//!
//! For each size in megabytes (default 10, 100 and 1000), builds the demo
//! account in a temporary data directory, grows UAT to about that size,
//! rehearses the upgrade to 10.0.4 on the parallel copy (all four packages
//! applied and signed off), then runs the data upgrade and prints the
//! predicted and the measured downtime.
//!
//! Each size runs `UPGRADE_BENCH_RUNS` times (default 3) on a fresh data
//! directory; the table gives the medians and the measured range.
//!
//! With `CUTOVER_TEST_PG_DIR` naming a server started by
//! `scripts/pg-server.sh`, each size runs again with the environments on
//! that server: an account on the demo vendor's platform, its UAT grown to
//! the size, upgraded to 10.0.4 through hotfix 10.0.3 (the two migration
//! packages that have PostgreSQL scripts; the demo's extensions are
//! SQLite's only).
//!
//!   cargo run --release -p cutover-store --example upgrade_downtime [MB ...]

use chrono::Utc;
use cutover_core::admin::{Admin, Role};
use cutover_core::definitions::{FieldType, Value};
use cutover_core::server::{ServerChoice, TlsMode};
use cutover_core::Result;
use cutover_store::{demo, Context, NewEnvironment, Workspace};

mod common;

const PACKAGE: &[u8] = include_bytes!("../../../../packages/demo/northwind-10.0.4.zip");
const HOTFIX: &[u8] = include_bytes!("../../../../packages/demo/northwind-10.0.3.zip");

fn boss() -> Admin {
    Admin {
        id: 1,
        name: "Alex Morgan".into(),
        role: Role::SuperAdmin,
    }
}

fn grow(ws: &Workspace, env: i64, target_mb: u64) -> Result<u64> {
    let mut store = ws.store(env)?;
    let size = || store_size(ws, env);
    let app = store.create_app("Bench")?;
    let table = store.create_table(
        &[app.id],
        "Rows",
        &[("Text", FieldType::Text), ("Number", FieldType::Number)],
    )?;
    let text = "x".repeat(900);
    let batch: Vec<Vec<Value>> = (0..5_000)
        .map(|i| vec![Value::Text(format!("{i} {text}")), Value::Number(i as f64)])
        .collect();
    while size()? < target_mb * 1_048_576 {
        store.insert_records(table.id, &batch)?;
    }
    size()
}

/// What environment `env` takes: its file and write-ahead log on this
/// computer, its schema's relations on a server.
fn store_size(ws: &Workspace, env: i64) -> Result<u64> {
    let key: String = ws
        .connect()?
        .query_row(
            "SELECT store_key FROM environments WHERE id = ?1",
            [env],
            |r| r.get(0),
        )
        .context("store key")?;
    let path = ws.root().join("environments").join(format!("{key}.sqlite"));
    if !path.exists() {
        return Ok(ws.store(env)?.figures()?.size_bytes);
    }
    Ok(["", "-wal"]
        .iter()
        .map(|s| {
            std::fs::metadata(format!("{}{s}", path.display()))
                .map(|m| m.len())
                .unwrap_or(0)
        })
        .sum())
}

/// The UAT to upgrade: the demo's, or on `server` a new account's copy of
/// its production.
fn uat(ws: &Workspace, server: Option<&common::Database>) -> Result<i64> {
    let Some(db) = server else {
        demo::ensure_demo(ws, Utc::now())?;
        let account = ws.accounts()?[0].id;
        ws.import_release(account, PACKAGE, &boss(), Utc::now())?;
        return environment(ws, "UAT");
    };
    let account = ws.create_account(
        &cutover_core::account::NewAccount {
            name: "Northwind on PostgreSQL".into(),
            platform: "Northwind Cloud Platform".into(),
            platform_version: "10.0.1".into(),
            time_zone: "UTC".into(),
            vendor_name: "Northwind".into(),
            vendor_key: include_str!("../../../../packages/demo/vendor-demo.pub")
                .trim()
                .into(),
            your_name: String::new(),
            calendar: None,
            server: Some(ServerChoice {
                url: db.url.clone(),
                tls: TlsMode::Disable,
                ca_file: None,
                password: String::new(),
                remember: false,
            }),
        },
        &boss(),
        Utc::now(),
    )?;
    for package in [HOTFIX, PACKAGE] {
        ws.import_release(account, package, &boss(), Utc::now())?;
    }
    let production = environment(ws, "Production")?;
    Ok(ws
        .create_copy(
            &NewEnvironment {
                source_id: production,
                name: "UAT".into(),
                kind: cutover_core::environment::EnvironmentKind::Uat,
            },
            &boss(),
            Utc::now(),
        )?
        .id)
}

fn environment(ws: &Workspace, name: &str) -> Result<i64> {
    Ok(ws.overview()?[0]
        .environments
        .iter()
        .find(|e| e.environment.name == name)
        .expect("the environment")
        .environment
        .id)
}

/// One run on a fresh data directory (and, on a server, a fresh
/// database): the store's size, the predicted and the measured downtime in
/// milliseconds.
fn once(mb: u64, server: Option<&std::path::Path>) -> Result<(u64, i64, i64)> {
    let dir = tempfile::tempdir().context("temp dir")?;
    let ws = Workspace::open(dir.path())?;
    let db = server
        .map(|s| common::Database::new(s, &format!("cutover_downtime_{mb}")))
        .transpose()?;
    let uat = uat(&ws, db.as_ref())?;
    let bytes = grow(&ws, uat, mb)?;
    let now = || Utc::now();
    let run = ws.start_upgrade(uat, "10.0.4", &boss(), now())?;
    ws.prepare_upgrade(run.id, &now)?;
    for _ in 0..run.packages.len() {
        ws.apply_next_package(run.id, &boss(), &now)?;
        ws.sign_off_package(run.id, &boss(), now())?;
    }
    let predicted = ws.upgrade_run(run.id)?.predicted_ms.unwrap_or(0);
    let done = ws.start_data_upgrade(run.id, &boss(), &now)?;
    if std::env::var_os("UPGRADE_BENCH_LOG").is_some() {
        for line in &done.log {
            eprintln!("{} {}", line.at.format("%H:%M:%S%.3f"), line.message);
        }
    }
    let measured = match (done.data_started_at, done.data_finished_at) {
        (Some(a), Some(b)) => (b - a).num_milliseconds(),
        _ => 0,
    };
    Ok((bytes, i64::from(predicted), measured))
}

fn main() -> Result<()> {
    let sizes: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![10, 100, 1000]
    } else {
        sizes
    };
    let runs: usize = std::env::var("UPGRADE_BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);
    let server = common::server_dir();
    println!("| store | engine | predicted (rehearsal) | measured downtime | measured / predicted | measured range |");
    println!("|---|---|---|---|---|---|");
    let engines = [None].into_iter().chain(server.as_deref().map(Some));
    for (mb, server) in engines.flat_map(|e| sizes.iter().map(move |mb| (*mb, e))) {
        let mut seen = Vec::new();
        let mut bytes = 0;
        for _ in 0..runs {
            let (size, predicted, measured) = once(mb, server)?;
            bytes = size;
            seen.push((predicted, measured));
        }
        let median = |mut v: Vec<i64>| {
            v.sort_unstable();
            v[v.len() / 2]
        };
        let predicted = median(seen.iter().map(|s| s.0).collect());
        let measured = median(seen.iter().map(|s| s.1).collect());
        let low = seen.iter().map(|s| s.1).min().unwrap_or(0);
        let high = seen.iter().map(|s| s.1).max().unwrap_or(0);
        println!(
            "| {:.0} MB | {} | {predicted} ms | {measured} ms | {:.2} | {low}–{high} ms |",
            bytes as f64 / 1_048_576.0,
            if server.is_some() {
                "PostgreSQL"
            } else {
                "SQLite"
            },
            measured as f64 / predicted.max(1) as f64
        );
    }
    Ok(())
}
