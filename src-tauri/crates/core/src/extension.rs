//! Customizations as extension packages (DESIGN §2, seed 000: removed
//! before an upgrade, the latest compatible version reinstalled after; seed
//! 002: overlays must become extensions): which platform versions an
//! extension supports, what it depends on, the order to install and remove
//! a set, and what an upgrade must do with the installed ones.
//!
//! Pure rules over plain data; the package format is in `cutover-package`,
//! the catalog and installation in the store.

use crate::release::Version;
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;

/// An extension at one version, as its package describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extension {
    pub name: String,
    pub version: Version,
    /// The oldest platform version it supports.
    pub platform_from: Version,
    /// The first platform version it no longer supports, if known.
    pub platform_before: Option<Version>,
    /// Names of the extensions it needs installed first.
    pub depends_on: Vec<String>,
}

impl Extension {
    pub fn supports(&self, platform: &Version) -> bool {
        *platform >= self.platform_from
            && self.platform_before.as_ref().is_none_or(|b| platform < b)
    }

    pub fn label(&self) -> String {
        format!("{} {}", self.name, self.version)
    }
}

/// Refuses installing `ext` on `platform` next to `installed`.
pub fn ensure_installable(
    ext: &Extension,
    platform: &Version,
    installed: &[Extension],
) -> Result<()> {
    if !ext.supports(platform) {
        let range = match &ext.platform_before {
            Some(before) => format!("{} up to (not including) {before}", ext.platform_from),
            None => format!("{} and newer", ext.platform_from),
        };
        return Err(Error::conflict(format!(
            "{} supports platform {range}; this environment runs {platform}. Install a version of {} made for {platform}.",
            ext.label(),
            ext.name
        )));
    }
    if let Some(same) = installed.iter().find(|i| i.name == ext.name) {
        return Err(Error::conflict(format!(
            "{} is already installed; uninstall it before installing {}.",
            same.label(),
            ext.version
        )));
    }
    let missing: Vec<&str> = ext
        .depends_on
        .iter()
        .filter(|d| !installed.iter().any(|i| &i.name == *d))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        return Err(Error::conflict(format!(
            "{} needs {} installed first.",
            ext.label(),
            missing.join(", ")
        )));
    }
    Ok(())
}

/// Refuses removing `name` while another installed extension needs it.
pub fn ensure_removable(name: &str, installed: &[Extension]) -> Result<()> {
    if !installed.iter().any(|i| i.name == name) {
        return Err(Error::not_found(format!("{name} is not installed here.")));
    }
    let needed_by: Vec<String> = installed
        .iter()
        .filter(|i| i.depends_on.iter().any(|d| d == name))
        .map(Extension::label)
        .collect();
    if needed_by.is_empty() {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "{name} is needed by {}; uninstall {} first.",
            needed_by.join(", "),
            if needed_by.len() == 1 { "it" } else { "them" }
        )))
    }
}

/// The order to install a set: every extension after what it depends on
/// (dependencies outside the set are taken as installed). Ties keep the
/// given order. A cycle is refused.
pub fn install_order(set: &[Extension]) -> Result<Vec<Extension>> {
    let mut ordered: Vec<Extension> = Vec::with_capacity(set.len());
    let mut left: Vec<&Extension> = set.iter().collect();
    while !left.is_empty() {
        let ready = left.iter().position(|e| {
            e.depends_on
                .iter()
                .all(|d| !set.iter().any(|s| &s.name == d) || ordered.iter().any(|o| &o.name == d))
        });
        match ready {
            Some(i) => ordered.push(left.remove(i).clone()),
            None => {
                let names: Vec<String> = left.iter().map(|e| e.name.clone()).collect();
                return Err(Error::invalid(format!(
                    "{} depend on each other in a cycle; they cannot be installed.",
                    names.join(", ")
                )));
            }
        }
    }
    Ok(ordered)
}

/// What an upgrade to `target` does with the installed extensions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtensionChanges {
    /// Incompatible with `target`: removed before the data upgrade, in
    /// reverse dependency order.
    pub remove: Vec<Extension>,
    /// Their replacements (the newest version supporting `target`),
    /// reinstalled after it, in dependency order.
    pub install: Vec<Extension>,
}

/// Plans the extension changes of an upgrade. Refused, with the reason,
/// when an installed extension has no version that supports `target`.
pub fn upgrade_changes(
    installed: &[Extension],
    available: &[Extension],
    target: &Version,
) -> Result<ExtensionChanges> {
    let mut remove = Vec::new();
    let mut install = Vec::new();
    for ext in installed.iter().filter(|e| !e.supports(target)) {
        let newest = available
            .iter()
            .filter(|a| a.name == ext.name && a.supports(target))
            .max_by(|a, b| a.version.cmp(&b.version))
            .ok_or_else(|| {
                Error::invalid(format!(
                    "{} does not support {target} and no version of {} that does is available. Import a newer version of it, or uninstall it before upgrading.",
                    ext.label(),
                    ext.name
                ))
            })?;
        remove.push(ext.clone());
        install.push(newest.clone());
    }
    let mut remove = install_order(&remove)?;
    remove.reverse();
    Ok(ExtensionChanges {
        remove,
        install: install_order(&install)?,
    })
}

/// An extension installed in an environment, as its store records it (so
/// that copies, backups and restores carry it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct InstalledExtension {
    pub name: String,
    pub version: String,
    pub platform_from: String,
    pub platform_before: Option<String>,
    pub depends_on: Vec<String>,
    pub adds: Vec<String>,
    pub installed_at: DateTime<Utc>,
    pub installed_by: String,
}

impl InstalledExtension {
    /// The extension as the rules see it.
    pub fn rule(&self) -> Result<Extension> {
        Ok(Extension {
            name: self.name.clone(),
            version: Version::parse(&self.version)?,
            platform_from: Version::parse(&self.platform_from)?,
            platform_before: self
                .platform_before
                .as_deref()
                .map(Version::parse)
                .transpose()?,
            depends_on: self.depends_on.clone(),
        })
    }
}

/// A catalog extension as offered to one environment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ExtensionOffer {
    pub extension_id: i64,
    /// Why installing it in the environment would be refused, if it would.
    pub refusal: Option<String>,
}

/// An extension package in an account's catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ExtensionSummary {
    pub id: i64,
    pub name: String,
    pub version: String,
    pub description: String,
    pub platform_from: String,
    pub platform_before: Option<String>,
    pub depends_on: Vec<String>,
    pub adds: Vec<String>,
    pub imported_at: DateTime<Utc>,
    pub imported_by: String,
}

impl ExtensionSummary {
    /// What installing it at `at` by `by` records in an environment.
    pub fn installed(&self, at: DateTime<Utc>, by: &str) -> InstalledExtension {
        InstalledExtension {
            name: self.name.clone(),
            version: self.version.clone(),
            platform_from: self.platform_from.clone(),
            platform_before: self.platform_before.clone(),
            depends_on: self.depends_on.clone(),
            adds: self.adds.clone(),
            installed_at: at,
            installed_by: by.to_string(),
        }
    }

    pub fn rule(&self) -> Result<Extension> {
        self.installed(DateTime::UNIX_EPOCH, "").rule()
    }
}

#[cfg(test)]
#[path = "extension_tests.rs"]
mod tests;
