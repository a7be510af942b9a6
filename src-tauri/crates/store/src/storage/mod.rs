//! What is kept aside after a deletion: the stores of deleted environments
//! and accounts (retired by the backend) and the backups of deleted
//! environments. Recorded when kept, listed with sizes and origins,
//! restorable while kept, purged by hand or after the retention.
//!
//! Invariants: a deleted environment's backups are copied to
//! `kept_backups` in the transaction that deletes it, so their files stay
//! recorded (the start-up clean-up removes only files nothing records);
//! a retired store comes back by one rename, under a new key, recorded in
//! the transaction it joins, so it is never both retired and in service.
//!
//! Calls: `env_store` (retired stores), `people` (activity).

mod keep;
mod view;

pub(crate) use keep::keep_aside;
