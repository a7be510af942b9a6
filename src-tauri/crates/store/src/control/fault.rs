//! Turning storage faults into user-facing errors.
//!
//! A database error is never shown raw: it becomes an internal error that
//! says what Cutover was doing, and the detail goes to the log; a busy
//! database becomes a `Locked` error, to try again.

use cutover_core::{Error, Result};
use rusqlite::types::FromSql;
use rusqlite::{Connection, Params};

/// SQLite's messages for SQLITE_BUSY and SQLITE_LOCKED.
const BUSY: [&str; 2] = ["database is locked", "database table is locked"];

pub trait Context<T> {
    /// Marks a fault as internal, naming the operation that failed.
    fn context(self, doing: &str) -> Result<T>;
}

impl<T, E: std::error::Error> Context<T> for std::result::Result<T, E> {
    fn context(self, doing: &str) -> Result<T> {
        self.map_err(|e| {
            // The whole chain: a server's error says what it is only in
            // its source ("db error: ERROR: permission denied …").
            let mut text = e.to_string();
            let mut cause = e.source();
            while let Some(c) = cause {
                let more = c.to_string();
                if !text.contains(&more) {
                    text = format!("{text}: {more}");
                }
                cause = c.source();
            }
            // SQLite's busy and locked errors pass: another connection held
            // the database past the busy timeout. Saying so (kind `Locked`)
            // lets the caller offer to try again; an upgrade stops at its
            // step, resumable, instead of rolling back.
            if BUSY.iter().any(|b| text.contains(b)) {
                tracing::warn!(error = %text, "busy while {doing}");
                return Error::locked(format!(
                    "Cutover could not finish {doing}: the data was busy with another operation ({text}). Try again in a moment."
                ));
            }
            tracing::error!(error = %text, "while {doing}");
            Error::internal(format!(
                "Cutover failed while {doing}: {text}. See the log for details."
            ))
        })
    }
}

/// Every value of a one-column query, with `doing` naming it in any error.
pub(crate) fn column<T: FromSql>(
    conn: &Connection,
    sql: &str,
    params: impl Params,
    doing: &str,
) -> Result<Vec<T>> {
    let mut stmt = conn.prepare_cached(sql).context(doing)?;
    let rows = stmt.query_map(params, |r| r.get(0)).context(doing)?;
    rows.collect::<rusqlite::Result<_>>().context(doing)
}

/// Whether a statement failed on a UNIQUE constraint (a name already taken,
/// a second running job): the callers turn it into a user-facing refusal.
pub(crate) fn is_unique_violation(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _)
        if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE)
}
