//! Firing reminders: each due reminder files its inbox notice and is marked
//! fired in one transaction, so it fires exactly once, also when the app is
//! killed or restarted. One that fell due while the app was closed fires at
//! the next start, marked late. The desktop shell shows the new notices.

use crate::people::recipients::recipient_names;
use crate::{Context, Workspace};
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use cutover_core::admin::{Admin, Role};
use cutover_core::environment::EnvironmentKind;
use cutover_core::inbox::{Category, Notice};
use cutover_core::schedule::ReminderKind;
use cutover_core::target::Target;
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
    uat_start: Option<chrono::NaiveDate>,
    uat_end: Option<chrono::NaiveDate>,
    deadline: chrono::NaiveDate,
    release_id: i64,
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
            let uat = match d.kind {
                ReminderKind::UatRefresh | ReminderKind::UatCheckIn => {
                    self.uat_reminder(&d, now)?
                }
                _ => UatFacts::default(),
            };
            let (title, body) = text(
                &d,
                late,
                &recipient_names(&conn, d.account_id, Category::Reminders)?,
                &uat,
            );
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
            // A UAT reminder opens its cycle; the others the calendar.
            let cycle: Option<i64> = match d.kind {
                ReminderKind::UatRefresh | ReminderKind::UatCheckIn => tx
                    .query_row(
                        "SELECT id FROM uat_cycles WHERE release_id = ?1",
                        [d.release_id],
                        |r| r.get(0),
                    )
                    .optional()
                    .context("finding the reminder's UAT cycle")?,
                _ => None,
            };
            let target = Some(match cycle {
                Some(cycle_id) => Target::Uat { cycle_id },
                None => Target::Calendar {
                    account_id: d.account_id,
                },
            });
            let notice_id = crate::people::inbox::file_notice(
                &tx,
                now,
                Some(d.account_id),
                Category::Reminders,
                (&title, &body),
                target,
            )?;
            tx.execute(
                "UPDATE reminders SET notice_id = ?2 WHERE id = ?1",
                params![d.id, notice_id],
            )
            .context("filing the reminder")?;
            tx.commit().context("firing a reminder")?;
            tracing::info!(reminder = d.id, late, "fired a reminder");
            let body = match (d.kind, uat.refresh_alone) {
                (ReminderKind::UatRefresh, Some(uat_id)) => {
                    self.refresh_uat_alone(uat_id, notice_id, &body, now)
                }
                _ => body,
            };
            filed.push(Notice {
                id: notice_id,
                at: now,
                title,
                body,
                category: Category::Reminders,
                account_id: Some(d.account_id),
                read: false,
                undelivered: None,
                desktop_pending: true,
                target,
            });
        }
        Ok(filed)
    }
}

fn due(conn: &Connection, now: DateTime<Utc>) -> Result<Vec<Due>> {
    let mut stmt = conn
        .prepare(
            "SELECT m.id, m.kind, m.due_at, a.id, a.name, a.time_zone, r.version, p.window_start, p.uat_end, p.sandbox_deadline,
                    p.uat_start, p.release_id
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
                r.get(10)?,
                r.get(11)?,
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
                uat_start,
                release_id,
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
                    uat_start,
                    uat_end,
                    deadline,
                    release_id,
                })
            },
        )
        .collect()
}

/// What a UAT reminder says beyond its dates.
#[derive(Default)]
struct UatFacts {
    /// The account's UAT environment, if it has one.
    uat: Option<(i64, String)>,
    /// Changes made in UAT and never promoted, by author ("Priya Shah: 3").
    unpromoted: Vec<String>,
    /// UAT to refresh on its own: it exists and has no unpromoted work.
    refresh_alone: Option<i64>,
    progress: String,
}

impl Workspace {
    fn uat_reminder(&self, d: &Due, now: DateTime<Utc>) -> Result<UatFacts> {
        let conn = self.connect()?;
        let uat = self
            .environment_rows(&conn, d.account_id)?
            .into_iter()
            .find(|r| r.environment.kind == EnvironmentKind::Uat)
            .map(|r| (r.environment.id, r.environment.name));
        let mut facts = UatFacts::default();
        if let Some((id, _)) = &uat {
            facts.unpromoted = self
                .refresh_preview(*id)?
                .unpromoted
                .into_iter()
                .map(|a| format!("{}: {}", a.author, a.entries))
                .collect();
            if facts.unpromoted.is_empty() {
                facts.refresh_alone = Some(*id);
            }
        }
        facts.uat = uat;
        facts.progress = self
            .uat_cycles(d.account_id, now)?
            .into_iter()
            .find(|c| c.release_id == d.release_id && c.progress.cases > 0)
            .map(|c| c.progress.describe())
            .unwrap_or_default();
        Ok(facts)
    }

    /// On the refresh day, UAT with no unpromoted work is refreshed without
    /// asking (a backup of it is taken first, as always); the reminder's
    /// notice then says so, or why it could not be.
    fn refresh_uat_alone(
        &self,
        uat: i64,
        notice_id: i64,
        body: &str,
        now: DateTime<Utc>,
    ) -> String {
        let cutover = Admin {
            id: 0,
            name: "Cutover (refresh day)".into(),
            role: Role::SuperAdmin,
        };
        let outcome = match self.refresh(uat, &cutover, now, &|_| {}) {
            Ok(_) => "UAT had no unpromoted work, so it was refreshed from production on its own; its previous state is kept in the backup taken before the refresh (Backup & Restore).".to_string(),
            Err(e) => {
                tracing::warn!(error = %e, "the refresh-day refresh failed");
                format!("Refreshing UAT on its own failed: {} Refresh it from the UAT screen.", e.message)
            }
        };
        let body = format!("{body} {outcome}");
        if let Err(e) = self.connect().and_then(|c| {
            c.execute(
                "UPDATE inbox SET body = ?2 WHERE id = ?1",
                params![notice_id, body],
            )
            .context("recording the refresh")
        }) {
            tracing::error!(error = %e, "the refresh-day notice was not updated");
        }
        body
    }
}

fn text(d: &Due, late: bool, recipients: &[String], uat: &UatFacts) -> (String, String) {
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
        ReminderKind::UatRefresh => (
            format!("Refresh UAT today for {}: {}", d.version, d.account),
            match &uat.uat {
                None => format!(
                    "UAT testing of {} starts on {} and {} has no UAT environment. Create it from production today (UAT screen → Create UAT from production).",
                    d.version,
                    d.uat_start.map(|e| e.format("%a %-d %b").to_string()).unwrap_or_default(),
                    d.account
                ),
                Some((_, name)) if !uat.unpromoted.is_empty() => format!(
                    "UAT testing of {} starts on {}. {name} must hold a fresh copy of production, but it has changes that were never promoted ({}); they are lost in a refresh. Promote or note them, then refresh {name} from the UAT screen (a backup is taken first).",
                    d.version,
                    d.uat_start.map(|e| e.format("%a %-d %b").to_string()).unwrap_or_default(),
                    uat.unpromoted.join(", ")
                ),
                Some(_) => format!(
                    "UAT testing of {} starts on {}.",
                    d.version,
                    d.uat_start.map(|e| e.format("%a %-d %b").to_string()).unwrap_or_default()
                ),
            },
        ),
        ReminderKind::UatCheckIn => (
            format!("UAT check-in for {}: {}", d.version, d.account),
            format!(
                "This week's UAT check-in: {}. Record it on the UAT screen (Check in), with what is waiting.",
                if uat.progress.is_empty() { "no test plan yet".to_string() } else { uat.progress.clone() }
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
