//! The domain of Cutover, free of Tauri and of any database.
//!
//! Rules live here so that they can be tested at any instant and reused by
//! every front (the desktop shell, the store, later a command-line tool).
//! Nothing in this crate reads the system clock: time comes in through
//! [`clock::Clock`] or as an argument.

pub mod account;
pub mod activity;
pub mod admin;
pub mod backup;
pub mod change;
pub mod changelog;
pub mod clock;
pub mod definitions;
pub mod environment;
pub mod error;
pub mod inbox;
pub mod integration;
pub mod promotion;
pub mod records;
pub mod value;

pub use error::{Error, ErrorKind, Result};
