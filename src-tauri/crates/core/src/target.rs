//! A place in the app that something is about: where an attention item, a
//! notice or a link opens. The UI maps each to a screen; the backend only
//! names the object.

use crate::account::{AccountId, EnvironmentId};
use crate::release_view::ReleaseId;
use crate::uat::CycleId;
use serde::{Deserialize, Serialize};
use specta::Type;

/// Where the admin deals with it: the UI opens that place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Target {
    /// An environment's Backups.
    Backups { environment_id: EnvironmentId },
    /// Production's promotions (each with its undo).
    Promotions { environment_id: EnvironmentId },
    /// An environment's integrations.
    Integrations { environment_id: EnvironmentId },
    /// An environment's Upgrade tab.
    Upgrade { environment_id: EnvironmentId },
    /// A release's notes, in its account's catalog.
    Release {
        account_id: AccountId,
        release_id: ReleaseId,
    },
    /// The account's release catalog and version window.
    Catalog { account_id: AccountId },
    /// A UAT cycle.
    Uat { cycle_id: CycleId },
    /// The account's calendar.
    Calendar { account_id: AccountId },
}
