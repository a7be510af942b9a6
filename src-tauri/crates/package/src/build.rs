//! Building a package the way a vendor would: from a folder holding
//! `manifest.json`, `notes.md`, `migrations/` and `checks/`, checked with
//! the same rules Cutover applies on import, then checksummed and signed.
//!
//! The archive is deterministic (sorted entries, fixed timestamps), so the
//! same folder and key always give the same bytes: the committed demo
//! packages can be checked against their sources.

use crate::extension::EXTENSION;
use crate::{sign, CHECKSUMS, MANIFEST, NOTES, SIGNATURE};
use cutover_core::{Error, Result};
use ed25519_dalek::SigningKey;
use std::io::{Cursor, Write};
use std::path::Path;
use zip::write::SimpleFileOptions;

/// Reads a package folder into `(path, bytes)` pairs.
pub fn read_folder(folder: &Path) -> Result<Vec<(String, Vec<u8>)>> {
    let io = |what: &str, e: std::io::Error| Error::invalid(format!("Cannot read {what}: {e}."));
    let mut files = Vec::new();
    // A release has a manifest and notes; an extension its description.
    let extension = folder.join(EXTENSION).exists();
    let (main, folders): (&[&str], [&str; 2]) = if extension {
        (&[EXTENSION], ["install", "uninstall"])
    } else {
        (&[MANIFEST, NOTES], ["migrations", "checks"])
    };
    for name in main {
        let path = folder.join(name);
        files.push((
            name.to_string(),
            std::fs::read(&path).map_err(|e| io(&path.display().to_string(), e))?,
        ));
    }
    for sub in folders {
        let dir = folder.join(sub);
        if !dir.exists() {
            continue;
        }
        // The folder's scripts, and those of its engine subfolders.
        let mut dirs = vec![(sub.to_string(), dir)];
        while let Some((prefix, dir)) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).map_err(|e| io(&dir.display().to_string(), e))? {
                let entry = entry.map_err(|e| io(&dir.display().to_string(), e))?;
                let name = format!("{prefix}/{}", entry.file_name().to_string_lossy());
                if entry.path().is_dir() && prefix == sub {
                    dirs.push((name, entry.path()));
                    continue;
                }
                if !(crate::archive::allowed(&name) || crate::extension::allowed(&name)) {
                    return Err(Error::invalid(format!(
                        "{name} cannot go into a package: scripts are .sql files named with letters, digits, '-', '_' and '.', directly in {sub}/ or in an engine's folder ({sub}/sqlite/, {sub}/postgresql/)."
                    )));
                }
                files.push((
                    name,
                    std::fs::read(entry.path())
                        .map_err(|e| io(&entry.path().display().to_string(), e))?,
                ));
            }
        }
    }
    Ok(files)
}

/// Signs and zips the folder's files, then opens the result as an import
/// would (with the signer trusted), so a package that would be refused is
/// never written.
pub fn build(files: &[(String, Vec<u8>)], key: &SigningKey) -> Result<Vec<u8>> {
    let bytes = sign_and_zip(files, key);
    let public = [crate::sign::public_key_text(&key.verifying_key())];
    if files.iter().any(|(n, _)| n == EXTENSION) {
        crate::open_extension(&bytes, &public)?;
    } else {
        crate::open(&bytes, &public)?;
    }
    Ok(bytes)
}

/// Adds `checksums.txt` and `signature.json` and zips, without checking the
/// contents (test fixtures use this to make packages that must be refused).
pub fn sign_and_zip(files: &[(String, Vec<u8>)], key: &SigningKey) -> Vec<u8> {
    let checksums = sign::checksums_text(files);
    // The signed description: a release's manifest or an extension's.
    let manifest = files
        .iter()
        .find(|(n, _)| n == MANIFEST || n == EXTENSION)
        .map(|(_, b)| b.as_slice())
        .unwrap_or_default();
    let signature = sign::sign(key, manifest, checksums.as_bytes());
    let mut all = files.to_vec();
    all.push((CHECKSUMS.to_string(), checksums.into_bytes()));
    all.push((
        SIGNATURE.to_string(),
        serde_json::to_vec_pretty(&signature).unwrap_or_default(),
    ));
    zip_files(&all)
}

/// Zips files in path order with fixed timestamps.
pub fn zip_files(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut sorted: Vec<&(String, Vec<u8>)> = files.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    for (name, bytes) in sorted {
        // Writing to memory cannot fail; a failure would surface at open().
        let _ = writer.start_file(name.as_str(), options);
        let _ = writer.write_all(bytes);
    }
    writer.finish().map(Cursor::into_inner).unwrap_or_default()
}

/// A zip bomb for tests and benchmarks: `count` allowed script entries, each
/// `size` zero bytes uncompressed, declared honestly. One entry is
/// compressed and its compressed bytes copied, so building it is quick.
pub fn zip_bomb(count: usize, size: usize) -> Vec<u8> {
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    let mut one = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let _ = one.start_file("migrations/m0000.sql", options);
    let _ = one.write_all(&vec![0u8; size]);
    let one = one.finish().map(Cursor::into_inner).unwrap_or_default();
    let Ok(mut source) = zip::ZipArchive::new(Cursor::new(one)) else {
        return Vec::new();
    };
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..count {
        if let Ok(entry) = source.by_index_raw(0) {
            let _ = writer.raw_copy_file_rename(entry, format!("migrations/m{i:04}.sql"));
        }
    }
    writer.finish().map(Cursor::into_inner).unwrap_or_default()
}
