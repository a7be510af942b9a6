//! A bigger demo production, for trying the long jobs (backup, restore,
//! refresh, promotion, upgrade) at a real account's size: a "Field
//! service" app whose Visits table is filled until the store reaches the
//! size asked for. Only production grows; the sandboxes stay as they were
//! (refresh one to copy it all).

use super::ACCOUNT_NAME;
use crate::Workspace;
use cutover_core::definitions::{FieldType, Value};
use cutover_core::environment::EnvironmentKind;
use cutover_core::{Error, Result};

const ENGINEERS: [&str; 8] = [
    "Ana Ruiz",
    "Ben Okafor",
    "Chloé Martin",
    "Dev Patel",
    "Eli Cohen",
    "Fatima Khan",
    "Gus Larsen",
    "Hana Sato",
];
const NOTES: &str =
    "Checked the cold-room compressor, replaced a door seal and logged the readings; \
    the customer asked for a follow-up visit before the quarterly audit. ";

/// Grows the demo's production until its store holds at least `bytes`;
/// returns its size then (with its write-ahead log, which folds into
/// the file when the store closes). `progress` hears the size after each batch.
pub fn grow_production(ws: &Workspace, bytes: u64, progress: &dyn Fn(u64)) -> Result<u64> {
    let production = ws
        .overview()?
        .into_iter()
        .find(|a| a.account.name == ACCOUNT_NAME)
        .ok_or_else(|| {
            Error::not_found(
                "There is no demo account here: start Cutover once and choose the demo first.",
            )
        })?
        .environments
        .into_iter()
        .find(|e| e.environment.kind == EnvironmentKind::Production)
        .ok_or_else(|| Error::not_found("The demo account has no production."))?
        .environment
        .id;
    let mut store = ws.store(production)?;
    let defs = store.definitions()?;
    let table = match defs.tables.iter().find(|t| t.name == "Visits") {
        Some(t) => t.id,
        None => {
            let app = store.create_app("Field service")?;
            store
                .create_table(
                    &[app.id],
                    "Visits",
                    &[
                        ("Customer", FieldType::Text),
                        ("Visited on", FieldType::Date),
                        ("Engineer", FieldType::Text),
                        ("Minutes", FieldType::Number),
                        ("Notes", FieldType::Text),
                    ],
                )?
                .id
        }
    };
    let mut done = store.stats()?.size_bytes;
    let mut n = 0u64;
    while done < bytes {
        let batch: Vec<Vec<Value>> = (0..2_000)
            .map(|_| {
                n += 1;
                vec![
                    Value::Text(format!("Customer {:05}", n % 40_000)),
                    Value::Text(format!("2026-{:02}-{:02}", 1 + n % 12, 1 + n % 28)),
                    Value::Text(ENGINEERS[(n % 8) as usize].into()),
                    Value::Number((15 + n % 240) as f64),
                    Value::Text(NOTES.repeat(1 + (n % 6) as usize)),
                ]
            })
            .collect();
        store.insert_records(table, &batch)?;
        done = store.stats()?.size_bytes;
        progress(done);
    }
    Ok(done)
}
