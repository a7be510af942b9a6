//! Who acts and who is told: the admins of this desktop and the current one,
//! outside contacts per account and what each opted in to, the activity
//! log, the inbox, and what the acting admin may do (`allowed`).
//!
//! Invariants: there is always a current admin (a desktop without admins
//! gets a super-admin, so nobody is locked out); activity is recorded in the
//! action's transaction when the action is all in the control database,
//! otherwise best effort after it succeeded (never undoing it), and each
//! entry is chained to the one before (`chain.rs`); the inbox keeps every notice
//! whether or not it was shown on the desktop.
//!
//! Calls: `control` only; every other area calls it.

pub(crate) mod activity;
pub(crate) mod admins;
pub(crate) mod allowed;
pub(crate) mod chain;
pub(crate) mod inbox;
pub mod recipients;
