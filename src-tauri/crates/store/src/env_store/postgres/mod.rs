//! The server backend: an account's environments on a PostgreSQL server.
//!
//! Each environment is a schema of the one database the account names, not
//! a database of its own: PostgreSQL cannot read one database from another,
//! so only within one database can a copy or a backup be taken on the
//! server in one snapshot (`INSERT … SELECT` under repeatable read) while
//! production stays online; `CREATE DATABASE … TEMPLATE` would refuse while
//! anyone is connected to production. A role confined to one schema keeps a
//! package script inside its environment as well as a database would.
//! Copies, backups and restore points are schemas on the same server, never
//! streamed through the desktop.
//!
//! Invariant: a copy is made under a `partial_` schema and renamed to its
//! environment's name in the one transaction that fills it, so a stop at
//! any moment leaves no environment half made (transactional DDL).

mod changelog;
mod confine;
mod copy;
mod defs;
mod designer;
mod export;
mod figures;
mod plan_batch;
mod platform;
mod points;
mod promote;
mod records;
mod roles;
mod schema;
pub mod server;
mod store;
mod values;
mod whole;
mod writes;

pub use server::{Secret, ServerFailure, ServerProblem, ServerReport, ServerSettings, TlsMode};
pub use store::PgStore;

use super::{EnvironmentStore, Point, RetiredEntry, StoreBackend, StoreStats, Watch};
use crate::Context;
use chrono::{DateTime, Utc};
use cutover_core::backup::{CopyProgress, PlatformState};
use cutover_core::upgrade::RollbackImpact;
use cutover_core::{Error, Result};
use postgres::{Client, GenericClient, IsolationLevel};
use schema::env_schema;
use std::collections::HashSet;
use std::sync::atomic::AtomicBool;

/// Environments kept as schemas of one database on a server.
pub struct PgBackend {
    settings: ServerSettings,
    secret: Option<Secret>,
}

fn schema_exists(client: &mut impl GenericClient, schema: &str) -> Result<bool> {
    Ok(client
        .query_opt("SELECT 1 FROM pg_namespace WHERE nspname = $1", &[&schema])
        .context("looking for an environment's schema")?
        .is_some())
}

impl PgBackend {
    /// A backend on the server `settings` names, connecting with `secret`.
    pub fn new(settings: ServerSettings, secret: Option<Secret>) -> Self {
        Self { settings, secret }
    }

    fn client(&self) -> Result<Client> {
        Ok(self.settings.connect(self.secret.as_ref())?)
    }
}

impl StoreBackend for PgBackend {
    fn kind(&self) -> &'static str {
        "postgresql"
    }

    fn free_space(&self) -> Result<Option<u64>> {
        Ok(None)
    }

    fn writer_roles(&self) -> Option<&dyn super::roles::WriterRoles> {
        Some(self)
    }

    /// Every store's figures through one connection, without opening the
    /// stores (no role switch, no runner): one catalog query each.
    fn figures_of(&self, keys: &[&str]) -> Result<Vec<Result<StoreStats>>> {
        let mut client = self.client()?;
        Ok(keys
            .iter()
            .map(|key| {
                let schema = env_schema(key)?;
                if !schema_exists(&mut client, &schema)? {
                    return Err(Error::not_found(format!(
                        "The data store of this environment is missing from the server (schema {schema} of {}). Restore it from a backup or delete the environment.",
                        self.settings.display()
                    )));
                }
                figures::figures_in(&mut client, &schema)
            })
            .collect())
    }

    fn create(&self, key: &str, platform_version: &str) -> Result<Box<dyn EnvironmentStore>> {
        let schema = env_schema(key)?;
        let mut client = self.client()?;
        if schema_exists(&mut client, &schema)? {
            return Err(Error::conflict(format!(
                "An environment store with key {key} already exists."
            )));
        }
        let role = schema::role_of(key)?;
        let mut tx = client.transaction().context("creating a store")?;
        schema::ensure_role(&mut tx, &role)?;
        schema::create_platform(&mut tx, &schema, platform_version)?;
        schema::give_to(&mut tx, &schema, &role)?;
        tx.commit().context("creating a store")?;
        Ok(Box::new(PgStore::new(client, schema, role)?))
    }

    fn open(&self, key: &str) -> Result<Box<dyn EnvironmentStore>> {
        let schema = env_schema(key)?;
        let mut client = self.client()?;
        if !schema_exists(&mut client, &schema)? {
            return Err(Error::not_found(format!(
                "The data store of this environment is missing from the server (schema {schema} of {}). Restore it from a backup or delete the environment.",
                self.settings.display()
            )));
        }
        Ok(Box::new(PgStore::new(
            client,
            schema,
            schema::role_of(key)?,
        )?))
    }

    fn copy(
        &self,
        source: &str,
        target: &str,
        progress: &dyn Fn(CopyProgress),
        stop: &AtomicBool,
    ) -> Result<()> {
        let (from, to) = (env_schema(source)?, env_schema(target)?);
        let mut client = self.client()?;
        // One snapshot for every table read: the copy is of one moment of
        // the source, which stays online (readers and writers go on).
        let mut tx = client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .start()
            .context("starting a copy")?;
        if schema_exists(&mut tx, &to)? {
            return Err(Error::conflict(format!(
                "An environment store with key {target} already exists."
            )));
        }
        if !schema_exists(&mut tx, &from)? {
            return Err(Error::not_found(format!(
                "The data store {source} is missing from the server."
            )));
        }
        let role = schema::role_of(target)?;
        schema::ensure_role(&mut tx, &role)?;
        copy::copy_into(&mut tx, &from, &to, progress, stop)?;
        schema::give_to(&mut tx, &to, &role)?;
        tx.commit().context("committing the copy")
    }

    fn rehearse_point(&self, key: &str) -> Result<()> {
        copy::digest(&mut self.client()?, &env_schema(key)?).map(|_| ())
    }

    fn exists(&self, key: &str) -> Result<bool> {
        schema_exists(&mut self.client()?, &env_schema(key)?)
    }

    fn take_point(
        &self,
        key: &str,
        progress: &dyn Fn(CopyProgress),
        stop: &AtomicBool,
    ) -> Result<Point> {
        self.take_point_schema(key, progress, stop)
    }

    fn makes_point(&self, name: &str) -> bool {
        points::is_point(name)
    }

    fn check_point(&self, name: &str, digest: &str) -> Result<(), String> {
        self.check_point_schema(name, digest)
    }

    fn point_platform(&self, name: &str) -> Result<PlatformState> {
        self.point_platform_schema(name)
    }

    fn send_point(
        &self,
        name: &str,
        to: &mut dyn crate::env_store::whole::WholeSink,
    ) -> Result<()> {
        self.send_point_schema(name, to)
    }

    fn restore_point(&self, key: &str, name: &str, progress: &dyn Fn(CopyProgress)) -> Result<()> {
        self.restore_point_schema(key, name, progress)
    }

    fn drop_point(&self, name: &str) -> Result<()> {
        if !name.starts_with("point_") {
            return Err(Error::invalid(format!("\"{name}\" is not a backup.")));
        }
        self.drop_schema(name)
    }

    fn drop_points_except(&self, keep: &HashSet<String>) -> Result<Vec<(String, u64)>> {
        self.drop_points_except_schemas(keep)
    }

    fn changes_since(&self, key: &str, name: &str) -> Result<RollbackImpact> {
        self.changes_since_schema(key, name)
    }

    fn refresh(
        &self,
        source: &str,
        target: &str,
        progress: &dyn Fn(CopyProgress),
        stop: &AtomicBool,
    ) -> Result<i64> {
        self.replace_with(target, &env_schema(source)?, true, progress, stop)
    }

    fn replace(&self, key: &str, from: &str, progress: &dyn Fn(CopyProgress)) -> Result<()> {
        self.replace_with(
            key,
            &env_schema(from)?,
            false,
            progress,
            &AtomicBool::new(false),
        )
        .map(|_| ())
    }

    fn retire(&self, key: &str, now: DateTime<Utc>) -> Result<()> {
        self.retire_schema(key, now)
    }

    fn retired(&self) -> Result<Vec<RetiredEntry>> {
        self.retired_schemas()
    }

    fn purge_retired(&self, name: &str) -> Result<()> {
        self.purge_retired_schema(name)
    }

    fn unretire(&self, name: &str, key: &str) -> Result<()> {
        self.unretire_schema(name, key)
    }

    fn discard(&self, key: &str) -> Result<()> {
        self.drop_schema(&env_schema(key)?)?;
        schema::drop_role(&mut self.client()?, &schema::role_of(key)?);
        Ok(())
    }

    fn watch(&self, key: &str) -> Result<Box<dyn Watch>> {
        let schema = env_schema(key)?;
        let mut client = self.client()?;
        if !schema_exists(&mut client, &schema)? {
            return Err(Error::not_found(format!(
                "The data store {key} is missing from the server."
            )));
        }
        client
            .batch_execute(&format!(
                "SET ROLE {}",
                schema::ident(&schema::role_of(key)?)
            ))
            .context("acting as the environment's role")?;
        writes::count_writes(&mut client, &schema)?;
        let start = writes::writes(&mut client, &schema)?;
        Ok(Box::new(WriteWatch {
            client: std::sync::Mutex::new(client),
            schema,
            start,
        }))
    }

    fn recover(&self, recorded: &[String], now: DateTime<Utc>) -> Result<Vec<String>> {
        self.recover_schemas(recorded, now)
    }
}

/// Watches the count of writing transactions committed to the environment
/// (see [`writes`]): any writer moves it, Cutover's own backups (another
/// schema) do not. Unknown at either end counts as changed.
struct WriteWatch {
    client: std::sync::Mutex<Client>,
    schema: String,
    start: Option<i64>,
}

impl Watch for WriteWatch {
    fn changed(&self) -> Result<bool> {
        let Some(start) = self.start else {
            return Ok(true);
        };
        let mut client = self
            .client
            .lock()
            .map_err(|_| Error::internal("A watch was poisoned."))?;
        Ok(writes::writes(&mut *client, &self.schema)? != Some(start))
    }
}
