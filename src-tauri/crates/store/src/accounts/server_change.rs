//! Changing how Cutover reaches an account's server (its address, user,
//! TLS mode, certificate authority or password) when the server moved or
//! its settings changed, the environments staying where they are.
//!
//! Invariant: the new connection is saved only once it reaches a server
//! that holds every environment the account records (its `env_` schemas),
//! no other account uses that database, and no environment of the account
//! is in the middle of an operation; otherwise nothing changes. Moving the
//! environments themselves to another place is `relocate`.

use super::server::{database_taken, ensure_ready, record_server, server_of, settings_of};
use crate::env_store::postgres::PgBackend;
use crate::env_store::StoreBackend;
use crate::Workspace;
use chrono::{DateTime, Utc};
use cutover_core::account::AccountId;
use cutover_core::activity::ActivityAction;
use cutover_core::admin::{ensure_super_admin, Admin};
use cutover_core::server::{AccountServer, ServerChoice};
use cutover_core::{Error, Result};

impl Workspace {
    /// Connects `account` to its server as `choice` says from now on.
    pub fn change_account_server(
        &self,
        account: AccountId,
        choice: &ServerChoice,
        admin: &Admin,
        now: DateTime<Utc>,
    ) -> Result<AccountServer> {
        ensure_super_admin(admin, "change how an account reaches its server")?;
        let conn = self.connect()?;
        let name = self.account_name(&conn, account)?;
        let Some((old, _)) = server_of(&conn, account)? else {
            return Err(Error::invalid(format!(
                "{name} keeps its environments on this computer. To put them on a server, move them there (Move environments…)."
            )));
        };
        let (settings, secret) = settings_of(choice)?;
        let Some(secret) = secret else {
            return Err(Error::invalid(
                "Give the password for the server, so Cutover can check it holds this account's environments.",
            ));
        };
        if let Some(other) = database_taken(&conn, &settings)?.filter(|other| *other != name) {
            return Err(Error::conflict(format!(
                "Database {} is where account {other} keeps its environments. Each account needs a database of its own.",
                settings.display()
            )));
        }
        let rows = self.environment_rows(&conn, account)?;
        ensure_ready(&rows, "Change the connection")?;
        settings.check(Some(&secret))?;
        let backend = PgBackend::new(settings.clone(), Some(secret.clone()));
        let mut missing = Vec::new();
        for row in &rows {
            if !backend.exists(&row.store_key)? {
                missing.push(row.environment.name.clone());
            }
        }
        if !missing.is_empty() {
            return Err(Error::not_found(format!(
                "{} does not hold {name}'s {}. Give the database that holds this account's environments; nothing was changed.",
                settings.display(),
                missing.join(", ")
            )));
        }
        record_server(&conn, account, &settings)?;
        let was_locked = !self.password_known(account);
        if old.display() != settings.display() {
            self.remember(&old, &secret, false);
        }
        self.keep_server_password(&conn, account, &settings, &secret, choice.remember)?;
        if was_locked {
            if let Err(e) = self.recover_server(account, now) {
                tracing::warn!(account, error = %e, "could not finish the server's recovery");
            }
        }
        self.log_activity(
            now,
            &admin.name,
            None,
            ActivityAction::ChangedSettings,
            &format!(
                "Changed how {name} reaches its server: {} → {}",
                old.display(),
                settings.display()
            ),
        );
        self.account_server(account)?
            .ok_or_else(|| Error::internal("The account lost its server."))
    }

    pub(super) fn account_name(
        &self,
        conn: &rusqlite::Connection,
        account: AccountId,
    ) -> Result<String> {
        conn.query_row("SELECT name FROM accounts WHERE id = ?1", [account], |r| {
            r.get(0)
        })
        .map_err(|_| Error::not_found("That account no longer exists. Refresh the dashboard."))
    }
}
