//! Knowing whether anyone wrote to an environment on a server since a
//! moment: a count of writing transactions the server keeps itself, moved by
//! every writer (Cutover, another application, an integration's role,
//! package SQL), so that a backup taken while production stays online can
//! be known to still be exact once production is locked.
//!
//! Invariants:
//! - a table carrying the statement trigger `cutover_writes` adds one to
//!   the writing server process's row of `platform_writes` in the writer's
//!   own transaction: a committed write has moved the sum, an uncommitted
//!   one moves it when it commits, a rolled-back one not at all. Rows are
//!   per server process (`pg_backend_pid()`, which runs one transaction at
//!   a time), so concurrent writers never wait on each other for it. A
//!   transaction counts once per environment (a transaction-local setting,
//!   which a rolled-back savepoint takes back with the count): updating
//!   one row per statement made a bulk load's single-row inserts in one
//!   transaction 30 times slower; once per transaction costs about 10 µs
//!   a statement;
//! - the sum only grows, and is only read as a count while every table of
//!   the environment carries the enabled trigger with Cutover's function;
//!   otherwise [`writes`] says "unknown" and the caller takes the safe path
//!   (a table made by package SQL or another application, a trigger
//!   dropped or disabled, a schema restored from a backup — copies carry
//!   no triggers — all count as unknown until the next [`count_writes`]);
//! - the function finds its counter through the schema of the table that
//!   fired it, never by a name written into it, so renaming the schema
//!   (a restore, a retirement) leaves writers working.

use super::schema::ident;
use crate::Context;
use cutover_core::Result;
use postgres::types::Type;
use postgres::{Client, GenericClient};

const TRIGGER: &str = "cutover_writes";

/// How long adding the trigger to a table may wait for writers already
/// in it: adding it blocks the table's new writers behind those, so it
/// gives up (the table stays uncounted) rather than hold production up.
const LOCK_WAIT: &str = "2s";

/// Makes `schema`'s counter and its function, and puts the trigger on
/// every table that lacks it. Each table is done in its own short
/// transaction; one that cannot be done in time is left (and logged), so
/// the environment then reads as unknown. Runs as the environment's role,
/// which owns every table.
pub(super) fn count_writes(client: &mut Client, schema: &str) -> Result<()> {
    let s = ident(schema);
    client
        .batch_execute(&format!(
            "CREATE TABLE IF NOT EXISTS {s}.platform_writes (
                 backend integer PRIMARY KEY,
                 writes bigint NOT NULL
             );
             CREATE OR REPLACE FUNCTION {s}.platform_count_write() RETURNS trigger
                 LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
                 AS $count$ BEGIN
                     IF current_setting('cutover.counted', true) IS DISTINCT FROM TG_TABLE_SCHEMA THEN
                         EXECUTE format('INSERT INTO %I.platform_writes AS w (backend, writes)
                                         VALUES (pg_backend_pid(), 1)
                                         ON CONFLICT (backend) DO UPDATE SET writes = w.writes + 1',
                                        TG_TABLE_SCHEMA);
                         PERFORM set_config('cutover.counted', TG_TABLE_SCHEMA, true);
                     END IF;
                     RETURN NULL;
                 END $count$;"
        ))
        .context("preparing to watch an environment's writes")?;
    for table in uncounted(client, schema)? {
        let added = client.batch_execute(&format!(
            "BEGIN;
             SET LOCAL lock_timeout = '{LOCK_WAIT}';
             CREATE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
                 ON {s}.{t} FOR EACH STATEMENT EXECUTE FUNCTION {s}.platform_count_write();
             COMMIT;",
            t = ident(&table)
        ));
        if let Err(e) = added {
            let _ = client.batch_execute("ROLLBACK");
            tracing::warn!(schema, table, error = %e, "a table's writes are not counted");
        }
    }
    Ok(())
}

/// The tables of `schema` whose writes are not counted: no trigger, a
/// disabled one, or one that calls anything but the schema's counter.
fn uncounted(client: &mut impl GenericClient, schema: &str) -> Result<Vec<String>> {
    Ok(client
        .query_typed(
            "SELECT c.relname::text FROM pg_class c
             JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND c.relname <> 'platform_writes'
               AND NOT EXISTS (
                   SELECT 1 FROM pg_trigger t
                   WHERE t.tgrelid = c.oid AND t.tgname = $2 AND t.tgenabled <> 'D'
                     AND t.tgfoid = to_regprocedure(format('%I.platform_count_write()', $1)))
             ORDER BY c.relname",
            &[(&schema, Type::TEXT), (&TRIGGER, Type::TEXT)],
        )
        .context("looking for tables whose writes are not counted")?
        .iter()
        .map(|r| r.get(0))
        .collect())
}

/// How many writing transactions were committed to `schema` so far, or
/// `None` when some table's writes are not counted.
pub(super) fn writes(client: &mut impl GenericClient, schema: &str) -> Result<Option<i64>> {
    // Typed queries, one round trip each: this runs under production's lock.
    let counter = client
        .query_typed_one(
            "SELECT to_regclass(format('%I.platform_writes', $1::text)) IS NOT NULL",
            &[(&schema, Type::TEXT)],
        )
        .context("reading an environment's writes")?
        .get::<_, bool>(0);
    if !counter || !uncounted(client, schema)?.is_empty() {
        return Ok(None);
    }
    Ok(Some(
        client
            .query_typed_one(
                &format!(
                    "SELECT coalesce(sum(writes), 0)::bigint FROM {}.platform_writes",
                    ident(schema)
                ),
                &[],
            )
            .context("reading an environment's writes")?
            .get(0),
    ))
}
