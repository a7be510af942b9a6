//! Extension packages (customizations): the same signed zip as a
//! release, holding `extension.json` instead of a manifest and notes, and
//! `install/*.sql` and `uninstall/*.sql` instead of migrations and checks.
//! `docs/release-package.md` describes both.

use crate::archive::{verified, Verified};
use crate::scripts::{script_in, Engine, Scripts};
use crate::{CHECKSUMS, SIGNATURE};
use cutover_core::extension::Extension;
use cutover_core::release::Version;
use cutover_core::{Error, Result};
use serde::{Deserialize, Serialize};

pub const EXTENSION: &str = "extension.json";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtensionManifest {
    pub format: u32,
    /// The platform it extends; must match the account's.
    pub platform: String,
    pub name: String,
    pub version: String,
    pub description: String,
    /// The oldest platform version it supports.
    pub platform_from: String,
    /// The first platform version it no longer supports.
    #[serde(default)]
    pub platform_before: Option<String>,
    /// Extensions that must be installed first, by name.
    #[serde(default)]
    pub depends_on: Vec<String>,
    /// The definitions it adds, as the admin reads them ("table Timesheets").
    #[serde(default)]
    pub adds: Vec<String>,
}

/// A verified extension package.
#[derive(Debug, Clone)]
pub struct ExtensionPackage {
    pub manifest: ExtensionManifest,
    pub extension: Extension,
    pub install: Scripts,
    pub uninstall: Scripts,
    pub signer: String,
    pub sha256: String,
}

fn bad(message: impl std::fmt::Display) -> Error {
    Error::invalid(format!(
        "The package's extension.json is not valid: {message}. Ask the vendor for a corrected package."
    ))
}

impl ExtensionManifest {
    /// Parses and checks; returns the extension as the rules see it.
    pub fn parse(bytes: &[u8]) -> Result<(Self, Extension)> {
        if bytes.len() as u64 > crate::MAX_MANIFEST_BYTES {
            return Err(bad("it is larger than 64 KiB"));
        }
        let m: Self = serde_json::from_slice(bytes).map_err(bad)?;
        if m.format != crate::manifest::FORMAT {
            return Err(bad(format_args!(
                "it is written in package format {}",
                m.format
            )));
        }
        for (field, value) in [
            ("platform", &m.platform),
            ("name", &m.name),
            ("description", &m.description),
        ] {
            if value.trim().is_empty() || value.chars().count() > 200 {
                return Err(bad(format_args!(
                    "\"{field}\" must be between 1 and 200 characters"
                )));
            }
        }
        let parse = |v: &str| Version::parse(v).map_err(|e| bad(e.message));
        let extension = Extension {
            name: m.name.clone(),
            version: parse(&m.version)?,
            platform_from: parse(&m.platform_from)?,
            platform_before: m.platform_before.as_deref().map(parse).transpose()?,
            depends_on: m.depends_on.clone(),
        };
        if extension
            .platform_before
            .as_ref()
            .is_some_and(|b| *b <= extension.platform_from)
        {
            return Err(bad(
                "\"platform_before\" must be newer than \"platform_from\"",
            ));
        }
        if m.depends_on.contains(&m.name) {
            return Err(bad("an extension cannot depend on itself"));
        }
        Ok((m, extension))
    }
}

/// Whether a path inside an extension package is one Cutover knows.
pub fn allowed(name: &str) -> bool {
    [EXTENSION, CHECKSUMS, SIGNATURE].contains(&name)
        || script_in(name, "install/")
        || script_in(name, "uninstall/")
}

impl ExtensionPackage {
    /// Refuses the extension when `engine`, which `account` keeps its
    /// environments in, has no install or uninstall scripts in it.
    pub fn ensure_engine(&self, engine: Engine, account: &str) -> Result<()> {
        crate::scripts::ensure_engine(&[&self.install, &self.uninstall], engine, account)
    }
}

/// Reads and checks `bytes` as an extension package signed by one of
/// `trusted` keys.
pub fn open_extension(bytes: &[u8], trusted: &[String]) -> Result<ExtensionPackage> {
    let Verified {
        files,
        signer,
        sha256,
    } = verified(bytes, Some(trusted), EXTENSION, allowed)?;
    let (manifest, extension) =
        ExtensionManifest::parse(files.get(EXTENSION).map(Vec::as_slice).unwrap_or_default())?;
    let install = Scripts::read(&files, "install/")?;
    let uninstall = Scripts::read(&files, "uninstall/")?;
    if install.is_empty() || uninstall.is_empty() {
        return Err(bad("an extension needs both install/ and uninstall/ scripts, so that it can be removed before an upgrade"));
    }
    // What can be installed on an engine must be removable there.
    if let Some(engine) = Engine::ALL
        .into_iter()
        .find(|e| install.supports(*e) != uninstall.supports(*e))
    {
        return Err(bad(format_args!(
            "its install/ and uninstall/ scripts are not for the same engines ({} has only one of them)",
            engine.label()
        )));
    }
    if !Engine::ALL.into_iter().any(|e| install.supports(e)) {
        return Err(bad("it has scripts for no engine Cutover knows"));
    }
    Ok(ExtensionPackage {
        manifest,
        extension,
        install,
        uninstall,
        signer,
        sha256,
    })
}
