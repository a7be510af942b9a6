//! The activity log: who did what to which environment, for every action
//! that is not a designer change (those are in the environment's changelog).

use crate::account::EnvironmentId;
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
    Upgraded,
    Exported,
}

text_enum!(ActivityAction {
    CreatedEnvironment = "created_environment",
    DeletedEnvironment = "deleted_environment",
    TookBackup = "took_backup",
    RestoredBackup = "restored_backup",
    DeletedBackup = "deleted_backup",
    Refreshed = "refreshed",
    Promoted = "promoted",
    Imported = "imported",
    AddedRecord = "added_record",
    EditedRecord = "edited_record",
    DeletedRecord = "deleted_record",
    ChangedSettings = "changed_settings",
    Upgraded = "upgraded",
    Exported = "exported",
});

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
        for a in [
            ActivityAction::CreatedEnvironment,
            ActivityAction::Promoted,
            ActivityAction::ChangedSettings,
        ] {
            assert_eq!(ActivityAction::parse(a.as_str()).unwrap(), a);
        }
        assert_eq!(ActivityAction::TookBackup.as_str(), "took_backup");
        assert!(ActivityAction::parse("danced").is_err());
    }
}
