//! Package SQL on a server (release migrations and checks, extension
//! scripts) is vendor code: it runs inside a `SECURITY DEFINER` function
//! owned by the environment's role, so it can only touch its own
//! environment's schema.
//!
//! Invariants, whatever a signed package says:
//! - it acts as the environment's role, which owns nothing but that schema
//!   and has no privilege on any other environment; and it cannot change
//!   role (PostgreSQL refuses `SET ROLE`, `RESET ROLE` and `SET SESSION
//!   AUTHORIZATION` inside a security-definer function);
//! - the transaction is Cutover's: `COMMIT`, `ROLLBACK` and savepoint
//!   commands are refused inside a function, so a script cannot commit half
//!   a package or step out of the transaction that records it;
//! - a check only reads: one `SELECT`/`WITH` statement, wrapped as a
//!   subquery, in a read-only transaction;
//! - each script has a time limit (`statement_timeout`).
//!
//! A refused statement stops the script with a message that names the
//! script and the server's reason; the caller's transaction then rolls
//! back, so the environment is left as it was.

use super::schema::ident;
use crate::Context;
use cutover_core::{Error, Result};
use postgres::GenericClient;

/// How long one script may run before the server stops it.
const SCRIPT_TIMEOUT: &str = "15min";
/// How long one check may run.
const CHECK_TIMEOUT: &str = "2min";

/// Makes the session's runners, `pg_temp.cutover_run(script)` and
/// `pg_temp.cutover_check(script)`, owned by the session's role (the
/// environment's) and running as it. Made once per session, outside any
/// transaction (a read-only one could not make them).
pub(super) fn make_runner(tx: &mut impl GenericClient, schema: &str) -> Result<()> {
    tx.batch_execute(&format!(
        "CREATE OR REPLACE FUNCTION pg_temp.cutover_run(script text) RETURNS void
             LANGUAGE plpgsql SECURITY DEFINER SET search_path = {s}
             AS $run$ BEGIN EXECUTE script; END $run$;
         CREATE OR REPLACE FUNCTION pg_temp.cutover_check(script text) RETURNS text
             LANGUAGE plpgsql SECURITY DEFINER SET search_path = {s}
             AS $run$ DECLARE found text; BEGIN
                 EXECUTE 'SELECT row_to_json(c)::text FROM (' || script || E'\\n) c LIMIT 1' INTO found;
                 RETURN found;
             END $run$;",
        s = ident(schema)
    ))
    .context("preparing to run package SQL")
}

fn refused(file: &str, e: &postgres::Error) -> Error {
    let why = e
        .as_db_error()
        .map(|d| {
            let mut why = d.message().to_string();
            if let Some(where_) = d.where_() {
                if let Some(line) = where_
                    .lines()
                    .find(|l| l.contains("line"))
                    .filter(|l| !l.contains("cutover_run") && !l.contains("cutover_check"))
                {
                    why = format!("{why} ({line})");
                }
            }
            why
        })
        .unwrap_or_else(|| e.to_string());
    Error::invalid(format!("Script {file} was refused by the server: {why}."))
}

/// Runs one script as the environment's role inside the caller's
/// transaction.
pub(super) fn run_script(tx: &mut impl GenericClient, file: &str, sql: &str) -> Result<()> {
    tx.batch_execute(&format!("SET LOCAL statement_timeout = '{SCRIPT_TIMEOUT}'"))
        .context("preparing to run package SQL")?;
    tx.execute("SELECT pg_temp.cutover_run($1)", &[&sql])
        .map_err(|e| refused(file, &e))?;
    tx.batch_execute("SET LOCAL statement_timeout = 0")
        .context("running package SQL")
}

/// Runs a check: `Some(first row)` when it returns rows. Runs in a
/// read-only transaction of its own.
pub(super) fn run_check(
    client: &mut postgres::Client,
    file: &str,
    sql: &str,
) -> Result<Option<String>> {
    let mut tx = client
        .build_transaction()
        .read_only(true)
        .start()
        .context("running a check")?;
    tx.batch_execute(&format!("SET LOCAL statement_timeout = '{CHECK_TIMEOUT}'"))
        .context("running a check")?;
    let found: Option<String> = tx
        .query_one(
            "SELECT pg_temp.cutover_check($1)",
            &[&sql.trim().trim_end_matches(';')],
        )
        .map_err(|e| refused(file, &e))?
        .get(0);
    let cells = found
        .map(|json| {
            let row: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(&json).context("reading a check's row")?;
            Ok::<_, Error>(
                row.values()
                    .map(|v| match v {
                        serde_json::Value::String(s) => s.clone(),
                        serde_json::Value::Null => "NULL".to_string(),
                        other => other.to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
            )
        })
        .transpose()?;
    tx.rollback().context("running a check")?;
    Ok(cells)
}
