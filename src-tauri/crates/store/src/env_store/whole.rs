//! A whole environment crossing from one backend to another (this
//! computer to a server, or back): its platform rows with their ids and
//! seqs as they are, then its records. Promotion marks, changelog seqs and
//! record ids mean the same on the other side, so sandboxes and their
//! production can move one after the other and promote as before.
//!
//! Invariants: the source is only read, from one snapshot; the target is
//! a new store filled in one transaction, so a failure or a kill leaves
//! either the whole copy or a store no account names. Nothing is left
//! behind silently: a store holding what the other engine could not take
//! as it is (an extension's tables and scripts, written for one engine)
//! is refused with why before anything is written.

use super::{EnvironmentStore, RecordSink};
use chrono::{DateTime, Utc};
use cutover_core::definitions::{Definitions, Value};
use cutover_core::Result;
use std::sync::atomic::{AtomicBool, Ordering};

/// How a platform column's values cross.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Int,
    Text,
    /// Text or nothing.
    OptText,
    /// An instant: text in a SQLite store, `timestamptz` on a server.
    Instant,
}

/// A platform table as both backends have it.
#[derive(Debug)]
pub struct PlatformTable {
    pub name: &'static str,
    pub columns: &'static [(&'static str, Kind)],
}

impl PlatformTable {
    /// The column list, for a `SELECT` or an `INSERT`.
    pub fn column_list(&self) -> String {
        self.columns
            .iter()
            .map(|(c, _)| *c)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

use Kind::{Instant, Int, OptText, Text};

/// The platform tables that cross, in reference order. Tables a backend
/// derives from these (SQLite's record counts, a server's counts per
/// author and its write counter) are made again by the target, and each
/// store keeps its own `schema_version`.
pub const PLATFORM: &[PlatformTable] = &[
    PlatformTable {
        name: "platform_meta",
        columns: &[("key", Text), ("value", Text)],
    },
    PlatformTable {
        name: "platform_apps",
        columns: &[("id", Int), ("name", Text)],
    },
    PlatformTable {
        name: "platform_tables",
        columns: &[("id", Int), ("name", Text)],
    },
    PlatformTable {
        name: "platform_app_tables",
        columns: &[("app_id", Int), ("table_id", Int)],
    },
    PlatformTable {
        name: "platform_fields",
        columns: &[
            ("id", Int),
            ("table_id", Int),
            ("name", Text),
            ("field_type", Text),
            ("position", Int),
        ],
    },
    PlatformTable {
        name: "platform_views",
        columns: &[
            ("id", Int),
            ("app_id", Int),
            ("table_id", Int),
            ("name", Text),
            ("field_ids", Text),
            ("filter", OptText),
        ],
    },
    PlatformTable {
        name: "platform_changelog",
        columns: &[
            ("seq", Int),
            ("at", Instant),
            ("author", Text),
            ("entity_kind", Text),
            ("entity_id", Int),
            ("entity_name", Text),
            ("action", Text),
            ("before", OptText),
            ("after", OptText),
        ],
    },
    PlatformTable {
        name: "platform_changelog_apps",
        columns: &[("app_id", Int), ("seq", Int)],
    },
    PlatformTable {
        name: "platform_applied_scripts",
        columns: &[("release", Text), ("name", Text), ("applied_at", Instant)],
    },
];

/// The `platform_meta` key each store keeps for itself.
pub const OWN_META: &str = "schema_version";

/// One value of a platform row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Int(i64),
    Text(String),
    Instant(DateTime<Utc>),
}

/// What a new store takes while it is filled by [`transfer`], in this
/// order: every platform row (tables in [`PLATFORM`]'s order), the record
/// tables of the definitions those rows make, then the records.
pub trait WholeSink: RecordSink {
    fn platform_row(&mut self, table: &PlatformTable, row: Vec<Cell>) -> Result<()>;
    /// Makes the empty record table of every table in `definitions`.
    fn record_tables(&mut self, definitions: &Definitions) -> Result<()>;
}

/// Counts what passes to the target, to say how far a transfer is, and
/// ends it when `stop` is set.
struct Counted<'a> {
    inner: &'a mut dyn WholeSink,
    records: u64,
    every: u64,
    progress: &'a dyn Fn(u64),
    stop: &'a AtomicBool,
}

impl RecordSink for Counted<'_> {
    fn put(&mut self, table_id: i64, id: i64, values: &[Value]) -> Result<()> {
        if self.stop.load(Ordering::Relaxed) {
            return Err(cutover_core::Error::cancelled(
                "Stopped while copying; the copy being made was not kept.",
            ));
        }
        self.inner.put(table_id, id, values)?;
        self.records += 1;
        if self.records % self.every == 0 {
            (self.progress)(self.records);
        }
        Ok(())
    }
}

impl WholeSink for Counted<'_> {
    fn platform_row(&mut self, table: &PlatformTable, row: Vec<Cell>) -> Result<()> {
        self.inner.platform_row(table, row)
    }

    fn record_tables(&mut self, definitions: &Definitions) -> Result<()> {
        self.inner.record_tables(definitions)
    }
}

/// Fills `to`, a new and empty store of any backend, with everything
/// `from` holds, read from one snapshot of it; `progress` hears the number
/// of records written so far, now and then.
pub fn transfer(
    from: &dyn EnvironmentStore,
    to: &mut dyn EnvironmentStore,
    progress: &dyn Fn(u64),
) -> Result<()> {
    fill(
        to,
        &mut |sink| from.send_whole(sink),
        progress,
        &AtomicBool::new(false),
    )
}

/// Fills `to`, a new and empty store, with what `send` sends (a store's
/// [`EnvironmentStore::send_whole`], a backup's
/// [`super::StoreBackend::send_point`]); `progress` as for [`transfer`].
/// Setting `stop` ends it `cancelled` at the next record, with nothing
/// kept.
pub fn fill(
    to: &mut dyn EnvironmentStore,
    send: &mut dyn FnMut(&mut dyn WholeSink) -> Result<()>,
    progress: &dyn Fn(u64),
    stop: &AtomicBool,
) -> Result<()> {
    to.receive_whole(&mut |sink| {
        let mut counted = Counted {
            inner: sink,
            records: 0,
            every: 10_000,
            progress,
            stop,
        };
        send(&mut counted)?;
        progress(counted.records);
        Ok(())
    })
}

/// Why a store cannot move: what it holds that only its engine can read.
/// `extensions` are installed extensions, `tables` tables made by package
/// scripts (neither a platform nor a record table).
pub fn refuse_what_cannot_move(extensions: &[String], tables: &[String]) -> Result<()> {
    if !extensions.is_empty() {
        return Err(cutover_core::Error::invalid(format!(
            "This environment has {} installed. An extension's tables and scripts are written \
             for one database engine, so it cannot move as it is: uninstall it, move the \
             environments, then install it again from its package.",
            extensions.join(", ")
        )));
    }
    if !tables.is_empty() {
        return Err(cutover_core::Error::invalid(format!(
            "This environment holds {} made by a package's script, not by Cutover, which \
             cannot move to another database engine as it is. Drop it with a release script \
             or keep the environments where they are.",
            tables.join(", ")
        )));
    }
    Ok(())
}
