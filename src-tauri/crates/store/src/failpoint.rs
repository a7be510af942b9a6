//! Failpoints: a fault injected at a named point of an operation (a step of
//! the data upgrade, a promotion's marks, a backup's file), for the tests
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
    pub const ALL: [Self; 8] = [
        Self::DryRun,
        Self::Paused,
        Self::BackedUp,
        Self::Locked,
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
        Ok(match text {
            "backup_placed" => Self::BackupPlaced,
            "refresh_written" => Self::RefreshWritten,
            "restore_written" => Self::RestoreWritten,
            "upgrade_committed" => Self::UpgradeCommitted,
            step => Self::Data(DataStep::parse(step)?),
        })
    }

    fn label(self) -> &'static str {
        match self {
            Self::Data(step) => step.as_str(),
            Self::Promotion(point) => point.as_str(),
            Self::BackupPlaced => "placing the backup file",
            Self::RefreshWritten => "writing the refreshed copy",
            Self::RestoreWritten => "writing the restored backup",
            Self::UpgradeCommitted => "recording the commit",
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
