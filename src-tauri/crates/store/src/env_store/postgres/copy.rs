//! Copying an environment's schema on the server, and what a copy is
//! checked by.
//!
//! A copy is made by the server from one snapshot (`INSERT … SELECT` in a
//! repeatable-read transaction), never streamed through the desktop, while
//! the source stays online: readers and writers of the source are not
//! blocked. It is decided to be this way (not `pg_dump`, not
//! `CREATE DATABASE … TEMPLATE`) because only it copies from a live source
//! on the server itself in a transaction that also puts the copy in place.

use super::schema::{self, ident, PLATFORM_TABLES};
use crate::Context;
use cutover_core::backup::{CopyProgress, PlatformState};
use cutover_core::{Error, Result};
use postgres::GenericClient;
use sha2::{Digest, Sha256};
use std::sync::atomic::{AtomicBool, Ordering};

/// Makes schema `to` (which must not exist) a copy of schema `from`, inside
/// the caller's transaction, which should be repeatable read: platform
/// tables are made by the platform schema and filled in reference order,
/// every other table (records, extensions' tables) made like its source.
/// Setting `stop` ends it `cancelled`; the caller's transaction then
/// leaves nothing.
pub(super) fn copy_into(
    tx: &mut impl GenericClient,
    from: &str,
    to: &str,
    progress: &dyn Fn(CopyProgress),
    stop: &AtomicBool,
) -> Result<()> {
    schema::create_platform(tx, to, "")?;
    tx.batch_execute(&format!("DELETE FROM {}.platform_meta", ident(to)))
        .context("starting a copy")?;
    let others = schema::other_tables(tx, from)?;
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
                r.get::<_, i64>(1).clamp(0, i64::from(u32::MAX / 4)) as u32
            })
            .max(1)
    };
    let tables: Vec<(String, bool)> = PLATFORM_TABLES
        .iter()
        .map(|t| (t.to_string(), false))
        .chain(others.into_iter().map(|t| (t, true)))
        .collect();
    let total: u32 = tables
        .iter()
        .map(|(t, _)| pages_of(t))
        .fold(0, u32::saturating_add);
    let mut done = 0u32;
    progress(CopyProgress::copying(0, total));
    for (table, make) in &tables {
        if stop.load(Ordering::Relaxed) {
            return Err(Error::cancelled(
                "Stopped before the copy was complete; nothing was kept.",
            ));
        }
        let (src, dst) = (
            format!("{}.{}", ident(from), ident(table)),
            format!("{}.{}", ident(to), ident(table)),
        );
        if *make {
            tx.batch_execute(&format!("CREATE TABLE {dst} (LIKE {src} INCLUDING ALL)"))
                .context("copying a table's definition")?;
        }
        tx.batch_execute(&format!("INSERT INTO {dst} SELECT * FROM {src}"))
            .context("copying a table's rows")?;
        done = done.saturating_add(pages_of(table));
        progress(CopyProgress::copying(done.min(total), total));
    }
    // The copy has the current platform schema, whatever its source had;
    // its changelog's trigger counted the entries copied.
    schema::set_version(tx, to)?;
    schema::restart_identities(tx, to)
}

/// A digest of what schema `name` holds: every table's columns, row count
/// and an order-independent sum of its rows' 64-bit hashes, computed by the
/// server (nothing is streamed). It tells whether a backup changed since it
/// was taken; it is not a cryptographic seal against someone who can write
/// to the server.
pub(super) fn digest(client: &mut impl GenericClient, name: &str) -> Result<String> {
    let doing = "computing a backup's digest";
    let tables: Vec<String> = client
        .query(
            "SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename",
            &[&name],
        )
        .context(doing)?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let mut hasher = Sha256::new();
    for table in tables {
        let columns: Vec<String> = client
            .query(
                "SELECT column_name || ' ' || data_type FROM information_schema.columns
                 WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position",
                &[&name, &table],
            )
            .context(doing)?
            .iter()
            .map(|r| r.get(0))
            .collect();
        let row = client
            .query_one(
                &format!(
                    "SELECT count(*), coalesce(sum(hashtextextended(t::text, 0)), 0)::text FROM {}.{} t",
                    ident(name),
                    ident(&table)
                ),
                &[],
            )
            .context(doing)?;
        let (count, sum): (i64, String) = (row.get(0), row.get(1));
        hasher.update(format!("{table}({}) {count} {sum}\n", columns.join(", ")));
    }
    Ok(format!("{:x}", hasher.finalize()))
}

/// The bytes schema `name` takes on the server, indexes included.
pub(super) fn size_of(client: &mut impl GenericClient, name: &str) -> Result<u64> {
    let bytes: i64 = client
        .query_one(
            "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = $1 AND c.relkind = 'r'",
            &[&name],
        )
        .context("measuring a schema")?
        .get(0);
    Ok(bytes.max(0) as u64)
}

/// How many records schema `name` holds, in all its record tables.
pub(super) fn records_in(client: &mut impl GenericClient, name: &str) -> Result<u64> {
    let ids: Vec<i64> = client
        .query(
            &format!("SELECT id FROM {}.platform_tables", ident(name)),
            &[],
        )
        .context("listing a backup's tables")?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let mut total = 0u64;
    for id in ids {
        let n: i64 = client
            .query_one(
                &format!(
                    "SELECT count(*) FROM {}.{}",
                    ident(name),
                    ident(&format!("rec_{id}"))
                ),
                &[],
            )
            .context("counting a backup's records")?
            .get(0);
        total += n as u64;
    }
    Ok(total)
}

/// The platform version and extensions schema `name` holds.
pub(super) fn platform_of(client: &mut impl GenericClient, name: &str) -> Result<PlatformState> {
    let doing = "reading a backup's platform";
    let version: String = client
        .query_opt(
            &format!(
                "SELECT value FROM {}.platform_meta WHERE key = 'platform_version'",
                ident(name)
            ),
            &[],
        )
        .context(doing)?
        .map(|r| r.get(0))
        .unwrap_or_default();
    let extensions =
        super::platform::installed(client, &format!("{}.platform_extensions", ident(name)))?;
    Ok(PlatformState::new(version, extensions))
}
