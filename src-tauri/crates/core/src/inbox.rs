//! The in-app inbox: notices about operations that finished on their own
//! time (a promotion, or its automatic restore), also sent to the desktop.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;

/// What a notice is about; recipients opt in per category and account
/// (seed 000), and the desktop shows a notice only to an admin who did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Releases, hotfixes, UAT decisions, upgrades done or rolled back.
    UpgradeInfo,
    /// Production changed or restored: promotions, restores, recoveries.
    SystemHealth,
    Reminders,
}

text_enum!(Category {
    UpgradeInfo = "upgrade_info",
    SystemHealth = "system_health",
    Reminders = "reminders",
});

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Notice {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub title: String,
    pub body: String,
    pub category: Category,
    /// The account it concerns, when it concerns one.
    pub account_id: Option<i64>,
    pub read: bool,
    /// Why the desktop notification could not be shown, if it could not.
    pub undelivered: Option<String>,
    /// Not shown on the desktop yet.
    pub desktop_pending: bool,
    /// What it is about, for the inbox to open.
    pub target: Option<crate::target::Target>,
}
