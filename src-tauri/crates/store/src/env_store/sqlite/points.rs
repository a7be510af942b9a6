//! Backups and restore points of the embedded backend: each is one
//! self-contained SQLite file in `<data dir>/backups/`, named by its path
//! relative to the data directory (`backups/<uuid>.sqlite`), checked by
//! SHA-256 and SQLite's integrity check.
//!
//! Invariant: a point file is written as `<name>.partial` and renamed only
//! once complete, integrity-checked and synced, so a name always means a
//! whole copy.

use super::{changelog, check_integrity, copy_verified, platform, run_copy, sync_dir};
use super::{extensions, SqliteBackend};
use crate::env_store::Point;
use crate::Context;
use cutover_core::backup::{CopyProgress, CopyStage, PlatformState};
use cutover_core::upgrade::RollbackImpact;
use cutover_core::{Error, Result};
use rusqlite::backup::Backup;
use rusqlite::{Connection, OpenFlags};
use sha2::{Digest, Sha256};
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

/// SHA-256 of a file, as lowercase hex.
pub fn sha256_of(path: &Path) -> Result<String> {
    let mut file = File::open(path).context("opening a backup file")?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut hasher).context("reading a backup file")?;
    Ok(format!("{:x}", hasher.finalize()))
}

impl SqliteBackend {
    /// The file a point's name stands for, refusing names that would leave
    /// the backups folder.
    pub(super) fn point_path(&self, name: &str) -> Result<PathBuf> {
        let file = name.strip_prefix("backups/").unwrap_or_default();
        let plain = file.ends_with(".sqlite")
            && file
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '_')
            && !file.contains("..");
        if !plain {
            return Err(Error::invalid(format!("\"{name}\" is not a backup.")));
        }
        Ok(self.points_dir.join(file))
    }

    /// Writes a consistent, integrity-checked copy of a live store to a new
    /// file `dest`; setting `stop` ends it `cancelled` with no file left.
    pub fn write_copy(
        &self,
        key: &str,
        dest: &Path,
        progress: &dyn Fn(CopyProgress),
        stop: &AtomicBool,
    ) -> Result<()> {
        if let Some(parent) = dest.parent() {
            fs::create_dir_all(parent).context("creating the backups folder")?;
        }
        let mut partial = dest.as_os_str().to_owned();
        partial.push(".partial");
        let partial = PathBuf::from(partial);
        let _ = fs::remove_file(&partial);
        // One self-contained file (rollback journal, not WAL), so its
        // checksum stays valid while it is read.
        if let Err(e) = copy_verified(
            &self.open_connection(key)?,
            &partial,
            self.pace,
            false,
            progress,
            stop,
        ) {
            let _ = fs::remove_file(&partial);
            return Err(e);
        }
        fs::rename(&partial, dest).context("putting the backup in place")?;
        dest.parent().map_or(Ok(()), sync_dir)
    }

    /// Replaces the contents of store `key` with the database file
    /// `source`, in one write transaction: interrupted, the store keeps its
    /// old contents whole.
    pub(super) fn replace_from_file(
        &self,
        key: &str,
        source: &Path,
        progress: &dyn Fn(CopyProgress),
    ) -> Result<()> {
        let backup = Connection::open_with_flags(source, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .context("opening the backup")?;
        check_integrity(&backup, "The backup")?;
        let mut live = self.open_connection(key)?;
        let restore = Backup::new(&backup, &mut live).context("starting the restore")?;
        let replacing = |p: CopyProgress| progress(p.in_stage(CopyStage::Replacing));
        run_copy(&restore, self.pace, &replacing, &AtomicBool::new(false))?;
        drop(restore);
        check_integrity(&live, "The restored store")
    }

    pub(super) fn take_point_file(
        &self,
        key: &str,
        progress: &dyn Fn(CopyProgress),
        stop: &AtomicBool,
    ) -> Result<Point> {
        let name = format!("backups/{}.sqlite", uuid::Uuid::new_v4().simple());
        let path = self.point_path(&name)?;
        self.write_copy(key, &path, progress, stop)?;
        let described = (|| {
            let read = read_only(&path, "reading a backup")?;
            Ok(Point {
                digest: sha256_of(&path)?,
                size_bytes: fs::metadata(&path).context("measuring a backup")?.len(),
                platform: PlatformState::new(
                    platform::platform_version(&read)?,
                    extensions::installed(&read)?,
                ),
                records: records_in(&read)?,
                name: name.clone(),
            })
        })();
        if described.is_err() {
            let _ = fs::remove_file(&path);
        }
        described
    }

    pub(super) fn check_point_file(&self, name: &str, digest: &str) -> Result<(), String> {
        let path = self.point_path(name).map_err(|e| e.message)?;
        if !path.exists() {
            return Err("Its file is missing from the backups folder.".into());
        }
        let actual = sha256_of(&path).map_err(|e| e.message)?;
        if actual != digest {
            return Err("Its file has changed since it was taken (the checksum differs).".into());
        }
        let conn = Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(|e| format!("It cannot be opened as a database ({e})."))?;
        let verdict: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .map_err(|e| format!("It cannot be read as a database ({e})."))?;
        if verdict != "ok" {
            return Err(format!("It fails SQLite's integrity check ({verdict})."));
        }
        Ok(())
    }

    pub(super) fn drop_point_files_except(
        &self,
        keep: &std::collections::HashSet<String>,
    ) -> Result<Vec<(String, u64)>> {
        let Ok(entries) = fs::read_dir(&self.points_dir) else {
            return Ok(Vec::new()); // no backup was ever taken
        };
        let mut dropped = Vec::new();
        for entry in entries {
            let entry = entry.context("reading the backups folder")?;
            let name = format!("backups/{}", entry.file_name().to_string_lossy());
            let path = entry.path();
            if keep.contains(&name) || !path.is_file() {
                continue;
            }
            let size = entry.metadata().map(|m| m.len()).unwrap_or_default();
            fs::remove_file(&path).context("removing an unrecorded backup file")?;
            dropped.push((name, size));
        }
        Ok(dropped)
    }

    pub(super) fn point_platform_file(&self, name: &str) -> Result<PlatformState> {
        let read = read_only(
            &self.point_path(name)?,
            "opening a backup to read its platform",
        )?;
        Ok(PlatformState::new(
            platform::platform_version(&read)?,
            extensions::installed(&read)?,
        ))
    }

    /// A read-only connection to point `name`.
    pub(super) fn point_reader(&self, name: &str) -> Result<Connection> {
        read_only(&self.point_path(name)?, "opening a backup to move it")
    }

    pub(super) fn changes_since_file(&self, key: &str, name: &str) -> Result<RollbackImpact> {
        let conn = self.open_connection(key)?;
        platform::changes_since(&conn, &self.point_path(name)?)
    }

    /// Copies `source` to a file in `tmp/`, marks that copy as copied (so
    /// content and mark arrive together), and replaces `target` with it.
    pub(super) fn refresh_via_file(
        &self,
        source: &str,
        target: &str,
        progress: &dyn Fn(CopyProgress),
        stop: &AtomicBool,
    ) -> Result<i64> {
        fs::create_dir_all(&self.tmp_dir).context("creating the temporary folder")?;
        let tmp = self
            .tmp_dir
            .join(format!("refresh-{}.sqlite", uuid::Uuid::new_v4().simple()));
        let done = self
            .write_copy(source, &tmp, progress, stop)
            .and_then(|()| {
                let conn = Connection::open(&tmp).context("opening a copy to mark it")?;
                changelog::mark_base(&conn)
            })
            .and_then(|base| {
                self.replace_from_file(target, &tmp, progress)
                    .map(|()| base)
            });
        let _ = fs::remove_file(&tmp);
        done
    }
}

fn read_only(path: &Path, doing: &str) -> Result<Connection> {
    Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).context(doing)
}

/// How many records a store holds, in all its tables.
fn records_in(conn: &Connection) -> Result<u64> {
    let tables: Vec<i64> = conn
        .prepare("SELECT id FROM platform_tables")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .context("listing a backup's tables")?;
    let mut total = 0u64;
    for id in tables {
        let n: i64 = conn
            .query_row(&format!("SELECT count(*) FROM rec_{id}"), [], |r| r.get(0))
            .context("counting a backup's records")?;
        total += n as u64;
    }
    Ok(total)
}
