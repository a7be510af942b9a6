//! Writing and reading the activity log (see `cutover_core::activity`).
//!
//! An action whose writes are all in the control database records its
//! entry in its own transaction (`record_activity`). An action on an
//! environment store or on files records it after it succeeded, best
//! effort (`log_activity`): the action is what matters to the user, so a
//! failure to log it goes to the file log instead of undoing the action.

use crate::{Context, Workspace};
use chrono::{DateTime, Utc};
use cutover_core::account::EnvironmentId;
use cutover_core::activity::{Activity, ActivityAction};
use cutover_core::Result;
use rusqlite::params;

/// Records an entry in the caller's transaction: for actions whose own
/// writes are in the control database, so the action and its entry commit
/// together or not at all.
pub(crate) fn record_activity(
    conn: &rusqlite::Connection,
    now: DateTime<Utc>,
    author: &str,
    environment: Option<(EnvironmentId, &str)>,
    action: ActivityAction,
    detail: &str,
) -> Result<()> {
    conn.execute(
        "INSERT INTO activity (at, author, environment_id, environment_name, action, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            now,
            author,
            environment.map(|e| e.0),
            environment.map(|e| e.1),
            action.as_str(),
            detail
        ],
    )
    .context("recording activity")?;
    super::chain::seal(
        conn,
        super::chain::Chain::Activity,
        conn.last_insert_rowid(),
    )
}

/// The newest entries shown for one environment.
pub const ACTIVITY_PAGE: u32 = 200;

impl Workspace {
    /// Records that `author` did `action` (to `environment`, when it concerns one).
    pub(crate) fn log_activity(
        &self,
        now: DateTime<Utc>,
        author: &str,
        environment: Option<(EnvironmentId, &str)>,
        action: ActivityAction,
        detail: &str,
    ) {
        let written = self.connect().and_then(|mut c| {
            // Immediate: the entry and its link to the last one are written
            // by one writer at a time, so the chain never forks.
            let tx = c
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                .context("recording activity")?;
            record_activity(&tx, now, author, environment, action, detail)?;
            tx.commit().context("recording activity")
        });
        if let Err(e) = written {
            tracing::error!(error = %e, action = action.as_str(), author, "activity not recorded");
        }
    }

    /// The newest activity of an environment, newest first.
    pub fn activity(&self, environment_id: EnvironmentId) -> Result<Vec<Activity>> {
        let conn = self.connect()?;
        self.environment_row(&conn, environment_id)?;
        let mut stmt = conn
            .prepare(
                "SELECT id, at, author, environment_id, environment_name, action, detail
                 FROM activity WHERE environment_id = ?1 ORDER BY id DESC LIMIT ?2",
            )
            .context("reading activity")?;
        let raw = stmt
            .query_map(params![environment_id, ACTIVITY_PAGE], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, DateTime<Utc>>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<i64>>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                ))
            })
            .context("reading activity")?
            .collect::<rusqlite::Result<Vec<_>>>()
            .context("reading activity")?;
        raw.into_iter()
            .map(
                |(id, at, author, environment_id, environment_name, action, detail)| {
                    Ok(Activity {
                        id,
                        at,
                        author,
                        environment_id,
                        environment_name,
                        action: ActivityAction::parse(&action)?,
                        detail,
                    })
                },
            )
            .collect()
    }
}
