//! What is kept aside on disk after a deletion: retired stores (the data of
//! deleted environments and accounts) and the backups of deleted
//! environments, listed so that nothing fills the disk unseen, restorable
//! while kept, and purged by hand or after a retention.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;

/// Days kept-aside data stays before it is purged, unless the admin sets
/// another retention.
pub const DEFAULT_RETENTION_DAYS: u32 = 30;

/// A retired store: a deleted environment's data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RetiredStore {
    /// The file's name in the retired folder.
    pub file: String,
    pub size_bytes: u64,
    pub retired_at: DateTime<Utc>,
    /// Where it came from; `None` for stores retired before this was
    /// recorded, or by the start-up recovery (a store nothing recorded).
    pub account_name: Option<String>,
    pub environment_name: Option<String>,
    pub version: Option<String>,
    /// Whether it can come back as an environment (its account still exists).
    pub restorable: bool,
}

/// A backup of an environment that was deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct KeptBackup {
    pub id: i64,
    pub account_name: String,
    pub environment_name: String,
    pub taken_at: DateTime<Utc>,
    pub kept_at: DateTime<Utc>,
    pub size_bytes: u64,
    pub platform_version: Option<String>,
}

/// The Storage view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct StorageView {
    pub retired: Vec<RetiredStore>,
    pub kept_backups: Vec<KeptBackup>,
    pub retention_days: u32,
    pub total_bytes: u64,
}

/// One thing kept aside, to purge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum KeptItem {
    Retired { file: String },
    Backup { id: i64 },
}

/// Whether something kept since `since` is past the retention at `now`.
pub fn expired(since: DateTime<Utc>, retention_days: u32, now: DateTime<Utc>) -> bool {
    now - since >= chrono::Duration::days(i64::from(retention_days))
}

/// A retention the admin may set: 1 to 3650 days.
pub fn validate_retention_days(days: u32) -> crate::Result<u32> {
    if (1..=3650).contains(&days) {
        Ok(days)
    } else {
        Err(crate::Error::invalid(
            "Keep deleted data for 1 to 3650 days.",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn retention_counts_whole_days_in_utc() {
        let since = Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap();
        // Across the spring daylight-saving change in Europe: still 30 days of 24 h.
        let almost = Utc.with_ymd_and_hms(2026, 3, 31, 11, 59, 59).unwrap();
        let due = Utc.with_ymd_and_hms(2026, 3, 31, 12, 0, 0).unwrap();
        assert!(!expired(since, 30, almost));
        assert!(expired(since, 30, due));
        assert!(validate_retention_days(0).is_err());
        assert_eq!(validate_retention_days(30).unwrap(), 30);
        assert!(validate_retention_days(3651).is_err());
    }
}
