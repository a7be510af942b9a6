//! Production from data that already exists: a SQLite database of any
//! schema or a folder of CSV files read (only read), the platform model
//! proposed for it with what would not fit, and an account made from the
//! admin's adjusted plan.
//!
//! Invariants: the source file is never written (opened read-only,
//! `query_only`); a value goes into a record only when it fits its field
//! exactly (`cutover_core::source::take`), otherwise nothing is created;
//! production's store is filled in one transaction before the account is
//! recorded, so a failure, a cancel or a stop leaves no account (the store
//! is removed, or retired at the next start).
//!
//! Calls: `accounts` (making the account around the filled store),
//! `env_store` (the model and the load).

mod create;
mod csv;
mod file;
mod links;
mod plan;
mod preview;
mod read;
