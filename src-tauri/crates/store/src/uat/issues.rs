//! Upgrade issues (seed 001's tickets): raised from failed cases or
//! directly, their status, the decisions on critical ones (seed 000:
//! hotfix, workaround or delay), and a hotfix's arrival putting the issues
//! it answers back to retest.

use super::cases::case_of;
use super::cycles::add_history;
use crate::{Context, Workspace};
use chrono::{DateTime, Utc};
use cutover_core::admin::{ensure_super_admin, Admin};
use cutover_core::release::Version;
use cutover_core::target::Target;
use cutover_core::uat::{self as rules, CycleId, IssueDecision, IssueId, IssueStatus, Severity};
use cutover_core::uat_view::{CycleDetail, IssueInput, UatIssue};
use cutover_core::{Error, Result};
use cutover_package::Manifest;
use rusqlite::{params, Connection, OptionalExtension};

impl Workspace {
    /// Raises an upgrade issue, linked to the cases it came from.
    pub fn raise_uat_issue(
        &self,
        cycle_id: CycleId,
        input: IssueInput,
        admin: &Admin,
        now: DateTime<Utc>,
    ) -> Result<CycleDetail> {
        let title = rules::text("The issue's title", &input.title, rules::MAX_TITLE)?;
        let detail = rules::optional_text("The description", &input.detail, rules::MAX_TEXT)?;
        let mut area = rules::optional_text("The area", &input.area, rules::MAX_TITLE)?;
        let mut conn = self.connect()?;
        self.cycle_summary(&conn, cycle_id, now)?;
        let tx = conn.transaction().context("raising the issue")?;
        for case in &input.case_ids {
            let (of, case_title) = case_of(&tx, *case)?;
            if of != cycle_id {
                return Err(Error::invalid(format!(
                    "\u{201c}{case_title}\u{201d} belongs to another UAT cycle; link cases of this one."
                )));
            }
            if area.is_empty() {
                area = tx
                    .query_row("SELECT area FROM uat_cases WHERE id = ?1", [case], |r| {
                        r.get(0)
                    })
                    .context("reading the case")?;
            }
        }
        tx.execute(
            "INSERT INTO uat_issues (cycle_id, title, detail, area, severity, status, note_id, raised_at, raised_by)
             VALUES (?1, ?2, ?3, ?4, ?5, 'open', ?6, ?7, ?8)",
            params![cycle_id, title, detail, area, input.severity.as_str(), input.note_id, now, admin.name],
        )
        .context("raising the issue")?;
        let id = tx.last_insert_rowid();
        for case in &input.case_ids {
            tx.execute(
                "INSERT OR IGNORE INTO uat_issue_cases (issue_id, case_id) VALUES (?1, ?2)",
                params![id, case],
            )
            .context("linking the issue's cases")?;
        }
        let blocks = if input.severity == Severity::Critical {
            " It blocks the sign-off and production's data upgrade until a decision is recorded."
        } else {
            ""
        };
        add_history(
            &tx,
            cycle_id,
            now,
            &admin.name,
            &format!(
                "{} issue \u{201c}{title}\u{201d} raised.{blocks}",
                capital(input.severity.as_str())
            ),
        )?;
        tx.commit().context("raising the issue")?;
        self.uat_cycle(cycle_id, now)
    }

    /// Moves an issue to `status` by hand (fixed, closed, open again…); a
    /// critical one only by a super-admin.
    pub fn set_uat_issue_status(
        &self,
        issue_id: IssueId,
        status: IssueStatus,
        admin: &Admin,
        now: DateTime<Utc>,
    ) -> Result<CycleDetail> {
        let mut conn = self.connect()?;
        let tx = conn.transaction().context("updating the issue")?;
        let (cycle_id, title) = issue_of(&tx, issue_id)?;
        // Fixing or closing a critical issue unblocks the sign-off as a
        // decision does: only a super-admin may.
        let severity: String = tx
            .query_row(
                "SELECT severity FROM uat_issues WHERE id = ?1",
                [issue_id],
                |r| r.get(0),
            )
            .context("reading the issue")?;
        if Severity::parse(&severity)? == Severity::Critical {
            ensure_super_admin(admin, "change the status of a critical issue")?;
        }
        tx.execute(
            "UPDATE uat_issues SET status = ?2 WHERE id = ?1",
            params![issue_id, status.as_str()],
        )
        .context("updating the issue")?;
        add_history(
            &tx,
            cycle_id,
            now,
            &admin.name,
            &format!(
                "Issue \u{201c}{title}\u{201d} is now {}.",
                status_label(status)
            ),
        )?;
        tx.commit().context("updating the issue")?;
        self.uat_cycle(cycle_id, now)
    }

    /// Records a decision on an issue and tells the recipients of upgrade
    /// information. A delay to a date reschedules production's upgrade
    /// (the notice rule and waves apply); a delay with no date cancels the
    /// schedule until another decision.
    pub fn decide_uat_issue(
        &self,
        issue_id: IssueId,
        decision: IssueDecision,
        admin: &Admin,
        now: DateTime<Utc>,
    ) -> Result<CycleDetail> {
        ensure_super_admin(admin, "decide on an upgrade issue")?;
        let decision = decision.checked()?;
        let conn = self.connect()?;
        let (cycle_id, title) = issue_of(&conn, issue_id)?;
        let summary = self.cycle_summary(&conn, cycle_id, now)?;
        // The schedule moves first: a refused date changes nothing, and a
        // stop before the decision is recorded leaves the new date, which
        // the same decision sets again.
        let mut moved = String::new();
        if let IssueDecision::Delay { until } = &decision {
            let plan: Option<i64> = conn
                .query_row(
                    "SELECT id FROM upgrade_plans WHERE account_id = ?1 AND release_id = ?2 AND status = 'scheduled'",
                    params![summary.account_id, summary.release_id],
                    |r| r.get(0),
                )
                .optional()
                .context("reading the schedule")?;
            match until {
                Some(date) => {
                    let p = self.schedule_upgrade(summary.release_id, *date, admin, now)?;
                    moved = format!(
                        " Production now upgrades {}.",
                        self.calendar_of(summary.account_id)?.describe(p.slot.start)
                    );
                }
                None => {
                    if let Some(plan) = plan {
                        self.cancel_upgrade(plan, admin)?;
                    }
                    moved =
                        " Production's upgrade is off the calendar until a fix is known.".into();
                }
            }
        }
        let mut conn = conn;
        let tx = conn.transaction().context("recording the decision")?;
        tx.execute(
            "UPDATE uat_issues SET decision = ?2, decided_at = ?3, decided_by = ?4, status = ?5 WHERE id = ?1",
            params![
                issue_id,
                serde_json::to_string(&decision).context("recording the decision")?,
                now,
                admin.name,
                decision.status().as_str()
            ],
        )
        .context("recording the decision")?;
        let until_fixed = matches!(decision, IssueDecision::Delay { until: None });
        tx.execute(
            "UPDATE uat_cycles SET delayed_until_fixed = ?2 WHERE id = ?1",
            params![cycle_id, until_fixed],
        )
        .context("recording the decision")?;
        let said = format!(
            "Decision on \u{201c}{title}\u{201d}: {}.{moved}",
            decision.describe()
        );
        add_history(&tx, cycle_id, now, &admin.name, &said)?;
        tx.commit().context("recording the decision")?;
        let to = crate::people::recipients::recipient_names(
            &self.connect()?,
            summary.account_id,
            cutover_core::inbox::Category::UpgradeInfo,
        )?;
        let mut body = format!("{said} Decided by {}.", admin.name);
        if !to.is_empty() {
            body.push_str(&format!(" To: {}.", to.join(", ")));
        }
        self.post_notice_about(
            now,
            Some(summary.account_id),
            cutover_core::inbox::Category::UpgradeInfo,
            &format!(
                "UAT of {} ({}): decision on a critical issue",
                summary.version, summary.account_name
            ),
            &body,
            Some(Target::Uat { cycle_id }),
        )?;
        self.uat_cycle(cycle_id, now)
    }

    pub(super) fn issues_of(&self, conn: &Connection, cycle_id: CycleId) -> Result<Vec<UatIssue>> {
        let mut stmt = conn
            .prepare(
                "SELECT id, title, detail, area, severity, status, note_id, raised_at, raised_by, decision,
                        decided_at, decided_by,
                        (SELECT group_concat(case_id) FROM uat_issue_cases WHERE issue_id = i.id)
                 FROM uat_issues i WHERE cycle_id = ?1 ORDER BY id",
            )
            .context("reading upgrade issues")?;
        let rows = stmt
            .query_map([cycle_id], |r| {
                Ok((
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, Option<String>>(9)?,
                    r.get::<_, Option<String>>(12)?,
                    UatIssue {
                        id: r.get(0)?,
                        title: r.get(1)?,
                        detail: r.get(2)?,
                        area: r.get(3)?,
                        severity: Severity::Low,
                        status: IssueStatus::Open,
                        note_id: r.get(6)?,
                        case_ids: Vec::new(),
                        raised_at: r.get(7)?,
                        raised_by: r.get(8)?,
                        decision: None,
                        decided_at: r.get(10)?,
                        decided_by: r.get(11)?,
                    },
                ))
            })
            .context("reading upgrade issues")?
            .collect::<rusqlite::Result<Vec<_>>>()
            .context("reading upgrade issues")?;
        rows.into_iter()
            .map(|(severity, status, decision, cases, mut i)| {
                i.severity = Severity::parse(&severity)?;
                i.status = IssueStatus::parse(&status)?;
                i.decision = decision
                    .map(|d| serde_json::from_str(&d).context("reading a decision"))
                    .transpose()?;
                i.case_ids = cases
                    .unwrap_or_default()
                    .split(',')
                    .filter_map(|c| c.parse().ok())
                    .collect();
                Ok(i)
            })
            .collect()
    }
}

/// In the import's transaction: a hotfix that answers issues waiting for
/// one (the version awaited, or a fix of the cycle's release in the
/// issue's area) moves them to retest and resets their cases to not run.
/// Returns one line per issue moved, for the notice.
pub(crate) fn hotfix_arrived(
    tx: &Connection,
    account_id: i64,
    manifest: &Manifest,
    author: &str,
    now: DateTime<Utc>,
) -> Result<Vec<String>> {
    let hotfix = manifest.version();
    let (versions, areas) = match &manifest.fixes {
        Some(f) => (
            f.versions
                .iter()
                .map(|v| Version::parse(v))
                .collect::<Result<Vec<_>>>()?,
            f.areas.clone(),
        ),
        None => (Vec::new(), Vec::new()),
    };
    let mut stmt = tx
        .prepare(
            "SELECT i.id, i.cycle_id, i.title, i.area, i.decision, r.version
             FROM uat_issues i JOIN uat_cycles c ON c.id = i.cycle_id JOIN releases r ON r.id = c.release_id
             WHERE c.account_id = ?1 AND i.status = 'waiting_for_hotfix'",
        )
        .context("reading issues waiting for a hotfix")?;
    let waiting = stmt
        .query_map([account_id], |r| {
            Ok((
                r.get::<_, IssueId>(0)?,
                r.get::<_, CycleId>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, String>(5)?,
            ))
        })
        .context("reading issues waiting for a hotfix")?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("reading issues waiting for a hotfix")?;
    let mut moved = Vec::new();
    for (id, cycle_id, title, area, decision, target) in waiting {
        let awaited = match decision.map(|d| serde_json::from_str::<IssueDecision>(&d)) {
            Some(Ok(IssueDecision::Hotfix { version })) => Version::parse(&version).ok(),
            _ => None,
        };
        let target = Version::parse(&target)?;
        if !rules::hotfix_answers(awaited.as_ref(), &area, &target, &hotfix, &versions, &areas) {
            continue;
        }
        tx.execute(
            "UPDATE uat_issues SET status = 'retest' WHERE id = ?1",
            [id],
        )
        .context("moving an issue to retest")?;
        let reset = tx
            .execute(
                "UPDATE uat_cases SET result = 'not_run', run_at = NULL, run_by = NULL
                 WHERE id IN (SELECT case_id FROM uat_issue_cases WHERE issue_id = ?1)",
                [id],
            )
            .context("resetting the issue's cases")?;
        let line = format!(
            "Hotfix {hotfix} imported: issue \u{201c}{title}\u{201d} is to be retested ({reset} case{} reset to not run).",
            if reset == 1 { "" } else { "s" }
        );
        add_history(tx, cycle_id, now, author, &line)?;
        moved.push(line);
    }
    Ok(moved)
}

fn issue_of(conn: &Connection, issue_id: IssueId) -> Result<(CycleId, String)> {
    conn.query_row(
        "SELECT cycle_id, title FROM uat_issues WHERE id = ?1",
        [issue_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()
    .context("reading the issue")?
    .ok_or_else(|| Error::not_found("That upgrade issue no longer exists; reload the UAT screen."))
}

fn status_label(status: IssueStatus) -> &'static str {
    match status {
        IssueStatus::Open => "open",
        IssueStatus::Workaround => "worked around",
        IssueStatus::WaitingForHotfix => "waiting for a hotfix",
        IssueStatus::Retest => "to be retested",
        IssueStatus::Fixed => "fixed",
        IssueStatus::Closed => "closed",
    }
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}
