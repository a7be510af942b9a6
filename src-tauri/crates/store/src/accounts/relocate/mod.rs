//! Moving an account's environments between this computer and a
//! PostgreSQL server (or from one server to another): every environment
//! and every backup of them is copied whole to the new place
//! (`env_store::whole`), checked there, and the account switched to it in
//! one control transaction.
//!
//! Invariants: until the switch, the account's environments, backups and
//! settings are untouched, and what the move made at the new place is
//! recorded nowhere: a failure removes it at once; after a stop, start-up
//! recovery retires the stores and drops the backups no row records (on
//! this computer at the next start, on a server once an account lives
//! there). After the switch the old stores are kept aside at the old place
//! (retired, as a deleted environment's are) and the old backups, copied,
//! are dropped. A store written to while it was copied (by another
//! application) stops the move, so no acknowledged write is lost.

mod control;

use super::server::{database_taken, settings_of};
use crate::control::failpoint::{Failpoint, Site};
use crate::env_store::postgres::{PgBackend, Secret, ServerSettings};
use crate::env_store::{whole, StoreBackend};
use crate::workspace::EnvironmentRow;
use crate::Workspace;
use chrono::{DateTime, Utc};
use control::{backups_of, ensure_movable, switch, BackupToMove, Made};
use cutover_core::account::AccountId;
use cutover_core::activity::ActivityAction;
use cutover_core::admin::{ensure_super_admin, Admin};
use cutover_core::server::{MoveProgress, MoveReport, ServerChoice};
use cutover_core::{Error, ErrorKind, Result};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

const HERE: &str = "this computer";

impl Workspace {
    /// Moves every environment of `account`, with its backups, to this
    /// computer (`to` is `None`) or to the server `to` names.
    pub fn move_account_environments(
        &self,
        account: AccountId,
        to: Option<&ServerChoice>,
        admin: &Admin,
        now: DateTime<Utc>,
        progress: &dyn Fn(MoveProgress),
    ) -> Result<MoveReport> {
        let never = AtomicBool::new(false);
        self.move_account_environments_until(account, to, admin, now, progress, &never)
    }

    /// [`Self::move_account_environments`]; setting `stop` before the
    /// switch ends it `cancelled`, with nothing moved.
    pub fn move_account_environments_until(
        &self,
        account: AccountId,
        to: Option<&ServerChoice>,
        admin: &Admin,
        now: DateTime<Utc>,
        progress: &dyn Fn(MoveProgress),
        stop: &AtomicBool,
    ) -> Result<MoveReport> {
        ensure_super_admin(admin, "move an account's environments")?;
        let conn = self.connect()?;
        let name = self.account_name(&conn, account)?;
        let from = super::server::server_of(&conn, account)?.map(|(s, _)| s);
        let target = match to {
            None => None,
            Some(choice) => {
                let (settings, secret) = settings_of(choice)?;
                let secret = secret.ok_or_else(|| {
                    Error::invalid(
                        "Give the password for the server, so Cutover can copy the environments to it.",
                    )
                })?;
                Some((settings, secret))
            }
        };
        let here_or = |s: Option<&ServerSettings>| s.map_or(HERE.to_string(), |s| s.display());
        match (&from, &target) {
            (None, None) => {
                return Err(Error::invalid(format!(
                    "{name}'s environments are already on this computer."
                )))
            }
            (Some(old), Some((new, _))) if old.same_database(new) => {
                return Err(Error::invalid(format!(
                    "{name}'s environments are already in {}. To reach that server another way, change the connection instead.",
                    old.display()
                )))
            }
            _ => {}
        }
        if let Some((settings, _)) = &target {
            if let Some(other) = database_taken(&conn, settings)?.filter(|o| *o != name) {
                return Err(Error::conflict(format!(
                    "Database {} is where account {other} keeps its environments. Each account needs a database of its own.",
                    settings.display()
                )));
            }
        }
        let rows = self.environment_rows(&conn, account)?;
        ensure_movable(&conn, account, &rows)?;
        let source = self.backend(account)?;
        let dest: Arc<dyn StoreBackend> = match &target {
            None => self.local.clone(),
            Some((settings, secret)) => {
                settings.check(Some(secret))?;
                Arc::new(PgBackend::new(settings.clone(), Some(secret.clone())))
            }
        };
        let backups = backups_of(&conn, account)?;
        let mut needed = backups.iter().map(|b| b.size_bytes).sum::<u64>();
        for row in &rows {
            let store = source.open(&row.store_key)?;
            let extensions: Vec<String> = store
                .installed_extensions()?
                .into_iter()
                .map(|e| e.name)
                .collect();
            whole::refuse_what_cannot_move(&extensions, &[])
                .map_err(|e| Error::invalid(format!("{}: {}", row.environment.name, e.message)))?;
            needed += store.figures()?.size_bytes;
        }
        if let Some(free) = dest.free_space()? {
            if free < needed {
                return Err(Error::invalid(format!(
                    "{} has {:.1} GB free; {name}'s environments and backups need about {:.1} GB. Free some space and move again.",
                    here_or(target.as_ref().map(|(s, _)| s)),
                    free as f64 / 1e9,
                    needed as f64 / 1e9
                )));
            }
        }

        let mut made = Made::default();
        let copied = self.copy_everything(
            &rows,
            &backups,
            (source.as_ref(), dest.as_ref()),
            progress,
            stop,
            &mut made,
        );
        if let Err(e) = copied {
            made.undo(dest.as_ref());
            return Err(match e.kind {
                ErrorKind::Cancelled => Error::cancelled(format!(
                    "Stopped before the move was complete: {name}'s environments and backups stay {}, as they were.",
                    from.as_ref()
                        .map_or("on this computer".to_string(), |s| format!("in {}", s.display()))
                )),
                _ => e,
            });
        }
        if let Err(e) = switch(
            &conn,
            account,
            dest.kind(),
            target.as_ref().map(|(s, _)| s),
            &made,
        ) {
            made.undo(dest.as_ref());
            return Err(e);
        }
        // Invariant: the account lives at the new place from here on; what
        // follows is tidying the old place, reported but not undone.
        let mut left_behind = Vec::new();
        if let Err(e) = Failpoint::fire(self.failpoint(), Site::MoveSwitched) {
            left_behind.push(e.message);
        } else {
            left_behind = self.put_aside(source.as_ref(), &rows, &backups, now);
        }
        // The old server's password is not kept for an account that left it.
        if let Some(old) = &from {
            if target
                .as_ref()
                .is_none_or(|(new, _)| new.display() != old.display())
            {
                self.remember(old, &Secret::new(""), false);
            }
        }
        if let Some((settings, secret)) = &target {
            let remember = to.is_some_and(|c| c.remember);
            if let Err(e) = self.keep_server_password(&conn, account, settings, secret, remember) {
                tracing::warn!(account, error = %e, "could not record whether the password is kept");
            }
        }
        let now_on = here_or(target.as_ref().map(|(s, _)| s));
        self.log_activity(
            now,
            &admin.name,
            None,
            ActivityAction::ChangedSettings,
            &format!(
                "Moved {name}'s {} environments and {} backups from {} to {now_on}",
                rows.len(),
                backups.len(),
                here_or(from.as_ref())
            ),
        );
        tracing::info!(account, environments = rows.len(), backups = backups.len(), to = %now_on, "moved an account's environments");
        Ok(MoveReport {
            environments: rows.len() as u32,
            backups: backups.len() as u32,
            now_on,
            left_behind,
        })
    }

    /// Copies every environment, then every backup, to `dest`, noting in
    /// `made` what it made as it goes.
    fn copy_everything(
        &self,
        rows: &[EnvironmentRow],
        backups: &[BackupToMove],
        (source, dest): (&dyn StoreBackend, &dyn StoreBackend),
        progress: &dyn Fn(MoveProgress),
        stop: &AtomicBool,
        made: &mut Made,
    ) -> Result<()> {
        let steps = (rows.len() + backups.len()) as u32;
        let tell = |what: String, step: usize| {
            move |records| {
                progress(MoveProgress {
                    what: what.clone(),
                    step: step as u32 + 1,
                    steps,
                    records,
                })
            }
        };
        let stopped = || Error::cancelled("Stopped before the move was complete.");
        for (i, row) in rows.iter().enumerate() {
            if stop.load(Ordering::Relaxed) {
                return Err(stopped());
            }
            let env = &row.environment.name;
            let watch = source.watch(&row.store_key)?;
            let from = source.open(&row.store_key)?;
            let key = uuid::Uuid::new_v4().simple().to_string();
            made.stores.push(key.clone());
            let mut to = dest.create(&key, "")?;
            whole::fill(
                to.as_mut(),
                &mut |sink| from.send_whole(sink),
                &tell(env.clone(), i),
                stop,
            )?;
            if watch.changed()? {
                return Err(Error::conflict(format!(
                    "{env} was written to while it was being copied (by another application or integration). Nothing was moved; stop what writes to it and move again."
                )));
            }
            let same = to.definitions()? == from.definitions()?
                && to.changelog_end()? == from.changelog_end()?
                && to.copy_point()? == from.copy_point()?
                && to.production_point()? == from.production_point()?
                && to.platform_version()? == from.platform_version()?;
            if !same {
                return Err(Error::internal(format!(
                    "The copy of {env} at the new place does not match it. Nothing was moved."
                )));
            }
            made.keys.push((row.environment.id, key));
            Failpoint::fire(self.failpoint(), Site::MoveStoreMade)?;
        }
        for (i, b) in backups.iter().enumerate() {
            if stop.load(Ordering::Relaxed) {
                return Err(stopped());
            }
            let what = format!("{} backup #{}", b.environment, b.id);
            let tmp = uuid::Uuid::new_v4().simple().to_string();
            made.stores.push(tmp.clone());
            {
                let mut to = dest.create(&tmp, "")?;
                whole::fill(
                    to.as_mut(),
                    &mut |sink| source.send_point(&b.path, sink),
                    &tell(what, rows.len() + i),
                    stop,
                )?;
            }
            let point = dest.take_point(&tmp, &|_| {}, stop)?;
            made.points.push(point.name.clone());
            dest.discard(&tmp)?;
            made.stores.retain(|k| *k != tmp);
            made.backups
                .push((b.id, point.name, point.size_bytes, point.digest));
            Failpoint::fire(self.failpoint(), Site::MovePointMade)?;
        }
        Ok(())
    }

    /// Keeps the old stores aside at the old place and drops the old
    /// backups (copied); returns what could not be done, in words.
    fn put_aside(
        &self,
        source: &dyn StoreBackend,
        rows: &[EnvironmentRow],
        backups: &[BackupToMove],
        now: DateTime<Utc>,
    ) -> Vec<String> {
        let mut left = Vec::new();
        for row in rows {
            if let Err(e) = source.retire(&row.store_key, now) {
                tracing::warn!(key = %row.store_key, error = %e.message, "an old store stayed after a move");
                left.push(format!(
                    "The old copy of {} stayed where it was ({}).",
                    row.environment.name, e.message
                ));
            }
        }
        for b in backups {
            if let Err(e) = source.drop_point(&b.path) {
                tracing::warn!(point = %b.path, error = %e.message, "an old backup stayed after a move");
                left.push(format!(
                    "The old copy of {}'s backup #{} stayed where it was ({}).",
                    b.environment, b.id, e.message
                ));
            }
        }
        left
    }
}
