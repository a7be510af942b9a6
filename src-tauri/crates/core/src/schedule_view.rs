//! What the Calendar screen and the scheduling dialogs show: plain data
//! built by the store from the rules in [`crate::schedule`].

use crate::account::AccountId;
use crate::release::ReleaseType;
use crate::release_view::ReleaseId;
use crate::schedule::{CalendarSettings, ReminderKind, Slot};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use specta::Type;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AccountCalendar {
    pub account_id: AccountId,
    pub account_name: String,
    pub time_zone: String,
    pub settings: CalendarSettings,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ReminderState {
    pub kind: ReminderKind,
    pub due_at: DateTime<Utc>,
    pub fired_at: Option<DateTime<Utc>>,
    /// Fired after its time (the app was closed when it fell due).
    pub late: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ScheduledUpgrade {
    pub id: i64,
    pub account_id: AccountId,
    pub account_name: String,
    pub release_id: ReleaseId,
    pub version: String,
    pub release_type: ReleaseType,
    pub wave: Option<String>,
    pub slot: Slot,
    pub uat_refresh: Option<NaiveDate>,
    pub uat_start: Option<NaiveDate>,
    pub uat_end: Option<NaiveDate>,
    pub sandbox_deadline: NaiveDate,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub reminders: Vec<ReminderState>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    MaintenanceWindow,
    Upgrade,
    UatWindow,
    UatRefresh,
    Freeze,
    SandboxDeadline,
}

/// One calendar entry. Timed entries are instants; all-day entries span
/// local dates of the account (`end` exclusive, at local midnight).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CalendarEvent {
    pub account_id: AccountId,
    pub account_name: String,
    /// The account's zone, to show its local time beside the admin's.
    pub time_zone: String,
    pub kind: EventKind,
    /// What the event is of, unique among an account's events of its kind
    /// and kept when the plan behind it is rescheduled (for example the
    /// release version): calendar exports build their UIDs from it.
    pub key: String,
    pub title: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub all_day: bool,
    /// What clicking it opens (the release, its UAT cycle), when anything.
    pub target: Option<crate::target::Target>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Recipient {
    pub id: i64,
    pub account_id: AccountId,
    pub name: String,
    pub email: Option<String>,
    /// Set when the recipient is an admin of this desktop.
    pub admin_id: Option<i64>,
    pub upgrade_info: bool,
    pub system_health: bool,
    pub reminders: bool,
}
