//! Cutover's storage.
//!
//! Two kinds of database live under the data directory:
//! - the control database (`control.sqlite`): accounts, environments,
//!   backups; see [`control`];
//! - one data store per environment, behind the [`env_store::StoreBackend`]
//!   trait, so that a PostgreSQL backend can be added beside SQLite later.
//!
//! [`Workspace`] ties them together and is what the desktop shell calls.

pub mod backups;
pub mod control;
pub mod demo;
pub mod env_store;
pub mod environments;
pub mod people;
pub mod promotion;
pub mod releases;
pub mod schedule;
pub mod upgrade;
mod workspace;

pub use control::fault::Context;
pub use workspace::{NewEnvironment, Workspace};
