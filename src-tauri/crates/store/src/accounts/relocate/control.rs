//! What a move reads and writes in the control database: whether the
//! account can move now, its backups, and the switch to the new place in
//! one transaction.

use super::super::server::ensure_ready;
use crate::env_store::postgres::ServerSettings;
use crate::env_store::StoreBackend;
use crate::workspace::EnvironmentRow;
use crate::Context;
use cutover_core::account::{AccountId, EnvironmentId};
use cutover_core::{Error, Result};
use rusqlite::{params, Connection};

/// A backup to move: its row, whose environment, and its point.
pub(super) struct BackupToMove {
    pub(super) id: i64,
    pub(super) environment: String,
    pub(super) path: String,
    pub(super) size_bytes: u64,
}

/// What the move made at the new place and what it will record.
#[derive(Default)]
pub(super) struct Made {
    /// Stores made at the new place, to remove if the move fails.
    pub(super) stores: Vec<String>,
    pub(super) points: Vec<String>,
    /// Each environment's new store key.
    pub(super) keys: Vec<(EnvironmentId, String)>,
    /// Each backup's new point: (row, name, size, digest).
    pub(super) backups: Vec<(i64, String, u64, String)>,
}

impl Made {
    /// Removes what the move made; what cannot be removed now is left to
    /// start-up recovery (recorded nowhere) and logged.
    pub(super) fn undo(&self, dest: &dyn StoreBackend) {
        for key in &self.stores {
            if let Err(e) = dest.discard(key) {
                tracing::warn!(key, error = %e.message, "a store made by a failed move stayed");
            }
        }
        for name in &self.points {
            if let Err(e) = dest.drop_point(name) {
                tracing::warn!(name, error = %e.message, "a backup made by a failed move stayed");
            }
        }
    }
}

/// Refuses a move while anything of the account is under way, or while an
/// integration writes with a server's role (which the new place lacks).
pub(super) fn ensure_movable(
    conn: &Connection,
    account: AccountId,
    rows: &[EnvironmentRow],
) -> Result<()> {
    ensure_ready(rows, "Move the environments")?;
    let running: Option<String> = crate::control::fault::column(
        conn,
        "SELECT e.name FROM environments e WHERE e.account_id = ?1 AND (
             EXISTS (SELECT 1 FROM imports i WHERE i.environment_id = e.id AND i.state = 'running')
          OR EXISTS (SELECT 1 FROM promotions p WHERE p.production_id = e.id AND p.state = 'running')
          OR EXISTS (SELECT 1 FROM upgrade_runs u WHERE u.environment_id = e.id AND u.copy_key IS NOT NULL))
         ORDER BY e.id LIMIT 1",
        [account],
        "checking what is under way",
    )?
    .into_iter()
    .next();
    if let Some(env) = running {
        return Err(Error::locked(format!(
            "{env} has an import, a promotion or an upgrade run under way. Move the environments once it has finished (or cancel the run)."
        )));
    }
    let roles: Vec<(String, String, String)> = {
        let mut stmt = conn
            .prepare(
                "SELECT i.name, e.name, i.db_role FROM integrations i
                 JOIN environments e ON e.id = i.environment_id
                 WHERE e.account_id = ?1 AND i.db_role IS NOT NULL ORDER BY i.id",
            )
            .context("reading the account's integrations")?;
        let rows = stmt
            .query_map([account], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .context("reading the account's integrations")?;
        rows.collect::<rusqlite::Result<_>>()
            .context("reading the account's integrations")?
    };
    if let Some((integration, env, role)) = roles.first() {
        return Err(Error::invalid(format!(
            "Integration {integration} writes to {env} as the server's role {role}, which the new place does not have. Remove the integration, move, then add it again with a role there."
        )));
    }
    Ok(())
}

/// The account's backups, oldest first.
pub(super) fn backups_of(conn: &Connection, account: AccountId) -> Result<Vec<BackupToMove>> {
    let mut stmt = conn
        .prepare(
            "SELECT b.id, e.name, b.path, b.size_bytes FROM backups b
             JOIN environments e ON e.id = b.environment_id
             WHERE e.account_id = ?1 ORDER BY b.id",
        )
        .context("listing the account's backups")?;
    let rows = stmt
        .query_map([account], |r| {
            Ok(BackupToMove {
                id: r.get(0)?,
                environment: r.get(1)?,
                path: r.get(2)?,
                size_bytes: r.get::<_, i64>(3)?.max(0) as u64,
            })
        })
        .context("listing the account's backups")?;
    rows.collect::<rusqlite::Result<_>>()
        .context("listing the account's backups")
}

/// Records, in one transaction, that the account's environments and
/// backups are at the new place (`settings`, or this computer).
pub(super) fn switch(
    conn: &Connection,
    account: AccountId,
    kind: &str,
    settings: Option<&ServerSettings>,
    made: &Made,
) -> Result<()> {
    let doing = "recording the environments' new place";
    let server = settings
        .map(serde_json::to_string)
        .transpose()
        .context(doing)?;
    let tx = conn.unchecked_transaction().context(doing)?;
    // Nothing of the account was added meanwhile (a sandbox made, a
    // backup taken), which the move would leave behind.
    let now_has = |sql: &str| -> Result<Vec<i64>> {
        crate::control::fault::column(&tx, sql, [account], doing)
    };
    let environments = now_has("SELECT id FROM environments WHERE account_id = ?1 ORDER BY id")?;
    let backups = now_has(
        "SELECT b.id FROM backups b JOIN environments e ON e.id = b.environment_id
         WHERE e.account_id = ?1 ORDER BY b.id",
    )?;
    let mut moved: Vec<i64> = made.keys.iter().map(|(id, _)| *id).collect();
    moved.sort_unstable();
    if environments != moved || backups != made.backups.iter().map(|b| b.0).collect::<Vec<_>>() {
        return Err(Error::conflict(
            "An environment or a backup of this account was made while its environments were being moved. Nothing was moved; move again.",
        ));
    }
    for (id, key) in &made.keys {
        tx.execute(
            "UPDATE environments SET store_key = ?2, store_kind = ?3 WHERE id = ?1",
            params![id, key, kind],
        )
        .context(doing)?;
    }
    for (id, name, size, digest) in &made.backups {
        tx.execute(
            "UPDATE backups SET path = ?2, size_bytes = ?3, sha256 = ?4, problem = NULL WHERE id = ?1",
            params![id, name, *size as i64, digest],
        )
        .context(doing)?;
    }
    tx.execute(
        "UPDATE accounts SET server = ?2, server_remembered = 0 WHERE id = ?1",
        params![account, server],
    )
    .context(doing)?;
    tx.commit().context(doing)
}
