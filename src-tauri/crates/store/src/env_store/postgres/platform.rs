//! The platform side of an upgrade and of extensions on a server: release
//! scripts run at most once each (recorded in the transaction that runs
//! them), checks, and extensions installed and removed with their scripts,
//! every script confined (`confine.rs`).

use super::confine::{run_check, run_script};
use crate::Context;
use chrono::{DateTime, Utc};
use cutover_core::extension::InstalledExtension;
use cutover_core::{Error, Result};
use postgres::{Client, GenericClient};

/// Runs the scripts of `release` not applied yet, in one transaction that
/// also records them; returns how many ran.
pub(super) fn apply_release_scripts(
    client: &mut Client,
    release: &str,
    scripts: &[(String, String)],
    at: DateTime<Utc>,
) -> Result<usize> {
    let mut tx = client.transaction().context("applying a release")?;
    let mut ran = 0;
    for (name, sql) in scripts {
        let done = tx
            .query_opt(
                "SELECT 1 FROM platform_applied_scripts WHERE release = $1 AND name = $2",
                &[&release, name],
            )
            .context("reading applied scripts")?
            .is_some();
        if done {
            continue;
        }
        run_script(&mut tx, &format!("migrations/{name}"), sql).map_err(|e| {
            Error::new(
                e.kind,
                format!(
                    "Migration {name} of {release}: {} The migrations of {release} were not applied.",
                    e.message
                ),
            )
        })?;
        tx.execute(
            "INSERT INTO platform_applied_scripts (release, name, applied_at) VALUES ($1, $2, $3)",
            &[&release, name, &at],
        )
        .context("recording an applied script")?;
        ran += 1;
    }
    tx.commit().context("applying a release")?;
    Ok(ran)
}

/// The checks that return rows, each with the first row it returned.
pub(super) fn failing_checks(
    client: &mut Client,
    checks: &[(String, String)],
) -> Result<Vec<(String, String)>> {
    let mut failed = Vec::new();
    for (name, sql) in checks {
        if let Some(row) = run_check(client, name, sql)? {
            failed.push((name.clone(), row));
        }
    }
    Ok(failed)
}

/// The extensions recorded in `table` (`platform_extensions`, or a
/// backup's, qualified by its schema).
pub(super) fn installed(
    client: &mut impl GenericClient,
    table: &str,
) -> Result<Vec<InstalledExtension>> {
    let doing = "reading installed extensions";
    client
        .query(
            &format!(
                "SELECT name, version, platform_from, platform_before, depends_on, adds, installed_at, installed_by
                 FROM {table} ORDER BY name"
            ),
            &[],
        )
        .context(doing)?
        .iter()
        .map(|r| {
            Ok(InstalledExtension {
                name: r.get(0),
                version: r.get(1),
                platform_from: r.get(2),
                platform_before: r.get(3),
                depends_on: serde_json::from_str(r.get(4)).context(doing)?,
                adds: serde_json::from_str(r.get(5)).context(doing)?,
                installed_at: r.get(6),
                installed_by: r.get(7),
            })
        })
        .collect()
}

fn run(tx: &mut impl GenericClient, what: &str, scripts: &[(String, String)]) -> Result<()> {
    for (file, sql) in scripts {
        run_script(tx, file, sql).map_err(|e| {
            Error::new(
                e.kind,
                format!("{what}: {} Nothing was changed.", e.message),
            )
        })?;
    }
    Ok(())
}

pub(super) fn install(
    client: &mut Client,
    ext: &InstalledExtension,
    install: &[(String, String)],
    uninstall: &[(String, String)],
) -> Result<()> {
    let doing = "installing an extension";
    let mut tx = client.transaction().context(doing)?;
    run(
        &mut tx,
        &format!("Installing {} {}", ext.name, ext.version),
        install,
    )?;
    tx.execute(
        "INSERT INTO platform_extensions (name, version, platform_from, platform_before, depends_on, adds, uninstall, installed_at, installed_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        &[
            &ext.name,
            &ext.version,
            &ext.platform_from,
            &ext.platform_before,
            &serde_json::to_string(&ext.depends_on).context(doing)?,
            &serde_json::to_string(&ext.adds).context(doing)?,
            &serde_json::to_string(uninstall).context(doing)?,
            &ext.installed_at,
            &ext.installed_by,
        ],
    )
    .map_err(|e| {
        if super::defs::is_unique_violation(&e) {
            Error::conflict(format!("{} is already installed here.", ext.name))
        } else {
            Error::internal(format!("Could not record the extension: {e}."))
        }
    })?;
    tx.commit().context(doing)
}

pub(super) fn uninstall(client: &mut Client, name: &str) -> Result<()> {
    let doing = "uninstalling an extension";
    let mut tx = client.transaction().context(doing)?;
    let row = tx
        .query_opt(
            "SELECT version, uninstall FROM platform_extensions WHERE name = $1",
            &[&name],
        )
        .context(doing)?
        .ok_or_else(|| Error::not_found(format!("{name} is not installed here.")))?;
    let (version, scripts): (String, String) = (row.get(0), row.get(1));
    let scripts: Vec<(String, String)> =
        serde_json::from_str(&scripts).context("reading the uninstall scripts")?;
    run(&mut tx, &format!("Uninstalling {name} {version}"), &scripts)?;
    tx.execute("DELETE FROM platform_extensions WHERE name = $1", &[&name])
        .context("forgetting the extension")?;
    tx.commit().context(doing)
}
