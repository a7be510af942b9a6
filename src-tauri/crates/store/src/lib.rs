//! Cutover's storage.
//!
//! Two kinds of database live under the data directory:
//! - the control database (`control.sqlite`): accounts, environments,
//!   backups; see [`control`];
//! - one data store per environment, behind the [`env_store::StoreBackend`]
//!   trait, so that a PostgreSQL backend can be added beside SQLite later.
//!
//! [`Workspace`] ties them together and is the one entry point the desktop
//! shell calls; each area below adds its methods to it from its own folder
//! and says in its `mod.rs` what it owns, its invariants and which areas it
//! calls:
//! - [`accounts`]: accounts of one's own;
//! - [`environments`]: designer, records, imports, extensions, integrations,
//!   refresh;
//! - [`backups`]: Backup & Restore;
//! - [`promotion`]: sandbox to production;
//! - [`upgrade`]: upgrade runs and the data upgrade;
//! - [`releases`]: vendor packages, catalog, release notes;
//! - [`schedule`]: calendars, scheduled upgrades, reminders;
//! - [`uat`]: UAT cycles: test plans, evidence, upgrade issues, sign-off;
//! - [`people`]: admins, contacts, activity, inbox;
//! - [`demo`]: the demo account;
//! - [`control`] and [`env_store`]: the two kinds of database.

pub mod accounts;
pub mod backups;
pub mod control;
pub mod demo;
pub mod env_store;
pub mod environments;
pub mod people;
pub mod promotion;
pub mod releases;
pub mod schedule;
pub mod sources;
pub mod storage;
pub mod uat;
pub mod upgrade;
mod workspace;

pub use control::fault::Context;
pub use workspace::{NewEnvironment, Workspace};
