//! The test plan: cases generated from the release notes of the areas the
//! account uses, the account's regression cases, cases added by hand; and
//! their results.

use super::cycles::add_history;
use crate::{Context, Workspace};
use chrono::{DateTime, Utc};
use cutover_core::admin::Admin;
use cutover_core::environment::EnvironmentKind;
use cutover_core::release::{NoteKind, Version};
use cutover_core::uat::{self as rules, CaseId, CaseOrigin, CaseResult, CycleId};
use cutover_core::uat_view::{CaseInput, CycleDetail, ResultInput, UatCase};
use cutover_core::{Error, Result};
use rusqlite::{params, Connection, OptionalExtension};

impl Workspace {
    /// Adds to the plan a case for each action-required item, deprecation
    /// and feature between UAT's version and the release (areas the account
    /// uses only), and the account's regression cases; cases already in
    /// the plan are left as they are, so generating again adds only what is
    /// new.
    pub fn generate_uat_plan(
        &self,
        cycle_id: CycleId,
        admin: &Admin,
        now: DateTime<Utc>,
    ) -> Result<CycleDetail> {
        let mut conn = self.connect()?;
        let summary = self.cycle_summary(&conn, cycle_id, now)?;
        let target = Version::parse(&summary.version)?;
        let rows = self.environment_rows(&conn, summary.account_id)?;
        let below = |k: EnvironmentKind| {
            rows.iter().find(|r| {
                r.environment.kind == k
                    && Version::parse(&r.environment.version).is_ok_and(|v| v < target)
            })
        };
        let source = below(EnvironmentKind::Uat)
            .or_else(|| below(EnvironmentKind::Production))
            .ok_or_else(|| {
                Error::conflict(format!(
                    "Every environment already runs {target} or later: there is no version to compare the release notes with. Add cases by hand."
                ))
            })?;
        let notes = self.cumulative_notes(source.environment.id, &summary.version, admin)?;
        let tx = conn.transaction().context("generating the test plan")?;
        let mut added = 0;
        for n in notes.notes.iter().filter(|n| {
            n.action_required || matches!(n.kind, NoteKind::Deprecation | NoteKind::Feature)
        }) {
            let what = match (n.action_required, n.kind) {
                (true, _) => "Action required",
                (_, NoteKind::Deprecation) => "Deprecation",
                _ => "New feature",
            };
            let steps = format!(
                "{what} in {} ({}). Read the release note \u{201c}{}\u{201d} and check in UAT that what it describes works for us.",
                n.area, n.version, n.title
            );
            added += tx
                .execute(
                    "INSERT INTO uat_cases (cycle_id, title, steps, area, origin, note_id)
                     VALUES (?1, ?2, ?3, ?4, 'note', ?5) ON CONFLICT DO NOTHING",
                    params![cycle_id, n.title, steps, n.area, n.id],
                )
                .context("adding a case")?;
        }
        added += tx
            .execute(
                "INSERT INTO uat_cases (cycle_id, title, steps, area, origin, regression_id)
                 SELECT ?1, title, steps, area, 'regression', id FROM uat_regression_cases
                 WHERE account_id = ?2 ORDER BY id ON CONFLICT DO NOTHING",
                params![cycle_id, summary.account_id],
            )
            .context("adding the regression cases")?;
        add_history(
            &tx,
            cycle_id,
            now,
            &admin.name,
            &format!(
                "Test plan generated from {}'s {} to {}: {added} case{} added.",
                source.environment.name,
                source.environment.version,
                summary.version,
                if added == 1 { "" } else { "s" }
            ),
        )?;
        tx.commit().context("generating the test plan")?;
        self.uat_cycle(cycle_id, now)
    }

    /// Adds a case by hand; `regression` keeps it for the next cycles too.
    pub fn add_uat_case(
        &self,
        cycle_id: CycleId,
        input: CaseInput,
        admin: &Admin,
        now: DateTime<Utc>,
    ) -> Result<CycleDetail> {
        let title = rules::text("The case's title", &input.title, rules::MAX_TITLE)?;
        let steps = rules::optional_text("The steps", &input.steps, rules::MAX_TEXT)?;
        let area = rules::optional_text("The area", &input.area, rules::MAX_TITLE)?;
        let tester = rules::optional_text("The tester", &input.tester, rules::MAX_TITLE)?;
        let mut conn = self.connect()?;
        let summary = self.cycle_summary(&conn, cycle_id, now)?;
        let tx = conn.transaction().context("adding a case")?;
        let taken: bool = tx
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM uat_cases WHERE cycle_id = ?1 AND title = ?2 COLLATE NOCASE)",
                params![cycle_id, title],
                |r| r.get(0),
            )
            .context("adding a case")?;
        if taken {
            return Err(Error::invalid(format!(
                "The plan already has a case \u{201c}{title}\u{201d}; give this one another title."
            )));
        }
        let (origin, regression_id) = if input.regression {
            tx.execute(
                "INSERT INTO uat_regression_cases (account_id, title, steps, area) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (account_id, title) DO UPDATE SET steps = excluded.steps, area = excluded.area",
                params![summary.account_id, title, steps, area],
            )
            .context("keeping the regression case")?;
            let id: i64 = tx
                .query_row(
                    "SELECT id FROM uat_regression_cases WHERE account_id = ?1 AND title = ?2",
                    params![summary.account_id, title],
                    |r| r.get(0),
                )
                .context("keeping the regression case")?;
            (CaseOrigin::Regression, Some(id))
        } else {
            (CaseOrigin::Manual, None)
        };
        tx.execute(
            "INSERT INTO uat_cases (cycle_id, title, steps, area, origin, regression_id, tester)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                cycle_id,
                title,
                steps,
                area,
                origin.as_str(),
                regression_id,
                tester
            ],
        )
        .context("adding a case")?;
        let kept = if input.regression {
            " (kept as a regression case for the next cycles)"
        } else {
            ""
        };
        add_history(
            &tx,
            cycle_id,
            now,
            &admin.name,
            &format!("Case \u{201c}{title}\u{201d} added{kept}."),
        )?;
        tx.commit().context("adding a case")?;
        self.uat_cycle(cycle_id, now)
    }

    /// Records a case's result; a waiver needs its reason.
    pub fn record_uat_result(
        &self,
        case_id: CaseId,
        input: ResultInput,
        admin: &Admin,
        now: DateTime<Utc>,
    ) -> Result<CycleDetail> {
        let reason = rules::check_result(input.result, &input.reason)?;
        let notes = rules::optional_text("The notes", &input.notes, rules::MAX_TEXT)?;
        let tester = rules::optional_text("The tester", &input.tester, rules::MAX_TITLE)?;
        let mut conn = self.connect()?;
        let tx = conn.transaction().context("recording the result")?;
        let (cycle_id, title) = case_of(&tx, case_id)?;
        let (run_at, run_by) = match input.result {
            CaseResult::NotRun => (None, None),
            _ => (Some(now), Some(admin.name.clone())),
        };
        tx.execute(
            "UPDATE uat_cases SET result = ?2, reason = ?3, notes = ?4, tester = ?5, run_at = ?6, run_by = ?7
             WHERE id = ?1",
            params![case_id, input.result.as_str(), reason, notes, tester, run_at, run_by],
        )
        .context("recording the result")?;
        let why = if reason.is_empty() {
            String::new()
        } else {
            format!(": {reason}")
        };
        add_history(
            &tx,
            cycle_id,
            now,
            &admin.name,
            &format!("\u{201c}{title}\u{201d}: {}{why}.", label(input.result)),
        )?;
        tx.commit().context("recording the result")?;
        self.uat_cycle(cycle_id, now)
    }

    pub(super) fn cases_of(&self, conn: &Connection, cycle_id: CycleId) -> Result<Vec<UatCase>> {
        let mut stmt = conn
            .prepare(
                "SELECT id, title, steps, area, origin, note_id, tester, result, reason, notes, run_at, run_by
                 FROM uat_cases WHERE cycle_id = ?1 ORDER BY id",
            )
            .context("reading the test plan")?;
        let rows = stmt
            .query_map([cycle_id], |r| {
                Ok((
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(7)?,
                    UatCase {
                        id: r.get(0)?,
                        title: r.get(1)?,
                        steps: r.get(2)?,
                        area: r.get(3)?,
                        origin: CaseOrigin::Manual,
                        note_id: r.get(5)?,
                        tester: r.get(6)?,
                        result: CaseResult::NotRun,
                        reason: r.get(8)?,
                        notes: r.get(9)?,
                        run_at: r.get(10)?,
                        run_by: r.get(11)?,
                        evidence: Vec::new(),
                        issue_ids: Vec::new(),
                    },
                ))
            })
            .context("reading the test plan")?
            .collect::<rusqlite::Result<Vec<_>>>()
            .context("reading the test plan")?;
        let mut evidence = self.evidence_of(conn, cycle_id)?;
        let links = issue_links(conn, cycle_id)?;
        rows.into_iter()
            .map(|(origin, result, mut c)| {
                c.origin = CaseOrigin::parse(&origin)?;
                c.result = CaseResult::parse(&result)?;
                c.evidence = evidence.remove(&c.id).unwrap_or_default();
                c.issue_ids = links
                    .iter()
                    .filter(|(_, case)| *case == c.id)
                    .map(|(i, _)| *i)
                    .collect();
                Ok(c)
            })
            .collect()
    }
}

/// The cycle and title of a case, or why it cannot be found.
pub(super) fn case_of(conn: &Connection, case_id: CaseId) -> Result<(CycleId, String)> {
    conn.query_row(
        "SELECT cycle_id, title FROM uat_cases WHERE id = ?1",
        [case_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()
    .context("reading the case")?
    .ok_or_else(|| Error::not_found("That test case no longer exists; reload the UAT screen."))
}

fn issue_links(conn: &Connection, cycle_id: CycleId) -> Result<Vec<(i64, CaseId)>> {
    let mut stmt = conn
        .prepare(
            "SELECT l.issue_id, l.case_id FROM uat_issue_cases l JOIN uat_issues i ON i.id = l.issue_id
             WHERE i.cycle_id = ?1 ORDER BY l.issue_id",
        )
        .context("reading the issues' cases")?;
    let rows = stmt
        .query_map([cycle_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .context("reading the issues' cases")?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("reading the issues' cases");
    rows
}

pub(super) fn label(result: CaseResult) -> &'static str {
    match result {
        CaseResult::NotRun => "not run",
        CaseResult::Passed => "passed",
        CaseResult::Failed => "failed",
        CaseResult::Blocked => "blocked",
        CaseResult::Waived => "waived",
    }
}
