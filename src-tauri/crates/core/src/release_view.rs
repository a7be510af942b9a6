//! What the Releases screen shows: the catalog with its window, one
//! release's notes, search hits and the cumulative "my version → target"
//! view. Plain data, built by the store from the rules in [`crate::release`].

use crate::account::{AccountId, EnvironmentId};
use crate::environment::EnvironmentKind;
use crate::release::{NoteKind, ReleaseType, Selectable};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use specta::Type;

pub type ReleaseId = i64;
pub type NoteId = i64;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct OfferedWave {
    pub name: String,
    pub date: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ReleaseSummary {
    pub id: ReleaseId,
    pub version: String,
    pub release_type: ReleaseType,
    pub published: NaiveDate,
    pub general_availability: NaiveDate,
    pub selectable: Selectable,
    /// Names of the account's environments that run this version.
    pub running_in: Vec<String>,
    pub note_count: u32,
    /// Notes the current admin has marked reviewed.
    pub reviewed_count: u32,
    pub action_required_count: u32,
    pub waves: Vec<OfferedWave>,
    pub required_hotfixes: Vec<String>,
    pub post_upgrade_actions: Vec<String>,
    /// For a hotfix: the versions and areas it fixes.
    pub fixes_versions: Vec<String>,
    pub fixes_areas: Vec<String>,
    pub imported_at: DateTime<Utc>,
    pub imported_by: String,
}

/// An environment as the Releases screen sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct EnvironmentVersion {
    pub id: EnvironmentId,
    pub name: String,
    pub kind: EnvironmentKind,
    pub version: String,
    /// Each hotfix in the catalog that fixes the version it runs.
    pub hotfixes: Vec<HotfixMark>,
}

/// A hotfix that concerns an environment: its version and the areas it
/// fixes (in the version the environment runs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct HotfixMark {
    pub version: String,
    pub areas: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TrustedKey {
    pub id: i64,
    pub name: String,
    pub public_key: String,
    pub fingerprint: String,
    pub added_at: DateTime<Utc>,
    pub added_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Catalog {
    pub account_id: AccountId,
    pub account_name: String,
    pub window_size: u32,
    /// The selectable versions, newest first.
    pub window: Vec<String>,
    /// Newest first.
    pub releases: Vec<ReleaseSummary>,
    pub environments: Vec<EnvironmentVersion>,
    /// Why production cannot follow a sandbox (seed 002), one per sandbox.
    pub blocked: Vec<String>,
    pub trusted_keys: Vec<TrustedKey>,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ReleaseImported {
    pub version: String,
    pub release_type: ReleaseType,
    pub note_count: u32,
    /// Versions that dropped out of the window because of this one.
    pub dropped: Vec<String>,
    /// Environments that run a version this hotfix fixes.
    pub affected: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Note {
    pub id: NoteId,
    pub release_id: ReleaseId,
    pub version: String,
    pub title: String,
    pub area: String,
    pub kind: NoteKind,
    pub action_required: bool,
    /// Sanitised HTML of the note's Markdown.
    pub html: String,
    /// When the current admin marked it reviewed.
    pub reviewed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ReleaseNotes {
    pub release: ReleaseSummary,
    /// Grouped by area, then kind, then the vendor's order.
    pub notes: Vec<Note>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SearchHit {
    pub note_id: NoteId,
    pub release_id: ReleaseId,
    pub version: String,
    pub area: String,
    pub kind: NoteKind,
    /// Title and an excerpt, HTML-escaped, matches in `<mark>`.
    pub title_html: String,
    pub snippet_html: String,
}

/// One page of search hits, newest version first, and how many match in
/// all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SearchPage {
    pub hits: Vec<SearchHit>,
    pub total: u32,
    /// How many hits come before this page.
    pub offset: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Cumulative {
    pub environment_id: EnvironmentId,
    pub environment_name: String,
    pub from_version: String,
    pub to_version: String,
    /// The versions spanned, oldest first.
    pub versions: Vec<String>,
    /// The areas the environment uses (its apps and the platform areas).
    pub areas: Vec<String>,
    /// Action-required first, then deprecations, then the rest.
    pub notes: Vec<Note>,
    /// Items of areas the environment does not use, left out.
    pub left_out: u32,
    pub reviewed_count: u32,
}
