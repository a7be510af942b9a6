//! What the acting admin may do with each environment and account, and if
//! not, why: the UI disables (with the reason on hover and for screen
//! readers) what would be refused, instead of offering it and refusing
//! after the admin committed. The answers come from the same `ensure_*`
//! rules the operations check, so the two cannot disagree (the store's
//! tests check it action by action); the operations still check, because
//! the world can change between the question and the click.

use crate::account::{Account, AccountId, Environment, EnvironmentId};
use crate::admin::{ensure_super_admin, Admin};
use crate::environment::{ensure_deletable, ensure_refreshable, ensure_unlocked};
use crate::promotion::ensure_promotable;
use serde::Serialize;
use specta::Type;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum EnvironmentAction {
    Delete,
    Refresh,
    Promote,
    Restore,
    Export,
    Upgrade,
    InstallExtension,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum AccountAction {
    Edit,
    Delete,
    Schedule,
}

/// One action and, when it would be refused, the refusal's message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Allowance<A> {
    pub action: A,
    pub refusal: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct EnvironmentAllowances {
    pub environment_id: EnvironmentId,
    pub actions: Vec<Allowance<EnvironmentAction>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AccountAllowances {
    pub account_id: AccountId,
    pub actions: Vec<Allowance<AccountAction>>,
}

/// Everything the acting admin may do, for the UI to ask once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Allowed {
    pub admin: String,
    pub environments: Vec<EnvironmentAllowances>,
    pub accounts: Vec<AccountAllowances>,
}

fn refusal(checks: &[&dyn Fn() -> crate::Result<()>]) -> Option<String> {
    checks
        .iter()
        .find_map(|check| check().err().map(|e| e.message))
}

/// Whether `admin` may take `action` on `env`, in the order the operation
/// checks (so the first refusal is the one it would give).
pub fn environment_refusal(
    admin: &Admin,
    env: &Environment,
    action: EnvironmentAction,
) -> Option<String> {
    let name = env.name.as_str();
    let unlocked = || ensure_unlocked(env.status, name);
    match action {
        EnvironmentAction::Delete => refusal(&[&|| ensure_deletable(env.kind, name), &unlocked]),
        EnvironmentAction::Refresh => refusal(&[
            &|| ensure_super_admin(admin, "refresh an environment from production"),
            &|| ensure_refreshable(env.kind, name),
            &unlocked,
        ]),
        EnvironmentAction::Promote => refusal(&[
            &|| ensure_super_admin(admin, "promote changes to production"),
            &|| ensure_promotable(env.kind, name),
        ]),
        EnvironmentAction::Restore => {
            refusal(&[&|| ensure_super_admin(admin, "restore a backup"), &unlocked])
        }
        EnvironmentAction::Export => {
            refusal(&[&|| ensure_super_admin(admin, "export an environment")])
        }
        EnvironmentAction::Upgrade => {
            refusal(&[&|| ensure_super_admin(admin, "upgrade an environment")])
        }
        EnvironmentAction::InstallExtension => {
            refusal(&[&|| ensure_super_admin(admin, "install an extension")])
        }
    }
}

pub fn account_refusal(admin: &Admin, action: AccountAction) -> Option<String> {
    let what = match action {
        AccountAction::Edit => "change an account",
        AccountAction::Delete => "delete an account",
        AccountAction::Schedule => "schedule a production upgrade",
    };
    ensure_super_admin(admin, what).err().map(|e| e.message)
}

const ENVIRONMENT_ACTIONS: [EnvironmentAction; 7] = [
    EnvironmentAction::Delete,
    EnvironmentAction::Refresh,
    EnvironmentAction::Promote,
    EnvironmentAction::Restore,
    EnvironmentAction::Export,
    EnvironmentAction::Upgrade,
    EnvironmentAction::InstallExtension,
];
const ACCOUNT_ACTIONS: [AccountAction; 3] = [
    AccountAction::Edit,
    AccountAction::Delete,
    AccountAction::Schedule,
];

/// The answer for every account and environment.
pub fn allowed(admin: &Admin, accounts: &[Account], environments: &[Environment]) -> Allowed {
    Allowed {
        admin: admin.name.clone(),
        environments: environments
            .iter()
            .map(|env| EnvironmentAllowances {
                environment_id: env.id,
                actions: ENVIRONMENT_ACTIONS
                    .iter()
                    .map(|&action| Allowance {
                        action,
                        refusal: environment_refusal(admin, env, action),
                    })
                    .collect(),
            })
            .collect(),
        accounts: accounts
            .iter()
            .map(|a| AccountAllowances {
                account_id: a.id,
                actions: ACCOUNT_ACTIONS
                    .iter()
                    .map(|&action| Allowance {
                        action,
                        refusal: account_refusal(admin, action),
                    })
                    .collect(),
            })
            .collect(),
    }
}
