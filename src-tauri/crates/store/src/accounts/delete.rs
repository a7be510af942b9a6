//! Deleting an account: what goes, listed first; a verified backup of
//! production taken before anything changes; then the account, its
//! environments and everything recorded about them removed in one control
//! transaction, their stores retired and their backups kept aside, so a
//! mistaken deletion can still be undone from the Storage view.

use crate::control::failpoint::{Failpoint, Site};
use crate::{Context, Workspace};
use chrono::{DateTime, Utc};
use cutover_core::account::{AccountDeletion, AccountId};
use cutover_core::activity::ActivityAction;
use cutover_core::admin::{ensure_super_admin, Admin};
use cutover_core::backup::{BackupReason, CopyProgress};
use cutover_core::environment::{ensure_unlocked, EnvironmentKind};
use cutover_core::{Error, ErrorKind, Result};

impl Workspace {
    /// What deleting `id` would take away.
    pub fn account_deletion(&self, id: AccountId) -> Result<AccountDeletion> {
        let account = self
            .accounts()?
            .into_iter()
            .find(|a| a.id == id)
            .ok_or_else(|| Error::not_found("That account no longer exists."))?;
        let overview = self.overview()?;
        let environments = overview
            .iter()
            .find(|o| o.account.id == id)
            .map(|o| {
                o.environments
                    .iter()
                    .map(|e| {
                        (
                            e.environment.name.clone(),
                            e.environment.kind,
                            e.record_count,
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let conn = self.connect()?;
        let count = |sql: &str| -> Result<u32> {
            conn.query_row(sql, [id], |r| r.get::<_, i64>(0))
                .map(|n| n as u32)
                .context("counting what the account holds")
        };
        Ok(AccountDeletion {
            account_id: id,
            name: account.name,
            environments,
            backups: count(
                "SELECT count(*) FROM backups b JOIN environments e ON e.id = b.environment_id WHERE e.account_id = ?1",
            )?,
            releases: count("SELECT count(*) FROM releases WHERE account_id = ?1")?,
            is_demo: account.is_demo,
        })
    }

    /// Deletes account `id` once `typed_name` is its name: refuses while
    /// any of its environments is busy; takes a verified backup of
    /// production first (kept aside with the other backups).
    pub fn delete_account(
        &self,
        id: AccountId,
        typed_name: &str,
        admin: &Admin,
        now: DateTime<Utc>,
        progress: &dyn Fn(CopyProgress),
    ) -> Result<AccountDeletion> {
        ensure_super_admin(admin, "delete an account")?;
        let what = self.account_deletion(id)?;
        if typed_name.trim() != what.name {
            return Err(Error::new(
                ErrorKind::Unconfirmed,
                format!(
                    "Type the account's name, {}, to delete it. Nothing was deleted.",
                    what.name
                ),
            ));
        }
        let conn = self.connect()?;
        let rows = self.environment_rows(&conn, id)?;
        for row in &rows {
            ensure_unlocked(row.environment.status, &row.environment.name)?;
        }
        let busy: Option<String> = conn
            .query_row(
                "SELECT e.name FROM environments e WHERE e.account_id = ?1 AND (
                    EXISTS (SELECT 1 FROM imports i WHERE i.environment_id = e.id AND i.state = 'running')
                    OR EXISTS (SELECT 1 FROM upgrade_runs u WHERE u.environment_id = e.id
                               AND u.state NOT IN ('committed', 'cancelled', 'rolled_back')))
                 LIMIT 1",
                [id],
                |r| r.get(0),
            )
            .ok();
        if let Some(name) = busy {
            return Err(Error::locked(format!(
                "{name} has an import or an upgrade run in progress. Finish or cancel it, then delete the account. Nothing was deleted."
            )));
        }
        drop(conn);
        let production = rows
            .iter()
            .find(|r| r.environment.kind == EnvironmentKind::Production)
            .ok_or_else(|| Error::internal("The account has no production."))?;
        let backup = self.take_backup(
            production.environment.id,
            BackupReason::BeforeAccountDeletion,
            admin,
            now,
            progress,
        )?;
        Failpoint::fire(self.failpoint(), Site::AccountBackedUp)?;

        // Read before the account's row (and its server) is forgotten.
        let backend = self.backend(id);
        let mut conn = self.connect()?;
        let tx = conn.transaction().context("deleting the account")?;
        let refs: Vec<_> = rows.iter().collect();
        crate::storage::keep_aside(&tx, &refs, (id, &what.name), now)?;
        crate::people::activity::record_activity(
            &tx,
            now,
            &admin.name,
            None,
            ActivityAction::DeletedEnvironment,
            &format!(
                "Deleted the account {}: {} environments retired and their backups kept aside (see Storage), production backed up first (taken {})",
                what.name,
                rows.len(),
                backup.taken_at.format("%Y-%m-%d %H:%M UTC")
            ),
        )?;
        for sql in [
            "DELETE FROM promotions WHERE production_id IN (SELECT id FROM environments WHERE account_id = ?1)
                OR sandbox_id IN (SELECT id FROM environments WHERE account_id = ?1)",
            "DELETE FROM environments WHERE account_id = ?1",
            // Each account owns the index rowids from id << 44.
            "DELETE FROM release_notes_fts WHERE rowid >= (?1 << 44) AND rowid < ((?1 + 1) << 44)",
            "DELETE FROM accounts WHERE id = ?1",
        ] {
            tx.execute(sql, [id]).context("deleting the account")?;
        }
        tx.commit().context("deleting the account")?;
        Failpoint::fire(self.failpoint(), Site::AccountForgotten)?;
        // The control database no longer records the stores: retire them.
        // A stop before this leaves them unrecorded, and the start-up
        // recovery retires them the same way.
        for row in &rows {
            let retired = match &backend {
                Ok(backend) => backend.retire(&row.store_key, now),
                Err(e) => Err(e.clone()),
            };
            if let Err(e) = retired {
                tracing::warn!(error = %e, key = row.store_key, "a deleted account's store is left for the start-up recovery");
            }
        }
        tracing::info!(account = id, "deleted an account");
        Ok(what)
    }
}
