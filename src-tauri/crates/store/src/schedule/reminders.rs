//! Firing reminders: each due reminder files its inbox notice and is marked
//! fired in one transaction, so it fires exactly once, also when the app is
//! killed or restarted. One that fell due while the app was closed fires at
//! the next start, marked late. The desktop shell shows the new notices.

use crate::{Context, Workspace};
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use cutover_core::inbox::Notice;
use cutover_core::schedule::ReminderKind;
use cutover_core::Result;
use rusqlite::{params, Connection, OptionalExtension};

/// A reminder fired this much after its time is "late".
pub const LATE_AFTER: Duration = Duration::minutes(5);

struct Due {
    id: i64,
    kind: ReminderKind,
    due_at: DateTime<Utc>,
    account_id: i64,
    account: String,
    time_zone: String,
    version: String,
    window_start: DateTime<Utc>,
    uat_end: Option<chrono::NaiveDate>,
    deadline: chrono::NaiveDate,
}

impl Workspace {
    /// When the next unfired reminder is due, if any.
    pub fn next_reminder_due(&self) -> Result<Option<DateTime<Utc>>> {
        self.connect()?
            .query_row(
                "SELECT min(m.due_at) FROM reminders m JOIN upgrade_plans p ON p.id = m.plan_id
                 WHERE m.fired_at IS NULL AND p.status = 'scheduled'",
                [],
                |r| r.get(0),
            )
            .optional()
            .map(Option::flatten)
            .context("reading reminders")
    }

    /// Fires every reminder due at `now`; returns the notices filed.
    pub fn fire_due_reminders(&self, now: DateTime<Utc>) -> Result<Vec<Notice>> {
        let mut conn = self.connect()?;
        let due = due(&conn, now)?;
        let mut filed = Vec::new();
        for d in due {
            let late = now - d.due_at > LATE_AFTER;
            let (title, body) = text(&d, late, &recipients(&conn, d.account_id)?);
            let tx = conn.transaction().context("firing a reminder")?;
            // Claim it first: if another process fired it, nothing happens.
            let claimed = tx
                .execute(
                    "UPDATE reminders SET fired_at = ?2, late = ?3 WHERE id = ?1 AND fired_at IS NULL",
                    params![d.id, now, late],
                )
                .context("firing a reminder")?;
            if claimed == 0 {
                continue;
            }
            tx.execute(
                "INSERT INTO inbox (at, title, body) VALUES (?1, ?2, ?3)",
                params![now, title, body],
            )
            .context("filing the reminder")?;
            let notice_id = tx.last_insert_rowid();
            tx.execute(
                "UPDATE reminders SET notice_id = ?2 WHERE id = ?1",
                params![d.id, notice_id],
            )
            .context("filing the reminder")?;
            tx.commit().context("firing a reminder")?;
            tracing::info!(reminder = d.id, late, "fired a reminder");
            filed.push(Notice {
                id: notice_id,
                at: now,
                title,
                body,
                read: false,
                undelivered: None,
                desktop_pending: true,
            });
        }
        Ok(filed)
    }
}

fn due(conn: &Connection, now: DateTime<Utc>) -> Result<Vec<Due>> {
    let mut stmt = conn
        .prepare(
            "SELECT m.id, m.kind, m.due_at, a.id, a.name, a.time_zone, r.version, p.window_start, p.uat_end, p.sandbox_deadline
             FROM reminders m JOIN upgrade_plans p ON p.id = m.plan_id
             JOIN accounts a ON a.id = p.account_id JOIN releases r ON r.id = p.release_id
             WHERE m.fired_at IS NULL AND p.status = 'scheduled' AND m.due_at <= ?1
             ORDER BY m.due_at",
        )
        .context("reading due reminders")?;
    let rows = stmt
        .query_map([now], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
                r.get(9)?,
            ))
        })
        .context("reading due reminders")?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("reading due reminders")?;
    rows.into_iter()
        .map(
            |(
                id,
                kind,
                due_at,
                account_id,
                account,
                time_zone,
                version,
                window_start,
                uat_end,
                deadline,
            )| {
                Ok(Due {
                    id,
                    kind: ReminderKind::parse(&kind)?,
                    due_at,
                    account_id,
                    account,
                    time_zone,
                    version,
                    window_start,
                    uat_end,
                    deadline,
                })
            },
        )
        .collect()
}

/// Names of the account's recipients who opted in to reminders.
fn recipients(conn: &Connection, account_id: i64) -> Result<Vec<String>> {
    let mut stmt = conn
        .prepare("SELECT name FROM recipients WHERE account_id = ?1 AND reminders ORDER BY name")
        .context("reading recipients")?;
    let names = stmt
        .query_map([account_id], |r| r.get(0))
        .context("reading recipients")?
        .collect::<rusqlite::Result<Vec<String>>>()
        .context("reading recipients")?;
    Ok(names)
}

fn text(d: &Due, late: bool, recipients: &[String]) -> (String, String) {
    let tz: Tz = d.time_zone.parse().unwrap_or(Tz::UTC);
    let local = |at: DateTime<Utc>| {
        at.with_timezone(&tz)
            .format("%a %-d %b %H:%M %Z")
            .to_string()
    };
    let (title, what) = match d.kind {
        ReminderKind::UpgradeTomorrow => (
            format!("Upgrade to {} tomorrow: {}", d.version, d.account),
            format!(
                "Production of {} upgrades to {} from {}. Production is offline during the maintenance window; tell your users.",
                d.account,
                d.version,
                local(d.window_start)
            ),
        ),
        ReminderKind::UatEnding => (
            format!("UAT for {} ends in two business days: {}", d.version, d.account),
            format!(
                "The UAT window of {} ends on {}. Finish testing and raise any upgrade issue now.",
                d.version,
                d.uat_end.map(|e| e.format("%a %-d %b").to_string()).unwrap_or_default()
            ),
        ),
        ReminderKind::SandboxDeadline => (
            format!("Sandboxes due tomorrow: {}", d.account),
            format!(
                "Sandboxes still behind production after the upgrade to {} must be upgraded or recreated by {}.",
                d.version,
                d.deadline.format("%a %-d %b")
            ),
        ),
    };
    let title = if late {
        format!("{title} (late)")
    } else {
        title
    };
    let mut body = what;
    if late {
        body.push_str(&format!(
            " This reminder was due {} while Cutover was closed.",
            local(d.due_at)
        ));
    }
    if !recipients.is_empty() {
        body.push_str(&format!(" To: {}.", recipients.join(", ")));
    }
    (title, body)
}
