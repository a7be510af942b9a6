//! Failpoints: a fault injected at a named point of an operation (a step of
//! the data upgrade or a point inside one, an upgrade run's operation on its
//! copy, a promotion's marks, a backup's file), for the tests
//! that prove each point can fail, or the process be killed, without losing
//! data, and for the end-to-end test of a check failing in production. Off
//! unless set; the app sets one only from `CUTOVER_FAILPOINT`
//! (`<site>:<mode>`, e.g. `checks:failing_check` or `backup_placed:abort`).

use cutover_core::upgrade::DataStep;
use cutover_core::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailMode {
    /// The step fails after doing its work, before it is recorded as done.
    Error,
    /// As `Error`, but marked intermittent (resumable).
    Intermittent,
    /// The process dies after the step's work, as if killed.
    Abort,
    /// At the checks step: one more check, which returns a row.
    FailingCheck,
}

/// Where a failpoint fires: always after the work named, before what
/// follows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Site {
    /// After a data-upgrade step's work, before it is recorded as done.
    Data(DataStep),
    /// After a promotion's work at `PromotionPoint`, before what follows.
    Promotion(PromotionPoint),
    /// After a backup's file was put in place, before it is recorded.
    BackupPlaced,
    /// After a refresh wrote production's copy into its target.
    RefreshWritten,
    /// After a restore wrote a backup into its environment's store.
    RestoreWritten,
    /// After an upgrade run was recorded committed (its restore point
    /// released), before its copy is deleted.
    UpgradeCommitted,
    /// After an upgrade run was recorded started, before it is logged.
    UpgradeStarted,
    /// After an upgrade run's parallel copy was made, before it is
    /// recorded ready.
    UpgradeCopied,
    /// After a package was applied to the parallel copy, before it is
    /// recorded applied.
    PackageApplied,
    /// After a package's sign-off was recorded, before it is logged.
    PackageSignedOff,
    /// After the parallel copy was put back as before a package, before the
    /// package is recorded pending again.
    PackageRolledBack,
    /// After a run was recorded closed (cancelled or expired), before its
    /// copy is deleted.
    UpgradeClosed,
    /// After a rollback wrote the restore point back into the environment,
    /// before its version, lock and run are recorded.
    RollbackRestored,
    /// After a new account's production store was made, before the account
    /// is recorded.
    AccountStoreMade,
    /// Deleting an account: after production's backup was taken, before
    /// anything is deleted.
    AccountBackedUp,
    /// Deleting an account: after the control database stopped recording
    /// it, before its stores are retired.
    AccountForgotten,
    /// Inside the data upgrade's restore point step: after the backup was
    /// taken and recorded, before the run records it as its restore point.
    RestorePointTaken,
    /// Inside the data upgrade's migrations step: after one migration
    /// package (platform or hotfix) was applied to the original, before the
    /// next.
    MigrationApplied,
    /// Inside the data upgrade's version step: after the store's version
    /// was written, before the control database's.
    StoreVersionSet,
    /// Pausing an integration with a database role: after what the pause
    /// takes was recorded, before it is taken.
    RoleHoldRecorded,
    /// Moving an account's environments: after one environment was copied
    /// whole to the new place, before the next.
    MoveStoreMade,
    /// Moving an account's environments: after one backup was copied to
    /// the new place, before the next.
    MovePointMade,
    /// Moving an account's environments: after the account was switched
    /// to the new place, before the old copies are put aside.
    MoveSwitched,
}

impl Site {
    /// The data-upgrade step this point is after or inside.
    pub fn data_step(self) -> Option<DataStep> {
        match self {
            Self::Data(step) => Some(step),
            Self::RestorePointTaken => Some(DataStep::RestorePoint),
            Self::MigrationApplied => Some(DataStep::Migrations),
            Self::StoreVersionSet => Some(DataStep::SetVersion),
            _ => None,
        }
    }

    pub const INSIDE_DATA_STEPS: [Self; 3] = [
        Self::RestorePointTaken,
        Self::MigrationApplied,
        Self::StoreVersionSet,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Data(step) => step.as_str(),
            Self::Promotion(point) => point.as_str(),
            Self::BackupPlaced => "backup_placed",
            Self::RefreshWritten => "refresh_written",
            Self::RestoreWritten => "restore_written",
            Self::UpgradeCommitted => "upgrade_committed",
            Self::UpgradeStarted => "upgrade_started",
            Self::UpgradeCopied => "upgrade_copied",
            Self::PackageApplied => "package_applied",
            Self::PackageSignedOff => "package_signed_off",
            Self::PackageRolledBack => "package_rolled_back",
            Self::UpgradeClosed => "upgrade_closed",
            Self::RollbackRestored => "rollback_restored",
            Self::AccountStoreMade => "account_store_made",
            Self::AccountBackedUp => "account_backed_up",
            Self::AccountForgotten => "account_forgotten",
            Self::RestorePointTaken => "restore_point_taken",
            Self::MigrationApplied => "migration_applied",
            Self::StoreVersionSet => "store_version_set",
            Self::RoleHoldRecorded => "role_hold_recorded",
            Self::MoveStoreMade => "move_store_made",
            Self::MovePointMade => "move_point_made",
            Self::MoveSwitched => "move_switched",
        }
    }
}

/// The points of a promotion a failpoint can stop it after, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromotionPoint {
    /// The dry run on a copy passed and the copy is gone.
    DryRun,
    /// Production's integrations are paused and that is recorded.
    Paused,
    /// The backup before the promotion is taken and recorded.
    BackedUp,
    /// Production is locked and that is recorded.
    Locked,
    /// The apply's transaction has stopped production's writers (and
    /// retaken the backup if production changed); nothing is applied yet.
    Applying,
    /// The plan is applied to production (committed in its store).
    Applied,
    /// What the plan touched is checked.
    Verified,
    /// The sandbox's marks are recorded and it is marked promoted.
    Marked,
    /// Production is unlocked and its integrations resumed.
    Unlocked,
}

impl PromotionPoint {
    pub const ALL: [Self; 9] = [
        Self::DryRun,
        Self::Paused,
        Self::BackedUp,
        Self::Locked,
        Self::Applying,
        Self::Applied,
        Self::Verified,
        Self::Marked,
        Self::Unlocked,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::DryRun => "promotion_dry_run",
            Self::Paused => "promotion_paused",
            Self::BackedUp => "promotion_backed_up",
            Self::Locked => "promotion_locked",
            Self::Applying => "promotion_applying",
            Self::Applied => "promotion_applied",
            Self::Verified => "promotion_verified",
            Self::Marked => "promotion_marked",
            Self::Unlocked => "promotion_unlocked",
        }
    }
}

impl Site {
    fn parse(text: &str) -> Result<Self> {
        if let Some(point) = PromotionPoint::ALL.into_iter().find(|p| p.as_str() == text) {
            return Ok(Self::Promotion(point));
        }
        const NAMED: [Site; 21] = [
            Site::AccountStoreMade,
            Site::AccountBackedUp,
            Site::AccountForgotten,
            Site::BackupPlaced,
            Site::RefreshWritten,
            Site::RestoreWritten,
            Site::UpgradeCommitted,
            Site::UpgradeStarted,
            Site::UpgradeCopied,
            Site::PackageApplied,
            Site::PackageSignedOff,
            Site::PackageRolledBack,
            Site::UpgradeClosed,
            Site::RollbackRestored,
            Site::RestorePointTaken,
            Site::MigrationApplied,
            Site::StoreVersionSet,
            Site::RoleHoldRecorded,
            Site::MoveStoreMade,
            Site::MovePointMade,
            Site::MoveSwitched,
        ];
        match NAMED.into_iter().find(|s| s.as_str() == text) {
            Some(site) => Ok(site),
            None => Ok(Self::Data(DataStep::parse(text)?)),
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::Data(step) => step.as_str(),
            Self::Promotion(point) => point.as_str(),
            Self::BackupPlaced => "placing the backup file",
            Self::RefreshWritten => "writing the refreshed copy",
            Self::RestoreWritten => "writing the restored backup",
            Self::UpgradeCommitted => "recording the commit",
            Self::UpgradeStarted => "recording the upgrade run",
            Self::UpgradeCopied => "making the parallel copy",
            Self::PackageApplied => "applying the package to the copy",
            Self::PackageSignedOff => "recording the sign-off",
            Self::PackageRolledBack => "putting the copy back",
            Self::UpgradeClosed => "recording the run closed",
            Self::RollbackRestored => "writing the restore point back",
            Self::AccountStoreMade => "making the account's production store",
            Self::AccountBackedUp => "backing up the account's production",
            Self::AccountForgotten => "deleting the account's records",
            Self::RestorePointTaken => "taking the restore point",
            Self::MigrationApplied => "applying a migration package",
            Self::StoreVersionSet => "writing the store's version",
            Self::RoleHoldRecorded => "recording what a pause takes from a role",
            Self::MoveStoreMade => "copying an environment to its new place",
            Self::MovePointMade => "copying a backup to its new place",
            Self::MoveSwitched => "switching the account to its new place",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failpoint {
    pub site: Site,
    pub mode: FailMode,
}

impl Failpoint {
    pub fn parse(text: &str) -> Result<Self> {
        let (step, mode) = text
            .split_once(':')
            .ok_or_else(|| Error::invalid(format!("Failpoint \"{text}\" is not <step>:<mode>.")))?;
        let mode = match mode {
            "error" => FailMode::Error,
            "intermittent" => FailMode::Intermittent,
            "abort" => FailMode::Abort,
            "failing_check" => FailMode::FailingCheck,
            other => {
                return Err(Error::invalid(format!(
                    "Unknown failpoint mode \"{other}\"."
                )))
            }
        };
        Ok(Self {
            site: Site::parse(step)?,
            mode,
        })
    }

    /// Fires at `site`, if this failpoint is set for it.
    pub(crate) fn fire(point: Option<Self>, site: Site) -> Result<()> {
        match point {
            Some(p) if p.site == site => match p.mode {
                FailMode::Error => Err(Error::internal(format!(
                    "Injected fault after {}.",
                    site.label()
                ))),
                FailMode::Intermittent => Err(Error::locked(format!(
                    "Injected intermittent fault after {} (the store was busy).",
                    site.label()
                ))),
                FailMode::Abort => std::process::abort(),
                FailMode::FailingCheck => Ok(()),
            },
            _ => Ok(()),
        }
    }
}
