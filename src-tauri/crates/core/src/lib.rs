//! The domain of Cutover, free of Tauri and of any database.
//!
//! Rules live here so that they can be tested at any instant and reused by
//! every front (the desktop shell, the store, later a command-line tool).
//! Nothing in this crate reads the system clock: time comes in through
//! [`clock::Clock`] or as an argument.

/// `as_str` and `parse` for an enum stored as text, from one list of
/// variant and text pairs, so the two can never disagree.
macro_rules! text_enum {
    ($t:ty { $($v:ident = $s:literal),* $(,)? }) => {
        impl $t {
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$v => $s),* }
            }
            pub fn parse(s: &str) -> $crate::Result<Self> {
                match s {
                    $($s => Ok(Self::$v),)*
                    other => Err($crate::Error::internal(format!(
                        "Unknown {} {other:?}.", stringify!($t)
                    ))),
                }
            }
        }
    };
}

pub mod account;
pub mod activity;
pub mod admin;
pub mod allowed;
pub mod attention;
pub mod backup;
pub mod change;
pub mod changelog;
pub mod clock;
pub mod definitions;
pub mod environment;
pub mod error;
pub mod extension;
pub mod inbox;
pub mod integration;
pub mod promotion;
pub mod records;
pub mod release;
pub mod release_view;
pub mod schedule;
pub mod schedule_view;
pub mod server;
pub mod source;
pub mod source_plan;
pub mod storage;
pub mod target;
pub mod uat;
pub mod uat_view;
pub mod upgrade;
pub mod upgrade_view;
pub mod value;
pub mod wording;

pub use error::{Error, ErrorKind, Result};
