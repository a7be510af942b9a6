//! Package SQL (release migrations and checks, extension scripts) is vendor
//! code: it runs under an SQLite authorizer so that it can only change its
//! own environment store.
//!
//! Invariants, whatever a signed package says:
//! - no other database is reachable: ATTACH and DETACH are denied (VACUUM
//!   needs an ATTACH of its own, so VACUUM and VACUUM INTO are denied too);
//! - the transaction is Cutover's: BEGIN, COMMIT, ROLLBACK, SAVEPOINT and
//!   RELEASE are denied, so a script cannot commit half a package or step
//!   out of the transaction that records it;
//! - no PRAGMA but a short read-only list, no `load_extension`;
//! - checks only read: SELECT or WITH, one statement, `query_only` on.
//!
//! A denied statement stops the script with a message that names the
//! script, the line and what was denied; the caller's transaction then
//! rolls back, so the store is left as it was.

use cutover_core::{Error, Result};
use rusqlite::hooks::{AuthAction, AuthContext, Authorization};
use rusqlite::Connection;
use std::sync::{Arc, Mutex};

/// PRAGMAs a package may use: each only reads.
const READ_ONLY_PRAGMAS: &[&str] = &[
    "table_info",
    "table_xinfo",
    "table_list",
    "index_list",
    "index_info",
    "index_xinfo",
    "foreign_key_list",
    "foreign_key_check",
    "integrity_check",
    "quick_check",
];

/// Virtual table modules a migration may create (the bundled ones).
const MODULES: &[&str] = &["fts5", "fts4", "fts3", "rtree"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Migrations and extension scripts: may change the store's own schema
    /// and data inside Cutover's transaction.
    Script,
    /// Checks: may only read.
    Check,
}

/// Why `action` is denied in `mode`, or `None` when it is allowed.
pub fn denied(action: &AuthAction<'_>, database: Option<&str>, mode: Mode) -> Option<String> {
    if let Some(db) = database {
        if db != "main" && db != "temp" {
            return Some(format!("using database \"{db}\""));
        }
    }
    let reads = matches!(
        action,
        AuthAction::Select | AuthAction::Read { .. } | AuthAction::Recursive
    );
    match action {
        AuthAction::Attach { .. } => Some("ATTACH (another database file)".into()),
        AuthAction::Detach { .. } => Some("DETACH".into()),
        AuthAction::Transaction { .. } | AuthAction::Savepoint { .. } => Some(
            "transaction control (BEGIN, COMMIT, ROLLBACK, SAVEPOINT, RELEASE): Cutover runs the package in its own transaction"
                .into(),
        ),
        AuthAction::Pragma { pragma_name, .. } => {
            let name = pragma_name.to_ascii_lowercase();
            (!READ_ONLY_PRAGMAS.contains(&name.as_str())).then(|| format!("PRAGMA {name}"))
        }
        AuthAction::Function { function_name } => {
            let name = function_name.to_ascii_lowercase();
            (name == "load_extension").then(|| "load_extension()".to_string())
        }
        AuthAction::CreateVtable { module_name, .. } if mode == Mode::Script => {
            let name = module_name.to_ascii_lowercase();
            (!MODULES.contains(&name.as_str())).then(|| format!("virtual tables of module {name}"))
        }
        AuthAction::DropVtable { module_name, .. } if mode == Mode::Script => {
            let name = module_name.to_ascii_lowercase();
            (!MODULES.contains(&name.as_str())).then(|| format!("virtual tables of module {name}"))
        }
        AuthAction::Unknown { code, .. } => Some(format!("an unknown operation (code {code})")),
        _ if mode == Mode::Check && !reads => Some(format!(
            "{} (a check may only read)",
            describe(action)
        )),
        _ => None,
    }
}

fn describe(action: &AuthAction<'_>) -> String {
    match action {
        AuthAction::Insert { table_name } => format!("INSERT into {table_name}"),
        AuthAction::Update { table_name, .. } => format!("UPDATE of {table_name}"),
        AuthAction::Delete { table_name } => format!("DELETE from {table_name}"),
        AuthAction::CreateTable { table_name } | AuthAction::CreateTempTable { table_name } => {
            format!("CREATE TABLE {table_name}")
        }
        AuthAction::DropTable { table_name } | AuthAction::DropTempTable { table_name } => {
            format!("DROP TABLE {table_name}")
        }
        AuthAction::AlterTable { table_name, .. } => format!("ALTER TABLE {table_name}"),
        other => {
            let text = format!("{other:?}");
            text.split([' ', '{'])
                .next()
                .unwrap_or("a change")
                .to_string()
        }
    }
}

/// Runs `f` with the authorizer for `mode` installed, and removes it
/// afterwards whatever happened. The second value is the first denial.
fn with_authorizer<T>(
    conn: &Connection,
    mode: Mode,
    f: impl FnOnce() -> rusqlite::Result<T>,
) -> Result<(rusqlite::Result<T>, Option<String>)> {
    let first: Arc<Mutex<Option<String>>> = Arc::new(Mutex::new(None));
    let seen = first.clone();
    conn.authorizer(Some(move |ctx: AuthContext<'_>| {
        match denied(&ctx.action, ctx.database_name, mode) {
            None => Authorization::Allow,
            Some(why) => {
                if let Ok(mut slot) = seen.lock() {
                    slot.get_or_insert(why);
                }
                Authorization::Deny
            }
        }
    }))
    .map_err(|e| Error::internal(format!("Could not confine package SQL: {e}.")))?;
    let outcome = f();
    conn.authorizer(None::<fn(AuthContext<'_>) -> Authorization>)
        .map_err(|e| {
            Error::internal(format!("Could not lift the package SQL confinement: {e}."))
        })?;
    let why = first.lock().ok().and_then(|mut s| s.take());
    Ok((outcome, why))
}

/// The 1-based line of byte `offset` in `sql`.
fn line_at(sql: &str, offset: usize) -> usize {
    sql[..offset.min(sql.len())].matches('\n').count() + 1
}

/// Where the next statement after `from` starts: past blank space and
/// comments.
fn next_statement(sql: &str, mut from: usize) -> usize {
    loop {
        let rest = &sql[from..];
        let trimmed = rest.trim_start();
        from += rest.len() - trimmed.len();
        if let Some(after) = trimmed.strip_prefix("--") {
            from += 2 + after.find('\n').map_or(after.len(), |n| n + 1);
        } else if let Some(after) = trimmed.strip_prefix("/*") {
            from += 2 + after.find("*/").map_or(after.len(), |n| n + 2);
        } else {
            return from;
        }
    }
}

/// Runs the statements of `script` (named `file`) confined to the store.
/// On failure the message names the file, the line and the reason.
pub fn run_script(conn: &Connection, file: &str, sql: &str) -> Result<()> {
    use fallible_iterator::FallibleIterator;
    let mut at = 0usize;
    let mut failed_at = 0usize;
    let (outcome, why) = with_authorizer(conn, Mode::Script, || {
        let mut batch = rusqlite::Batch::new(conn, sql);
        loop {
            failed_at = next_statement(sql, at);
            let Some(mut stmt) = batch.next()? else {
                return Ok(());
            };
            if let Some(text) = stmt.expanded_sql() {
                if let Some(found) = sql[failed_at..].find(text.trim()) {
                    failed_at += found;
                    at = failed_at + text.trim().len();
                }
            }
            // As `execute_batch`: one step, so a statement may return rows.
            stmt.raw_query().next()?;
        }
    })?;
    outcome.map_err(|e| failure("Script", file, line_at(sql, failed_at), why, &e))
}

/// Runs check `sql` (named `file`) read-only; returns its first row's
/// cells as text, if it returned any.
pub fn run_check(conn: &Connection, file: &str, sql: &str) -> Result<Option<Vec<String>>> {
    let line = line_at(sql, next_statement(sql, 0));
    conn.pragma_update(None, "query_only", true)
        .map_err(|e| Error::internal(format!("Could not make the store read-only: {e}.")))?;
    let confined = with_authorizer(conn, Mode::Check, || {
        let mut stmt = conn.prepare(sql)?;
        if !stmt.readonly() {
            return Err(rusqlite::Error::InvalidQuery);
        }
        let width = stmt.column_count();
        let mut rows = stmt.query([])?;
        let Some(row) = rows.next()? else {
            return Ok(None);
        };
        Ok(Some(
            (0..width)
                .map(|i| row.get_ref(i).map(text_of).unwrap_or_else(|_| "?".into()))
                .collect(),
        ))
    });
    let reset = conn.pragma_update(None, "query_only", false);
    let (outcome, why) = confined?;
    reset.map_err(|e| Error::internal(format!("Could not make the store writable again: {e}.")))?;
    outcome.map_err(|e| match e {
        rusqlite::Error::InvalidQuery if why.is_none() => Error::forbidden(format!(
            "Check {file}, line {line}: a check may only read (SELECT or WITH). The package was not applied."
        )),
        e => failure("Check", file, line, why, &e),
    })
}

fn failure(
    noun: &str,
    file: &str,
    line: usize,
    denied: Option<String>,
    e: &rusqlite::Error,
) -> Error {
    match denied {
        Some(what) => Error::forbidden(format!(
            "{noun} {file}, line {line}, was refused: {what} is not allowed in package SQL, which may only change its own environment. Nothing was changed; ask the vendor for a corrected package."
        )),
        None => Error::invalid(format!("{noun} {file}, line {line}, failed: {e}.")),
    }
}

fn text_of(v: rusqlite::types::ValueRef<'_>) -> String {
    use rusqlite::types::ValueRef;
    match v {
        ValueRef::Null => "NULL".into(),
        ValueRef::Integer(i) => i.to_string(),
        ValueRef::Real(r) => r.to_string(),
        ValueRef::Text(t) | ValueRef::Blob(t) => String::from_utf8_lossy(t).into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> Connection {
        let conn = Connection::open_in_memory().expect("memory db");
        conn.execute_batch(
            "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t (v) VALUES ('a');",
        )
        .expect("schema");
        conn
    }

    #[test]
    fn scripts_change_their_own_store() {
        let conn = store();
        run_script(
            &conn,
            "001.sql",
            "-- add a column\nALTER TABLE t ADD COLUMN w INTEGER;\nUPDATE t SET w = 1;\nCREATE INDEX t_w ON t (w);\nSELECT count(*) FROM pragma_table_info('t');",
        )
        .expect("allowed");
        let w: i64 = conn
            .query_row("SELECT w FROM t", [], |r| r.get(0))
            .expect("w");
        assert_eq!(w, 1);
    }

    #[test]
    fn each_escape_is_denied_with_its_line() {
        let cases = [
            ("UPDATE t SET v = 'b';\nATTACH 'x.db' AS x;", 2, "ATTACH"),
            ("\n\nCOMMIT;", 3, "transaction control"),
            ("BEGIN;", 1, "transaction control"),
            ("SAVEPOINT s;", 1, "transaction control"),
            ("VACUUM;", 1, "ATTACH"),
            ("VACUUM INTO '/tmp/cutover-escape.db';", 1, "ATTACH"),
            ("PRAGMA writable_schema = ON;", 1, "PRAGMA writable_schema"),
            (
                "SELECT * FROM pragma_database_list;",
                1,
                "PRAGMA database_list",
            ),
            ("SELECT load_extension('x');", 1, "load_extension"),
            ("/* c */ DETACH main;", 1, "DETACH"),
        ];
        for (sql, line, what) in cases {
            let conn = store();
            let e = run_script(&conn, "evil.sql", sql).expect_err(sql);
            assert!(
                e.message.contains(&format!("evil.sql, line {line}")) && e.message.contains(what),
                "{sql}: {}",
                e.message
            );
        }
        assert!(!std::path::Path::new("/tmp/cutover-escape.db").exists());
    }

    #[test]
    fn checks_only_read() {
        let conn = store();
        assert_eq!(
            run_check(&conn, "c.sql", "SELECT v FROM t").expect("reads"),
            Some(vec!["a".to_string()])
        );
        assert_eq!(
            run_check(
                &conn,
                "c.sql",
                "WITH x AS (SELECT 1) SELECT * FROM x WHERE 0"
            )
            .expect("reads"),
            None
        );
        for sql in [
            "CREATE TABLE planted (x)",
            "INSERT INTO t (v) VALUES ('b')",
            "DELETE FROM t",
            "PRAGMA user_version = 7",
            "VACUUM INTO '/tmp/cutover-escape-check.db'",
        ] {
            let e = run_check(&conn, "c.sql", sql).expect_err(sql);
            assert!(e.message.contains("c.sql, line 1"), "{sql}: {}", e.message);
        }
        let tables: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'",
                [],
                |r| r.get(0),
            )
            .expect("tables");
        assert_eq!(tables, 1);
        conn.execute("INSERT INTO t (v) VALUES ('writable again')", [])
            .expect("query_only is lifted after a check");
    }
}
