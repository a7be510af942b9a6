//! Vendor releases: versions, release types, the version window and the
//! cumulative "my version → target" gathering of release notes.
//!
//! Seed 002: only the newest N generally-available versions are selectable
//! as upgrade targets; each new GA release drops the oldest, and a sandbox
//! upgraded to a version that has since dropped out cannot be followed by
//! production. These rules are pure functions of the catalog and an instant,
//! so they are tested at fixed instants without a database.

use crate::{Error, Result};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;
use std::cmp::Ordering;
use std::fmt;

/// A dotted numeric version such as `10.0.2` or `10.0.2.1`. Ordered by its
/// numbers, so `10.0.10` is newer than `10.0.9`; trailing zeros do not
/// count (`10.0` equals `10.0.0`).
#[derive(Debug, Clone, Eq)]
pub struct Version(Vec<u32>);

impl Version {
    pub fn parse(text: &str) -> Result<Self> {
        let fail = || {
            Error::invalid(format!(
                "{} is not a version: write numbers separated by dots, such as 10.0.2.",
                crate::error::quote(text)
            ))
        };
        if text.is_empty() || text.len() > 40 {
            return Err(fail());
        }
        let parts = text
            .split('.')
            .map(|p| {
                if p.is_empty() || p.len() > 9 || !p.bytes().all(|b| b.is_ascii_digit()) {
                    Err(fail())
                } else {
                    p.parse::<u32>().map_err(|_| fail())
                }
            })
            .collect::<Result<Vec<_>>>()?;
        if parts.len() < 2 || parts.len() > 5 {
            return Err(fail());
        }
        Ok(Self(parts))
    }

    /// A text that sorts like the version (for SQL `ORDER BY`).
    pub fn sort_key(&self) -> String {
        let mut parts = self.0.clone();
        parts.resize(5, 0);
        parts
            .iter()
            .map(|n| format!("{n:010}"))
            .collect::<Vec<_>>()
            .join(".")
    }

    fn trimmed(&self) -> &[u32] {
        let end = self.0.iter().rposition(|&n| n != 0).map_or(0, |i| i + 1);
        &self.0[..end]
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.trimmed() == other.trimmed()
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.trimmed().cmp(other.trimmed())
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text: Vec<String> = self.0.iter().map(u32::to_string).collect();
        f.write_str(&text.join("."))
    }
}

/// The vendor's kinds of release (seed 000).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ReleaseType {
    /// Weekly, applied in a maintenance window, no UAT.
    Maintenance,
    /// Every 2–4 months, with a UAT cycle.
    Minor,
    /// At most twice a year, with a UAT cycle.
    Major,
    /// On demand; impacted accounts are told.
    Hotfix,
}

text_enum!(ReleaseType {
    Maintenance = "maintenance",
    Minor = "minor",
    Major = "major",
    Hotfix = "hotfix",
});

/// What a catalog row needs for the window rules.
#[derive(Debug, Clone)]
pub struct Listed {
    pub version: Version,
    pub general_availability: DateTime<Utc>,
}

/// Whether a release can be chosen as an upgrade target now, and why not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum Selectable {
    /// Inside the window.
    Yes,
    /// Published but not yet generally available.
    NotYetAvailable,
    /// Newer GA releases have pushed it out of the window.
    DroppedOut,
}

/// The versions inside the window at `now`: the newest `size` releases
/// whose general availability has begun, newest first.
pub fn window(releases: &[Listed], size: u32, now: DateTime<Utc>) -> Vec<Version> {
    let mut available: Vec<&Version> = releases
        .iter()
        .filter(|r| r.general_availability <= now)
        .map(|r| &r.version)
        .collect();
    available.sort_by(|a, b| b.cmp(a));
    available.dedup();
    available.into_iter().take(size as usize).cloned().collect()
}

/// The state of one release against the window.
pub fn selectable(release: &Listed, window: &[Version], now: DateTime<Utc>) -> Selectable {
    if release.general_availability > now {
        Selectable::NotYetAvailable
    } else if window.contains(&release.version) {
        Selectable::Yes
    } else {
        Selectable::DroppedOut
    }
}

/// The smallest and largest window an account may choose.
pub const WINDOW_SIZES: std::ops::RangeInclusive<u32> = 1..=12;

pub fn check_window_size(size: u32) -> Result<u32> {
    if WINDOW_SIZES.contains(&size) {
        Ok(size)
    } else {
        Err(Error::invalid(format!(
            "The version window must hold between {} and {} versions; {size} is outside that.",
            WINDOW_SIZES.start(),
            WINDOW_SIZES.end()
        )))
    }
}

/// Seed 002: production may follow a sandbox only to a version still in the
/// window. Returns the sentence that explains the block, if there is one.
pub fn production_blocked(
    sandbox_name: &str,
    sandbox_version: &Version,
    production_version: &Version,
    window: &[Version],
) -> Option<String> {
    if sandbox_version <= production_version || window.contains(sandbox_version) {
        return None;
    }
    let choices: Vec<String> = window
        .iter()
        .filter(|v| *v > production_version)
        .map(Version::to_string)
        .collect();
    let next = if choices.is_empty() {
        "no newer version is selectable yet".to_string()
    } else {
        format!("upgrade it again to {}", choices.join(", "))
    };
    Some(format!(
        "{sandbox_name} was upgraded to {sandbox_version}, which has dropped out of the version \
         window: production cannot follow it. Start over in {sandbox_name}: {next}."
    ))
}

/// The kind of a release-note item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum NoteKind {
    Feature,
    Change,
    Deprecation,
    Fix,
}

text_enum!(NoteKind {
    Feature = "feature",
    Change = "change",
    Deprecation = "deprecation",
    Fix = "fix",
});

/// Release-note areas that concern every environment, whatever its apps.
pub const PLATFORM_AREAS: [&str; 4] = ["Platform", "Security", "Integrations", "Administration"];

/// Whether an item of `area` concerns an environment with these apps.
pub fn concerns(area: &str, apps: &[String]) -> bool {
    PLATFORM_AREAS.iter().any(|a| a.eq_ignore_ascii_case(area))
        || apps.iter().any(|app| app.eq_ignore_ascii_case(area))
}

/// The order of the cumulative view: action-required items, then
/// deprecations, then the rest; within a rank by version, then position.
pub fn cumulative_rank(kind: NoteKind, action_required: bool) -> u8 {
    match (action_required, kind) {
        (true, _) => 0,
        (false, NoteKind::Deprecation) => 1,
        _ => 2,
    }
}

/// A hotfix concerns an environment that runs one of the versions it fixes.
pub fn hotfix_affects(fixed_versions: &[Version], environment_version: &Version) -> bool {
    fixed_versions.contains(environment_version)
}

#[cfg(test)]
#[path = "release_tests.rs"]
mod tests;

/// Whether a package's platform is the account's: spaces at either end do
/// not count (a manifest written by hand often has them), anything else
/// does.
pub fn same_platform(package: &str, account: &str) -> bool {
    package.trim() == account.trim()
}

/// The longest link a release note may hand to the system's browser.
pub const MAX_LINK_LEN: usize = 2048;

/// A release-note link the admin asked to open in the system's browser:
/// only a web address (http or https) with no spaces or control
/// characters, so a note cannot make the desktop run a program or open a
/// local file.
pub fn web_link(href: &str) -> Result<String> {
    let link = href.trim();
    let lower = link.to_ascii_lowercase();
    let web = lower.starts_with("https://") || lower.starts_with("http://");
    let host = link.split("://").nth(1).unwrap_or("");
    if !web || host.is_empty() || host.starts_with('/') {
        return Err(Error::invalid(format!(
            "Only web addresses (http or https) open in the browser; \"{}\" is not one. Copy it instead if you need it.",
            link.chars().take(200).collect::<String>()
        )));
    }
    if link.len() > MAX_LINK_LEN || link.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::invalid(
            "That link is too long or has spaces or control characters in it, so it is not opened. Copy it instead if you need it.",
        ));
    }
    Ok(link.to_string())
}
