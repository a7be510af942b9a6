//! The database roles other applications write to an environment with,
//! which Cutover pauses around a promotion or a data upgrade (integrations
//! on a server). Only a backend whose environments have roles offers this
//! ([`super::StoreBackend::writer_roles`]): on this computer no other
//! application logs in to an environment.
//!
//! Invariant: what a pause takes is read first ([`WriterRoles::rights`])
//! and recorded by the caller before [`WriterRoles::stop_writer`] takes
//! it; [`WriterRoles::restore_writer`] gives back exactly that and may run
//! any number of times, so a pause interrupted anywhere is undone by
//! restoring what was recorded.

use cutover_core::Result;
use serde::{Deserialize, Serialize};

/// What pausing a role takes from it, as recorded before it is taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldRights {
    /// The role could log in.
    pub login: bool,
    /// Its write privileges on the environment's tables, each its own.
    pub writes: Vec<TableRight>,
}

/// One privilege a role was granted on one table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableRight {
    pub table: String,
    /// `INSERT`, `UPDATE`, `DELETE` or `TRUNCATE`.
    pub privilege: String,
    /// Granted with the right to grant it on.
    pub grantable: bool,
}

/// Pauses and resumes the roles that write to an environment.
pub trait WriterRoles: Send + Sync {
    /// Checks, changing nothing, that `role` can be paused on store `key`:
    /// it exists, is neither a superuser nor Cutover's own, and Cutover may
    /// take its login and write privileges and end its sessions. The
    /// problem is said as the user (or the server's administrator) can fix it.
    fn check_writer(&self, key: &str, role: &str) -> Result<()>;

    /// What a pause of `role` on store `key` would take.
    fn rights(&self, key: &str, role: &str) -> Result<HeldRights>;

    /// Takes `held` from `role` (its login, its write privileges on store
    /// `key`) and ends its sessions, whose unfinished transactions roll back.
    fn stop_writer(&self, key: &str, role: &str, held: &HeldRights) -> Result<()>;

    /// Gives `held` back to `role`, in one transaction. Privileges on tables
    /// that no longer exist are skipped; their names are returned.
    fn restore_writer(&self, key: &str, role: &str, held: &HeldRights) -> Result<Vec<String>>;
}
