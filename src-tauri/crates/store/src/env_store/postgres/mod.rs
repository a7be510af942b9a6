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
//!
//! Being built: backups and restore points, retiring, watching for commits
//! and most of the environment store are not on this backend yet, and say
//! so when asked.

mod defs;
mod schema;
pub mod server;
mod store;
mod values;

pub use server::{Secret, ServerFailure, ServerProblem, ServerReport, ServerSettings, TlsMode};
pub use store::PgStore;

use super::{EnvironmentStore, Point, RetiredEntry, StoreBackend, Watch};
use crate::Context;
use chrono::{DateTime, Utc};
use cutover_core::backup::{CopyProgress, PlatformState};
use cutover_core::upgrade::RollbackImpact;
use cutover_core::{Error, Result};
use postgres::{Client, GenericClient, IsolationLevel};
use schema::{env_schema, ident, partial_schema};
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};

/// Environments kept as schemas of one database on a server.
pub struct PgBackend {
    settings: ServerSettings,
    secret: Option<Secret>,
}

fn not_yet<T>(what: &str) -> Result<T> {
    Err(Error::unavailable(format!(
        "{what} is not available yet for environments on a PostgreSQL server; nothing was changed."
    )))
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

    fn create(&self, key: &str, platform_version: &str) -> Result<Box<dyn EnvironmentStore>> {
        let schema = env_schema(key)?;
        let mut client = self.client()?;
        if schema_exists(&mut client, &schema)? {
            return Err(Error::conflict(format!(
                "An environment store with key {key} already exists."
            )));
        }
        let mut tx = client.transaction().context("creating a store")?;
        schema::create_platform(&mut tx, &schema, platform_version)?;
        tx.commit().context("creating a store")?;
        Ok(Box::new(PgStore::new(client, schema)?))
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
        Ok(Box::new(PgStore::new(client, schema)?))
    }

    fn copy(
        &self,
        source: &str,
        target: &str,
        progress: &dyn Fn(CopyProgress),
        stop: &AtomicBool,
    ) -> Result<()> {
        let (from, to, partial) = (
            env_schema(source)?,
            env_schema(target)?,
            partial_schema(target)?,
        );
        let mut client = self.client()?;
        if schema_exists(&mut client, &to)? {
            return Err(Error::conflict(format!(
                "An environment store with key {target} already exists."
            )));
        }
        if !schema_exists(&mut client, &from)? {
            return Err(Error::not_found(format!(
                "The data store {source} is missing from the server."
            )));
        }
        // One snapshot for every table read: the copy is of one moment of
        // the source, which stays online (readers and writers go on).
        let mut tx = client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .start()
            .context("starting a copy")?;
        tx.batch_execute(&format!(
            "DROP SCHEMA IF EXISTS {} CASCADE",
            ident(&partial)
        ))
        .context("starting a copy")?;
        schema::create_platform(&mut tx, &partial, "")?;
        tx.batch_execute(&format!("DELETE FROM {}.platform_meta", ident(&partial)))
            .context("starting a copy")?;
        let others = schema::other_tables(&mut tx, &from)?;
        let sizes = tx
            .query(
                "SELECT c.relname, (pg_relation_size(c.oid) / 8192)::bigint
                 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = $1 AND c.relkind = 'r'",
                &[&from],
            )
            .context("measuring the source")?;
        let pages_of = |table: &str| -> u32 {
            sizes
                .iter()
                .find(|r| r.get::<_, &str>(0) == table)
                .map_or(0, |r| {
                    r.get::<_, i64>(1).clamp(0, i64::from(u32::MAX / 2)) as u32
                })
                .max(1)
        };
        let tables: Vec<(String, bool)> = schema::PLATFORM_TABLES
            .iter()
            .map(|t| (t.to_string(), false))
            .chain(others.into_iter().map(|t| (t, true)))
            .collect();
        let total: u32 = tables.iter().map(|(t, _)| pages_of(t)).sum();
        let mut done = 0u32;
        progress(CopyProgress::copying(0, total));
        for (table, make) in &tables {
            if stop.load(Ordering::Relaxed) {
                return Err(Error::cancelled(
                    "Stopped before the copy was complete; nothing was kept.",
                ));
            }
            let (src, dst) = (
                format!("{}.{}", ident(&from), ident(table)),
                format!("{}.{}", ident(&partial), ident(table)),
            );
            if *make {
                tx.batch_execute(&format!("CREATE TABLE {dst} (LIKE {src} INCLUDING ALL)"))
                    .context("copying a table's definition")?;
            }
            tx.batch_execute(&format!("INSERT INTO {dst} SELECT * FROM {src}"))
                .context("copying a table's rows")?;
            done += pages_of(table);
            progress(CopyProgress::copying(done, total));
        }
        schema::restart_identities(&mut tx, &partial)?;
        tx.batch_execute(&format!(
            "ALTER SCHEMA {} RENAME TO {}",
            ident(&partial),
            ident(&to)
        ))
        .context("putting the copy in place")?;
        tx.commit().context("committing the copy")
    }

    fn rehearse_point(&self, _key: &str) -> Result<()> {
        not_yet("Timing a restore point")
    }

    fn exists(&self, key: &str) -> Result<bool> {
        schema_exists(&mut self.client()?, &env_schema(key)?)
    }

    fn take_point(
        &self,
        _key: &str,
        _progress: &dyn Fn(CopyProgress),
        _stop: &AtomicBool,
    ) -> Result<Point> {
        not_yet("Taking a backup")
    }

    fn check_point(&self, _name: &str, _digest: &str) -> Result<(), String> {
        Err("Backups are not available yet for environments on a PostgreSQL server.".into())
    }

    fn point_platform(&self, _name: &str) -> Result<PlatformState> {
        not_yet("Reading a backup")
    }

    fn restore_point(
        &self,
        _key: &str,
        _name: &str,
        _progress: &dyn Fn(CopyProgress),
    ) -> Result<()> {
        not_yet("Restoring a backup")
    }

    fn drop_point(&self, _name: &str) -> Result<()> {
        not_yet("Deleting a backup")
    }

    fn drop_points_except(&self, _keep: &HashSet<String>) -> Result<Vec<(String, u64)>> {
        Ok(Vec::new())
    }

    fn changes_since(&self, _key: &str, _name: &str) -> Result<RollbackImpact> {
        not_yet("Comparing with a restore point")
    }

    fn refresh(
        &self,
        _source: &str,
        _target: &str,
        _progress: &dyn Fn(CopyProgress),
        _stop: &AtomicBool,
    ) -> Result<i64> {
        not_yet("Refreshing")
    }

    fn replace(&self, _key: &str, _from: &str, _progress: &dyn Fn(CopyProgress)) -> Result<()> {
        not_yet("Putting a copy back")
    }

    fn retire(&self, _key: &str, _now: DateTime<Utc>) -> Result<()> {
        not_yet("Retiring an environment")
    }

    fn retired(&self) -> Result<Vec<RetiredEntry>> {
        Ok(Vec::new())
    }

    fn purge_retired(&self, _name: &str) -> Result<()> {
        not_yet("Purging a retired environment")
    }

    fn unretire(&self, _name: &str, _key: &str) -> Result<()> {
        not_yet("Bringing back a retired environment")
    }

    fn discard(&self, key: &str) -> Result<()> {
        self.client()?
            .batch_execute(&format!(
                "DROP SCHEMA IF EXISTS {} CASCADE",
                ident(&env_schema(key)?)
            ))
            .context("removing an unfinished store")
    }

    fn watch(&self, _key: &str) -> Result<Box<dyn Watch>> {
        not_yet("Watching for changes")
    }

    fn recover(&self, _recorded: &[String], _now: DateTime<Utc>) -> Result<Vec<String>> {
        Ok(Vec::new())
    }
}
