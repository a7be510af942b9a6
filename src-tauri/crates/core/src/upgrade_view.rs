//! An upgrade run as the Upgrade screen and the history show it, and what a
//! rollback would discard. Types only; the rules are in `upgrade`.

use crate::upgrade::{DataStep, UpgradePackage, UpgradeState};
use chrono::{DateTime, Utc};
use serde::Serialize;
use specta::Type;

/// A run as the Upgrade screen and the history show it.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct UpgradeRun {
    pub id: i64,
    pub environment_id: i64,
    pub environment_name: String,
    pub production: bool,
    pub from_version: String,
    pub to_version: String,
    pub author: String,
    pub state: UpgradeState,
    /// The data-upgrade step running, or the one that failed.
    pub step: Option<DataStep>,
    pub started_at: DateTime<Utc>,
    pub deadline: DateTime<Utc>,
    /// Progress of the parallel copy, 0–100.
    pub copy_percent: u8,
    pub packages: Vec<UpgradePackage>,
    /// Sum of the rehearsal on the copy (copying plus packages plus checks),
    /// the prediction of the downtime.
    pub predicted_ms: Option<u32>,
    pub data_started_at: Option<DateTime<Utc>>,
    pub data_finished_at: Option<DateTime<Utc>>,
    /// End of the maintenance window the data upgrade must finish in.
    pub window_end: Option<DateTime<Utc>>,
    pub restore_backup_id: Option<i64>,
    pub finished_at: Option<DateTime<Utc>>,
    pub reason: Option<String>,
    /// Whether the failure may be resumed from its step.
    pub resumable: bool,
    /// Why the data upgrade cannot start yet (a package not signed off, a
    /// hotfix missing), while the packages step is open; the window's fit
    /// is checked when it starts.
    pub data_upgrade_refusal: Option<String>,
    /// Whether the parallel copy still exists.
    pub has_copy: bool,
    /// For a production run that was rolled back: the next maintenance
    /// window with enough notice, to schedule the next attempt.
    pub next_window: Option<DateTime<Utc>>,
    /// The release's wave that `next_window` opens, when it offers waves.
    pub next_wave: Option<String>,
    pub post_upgrade_actions: Vec<String>,
    /// Indexes of the post-upgrade actions ticked off.
    pub actions_done: Vec<u32>,
    pub log: Vec<UpgradeLogLine>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct UpgradeLogLine {
    pub at: DateTime<Utc>,
    pub message: String,
}

/// An environment's open run as the dashboard shows it, so the timer is
/// in sight beside the environment, not only on its Upgrade tab.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct UpgradeBadge {
    pub run_id: i64,
    pub to_version: String,
    pub state: UpgradeState,
    pub deadline: DateTime<Utc>,
}

/// What a rollback after the data upgrade would discard, said first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RollbackImpact {
    pub records_changed: u64,
    pub definitions_changed: u64,
}
