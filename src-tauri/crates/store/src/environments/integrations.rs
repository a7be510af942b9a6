//! Integrations of environments, and pausing them around a promotion.
//!
//! Invariant: a promotion resumes exactly the integrations it paused (those
//! with `paused_by` = its id), whatever its outcome, and so does the
//! start-up recovery of an interrupted promotion.

use crate::{Context, Workspace};
use chrono::{DateTime, Utc};
use cutover_core::account::EnvironmentId;
use cutover_core::activity::ActivityAction;
use cutover_core::admin::Admin;
use cutover_core::integration::{validate_integration_name, Integration, IntegrationKind};
use cutover_core::{Error, Result};
use rusqlite::params;

impl Workspace {
    pub fn integrations(&self, environment_id: EnvironmentId) -> Result<Vec<Integration>> {
        let conn = self.connect()?;
        self.environment_row(&conn, environment_id)?;
        let mut stmt = conn
            .prepare(
                "SELECT id, environment_id, name, kind, active, paused_by FROM integrations
                 WHERE environment_id = ?1 ORDER BY name",
            )
            .context("listing integrations")?;
        let raw = stmt
            .query_map([environment_id], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, bool>(4)?,
                    r.get::<_, Option<i64>>(5)?,
                ))
            })
            .context("listing integrations")?
            .collect::<rusqlite::Result<Vec<_>>>()
            .context("listing integrations")?;
        raw.into_iter()
            .map(|(id, environment_id, name, kind, active, paused_by)| {
                Ok(Integration {
                    id,
                    environment_id,
                    name,
                    kind: IntegrationKind::parse(&kind)?,
                    active,
                    paused_by_promotion: paused_by,
                })
            })
            .collect()
    }

    pub fn add_integration(
        &self,
        environment_id: EnvironmentId,
        name: &str,
        kind: IntegrationKind,
        admin: &Admin,
        now: DateTime<Utc>,
    ) -> Result<Integration> {
        let name = validate_integration_name(name)?;
        let env = self.environment(environment_id)?;
        match self.connect()?.execute(
            "INSERT INTO integrations (environment_id, name, kind) VALUES (?1, ?2, ?3)",
            params![environment_id, name, kind.as_str()],
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
        self.log_activity(
            now,
            &admin.name,
            Some((env.id, &env.name)),
            ActivityAction::ChangedSettings,
            &format!("Added integration {name}"),
        );
        self.integrations(environment_id)?
            .into_iter()
            .find(|i| i.name.eq_ignore_ascii_case(&name))
            .ok_or_else(|| Error::internal("The integration just added is missing."))
    }

    /// Pauses or resumes an integration by hand; not while a promotion holds it.
    pub fn set_integration_active(
        &self,
        id: i64,
        active: bool,
        admin: &Admin,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let conn = self.connect()?;
        let (env_id, name, held): (i64, String, Option<i64>) = conn
            .query_row(
                "SELECT environment_id, name, paused_by FROM integrations WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .map_err(|_| Error::not_found("That integration no longer exists."))?;
        if held.is_some() {
            return Err(Error::locked(format!(
                "{name} is paused by a running promotion, which resumes it when it ends."
            )));
        }
        conn.execute(
            "UPDATE integrations SET active = ?2 WHERE id = ?1",
            params![id, active],
        )
        .context("changing an integration")?;
        let env = self.environment(env_id)?;
        let verb = if active { "Resumed" } else { "Paused" };
        self.log_activity(
            now,
            &admin.name,
            Some((env.id, &env.name)),
            ActivityAction::ChangedSettings,
            &format!("{verb} integration {name}"),
        );
        Ok(())
    }

    /// Pauses the active integrations of an environment for a promotion or
    /// an upgrade run; returns their names.
    pub(crate) fn pause_integrations(
        &self,
        environment_id: EnvironmentId,
        by: PausedBy,
    ) -> Result<Vec<String>> {
        let names: Vec<String> = self
            .integrations(environment_id)?
            .into_iter()
            .filter(|i| i.active)
            .map(|i| i.name)
            .collect();
        self.connect()?
            .execute(
                &format!(
                    "UPDATE integrations SET active = 0, {} = ?2 WHERE environment_id = ?1 AND active = 1",
                    by.column()
                ),
                params![environment_id, by.id()],
            )
            .context("pausing integrations")?;
        Ok(names)
    }

    /// Resumes what a promotion or run paused; returns their names.
    pub(crate) fn resume_integrations(&self, by: PausedBy) -> Result<Vec<String>> {
        let conn = self.connect()?;
        let column = by.column();
        let names: Vec<String> = crate::control::fault::column(
            &conn,
            &format!("SELECT name FROM integrations WHERE {column} = ?1 ORDER BY name"),
            [by.id()],
            "reading paused integrations",
        )?;
        conn.execute(
            &format!("UPDATE integrations SET active = 1, {column} = NULL WHERE {column} = ?1"),
            [by.id()],
        )
        .context("resuming integrations")?;
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
    fn column(self) -> &'static str {
        match self {
            Self::Promotion(_) => "paused_by",
            Self::Upgrade(_) => "paused_by_upgrade",
        }
    }

    fn id(self) -> i64 {
        match self {
            Self::Promotion(id) | Self::Upgrade(id) => id,
        }
    }
}
