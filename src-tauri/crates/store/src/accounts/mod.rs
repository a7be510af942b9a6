//! Accounts of one's own: creating one whose production starts empty (to
//! be built in the designer and filled by CSV import) or filled by
//! `sources`, with the vendor's key trusted so that its packages can be
//! imported; where its environments live (this computer or a PostgreSQL
//! server), how the server is reached, and moving them with their backups
//! from one place to the other (`relocate`); and deleting one, production
//! backed up first and everything kept aside (`storage`).
//!
//! Invariants: every field is checked, and every problem reported at once,
//! before anything is written; the production store is made first and the
//! account, its production and its trusted key recorded in one control
//! transaction last, so a failure or a stop leaves no half-made account
//! (the unrecorded store is removed at once, or retired at the next start).
//!
//! Calls: `env_store` (the new store), `people` (recipients, activity).

mod attention;
mod create;
mod delete;
mod edit;
mod relocate;
mod server;
mod server_change;

pub use create::{describe_package, key_fingerprint};
pub use server::{check_server, Keychain};
pub(crate) use server::{Passwords, Placement};
