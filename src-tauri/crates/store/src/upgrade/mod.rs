//! Upgrade runs (seed 002): start, a parallel copy while the original stays
//! online, packages applied to the copy and signed off one by one, the
//! gate, the data upgrade (the only downtime) with its restore point,
//! validation, then commit or rollback; the 10-day timer; recovery of a run
//! a stop interrupted.
//!
//! Invariants: a run is open while `finished_at` is NULL, and an open run's
//! copy and snapshots are stores the start-up recovery keeps; every
//! data-upgrade step is safe to run again; a failed data upgrade leaves
//! the original exactly as at its restore point, unlocked, integrations
//! resumed, unless an intermittent error stopped it for a resume.
//!
//! Calls: `env_store`, `backups` (the restore point), `environments`
//! (extensions, integrations, writability), `releases` (manifests and
//! scripts), `schedule` (windows, freezes), `control`, `people`.

mod data;
mod finish;
mod packages;
mod rollback;
mod run;
mod view;
