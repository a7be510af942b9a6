//! How long production is locked by a promotion, by production's size.
//!
//! For each size (default 10 and 100 MB; pass e.g. `10 100 1000`), makes the
//! demo account, grows production's Incidents table to about that size,
//! adds 20 fields in the promotable sandbox, promotes, and reports the
//! lockout (lock to unlock, as recorded on the promotion) and the whole
//! promotion (including the dry run on a copy, before the lock).
//!
//!   cargo run --release -p cutover-store --example promotion_lockout [MB ...]

use chrono::Utc;
use cutover_core::change::Change;
use cutover_core::definitions::{FieldType, Value};
use cutover_core::Result;
use cutover_store::{demo, Context, Workspace};
use std::time::Instant;

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
    println!(
        "{:>8} {:>12} {:>14} {:>12}",
        "MB", "lockout ms", "promotion ms", "backup MB"
    );
    for mb in sizes {
        let dir = tempfile::tempdir().context("temp dir")?;
        let ws = Workspace::open(dir.path())?;
        demo::ensure_demo(&ws, Utc::now())?;
        let envs = ws.overview()?[0].environments.clone();
        let id = |n: &str| {
            envs.iter()
                .find(|e| e.environment.name == n)
                .map(|e| e.environment.id)
                .expect(n)
        };
        let (production, sandbox) = (id("Production"), id("Promotable sandbox"));
        let admin = ws.current_admin(Utc::now())?;

        let mut store = ws.store(production)?;
        let incidents = store
            .definitions()?
            .tables
            .into_iter()
            .find(|t| t.name == "Incidents")
            .expect("Incidents");
        let template = store.records(incidents.id)?[0].values.clone();
        let mut row = template.clone();
        if let Some(v) = row.iter_mut().find(|v| matches!(v, Value::Text(_))) {
            *v = Value::Text("x".repeat(1000));
        }
        let batch = vec![row; 10_000];
        while store.stats()?.size_bytes < mb * 1_048_576 {
            store.insert_records(incidents.id, &batch)?;
        }
        drop(store);

        let employees = ws
            .definitions(sandbox)?
            .tables
            .into_iter()
            .find(|t| t.name == "Employees")
            .expect("Employees")
            .id;
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
        let total = start.elapsed();
        let lockout = match (done.locked_at, done.unlocked_at) {
            (Some(a), Some(b)) => (b - a).num_milliseconds(),
            _ => -1,
        };
        let backup = ws.backups(production)?.first().map_or(0, |b| b.size_bytes) / 1_048_576;
        println!(
            "{mb:>8} {lockout:>12} {:>14} {backup:>12}",
            total.as_millis()
        );
    }
    Ok(())
}
