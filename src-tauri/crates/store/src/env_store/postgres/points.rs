//! Backups, restore points, refreshes, retired environments and start-up
//! recovery on the server: each kept store is a schema of the account's
//! database, named by what it is (`point_<uuid>`, `retired_<key>_<unix
//! seconds>`), so nothing is streamed through the desktop and its disk is
//! never needed.
//!
//! Invariant: every operation that replaces an environment's contents
//! (restore, refresh, putting a snapshot back) makes the new contents
//! under a `partial_` name, drops the old schema and renames the new one
//! in one transaction: interrupted, the environment keeps its old contents
//! whole; committed, every table of it changed at once.

use super::copy::{self, copy_into};
use super::schema::{env_schema, ident, partial_schema};
use super::{schema_exists, PgBackend};
use crate::env_store::{Point, RetiredEntry};
use crate::Context;
use chrono::{DateTime, Utc};
use cutover_core::backup::{CopyProgress, CopyStage, PlatformState};
use cutover_core::upgrade::RollbackImpact;
use cutover_core::{Error, Result};
use postgres::{GenericClient, IsolationLevel, Transaction};
use std::collections::HashSet;
use std::sync::atomic::AtomicBool;

/// A point's schema, refusing names Cutover did not make.
fn point_schema(name: &str) -> Result<&str> {
    let plain = name
        .strip_prefix("point_")
        .is_some_and(|id| id.len() == 32 && id.chars().all(|c| c.is_ascii_hexdigit()));
    if plain {
        Ok(name)
    } else {
        Err(Error::invalid(format!("\"{name}\" is not a backup.")))
    }
}

/// Whether `name` is a backup's schema name.
pub(super) fn is_point(name: &str) -> bool {
    point_schema(name).is_ok()
}

/// A retired schema's name, refusing names Cutover did not make.
fn retired_schema(name: &str) -> Result<(&str, DateTime<Utc>)> {
    name.strip_prefix("retired_")
        .and_then(|rest| rest.rsplit_once('_'))
        .and_then(|(key, stamp)| {
            let at = DateTime::from_timestamp(stamp.parse().ok()?, 0)?;
            super::schema::is_store_name(key).then_some((key, at))
        })
        .ok_or_else(|| Error::invalid(format!("\"{name}\" is not a retired store.")))
}

fn schemas_like(client: &mut impl GenericClient, prefix: &str) -> Result<Vec<String>> {
    Ok(client
        .query(
            "SELECT nspname::text FROM pg_namespace WHERE starts_with(nspname, $1) ORDER BY nspname",
            &[&prefix],
        )
        .context("listing schemas")?
        .iter()
        .map(|r| r.get(0))
        .collect())
}

impl PgBackend {
    fn snapshot_transaction<'a>(
        &self,
        client: &'a mut postgres::Client,
    ) -> Result<Transaction<'a>> {
        client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .start()
            .context("starting a transaction")
    }

    pub(super) fn take_point_schema(
        &self,
        key: &str,
        progress: &dyn Fn(CopyProgress),
        stop: &AtomicBool,
    ) -> Result<Point> {
        let from = env_schema(key)?;
        let name = format!("point_{}", uuid::Uuid::new_v4().simple());
        let mut client = self.client()?;
        let mut tx = self.snapshot_transaction(&mut client)?;
        if !schema_exists(&mut tx, &from)? {
            return Err(Error::not_found(format!(
                "The data store {key} is missing from the server."
            )));
        }
        copy_into(&mut tx, &from, &name, progress, stop)?;
        let point = Point {
            digest: copy::digest(&mut tx, &name)?,
            size_bytes: copy::size_of(&mut tx, &name)?,
            platform: copy::platform_of(&mut tx, &name)?,
            records: copy::records_in(&mut tx, &name)?,
            name,
        };
        tx.commit().context("keeping the backup")?;
        Ok(point)
    }

    pub(super) fn check_point_schema(&self, name: &str, digest: &str) -> Result<(), String> {
        let name = point_schema(name).map_err(|e| e.message)?;
        let mut client = self.client().map_err(|e| e.message)?;
        if !schema_exists(&mut client, name).map_err(|e| e.message)? {
            return Err(format!(
                "It is missing from the server ({}).",
                self.settings.display()
            ));
        }
        let actual = copy::digest(&mut client, name).map_err(|e| e.message)?;
        if actual != digest {
            return Err(
                "It has changed on the server since it was taken (the digest differs).".into(),
            );
        }
        Ok(())
    }

    pub(super) fn send_point_schema(
        &self,
        name: &str,
        to: &mut dyn crate::env_store::whole::WholeSink,
    ) -> Result<()> {
        let schema = point_schema(name)?;
        let mut client = self.client()?;
        client
            .batch_execute(&format!("SET search_path TO {}", ident(schema)))
            .context("opening a backup to move it")?;
        super::whole::send(&mut client, schema, to)
    }

    pub(super) fn point_platform_schema(&self, name: &str) -> Result<PlatformState> {
        copy::platform_of(&mut self.client()?, point_schema(name)?)
    }

    /// Replaces environment `key` with a copy of schema `from`, marked as
    /// copied when `mark`; returns the copy point (0 unmarked).
    pub(super) fn replace_with(
        &self,
        key: &str,
        from: &str,
        mark: bool,
        progress: &dyn Fn(CopyProgress),
        stop: &AtomicBool,
    ) -> Result<i64> {
        let (target, partial) = (env_schema(key)?, partial_schema(key)?);
        let mut client = self.client()?;
        let mut tx = self.snapshot_transaction(&mut client)?;
        for (schema, what) in [
            (&target, "environment"),
            (&from.to_string(), "copy's source"),
        ] {
            if !schema_exists(&mut tx, schema)? {
                return Err(Error::not_found(format!(
                    "The {what} {schema} is missing from the server."
                )));
            }
        }
        tx.batch_execute(&format!(
            "DROP SCHEMA IF EXISTS {} CASCADE",
            ident(&partial)
        ))
        .context("starting a replacement")?;
        copy_into(&mut tx, from, &partial, progress, stop)?;
        let base = if mark {
            let last: i64 = tx
                .query_one(
                    &format!(
                        "SELECT coalesce(max(seq), 0) FROM {}.platform_changelog",
                        ident(&partial)
                    ),
                    &[],
                )
                .context("marking the copy")?
                .get(0);
            tx.execute(
                &format!(
                    "INSERT INTO {}.platform_meta (key, value) VALUES ('promoted_through', $1), ('production_seen', $1)
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    ident(&partial)
                ),
                &[&last.to_string()],
            )
            .context("marking the copy")?;
            last
        } else {
            0
        };
        super::schema::give_to(&mut tx, &partial, &super::schema::role_of(key)?)?;
        super::schema::carry_grants(&mut tx, &target, &partial)?;
        progress(CopyProgress::copying(1, 1).in_stage(CopyStage::Replacing));
        tx.batch_execute(&format!(
            "DROP SCHEMA {t} CASCADE; ALTER SCHEMA {p} RENAME TO {t};",
            t = ident(&target),
            p = ident(&partial)
        ))
        .context("putting the new contents in place")?;
        tx.commit().context("committing the replacement")?;
        Ok(base)
    }

    pub(super) fn restore_point_schema(
        &self,
        key: &str,
        name: &str,
        progress: &dyn Fn(CopyProgress),
    ) -> Result<()> {
        let replacing = |p: CopyProgress| progress(p.in_stage(CopyStage::Replacing));
        self.replace_with(
            key,
            point_schema(name)?,
            false,
            &replacing,
            &AtomicBool::new(false),
        )
        .map(|_| ())
    }

    pub(super) fn drop_schema(&self, name: &str) -> Result<()> {
        self.client()?
            .batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", ident(name)))
            .context("deleting a schema on the server")
    }

    pub(super) fn drop_points_except_schemas(
        &self,
        keep: &HashSet<String>,
    ) -> Result<Vec<(String, u64)>> {
        let mut client = self.client()?;
        let mut dropped = Vec::new();
        for name in schemas_like(&mut client, "point_")? {
            if keep.contains(&name) || point_schema(&name).is_err() {
                continue;
            }
            let size = copy::size_of(&mut client, &name)?;
            client
                .batch_execute(&format!("DROP SCHEMA {} CASCADE", ident(&name)))
                .context("removing an unrecorded backup")?;
            dropped.push((name, size));
        }
        Ok(dropped)
    }

    /// Records of `key` that differ from point `name` (added, changed or
    /// deleted), and definition changes logged since it.
    pub(super) fn changes_since_schema(&self, key: &str, name: &str) -> Result<RollbackImpact> {
        let doing = "comparing the environment with its restore point";
        let (now_schema, then_schema) = (env_schema(key)?, point_schema(name)?.to_string());
        let mut client = self.client()?;
        let mut tx = self.snapshot_transaction(&mut client)?;
        let tables: Vec<String> = tx
            .query(
                "SELECT DISTINCT tablename::text FROM pg_tables
                 WHERE schemaname IN ($1, $2) AND tablename LIKE 'rec\\_%'",
                &[&now_schema, &then_schema],
            )
            .context(doing)?
            .iter()
            .map(|r| r.get(0))
            .collect();
        let mut records = 0u64;
        for t in tables {
            let columns = |tx: &mut Transaction, schema: &str| -> Result<Vec<String>> {
                Ok(tx
                    .query(
                        "SELECT column_name || ' ' || data_type FROM information_schema.columns
                         WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position",
                        &[&schema, &t],
                    )
                    .context(doing)?
                    .iter()
                    .map(|r| r.get(0))
                    .collect())
            };
            let (now, then) = (
                columns(&mut tx, &now_schema)?,
                columns(&mut tx, &then_schema)?,
            );
            let (n, p) = (
                format!("{}.{}", ident(&now_schema), ident(&t)),
                format!("{}.{}", ident(&then_schema), ident(&t)),
            );
            let sql = if now.is_empty() {
                format!("SELECT count(*) FROM {p}")
            } else if then.is_empty() || now != then {
                format!("SELECT count(*) FROM {n}")
            } else {
                format!(
                    "SELECT (SELECT count(*) FROM (SELECT * FROM {n} EXCEPT SELECT * FROM {p}) d)
                          + (SELECT count(*) FROM {p} WHERE id NOT IN (SELECT id FROM {n}))"
                )
            };
            let count: i64 = tx.query_one(&sql, &[]).context(doing)?.get(0);
            records += count as u64;
        }
        let definitions: i64 = tx
            .query_one(
                &format!(
                    "SELECT count(*) FROM {}.platform_changelog
                     WHERE seq > (SELECT coalesce(max(seq), 0) FROM {}.platform_changelog)",
                    ident(&now_schema),
                    ident(&then_schema)
                ),
                &[],
            )
            .context(doing)?
            .get(0);
        Ok(RollbackImpact {
            records_changed: records,
            definitions_changed: definitions as u64,
        })
    }

    pub(super) fn retire_schema(&self, key: &str, now: DateTime<Utc>) -> Result<()> {
        let from = env_schema(key)?;
        let to = format!(
            "retired_{}_{}",
            super::schema::store_name(key)?,
            now.timestamp()
        );
        let mut client = self.client()?;
        if schema_exists(&mut client, &from)? {
            client
                .batch_execute(&format!(
                    "ALTER SCHEMA {} RENAME TO {}",
                    ident(&from),
                    ident(&to)
                ))
                .context("retiring a store")?;
        }
        Ok(())
    }

    pub(super) fn retired_schemas(&self) -> Result<Vec<RetiredEntry>> {
        let mut client = self.client()?;
        let mut out = Vec::new();
        for name in schemas_like(&mut client, "retired_")? {
            let Ok((key, at)) = retired_schema(&name) else {
                continue;
            };
            out.push(RetiredEntry {
                key: key.to_string(),
                size_bytes: copy::size_of(&mut client, &name)?,
                retired_at: at,
                name: name.clone(),
            });
        }
        out.sort_by(|a, b| (a.retired_at, &a.name).cmp(&(b.retired_at, &b.name)));
        Ok(out)
    }

    pub(super) fn purge_retired_schema(&self, name: &str) -> Result<()> {
        let (key, _) = retired_schema(name)?;
        let mut client = self.client()?;
        if !schema_exists(&mut client, name)? {
            return Err(Error::not_found(format!(
                "{name} is no longer on the server. Reload the Storage view."
            )));
        }
        client
            .batch_execute(&format!("DROP SCHEMA {} CASCADE", ident(name)))
            .context("purging a retired store")?;
        if !schema_exists(&mut client, &env_schema(key)?)? {
            super::schema::drop_role(&mut client, &super::schema::role_of(key)?);
        }
        Ok(())
    }

    pub(super) fn unretire_schema(&self, name: &str, key: &str) -> Result<()> {
        retired_schema(name)?;
        let to = env_schema(key)?;
        let mut client = self.client()?;
        if schema_exists(&mut client, &to)? {
            return Err(Error::conflict(format!(
                "An environment store with key {key} already exists."
            )));
        }
        if !schema_exists(&mut client, name)? {
            return Err(Error::not_found(format!(
                "{name} could not be brought back: it is no longer on the server. Reload the Storage view."
            )));
        }
        let role = super::schema::role_of(key)?;
        let mut tx = client
            .transaction()
            .context("bringing a retired store back")?;
        super::schema::ensure_role(&mut tx, &role)?;
        tx.batch_execute(&format!(
            "ALTER SCHEMA {} RENAME TO {}",
            ident(name),
            ident(&to)
        ))
        .context("bringing a retired store back")?;
        super::schema::give_to(&mut tx, &to, &role)?;
        tx.commit().context("bringing a retired store back")
    }

    pub(super) fn recover_schemas(
        &self,
        recorded: &[String],
        now: DateTime<Utc>,
    ) -> Result<Vec<String>> {
        let mut client = self.client()?;
        for partial in schemas_like(&mut client, "partial_")? {
            tracing::warn!(schema = %partial, "removing an unfinished copy");
            client
                .batch_execute(&format!("DROP SCHEMA {} CASCADE", ident(&partial)))
                .context("removing an unfinished copy")?;
        }
        let recorded: HashSet<String> = recorded
            .iter()
            .filter_map(|k| super::schema::store_name(k).ok())
            .collect();
        let mut retired = Vec::new();
        for schema in schemas_like(&mut client, "env_")? {
            let key = schema.trim_start_matches("env_").to_string();
            if recorded.contains(&key) {
                continue;
            }
            tracing::warn!(key, "retiring a store that no environment records");
            self.retire_schema(&key, now)?;
            retired.push(key);
        }
        Ok(retired)
    }
}
