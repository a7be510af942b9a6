//! Promotion: applying a promotable sandbox's unpromoted changes to
//! production, the history of promotions, undoing one, and settling one a
//! stop interrupted.
//!
//! Order of work and invariant are in `plan.rs`: nothing in production
//! changes before a dry run on a copy passed and a backup is taken; the
//! plan is applied in one transaction under production's lock; a failure
//! at any point puts production, the sandbox's marks and the integrations
//! back as they were (at the next start if the process died).
//!
//! Calls: `env_store`, `backups` (before, undo and recovery),
//! `environments` (integrations, writability), `schedule` (freezes),
//! `control`, `people`.

mod history;
mod plan;
mod recovery;
mod run;
mod undo;
