//! Reading promotions back: one, the history of a production, and the one
//! running (which holds production's lock).

use crate::{Context, Workspace};
use chrono::{DateTime, Utc};
use cutover_core::account::EnvironmentId;
use cutover_core::promotion::{Promotion, PromotionState, PromotionStep};
use cutover_core::{Error, Result};
use rusqlite::{OptionalExtension, Row};

const COLUMNS: &str = "id, sandbox_name, production_id, author, started_at, locked_at, unlocked_at, finished_at, state, step, backup_id, reason, paused, plan";

type Raw = (
    i64,
    String,
    i64,
    String,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
    String,
    String,
    Option<i64>,
    Option<String>,
    Option<String>,
    String,
);

fn raw(r: &Row<'_>) -> rusqlite::Result<Raw> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
        r.get(9)?,
        r.get(10)?,
        r.get(11)?,
        r.get(12)?,
        r.get(13)?,
    ))
}

fn finish(r: Raw) -> Result<Promotion> {
    Ok(Promotion {
        id: r.0,
        sandbox_name: r.1,
        production_id: r.2,
        author: r.3,
        started_at: r.4,
        locked_at: r.5,
        unlocked_at: r.6,
        finished_at: r.7,
        state: PromotionState::parse(&r.8)?,
        step: PromotionStep::parse(&r.9)?,
        backup_id: r.10,
        reason: r.11,
        paused_integrations: r
            .12
            .map(|j| serde_json::from_str(&j))
            .transpose()
            .context("reading paused integrations")?
            .unwrap_or_default(),
        // The plan is stored as the steps themselves; their summary fields
        // read back as planned changes.
        plan: serde_json::from_str(&r.13).context("reading a promotion's plan")?,
    })
}

impl Workspace {
    pub fn promotion(&self, id: i64) -> Result<Promotion> {
        let raw = self
            .connect()?
            .query_row(
                &format!("SELECT {COLUMNS} FROM promotions WHERE id = ?1"),
                [id],
                raw,
            )
            .optional()
            .context("reading a promotion")?
            .ok_or_else(|| Error::not_found("That promotion no longer exists."))?;
        finish(raw)
    }

    /// Every promotion into the production of `environment`'s account, newest first.
    pub fn promotions(&self, production: EnvironmentId) -> Result<Vec<Promotion>> {
        let conn = self.connect()?;
        let mut stmt = conn
            .prepare(&format!(
                "SELECT {COLUMNS} FROM promotions WHERE production_id = ?1 ORDER BY id DESC"
            ))
            .context("listing promotions")?;
        let rows = stmt
            .query_map([production], raw)
            .context("listing promotions")?
            .collect::<rusqlite::Result<Vec<_>>>()
            .context("listing promotions")?;
        rows.into_iter().map(finish).collect()
    }

    /// The promotion running on production `id`, if any.
    pub(crate) fn running_promotion(&self, production: EnvironmentId) -> Result<Option<Promotion>> {
        let raw = self
            .connect()?
            .query_row(
                &format!("SELECT {COLUMNS} FROM promotions WHERE production_id = ?1 AND state = 'running'"),
                [production],
                raw,
            )
            .optional()
            .context("reading promotions")?;
        raw.map(finish).transpose()
    }
}
