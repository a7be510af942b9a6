//! Pausing and resuming one integration: its row in the control database
//! and, when it has a database role, that role on the environment's server,
//! in the order that lets a stop anywhere be undone (see `integrations`).

use super::integrations::PausedBy;
use crate::control::failpoint::{Failpoint, Site};
use crate::env_store::roles::{HeldRights, WriterRoles};
use crate::workspace::EnvironmentRow;
use crate::{Context, Workspace};
use cutover_core::integration::Integration;
use cutover_core::{Error, Result};
use rusqlite::{params, Connection};

pub(super) struct RolePause<'a> {
    ws: &'a Workspace,
    env: &'a EnvironmentRow,
}

impl<'a> RolePause<'a> {
    pub(super) fn new(ws: &'a Workspace, env: &'a EnvironmentRow) -> Self {
        Self { ws, env }
    }

    /// Runs `act` on the roles of the environment's backend, for an
    /// integration that names one.
    fn with_roles<T>(&self, act: impl FnOnce(&dyn WriterRoles) -> Result<T>) -> Result<T> {
        let backend = self.ws.backend(self.env.environment.account_id)?;
        let roles = backend.writer_roles().ok_or_else(|| {
            Error::internal(format!(
                "{}'s environments have no database roles, yet an integration names one.",
                self.env.environment.name
            ))
        })?;
        act(roles)
    }

    /// Marks the integration paused (by `by`, or by hand); with a role,
    /// records what the pause takes, then takes it.
    pub(super) fn pause(
        &self,
        conn: &Connection,
        integration: &Integration,
        by: Option<PausedBy>,
    ) -> Result<()> {
        let held_by = by.map_or(String::new(), |b| format!(", {} = {}", b.column(), b.id()));
        let Some(role) = &integration.db_role else {
            conn.execute(
                &format!("UPDATE integrations SET active = 0{held_by} WHERE id = ?1"),
                [integration.id],
            )
            .context("pausing an integration")?;
            return Ok(());
        };
        let key = &self.env.store_key;
        self.with_roles(|roles| {
            let held = roles.rights(key, role)?;
            let json = serde_json::to_string(&held).context("recording a role's rights")?;
            conn.execute(
                &format!(
                    "UPDATE integrations SET active = 0, role_hold = ?2{held_by} WHERE id = ?1"
                ),
                params![integration.id, json],
            )
            .context("recording a role's rights")?;
            Failpoint::fire(self.ws.failpoint(), Site::RoleHoldRecorded)?;
            roles.stop_writer(key, role, &held)
        })
    }

    /// Gives a role back what `hold` recorded, then marks the integration
    /// active; the row keeps its hold until the role has it all back.
    pub(super) fn resume(
        &self,
        conn: &Connection,
        integration: &Integration,
        hold: Option<&str>,
    ) -> Result<()> {
        if let (Some(role), Some(hold)) = (&integration.db_role, hold) {
            let held: HeldRights =
                serde_json::from_str(hold).context("reading a role's recorded rights")?;
            let gone =
                self.with_roles(|roles| roles.restore_writer(&self.env.store_key, role, &held))?;
            if !gone.is_empty() {
                tracing::warn!(
                    integration = integration.name,
                    tables = gone.join(", "),
                    "tables an integration's role could write no longer exist"
                );
            }
        }
        conn.execute(
            "UPDATE integrations SET active = 1, role_hold = NULL, paused_by = NULL, paused_by_upgrade = NULL
             WHERE id = ?1",
            params![integration.id],
        )
        .context("resuming an integration")?;
        Ok(())
    }
}
