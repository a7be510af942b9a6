//! Accounts and the read models the dashboard shows.
//!
//! An admin may manage several platform accounts; each owns its
//! environments. These types cross to the frontend, so their TypeScript
//! twins are generated from them.

use crate::environment::{EnvironmentKind, EnvironmentStatus};
use crate::records::ImportJob;
use crate::Error;
use chrono::{DateTime, Utc};
use serde::Serialize;
use specta::Type;

pub type AccountId = i64;
pub type EnvironmentId = i64;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    pub id: AccountId,
    pub name: String,
    /// The business platform the account runs on, e.g. "Northwind Cloud ERP".
    pub platform: String,
    /// IANA time zone of the account; its windows and reminders are in it.
    pub time_zone: String,
    /// A demo account made on first start; labelled as such everywhere.
    pub is_demo: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Environment {
    pub id: EnvironmentId,
    pub account_id: AccountId,
    pub name: String,
    pub kind: EnvironmentKind,
    /// The platform version the environment runs, e.g. "10.0.1".
    pub version: String,
    pub status: EnvironmentStatus,
    pub created_at: DateTime<Utc>,
    /// The environment this one was copied from, if it still exists.
    pub copied_from: Option<EnvironmentId>,
}

/// One row of the dashboard: an environment and the facts measured from its
/// data store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct EnvironmentOverview {
    pub environment: Environment,
    /// Bytes on disk of the environment's data store.
    pub data_size_bytes: u64,
    /// Records across all tables of the environment.
    pub record_count: u64,
    pub app_count: u32,
    pub table_count: u32,
    /// When the newest verified backup was taken; `None` when there is none.
    pub last_backup_at: Option<DateTime<Utc>>,
    /// Why the store could not be read (the counts above are then zero); one
    /// broken environment must not hide the others.
    pub store_error: Option<Error>,
    /// The CSV import running in it, if any; writes and promotion wait.
    pub running_import: Option<ImportJob>,
    /// Hotfixes in the catalog that fix the version it runs.
    pub hotfixes: Vec<String>,
    /// Its open upgrade run, if any.
    pub upgrade: Option<crate::upgrade_view::UpgradeBadge>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AccountOverview {
    pub account: Account,
    pub environments: Vec<EnvironmentOverview>,
}
