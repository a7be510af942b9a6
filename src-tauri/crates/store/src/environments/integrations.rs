//! Integrations of environments, and pausing them around a promotion or an
//! upgrade run; on a server, pausing an integration with a database role
//! stops that role writing (`env_store::roles`).
//!
//! Invariants:
//! - a promotion or run resumes exactly the integrations it paused (those
//!   with its id in `paused_by` / `paused_by_upgrade`), whatever its
//!   outcome, and so does the start-up recovery of an interrupted one;
//! - what pausing takes from a role is written to `role_hold` before it is
//!   taken, and cleared only once it has been given back: a row with a
//!   hold is paused, whatever happened in between, and resuming it gives
//!   the hold back (which may be done any number of times);
//! - one role belongs to at most one integration of an account, so that
//!   resuming one never gives back what another's pause took;
//! - an environment is deleted only after the roles its integrations hold
//!   are given back: its rows, the only record of the hold, go with it.

use super::role_pause::RolePause;
use crate::{Context, Workspace};
use chrono::{DateTime, Utc};
use cutover_core::account::EnvironmentId;
use cutover_core::activity::ActivityAction;
use cutover_core::admin::Admin;
use cutover_core::integration::{
    validate_db_role, validate_integration_name, Integration, IntegrationKind,
};
use cutover_core::{Error, Result};
use rusqlite::{params, OptionalExtension};

const COLUMNS: &str =
    "id, environment_id, name, kind, active, paused_by, paused_by_upgrade, db_role, role_hold";

fn from_row(r: &rusqlite::Row) -> rusqlite::Result<(Integration, Option<String>, String)> {
    let hold: Option<String> = r.get(8)?;
    Ok((
        Integration {
            id: r.get(0)?,
            environment_id: r.get(1)?,
            name: r.get(2)?,
            kind: IntegrationKind::Other,
            active: r.get(4)?,
            paused_by_promotion: r.get(5)?,
            paused_by_upgrade: r.get(6)?,
            db_role: r.get(7)?,
            role_held: hold.is_some(),
        },
        hold,
        r.get(3)?,
    ))
}

impl Workspace {
    pub fn integrations(&self, environment_id: EnvironmentId) -> Result<Vec<Integration>> {
        let conn = self.connect()?;
        self.environment_row(&conn, environment_id)?;
        Ok(self
            .integration_rows(&conn, "environment_id = ?1 ORDER BY name", environment_id)?
            .into_iter()
            .map(|(i, _)| i)
            .collect())
    }

    /// Integrations matching `filter` (SQL after `WHERE`, one parameter),
    /// with their role holds.
    pub(super) fn integration_rows(
        &self,
        conn: &rusqlite::Connection,
        filter: &str,
        param: i64,
    ) -> Result<Vec<(Integration, Option<String>)>> {
        let mut stmt = conn
            .prepare(&format!(
                "SELECT {COLUMNS} FROM integrations WHERE {filter}"
            ))
            .context("listing integrations")?;
        let raw = stmt
            .query_map([param], from_row)
            .context("listing integrations")?
            .collect::<rusqlite::Result<Vec<_>>>()
            .context("listing integrations")?;
        raw.into_iter()
            .map(|(mut i, hold, kind)| {
                i.kind = IntegrationKind::parse(&kind)?;
                Ok((i, hold))
            })
            .collect()
    }

    /// Adds an integration; with `db_role` (environments on a server), the
    /// role is checked to be one Cutover can pause, changing nothing.
    pub fn add_integration(
        &self,
        environment_id: EnvironmentId,
        name: &str,
        kind: IntegrationKind,
        db_role: Option<&str>,
        admin: &Admin,
        now: DateTime<Utc>,
    ) -> Result<Integration> {
        let name = validate_integration_name(name)?;
        let db_role = validate_db_role(db_role)?;
        let conn = self.connect()?;
        let env = self.environment_row(&conn, environment_id)?;
        if let Some(role) = &db_role {
            let taken: Option<(String, String)> = conn
                .query_row(
                    "SELECT i.name, e.name FROM integrations i JOIN environments e ON e.id = i.environment_id
                     WHERE e.account_id = ?1 AND i.db_role = ?2",
                    params![env.environment.account_id, role],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()
                .context("looking for the role's integration")?;
            if let Some((other, other_env)) = taken {
                return Err(Error::conflict(format!(
                    "“{role}” is already the role of integration {other} of {other_env}. Pausing one would pause the other, so each integration needs a role of its own."
                )));
            }
            let backend = self.backend(env.environment.account_id)?;
            let roles = backend.writer_roles().ok_or_else(|| {
                Error::invalid(format!(
                    "{}'s environments are on this computer, where no other application logs in with a database role. Leave the role empty.",
                    env.environment.name
                ))
            })?;
            roles.check_writer(&env.store_key, role)?;
        }
        let env = env.environment;
        match conn.execute(
            "INSERT INTO integrations (environment_id, name, kind, db_role) VALUES (?1, ?2, ?3, ?4)",
            params![environment_id, name, kind.as_str(), db_role],
        ) {
            Ok(_) => {}
            Err(e) if crate::control::fault::is_unique_violation(&e) => {
                return Err(Error::conflict(format!(
                    "{} already has an integration named \"{name}\".",
                    env.name
                )))
            }
            Err(e) => return Err(e).context("adding an integration"),
        }
        let role_text = db_role.map_or(String::new(), |r| format!(" (database role {r})"));
        self.log_activity(
            now,
            &admin.name,
            Some((env.id, &env.name)),
            ActivityAction::ChangedSettings,
            &format!("Added integration {name}{role_text}"),
        );
        self.integrations(environment_id)?
            .into_iter()
            .find(|i| i.name.eq_ignore_ascii_case(&name))
            .ok_or_else(|| Error::internal("The integration just added is missing."))
    }

    /// Pauses or resumes an integration by hand; not while a promotion or
    /// an upgrade run holds it.
    pub fn set_integration_active(
        &self,
        id: i64,
        active: bool,
        admin: &Admin,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let conn = self.connect()?;
        let (integration, hold) = self
            .integration_rows(&conn, "id = ?1", id)?
            .into_iter()
            .next()
            .ok_or_else(|| Error::not_found("That integration no longer exists."))?;
        let name = &integration.name;
        if integration.paused_by_promotion.is_some() {
            return Err(Error::locked(format!(
                "{name} is paused by a running promotion, which resumes it when it ends."
            )));
        }
        if integration.paused_by_upgrade.is_some() {
            return Err(Error::locked(format!(
                "{name} is paused by an upgrade run, which resumes it once production is unlocked."
            )));
        }
        if active == integration.active {
            return Ok(());
        }
        let env = self.environment_row(&conn, integration.environment_id)?;
        let pause = RolePause::new(self, &env);
        if active {
            pause.resume(&conn, &integration, hold.as_deref())?;
        } else {
            pause.pause(&conn, &integration, None)?;
        }
        let verb = if active { "Resumed" } else { "Paused" };
        let env = env.environment;
        self.log_activity(
            now,
            &admin.name,
            Some((env.id, &env.name)),
            ActivityAction::ChangedSettings,
            &format!("{verb} integration {name}"),
        );
        Ok(())
    }

    /// Before `env` is deleted: gives the roles of its paused integrations
    /// back what Cutover holds of them; returns those integrations' names.
    /// A role that cannot be given back refuses the deletion.
    pub(crate) fn release_held_roles(
        &self,
        conn: &rusqlite::Connection,
        env: &crate::workspace::EnvironmentRow,
    ) -> Result<Vec<String>> {
        let held = self.integration_rows(
            conn,
            "environment_id = ?1 AND role_hold IS NOT NULL ORDER BY name",
            env.environment.id,
        )?;
        let mut names = Vec::new();
        for (integration, hold) in held {
            RolePause::new(self, env)
                .resume(conn, &integration, hold.as_deref())
                .map_err(|e| {
                    Error::new(
                        e.kind,
                        format!(
                            "{} was not deleted: integration {} is paused, and Cutover could not give its database role {} back its login and rights: {} Try again once the server answers.",
                            env.environment.name,
                            integration.name,
                            integration.db_role.as_deref().unwrap_or_default(),
                            e.message
                        ),
                    )
                })?;
            names.push(integration.name);
        }
        Ok(names)
    }

    /// Pauses the active integrations of an environment for a promotion or
    /// an upgrade run; returns their names. A failure resumes those this
    /// call paused before it.
    pub(crate) fn pause_integrations(
        &self,
        environment_id: EnvironmentId,
        by: PausedBy,
    ) -> Result<Vec<String>> {
        let conn = self.connect()?;
        let env = self.environment_row(&conn, environment_id)?;
        let pause = RolePause::new(self, &env);
        let mut names = Vec::new();
        for (integration, _) in self.integration_rows(
            &conn,
            "environment_id = ?1 AND active = 1 ORDER BY name",
            environment_id,
        )? {
            if let Err(e) = pause.pause(&conn, &integration, Some(by)) {
                if let Err(undo) = self.resume_integrations(by) {
                    tracing::error!(error = %undo.message, "resuming after a failed pause");
                }
                return Err(Error::new(
                    e.kind,
                    format!(
                        "Cutover could not pause integration {}: {}",
                        integration.name, e.message
                    ),
                ));
            }
            names.push(integration.name);
        }
        Ok(names)
    }

    /// Resumes what a promotion or run paused; returns their names. One
    /// whose role could not be given its rights back stays paused (no longer
    /// held by `by`, so it can be resumed by hand), and the error names it.
    pub(crate) fn resume_integrations(&self, by: PausedBy) -> Result<Vec<String>> {
        let conn = self.connect()?;
        let rows = self.integration_rows(
            &conn,
            &format!("{} = ?1 ORDER BY name", by.column()),
            by.id(),
        )?;
        let mut names = Vec::new();
        let mut failed = Vec::new();
        for (integration, hold) in rows {
            let env = self.environment_row(&conn, integration.environment_id)?;
            match RolePause::new(self, &env).resume(&conn, &integration, hold.as_deref()) {
                Ok(()) => names.push(integration.name),
                Err(e) => {
                    conn.execute(
                        &format!(
                            "UPDATE integrations SET {} = NULL WHERE id = ?1",
                            by.column()
                        ),
                        [integration.id],
                    )
                    .context("releasing an integration")?;
                    failed.push((integration.name, e.message));
                }
            }
        }
        if let Some((_, why)) = failed.first() {
            let list: Vec<&str> = failed.iter().map(|(n, _)| n.as_str()).collect();
            return Err(Error::unavailable(format!(
                "Integration(s) {} could not be resumed and stay paused: {why} Resume them by hand on the environment's Integrations tab once the server answers.",
                list.join(", ")
            )));
        }
        Ok(names)
    }
}

/// What paused an integration, and so will resume it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum PausedBy {
    Promotion(i64),
    Upgrade(i64),
}

impl PausedBy {
    pub(super) fn column(self) -> &'static str {
        match self {
            Self::Promotion(_) => "paused_by",
            Self::Upgrade(_) => "paused_by_upgrade",
        }
    }

    pub(super) fn id(self) -> i64 {
        match self {
            Self::Promotion(id) | Self::Upgrade(id) => id,
        }
    }
}
