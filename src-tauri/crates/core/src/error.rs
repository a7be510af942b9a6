//! The one error type of the domain and the store.
//!
//! Every failure a user can meet is classified by an [`ErrorKind`] that the
//! UI switches on, and carries a message written for the user: what went
//! wrong and what to do. Messages never leak SQL or file paths unless they
//! help the user act.

use serde::Serialize;
use specta::Type;

/// What kind of failure this is; the UI switches on it, never on messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The thing asked for does not exist (any more).
    NotFound,
    /// The input is malformed or out of range; fix it and try again.
    Invalid,
    /// The input is fine but clashes with the current state (a duplicate name).
    Conflict,
    /// The rules forbid this operation outright (deleting production).
    Forbidden,
    /// The target is locked by a running operation; try again later.
    Locked,
    /// Allowed, but only once the user confirms (a change to production).
    Unconfirmed,
    /// A fault in Cutover or its environment; see the log.
    Internal,
    /// The user stopped it before it finished; nothing was kept.
    Cancelled,
    /// A server the environments live on could not be reached or refused
    /// the connection; the message says what failed and what to check.
    Unavailable,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Type)]
#[error("{message}")]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
    /// What is wrong with each field of a form, when the error is about
    /// what was typed in one (empty otherwise): the UI shows each at its
    /// field, all at once. `message` says the same in one sentence.
    pub fields: Vec<FieldProblem>,
}

/// One field's problem: `field` names it as the form does (a record
/// field's name, or an input such as `name` or `options`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct FieldProblem {
    pub field: String,
    pub message: String,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            fields: Vec::new(),
        }
    }

    /// An `invalid` error naming each field's problem; the message lists
    /// them all ("Name: … Budget: …").
    pub fn invalid_fields(fields: Vec<FieldProblem>) -> Self {
        let message = fields
            .iter()
            .map(|p| format!("{}: {}", p.field, p.message))
            .collect::<Vec<_>>()
            .join(" ");
        Self {
            kind: ErrorKind::Invalid,
            message,
            fields,
        }
    }

    /// An `invalid` error about a form's inputs whose messages say which
    /// input they are about; the message is them all, one after another.
    pub fn invalid_inputs(fields: Vec<FieldProblem>) -> Self {
        let message = fields
            .iter()
            .map(|p| p.message.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        Self {
            kind: ErrorKind::Invalid,
            message,
            fields,
        }
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotFound, message)
    }
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Invalid, message)
    }
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Conflict, message)
    }
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Forbidden, message)
    }
    pub fn locked(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Locked, message)
    }
    pub fn unconfirmed(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Unconfirmed, message)
    }
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Internal, message)
    }
    pub fn cancelled(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Cancelled, message)
    }
    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Unavailable, message)
    }

    /// The same error, said to be about the form's `field` (its kind and
    /// message unchanged), unless it already names fields.
    pub fn at_field(mut self, field: &str) -> Self {
        if self.fields.is_empty() {
            self.fields.push(FieldProblem {
                field: field.to_string(),
                message: self.message.clone(),
            });
        }
        self
    }
}

/// How messages quote text that came from outside (a package, a file): in
/// quotes, and no longer than a short prefix, so a hostile name or version
/// cannot flood the screen.
pub fn quote(text: &str) -> String {
    const MAX: usize = 60;
    match text.char_indices().nth(MAX) {
        None => format!("\"{text}\""),
        Some((end, _)) => format!(
            "\"{}…\" ({} characters)",
            &text[..end],
            text.chars().count()
        ),
    }
}

#[cfg(test)]
mod quote_tests {
    use super::quote;

    #[test]
    fn short_text_is_quoted_whole_and_long_text_by_a_prefix() {
        assert_eq!(quote("10.0.2"), "\"10.0.2\"");
        let long = "9".repeat(60_000);
        let q = quote(&long);
        assert!(q.len() < 100, "{q}");
        assert!(q.ends_with("(60000 characters)"), "{q}");
        assert_eq!(
            quote(&"é".repeat(61)).chars().filter(|c| *c == 'é').count(),
            60
        );
    }
}
