//! The UAT cycle of a scheduled minor or major release (seeds 000 and 001):
//! its state on a given day, what a test case and an upgrade issue may hold,
//! what a sign-off needs, and what production's run to that release needs.
//!
//! A cycle belongs to an account and a release, not to one schedule: a
//! reschedule (or a delay decided on a critical issue) moves the dates, and
//! the cases, issues and history stay.

use crate::release::Version;
use crate::schedule::Calendar;
use crate::{Error, Result};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;

pub type CycleId = i64;
pub type CaseId = i64;
pub type IssueId = i64;

/// Evidence larger than this is refused: screenshots and exports, not
/// database dumps (which belong in a backup).
pub const MAX_EVIDENCE_BYTES: u64 = 25 * 1024 * 1024;

/// Longest title, and longest free text (steps, notes, reasons).
pub const MAX_TITLE: usize = 200;
pub const MAX_TEXT: usize = 10_000;

/// Where a cycle stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum CycleState {
    /// Before the refresh week.
    Planned,
    /// From the refresh day (a week before testing) to the first test day.
    RefreshDue,
    /// The business days of the UAT window.
    Testing,
    /// The window is over and nobody signed off yet.
    SignOffDue,
    SignedOff,
    /// A critical issue has no decision (hotfix, workaround or delay).
    Blocked,
    /// Production was delayed "until fixed": no date until a decision moves it.
    Delayed,
    /// The release's schedule was cancelled: no dates until it is scheduled again.
    Unscheduled,
}

/// The dates a cycle follows, from its release's current schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CycleDates {
    pub refresh: NaiveDate,
    pub start: NaiveDate,
    pub end: NaiveDate,
}

/// The state at `now`, in the account's calendar. A critical issue without
/// a decision blocks even a signed-off cycle: production's data upgrade
/// waits for the decision.
pub fn cycle_state(
    calendar: &Calendar,
    dates: Option<CycleDates>,
    delayed_until_fixed: bool,
    signed_off: bool,
    undecided_critical: usize,
    now: DateTime<Utc>,
) -> CycleState {
    if undecided_critical > 0 {
        return CycleState::Blocked;
    }
    if signed_off {
        return CycleState::SignedOff;
    }
    if delayed_until_fixed {
        return CycleState::Delayed;
    }
    let Some(d) = dates else {
        return CycleState::Unscheduled;
    };
    let today = calendar.local_date(now);
    if today < d.refresh {
        CycleState::Planned
    } else if today < d.start {
        CycleState::RefreshDue
    } else if today <= d.end {
        CycleState::Testing
    } else {
        CycleState::SignOffDue
    }
}

/// The business days of the window, in order (holidays and weekends left
/// out), for the weekly check-ins and the cycle's header.
pub fn test_days(calendar: &Calendar, dates: CycleDates) -> Vec<NaiveDate> {
    dates
        .start
        .iter_days()
        .take_while(|d| *d <= dates.end)
        .filter(|d| calendar.is_business_day(*d))
        .collect()
}

/// A test case's result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum CaseResult {
    NotRun,
    Passed,
    Failed,
    Blocked,
    Waived,
}

text_enum!(CaseResult {
    NotRun = "not_run",
    Passed = "passed",
    Failed = "failed",
    Blocked = "blocked",
    Waived = "waived",
});

/// Where a case came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum CaseOrigin {
    /// A release note of an area the account uses.
    Note,
    /// The account's own regression cases, carried from cycle to cycle.
    Regression,
    Manual,
}

text_enum!(CaseOrigin {
    Note = "note",
    Regression = "regression",
    Manual = "manual",
});

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Critical,
    High,
    Medium,
    Low,
}

text_enum!(Severity {
    Critical = "critical",
    High = "high",
    Medium = "medium",
    Low = "low",
});

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum IssueStatus {
    Open,
    Workaround,
    WaitingForHotfix,
    /// The awaited hotfix arrived: its cases are to be run again.
    Retest,
    Fixed,
    Closed,
}

text_enum!(IssueStatus {
    Open = "open",
    Workaround = "workaround",
    WaitingForHotfix = "waiting_for_hotfix",
    Retest = "retest",
    Fixed = "fixed",
    Closed = "closed",
});

/// What the admin decided about a critical issue (seed 000).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum IssueDecision {
    /// Wait for the vendor's hotfix `version`.
    Hotfix { version: String },
    /// Go live with a workaround that `accepted_by` agreed to.
    #[serde(rename_all = "camelCase")]
    Workaround { what: String, accepted_by: String },
    /// Move production to a later wave, or (no date) until it is fixed.
    Delay { until: Option<NaiveDate> },
}

impl IssueDecision {
    /// Checks the decision's fields; returns it trimmed.
    pub fn checked(self) -> Result<Self> {
        Ok(match self {
            IssueDecision::Hotfix { version } => IssueDecision::Hotfix {
                version: Version::parse(version.trim())
                    .map_err(|_| {
                        Error::invalid(
                            "Give the hotfix version you are waiting for, as the vendor names it (10.0.3, say).",
                        )
                    })?
                    .to_string(),
            },
            IssueDecision::Workaround { what, accepted_by } => {
                let what = text("The workaround", &what, MAX_TEXT)?;
                let accepted_by = text("Who accepted the workaround", &accepted_by, MAX_TITLE)?;
                IssueDecision::Workaround { what, accepted_by }
            }
            delay @ IssueDecision::Delay { .. } => delay,
        })
    }

    /// The status the issue takes.
    pub fn status(&self) -> IssueStatus {
        match self {
            IssueDecision::Hotfix { .. } => IssueStatus::WaitingForHotfix,
            IssueDecision::Workaround { .. } => IssueStatus::Workaround,
            IssueDecision::Delay { .. } => IssueStatus::Open,
        }
    }

    /// One line for the history, the notice and the evidence pack.
    pub fn describe(&self) -> String {
        match self {
            IssueDecision::Hotfix { version } => format!("wait for hotfix {version}"),
            IssueDecision::Workaround { what, accepted_by } => {
                format!("go live with a workaround accepted by {accepted_by}: {what}")
            }
            IssueDecision::Delay { until: Some(d) } => {
                format!("delay production to {}", d.format("%a %-d %b %Y"))
            }
            IssueDecision::Delay { until: None } => "delay production until it is fixed".into(),
        }
    }
}

/// A required text field: trimmed, not empty, not longer than `max`.
pub fn text(what: &str, value: &str, max: usize) -> Result<String> {
    let v = value.trim();
    if v.is_empty() {
        return Err(Error::invalid(format!("{what} is empty; write it.")));
    }
    if v.chars().count() > max {
        return Err(Error::invalid(format!(
            "{what} is longer than {max} characters; shorten it."
        )));
    }
    Ok(v.to_string())
}

/// An optional text field: trimmed, not longer than `max`.
pub fn optional_text(what: &str, value: &str, max: usize) -> Result<String> {
    if value.trim().is_empty() {
        return Ok(String::new());
    }
    text(what, value, max)
}

/// What a result needs: a waiver says why.
pub fn check_result(result: CaseResult, reason: &str) -> Result<String> {
    match result {
        CaseResult::Waived => {
            text("The reason for waiving the case", reason, MAX_TEXT).map_err(|_| {
                Error::invalid(
                    "Say why the case is waived (who agreed, and why it need not be run).",
                )
            })
        }
        _ => optional_text("The reason", reason, MAX_TEXT),
    }
}

/// A case as the sign-off sees it.
#[derive(Debug, Clone)]
pub struct CaseFacts {
    pub title: String,
    pub result: CaseResult,
    /// A failed or blocked case is acceptable once an issue raised from it
    /// is decided, fixed or closed.
    pub settled_by_issue: bool,
}

/// An issue as the sign-off and the production gate see it.
#[derive(Debug, Clone)]
pub struct IssueFacts {
    pub title: String,
    pub severity: Severity,
    pub status: IssueStatus,
    pub decided: bool,
}

impl IssueFacts {
    /// An open critical issue that nobody has decided about.
    pub fn undecided_critical(&self) -> bool {
        self.severity == Severity::Critical
            && !self.decided
            && matches!(self.status, IssueStatus::Open | IssueStatus::Retest)
    }
}

/// Sign-off ("happy to take the upgrade to live"): every case run or
/// waived with a reason, failed and blocked cases settled by an issue, and
/// no critical issue without a decision. Every problem is named at once.
pub fn ensure_sign_off(cases: &[CaseFacts], issues: &[IssueFacts]) -> Result<()> {
    let mut problems = Vec::new();
    if cases.is_empty() {
        problems.push("the test plan has no cases (generate it or add cases first)".to_string());
    }
    let titles = |pick: &dyn Fn(&CaseFacts) -> bool| {
        let t: Vec<String> = cases
            .iter()
            .filter(|c| pick(c))
            .map(|c| format!("\u{201c}{}\u{201d}", c.title))
            .collect();
        (t.len(), list(&t))
    };
    let (n, names) = titles(&|c| c.result == CaseResult::NotRun);
    if n > 0 {
        problems.push(format!("{} not run: {names}", count(n, "case")));
    }
    let (n, names) = titles(&|c| {
        matches!(c.result, CaseResult::Failed | CaseResult::Blocked) && !c.settled_by_issue
    });
    if n > 0 {
        problems.push(format!(
            "{} failed or blocked without an upgrade issue that is decided, fixed or closed: {names}",
            count(n, "case")
        ));
    }
    let undecided: Vec<String> = issues
        .iter()
        .filter(|i| i.undecided_critical())
        .map(|i| format!("\u{201c}{}\u{201d}", i.title))
        .collect();
    if !undecided.is_empty() {
        problems.push(format!(
            "{} without a decision (hotfix, workaround or delay): {}",
            count(undecided.len(), "critical issue"),
            list(&undecided)
        ));
    }
    if problems.is_empty() {
        return Ok(());
    }
    Err(Error::forbidden(format!(
        "Not ready to sign off: {}.",
        problems.join("; ")
    )))
}

/// What production's run to a release needs from its UAT cycle.
#[derive(Debug, Clone)]
pub struct GateFacts {
    pub version: String,
    pub signed_off: bool,
    pub overridden: bool,
    pub undecided_critical: Vec<String>,
    pub delayed_until_fixed: bool,
}

/// Production's upgrade to a release with a UAT cycle waits for the
/// sign-off (or an override with its reason), and its data upgrade for a
/// decision on every critical issue.
pub fn ensure_production_cleared(g: &GateFacts) -> Result<()> {
    if g.delayed_until_fixed {
        return Err(Error::forbidden(format!(
            "Production's upgrade to {} is delayed until a critical issue is fixed. Record another decision on the UAT screen when the fix is known.",
            g.version
        )));
    }
    if !g.undecided_critical.is_empty() {
        return Err(Error::forbidden(format!(
            "UAT of {} has a critical issue without a decision ({}). Decide on the UAT screen: wait for a hotfix, accept a workaround, or delay.",
            g.version,
            list(&g.undecided_critical)
        )));
    }
    if !g.signed_off && !g.overridden {
        return Err(Error::forbidden(format!(
            "UAT of {} is not signed off. Finish the test plan and sign off on the UAT screen, or record an override with its reason there.",
            g.version
        )));
    }
    Ok(())
}

/// Whether an imported hotfix answers an issue waiting for one: it is the
/// version awaited, or it fixes the cycle's release in the issue's area.
pub fn hotfix_answers(
    awaited: Option<&Version>,
    issue_area: &str,
    target: &Version,
    hotfix: &Version,
    fixed_versions: &[Version],
    fixed_areas: &[String],
) -> bool {
    awaited == Some(hotfix)
        || (fixed_versions.contains(target)
            && !issue_area.trim().is_empty()
            && fixed_areas
                .iter()
                .any(|a| a.trim().eq_ignore_ascii_case(issue_area.trim())))
}

/// What the bytes of a file are, for showing it inline: only raster
/// images the webview draws without running anything.
pub fn image_type(head: &[u8]) -> Option<&'static str> {
    if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if head.starts_with(&[0xff, 0xd8, 0xff]) {
        Some("image/jpeg")
    } else if head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// At most five names, then how many more.
fn list(names: &[String]) -> String {
    match names.len() {
        0..=5 => names.join(", "),
        n => format!("{} and {} more", names[..5].join(", "), n - 5),
    }
}

#[cfg(test)]
#[path = "uat_tests.rs"]
mod tests;
