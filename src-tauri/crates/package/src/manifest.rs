//! `manifest.json`: what a release is and what it claims. Parsed strictly
//! (unknown fields are refused, so a typo cannot silently drop a rule) and
//! checked for claims that cannot be true.

use chrono::{DateTime, NaiveDate, Utc};
use cutover_core::release::{ReleaseType, Version};
use cutover_core::{Error, Result};
use serde::{Deserialize, Serialize};

/// The one format version this Cutover reads.
pub const FORMAT: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub format: u32,
    /// The platform the release is for; must match the account's.
    pub platform: String,
    pub version: String,
    #[serde(rename = "type")]
    pub release_type: String,
    pub published: NaiveDate,
    pub general_availability: NaiveDate,
    /// Versions an environment may run to upgrade to this one.
    pub upgrades_from: Vec<String>,
    /// Production upgrade dates the vendor offers.
    #[serde(default)]
    pub waves: Vec<Wave>,
    /// Hotfix versions that must be installed before upgrading to this one.
    #[serde(default)]
    pub required_hotfixes: Vec<String>,
    /// What the admin must do after upgrading.
    #[serde(default)]
    pub post_upgrade_actions: Vec<String>,
    /// For a hotfix: which versions and areas it fixes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixes: Option<Fixes>,
    /// The https address relative links in the notes resolve against;
    /// without it, relative links become plain text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub documentation_base: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Wave {
    pub name: String,
    pub date: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fixes {
    pub versions: Vec<String>,
    pub areas: Vec<String>,
}

fn bad(message: impl std::fmt::Display) -> Error {
    Error::invalid(format!(
        "The package's manifest.json is not valid: {message}. Ask the vendor for a corrected package."
    ))
}

impl Manifest {
    /// Parses and checks a manifest. Never panics, whatever the bytes.
    pub fn parse(bytes: &[u8]) -> Result<Self> {
        if bytes.len() as u64 > crate::MAX_MANIFEST_BYTES {
            return Err(bad(format_args!(
                "it is larger than {} KiB",
                crate::MAX_MANIFEST_BYTES / 1024
            )));
        }
        let manifest: Manifest = serde_json::from_slice(bytes).map_err(bad)?;
        manifest.check()?;
        Ok(manifest)
    }

    pub fn version(&self) -> Version {
        // `check` has parsed it; a manifest is only built through `parse`.
        Version::parse(&self.version).unwrap_or_else(|_| Version::parse("0.0").expect("0.0"))
    }

    pub fn release_type(&self) -> ReleaseType {
        ReleaseType::parse(&self.release_type).unwrap_or(ReleaseType::Maintenance)
    }

    /// General availability begins at the start of its day, UTC.
    pub fn general_availability_at(&self) -> DateTime<Utc> {
        self.general_availability
            .and_time(Default::default())
            .and_utc()
    }

    pub fn fixed_versions(&self) -> Vec<Version> {
        self.fixes
            .iter()
            .flat_map(|f| &f.versions)
            .filter_map(|v| Version::parse(v).ok())
            .collect()
    }

    fn check(&self) -> Result<()> {
        if self.format != FORMAT {
            return Err(bad(format_args!(
                "it is written in package format {}, and this Cutover reads format {FORMAT}",
                self.format
            )));
        }
        let text = |field: &str, value: &str, max: usize| {
            if value.trim().is_empty() || value.chars().count() > max {
                Err(bad(format_args!(
                    "\"{field}\" must be between 1 and {max} characters"
                )))
            } else {
                Ok(())
            }
        };
        text("platform", &self.platform, 100)?;
        if let Some(base) = &self.documentation_base {
            let ok = base.chars().count() <= 500
                && ammonia::Url::parse(base)
                    .is_ok_and(|u| u.scheme() == "https" && u.host().is_some());
            if !ok {
                return Err(bad(format_args!(
                    "\"documentation_base\" is {}; it must be an https address such as https://docs.vendor.example/",
                    crate::quote(base)
                )));
            }
        }
        let version = Version::parse(&self.version).map_err(|e| bad(e.message))?;
        let release_type = ReleaseType::parse(&self.release_type).map_err(|_| {
            bad(format_args!(
                "\"type\" is {}; it must be maintenance, minor, major or hotfix",
                crate::quote(&self.release_type)
            ))
        })?;
        if self.general_availability < self.published {
            return Err(bad("general availability comes before publication"));
        }
        if self.upgrades_from.is_empty() {
            return Err(bad("\"upgrades_from\" lists no version"));
        }
        for from in &self.upgrades_from {
            let from_version = Version::parse(from).map_err(|e| bad(e.message))?;
            if from_version >= version {
                return Err(bad(format_args!(
                    "version {version} is not newer than {from_version}, which it claims to upgrade from"
                )));
            }
        }
        for hotfix in &self.required_hotfixes {
            if Version::parse(hotfix).map_err(|e| bad(e.message))? >= version {
                return Err(bad(format_args!(
                    "required hotfix {hotfix} is not older than the release itself"
                )));
            }
        }
        for (i, wave) in self.waves.iter().enumerate() {
            text("waves.name", &wave.name, 60)?;
            if wave.date < self.general_availability {
                return Err(bad(format_args!(
                    "wave \"{}\" is before general availability",
                    wave.name
                )));
            }
            if self.waves[..i].iter().any(|w| w.name == wave.name) {
                return Err(bad(format_args!("wave \"{}\" appears twice", wave.name)));
            }
        }
        for action in &self.post_upgrade_actions {
            text("post_upgrade_actions", action, 500)?;
        }
        match (&self.fixes, release_type) {
            (None, ReleaseType::Hotfix) => {
                return Err(bad(
                    "a hotfix must say which versions and areas it fixes (\"fixes\")",
                ))
            }
            (Some(_), t) if t != ReleaseType::Hotfix => {
                return Err(bad("only a hotfix may have \"fixes\""))
            }
            (Some(fixes), _) => {
                if fixes.versions.is_empty() || fixes.areas.is_empty() {
                    return Err(bad("\"fixes\" must name at least one version and one area"));
                }
                for fixed in &fixes.versions {
                    Version::parse(fixed).map_err(|e| bad(e.message))?;
                }
                for area in &fixes.areas {
                    text("fixes.areas", area, 60)?;
                }
            }
            (None, _) => {}
        }
        Ok(())
    }
}
