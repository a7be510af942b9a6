//! Cutover's package format: how a vendor ships a release (and, later, an
//! extension) as one signed file, and how Cutover checks it before storing
//! anything.
//!
//! A package is a zip archive holding `manifest.json`, `notes.md`,
//! `migrations/*.sql`, `checks/*.sql` (portable, or per engine in
//! `migrations/sqlite/`, `migrations/postgresql/`, …), `checksums.txt` (the SHA-256 of every
//! other file) and `signature.json` (an Ed25519 signature over the manifest
//! and the checksums). `docs/release-package.md` is the reference. Reading a
//! package never trusts its sizes, names or claims: [`archive::open`] checks
//! limits, paths, checksums, the signature and the manifest, and only then
//! returns a [`Package`].

pub mod archive;
pub mod build;
pub mod extension;
pub mod manifest;
pub mod notes;
pub mod scripts;
pub mod sign;

pub(crate) use cutover_core::error::quote;

pub use archive::{describe, open, Described, Package};
pub use extension::{open_extension, ExtensionPackage};
pub use manifest::Manifest;
pub use notes::NoteItem;
pub use scripts::{Engine, Script, Scripts};

/// The largest package file Cutover reads.
pub const MAX_ARCHIVE_BYTES: u64 = 32 * 1024 * 1024;
/// The largest single file inside a package, uncompressed.
pub const MAX_ENTRY_BYTES: u64 = 8 * 1024 * 1024;
/// The most all files of a package may add up to, uncompressed: checked
/// from the archive's directory before anything is inflated.
pub const MAX_TOTAL_BYTES: u64 = 64 * 1024 * 1024;
/// The most files a package may hold.
pub const MAX_ENTRIES: usize = 500;
/// The largest manifest.
pub const MAX_MANIFEST_BYTES: u64 = 64 * 1024;
/// The most release-note items in one package.
pub const MAX_NOTES: usize = 2000;

pub const MANIFEST: &str = "manifest.json";
pub const NOTES: &str = "notes.md";
pub const CHECKSUMS: &str = "checksums.txt";
pub const SIGNATURE: &str = "signature.json";
