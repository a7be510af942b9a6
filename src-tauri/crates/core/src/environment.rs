//! Environments and the rules about creating, copying and deleting them.
//!
//! An account has exactly one production environment, at most one `uat`
//! environment (seed 001: "a dedicated sandbox environment named UAT"), and
//! any number of sandboxes. Everything except production is made as a copy of
//! an existing environment, because a sandbox is only useful when it starts
//! from real definitions and data.

use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use specta::Type;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum EnvironmentKind {
    Production,
    Uat,
    Sandbox,
    Promotable,
    Development,
}

impl EnvironmentKind {
    pub const ALL: [EnvironmentKind; 5] = [
        Self::Production,
        Self::Uat,
        Self::Sandbox,
        Self::Promotable,
        Self::Development,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Production => "production",
            Self::Uat => "uat",
            Self::Sandbox => "sandbox",
            Self::Promotable => "promotable",
            Self::Development => "development",
        }
    }

    pub fn parse(text: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == text)
            .ok_or_else(|| Error::invalid(format!("Unknown environment kind \"{text}\".")))
    }

    /// How the kind reads in a sentence.
    pub fn label(self) -> &'static str {
        match self {
            Self::Production => "production",
            Self::Uat => "UAT sandbox",
            Self::Sandbox => "sandbox",
            Self::Promotable => "promotable sandbox",
            Self::Development => "development environment",
        }
    }

    /// An account holds at most one environment of this kind.
    pub fn is_singular(self) -> bool {
        matches!(self, Self::Production | Self::Uat)
    }
}

impl fmt::Display for EnvironmentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum EnvironmentStatus {
    /// Online and writable.
    Ready,
    /// Reads work, writes are refused (an upgrade or promotion holds it).
    Locked,
}

impl EnvironmentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ready => "ready",
            Self::Locked => "locked",
        }
    }

    pub fn parse(text: &str) -> Result<Self> {
        match text {
            "ready" => Ok(Self::Ready),
            "locked" => Ok(Self::Locked),
            other => Err(Error::internal(format!(
                "Unknown environment status \"{other}\" in the control database."
            ))),
        }
    }
}

pub const MAX_NAME_CHARS: usize = 60;

/// Checks a proposed environment name and returns it trimmed.
pub fn validate_name(name: &str) -> Result<String> {
    let trimmed = name.trim();
    if trimmed.is_empty() {
        return Err(Error::invalid("Give the environment a name."));
    }
    if trimmed.chars().count() > MAX_NAME_CHARS {
        return Err(Error::invalid(format!(
            "Environment names are at most {MAX_NAME_CHARS} characters; this one has {}.",
            trimmed.chars().count()
        )));
    }
    if let Some(bad) = trimmed
        .chars()
        .find(|c| !(c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.' | '(' | ')')))
    {
        return Err(Error::invalid(format!(
            "Environment names may hold letters, digits, spaces and - _ . ( ); \"{bad}\" is not allowed."
        )));
    }
    Ok(trimmed.to_string())
}

/// Names are unique per account, ignoring case and surrounding spaces, so that
/// "UAT" and "uat " cannot both exist and be confused in a hurry.
pub fn ensure_unique_name<'a>(
    name: &str,
    existing: impl IntoIterator<Item = &'a str>,
) -> Result<()> {
    let wanted = name.trim().to_lowercase();
    if existing
        .into_iter()
        .any(|n| n.trim().to_lowercase() == wanted)
    {
        return Err(Error::conflict(format!(
            "This account already has an environment named \"{}\". Choose another name.",
            name.trim()
        )));
    }
    Ok(())
}

/// Whether an environment of kind `target` may be created as a copy of one of
/// kind `source`. Production is never a copy. UAT, sandboxes and promotable
/// sandboxes start from production, so that what is tested and promoted is
/// what users run; a development environment may also start from any
/// non-production environment.
pub fn ensure_copyable(source: EnvironmentKind, target: EnvironmentKind) -> Result<()> {
    use EnvironmentKind::*;
    match (source, target) {
        (_, Production) => Err(Error::forbidden(
            "Production cannot be created as a copy: an account has exactly one production environment.",
        )),
        (Production, _) => Ok(()),
        (_, Development) => Ok(()),
        (source, target) => Err(Error::forbidden(format!(
            "A {} must be copied from production, not from a {}, so that it starts from what users run.",
            target.label(),
            source.label()
        ))),
    }
}

/// An account may hold only one environment of a singular kind.
pub fn ensure_kind_available<'a>(
    target: EnvironmentKind,
    existing: impl IntoIterator<Item = &'a EnvironmentKind>,
) -> Result<()> {
    if target.is_singular() && existing.into_iter().any(|k| *k == target) {
        return Err(Error::conflict(format!(
            "This account already has a {}; refresh or delete it instead of creating another.",
            target.label()
        )));
    }
    Ok(())
}

/// Production is never deleted: it is what the account's users work in.
pub fn ensure_deletable(kind: EnvironmentKind, name: &str) -> Result<()> {
    if kind == EnvironmentKind::Production {
        return Err(Error::forbidden(format!(
            "\"{name}\" is the account's production environment and cannot be deleted. Only sandboxes, UAT and development environments can be deleted."
        )));
    }
    Ok(())
}

/// Refresh copies production over another environment; production itself
/// has nothing to be refreshed from.
pub fn ensure_refreshable(kind: EnvironmentKind, name: &str) -> Result<()> {
    if kind == EnvironmentKind::Production {
        return Err(Error::forbidden(format!(
            "\"{name}\" is production: it is the source of refreshes and cannot be refreshed. Refresh a sandbox or UAT instead."
        )));
    }
    Ok(())
}

/// Changing production's definitions matters for every sandbox copied from
/// it (their promotions will conflict), so it needs an explicit yes.
pub fn ensure_confirmed(kind: EnvironmentKind, name: &str, confirmed: bool) -> Result<()> {
    if kind == EnvironmentKind::Production && !confirmed {
        return Err(Error::unconfirmed(format!(
            "This changes \"{name}\", your production environment, directly. Confirm to apply it there."
        )));
    }
    Ok(())
}

/// A locked environment refuses changes that would alter or remove it.
pub fn ensure_unlocked(status: EnvironmentStatus, name: &str) -> Result<()> {
    if status == EnvironmentStatus::Locked {
        return Err(Error::locked(format!(
            "\"{name}\" is locked by a running operation; wait for it to finish and try again."
        )));
    }
    Ok(())
}

#[cfg(test)]
#[path = "environment_tests.rs"]
mod tests;
