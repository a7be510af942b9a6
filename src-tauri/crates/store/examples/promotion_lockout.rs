//! How long production is locked by a promotion, by production's size and
//! backend.
//!
//! For each size (default 10 and 100 MB; pass e.g. `10 100 1000`) and each
//! backend (SQLite always; a PostgreSQL server too when
//! `CUTOVER_TEST_PG_DIR` names one started with `scripts/pg-server.sh`),
//! makes an account whose production has an Incidents table (rows of about
//! 1 kB) and an Employees table, grows Incidents to about that size, adds 20
//! fields to Employees in a promotable sandbox and promotes, three times
//! over, and reports the lockout (lock to unlock, as recorded on the
//! promotion; median and worst) and the whole promotion (median; the dry
//! run on a copy and the backup come before the lock).
//!
//! ```text
//! [CUTOVER_TEST_PG_DIR=/tmp/cutover-pg] \
//!   cargo run --release -p cutover-store --example promotion_lockout [MB ...]
//! ```

use chrono::Utc;
use cutover_core::account::NewAccount;
use cutover_core::admin::Admin;
use cutover_core::change::Change;
use cutover_core::definitions::FieldType;
use cutover_core::environment::EnvironmentKind;
use cutover_core::server::{ServerChoice, TlsMode};
use cutover_core::Result;
use cutover_store::{Context, NewEnvironment, Workspace};
use std::time::Instant;

mod common;

fn id_of<T>(items: Vec<T>, pick: impl Fn(&T) -> Option<i64>) -> i64 {
    items.iter().find_map(pick).expect("just made")
}

/// Promotions measured per size, one after the other on the same data.
const ROUNDS: usize = 3;

/// The median lockout and its worst, the median whole promotion, in ms,
/// and the backup's size in MB.
struct Figures {
    lockout: i64,
    worst: i64,
    total: u128,
    backup: u64,
}

fn measure(server: Option<ServerChoice>, mb: u64) -> Result<Figures> {
    let dir = tempfile::tempdir().context("temp dir")?;
    let ws = Workspace::open(dir.path())?;
    let now = Utc::now();
    let (key, _) = cutover_package::sign::generate_signing_key()?;
    let account = ws.create_account(
        &NewAccount {
            name: "Bench".into(),
            platform: "Bench platform".into(),
            platform_version: "1.0.0".into(),
            time_zone: "UTC".into(),
            vendor_name: "Bench".into(),
            vendor_key: cutover_package::sign::public_key_text(&key.verifying_key()),
            your_name: String::new(),
            calendar: None,
            server,
        },
        &ws.current_admin(now)?,
        now,
    )?;
    let admin: Admin = ws.current_admin(now)?;
    let production = ws.overview()?[0].environments[0].environment.id;
    assert_eq!(ws.overview()?[0].account.id, account);
    let change = |c: Change| ws.apply_change(production, &c, &admin, Utc::now(), true);
    change(Change::CreateApp {
        name: "Operations".into(),
    })?;
    let app = id_of(ws.definitions(production)?.apps, |a| Some(a.id));
    for table in ["Incidents", "Employees"] {
        change(Change::CreateTable {
            app_id: app,
            name: table.into(),
        })?;
    }
    let table = |env, name: &str| -> Result<i64> {
        Ok(id_of(ws.definitions(env)?.tables, |t| {
            (t.name == name).then_some(t.id)
        }))
    };
    let incidents = table(production, "Incidents")?;
    for (name, field_type) in [
        ("Summary", FieldType::Text),
        ("Cost", FieldType::Number),
        ("Open", FieldType::Boolean),
    ] {
        change(Change::AddField {
            table_id: incidents,
            name: name.into(),
            field_type,
        })?;
    }
    let sandbox = ws
        .create_copy(
            &NewEnvironment {
                source_id: production,
                name: "Sandbox".into(),
                kind: EnvironmentKind::Promotable,
            },
            &admin,
            Utc::now(),
        )?
        .id;

    let mut store = ws.store(production)?;
    let batch = common::kilobyte_rows();
    while store.stats()?.size_bytes < mb * 1_048_576 {
        store.insert_records(incidents, &batch)?;
    }
    drop(store);

    let employees = table(sandbox, "Employees")?;
    let (mut lockouts, mut totals) = (Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        for i in 0..20 {
            let change = Change::AddField {
                table_id: employees,
                name: format!("Extra {round}.{i}"),
                field_type: FieldType::Text,
            };
            ws.apply_change(sandbox, &change, &admin, Utc::now(), false)?;
        }
        let start = Instant::now();
        let done = ws.promote(sandbox, &[], "Production", &admin, &Utc::now, &|_| {})?;
        totals.push(start.elapsed().as_millis());
        lockouts.push(match (done.locked_at, done.unlocked_at) {
            (Some(a), Some(b)) => (b - a).num_milliseconds(),
            _ => -1,
        });
    }
    let backup = ws.backups(production)?.first().map_or(0, |b| b.size_bytes) / 1_048_576;
    lockouts.sort_unstable();
    totals.sort_unstable();
    Ok(Figures {
        lockout: lockouts[ROUNDS / 2],
        worst: lockouts[ROUNDS - 1],
        total: totals[ROUNDS / 2],
        backup,
    })
}

fn main() -> Result<()> {
    let sizes: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![10, 100]
    } else {
        sizes
    };
    let server = common::server_dir();
    println!(
        "{:<11} {:>6} {:>12} {:>10} {:>14} {:>10}",
        "backend", "MB", "lockout ms", "worst ms", "promotion ms", "backup MB"
    );
    let show = |backend: &str, mb: u64, f: Figures| {
        println!(
            "{backend:<11} {mb:>6} {:>12} {:>10} {:>14} {:>10}",
            f.lockout, f.worst, f.total, f.backup
        )
    };
    for mb in sizes {
        show("SQLite", mb, measure(None, mb)?);
        let Some(server) = &server else { continue };
        let db = common::Database::new(server, &format!("cutover_lockout_{mb}"))?;
        let figures = measure(
            Some(ServerChoice {
                url: db.url.clone(),
                tls: TlsMode::Disable,
                ca_file: None,
                password: String::new(),
                remember: false,
            }),
            mb,
        )?;
        show("PostgreSQL", mb, figures);
    }
    Ok(())
}
