//! Names and the platform schema of environments on a PostgreSQL server.
//!
//! Invariant: every name Cutover gives a schema is made here from a key of
//! letters, digits, `-` and `_`, and always quoted where it is used, so a
//! key can never be read as SQL; a schema that exists under an
//! environment's name is always whole (it is made under a `partial_` name
//! and renamed in the transaction that fills it).

use crate::Context;
use cutover_core::definitions::FieldType;
use cutover_core::{Error, Result};
use postgres::types::Type;
use postgres::GenericClient;

/// The platform schema's history, append only; `platform_meta` records how
/// many have run (`schema_version`).
const MIGRATIONS: &[&str] = &[
    include_str!("../../../migrations/environment-postgres/001_platform.sql"),
    include_str!("../../../migrations/environment-postgres/002_changelog_authors.sql"),
    include_str!("../../../migrations/environment-postgres/003_changelog_authors_kept.sql"),
    include_str!("../../../migrations/environment-postgres/004_changelog_by_author_kind.sql"),
];

/// The platform tables in an order where every table comes after those it
/// references, so rows can be copied in it.
pub(super) const PLATFORM_TABLES: &[&str] = &[
    "platform_meta",
    "platform_apps",
    "platform_tables",
    "platform_app_tables",
    "platform_fields",
    "platform_views",
    "platform_changelog",
    "platform_changelog_apps",
    "platform_extensions",
    "platform_applied_scripts",
];

/// A store key as schema and role names take it. PostgreSQL names are at
/// most 63 bytes and `retired_<name>_<unix seconds>` must fit, so a key of
/// up to 41 letters, digits, `-` and `_` (a UUID) is its own name, and a
/// longer one (an upgrade run's copy, `upgrade-<run>-<uuid>`, and its
/// snapshots, `…-before-N`) is named `h` and 40 hex digits of its SHA-256.
pub(super) fn store_name(key: &str) -> Result<String> {
    let plain = !key.is_empty()
        && key.len() <= 200
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !plain {
        return Err(Error::internal(format!(
            "\"{key}\" cannot name an environment on a server."
        )));
    }
    if key.len() <= 41 {
        return Ok(key.to_string());
    }
    use sha2::Digest;
    let digest = sha2::Sha256::digest(key.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    Ok(format!("h{}", &hex[..40]))
}

/// Whether `name` is a name [`store_name`] gives.
pub(super) fn is_store_name(name: &str) -> bool {
    store_name(name).is_ok_and(|n| n == name)
}

/// The schema of environment store `key`.
pub(super) fn env_schema(key: &str) -> Result<String> {
    Ok(format!("env_{}", store_name(key)?))
}

/// Where a copy of `key` is made before it is complete.
pub(super) fn partial_schema(key: &str) -> Result<String> {
    Ok(format!("partial_{}", store_name(key)?))
}

/// The role that owns environment `key`'s schema and everything in it:
/// Cutover's sessions on the environment and its package scripts act as
/// it, and it has no privilege anywhere else.
pub(super) fn role_of(key: &str) -> Result<String> {
    Ok(format!("cutover_env_{}", store_name(key)?))
}

/// Makes `role` (a login-less role) if it does not exist, and makes the
/// connected user a member of it, so that it may act as it.
pub(super) fn ensure_role(client: &mut impl GenericClient, role: &str) -> Result<()> {
    let exists = client
        .query_opt("SELECT 1 FROM pg_roles WHERE rolname = $1", &[&role])
        .context("looking for an environment's role")?
        .is_some();
    if !exists {
        // Roles are the whole server's: another session may make the same
        // one between the look and the make, which is as good.
        client
            .batch_execute(&format!(
                "DO $make$ BEGIN CREATE ROLE {} NOLOGIN;
                 EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $make$",
                ident(role)
            ))
            .context("creating an environment's role")?;
    }
    client
        .batch_execute(&format!("GRANT {} TO CURRENT_USER", ident(role)))
        .context("acting as an environment's role")
}

/// Drops `role` if it exists; a role that still owns something elsewhere
/// is kept (and said so in the log).
pub(super) fn drop_role(client: &mut impl GenericClient, role: &str) {
    if let Err(e) = client.batch_execute(&format!("DROP ROLE IF EXISTS {}", ident(role))) {
        tracing::warn!(role, error = %e, "an environment's role was kept");
    }
}

/// Gives schema `schema` and everything in it to `role`.
pub(super) fn give_to(client: &mut impl GenericClient, schema: &str, role: &str) -> Result<()> {
    let doing = "giving an environment's objects to its role";
    client
        .batch_execute(&format!(
            "ALTER SCHEMA {} OWNER TO {}",
            ident(schema),
            ident(role)
        ))
        .context(doing)?;
    let relations = client
        .query(
            "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
               AND pg_get_userbyid(c.relowner) <> $2",
            &[&schema, &role],
        )
        .context(doing)?;
    for r in relations {
        client
            .batch_execute(&format!(
                "ALTER TABLE {}.{} OWNER TO {}",
                ident(schema),
                ident(r.get(0)),
                ident(role)
            ))
            .context(doing)?;
    }
    let functions = client
        .query(
            "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE n.nspname = $1 AND pg_get_userbyid(p.proowner) <> $2",
            &[&schema, &role],
        )
        .context(doing)?;
    for f in functions {
        client
            .batch_execute(&format!(
                "ALTER ROUTINE {} OWNER TO {}",
                f.get::<_, &str>(0),
                ident(role)
            ))
            .context(doing)?;
    }
    Ok(())
}

/// Grants on schema `from` and its relations to roles other than their
/// owners (other applications, integrations' roles), given again on
/// schema `to` and its relations of the same names: replacing an
/// environment's contents (a restore, a refresh) does not change who may
/// use it. Column-level grants are not carried.
pub(super) fn carry_grants(client: &mut impl GenericClient, from: &str, to: &str) -> Result<()> {
    let doing = "keeping who may use the environment";
    let grantee =
        "CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END";
    let rows = client
        .query(
            &format!(
                "SELECT 'SCHEMA', NULL::text, a.privilege_type, a.is_grantable, {grantee}
                 FROM pg_namespace n, aclexplode(n.nspacl) a
                 WHERE n.nspname = $1 AND a.grantee <> n.nspowner
                 UNION ALL
                 SELECT CASE WHEN c.relkind = 'S' THEN 'SEQUENCE' ELSE 'TABLE' END,
                        c.relname::text, a.privilege_type, a.is_grantable, {grantee}
                 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace,
                      aclexplode(c.relacl) a
                 WHERE n.nspname = $1 AND a.grantee <> c.relowner
                   AND EXISTS (SELECT 1 FROM pg_class t JOIN pg_namespace m ON m.oid = t.relnamespace
                               WHERE m.nspname = $2 AND t.relname = c.relname)"
            ),
            &[&from, &to],
        )
        .context(doing)?;
    for r in rows {
        let (kind, relation, privilege, grantable, grantee): (
            &str,
            Option<&str>,
            &str,
            bool,
            &str,
        ) = (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4));
        // The server's own privilege keyword and a quoted name: nothing
        // here comes from outside the catalog.
        let object = match relation {
            Some(rel) => format!("{kind} {}.{}", ident(to), ident(rel)),
            None => format!("SCHEMA {}", ident(to)),
        };
        client
            .batch_execute(&format!(
                "GRANT {privilege} ON {object} TO {grantee}{}",
                if grantable { " WITH GRANT OPTION" } else { "" }
            ))
            .context(doing)?;
    }
    Ok(())
}

/// `name` quoted as an SQL identifier.
pub(super) fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The column type of a field on the server: real types, so other
/// applications reading the tables see dates as dates.
pub(super) fn column_type(field_type: &FieldType) -> &'static str {
    match field_type {
        FieldType::Text | FieldType::Choice { .. } => "text",
        FieldType::Number => "double precision",
        FieldType::Date => "date",
        FieldType::Boolean => "boolean",
        FieldType::Link { .. } => "bigint",
    }
}

/// Makes the platform schema in `schema` (which must not exist) and
/// records the platform version, within the caller's transaction.
pub(super) fn create_platform(
    tx: &mut impl GenericClient,
    schema: &str,
    platform_version: &str,
) -> Result<()> {
    tx.batch_execute(&format!(
        "CREATE SCHEMA {s}; SET LOCAL search_path TO {s};",
        s = ident(schema)
    ))
    .context("creating an environment's schema")?;
    for sql in MIGRATIONS {
        tx.batch_execute(sql)
            .context("creating the platform schema")?;
    }
    tx.execute(
        "INSERT INTO platform_meta (key, value) VALUES ('platform_version', $1)",
        &[&platform_version],
    )
    .context("recording the platform version")?;
    set_version(tx, schema)
}

/// Brings the platform schema on the search path up to date: runs the
/// migrations it has not had, in one transaction, once no other session is
/// doing the same (a store made by an older Cutover, a restored old backup).
pub(super) fn bring_up_to_date(client: &mut postgres::Client, schema: &str) -> Result<()> {
    if schema_version(client)? >= MIGRATIONS.len() {
        return Ok(());
    }
    let mut tx = client
        .transaction()
        .context("updating the platform schema")?;
    tx.batch_execute("LOCK TABLE platform_meta IN SHARE ROW EXCLUSIVE MODE")
        .context("updating the platform schema")?;
    // The first migration made the schema; the others can run again.
    for sql in MIGRATIONS.iter().skip(schema_version(&mut tx)?.max(1)) {
        tx.batch_execute(sql)
            .context("updating the platform schema")?;
    }
    set_version(&mut tx, schema)?;
    tx.commit().context("updating the platform schema")
}

fn schema_version(client: &mut impl GenericClient) -> Result<usize> {
    Ok(client
        .query_typed_opt(
            "SELECT value FROM platform_meta WHERE key = 'schema_version'",
            &[],
        )
        .context("reading the platform schema's version")?
        .and_then(|r| r.get::<_, String>(0).parse().ok())
        .unwrap_or(0))
}

/// Records that the platform schema in `schema` has every migration: the
/// one place a store's schema version is written (made, copied, updated).
pub(super) fn set_version(client: &mut impl GenericClient, schema: &str) -> Result<()> {
    client
        .query_typed(
            &format!(
                "INSERT INTO {}.platform_meta (key, value) VALUES ('schema_version', $1)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                ident(schema)
            ),
            &[(&MIGRATIONS.len().to_string(), Type::TEXT)],
        )
        .context("recording the platform schema's version")?;
    Ok(())
}

/// Every table of `schema` that is not a platform table (record tables,
/// and tables an extension made), by name.
pub(super) fn other_tables(client: &mut impl GenericClient, schema: &str) -> Result<Vec<String>> {
    // The catalog, not the `pg_tables` view: that one takes milliseconds to
    // plan, under a promotion's lock.
    let rows = client
        .query_typed(
            "SELECT relname::text FROM pg_class
             WHERE relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = $1)
               AND relkind IN ('r', 'p') AND relname NOT LIKE 'platform\\_%'
             ORDER BY relname",
            &[(&schema, Type::TEXT)],
        )
        .context("listing an environment's tables")?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

/// Makes every identity column of `schema` continue after its largest
/// value (rows were copied in with their ids).
pub(super) fn restart_identities(client: &mut impl GenericClient, schema: &str) -> Result<()> {
    let rows = client
        .query(
            "SELECT table_name, column_name FROM information_schema.columns
             WHERE table_schema = $1 AND is_identity = 'YES'",
            &[&schema],
        )
        .context("listing identity columns")?;
    for row in rows {
        let (table, column): (String, String) = (row.get(0), row.get(1));
        let qualified = format!("{}.{}", ident(schema), ident(&table));
        client
            .execute(
                &format!(
                    "SELECT setval(pg_get_serial_sequence($1, $2), coalesce((SELECT max({c}) FROM {qualified}), 0) + 1, false)",
                    c = ident(&column)
                ),
                &[&qualified, &column],
            )
            .context("continuing an identity after copied rows")?;
    }
    Ok(())
}
