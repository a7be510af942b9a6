//! What counting writes costs another application writing to a server
//! environment (the count a promotion's watch reads, `postgres/writes.rs`).
//!
//! Makes an environment with one table on the PostgreSQL server that
//! `CUTOVER_TEST_PG_DIR` names, then, as another application would, inserts
//! rows one statement each — N in one transaction, and N/10 each in its own
//! transaction — before Cutover watches the environment (no triggers) and
//! after (every table counted), and reports both.
//!
//! ```text
//! CUTOVER_TEST_PG_DIR=/tmp/cutover-pg \
//!   cargo run --release -p cutover-store --example write_count_cost [N]
//! ```

use cutover_core::change::Change;
use cutover_core::definitions::FieldType;
use cutover_core::Result;
use cutover_store::env_store::StoreBackend;
use cutover_store::Context;
use std::time::Instant;

mod common;

/// Milliseconds for `n` single-row inserts in one transaction, and for
/// `n / 10` inserts each committed on its own.
fn inserts(client: &mut postgres::Client, sql: &str, n: usize) -> Result<(f64, f64)> {
    let start = Instant::now();
    let mut tx = client.transaction().context("a transaction")?;
    for _ in 0..n {
        tx.batch_execute(sql).context("an insert")?;
    }
    tx.commit().context("committing")?;
    let one = start.elapsed().as_secs_f64() * 1000.0;
    let start = Instant::now();
    for _ in 0..n / 10 {
        client.batch_execute(sql).context("an insert")?;
    }
    Ok((one, start.elapsed().as_secs_f64() * 1000.0))
}

fn main() -> Result<()> {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20_000);
    let server = common::server_dir().ok_or_else(|| {
        cutover_core::Error::invalid(
            "Set CUTOVER_TEST_PG_DIR (bash scripts/pg-server.sh start DIR).",
        )
    })?;
    let db = common::Database::new(&server, "cutover_write_count")?;
    let backend = db.backend();
    let mut store = backend.create("prod", "1.0.0")?;
    let at = chrono::Utc::now();
    let app = store
        .apply(&Change::CreateApp { name: "Ops".into() }, "Bench", at)?
        .entity_id;
    let table = store
        .apply(
            &Change::CreateTable {
                app_id: app,
                name: "Events".into(),
            },
            "Bench",
            at,
        )?
        .entity_id;
    let field = store
        .apply(
            &Change::AddField {
                table_id: table,
                name: "Note".into(),
                field_type: FieldType::Text,
            },
            "Bench",
            at,
        )?
        .entity_id;
    drop(store);
    let sql =
        format!("INSERT INTO env_prod.rec_{table} (f_{field}) VALUES ('from another application')");
    let mut client = db.connect()?;
    // Once to warm the server's caches, then measured.
    inserts(&mut client, &sql, n / 10)?;
    let before = inserts(&mut client, &sql, n)?;
    let watch = backend.watch("prod")?;
    let after = inserts(&mut client, &sql, n)?;
    assert!(watch.changed()?, "the writes were counted");
    println!(
        "{:<28} {:>14} {:>20}",
        "",
        format!("{n} in one tx"),
        format!("{} own tx each", n / 10)
    );
    for (label, (one, own)) in [("not counted", before), ("counted", after)] {
        println!(
            "{label:<28} {one:>11.0} ms {own:>17.0} ms   ({:.1} / {:.1} µs a statement)",
            one * 1000.0 / n as f64,
            own * 1000.0 / (n / 10) as f64
        );
    }
    Ok(())
}
