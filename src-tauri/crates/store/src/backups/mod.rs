//! Backup & Restore: verified copies of environment stores, taken before
//! anything that can destroy data and on demand, restored in one
//! transaction, pruned by a retention that never touches a backup still
//! guarding an operation.
//!
//! Invariants: a backup is listed once its file is in place *and* recorded
//! with its SHA-256 (start-up recovery removes any other file in the
//! folder); a restore first backs up the current state, so it can itself be
//! undone; the control database's version of an environment follows the
//! store after a restore, never the other way round.
//!
//! Calls: `env_store` (copies), `control` (the backups table), `people`
//! (activity, inbox).

pub(crate) mod backup;
mod platform;
mod recovery;
mod restore;
pub(crate) use recovery::RECOVERY;
