//! What the UAT screen shows of a cycle (rules in `uat.rs`).

use crate::release_view::{NoteId, ReleaseId};
use crate::uat::{
    CaseId, CaseOrigin, CaseResult, CycleId, CycleState, IssueDecision, IssueId, IssueStatus,
    Severity,
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;

/// One cycle in the list: its release, dates and progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct UatCycle {
    pub id: CycleId,
    pub account_id: i64,
    pub account_name: String,
    /// The account's IANA zone, in which the dates are meant.
    pub time_zone: String,
    pub release_id: ReleaseId,
    pub version: String,
    pub state: CycleState,
    /// The current schedule's dates; none once production is delayed
    /// until a fix.
    pub refresh: Option<NaiveDate>,
    pub test_start: Option<NaiveDate>,
    pub test_end: Option<NaiveDate>,
    pub business_days: u32,
    /// Production's upgrade (start of its maintenance window).
    pub production_at: Option<DateTime<Utc>>,
    pub wave: Option<String>,
    pub progress: Progress,
    pub signed_off_at: Option<DateTime<Utc>>,
    pub signed_off_by: Option<String>,
    /// Set when production was cleared without a sign-off.
    pub override_reason: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Progress {
    pub cases: u32,
    pub passed: u32,
    pub failed: u32,
    pub blocked: u32,
    pub waived: u32,
    pub not_run: u32,
    /// Open issues (not fixed or closed) by severity: critical, high,
    /// medium, low.
    pub open_issues: [u32; 4],
}

impl Progress {
    /// "4 of 9 run: 3 passed, 1 failed; 5 not run; open issues: 1 critical".
    pub fn describe(&self) -> String {
        let run = self.passed + self.failed + self.blocked + self.waived;
        let mut s = format!(
            "{run} of {} cases run: {} passed, {} failed, {} blocked, {} waived; {} not run",
            self.cases, self.passed, self.failed, self.blocked, self.waived, self.not_run
        );
        let names = ["critical", "high", "medium", "low"];
        let open: Vec<String> = self
            .open_issues
            .iter()
            .zip(names)
            .filter(|(n, _)| **n > 0)
            .map(|(n, name)| format!("{n} {name}"))
            .collect();
        if open.is_empty() {
            s.push_str("; no open issues");
        } else {
            s.push_str(&format!("; open issues: {}", open.join(", ")));
        }
        s
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct UatCase {
    pub id: CaseId,
    pub title: String,
    pub steps: String,
    pub area: String,
    pub origin: CaseOrigin,
    pub note_id: Option<NoteId>,
    pub tester: String,
    pub result: CaseResult,
    pub reason: String,
    pub notes: String,
    pub run_at: Option<DateTime<Utc>>,
    pub run_by: Option<String>,
    pub evidence: Vec<Evidence>,
    /// Issues raised from this case.
    pub issue_ids: Vec<IssueId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Evidence {
    pub id: i64,
    pub file_name: String,
    pub sha256: String,
    pub bytes: u64,
    /// `image/png` and the like when it can be shown inline.
    pub image_type: Option<String>,
    pub added_at: DateTime<Utc>,
    pub added_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct UatIssue {
    pub id: IssueId,
    pub title: String,
    pub detail: String,
    pub area: String,
    pub severity: Severity,
    pub status: IssueStatus,
    pub note_id: Option<NoteId>,
    pub case_ids: Vec<CaseId>,
    pub raised_at: DateTime<Utc>,
    pub raised_by: String,
    pub decision: Option<IssueDecision>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decided_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    pub at: DateTime<Utc>,
    pub author: String,
    pub text: String,
}

/// A cycle with its plan, issues and history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CycleDetail {
    pub cycle: UatCycle,
    pub cases: Vec<UatCase>,
    pub issues: Vec<UatIssue>,
    pub history: Vec<HistoryEntry>,
    /// What still stops a sign-off, if anything.
    pub sign_off_refusal: Option<String>,
}

/// A case as written in the case dialog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CaseInput {
    pub title: String,
    pub steps: String,
    pub area: String,
    pub tester: String,
    /// Keep it in the account's regression cases for the next cycles.
    pub regression: bool,
}

/// A result as recorded in the case dialog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ResultInput {
    pub result: CaseResult,
    pub reason: String,
    pub notes: String,
    pub tester: String,
}

/// An upgrade issue as raised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct IssueInput {
    pub title: String,
    pub detail: String,
    pub area: String,
    pub severity: Severity,
    /// Raised from these cases (a failed one, usually).
    pub case_ids: Vec<CaseId>,
    pub note_id: Option<NoteId>,
}
