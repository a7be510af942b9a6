//! Turning storage faults into user-facing errors.
//!
//! A database error is never shown raw: it becomes an internal error that
//! says what Cutover was doing, and the detail goes to the log.

use cutover_core::{Error, Result};
use std::fmt::Display;

pub trait Context<T> {
    /// Marks a fault as internal, naming the operation that failed.
    fn context(self, doing: &str) -> Result<T>;
}

impl<T, E: Display> Context<T> for std::result::Result<T, E> {
    fn context(self, doing: &str) -> Result<T> {
        self.map_err(|e| {
            tracing::error!(error = %e, "while {doing}");
            Error::internal(format!(
                "Cutover failed while {doing}: {e}. See the log for details."
            ))
        })
    }
}
