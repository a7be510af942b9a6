//! "What needs you": the short list at the top of the dashboard of what an
//! admin should act on or know, each with the place that deals with it.
//! The rules live here, on facts the store gathers, so that the list is
//! the same wherever it is shown and is tested without a database.

use crate::account::{AccountId, EnvironmentId};
use crate::release_view::ReleaseId;
pub use crate::target::Target;
use crate::uat::{CycleId, CycleState};
use crate::upgrade::UpgradeState;
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use specta::Type;

/// Production's newest backup older than this is worth a reminder.
pub const BACKUP_AGE_DAYS: i64 = 7;

/// How soon it matters, most urgent first when sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    /// Something is at risk or waits for the admin now.
    Now,
    /// To do in the coming days.
    Soon,
    /// Worth knowing: what is planned next.
    Planned,
}

/// One line of the list. `at` is an instant the UI shows in the account's
/// time zone (after the title), when there is one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Attention {
    pub account_id: AccountId,
    pub account_name: String,
    pub urgency: Urgency,
    pub title: String,
    pub detail: String,
    pub at: Option<DateTime<Utc>>,
    pub target: Target,
}

/// Production as the list needs it.
#[derive(Debug, Clone)]
pub struct ProductionFacts {
    pub environment_id: EnvironmentId,
    pub name: String,
    pub version: String,
    pub last_backup_at: Option<DateTime<Utc>>,
    /// False once newer generally available releases pushed its version
    /// out of the version window.
    pub in_window: bool,
    /// Its version is the oldest the window still holds, with the window
    /// full: the next release drops it.
    pub oldest_in_window: bool,
}

/// A hotfix that fixes production's version.
#[derive(Debug, Clone)]
pub struct HotfixFacts {
    pub release_id: ReleaseId,
    pub version: String,
    pub areas: Vec<String>,
    pub reviewed: u32,
    pub notes: u32,
}

/// An open upgrade run of one environment.
#[derive(Debug, Clone)]
pub struct RunFacts {
    pub environment_id: EnvironmentId,
    pub environment: String,
    pub to_version: String,
    pub state: UpgradeState,
    pub deadline: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct CycleFacts {
    pub id: CycleId,
    pub version: String,
    pub state: CycleState,
    pub production_at: Option<DateTime<Utc>>,
}

/// Production's next scheduled upgrade.
#[derive(Debug, Clone)]
pub struct PlanFacts {
    pub version: String,
    pub start: DateTime<Utc>,
    pub wave: Option<String>,
}

/// What the store knows about one account.
#[derive(Debug, Clone)]
pub struct AccountFacts {
    pub account_id: AccountId,
    pub account_name: String,
    pub production: Option<ProductionFacts>,
    pub hotfixes: Vec<HotfixFacts>,
    pub runs: Vec<RunFacts>,
    pub cycles: Vec<CycleFacts>,
    pub next_plan: Option<PlanFacts>,
}

/// The list for every account, most urgent first (then in account order).
pub fn needs_you(accounts: &[AccountFacts], now: DateTime<Utc>) -> Vec<Attention> {
    let mut out: Vec<Attention> = accounts.iter().flat_map(|a| for_account(a, now)).collect();
    out.sort_by_key(|a| a.urgency);
    out
}

fn for_account(a: &AccountFacts, now: DateTime<Utc>) -> Vec<Attention> {
    let mut out = Vec::new();
    let mut add = |urgency, title: String, detail: String, at, target| {
        out.push(Attention {
            account_id: a.account_id,
            account_name: a.account_name.clone(),
            urgency,
            title,
            detail,
            at,
            target,
        })
    };
    for r in &a.runs {
        let target = Target::Upgrade {
            environment_id: r.environment_id,
        };
        let title = format!("{}: upgrade to {}", r.environment, r.to_version);
        match r.state {
            UpgradeState::Validating => add(
                Urgency::Now,
                format!("{title} awaits commit or roll back"),
                "Check the business on it, then commit; the copy is deleted when the timer ends."
                    .into(),
                Some(r.deadline),
                target,
            ),
            UpgradeState::Failed => add(
                Urgency::Now,
                format!("{title} stopped"),
                "It is locked until you resume or roll back.".into(),
                None,
                target,
            ),
            UpgradeState::DataUpgrade => add(
                Urgency::Now,
                format!("{title} is running (downtime)"),
                "Follow it on its Upgrade tab.".into(),
                None,
                target,
            ),
            UpgradeState::Preparing | UpgradeState::Packages | UpgradeState::RolledBack => add(
                Urgency::Soon,
                format!("{title} is open"),
                "Its copy is deleted when the timer ends.".into(),
                Some(r.deadline),
                target,
            ),
            UpgradeState::Committed | UpgradeState::Cancelled | UpgradeState::Expired => {}
        }
    }
    if let Some(p) = &a.production {
        let backups = Target::Backups {
            environment_id: p.environment_id,
        };
        match p.last_backup_at {
            None => add(
                Urgency::Now,
                format!("{} has no backup", p.name),
                "Nothing to restore if a change goes wrong: take one now.".into(),
                None,
                backups,
            ),
            Some(at) if now - at > Duration::days(BACKUP_AGE_DAYS) => add(
                Urgency::Soon,
                format!(
                    "{}'s newest backup is {} days old",
                    p.name,
                    (now - at).num_days()
                ),
                "A restore would lose everything since then.".into(),
                Some(at),
                backups,
            ),
            Some(_) => {}
        }
        let catalog = Target::Catalog {
            account_id: a.account_id,
        };
        if !p.in_window {
            add(
                Urgency::Now,
                format!("{} runs {}, outside the version window", p.name, p.version),
                "The vendor no longer supports it: schedule an upgrade.".into(),
                None,
                catalog,
            );
        } else if p.oldest_in_window && a.next_plan.is_none() {
            add(
                Urgency::Soon,
                format!(
                    "{} {} leaves the window with the next release",
                    p.name, p.version
                ),
                "It is the oldest version still supported: schedule an upgrade.".into(),
                None,
                catalog,
            );
        }
    }
    for h in a.hotfixes.iter().filter(|h| h.reviewed < h.notes) {
        let areas = if h.areas.is_empty() {
            String::new()
        } else {
            format!(" ({})", h.areas.join(", "))
        };
        add(
            Urgency::Soon,
            format!("Hotfix {} to review{areas}", h.version),
            format!("{} of {} notes reviewed.", h.reviewed, h.notes),
            None,
            Target::Release {
                account_id: a.account_id,
                release_id: h.release_id,
            },
        );
    }
    for c in &a.cycles {
        let target = Target::Uat { cycle_id: c.id };
        let (urgency, what) = match c.state {
            CycleState::Blocked => (
                Urgency::Now,
                "is blocked: a critical issue needs a decision",
            ),
            CycleState::SignOffDue => (Urgency::Now, "awaits its sign-off"),
            CycleState::RefreshDue => (Urgency::Soon, "starts soon: refresh UAT"),
            CycleState::Testing => (Urgency::Soon, "is testing"),
            CycleState::Delayed => (Urgency::Soon, "is delayed until a fix"),
            CycleState::Planned => (Urgency::Planned, "is planned"),
            CycleState::SignedOff | CycleState::Unscheduled => continue,
        };
        add(
            urgency,
            format!("UAT of {} {what}", c.version),
            "Production's upgrade follows it.".into(),
            c.production_at,
            target,
        );
    }
    if let Some(plan) = &a.next_plan {
        let wave = plan
            .wave
            .as_deref()
            .map(|w| format!(" ({w})"))
            .unwrap_or_default();
        add(
            Urgency::Planned,
            format!("Production upgrade to {}{wave}", plan.version),
            "Scheduled in a maintenance window.".into(),
            Some(plan.start),
            Target::Calendar {
                account_id: a.account_id,
            },
        );
    }
    out
}

#[cfg(test)]
#[path = "attention_tests.rs"]
mod tests;
