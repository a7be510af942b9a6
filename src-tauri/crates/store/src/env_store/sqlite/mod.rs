//! The embedded backend: one SQLite file per environment.
//!
//! Files live in `<data dir>/environments/<key>.sqlite`. Copies are taken with
//! SQLite's online backup API, never by copying a live file, and are written
//! under a temporary name that is renamed into place only after an integrity
//! check, so a half-made copy is never mistaken for an environment.

mod changelog;
pub mod confine;
mod counts;
mod defs;
mod designer;
pub mod export;
mod extensions;
mod model;
mod platform;
mod points;
mod promote;
mod record_page;
mod records;
mod store;
mod whole;

use super::{EnvironmentStore, Point, StoreBackend, Watch};
use crate::{control, Context};
use chrono::{DateTime, Utc};
use cutover_core::backup::{CopyProgress, PlatformState};
use cutover_core::upgrade::RollbackImpact;
use cutover_core::{Error, Result};
use rusqlite::backup::Backup;
use rusqlite::{Connection, OpenFlags};
use rusqlite_migration::{Migrations, M};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

pub use points::sha256_of;
pub use store::SqliteStore;

/// The platform schema's history. Append only.
pub fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(include_str!(
            "../../../migrations/environment/001_platform.sql"
        )),
        M::up(include_str!(
            "../../../migrations/environment/002_changelog.sql"
        )),
        M::up(include_str!(
            "../../../migrations/environment/003_extensions.sql"
        )),
        M::up(include_str!(
            "../../../migrations/environment/004_applied_scripts.sql"
        )),
        M::up_with_hook(
            include_str!("../../../migrations/environment/005_record_counts.sql"),
            counts::keep_all,
        ),
    ])
}

pub struct SqliteBackend {
    dir: PathBuf,
    retired_dir: PathBuf,
    points_dir: PathBuf,
    tmp_dir: PathBuf,
    pace: Pace,
}

/// How copies move pages: how many per step and how long to rest between
/// steps. Resting lets other connections in during a long copy.
#[derive(Debug, Clone, Copy)]
pub struct Pace {
    pub pages_per_step: i32,
    pub pause: Duration,
}

impl Default for Pace {
    fn default() -> Self {
        Self {
            pages_per_step: 1024,
            pause: Duration::ZERO,
        }
    }
}

impl SqliteBackend {
    /// A backend keeping its files in the data directory `root`: stores in
    /// `environments/`, retired stores in `retired/`, backups and restore
    /// points in `backups/`, copies in the making in `tmp/`.
    pub fn new(root: &Path) -> Result<Self> {
        let backend = Self {
            dir: root.join("environments"),
            retired_dir: root.join("retired"),
            points_dir: root.join("backups"),
            tmp_dir: root.join("tmp"),
            pace: Pace::default(),
        };
        for d in [&backend.dir, &backend.retired_dir] {
            fs::create_dir_all(d).context("creating the environments folder")?;
        }
        Ok(backend)
    }

    pub fn with_pace(mut self, pace: Pace) -> Self {
        self.pace = pace;
        self
    }

    pub fn path_of(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{key}.sqlite"))
    }

    fn open_connection(&self, key: &str) -> Result<Connection> {
        let path = self.path_of(key);
        if !path.exists() {
            return Err(Error::not_found(format!(
                "The data store of this environment is missing ({}). Restore it from a backup or delete the environment.",
                path.display()
            )));
        }
        let mut conn = control::connect(&path)?;
        // Reads (record pages, changelog filters) jump around the file: a
        // bigger page cache and memory-mapped reads keep them off syscalls.
        conn.execute_batch("PRAGMA cache_size = -32768; PRAGMA mmap_size = 268435456;")
            .context("configuring an environment store")?;
        migrations()
            .to_latest(&mut conn)
            .context("bringing an environment store to the current platform schema")?;
        Ok(conn)
    }
}

impl StoreBackend for SqliteBackend {
    fn kind(&self) -> &'static str {
        "sqlite"
    }

    fn free_space(&self) -> Result<Option<u64>> {
        let free = fs2::available_space(&self.points_dir)
            .or_else(|_| fs2::available_space(&self.dir))
            .context("measuring free disk space")?;
        Ok(Some(free))
    }

    fn create(&self, key: &str, platform_version: &str) -> Result<Box<dyn EnvironmentStore>> {
        let path = self.path_of(key);
        if path.exists() {
            return Err(Error::conflict(format!(
                "An environment store with key {key} already exists."
            )));
        }
        let mut conn = control::connect(&path)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .context("turning on WAL for an environment store")?;
        migrations()
            .to_latest(&mut conn)
            .context("creating the platform schema")?;
        conn.execute(
            "INSERT INTO platform_meta (key, value) VALUES ('platform_version', ?1)",
            [platform_version],
        )
        .context("recording the platform version")?;
        Ok(Box::new(SqliteStore::new(conn, path)))
    }

    fn open(&self, key: &str) -> Result<Box<dyn EnvironmentStore>> {
        let conn = self.open_connection(key)?;
        Ok(Box::new(SqliteStore::new(conn, self.path_of(key))))
    }

    fn copy(
        &self,
        source: &str,
        target: &str,
        progress: &dyn Fn(CopyProgress),
        stop: &AtomicBool,
    ) -> Result<()> {
        let final_path = self.path_of(target);
        if final_path.exists() {
            return Err(Error::conflict(format!(
                "An environment store with key {target} already exists."
            )));
        }
        let partial = self.dir.join(format!("{target}.sqlite.partial"));
        let _ = fs::remove_file(&partial);
        let result = copy_verified(
            &self.open_connection(source)?,
            &partial,
            self.pace,
            true,
            progress,
            stop,
        );
        if let Err(e) = result {
            let _ = fs::remove_file(&partial);
            return Err(e);
        }
        fs::rename(&partial, &final_path).context("putting the copied store in place")?;
        sync_dir(&self.dir)
    }

    fn rehearse_point(&self, key: &str) -> Result<()> {
        sha256_of(&self.path_of(key)).map(|_| ())
    }

    fn exists(&self, key: &str) -> Result<bool> {
        Ok(self.path_of(key).exists())
    }

    fn take_point(
        &self,
        key: &str,
        progress: &dyn Fn(CopyProgress),
        stop: &AtomicBool,
    ) -> Result<Point> {
        self.take_point_file(key, progress, stop)
    }

    fn makes_point(&self, name: &str) -> bool {
        self.point_path(name).is_ok()
    }

    fn check_point(&self, name: &str, digest: &str) -> Result<(), String> {
        self.check_point_file(name, digest)
    }

    fn point_platform(&self, name: &str) -> Result<PlatformState> {
        self.point_platform_file(name)
    }

    fn send_point(
        &self,
        name: &str,
        to: &mut dyn crate::env_store::whole::WholeSink,
    ) -> Result<()> {
        whole::send(&self.point_reader(name)?, to)
    }

    fn restore_point(&self, key: &str, name: &str, progress: &dyn Fn(CopyProgress)) -> Result<()> {
        self.replace_from_file(key, &self.point_path(name)?, progress)
    }

    fn drop_point(&self, name: &str) -> Result<()> {
        let path = self.point_path(name)?;
        match fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(e).context("deleting a backup file")
            }
            _ => Ok(()),
        }
    }

    fn drop_points_except(
        &self,
        keep: &std::collections::HashSet<String>,
    ) -> Result<Vec<(String, u64)>> {
        self.drop_point_files_except(keep)
    }

    fn changes_since(&self, key: &str, name: &str) -> Result<RollbackImpact> {
        self.changes_since_file(key, name)
    }

    fn refresh(
        &self,
        source: &str,
        target: &str,
        progress: &dyn Fn(CopyProgress),
        stop: &AtomicBool,
    ) -> Result<i64> {
        self.refresh_via_file(source, target, progress, stop)
    }

    fn replace(&self, key: &str, from: &str, progress: &dyn Fn(CopyProgress)) -> Result<()> {
        self.replace_from_file(key, &self.path_of(from), progress)
    }

    fn watch(&self, key: &str) -> Result<Box<dyn Watch>> {
        let conn = self.open_connection(key)?;
        let start = data_version(&conn)?;
        Ok(Box::new(DataVersion { conn, start }))
    }

    fn retire(&self, key: &str, now: DateTime<Utc>) -> Result<()> {
        let path = self.path_of(key);
        if path.exists() {
            // Fold the WAL into the main file so that one file holds it all.
            let conn = control::connect(&path)?;
            conn.pragma_update(None, "wal_checkpoint", "TRUNCATE")
                .context("checkpointing a store before retiring it")?;
            drop(conn);
            let stamp = now.format("%Y%m%dT%H%M%SZ");
            let dest = self.retired_dir.join(format!("{key}-{stamp}.sqlite"));
            fs::rename(&path, &dest).context("moving a store to the retired folder")?;
        }
        remove_sidecars(&path);
        Ok(())
    }

    fn recover(&self, recorded: &[String], now: DateTime<Utc>) -> Result<Vec<String>> {
        let (keys, partial) = self.keys_on_disk()?;
        for path in partial {
            tracing::warn!(path = %path.display(), "removing an unfinished copy");
            fs::remove_file(&path).context("removing an unfinished copy")?;
        }
        let mut retired = Vec::new();
        for key in keys.into_iter().filter(|k| !recorded.contains(k)) {
            tracing::warn!(key, "retiring a store that no environment records");
            self.retire(&key, now)?;
            retired.push(key);
        }
        Ok(retired)
    }

    fn retired(&self) -> Result<Vec<super::RetiredEntry>> {
        let mut out = Vec::new();
        for entry in fs::read_dir(&self.retired_dir).context("listing retired stores")? {
            let entry = entry.context("listing retired stores")?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some((key, stamp)) = name.strip_suffix(".sqlite").and_then(|s| s.split_once('-'))
            else {
                continue;
            };
            let Ok(at) = chrono::NaiveDateTime::parse_from_str(stamp, "%Y%m%dT%H%M%SZ") else {
                continue;
            };
            out.push(super::RetiredEntry {
                key: key.to_string(),
                size_bytes: entry.metadata().map(|m| m.len()).unwrap_or(0),
                retired_at: at.and_utc(),
                name,
            });
        }
        out.sort_by(|a, b| (a.retired_at, &a.name).cmp(&(b.retired_at, &b.name)));
        Ok(out)
    }

    fn purge_retired(&self, name: &str) -> Result<()> {
        let path = self.retired_path(name)?;
        fs::remove_file(&path).map_err(|e| {
            Error::not_found(format!(
                "{name} is no longer in the retired folder ({e}). Reload the Storage view."
            ))
        })?;
        sync_dir(&self.retired_dir)
    }

    fn unretire(&self, name: &str, key: &str) -> Result<()> {
        let from = self.retired_path(name)?;
        let to = self.path_of(key);
        if to.exists() {
            return Err(Error::conflict(format!(
                "An environment store with key {key} already exists."
            )));
        }
        fs::rename(&from, &to).map_err(|e| {
            Error::not_found(format!(
                "{name} could not be brought back ({e}). Reload the Storage view."
            ))
        })?;
        sync_dir(&self.dir)?;
        sync_dir(&self.retired_dir)
    }

    fn discard(&self, key: &str) -> Result<()> {
        let path = self.path_of(key);
        if path.exists() {
            fs::remove_file(&path).context("removing an unfinished store")?;
        }
        remove_sidecars(&path);
        Ok(())
    }
}

impl SqliteBackend {
    /// A retired store's path, refusing names that would leave the folder.
    fn retired_path(&self, name: &str) -> Result<PathBuf> {
        let plain = !name.is_empty()
            && name.ends_with(".sqlite")
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '_')
            && !name.contains("..");
        if !plain {
            return Err(Error::invalid(format!(
                "\"{name}\" is not a retired store."
            )));
        }
        Ok(self.retired_dir.join(name))
    }

    fn keys_on_disk(&self) -> Result<(Vec<String>, Vec<PathBuf>)> {
        let (mut keys, mut partial) = (Vec::new(), Vec::new());
        for entry in fs::read_dir(&self.dir).context("listing environment stores")? {
            let path = entry.context("listing environment stores")?.path();
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            if name.ends_with(".sqlite.partial") {
                partial.push(path.clone());
            } else if let Some(key) = name.strip_suffix(".sqlite") {
                keys.push(key.to_string());
            }
        }
        Ok((keys, partial))
    }
}

fn remove_sidecars(path: &Path) {
    for suffix in ["-wal", "-shm"] {
        let mut side = path.as_os_str().to_owned();
        side.push(suffix);
        let _ = fs::remove_file(PathBuf::from(side));
    }
}

fn check_integrity(conn: &Connection, what: &str) -> Result<()> {
    let verdict: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .context("checking integrity")?;
    if verdict != "ok" {
        return Err(Error::internal(format!(
            "{what} failed its integrity check ({verdict})."
        )));
    }
    Ok(())
}

/// Copies a live database page by page into `dest`, checks the copy, and
/// makes it durable. The destination is a new private file that is thrown
/// away on any failure, so it is written without a journal or per-page sync;
/// one fsync of the finished file (and of its folder, after the caller's
/// rename) is what makes it count.
fn copy_verified(
    source: &Connection,
    dest: &Path,
    pace: Pace,
    wal: bool,
    progress: &dyn Fn(CopyProgress),
    stop: &AtomicBool,
) -> Result<()> {
    // Reading through a memory map is faster than through the page cache.
    source
        .pragma_update(None, "mmap_size", 1_i64 << 30)
        .context("mapping the source")?;
    let mut target = Connection::open_with_flags(
        dest,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
    )
    .context("creating the copy")?;
    target
        .execute_batch(
            "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = 0;",
        )
        .context("preparing the copy")?;
    {
        let backup = Backup::new(source, &mut target).context("starting the copy")?;
        run_copy(&backup, pace, progress, stop)?;
    }
    check_integrity(&target, "The copy")?;
    let mode = if wal { "WAL" } else { "DELETE" };
    target
        .pragma_update(None, "journal_mode", mode)
        .context("setting the copy's journal mode")?;
    target
        .close()
        .map_err(|(_, e)| e)
        .context("closing the copy")?;
    fs::File::open(dest)
        .and_then(|f| f.sync_all())
        .context("writing the copy to disk")
}

/// Runs a backup-API copy step by step, reporting pages done after each
/// and ending early, `cancelled`, once `stop` is set.
fn run_copy(
    copy: &Backup<'_, '_>,
    pace: Pace,
    progress: &dyn Fn(CopyProgress),
    stop: &AtomicBool,
) -> Result<()> {
    use rusqlite::backup::StepResult;
    loop {
        if stop.load(Ordering::Relaxed) {
            return Err(Error::cancelled(
                "Stopped before the copy was complete; nothing was kept.",
            ));
        }
        let step = copy
            .step(pace.pages_per_step)
            .context("copying the environment store")?;
        let p = copy.progress();
        progress(CopyProgress::copying(
            (p.pagecount - p.remaining).max(0) as u32,
            p.pagecount.max(0) as u32,
        ));
        match step {
            StepResult::Done => return Ok(()),
            StepResult::More => std::thread::sleep(pace.pause),
            // Another connection holds a lock for a moment: wait and go on.
            _ => std::thread::sleep(pace.pause.max(Duration::from_millis(10))),
        }
    }
}

/// Makes a rename inside `dir` durable.
fn sync_dir(dir: &Path) -> Result<()> {
    fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .context("writing the folder to disk")
}

/// SQLite's count of commits made by other connections, as this one sees it.
fn data_version(conn: &Connection) -> Result<i64> {
    conn.pragma_query_value(None, "data_version", |r| r.get(0))
        .context("reading the store's data version")
}

/// A connection kept open to compare `data_version` later: it changes when
/// any other connection commits to the file.
struct DataVersion {
    conn: Connection,
    start: i64,
}

impl Watch for DataVersion {
    fn changed(&self) -> Result<bool> {
        Ok(data_version(&self.conn)? != self.start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platform_migrations_are_valid() {
        assert!(migrations().validate().is_ok());
    }
}
