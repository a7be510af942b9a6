//! The data store of one environment, behind a trait.
//!
//! Upgrade, promotion, backup and rollback are real operations on real
//! databases; the embedded default keeps each environment in its own SQLite
//! file ([`sqlite::SqliteBackend`]). A PostgreSQL server must later fit behind
//! the same two traits, so nothing outside this module knows about files.

pub mod design;
pub mod edits;
pub mod postgres;
pub mod roles;
pub mod sqlite;
pub mod whole;

use chrono::{DateTime, Utc};
use cutover_core::backup::{CopyProgress, PlatformState};
use cutover_core::change::Change;
use cutover_core::changelog::{AuthorCount, ChangeEntry, ChangelogFilter, MatchCount};
use cutover_core::definitions::{AppDef, Definitions, FieldType, Record, TableDef, Value, ViewDef};
use cutover_core::extension::InstalledExtension;
use cutover_core::promotion::PlanStep;
use cutover_core::records::{CellInput, RecordPage, RecordQuery, RejectedRow};
use cutover_core::upgrade::RollbackImpact;
use cutover_core::Result;
use std::collections::HashSet;
use std::path::Path;
use std::sync::atomic::AtomicBool;

/// What can be measured of a store without reading its records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StoreStats {
    pub size_bytes: u64,
    pub record_count: u64,
    pub app_count: u32,
    pub table_count: u32,
    /// `record_count` is the engine's estimate, not a count.
    pub records_estimated: bool,
}

/// A field of a table made by [`EnvironmentStore::create_model`]; a link
/// names its target by its place in the list, since no table has an id yet.
#[derive(Debug, Clone, PartialEq)]
pub enum ModelField {
    Plain(FieldType),
    LinkTo(usize),
}

/// A table made by [`EnvironmentStore::create_model`], in the apps at
/// these places of the model's app list (at least one).
#[derive(Debug, Clone, PartialEq)]
pub struct ModelTable {
    pub name: String,
    pub apps: Vec<usize>,
    pub fields: Vec<(String, ModelField)>,
}

/// Takes records with their ids during [`EnvironmentStore::load`].
pub trait RecordSink {
    /// Writes one record; `values` in field order.
    fn put(&mut self, table_id: i64, id: i64, values: &[Value]) -> Result<()>;
}

/// A copy of a store kept by its backend (see [`StoreBackend::take_point`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// How the backend finds it again; the control database records it.
    pub name: String,
    pub size_bytes: u64,
    /// What [`StoreBackend::check_point`] compares it with later (a file's
    /// SHA-256, a digest of a schema's rows).
    pub digest: String,
    pub platform: PlatformState,
    pub records: u64,
}

/// A store kept aside by [`StoreBackend::retire`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetiredEntry {
    /// How the backend names it (a file name for the SQLite backend).
    pub name: String,
    /// The key the store had.
    pub key: String,
    pub size_bytes: u64,
    pub retired_at: DateTime<Utc>,
}

/// Creates, opens, copies and retires environment stores, each known by a key
/// that the control database records.
pub trait StoreBackend: Send + Sync {
    /// The name recorded in the control database (`environments.store_kind`).
    fn kind(&self) -> &'static str;

    /// Bytes free where this backend writes its copies and backups, when
    /// it can tell. A PostgreSQL server does not say (no SQL asks a
    /// server's disk); there a copy that runs out of room fails whole, in
    /// its one transaction, and the desktop's disk is not the measure.
    fn free_space(&self) -> Result<Option<u64>>;

    /// The figures of stores `keys`, each on its own (a missing store does
    /// not hide the others): what the dashboard reads at every refresh.
    fn figures_of(&self, keys: &[&str]) -> Result<Vec<Result<StoreStats>>> {
        Ok(keys
            .iter()
            .map(|k| self.open(k).and_then(|s| s.figures()))
            .collect())
    }

    /// Creates an empty store with the current platform schema.
    fn create(&self, key: &str, platform_version: &str) -> Result<Box<dyn EnvironmentStore>>;

    fn open(&self, key: &str) -> Result<Box<dyn EnvironmentStore>>;

    /// Makes `target` a consistent copy of `source` while `source` stays
    /// online; `target` appears only once the copy is complete and verified.
    /// `stop` ends it early with a `cancelled` error and no `target`.
    fn copy(
        &self,
        source: &str,
        target: &str,
        progress: &dyn Fn(CopyProgress),
        stop: &AtomicBool,
    ) -> Result<()>;

    /// Does the work that taking a restore point of `key` adds to copying
    /// it (checksumming a file, for the SQLite backend), so that an
    /// upgrade's rehearsal can time it.
    fn rehearse_point(&self, key: &str) -> Result<()>;

    /// Whether store `key` exists.
    fn exists(&self, key: &str) -> Result<bool>;

    /// Takes a consistent, integrity-checked copy of a live store and keeps
    /// it where this backend keeps backups (a file in the backups folder; a
    /// schema on the server), named by [`Point::name`], for Backup & Restore
    /// and restore points. Setting `stop` ends it early with a `cancelled`
    /// error and nothing kept.
    fn take_point(
        &self,
        key: &str,
        progress: &dyn Fn(CopyProgress),
        stop: &AtomicBool,
    ) -> Result<Point>;

    /// Whether `name` is a point this backend would make (its naming, not
    /// whether it still exists): kept records of points say no more.
    fn makes_point(&self, name: &str) -> bool;

    /// Checks a point against the digest taken with it and the engine's
    /// own integrity check; the problem in words for the user.
    fn check_point(&self, name: &str, digest: &str) -> Result<(), String>;

    /// The platform version and extensions a point holds.
    fn point_platform(&self, name: &str) -> Result<PlatformState>;

    /// Sends everything point `name` holds into `to`, as
    /// [`EnvironmentStore::send_whole`] does for a store: how a backup
    /// moves to another backend.
    fn send_point(&self, name: &str, to: &mut dyn whole::WholeSink) -> Result<()>;

    /// Replaces the contents of store `key` with those of point `name`, in
    /// one transaction: if interrupted, the store keeps its old contents
    /// whole.
    fn restore_point(&self, key: &str, name: &str, progress: &dyn Fn(CopyProgress)) -> Result<()>;

    /// Deletes a point for good (a point already gone is not an error).
    fn drop_point(&self, name: &str) -> Result<()>;

    /// Deletes every point (finished or not) whose name is not in `keep`:
    /// what an interrupted backup left before it was recorded. Returns
    /// each one's name and size.
    fn drop_points_except(&self, keep: &HashSet<String>) -> Result<Vec<(String, u64)>>;

    /// What differs in store `key` from point `name`.
    fn changes_since(&self, key: &str, name: &str) -> Result<RollbackImpact>;

    /// Replaces the contents of `target` with a consistent copy of `source`
    /// (online), marked as copied so that none of it counts as the target's
    /// own work; the copy and its mark arrive in one transaction, so a stop
    /// leaves the old target or the refreshed one. Returns the copy point.
    fn refresh(
        &self,
        source: &str,
        target: &str,
        progress: &dyn Fn(CopyProgress),
        stop: &AtomicBool,
    ) -> Result<i64>;

    /// Replaces the contents of store `key` with those of store `from`, in
    /// one transaction (a rehearsal's copy put back to its snapshot).
    fn replace(&self, key: &str, from: &str, progress: &dyn Fn(CopyProgress)) -> Result<()>;

    /// Takes a store out of service. Its data is kept aside, not destroyed,
    /// so a mistaken deletion can still be recovered by hand.
    fn retire(&self, key: &str, now: DateTime<Utc>) -> Result<()>;

    /// Every store kept aside, oldest first.
    fn retired(&self) -> Result<Vec<RetiredEntry>>;

    /// Deletes a store kept aside, for good.
    fn purge_retired(&self, name: &str) -> Result<()>;

    /// Brings a store kept aside back into service as store `key`, at once
    /// (a rename): it is then either retired or in service, never both.
    fn unretire(&self, name: &str, key: &str) -> Result<()>;

    /// Removes a store that was never recorded in the control database
    /// (a creation that failed half way).
    fn discard(&self, key: &str) -> Result<()>;

    /// Starts watching a store for commits made from now on by anyone, so
    /// that a copy taken meanwhile can be known to still be exact.
    fn watch(&self, key: &str) -> Result<Box<dyn Watch>>;

    /// Pausing the database roles other applications write with, where
    /// environments have them (a server); `None` on this computer.
    fn writer_roles(&self) -> Option<&dyn roles::WriterRoles> {
        None
    }

    /// Cleans up after operations that were interrupted (the app killed mid
    /// copy): removes unfinished copies and retires stores whose key is not in
    /// `recorded`. Returns the keys it retired.
    fn recover(&self, recorded: &[String], now: DateTime<Utc>) -> Result<Vec<String>>;
}

/// One environment's definitions and records.
pub trait EnvironmentStore {
    fn definitions(&self) -> Result<Definitions>;

    /// Exact figures: the records are counted.
    fn stats(&self) -> Result<StoreStats>;

    /// The figures a screen shows at every refresh, which must not read
    /// every record: a server answers from its statistics (its record count
    /// then an estimate); this computer's store counts.
    fn figures(&self) -> Result<StoreStats> {
        self.stats()
    }

    fn create_app(&mut self, name: &str) -> Result<AppDef>;

    /// Adds a table to the given apps, with its fields and its record table,
    /// in one transaction.
    fn create_table(
        &mut self,
        app_ids: &[i64],
        name: &str,
        fields: &[(&str, FieldType)],
    ) -> Result<TableDef>;

    /// Makes apps and their tables (links between them, or to themselves,
    /// included) in one transaction; returns both in order.
    fn create_model(
        &mut self,
        apps: &[String],
        tables: &[ModelTable],
    ) -> Result<(Vec<AppDef>, Vec<TableDef>)>;

    /// Writes the records `fill` puts, with their ids, in one transaction:
    /// nothing is kept when `fill` fails. For filling a new store.
    fn load(&mut self, fill: &mut dyn FnMut(&mut dyn RecordSink) -> Result<()>) -> Result<()>;

    /// Writes this environment to `dest` as a standalone SQLite file
    /// (docs/environment-file.md), replacing it, complete or not at all;
    /// `about` says where it came from.
    fn export_to(&self, dest: &Path, about: &[(&str, String)]) -> Result<()>;
    /// Sends everything the store holds into `to`, from one snapshot, in
    /// the order [`whole::WholeSink`] says; refuses, before sending
    /// anything, a store holding what another engine cannot take.
    fn send_whole(&self, to: &mut dyn whole::WholeSink) -> Result<()>;
    /// Fills this new, empty store with what `fill` sends, in one
    /// transaction (see [`whole::transfer`]).
    fn receive_whole(
        &mut self,
        fill: &mut dyn FnMut(&mut dyn whole::WholeSink) -> Result<()>,
    ) -> Result<()>;

    fn create_view(
        &mut self,
        app_id: i64,
        table_id: i64,
        name: &str,
        field_ids: &[i64],
    ) -> Result<ViewDef>;

    /// Inserts records (values in field order) in one transaction; returns
    /// how many were inserted.
    fn insert_records(&mut self, table_id: i64, rows: &[Vec<Value>]) -> Result<usize>;

    /// Every record of a table, in id order.
    fn records(&self, table_id: i64) -> Result<Vec<Record>>;

    /// Applies a designer change and writes its changelog entry, in one
    /// transaction; a refused change alters nothing.
    fn apply(&mut self, change: &Change, author: &str, at: DateTime<Utc>) -> Result<ChangeEntry>;

    /// A page of the changelog, newest first, and how many entries match
    /// (on a server, an estimate past a few thousand).
    fn changelog(&self, filter: &ChangelogFilter) -> Result<(Vec<ChangeEntry>, MatchCount)>;

    /// Every author in the changelog, in order.
    fn changelog_authors(&self) -> Result<Vec<String>>;

    /// Who made the changes not yet promoted, and how many each.
    fn unpromoted_authors(&self) -> Result<Vec<AuthorCount>>;

    /// How many changes each author made in `[from, until)`, by name.
    fn changelog_activity(
        &self,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<Vec<AuthorCount>>;

    /// Marks the changelog so far as inherited, not this environment's own
    /// work: called on a store that was just copied or refreshed.
    fn mark_copied(&mut self) -> Result<i64>;

    /// Marks this environment's changelog as promoted, having seen
    /// production's changelog up to `production_seq`.
    fn mark_promoted(&mut self, production_seq: i64) -> Result<()>;

    /// The last production changelog entry this environment has seen.
    fn production_point(&self) -> Result<i64>;

    /// Puts back marks read by `copy_point` and `production_point` (an
    /// undone promotion makes the sandbox's changes promotable again).
    fn set_marks(&mut self, copy_point: i64, production_point: i64) -> Result<()>;

    fn record_page(&self, table_id: i64, query: &RecordQuery) -> Result<RecordPage>;

    fn insert_record(&mut self, table_id: i64, cells: &[CellInput]) -> Result<Record>;

    /// Changes the given fields of a record; the others keep their values.
    fn update_record(
        &mut self,
        table_id: i64,
        record_id: i64,
        cells: &[CellInput],
    ) -> Result<Record>;

    /// Deletes a record no other record links to.
    fn delete_record(&mut self, table_id: i64, record_id: i64) -> Result<()>;

    /// Imports rows in one transaction (see [`sqlite`]): bad rows are
    /// rejected with reasons, the rest committed together, or nothing when
    /// `rows` or `tick` fail. `tick` gets the running accepted count and
    /// rejections after each row.
    fn import_rows(
        &mut self,
        import_id: i64,
        table_id: i64,
        mapping: &[Option<i64>],
        rows: &mut dyn Iterator<Item = Result<CsvRow>>,
        tick: &mut dyn FnMut(u32, &[RejectedRow]) -> Result<()>,
    ) -> Result<(u32, Vec<RejectedRow>)>;

    /// The changelog position this environment's own work starts after (its
    /// copy point, or its last promotion).
    fn copy_point(&self) -> Result<i64>;

    /// The seq of the newest changelog entry, 0 when there is none: a
    /// designer change or a promotion that committed has moved it.
    fn changelog_end(&self) -> Result<i64>;

    /// Every changelog entry after `seq`, oldest first, with before/after.
    fn entries_after(&self, seq: i64) -> Result<Vec<ChangeEntry>>;

    /// Applies a promotion plan in one transaction (see [`sqlite`]).
    fn apply_plan(
        &mut self,
        steps: &[PlanStep],
        author: &str,
        at: DateTime<Utc>,
    ) -> Result<Vec<ChangeEntry>> {
        self.apply_plan_locked(steps, author, at, &mut || Ok(()))
    }

    /// Applies a promotion plan in one transaction, calling `under_lock`
    /// first, once no one can write the environment's records any more
    /// (reads go on) and before anything is changed: what it reads (a
    /// backup) is exactly the state the plan is applied to. An error from
    /// it changes nothing.
    fn apply_plan_locked(
        &mut self,
        steps: &[PlanStep],
        author: &str,
        at: DateTime<Utc>,
        under_lock: &mut dyn FnMut() -> Result<()>,
    ) -> Result<Vec<ChangeEntry>>;

    /// How many values a field holds and how many would be lost by retyping
    /// it to `to`, or by deleting it when `to` is `None`.
    fn field_impact(&mut self, field_id: i64, to: Option<&FieldType>) -> Result<(u64, u64)>;

    /// Integrity, references, and definitions matching record tables; with
    /// `tables`, the integrity check covers the definitions and only those
    /// tables' records. Returns the definitions it checked.
    fn check(&self, tables: Option<&[i64]>) -> Result<Definitions>;

    /// How many rows import `import_id` committed, if it committed: the
    /// store records it in the import's own transaction, so this stays true
    /// even when the app died before the control database heard of it.
    fn committed_import(&self, import_id: i64) -> Result<Option<u32>>;

    /// The extensions installed here, by name.
    fn installed_extensions(&self) -> Result<Vec<InstalledExtension>>;

    /// Runs `install` and records `ext` (with its `uninstall` scripts) in one
    /// transaction: a failing script leaves nothing behind.
    fn install_extension(
        &mut self,
        ext: &InstalledExtension,
        install: &[(String, String)],
        uninstall: &[(String, String)],
    ) -> Result<()>;

    /// Runs the recorded uninstall scripts of `name` and forgets it, in one
    /// transaction.
    fn uninstall_extension(&mut self, name: &str) -> Result<()>;

    /// Runs the scripts of release `release` that are not applied here yet,
    /// recording each in the same transaction (so running it again after an
    /// interruption is safe); returns how many ran.
    fn apply_release_scripts(
        &mut self,
        release: &str,
        scripts: &[(String, String)],
        at: DateTime<Utc>,
    ) -> Result<usize>;

    /// The checks that return rows, with the first row each returned.
    fn failing_checks(&self, checks: &[(String, String)]) -> Result<Vec<(String, String)>>;

    fn platform_version(&self) -> Result<String>;

    fn set_platform_version(&mut self, version: &str) -> Result<()>;
}

/// Tells whether a store has changed since the watch began.
pub trait Watch: Send {
    /// True when anything was committed since; may say true without a
    /// change (then the caller just does the safe, slower thing), never
    /// false after one.
    fn changed(&self) -> Result<bool>;
}

/// One data row of a CSV file and its line number in the file.
pub struct CsvRow {
    pub line: u32,
    pub cells: Vec<String>,
}
