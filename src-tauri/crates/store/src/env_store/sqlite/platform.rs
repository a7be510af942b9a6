//! The platform side of an upgrade in a SQLite store: release scripts run
//! at most once each (recorded in the transaction that runs them), checks,
//! the platform version, and what changed since a restore point.

use crate::Context;
use chrono::{DateTime, Utc};
use cutover_core::upgrade::RollbackImpact;
use cutover_core::{Error, Result};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use std::path::Path;

/// Runs the scripts of `release` not applied yet, in one transaction that
/// also records them; returns how many ran.
pub fn apply_release_scripts(
    conn: &mut Connection,
    release: &str,
    scripts: &[(String, String)],
    at: DateTime<Utc>,
) -> Result<usize> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .context("applying a release")?;
    let mut ran = 0;
    for (name, sql) in scripts {
        let done: Option<i64> = tx
            .query_row(
                "SELECT 1 FROM platform_applied_scripts WHERE release = ?1 AND name = ?2",
                params![release, name],
                |r| r.get(0),
            )
            .optional()
            .context("reading applied scripts")?;
        if done.is_some() {
            continue;
        }
        super::confine::run_script(&tx, &format!("migrations/{name}"), sql).map_err(|e| {
            Error::new(
                e.kind,
                format!("Migration {name} of {release}: {} The migrations of {release} were not applied.", e.message),
            )
        })?;
        tx.execute(
            "INSERT INTO platform_applied_scripts (release, name, applied_at) VALUES (?1, ?2, ?3)",
            params![release, name, at],
        )
        .context("recording an applied script")?;
        ran += 1;
    }
    tx.commit().context("applying a release")?;
    Ok(ran)
}

/// The checks that return rows, each with the first row it returned.
/// Checks run confined and read-only (`confine::run_check`).
pub fn failing_checks(
    conn: &Connection,
    checks: &[(String, String)],
) -> Result<Vec<(String, String)>> {
    let mut failed = Vec::new();
    for (name, sql) in checks {
        if let Some(cells) = super::confine::run_check(conn, name, sql)? {
            failed.push((name.clone(), cells.join(", ")));
        }
    }
    Ok(failed)
}

pub fn platform_version(conn: &Connection) -> Result<String> {
    conn.query_row(
        "SELECT value FROM platform_meta WHERE key = 'platform_version'",
        [],
        |r| r.get(0),
    )
    .context("reading the platform version")
}

pub fn set_platform_version(conn: &Connection, version: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO platform_meta (key, value) VALUES ('platform_version', ?1)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [version],
    )
    .context("recording the platform version")?;
    Ok(())
}

/// Records that differ from the store saved at `backup` (added, changed or
/// deleted), and definition changes logged since it.
pub fn changes_since(conn: &Connection, backup: &Path) -> Result<RollbackImpact> {
    let doing = "comparing the environment with its restore point";
    conn.execute("ATTACH DATABASE ?1 AS point", [backup.to_string_lossy()])
        .context(doing)?;
    let result = (|| {
        let tables: Vec<String> = crate::control::fault::column(
            conn,
            "SELECT name FROM main.sqlite_master WHERE type = 'table' AND name LIKE 'rec\\_%' ESCAPE '\\'
             UNION SELECT name FROM point.sqlite_master WHERE type = 'table' AND name LIKE 'rec\\_%' ESCAPE '\\'",
            [],
            doing,
        )?;
        let mut records = 0u64;
        for t in tables {
            let columns = |schema: &str| -> Result<Vec<String>> {
                crate::control::fault::column(
                    conn,
                    &format!("SELECT name FROM pragma_table_info('{t}', '{schema}') ORDER BY cid"),
                    [],
                    doing,
                )
            };
            let (now, then) = (columns("main")?, columns("point")?);
            let count = |sql: String| -> Result<u64> {
                conn.query_row(&sql, [], |r| r.get::<_, i64>(0))
                    .map(|n| n as u64)
                    .context(doing)
            };
            records += if now.is_empty() {
                count(format!("SELECT count(*) FROM point.{t}"))?
            } else if then.is_empty() || now != then {
                count(format!("SELECT count(*) FROM main.{t}"))?
            } else {
                count(format!(
                    "SELECT (SELECT count(*) FROM (SELECT * FROM main.{t} EXCEPT SELECT * FROM point.{t}))
                          + (SELECT count(*) FROM point.{t} WHERE id NOT IN (SELECT id FROM main.{t}))"
                ))?
            };
        }
        let definitions: i64 = conn
            .query_row(
                "SELECT count(*) FROM main.platform_changelog
                 WHERE seq > (SELECT coalesce(max(seq), 0) FROM point.platform_changelog)",
                [],
                |r| r.get(0),
            )
            .context(doing)?;
        Ok(RollbackImpact {
            records_changed: records,
            definitions_changed: definitions as u64,
        })
    })();
    conn.execute("DETACH DATABASE point", []).context(doing)?;
    result
}
