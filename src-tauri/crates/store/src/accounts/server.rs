//! Where each account's environments live, and the server passwords known
//! this session.
//!
//! An account either keeps its environments on this computer (the data
//! folder's SQLite backend) or on one PostgreSQL server, in one database
//! that no other account uses (its `env_` schemas are that account's, so
//! start-up recovery may retire any that its account does not record).
//!
//! Invariant: a password is never written to the control database, a log
//! or a message. It is held in memory for the session once given (or read
//! from the system's secret store, when the user asked for it to be kept
//! there); without it, the account's environments answer "unavailable"
//! with what to do, and nothing else is affected.

use crate::env_store::postgres::{PgBackend, Secret, ServerSettings};
use crate::env_store::StoreBackend;
use crate::{Context, Workspace};
use cutover_core::account::AccountId;
use cutover_core::server::{AccountServer, ServerChoice, ServerReport};
use cutover_core::{Error, Result};
use cutover_package::Engine;
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The system's secret store (Secret Service on Linux, the Keychain on
/// macOS, the Credential Manager on Windows), where a server password is
/// kept when the user asks Cutover to remember it. Entries are named by
/// the server's address (`user@host:port/database`).
pub trait Keychain: Send + Sync {
    fn get(&self, entry: &str) -> Result<Option<Secret>>;
    fn set(&self, entry: &str, secret: &Secret) -> Result<()>;
    fn delete(&self, entry: &str) -> Result<()>;
}

/// Server passwords known this session, by account.
#[derive(Default)]
pub(crate) struct Passwords {
    known: Mutex<HashMap<AccountId, Secret>>,
    keychain: Mutex<Option<Arc<dyn Keychain>>>,
}

impl Passwords {
    fn known(&self, account: AccountId) -> Option<Secret> {
        self.known.lock().ok()?.get(&account).cloned()
    }

    fn keep(&self, account: AccountId, secret: Secret) {
        if let Ok(mut known) = self.known.lock() {
            known.insert(account, secret);
        }
    }

    fn keychain(&self) -> Option<Arc<dyn Keychain>> {
        self.keychain.lock().ok()?.clone()
    }
}

/// Where an account's environments live.
pub(crate) struct Placement {
    /// The backend to reach them, or why it cannot be reached yet.
    pub backend: Result<Arc<dyn StoreBackend>>,
    /// The account page's view of its server; `None` on this computer.
    pub server: Option<AccountServer>,
}

/// A server choice read: its settings and the password to use (the form's,
/// else the one written in the URL).
pub(crate) fn settings_of(choice: &ServerChoice) -> Result<(ServerSettings, Option<Secret>)> {
    let ca_file = choice
        .ca_file
        .as_deref()
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .map(str::to_string);
    let (settings, in_url) = ServerSettings::from_url(&choice.url, choice.tls, ca_file)?;
    let password = if choice.password.is_empty() {
        in_url
    } else {
        Some(Secret::new(choice.password.clone()))
    };
    Ok((settings, password))
}

/// Connects to the server `choice` names and checks what Cutover needs of
/// it, saying exactly what failed when it cannot be used.
pub fn check_server(choice: &ServerChoice) -> Result<ServerReport> {
    let (settings, password) = settings_of(choice)?;
    Ok(settings.check(password.as_ref())?)
}

/// The account's server settings, `None` when its environments are on this
/// computer.
pub(super) fn server_of(
    conn: &Connection,
    account: AccountId,
) -> Result<Option<(ServerSettings, bool)>> {
    let row: Option<(Option<String>, bool)> = conn
        .query_row(
            "SELECT server, server_remembered FROM accounts WHERE id = ?1",
            [account],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .context("reading where the account's environments live")?;
    let Some((Some(json), remembered)) = row else {
        return Ok(None);
    };
    let settings = serde_json::from_str(&json).map_err(|e| {
        Error::internal(format!(
            "The account's server settings cannot be read ({e})."
        ))
    })?;
    Ok(Some((settings, remembered)))
}

/// The address of the server another account keeps its environments in,
/// when it is the same database: each account has a database of its own.
pub(crate) fn database_taken(
    conn: &Connection,
    settings: &ServerSettings,
) -> Result<Option<String>> {
    let mut stmt = conn
        .prepare("SELECT name, server FROM accounts WHERE server IS NOT NULL")
        .context("reading the accounts' servers")?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
        .context("reading the accounts' servers")?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("reading the accounts' servers")?;
    Ok(rows.into_iter().find_map(|(name, json)| {
        let other: ServerSettings = serde_json::from_str(&json).ok()?;
        other.same_database(settings).then_some(name)
    }))
}

/// Refuses while an environment of `rows` is locked mid-operation (an
/// upgrade, a promotion): `then` says what to do once it has finished.
pub(super) fn ensure_ready(rows: &[crate::workspace::EnvironmentRow], then: &str) -> Result<()> {
    match rows
        .iter()
        .find(|r| r.environment.status != cutover_core::environment::EnvironmentStatus::Ready)
    {
        Some(busy) => Err(Error::locked(format!(
            "{} is in the middle of an operation. {then} once it has finished.",
            busy.environment.name
        ))),
        None => Ok(()),
    }
}

/// Saves where a just-recorded account's environments live.
pub(crate) fn record_server(
    conn: &Connection,
    account: AccountId,
    settings: &ServerSettings,
) -> Result<()> {
    let json = serde_json::to_string(settings).context("saving the account's server")?;
    conn.execute(
        "UPDATE accounts SET server = ?2 WHERE id = ?1",
        params![account, json],
    )
    .context("saving the account's server")?;
    Ok(())
}

impl Workspace {
    /// Gives Cutover the system's secret store, where passwords are kept
    /// when the user asks; without one they are asked at each start.
    pub fn set_keychain(&self, keychain: Arc<dyn Keychain>) {
        if let Ok(mut slot) = self.passwords.keychain.lock() {
            *slot = Some(keychain);
        }
    }

    /// The backend that keeps `account`'s environments.
    pub(crate) fn backend(&self, account: AccountId) -> Result<Arc<dyn StoreBackend>> {
        self.placement(&self.connect()?, account)?.backend
    }

    /// Where `account`'s environments live, from one read of its row (and
    /// at most one question to the secret store).
    pub(crate) fn placement(&self, conn: &Connection, account: AccountId) -> Result<Placement> {
        let Some((settings, remembered)) = server_of(conn, account)? else {
            return Ok(Placement {
                backend: Ok(self.local.clone()),
                server: None,
            });
        };
        let secret = self.password(account, &settings, remembered);
        let server = AccountServer {
            address: settings.display(),
            tls: settings.tls,
            unlocked: secret.is_ok(),
            remembered,
        };
        Ok(Placement {
            backend: secret.map(|s| Arc::new(PgBackend::new(settings, Some(s))) as Arc<_>),
            server: Some(server),
        })
    }

    /// The engine `account` keeps its environments in: what its
    /// packages' scripts must be written for. Known without its password.
    pub(crate) fn engine(&self, conn: &Connection, account: AccountId) -> Result<Engine> {
        Ok(match server_of(conn, account)? {
            Some(_) => Engine::Postgresql,
            None => Engine::Sqlite,
        })
    }

    /// The password for `account`'s server: known this session, or read
    /// from the secret store when it was kept there; else an error saying
    /// where to give it.
    fn password(
        &self,
        account: AccountId,
        settings: &ServerSettings,
        remembered: bool,
    ) -> Result<Secret> {
        if let Some(secret) = self.passwords.known(account) {
            return Ok(secret);
        }
        if let Some(keychain) = self.passwords.keychain().filter(|_| remembered) {
            match keychain.get(&settings.display()) {
                Ok(Some(secret)) => {
                    self.passwords.keep(account, secret.clone());
                    return Ok(secret);
                }
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "could not read the secret store"),
            }
        }
        Err(Error::unavailable(format!(
            "Cutover needs the password of {} to reach this account's environments. Enter it on the dashboard, under the account's name.",
            settings.display()
        )))
    }

    /// Where `account`'s environments live, as its page shows it; `None`
    /// on this computer.
    pub fn account_server(&self, account: AccountId) -> Result<Option<AccountServer>> {
        Ok(self.placement(&self.connect()?, account)?.server)
    }

    /// Checks `password` against `account`'s server and keeps it for the
    /// session, and in the secret store when `remember` (removed from it
    /// when not). A wrong password changes nothing.
    pub fn unlock_account(
        &self,
        account: AccountId,
        password: &str,
        remember: bool,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<ServerReport> {
        let conn = self.connect()?;
        let Some((settings, _)) = server_of(&conn, account)? else {
            return Err(Error::invalid(
                "This account keeps its environments on this computer; it has no server password.",
            ));
        };
        let secret = Secret::new(password);
        let report = settings.check(Some(&secret))?;
        let was_locked = self.passwords.known(account).is_none();
        self.keep_server_password(&conn, account, &settings, &secret, remember)?;
        if was_locked {
            if let Err(e) = self.recover_server(account, now) {
                tracing::warn!(account, error = %e, "could not finish the server's recovery");
            }
        }
        Ok(report)
    }

    /// Keeps `secret` as `account`'s password for the session, and in the
    /// secret store for `settings` when `remember` (removed from it when
    /// not), and records which: the one way a server password is kept.
    pub(crate) fn keep_server_password(
        &self,
        conn: &rusqlite::Connection,
        account: AccountId,
        settings: &ServerSettings,
        secret: &Secret,
        remember: bool,
    ) -> Result<()> {
        self.passwords.keep(account, secret.clone());
        let remembered = self.remember(settings, secret, remember);
        conn.execute(
            "UPDATE accounts SET server_remembered = ?2 WHERE id = ?1",
            params![account, remembered],
        )
        .context("saving whether the password is remembered")?;
        Ok(())
    }

    /// Keeps or removes the password in the secret store as asked; whether
    /// it is kept there now. A secret store that fails is reported in the
    /// log and the password is then asked at the next start.
    pub(crate) fn remember(
        &self,
        settings: &ServerSettings,
        secret: &Secret,
        remember: bool,
    ) -> bool {
        let Some(keychain) = self.passwords.keychain() else {
            return false;
        };
        let entry = settings.display();
        let done = if remember {
            keychain.set(&entry, secret)
        } else {
            keychain.delete(&entry)
        };
        match done {
            Ok(()) => remember,
            Err(e) => {
                tracing::warn!(error = %e, "could not update the secret store");
                false
            }
        }
    }

    /// Whether `account`'s server password is known this session.
    pub(crate) fn password_known(&self, account: AccountId) -> bool {
        self.passwords.known(account).is_some()
    }
}

impl Workspace {
    /// This computer's backend and the server of every account whose
    /// password is known: what start-up recovery can reach now (a server
    /// account is recovered when its password is given).
    pub(crate) fn reachable_backends(&self) -> Result<Vec<Arc<dyn StoreBackend>>> {
        let accounts: Vec<AccountId> = crate::control::fault::column(
            &self.connect()?,
            "SELECT id FROM accounts WHERE server IS NOT NULL",
            [],
            "listing the accounts on servers",
        )?;
        let mut out = vec![self.local.clone()];
        for account in accounts {
            match self.backend(account) {
                Ok(backend) => out.push(backend),
                Err(e) => {
                    tracing::info!(account, reason = %e.message, "a server account is recovered once it is reachable")
                }
            }
        }
        Ok(out)
    }

    /// Finishes on `account`'s server what an interrupted run left there,
    /// as start-up does for this computer's: data upgrades, promotions and
    /// imports a stop left running are settled, backups no row records are dropped, and
    /// stores no environment records are retired (its database is this
    /// account's alone). Only for an account locked until now, so nothing
    /// of this session can be running on it.
    pub(super) fn recover_server(
        &self,
        account: AccountId,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<()> {
        self.recover_upgrades(now, Some(account))?;
        self.recover_promotions(now, Some(account))?;
        self.recover_imports(now, Some(account))?;
        let backend = self.backend(account)?;
        self.remove_unrecorded_points(backend.as_ref(), now)?;
        let retired = backend.recover(&self.recorded_keys()?, now)?;
        if !retired.is_empty() {
            tracing::warn!(
                account,
                retired = retired.len(),
                "retired server stores no environment records"
            );
        }
        Ok(())
    }

    /// The backend that keeps environment `id`'s store and backups.
    pub(crate) fn backend_of(
        &self,
        id: cutover_core::account::EnvironmentId,
    ) -> Result<Arc<dyn StoreBackend>> {
        let account: AccountId = self
            .connect()?
            .query_row(
                "SELECT account_id FROM environments WHERE id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()
            .context("looking up an environment's account")?
            .ok_or_else(|| {
                Error::not_found(format!(
                    "There is no environment {id}; it may have been deleted. Refresh the dashboard."
                ))
            })?;
        self.backend(account)
    }
}
