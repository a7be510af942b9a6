//! Opening a package file: everything is checked in memory, and only a
//! package that passes every check is returned. Nothing here writes.
//!
//! The order matters for the messages users see: first "is this a package
//! at all" (archive, sizes, paths), then integrity (checksums, signature),
//! then trust, and only then what the manifest and notes say.

use crate::manifest::Manifest;
use crate::notes::{self, NoteItem};
use crate::scripts::{script_in, Engine, Scripts};
use crate::sign;
use crate::{
    CHECKSUMS, MANIFEST, MAX_ARCHIVE_BYTES, MAX_ENTRIES, MAX_ENTRY_BYTES, MAX_TOTAL_BYTES, NOTES,
    SIGNATURE,
};
use cutover_core::{Error, Result};
use std::collections::BTreeMap;
use std::io::{Cursor, Read};

/// A verified package.
#[derive(Debug, Clone)]
pub struct Package {
    pub manifest: Manifest,
    pub notes: Vec<NoteItem>,
    pub migrations: Scripts,
    pub checks: Scripts,
    /// The signer's public key (base64).
    pub signer: String,
    /// SHA-256 of the whole file.
    pub sha256: String,
}

fn not_a_package(why: impl std::fmt::Display) -> Error {
    Error::invalid(format!("This file is not a Cutover package: {why}."))
}

/// A package whose archive, checksums, signature and signer have been
/// checked, before its contents are read.
pub(crate) struct Verified {
    pub files: BTreeMap<String, Vec<u8>>,
    pub signer: String,
    pub sha256: String,
}

/// The checks every kind of package passes, in the order of the messages
/// users see; `main` is the signed description (manifest or extension).
/// With `trusted` `None` the signer is not checked against any key (only
/// [`describe`], which trusts nothing).
pub(crate) fn verified(
    bytes: &[u8],
    trusted: Option<&[String]>,
    main: &str,
    allowed: fn(&str) -> bool,
) -> Result<Verified> {
    if bytes.len() as u64 > MAX_ARCHIVE_BYTES {
        return Err(not_a_package(format_args!(
            "it is larger than the {} MiB a package may be",
            MAX_ARCHIVE_BYTES / 1024 / 1024
        )));
    }
    let files = entries(bytes, allowed)?;
    let get = |name: &str| {
        files
            .get(name)
            .ok_or_else(|| not_a_package(format_args!("it has no {name}")))
    };
    let main_bytes = get(main)?;
    let checksums = get(CHECKSUMS)?;
    check_checksums(&files, checksums)?;
    let signature = files.get(SIGNATURE).ok_or_else(|| {
        Error::invalid("The package is not signed (it has no signature.json). Cutover only imports packages signed by a vendor key the account trusts.")
    })?;
    let signer = sign::verify(signature, main_bytes, checksums)?;
    if let Some(trusted) = trusted {
        ensure_trusted(trusted, &signer)?;
    }
    Ok(Verified {
        files,
        signer,
        sha256: sign::sha256_hex(bytes),
    })
}

fn ensure_trusted(trusted: &[String], signer: &str) -> Result<()> {
    if !trusted.iter().any(|k| k.trim() == signer) {
        return Err(Error::forbidden(format!(
            "The package is signed by key {}, which this account does not trust. If it really is your vendor's key, add it under Releases → Trusted keys and import again.",
            sign::fingerprint(signer)
        )));
    }
    Ok(())
}

/// What a release package says of itself before any key is trusted: its
/// archive, checksums and signature checked, its manifest read, so that a
/// new account's form can take the platform's name from it. Nothing here
/// trusts the signer; the admin compares its fingerprint with the vendor's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Described {
    pub platform: String,
    pub version: String,
    pub upgrades_from: Vec<String>,
    pub signer_fingerprint: String,
}

pub fn describe(bytes: &[u8]) -> Result<Described> {
    let Verified { files, signer, .. } = verified(bytes, None, MANIFEST, allowed)?;
    let manifest = Manifest::parse(files.get(MANIFEST).map(Vec::as_slice).unwrap_or_default())?;
    Ok(Described {
        platform: manifest.platform,
        version: manifest.version,
        upgrades_from: manifest.upgrades_from,
        signer_fingerprint: sign::fingerprint(&signer),
    })
}

impl Package {
    /// Refuses the package when `engine`, which `account` keeps its
    /// environments in, has no migrations or checks in it.
    pub fn ensure_engine(&self, engine: Engine, account: &str) -> Result<()> {
        crate::scripts::ensure_engine(&[&self.migrations, &self.checks], engine, account)
    }
}

/// Reads and checks `bytes` as a release package signed by one of
/// `trusted` keys.
pub fn open(bytes: &[u8], trusted: &[String]) -> Result<Package> {
    let Verified {
        files,
        signer,
        sha256,
    } = verified(bytes, Some(trusted), MANIFEST, allowed)?;
    let manifest = Manifest::parse(files.get(MANIFEST).map(Vec::as_slice).unwrap_or_default())?;
    let notes_bytes = files
        .get(NOTES)
        .ok_or_else(|| not_a_package(format_args!("it has no {NOTES}")))?;
    let notes_text = std::str::from_utf8(notes_bytes)
        .map_err(|_| Error::invalid("The package's notes.md is not UTF-8 text."))?;
    let notes = notes::parse(notes_text)?;
    Ok(Package {
        migrations: Scripts::read(&files, "migrations/")?,
        checks: Scripts::read(&files, "checks/")?,
        manifest,
        notes,
        signer,
        sha256,
    })
}

/// Whether a path inside a release package is one Cutover knows.
pub fn allowed(name: &str) -> bool {
    [MANIFEST, NOTES, CHECKSUMS, SIGNATURE].contains(&name)
        || script_in(name, "migrations/")
        || script_in(name, "checks/")
}

/// Every file of the archive by name. Two passes: the first reads only the
/// central directory (names, kinds, declared sizes) and refuses anything
/// wrong, including a total that would not fit, before a single byte is
/// inflated; the second inflates each file, never past what it declared,
/// so memory stays within `MAX_TOTAL_BYTES` whatever the archive claims.
fn entries(bytes: &[u8], allowed: fn(&str) -> bool) -> Result<BTreeMap<String, Vec<u8>>> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|_| not_a_package("it is not a zip archive"))?;
    if archive.has_duplicate_names() {
        return Err(not_a_package(
            "it holds two files with the same name (each file may appear once)",
        ));
    }
    if archive.len() > MAX_ENTRIES {
        return Err(not_a_package(format_args!(
            "it holds more than {MAX_ENTRIES} files"
        )));
    }
    let mut wanted = Vec::new();
    let mut total = 0u64;
    for i in 0..archive.len() {
        let entry = archive
            .by_index_raw(i)
            .map_err(|e| not_a_package(format_args!("entry {} cannot be read ({e})", i + 1)))?;
        let name = entry
            .name()
            .map_err(|_| {
                not_a_package(format_args!("entry {} has a name that is not text", i + 1))
            })?
            .to_string();
        let shown = crate::quote(&name);
        let escapes = entry.enclosed_name().is_none()
            || name.starts_with('/')
            || name.contains('\\')
            || name.split('/').any(|part| part == ".." || part == ".");
        if escapes {
            return Err(not_a_package(format_args!(
                "entry {shown} points outside the package folder"
            )));
        }
        if entry.is_symlink() {
            return Err(not_a_package(format_args!(
                "entry {shown} is a symbolic link (a package holds only plain files)"
            )));
        }
        if entry.is_dir() {
            continue;
        }
        if !allowed(&name) {
            return Err(not_a_package(format_args!(
                "it holds {shown}, which is not part of the package format"
            )));
        }
        let size = entry.size();
        if size > MAX_ENTRY_BYTES {
            return Err(not_a_package(format_args!(
                "{shown} is larger than {} MiB",
                MAX_ENTRY_BYTES / 1024 / 1024
            )));
        }
        total += size;
        if total > MAX_TOTAL_BYTES {
            return Err(not_a_package(format_args!(
                "its files add up to more than {} MiB uncompressed",
                MAX_TOTAL_BYTES / 1024 / 1024
            )));
        }
        wanted.push((i, name, size));
    }
    let mut files = BTreeMap::new();
    for (i, name, size) in wanted {
        let entry = archive
            .by_index(i)
            .map_err(|e| not_a_package(format_args!("entry {} cannot be read ({e})", i + 1)))?;
        // The declared size may lie: never read past it.
        let mut content = Vec::with_capacity(size as usize);
        entry
            .take(size + 1)
            .read_to_end(&mut content)
            .map_err(|_| not_a_package(format_args!("{} is damaged", crate::quote(&name))))?;
        if content.len() as u64 != size {
            return Err(not_a_package(format_args!(
                "{} is damaged (its size is not the one its archive declares)",
                crate::quote(&name)
            )));
        }
        files.insert(name, content);
    }
    Ok(files)
}

fn check_checksums(files: &BTreeMap<String, Vec<u8>>, checksums: &[u8]) -> Result<()> {
    let damaged = |why: String| {
        Error::invalid(format!(
            "The package is damaged or was changed: {why}. Download it again from the vendor."
        ))
    };
    let text =
        std::str::from_utf8(checksums).map_err(|_| damaged("checksums.txt is not text".into()))?;
    let mut listed = BTreeMap::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let (sum, path) = line
            .split_once("  ")
            .ok_or_else(|| damaged(format!("checksums.txt has a malformed line \"{line}\"")))?;
        listed.insert(path.to_string(), sum.to_string());
    }
    for (name, bytes) in files {
        if name == CHECKSUMS || name == SIGNATURE {
            continue;
        }
        match listed.remove(name) {
            None => return Err(damaged(format!("{name} has no checksum"))),
            Some(sum) if sum != sign::sha256_hex(bytes) => {
                return Err(damaged(format!("the checksum of {name} does not match")))
            }
            Some(_) => {}
        }
    }
    if let Some(missing) = listed.keys().next() {
        return Err(damaged(format!("{missing} is listed but missing")));
    }
    Ok(())
}
