//! Installing and removing extensions in a SQLite environment store: each
//! runs its scripts and updates `platform_extensions` in one transaction,
//! so a failing script leaves the store exactly as it was.

use crate::Context;
use cutover_core::extension::InstalledExtension;
use cutover_core::{Error, Result};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

pub fn installed(conn: &Connection) -> Result<Vec<InstalledExtension>> {
    let mut stmt = conn
        .prepare(
            "SELECT name, version, platform_from, platform_before, depends_on, adds, installed_at, installed_by
             FROM platform_extensions ORDER BY name",
        )
        .context("reading installed extensions")?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get(6)?,
                r.get::<_, String>(7)?,
            ))
        })
        .context("reading installed extensions")?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("reading installed extensions")?;
    rows.into_iter()
        .map(
            |(
                name,
                version,
                platform_from,
                platform_before,
                depends_on,
                adds,
                installed_at,
                installed_by,
            )| {
                Ok(InstalledExtension {
                    name,
                    version,
                    platform_from,
                    platform_before,
                    depends_on: serde_json::from_str(&depends_on)
                        .context("reading an extension")?,
                    adds: serde_json::from_str(&adds).context("reading an extension")?,
                    installed_at,
                    installed_by,
                })
            },
        )
        .collect()
}

fn run(tx: &Connection, what: &str, scripts: &[(String, String)]) -> Result<()> {
    for (file, sql) in scripts {
        super::confine::run_script(tx, file, sql).map_err(|e| {
            Error::new(
                e.kind,
                format!("{what}: {} Nothing was changed.", e.message),
            )
        })?;
    }
    Ok(())
}

pub fn install(
    conn: &mut Connection,
    ext: &InstalledExtension,
    install: &[(String, String)],
    uninstall: &[(String, String)],
) -> Result<()> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .context("installing an extension")?;
    run(
        &tx,
        &format!("Installing {} {}", ext.name, ext.version),
        install,
    )?;
    tx.execute(
        "INSERT INTO platform_extensions (name, version, platform_from, platform_before, depends_on, adds, uninstall, installed_at, installed_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            ext.name,
            ext.version,
            ext.platform_from,
            ext.platform_before,
            serde_json::to_string(&ext.depends_on).context("recording the extension")?,
            serde_json::to_string(&ext.adds).context("recording the extension")?,
            serde_json::to_string(uninstall).context("recording the extension")?,
            ext.installed_at,
            ext.installed_by
        ],
    )
    .map_err(|e| {
        if crate::control::fault::is_unique_violation(&e) {
            Error::conflict(format!("{} is already installed here.", ext.name))
        } else {
            Error::internal(format!("Could not record the extension: {e}."))
        }
    })?;
    tx.commit().context("installing an extension")
}

pub fn uninstall(conn: &mut Connection, name: &str) -> Result<()> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .context("uninstalling an extension")?;
    let (version, scripts): (String, String) = tx
        .query_row(
            "SELECT version, uninstall FROM platform_extensions WHERE name = ?1",
            [name],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .context("reading the extension")?
        .ok_or_else(|| Error::not_found(format!("{name} is not installed here.")))?;
    let scripts: Vec<(String, String)> =
        serde_json::from_str(&scripts).context("reading the uninstall scripts")?;
    run(&tx, &format!("Uninstalling {name} {version}"), &scripts)?;
    tx.execute("DELETE FROM platform_extensions WHERE name = ?1", [name])
        .context("forgetting the extension")?;
    tx.commit().context("uninstalling an extension")
}
