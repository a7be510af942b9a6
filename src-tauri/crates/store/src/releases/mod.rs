//! Vendor releases offline: importing signed packages into an account's
//! catalog, the catalog against the version window, release notes with
//! their full-text index and review marks, and the printable export.
//!
//! Invariants: a package is verified completely in memory before anything
//! is written, then stored in one transaction; package text is sanitised
//! before it is shown; the full-text index keeps (account, version,
//! position) order so that search reads it newest first.
//!
//! Calls: `control`, `people` (activity).

mod catalog;
pub mod export;
pub(crate) mod import;
mod index;
pub mod notes;
