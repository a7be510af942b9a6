//! The server backend: an account's environments on a PostgreSQL server.
//!
//! Each environment is a schema of the one database the account names, not
//! a database of its own: PostgreSQL cannot read one database from another,
//! so only within one database can a copy or a backup be taken on the
//! server in one snapshot (`INSERT … SELECT` under repeatable read) while
//! production stays online; `CREATE DATABASE … TEMPLATE` would refuse while
//! anyone is connected to production. A role confined to one schema keeps a
//! package script inside its environment as well as a database would.
//! Copies, backups and restore points are schemas on the same server, never
//! streamed through the desktop.

pub mod server;

pub use server::{Secret, ServerFailure, ServerProblem, ServerReport, ServerSettings, TlsMode};
