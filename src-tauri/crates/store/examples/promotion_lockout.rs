//! How long production is locked by a promotion, by production's size and
//! backend.
//!
//! For each size (default 10 and 100 MB; pass e.g. `10 100 1000`) and each
//! backend (SQLite always; a PostgreSQL server too when
//! `CUTOVER_TEST_PG_DIR` names one started with `scripts/pg-server.sh`),
//! makes an account whose production has an Incidents table (rows of about
//! 1 kB) and an Employees table, grows Incidents to about that size, adds 20
//! fields to Employees in a promotable sandbox, promotes, and reports the
//! lockout (lock to unlock, as recorded on the promotion) and the whole
//! promotion (the dry run on a copy and the backup come before the lock).
//!
//! ```text
//! [CUTOVER_TEST_PG_DIR=/tmp/cutover-pg] \
//!   cargo run --release -p cutover-store --example promotion_lockout [MB ...]
//! ```

use chrono::Utc;
use cutover_core::account::NewAccount;
use cutover_core::admin::Admin;
use cutover_core::change::Change;
use cutover_core::definitions::{FieldType, Value};
use cutover_core::environment::EnvironmentKind;
use cutover_core::server::{ServerChoice, TlsMode};
use cutover_core::Result;
use cutover_store::env_store::postgres::ServerSettings;
use cutover_store::{Context, NewEnvironment, Workspace};
use std::time::Instant;

/// A throwaway database on the test server, dropped when done.
struct Database {
    admin: ServerSettings,
    url: String,
    name: String,
}

impl Database {
    fn new(dir: &std::path::Path, name: String) -> Result<Self> {
        let url = std::fs::read_to_string(dir.join("url")).context("reading the server's URL")?;
        let (admin, secret) = ServerSettings::from_url(url.trim(), TlsMode::Disable, None)?;
        admin
            .connect(secret.as_ref())?
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .context("making the bench database")?;
        let url = url
            .trim()
            .rsplit_once('/')
            .map(|(base, _)| base)
            .unwrap_or_default();
        Ok(Self {
            url: format!("{url}/{name}"),
            admin: admin.with_database("postgres"),
            name,
        })
    }

    fn drop_it(&self) -> Result<()> {
        let (_, secret) = ServerSettings::from_url(&self.url, TlsMode::Disable, None)?;
        self.admin
            .connect(secret.as_ref())?
            .batch_execute(&format!("DROP DATABASE {} WITH (FORCE)", self.name))
            .context("dropping the bench database")
    }
}

fn id_of<T>(items: Vec<T>, pick: impl Fn(&T) -> Option<i64>) -> i64 {
    items.iter().find_map(pick).expect("just made")
}

/// Lockout and whole promotion, in ms, and the backup's size in MB.
fn measure(server: Option<ServerChoice>, mb: u64) -> Result<(i64, u128, u64)> {
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
    let text = "x".repeat(900);
    let batch: Vec<Vec<Value>> = (0..10_000)
        .map(|i| {
            vec![
                Value::Text(format!("{i} {text}")),
                Value::Number(i as f64),
                Value::Bool(i % 2 == 0),
            ]
        })
        .collect();
    while store.stats()?.size_bytes < mb * 1_048_576 {
        store.insert_records(incidents, &batch)?;
    }
    drop(store);

    let employees = table(sandbox, "Employees")?;
    for i in 0..20 {
        let change = Change::AddField {
            table_id: employees,
            name: format!("Extra {i}"),
            field_type: FieldType::Text,
        };
        ws.apply_change(sandbox, &change, &admin, Utc::now(), false)?;
    }
    let start = Instant::now();
    let done = ws.promote(sandbox, &[], "Production", &admin, &Utc::now, &|_| {})?;
    let total = start.elapsed().as_millis();
    let lockout = match (done.locked_at, done.unlocked_at) {
        (Some(a), Some(b)) => (b - a).num_milliseconds(),
        _ => -1,
    };
    let backup = ws.backups(production)?.first().map_or(0, |b| b.size_bytes) / 1_048_576;
    Ok((lockout, total, backup))
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
    let server = std::env::var_os("CUTOVER_TEST_PG_DIR").map(std::path::PathBuf::from);
    println!(
        "{:<11} {:>6} {:>12} {:>14} {:>12}",
        "backend", "MB", "lockout ms", "promotion ms", "backup MB"
    );
    for mb in sizes {
        let (lockout, total, backup) = measure(None, mb)?;
        println!(
            "{:<11} {mb:>6} {lockout:>12} {total:>14} {backup:>12}",
            "SQLite"
        );
        let Some(server) = &server else { continue };
        let db = Database::new(
            server,
            format!("cutover_lockout_{}_{mb}", std::process::id()),
        )?;
        let measured = measure(
            Some(ServerChoice {
                url: db.url.clone(),
                tls: TlsMode::Disable,
                ca_file: None,
                password: String::new(),
                remember: false,
            }),
            mb,
        );
        db.drop_it()?;
        let (lockout, total, backup) = measured?;
        println!(
            "{:<11} {mb:>6} {lockout:>12} {total:>14} {backup:>12}",
            "PostgreSQL"
        );
    }
    Ok(())
}
