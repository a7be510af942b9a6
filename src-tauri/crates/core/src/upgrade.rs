//! The upgrade run of DESIGN section 4 and seed 002, as rules: which
//! targets may be started, the packages rehearsed on the parallel copy, the
//! gate before downtime, the steps of the data upgrade and the 10-day timer.
//! The store runs them; nothing here touches a database or reads a clock.

use crate::extension::ExtensionChanges;
use crate::release::Version;
use crate::{Error, Result};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;

/// Seed 002: the parallel copy may be used for 10 calendar days from the
/// start of the run.
pub const TIMER_DAYS: i64 = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum UpgradeState {
    /// The parallel copy is being made; the original stays online.
    Preparing,
    /// Packages are applied to the copy one at a time and signed off.
    Packages,
    /// Downtime: the original is locked and upgraded.
    DataUpgrade,
    /// An intermittent error stopped the data upgrade at `step`; the
    /// original is still locked and can be resumed or rolled back.
    Failed,
    /// Upgraded; users validate before the admin commits or rolls back.
    Validating,
    Committed,
    RolledBack,
    Cancelled,
    /// The timer ran out before the data upgrade; the copy was deleted.
    Expired,
}

text_enum!(UpgradeState {
    Preparing = "preparing",
    Packages = "packages",
    DataUpgrade = "data_upgrade",
    Failed = "failed",
    Validating = "validating",
    Committed = "committed",
    RolledBack = "rolled_back",
    Cancelled = "cancelled",
    Expired = "expired",
});

impl UpgradeState {
    /// Still running: at most one such run per environment.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Self::Preparing | Self::Packages | Self::DataUpgrade | Self::Failed | Self::Validating
        )
    }

    /// The original is untouched (or already restored), so cancelling only
    /// deletes the copy.
    pub fn cancellable(self) -> bool {
        matches!(self, Self::Preparing | Self::Packages | Self::RolledBack)
    }
}

/// The steps of the data upgrade, in order. Each is safe to run again, so
/// an intermittent failure resumes from the step that failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum DataStep {
    PauseIntegrations,
    Lock,
    RestorePoint,
    RemoveExtensions,
    Migrations,
    Checks,
    Reinstall,
    SetVersion,
    Unlock,
}

text_enum!(DataStep {
    PauseIntegrations = "pause_integrations",
    Lock = "lock",
    RestorePoint = "restore_point",
    RemoveExtensions = "remove_extensions",
    Migrations = "migrations",
    Checks = "checks",
    Reinstall = "reinstall",
    SetVersion = "set_version",
    Unlock = "unlock",
});

impl DataStep {
    pub const ALL: [DataStep; 9] = [
        Self::PauseIntegrations,
        Self::Lock,
        Self::RestorePoint,
        Self::RemoveExtensions,
        Self::Migrations,
        Self::Checks,
        Self::Reinstall,
        Self::SetVersion,
        Self::Unlock,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::PauseIntegrations => "Pause integrations",
            Self::Lock => "Lock the environment (reads allowed)",
            Self::RestorePoint => "Take the restore point",
            Self::RemoveExtensions => "Remove incompatible extensions",
            Self::Migrations => "Apply the platform package and hotfixes",
            Self::Checks => "Run the release's checks",
            Self::Reinstall => "Install the compatible extensions",
            Self::SetVersion => "Change the environment's version",
            Self::Unlock => "Unlock and resume integrations",
        }
    }

    /// Whether a failure at this step may have changed the original (so
    /// the restore point must be restored).
    pub fn touches_data(self) -> bool {
        self > Self::RestorePoint
    }

    pub fn next(self) -> Option<Self> {
        Self::ALL.iter().copied().find(|s| *s > self)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum PackageKind {
    RemoveExtension,
    Platform,
    Hotfix,
    InstallExtension,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum PackageState {
    Pending,
    /// A required hotfix that is not in the account's catalog.
    Missing,
    Applied,
    SignedOff,
}

/// One package of the run, applied to the copy and then, in the data
/// upgrade, to the original.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct UpgradePackage {
    pub kind: PackageKind,
    /// "Platform 10.0.4", "Hotfix 10.0.3", "Project export 2.0".
    pub label: String,
    /// The release version or the extension name it concerns.
    pub reference: String,
    /// The extension package's catalog id, for installs.
    pub extension_id: Option<i64>,
    pub state: PackageState,
    /// How long applying it to the copy took (the rehearsal).
    pub applied_ms: Option<u32>,
    pub signed_off_by: Option<String>,
    pub signed_off_at: Option<DateTime<Utc>>,
}

impl UpgradePackage {
    fn new(kind: PackageKind, label: String, reference: String, extension_id: Option<i64>) -> Self {
        Self {
            kind,
            label,
            reference,
            extension_id,
            state: PackageState::Pending,
            applied_ms: None,
            signed_off_by: None,
            signed_off_at: None,
        }
    }
}

/// A hotfix the target release requires, and whether the catalog has it.
#[derive(Debug, Clone)]
pub struct RequiredHotfix {
    pub version: Version,
    pub in_catalog: bool,
}

/// The packages of a run, in the order the data upgrade applies them:
/// incompatible extensions removed, the platform package, the required
/// hotfixes the environment does not have yet, the replacements installed.
/// `extension_ids` gives each replacement's catalog id.
pub fn plan_packages(
    current: &Version,
    target: &Version,
    hotfixes: &[RequiredHotfix],
    changes: &ExtensionChanges,
    extension_ids: &dyn Fn(&str, &Version) -> Option<i64>,
) -> Vec<UpgradePackage> {
    let mut out: Vec<UpgradePackage> = changes
        .remove
        .iter()
        .map(|e| {
            UpgradePackage::new(
                PackageKind::RemoveExtension,
                format!("Remove {}", e.label()),
                e.name.clone(),
                None,
            )
        })
        .collect();
    out.push(UpgradePackage::new(
        PackageKind::Platform,
        format!("Platform {target}"),
        target.to_string(),
        None,
    ));
    for h in hotfixes.iter().filter(|h| &h.version > current) {
        let mut p = UpgradePackage::new(
            PackageKind::Hotfix,
            format!("Critical hotfix {}", h.version),
            h.version.to_string(),
            None,
        );
        if !h.in_catalog {
            p.state = PackageState::Missing;
        }
        out.push(p);
    }
    out.extend(changes.install.iter().map(|e| {
        UpgradePackage::new(
            PackageKind::InstallExtension,
            format!("Install {}", e.label()),
            e.name.clone(),
            extension_ids(&e.name, &e.version),
        )
    }));
    out
}

/// What the start of a run needs to know about the account.
pub struct StartFacts<'a> {
    pub current: &'a Version,
    pub target: &'a Version,
    pub window: &'a [Version],
    pub upgrades_from: &'a [Version],
    /// For production: the sandboxes, and which versions each committed.
    pub production: Option<&'a [(String, Vec<Version>)]>,
}

/// Step 1: only a version inside the window that upgrades from the current
/// one; production only to a version a sandbox has committed.
pub fn ensure_startable(f: &StartFacts) -> Result<()> {
    if f.target <= f.current {
        return Err(Error::invalid(format!(
            "The environment already runs {}; choose a newer version than that.",
            f.current
        )));
    }
    if !f.window.contains(f.target) {
        return Err(Error::invalid(format!(
            "{} is outside the version window ({}); choose one of those versions.",
            f.target,
            join(f.window)
        )));
    }
    if !f.upgrades_from.contains(f.current) {
        return Err(Error::invalid(format!(
            "{} cannot be installed over {} (it upgrades from {}). Upgrade to one of those first.",
            f.target,
            f.current,
            join(f.upgrades_from)
        )));
    }
    if let Some(sandboxes) = f.production {
        if !sandboxes.iter().any(|(_, v)| v.contains(f.target)) {
            let names: Vec<&str> = sandboxes.iter().map(|(n, _)| n.as_str()).collect();
            let first = names.iter().find(|n| n.eq_ignore_ascii_case("UAT"));
            return Err(Error::forbidden(format!(
                "Production may only be upgraded to a version a sandbox has committed. Upgrade {} to {} and commit it first.",
                first.copied().or(names.first().copied()).unwrap_or("a sandbox"),
                f.target
            )));
        }
    }
    Ok(())
}

fn join(versions: &[Version]) -> String {
    let v: Vec<String> = versions.iter().map(|v| v.to_string()).collect();
    if v.is_empty() {
        "none".into()
    } else {
        v.join(", ")
    }
}

/// An upgrade run holds, at most, the parallel copy, the snapshot the last
/// package's rollback needs, and (during the data upgrade) the restore
/// point: refuse to start unless three copies of the store fit with 10% to
/// spare.
pub fn ensure_disk_space(store_bytes: u64, free_bytes: u64) -> Result<()> {
    let needed = store_bytes.saturating_mul(3) + store_bytes / 10 * 3;
    if free_bytes < needed {
        let mb = |b: u64| b.div_ceil(1_048_576);
        return Err(Error::conflict(format!(
            "Not enough free disk space for an upgrade run: its parallel copy, the snapshot of the last package and the restore point need about {} MB, {} MB are free. Free some space (delete old backups, say) and try again.",
            mb(needed),
            mb(free_bytes)
        )));
    }
    Ok(())
}

/// When the run's 10 calendar days end.
pub fn deadline(started: DateTime<Utc>) -> DateTime<Utc> {
    started + Duration::days(TIMER_DAYS)
}

/// What the timer does to a run at `now` (seed 002's three outcomes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimerOutcome {
    /// Time is left, or the run is over.
    Nothing,
    /// The data upgrade never ran (or was rolled back): the copy goes.
    DeleteCopy,
    /// Upgraded and awaiting commit or rollback: left as it is.
    AwaitDecision,
}

pub fn timer_outcome(
    state: UpgradeState,
    started: DateTime<Utc>,
    now: DateTime<Utc>,
) -> TimerOutcome {
    if now < deadline(started) {
        return TimerOutcome::Nothing;
    }
    match state {
        UpgradeState::Preparing | UpgradeState::Packages | UpgradeState::RolledBack => {
            TimerOutcome::DeleteCopy
        }
        UpgradeState::DataUpgrade | UpgradeState::Failed | UpgradeState::Validating => {
            TimerOutcome::AwaitDecision
        }
        _ => TimerOutcome::Nothing,
    }
}

/// The margin the gate adds to the prediction, in percent: on the 2-core
/// benchmark machine the downtime came out up to 1.5 times the rehearsal's
/// prediction (BENCHMARKS.md), disk flushes varying from run to run.
pub const PREDICTION_MARGIN_PERCENT: u64 = 50;

/// Step 4: the data upgrade may start only when every package is signed
/// off (so no required hotfix is missing) and, for production, the
/// predicted downtime with its margin fits in what is left of the
/// maintenance window.
pub fn ensure_gate_open(
    packages: &[UpgradePackage],
    predicted_ms: u64,
    window_left_ms: Option<u64>,
) -> Result<()> {
    if let Some(p) = packages.iter().find(|p| p.state == PackageState::Missing) {
        return Err(Error::forbidden(format!(
            "The release requires critical hotfix {}, which is not in the catalog. Import it (Releases → Import) and apply it to the copy first.",
            p.reference
        )));
    }
    if let Some(p) = packages.iter().find(|p| p.state != PackageState::SignedOff) {
        return Err(Error::forbidden(format!(
            "\"{}\" is not signed off yet: apply and sign off every package on the copy before the data upgrade.",
            p.label
        )));
    }
    if let Some(left) = window_left_ms {
        let needed = predicted_ms + predicted_ms * PREDICTION_MARGIN_PERCENT / 100;
        if needed > left {
            return Err(Error::forbidden(format!(
                "The data upgrade is predicted to take {} ({} with a {PREDICTION_MARGIN_PERCENT}% margin), but only {} of the maintenance window is left. Start it at the beginning of a window.",
                duration_text(predicted_ms),
                duration_text(needed),
                duration_text(left)
            )));
        }
    }
    Ok(())
}

/// How many durable writes to the control database a data upgrade makes
/// with `packages` packages: each step is recorded before it runs and
/// logged when done, each package is logged, and the start, the restore
/// point, the pauses and the end add six. The rehearsal times one write and
/// multiplies, so that small environments are predicted too.
pub fn recorded_writes(packages: usize) -> u32 {
    (2 * DataStep::ALL.len() + packages + 6) as u32
}

/// "2 min 05 s", "850 ms".
pub fn duration_text(ms: u64) -> String {
    if ms < 1000 {
        format!("{ms} ms")
    } else if ms < 60_000 {
        format!("{:.1} s", ms as f64 / 1000.0)
    } else {
        format!("{} min {:02} s", ms / 60_000, (ms % 60_000) / 1000)
    }
}

/// The package to apply next on the copy, refusing while the last one
/// applied awaits its sign-off (seed 002).
pub fn next_package(packages: &[UpgradePackage]) -> Result<usize> {
    if let Some(p) = packages.iter().find(|p| p.state == PackageState::Applied) {
        return Err(Error::forbidden(format!(
            "Sign off \"{}\" (or roll it back) before applying the next package.",
            p.label
        )));
    }
    packages
        .iter()
        .position(|p| matches!(p.state, PackageState::Pending | PackageState::Missing))
        .ok_or_else(|| Error::conflict("Every package is applied and signed off."))
}

pub use crate::upgrade_view::{RollbackImpact, UpgradeBadge, UpgradeLogLine, UpgradeRun};

#[cfg(test)]
#[path = "upgrade_tests.rs"]
mod tests;
