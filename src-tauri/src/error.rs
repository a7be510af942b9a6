//! The one error that crosses IPC: `{ kind, message, fields }`.
//!
//! The UI switches on `kind` and shows `message` (and each of `fields` at
//! its form field); it never parses messages.
//! Domain and store errors convert into it unchanged; faults of Tauri itself
//! and panics in a command become `internal` with the detail in the log.

use cutover_core::error::FieldProblem;
use cutover_core::{Error, ErrorKind};
use serde::Serialize;
use specta::Type;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct CommandError {
    pub kind: ErrorKind,
    pub message: String,
    pub fields: Vec<FieldProblem>,
}

pub type CommandResult<T> = Result<T, CommandError>;

impl CommandError {
    pub fn internal(message: impl Into<String>) -> Self {
        Self {
            kind: ErrorKind::Internal,
            message: message.into(),
            fields: Vec::new(),
        }
    }
}

impl From<Error> for CommandError {
    fn from(e: Error) -> Self {
        if e.kind == ErrorKind::Internal {
            tracing::error!(message = %e.message, "command failed");
        } else {
            tracing::info!(kind = ?e.kind, message = %e.message, "command refused");
        }
        Self {
            kind: e.kind,
            message: e.message,
            fields: e.fields,
        }
    }
}

impl From<tauri::Error> for CommandError {
    fn from(e: tauri::Error) -> Self {
        tracing::error!(error = %e, "tauri failed");
        Self::internal(format!(
            "The desktop shell failed: {e}. See the log for details."
        ))
    }
}
