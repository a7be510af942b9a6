//! Creating an account with an empty production.

use super::server::{database_taken, record_server, settings_of};
use crate::control::failpoint::{Failpoint, Site};
use crate::env_store::postgres::{PgBackend, Secret, ServerProblem, ServerSettings};
use crate::env_store::{EnvironmentStore, StoreBackend};
use crate::{Context, Workspace};
use chrono::{DateTime, Utc};
use cutover_core::account::{
    ensure_new_account_valid, new_account_problems, time_zone_problem, AccountId, NewAccount,
    PackageFacts,
};
use cutover_core::activity::ActivityAction;
use cutover_core::admin::{ensure_super_admin, Admin};
use cutover_core::error::{quote, FieldProblem};
use cutover_core::release::Version;
use cutover_core::{Error, Result};
use cutover_package::sign;
use rusqlite::params;
use std::sync::Arc;

/// The fingerprint the admin compares with the vendor's, of a public key
/// as pasted; refuses what is not an Ed25519 public key.
pub fn key_fingerprint(public_key: &str) -> Result<String> {
    let key = sign::parse_public_key(public_key.trim())?;
    Ok(sign::fingerprint(&sign::public_key_text(&key)))
}

/// What a release package file says of itself, to fill a new account's
/// form: read within the package size limit, checked (archive, checksums,
/// signature), trusting nothing.
pub fn describe_package(path: &std::path::Path) -> Result<PackageFacts> {
    let size = std::fs::metadata(path)
        .map_err(|e| {
            Error::invalid(format!(
                "{} cannot be read ({e}). Choose the vendor's package file.",
                path.display()
            ))
        })?
        .len();
    if size > cutover_package::MAX_ARCHIVE_BYTES {
        return Err(Error::invalid(format!(
            "{} is {} MB: a release package is at most {} MB. Choose the vendor's package file.",
            path.display(),
            size / 1_000_000,
            cutover_package::MAX_ARCHIVE_BYTES / 1_000_000
        )));
    }
    let bytes = std::fs::read(path)
        .map_err(|e| Error::invalid(format!("{} cannot be read ({e}).", path.display())))?;
    let d = cutover_package::describe(&bytes)?;
    Ok(PackageFacts {
        platform: d.platform,
        version: d.version,
        upgrades_from: d.upgrades_from,
        signer_fingerprint: d.signer_fingerprint,
    })
}

impl Workspace {
    /// Creates `new` with an empty production on its platform version and
    /// trusts the vendor's key. Refuses, changing nothing, with every
    /// problem of every field, or when the name is taken.
    pub fn create_account(
        &self,
        new: &NewAccount,
        admin: &Admin,
        now: DateTime<Utc>,
    ) -> Result<AccountId> {
        self.make_account(new, admin, now, &mut |_| Ok("an empty production".into()))
    }

    /// Creates `new` as [`Self::create_account`] does, its production filled
    /// by `fill` (which says what it put there) before anything is recorded:
    /// if `fill` fails, the store is removed and nothing is created.
    pub(crate) fn make_account(
        &self,
        new: &NewAccount,
        admin: &Admin,
        now: DateTime<Utc>,
        fill: &mut dyn FnMut(&mut dyn EnvironmentStore) -> Result<String>,
    ) -> Result<AccountId> {
        ensure_super_admin(admin, "create an account")?;
        let key = sign::parse_public_key(new.vendor_key.trim());
        let mut problems = new_account_problems(
            new,
            key.as_ref().err().map(|e| e.message.clone()),
            time_zone_problem(&new.time_zone),
        );
        let server = new.server.as_ref().map(settings_of).transpose();
        if let Err(e) = &server {
            problems.push(FieldProblem {
                field: "server".into(),
                message: e.message.clone(),
            });
        }
        ensure_new_account_valid(problems)?;
        let (key, server) = (sign::public_key_text(&key?), server?);
        let name = new.name.trim();
        let version = Version::parse(new.platform_version.trim())?.to_string();
        if self
            .accounts()?
            .iter()
            .any(|a| a.name.to_lowercase() == name.to_lowercase())
        {
            return Err(Error::conflict(format!(
                "Nothing was created: an account named \"{name}\" already exists. Choose another name."
            )));
        }
        let backend = self.new_account_backend(server.as_ref())?;
        let store_key = uuid::Uuid::new_v4().simple().to_string();
        let filled = backend
            .create(&store_key, &version)
            .and_then(|mut store| fill(store.as_mut()));
        let filled = match filled {
            Ok(what) => what,
            Err(e) => {
                let _ = backend.discard(&store_key);
                return Err(e);
            }
        };
        let recorded = Failpoint::fire(self.failpoint(), Site::AccountStoreMade).and_then(|()| {
            self.record_account(
                new,
                &key,
                &version,
                (backend.kind(), &store_key),
                server.as_ref().map(|(settings, _)| settings),
                admin,
                now,
            )
        });
        let (account, production) = match recorded {
            Ok(ids) => ids,
            Err(e) => {
                // Not recorded anywhere: remove it so nothing is half made.
                let _ = backend.discard(&store_key);
                return Err(e);
            }
        };
        if let (Some((settings, secret)), Some(choice)) = (&server, &new.server) {
            // A server that asks no password (trust) is given an empty one.
            let secret = secret.clone().unwrap_or_else(|| Secret::new(""));
            self.keep_server_password(
                &self.connect()?,
                account,
                settings,
                &secret,
                choice.remember,
            )?;
        }
        self.add_admin_recipients(account)?;
        // The first admin may have just been given the name of who acts.
        let author = self
            .current_admin(now)
            .map(|a| a.name)
            .unwrap_or_else(|_| admin.name.clone());
        self.log_activity(
            now,
            &author,
            Some((production, "Production")),
            ActivityAction::CreatedEnvironment,
            &format!(
                "Created the account {name} ({} {version}) with {filled}; trusted the key of {} (fingerprint {}).",
                new.platform.trim(),
                new.vendor_name.trim(),
                sign::fingerprint(&key)
            ),
        );
        tracing::info!(account, "created an account");
        Ok(account)
    }

    /// The backend a new account's production is made in: this computer's,
    /// or its server once that server is checked (reachable, the password
    /// right, privileges enough) and its database used by no other account.
    fn new_account_backend(
        &self,
        server: Option<&(ServerSettings, Option<Secret>)>,
    ) -> Result<Arc<dyn StoreBackend>> {
        let Some((settings, secret)) = server else {
            return Ok(self.local.clone());
        };
        if let Some(other) = database_taken(&self.connect()?, settings)? {
            return Err(Error::conflict(format!(
                "Nothing was created: the account {} keeps its environments in {} already. Give each account a database of its own (CREATE DATABASE on the server) and name it in the URL.",
                quote(&other),
                settings.display()
            ))
            .at_field("server"));
        }
        settings.check(secret.as_ref()).map_err(|p| {
            Error::from(ServerProblem {
                message: format!("Nothing was created: {}", p.message),
                ..p
            })
            .at_field("server")
        })?;
        Ok(Arc::new(PgBackend::new(settings.clone(), secret.clone())))
    }

    /// The account, its production and its trusted key, in one transaction.
    #[allow(clippy::too_many_arguments)]
    fn record_account(
        &self,
        new: &NewAccount,
        key: &str,
        version: &str,
        (store_kind, store_key): (&str, &str),
        server: Option<&ServerSettings>,
        admin: &Admin,
        now: DateTime<Utc>,
    ) -> Result<(AccountId, i64)> {
        let mut conn = self.connect()?;
        let tx = conn.transaction().context("creating the account")?;
        tx.execute(
            "INSERT INTO accounts (name, platform, time_zone, is_demo, created_at) VALUES (?1, ?2, ?3, 0, ?4)",
            params![new.name.trim(), new.platform.trim(), new.time_zone.trim(), now],
        )
        .map_err(|e| {
            if crate::control::fault::is_unique_violation(&e) {
                Error::conflict(format!(
                    "Nothing was created: an account named \"{}\" was just created. Choose another name.",
                    new.name.trim()
                ))
            } else {
                Error::internal(format!("Could not record the account: {e}."))
            }
        })?;
        let account = tx.last_insert_rowid();
        if let Some(settings) = server {
            record_server(&tx, account, settings)?;
        }
        tx.execute(
            "INSERT INTO environments (account_id, name, kind, version, store_kind, store_key, created_at)
             VALUES (?1, 'Production', 'production', ?2, ?3, ?4, ?5)",
            params![account, version, store_kind, store_key, now],
        )
        .context("recording the account's production")?;
        let production = tx.last_insert_rowid();
        let by = if !new.your_name.trim().is_empty()
            && crate::people::admins::name_first_admin(&tx, &new.your_name)?
        {
            new.your_name.trim().to_string()
        } else {
            admin.name.clone()
        };
        if let Some(settings) = &new.calendar {
            tx.execute(
                "INSERT INTO calendar_settings (account_id, settings) VALUES (?1, ?2)",
                params![
                    account,
                    serde_json::to_string(settings).context("saving the calendar")?
                ],
            )
            .context("saving the calendar")?;
        }
        tx.execute(
            "INSERT INTO trusted_keys (account_id, name, public_key, added_at, added_by) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![account, new.vendor_name.trim(), key, now, by],
        )
        .context("trusting the vendor's key")?;
        tx.commit().context("creating the account")?;
        Ok((account, production))
    }
}
