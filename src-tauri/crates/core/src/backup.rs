//! Backups of environment stores and the rules for keeping them.
//!
//! A backup is a verified, consistent copy of one environment's store. The
//! ones taken automatically before a destructive operation (restore, and
//! later refresh, promotion, upgrade) are the way back from it, so the last
//! of them is never deleted without the user confirming.

use crate::account::EnvironmentId;
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;

pub type BackupId = i64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum BackupReason {
    Manual,
    BeforeRefresh,
    BeforeRestore,
    BeforePromotion,
    BeforeUpgrade,
    /// Uninstalling an extension drops what it added.
    BeforeUninstall,
    /// Deleting an account takes its production out of service.
    BeforeAccountDeletion,
}

impl BackupReason {
    pub const ALL: [BackupReason; 7] = [
        Self::Manual,
        Self::BeforeRefresh,
        Self::BeforeRestore,
        Self::BeforePromotion,
        Self::BeforeUpgrade,
        Self::BeforeUninstall,
        Self::BeforeAccountDeletion,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Manual => "manual",
            Self::BeforeRefresh => "before_refresh",
            Self::BeforeRestore => "before_restore",
            Self::BeforePromotion => "before_promotion",
            Self::BeforeUpgrade => "before_upgrade",
            Self::BeforeUninstall => "before_uninstall",
            Self::BeforeAccountDeletion => "before_account_deletion",
        }
    }

    pub fn parse(text: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == text)
            .ok_or_else(|| Error::internal(format!("Unknown backup reason \"{text}\".")))
    }

    /// Taken automatically as the way back from a destructive operation.
    pub fn guards_an_operation(self) -> bool {
        self != Self::Manual
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Backup {
    pub id: BackupId,
    pub environment_id: EnvironmentId,
    pub taken_at: DateTime<Utc>,
    pub reason: BackupReason,
    pub size_bytes: u64,
    /// SHA-256 of the backup file, hex, recorded when it was taken.
    pub sha256: String,
    /// When the file last passed its checksum and integrity check.
    pub verified_at: Option<DateTime<Utc>>,
    /// Why the last verification failed; `None` when it passed.
    pub problem: Option<String>,
    /// The admin who took it (or whose operation took it).
    pub author: String,
    /// When the operation it guarded was settled (an upgrade committed):
    /// from then on it is kept under the retention like a manual backup.
    pub released_at: Option<DateTime<Utc>>,
    /// The platform version the backup holds; `None` for backups taken
    /// before Cutover recorded it.
    pub platform_version: Option<String>,
    /// How many records it holds; `None` for backups taken before Cutover
    /// counted them.
    pub records: Option<u64>,
}

impl Backup {
    /// Still the way back from an operation: never pruned, and the newest
    /// such is deleted only when the user confirms.
    pub fn guards(&self) -> bool {
        self.reason.guards_an_operation() && self.released_at.is_none()
    }

    pub fn is_usable(&self) -> bool {
        self.verified_at.is_some() && self.problem.is_none()
    }
}

/// How far a long copy (a backup or a restore) has got, in database pages,
/// and in which stage of the job it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CopyProgress {
    pub done_pages: u32,
    pub total_pages: u32,
    pub stage: CopyStage,
    /// Whether stopping now leaves the environment as it was. False once
    /// the environment is being replaced: that runs to its end.
    pub cancellable: bool,
}

/// The stages of a job that copies environments: a refresh backs the
/// target up, copies production, then replaces the target; a restore backs
/// up, then replaces; a backup only copies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum CopyStage {
    /// The backup of what is about to be replaced.
    BackingUp,
    /// A copy of an environment (a backup, or production for a refresh).
    Copying,
    /// Writing over the environment, in one transaction.
    Replacing,
}

impl CopyProgress {
    /// A copy's progress (stage `Copying`, cancellable).
    pub fn copying(done_pages: u32, total_pages: u32) -> Self {
        Self {
            done_pages,
            total_pages,
            stage: CopyStage::Copying,
            cancellable: true,
        }
    }

    /// The same progress, reported as part of `stage` of a larger job.
    pub fn in_stage(self, stage: CopyStage) -> Self {
        Self {
            stage,
            cancellable: stage != CopyStage::Replacing,
            ..self
        }
    }
}

/// A backup may be deleted unless it is the newest one guarding an
/// operation on its environment, in which case the user must confirm.
pub fn ensure_backup_deletable(
    target: &Backup,
    all_of_environment: &[Backup],
    confirmed: bool,
) -> Result<()> {
    if confirmed || !target.guards() {
        return Ok(());
    }
    let newest_guard = all_of_environment
        .iter()
        .filter(|b| b.guards())
        .max_by_key(|b| (b.taken_at, b.id));
    if newest_guard.map(|b| b.id) == Some(target.id) {
        return Err(Error::conflict(
            "This is the last backup taken before a destructive operation: it is the way back from it. Confirm to delete it anyway.",
        ));
    }
    Ok(())
}

/// The default and the bounds of how many manual backups an environment keeps.
pub const DEFAULT_MANUAL_RETENTION: u32 = 10;
pub const MAX_MANUAL_RETENTION: u32 = 100;

pub fn validate_retention(keep: u32) -> Result<u32> {
    if (1..=MAX_MANUAL_RETENTION).contains(&keep) {
        Ok(keep)
    } else {
        Err(Error::invalid(format!(
            "Keep between 1 and {MAX_MANUAL_RETENTION} manual backups per environment (you asked for {keep})."
        )))
    }
}

/// The manual backups beyond the newest `keep` of one environment, oldest
/// last. Backups guarding an operation are never pruned automatically.
pub fn manual_backups_to_prune(all_of_environment: &[Backup], keep: u32) -> Vec<BackupId> {
    // Manual backups and released guards share the retention.
    let mut manual: Vec<&Backup> = all_of_environment.iter().filter(|b| !b.guards()).collect();
    manual.sort_by_key(|b| std::cmp::Reverse((b.taken_at, b.id)));
    manual
        .into_iter()
        .skip(keep as usize)
        .map(|b| b.id)
        .collect()
}

/// A restore starts only from a backup that passed verification just now.
pub fn ensure_restorable(backup: &Backup) -> Result<()> {
    match (&backup.problem, backup.verified_at) {
        (Some(problem), _) => Err(Error::conflict(format!(
            "This backup cannot be restored: {problem} Choose another backup."
        ))),
        (None, None) => Err(Error::conflict(
            "This backup has not been verified; verify it first.",
        )),
        (None, Some(_)) => Ok(()),
    }
}

#[cfg(test)]
#[path = "backup_tests.rs"]
mod tests;

/// The platform a store holds: its version and installed extensions
/// (name, version), as recorded in the store itself.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PlatformState {
    pub version: String,
    pub extensions: Vec<(String, String)>,
}

impl PlatformState {
    /// The state of a store at `version` with `installed` extensions.
    pub fn new(version: String, installed: Vec<crate::extension::InstalledExtension>) -> Self {
        Self {
            version,
            extensions: installed.into_iter().map(|e| (e.name, e.version)).collect(),
        }
    }
}

/// What restoring `restored` over `current` also changes about the platform,
/// in plain words, or `None` when both hold the same platform.
pub fn platform_change(
    environment: &str,
    current: &PlatformState,
    restored: &PlatformState,
) -> Option<String> {
    let mut parts = Vec::new();
    if current.version != restored.version {
        parts.push(format!(
            "takes {environment} from platform {} back to {}",
            current.version, restored.version
        ));
    }
    let find = |list: &[(String, String)], name: &str| {
        list.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone())
    };
    for (name, version) in &restored.extensions {
        match find(&current.extensions, name) {
            Some(now) if &now == version => {}
            Some(now) => parts.push(format!("reinstalls {name} {version} in place of {now}")),
            None => parts.push(format!("reinstalls {name} {version}")),
        }
    }
    for (name, version) in &current.extensions {
        if find(&restored.extensions, name).is_none() {
            parts.push(format!("removes {name} {version}"));
        }
    }
    match parts.len() {
        0 => None,
        1 => Some(format!("This also {}", parts[0])),
        n => Some(format!(
            "This also {} and {}",
            parts[..n - 1].join(", "),
            parts[n - 1]
        )),
    }
}
