//! Cutover's storage.
//!
//! Two kinds of database live under the data directory:
//! - the control database (`control.sqlite`): accounts, environments,
//!   backups; see [`control`];
//! - one data store per environment, behind the [`env_store::StoreBackend`]
//!   trait, so that a PostgreSQL backend can be added beside SQLite later.
//!
//! [`Workspace`] ties them together and is what the desktop shell calls.

mod activity;
mod admins;
mod backup_platform;
mod backup_recovery;
mod backups;
pub mod control;
pub mod demo;
pub mod demo_releases;
mod design;
pub mod env_store;
mod extensions;
pub mod failpoint;
mod fault;
mod imports;
mod inbox;
mod integrations;
mod promotion;
mod promotion_history;
mod promotion_recovery;
mod promotion_run;
mod promotion_undo;
pub mod recipients;
pub mod refresh;
mod release_catalog;
pub mod release_export;
mod release_index;
pub mod release_notes;
mod releases;
mod reminders;
mod schedule;
mod schedule_calendar;
mod schedule_ics;
mod upgrade;
mod upgrade_data;
mod upgrade_finish;
mod upgrade_packages;
mod upgrade_rollback;
mod upgrade_view;
mod workspace;

pub use fault::Context;
pub use workspace::{NewEnvironment, Workspace};
