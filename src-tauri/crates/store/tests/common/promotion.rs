//! What the promotion fault tests share.

use cutover_core::promotion::PromotionStep;
use cutover_store::control::failpoint::PromotionPoint;

/// The step a promotion is recorded at when it stops after `point`.
pub fn step_after(point: PromotionPoint) -> PromotionStep {
    match point {
        PromotionPoint::DryRun | PromotionPoint::Paused => PromotionStep::DryRun,
        PromotionPoint::BackedUp => PromotionStep::Backup,
        PromotionPoint::Locked => PromotionStep::Lock,
        PromotionPoint::Applying | PromotionPoint::Applied => PromotionStep::Apply,
        PromotionPoint::Verified => PromotionStep::Verify,
        PromotionPoint::Marked | PromotionPoint::Unlocked => PromotionStep::Unlock,
    }
}
