//! Recording what a deletion keeps aside, inside the deletion's transaction.

use crate::workspace::EnvironmentRow;
use crate::Context;
use chrono::{DateTime, Utc};
use rusqlite::{params, Transaction};

/// Records that `rows` (environments of account `account`) are about to be
/// deleted: their backups move to `kept_backups`, their stores to
/// `retired_stores`. Called in the deleting transaction, before the rows go.
pub(crate) fn keep_aside(
    tx: &Transaction<'_>,
    rows: &[&EnvironmentRow],
    account: (i64, &str),
    now: DateTime<Utc>,
) -> cutover_core::Result<()> {
    let doing = "keeping a deleted environment's data aside";
    for row in rows {
        let env = &row.environment;
        tx.execute(
            "INSERT INTO kept_backups (path, account_id, account_name, environment_name, taken_at, reason, size_bytes, sha256, platform_version, kept_at)
             SELECT path, ?5, ?2, ?3, taken_at, reason, size_bytes, sha256, platform_version, ?4 FROM backups WHERE environment_id = ?1",
            params![env.id, account.1, env.name, now, account.0],
        )
        .context(doing)?;
        tx.execute(
            "INSERT INTO retired_stores (store_key, account_id, account_name, environment_name, kind, version, retired_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (store_key) DO NOTHING",
            params![row.store_key, account.0, account.1, env.name, env.kind.as_str(), env.version, now],
        )
        .context(doing)?;
    }
    Ok(())
}
