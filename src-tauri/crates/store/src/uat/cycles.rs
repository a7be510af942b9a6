//! Reading cycles, their state and progress; check-ins, sign-off, the
//! override, and the gate production's upgrade passes.

use crate::people::chain::Chain;
use crate::{Context, Workspace};
use chrono::{DateTime, NaiveDate, Utc};
use cutover_core::account::AccountId;
use cutover_core::admin::{ensure_super_admin, Admin};
use cutover_core::uat::{self as rules, CycleDates, CycleId, GateFacts, IssueFacts};
use cutover_core::uat_view::{CycleDetail, HistoryEntry, Progress, UatCycle};
use cutover_core::{Error, Result};
use rusqlite::{params, Connection, OptionalExtension};

const CYCLE_COLUMNS: &str = "c.id, c.account_id, a.name, c.release_id, r.version, c.signed_off_at,
    c.signed_off_by, c.override_reason, c.delayed_until_fixed, p.wave, p.window_start,
    p.uat_refresh, p.uat_start, p.uat_end, a.time_zone";
const CYCLE_FROM: &str = "uat_cycles c JOIN accounts a ON a.id = c.account_id
    JOIN releases r ON r.id = c.release_id
    LEFT JOIN upgrade_plans p ON p.account_id = c.account_id AND p.release_id = c.release_id
        AND p.status = 'scheduled'";

struct Row {
    cycle: UatCycle,
    delayed: bool,
    dates: Option<CycleDates>,
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    let refresh: Option<NaiveDate> = r.get(11)?;
    let start: Option<NaiveDate> = r.get(12)?;
    let end: Option<NaiveDate> = r.get(13)?;
    let dates = match (refresh, start, end) {
        (Some(refresh), Some(start), Some(end)) => Some(CycleDates {
            refresh,
            start,
            end,
        }),
        _ => None,
    };
    Ok(Row {
        cycle: UatCycle {
            id: r.get(0)?,
            account_id: r.get(1)?,
            account_name: r.get(2)?,
            time_zone: r.get(14)?,
            release_id: r.get(3)?,
            version: r.get(4)?,
            state: rules::CycleState::Planned,
            refresh,
            test_start: start,
            test_end: end,
            business_days: 0,
            production_at: r.get(10)?,
            wave: r.get(9)?,
            progress: Progress::default(),
            signed_off_at: r.get(5)?,
            signed_off_by: r.get(6)?,
            override_reason: r.get(7)?,
        },
        delayed: r.get(8)?,
        dates,
    })
}

impl Workspace {
    /// The cycles of every account (`account_id` 0) or of one, newest
    /// release first.
    pub fn uat_cycles(&self, account_id: AccountId, now: DateTime<Utc>) -> Result<Vec<UatCycle>> {
        let conn = self.connect()?;
        let mut stmt = conn
            .prepare(&format!(
                "SELECT {CYCLE_COLUMNS} FROM {CYCLE_FROM} WHERE ?1 = 0 OR c.account_id = ?1
                 ORDER BY a.name, r.version_key DESC"
            ))
            .context("reading UAT cycles")?;
        let rows = stmt
            .query_map([account_id], row)
            .context("reading UAT cycles")?
            .collect::<rusqlite::Result<Vec<_>>>()
            .context("reading UAT cycles")?;
        rows.into_iter()
            .map(|r| self.finish_cycle(&conn, r, now))
            .collect()
    }

    /// A cycle with its plan, issues and history.
    pub fn uat_cycle(&self, cycle_id: CycleId, now: DateTime<Utc>) -> Result<CycleDetail> {
        let conn = self.connect()?;
        let cycle = self.cycle_summary(&conn, cycle_id, now)?;
        let cases = self.cases_of(&conn, cycle_id)?;
        let issues = self.issues_of(&conn, cycle_id)?;
        let history = history(&conn, cycle_id)?;
        let sign_off_refusal =
            rules::ensure_sign_off(&case_facts(&cases, &issues), &issue_facts(&issues))
                .err()
                .map(|e| e.message);
        Ok(CycleDetail {
            cycle,
            cases,
            issues,
            history,
            sign_off_refusal,
        })
    }

    pub(super) fn cycle_summary(
        &self,
        conn: &Connection,
        cycle_id: CycleId,
        now: DateTime<Utc>,
    ) -> Result<UatCycle> {
        let r = conn
            .query_row(
                &format!("SELECT {CYCLE_COLUMNS} FROM {CYCLE_FROM} WHERE c.id = ?1"),
                [cycle_id],
                row,
            )
            .optional()
            .context("reading the UAT cycle")?
            .ok_or_else(|| {
                Error::not_found(
                    "That UAT cycle no longer exists (its release or account was deleted).",
                )
            })?;
        self.finish_cycle(conn, r, now)
    }

    fn finish_cycle(&self, conn: &Connection, mut r: Row, now: DateTime<Utc>) -> Result<UatCycle> {
        let calendar = self.calendar_of(r.cycle.account_id)?;
        let issues = self.issues_of(conn, r.cycle.id)?;
        let undecided = issue_facts(&issues)
            .iter()
            .filter(|i| i.undecided_critical())
            .count();
        let dates = if r.delayed { None } else { r.dates };
        r.cycle.state = rules::cycle_state(
            &calendar,
            dates,
            r.delayed,
            r.cycle.signed_off_at.is_some(),
            undecided,
            now,
        );
        r.cycle.business_days = dates
            .map(|d| rules::test_days(&calendar, d).len() as u32)
            .unwrap_or(0);
        r.cycle.progress = progress(conn, r.cycle.id)?;
        Ok(r.cycle)
    }

    /// A check-in: the cycle's progress at `now`, with the admin's note,
    /// kept in its history (seed 001's weekly check-in).
    pub fn uat_check_in(
        &self,
        cycle_id: CycleId,
        note: &str,
        admin: &Admin,
        now: DateTime<Utc>,
    ) -> Result<CycleDetail> {
        let note = rules::optional_text("The check-in note", note, rules::MAX_TEXT)?;
        let conn = self.connect()?;
        let cycle = self.cycle_summary(&conn, cycle_id, now)?;
        let mut text = format!("Check-in: {}.", cycle.progress.describe());
        if !note.is_empty() {
            text.push(' ');
            text.push_str(&note);
        }
        add_history(&conn, cycle_id, now, &admin.name, &text)?;
        self.uat_cycle(cycle_id, now)
    }

    /// Signs the cycle off ("happy to take the upgrade to live"), or says
    /// everything that still stops it.
    pub fn uat_sign_off(
        &self,
        cycle_id: CycleId,
        admin: &Admin,
        now: DateTime<Utc>,
    ) -> Result<CycleDetail> {
        ensure_super_admin(admin, "sign off UAT")?;
        let mut conn = self.connect()?;
        let tx = conn.transaction().context("signing off")?;
        let summary = self.cycle_summary(&tx, cycle_id, now)?;
        if let (Some(at), Some(by)) = (summary.signed_off_at, &summary.signed_off_by) {
            return Err(Error::conflict(format!(
                "UAT of {} was already signed off by {by} on {}.",
                summary.version,
                at.format("%-d %b %Y")
            )));
        }
        let cases = self.cases_of(&tx, cycle_id)?;
        let issues = self.issues_of(&tx, cycle_id)?;
        rules::ensure_sign_off(&case_facts(&cases, &issues), &issue_facts(&issues))?;
        tx.execute(
            "UPDATE uat_cycles SET signed_off_at = ?2, signed_off_by = ?3 WHERE id = ?1",
            params![cycle_id, now, admin.name],
        )
        .context("signing off")?;
        add_history(
            &tx,
            cycle_id,
            now,
            &admin.name,
            &format!(
                "Signed off: happy to take {} to live. {}.",
                summary.version,
                summary.progress.describe()
            ),
        )?;
        tx.commit().context("signing off")?;
        self.uat_cycle(cycle_id, now)
    }

    /// Clears production's upgrade without a sign-off, for a reason that is
    /// kept with the cycle and in its evidence pack.
    pub fn uat_override(
        &self,
        cycle_id: CycleId,
        reason: &str,
        admin: &Admin,
        now: DateTime<Utc>,
    ) -> Result<CycleDetail> {
        ensure_super_admin(admin, "override the UAT sign-off")?;
        let reason = rules::text("The reason for the override", reason, rules::MAX_TEXT)?;
        let mut conn = self.connect()?;
        let tx = conn.transaction().context("recording the override")?;
        let summary = self.cycle_summary(&tx, cycle_id, now)?;
        tx.execute(
            "UPDATE uat_cycles SET override_reason = ?2, override_by = ?3, override_at = ?4 WHERE id = ?1",
            params![cycle_id, reason, admin.name, now],
        )
        .context("recording the override")?;
        add_history(
            &tx,
            cycle_id,
            now,
            &admin.name,
            &format!(
                "Production cleared for {} without a sign-off: {reason}",
                summary.version
            ),
        )?;
        tx.commit().context("recording the override")?;
        self.uat_cycle(cycle_id, now)
    }

    /// Refuses production's upgrade to `release_id` while its UAT cycle is
    /// not signed off (nor overridden) or has a critical issue without a
    /// decision. Releases without a cycle (maintenance, hotfix, or never
    /// scheduled) pass.
    pub(crate) fn ensure_production_cleared(
        &self,
        conn: &Connection,
        account_id: AccountId,
        release_id: i64,
    ) -> Result<()> {
        let found: Option<(CycleId, String, bool, bool, bool)> = conn
            .query_row(
                "SELECT c.id, r.version, c.signed_off_at IS NOT NULL, c.override_reason IS NOT NULL,
                        c.delayed_until_fixed
                 FROM uat_cycles c JOIN releases r ON r.id = c.release_id
                 WHERE c.account_id = ?1 AND c.release_id = ?2",
                params![account_id, release_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .optional()
            .context("reading the UAT cycle")?;
        let Some((cycle_id, version, signed_off, overridden, delayed)) = found else {
            return Ok(());
        };
        let undecided_critical = issue_facts(&self.issues_of(conn, cycle_id)?)
            .into_iter()
            .filter(|i| i.undecided_critical())
            .map(|i| format!("\u{201c}{}\u{201d}", i.title))
            .collect();
        rules::ensure_production_cleared(&GateFacts {
            version,
            signed_off,
            overridden,
            undecided_critical,
            delayed_until_fixed: delayed,
        })
    }
}

pub(super) fn case_facts(
    cases: &[cutover_core::uat_view::UatCase],
    issues: &[cutover_core::uat_view::UatIssue],
) -> Vec<rules::CaseFacts> {
    use cutover_core::uat::IssueStatus as S;
    cases
        .iter()
        .map(|c| rules::CaseFacts {
            title: c.title.clone(),
            result: c.result,
            settled_by_issue: issues.iter().any(|i| {
                i.case_ids.contains(&c.id)
                    && (i.decision.is_some() || matches!(i.status, S::Fixed | S::Closed))
            }),
        })
        .collect()
}

pub(super) fn issue_facts(issues: &[cutover_core::uat_view::UatIssue]) -> Vec<IssueFacts> {
    issues
        .iter()
        .map(|i| IssueFacts {
            title: i.title.clone(),
            severity: i.severity,
            status: i.status,
            decided: i.decision.is_some(),
        })
        .collect()
}

fn progress(conn: &Connection, cycle_id: CycleId) -> Result<Progress> {
    let mut p = Progress::default();
    let mut stmt = conn
        .prepare("SELECT result, count(*) FROM uat_cases WHERE cycle_id = ?1 GROUP BY result")
        .context("counting cases")?;
    let counts = stmt
        .query_map([cycle_id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?))
        })
        .context("counting cases")?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("counting cases")?;
    for (result, n) in counts {
        p.cases += n;
        match result.as_str() {
            "passed" => p.passed = n,
            "failed" => p.failed = n,
            "blocked" => p.blocked = n,
            "waived" => p.waived = n,
            _ => p.not_run = n,
        }
    }
    let mut stmt = conn
        .prepare(
            "SELECT severity, count(*) FROM uat_issues
             WHERE cycle_id = ?1 AND status NOT IN ('fixed', 'closed') GROUP BY severity",
        )
        .context("counting issues")?;
    let open = stmt
        .query_map([cycle_id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?))
        })
        .context("counting issues")?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("counting issues")?;
    for (severity, n) in open {
        let i = match severity.as_str() {
            "critical" => 0,
            "high" => 1,
            "medium" => 2,
            _ => 3,
        };
        p.open_issues[i] = n;
    }
    Ok(p)
}

fn history(conn: &Connection, cycle_id: CycleId) -> Result<Vec<HistoryEntry>> {
    let mut stmt = conn
        .prepare("SELECT at, author, text FROM uat_history WHERE cycle_id = ?1 ORDER BY id")
        .context("reading the cycle's history")?;
    let rows = stmt
        .query_map([cycle_id], |r| {
            Ok(HistoryEntry {
                at: r.get(0)?,
                author: r.get(1)?,
                text: r.get(2)?,
            })
        })
        .context("reading the cycle's history")?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("reading the cycle's history");
    rows
}

/// A line of the cycle's history, in the caller's transaction.
pub(super) fn add_history(
    conn: &Connection,
    cycle_id: CycleId,
    at: DateTime<Utc>,
    author: &str,
    text: &str,
) -> Result<()> {
    conn.execute(
        "INSERT INTO uat_history (cycle_id, at, author, text) VALUES (?1, ?2, ?3, ?4)",
        params![cycle_id, at, author, text],
    )
    .context("recording the cycle's history")?;
    crate::people::chain::seal(conn, Chain::UatHistory(cycle_id), conn.last_insert_rowid())
}
