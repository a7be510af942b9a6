//! Pausing the role another application writes to an environment with:
//! no login (`NOLOGIN`), no write privileges on the environment's tables,
//! and its open sessions ended, so that while a promotion or a data
//! upgrade runs it neither writes nor holds a lock; then giving back
//! exactly what it had.
//!
//! Invariants:
//! - only what the role was granted on its own is taken (its table-level
//!   `INSERT`, `UPDATE`, `DELETE`, `TRUNCATE`), and only if it had it; what
//!   it inherits from another role is not touched, but without a login
//!   and with its sessions ended it cannot use it;
//! - Cutover acts on the environment's tables as a member of the role
//!   that owns them, so what it grants back is recorded as the owner's;
//! - giving back is idempotent (`GRANT` of a held privilege, `LOGIN` of a
//!   role that has it), so a pause undone twice is undone once.

use super::schema::{env_schema, ident};
use super::{schema_exists, PgBackend};
use crate::env_store::roles::{HeldRights, TableRight, WriterRoles};
use crate::Context;
use cutover_core::{Error, Result};
use postgres::GenericClient;

/// How long ending one of the role's sessions may take before the pause
/// fails (PostgreSQL's `pg_terminate_backend` timeout, in ms).
const END_SESSION_MS: i64 = 5000;

const WRITES: &str = "('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE')";

impl PgBackend {
    fn writer_schema(&self, client: &mut impl GenericClient, key: &str) -> Result<String> {
        let schema = env_schema(key)?;
        if !schema_exists(client, &schema)? {
            return Err(Error::not_found(format!(
                "The data store of this environment is missing from the server (schema {schema})."
            )));
        }
        Ok(schema)
    }
}

fn read_rights(client: &mut impl GenericClient, schema: &str, role: &str) -> Result<HeldRights> {
    let login = client
        .query_opt("SELECT rolcanlogin FROM pg_roles WHERE rolname = $1", &[&role])
        .context("reading an integration's role")?
        .ok_or_else(|| {
            Error::not_found(format!(
                "The server has no role “{role}”. Give the role the other application logs in with (its user name), or ask the server's administrator to create it."
            ))
        })?
        .get(0);
    let writes = client
        .query(
            &format!(
                "SELECT c.relname::text, a.privilege_type, a.is_grantable
                 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace,
                      aclexplode(c.relacl) a
                 WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')
                   AND a.grantee = (SELECT oid FROM pg_roles WHERE rolname = $2)
                   AND a.privilege_type IN {WRITES}
                 ORDER BY 1, 2"
            ),
            &[&schema, &role],
        )
        .context("reading an integration's privileges")?
        .iter()
        .map(|r| TableRight {
            table: r.get(0),
            privilege: r.get(1),
            grantable: r.get(2),
        })
        .collect();
    Ok(HeldRights { login, writes })
}

/// Takes `held` from `role` inside the caller's transaction.
fn take(
    client: &mut impl GenericClient,
    schema: &str,
    role: &str,
    held: &HeldRights,
) -> std::result::Result<(), postgres::Error> {
    let r = ident(role);
    if held.login {
        client.batch_execute(&format!("ALTER ROLE {r} NOLOGIN"))?;
    }
    for w in &held.writes {
        if !privilege_ok(&w.privilege) {
            continue;
        }
        client.batch_execute(&format!(
            "REVOKE {} ON TABLE {}.{} FROM {r}",
            w.privilege,
            ident(schema),
            ident(&w.table)
        ))?;
    }
    Ok(())
}

/// Whether `p` is one of the write privileges a pause takes: a recorded
/// hold is read back from the control database and spliced into SQL.
fn privilege_ok(p: &str) -> bool {
    matches!(p, "INSERT" | "UPDATE" | "DELETE" | "TRUNCATE")
}

impl WriterRoles for PgBackend {
    fn check_writer(&self, key: &str, role: &str) -> Result<()> {
        let mut client = self.client()?;
        let schema = self.writer_schema(&mut client, key)?;
        let held = read_rights(&mut client, &schema, role)?;
        let row = client
            .query_one(
                "SELECT r.rolsuper, r.rolname = current_user OR r.rolname = session_user,
                        (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
                          OR pg_has_role(current_user, 'pg_signal_backend', 'USAGE')
                          OR pg_has_role(current_user, r.oid, 'USAGE')
                 FROM pg_roles r WHERE r.rolname = $1",
                &[&role],
            )
            .context("reading an integration's role")?;
        let (superuser, ours, may_end): (bool, bool, bool) = (row.get(0), row.get(1), row.get(2));
        if ours || role.starts_with("cutover_env_") {
            return Err(Error::invalid(format!(
                "“{role}” is a role Cutover itself connects or acts as; pausing it would stop Cutover. Give the role the other application logs in with."
            )));
        }
        if superuser {
            return Err(Error::invalid(format!(
                "“{role}” is a superuser, which may always log in and write, so Cutover could not pause it. Give the application a role of its own without SUPERUSER."
            )));
        }
        if !may_end {
            return Err(Error::forbidden(format!(
                "Cutover's user “{}” may not end the sessions of “{role}”, which a pause must do. Ask the server's administrator to run GRANT pg_signal_backend TO \"{}\", then add the integration again.",
                self.settings.user, self.settings.user
            )));
        }
        // Try the pause itself and undo it: the server decides what this
        // user may change, and says so in its own words.
        let mut tx = client.transaction().context("trying a pause")?;
        if let Err(e) = take(&mut tx, &schema, role, &held) {
            let why = e
                .as_db_error()
                .map_or_else(|| e.to_string(), |d| d.message().to_string());
            return Err(Error::forbidden(format!(
                "Cutover tried pausing “{role}” (and undid it), and the server refused: {why}. Ask the server's administrator to let “{}” manage this role (on PostgreSQL 16 and later: GRANT \"{role}\" TO \"{}\" WITH ADMIN OPTION).",
                self.settings.user, self.settings.user
            )));
        }
        tx.rollback().context("undoing the trial pause")?;
        Ok(())
    }

    fn rights(&self, key: &str, role: &str) -> Result<HeldRights> {
        let mut client = self.client()?;
        let schema = self.writer_schema(&mut client, key)?;
        read_rights(&mut client, &schema, role)
    }

    fn stop_writer(&self, key: &str, role: &str, held: &HeldRights) -> Result<()> {
        let mut client = self.client()?;
        let schema = self.writer_schema(&mut client, key)?;
        let mut tx = client.transaction().context("pausing an integration")?;
        take(&mut tx, &schema, role, held).context("pausing an integration")?;
        tx.commit().context("pausing an integration")?;
        // Ended only once the role can no longer log back in.
        let left: i64 = client
            .query_one(
                "SELECT count(*) FILTER (WHERE NOT pg_terminate_backend(pid, $2))
                 FROM pg_stat_activity WHERE usename = $1 AND pid <> pg_backend_pid()",
                &[&role, &END_SESSION_MS],
            )
            .context("ending an integration's sessions")?
            .get(0);
        if left > 0 {
            return Err(Error::locked(format!(
                "{left} session(s) of “{role}” did not end within {} s of being told to.",
                END_SESSION_MS / 1000
            )));
        }
        Ok(())
    }

    fn restore_writer(&self, key: &str, role: &str, held: &HeldRights) -> Result<Vec<String>> {
        let mut client = self.client()?;
        let schema = self.writer_schema(&mut client, key)?;
        let mut tx = client.transaction().context("resuming an integration")?;
        // `pg_roles`, not `pg_authid`: Cutover's user need not be a superuser.
        let exists = tx
            .query_opt("SELECT 1 FROM pg_roles WHERE rolname = $1", &[&role])
            .context("resuming an integration")?
            .is_some();
        if !exists {
            tracing::warn!(role, "an integration's role was dropped while paused");
            return Ok(Vec::new());
        }
        let present: Vec<String> = tx
            .query(
                "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')",
                &[&schema],
            )
            .context("resuming an integration")?
            .iter()
            .map(|r| r.get(0))
            .collect();
        let mut gone = Vec::new();
        let r = ident(role);
        for w in &held.writes {
            if !present.contains(&w.table) {
                if !gone.contains(&w.table) {
                    gone.push(w.table.clone());
                }
                continue;
            }
            if !privilege_ok(&w.privilege) {
                continue;
            }
            tx.batch_execute(&format!(
                "GRANT {} ON TABLE {}.{} TO {r}{}",
                w.privilege,
                ident(&schema),
                ident(&w.table),
                if w.grantable {
                    " WITH GRANT OPTION"
                } else {
                    ""
                }
            ))
            .context("giving an integration its privileges back")?;
        }
        if held.login {
            tx.batch_execute(&format!("ALTER ROLE {r} LOGIN"))
                .context("letting an integration log in again")?;
        }
        tx.commit().context("resuming an integration")?;
        Ok(gone)
    }
}
