//! The control database (opening it safely and migrating its schema), how
//! storage faults become user-facing errors (`fault`), and the failpoints
//! the fault tests stop operations at (`failpoint`).
//!
//! Every connection has foreign keys on and waits for a busy writer instead
//! of failing; the file is in WAL mode so the dashboard can read while an
//! operation writes. Calls no other area.

pub mod failpoint;
pub(crate) mod fault;

use crate::Context;
use cutover_core::Result;
use rusqlite::Connection;
use rusqlite_migration::{Migrations, M};
use std::path::Path;
use std::time::Duration;

pub const FILE_NAME: &str = "control.sqlite";

/// The schema's history. Append only: a released migration is never edited.
pub fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(include_str!("../../migrations/control/001_init.sql")),
        M::up(include_str!(
            "../../migrations/control/002_backup_checksums.sql"
        )),
        M::up(include_str!("../../migrations/control/003_settings.sql")),
        M::up(include_str!("../../migrations/control/004_admins.sql")),
        M::up(include_str!("../../migrations/control/005_imports.sql")),
        M::up(include_str!("../../migrations/control/006_activity.sql")),
        M::up(include_str!("../../migrations/control/007_promotions.sql")),
        M::up(include_str!("../../migrations/control/008_inbox.sql")),
        M::up(include_str!(
            "../../migrations/control/009_integrations.sql"
        )),
        M::up(include_str!("../../migrations/control/010_releases.sql")),
        M::up(include_str!("../../migrations/control/011_schedule.sql")),
        M::up(include_str!("../../migrations/control/012_extensions.sql")),
        M::up(include_str!("../../migrations/control/013_upgrades.sql")),
        M::up(include_str!(
            "../../migrations/control/014_released_backups.sql"
        )),
        M::up(include_str!(
            "../../migrations/control/015_note_index_rowids.sql"
        )),
        M::up(include_str!(
            "../../migrations/control/016_backup_platform.sql"
        )),
        M::up(include_str!("../../migrations/control/017_storage.sql")),
        M::up(include_str!("../../migrations/control/018_uat.sql")),
        M::up(include_str!(
            "../../migrations/control/019_inbox_target.sql"
        )),
        M::up(include_str!(
            "../../migrations/control/020_backup_records.sql"
        )),
        M::up(include_str!(
            "../../migrations/control/021_account_server.sql"
        )),
        M::up(include_str!(
            "../../migrations/control/022_script_engines.sql"
        )),
        M::up(include_str!(
            "../../migrations/control/023_promotion_before_seq.sql"
        )),
        M::up(include_str!(
            "../../migrations/control/024_integration_roles.sql"
        )),
    ])
}

/// Opens a connection with the settings every Cutover connection needs.
pub fn connect(path: &Path) -> Result<Connection> {
    let conn = Connection::open(path).context("opening a database")?;
    conn.busy_timeout(Duration::from_secs(5))
        .context("configuring a database")?;
    conn.pragma_update(None, "foreign_keys", true)
        .context("turning on foreign keys")?;
    Ok(conn)
}

/// A value of this desktop's `settings` table.
pub(crate) fn setting(conn: &Connection, key: &str) -> Result<Option<String>> {
    use rusqlite::OptionalExtension;
    conn.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
        r.get(0)
    })
    .optional()
    .context("reading a setting")
}

/// Sets a value of this desktop's `settings` table.
pub(crate) fn set_setting(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, value],
    )
    .context("saving a setting")?;
    Ok(())
}

/// Opens the control database, creating and migrating it if needed.
pub fn open(path: &Path) -> Result<Connection> {
    let mut conn = connect(path)?;
    conn.pragma_update(None, "journal_mode", "WAL")
        .context("turning on WAL for the control database")?;
    migrations()
        .to_latest(&mut conn)
        .context("migrating the control database")?;
    Ok(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        assert!(migrations().validate().is_ok());
    }

    #[test]
    fn migrations_apply_to_an_empty_database_and_reopening_changes_nothing() -> Result<()> {
        let dir = tempfile::tempdir().context("temp dir")?;
        let path = dir.path().join(FILE_NAME);
        let schema = |conn: &Connection| -> Result<Vec<String>> {
            crate::control::fault::column(
                conn,
                "SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM sqlite_master ORDER BY name",
                [],
                "reading the schema",
            )
        };
        let first = schema(&open(&path)?)?;
        assert!(first.len() > 20, "{first:?}");
        let conn = open(&path)?;
        assert_eq!(schema(&conn)?, first, "a second open applies nothing");
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .context("reading the schema version")?;
        // One version per migration file.
        let files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/control"))
            .context("listing the migrations")?
            .count();
        assert_eq!(version as usize, files);
        let mode: String = conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .context("reading the journal mode")?;
        assert_eq!(mode, "wal");
        let fk: bool = conn
            .pragma_query_value(None, "foreign_keys", |r| r.get(0))
            .context("reading foreign keys")?;
        assert!(fk);
        Ok(())
    }
}
