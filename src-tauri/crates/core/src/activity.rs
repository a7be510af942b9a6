//! The activity log: who did what to which environment, for every action
//! that is not a designer change (those are in the environment's changelog).

use crate::account::EnvironmentId;
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use serde::Serialize;
use specta::Type;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ActivityAction {
    CreatedEnvironment,
    DeletedEnvironment,
    TookBackup,
    RestoredBackup,
    DeletedBackup,
    Refreshed,
    Promoted,
    Imported,
    AddedRecord,
    EditedRecord,
    DeletedRecord,
    ChangedSettings,
}

impl ActivityAction {
    const ALL: [(Self, &'static str); 12] = [
        (Self::CreatedEnvironment, "created_environment"),
        (Self::DeletedEnvironment, "deleted_environment"),
        (Self::TookBackup, "took_backup"),
        (Self::RestoredBackup, "restored_backup"),
        (Self::DeletedBackup, "deleted_backup"),
        (Self::Refreshed, "refreshed"),
        (Self::Promoted, "promoted"),
        (Self::Imported, "imported"),
        (Self::AddedRecord, "added_record"),
        (Self::EditedRecord, "edited_record"),
        (Self::DeletedRecord, "deleted_record"),
        (Self::ChangedSettings, "changed_settings"),
    ];

    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(a, _)| *a == self)
            .map_or("", |(_, s)| s)
    }

    pub fn parse(s: &str) -> Result<Self> {
        Self::ALL
            .iter()
            .find(|(_, t)| *t == s)
            .map(|(a, _)| *a)
            .ok_or_else(|| Error::internal(format!("Unknown activity {s:?}.")))
    }
}

/// One line of the activity log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Activity {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub author: String,
    pub environment_id: Option<EnvironmentId>,
    pub environment_name: Option<String>,
    pub action: ActivityAction,
    /// What exactly, for a person: "Backup before refresh", "Record 12 of Employees".
    pub detail: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_round_trip_as_text() {
        for (a, s) in ActivityAction::ALL {
            assert_eq!(a.as_str(), s);
            assert_eq!(ActivityAction::parse(s).unwrap(), a);
        }
        assert!(ActivityAction::parse("danced").is_err());
    }
}
