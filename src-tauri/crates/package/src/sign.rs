//! Checksums and the Ed25519 signature that bind a package to its vendor.
//!
//! The signature covers a domain tag, the SHA-256 of `manifest.json` and the
//! SHA-256 of `checksums.txt`; the checksums cover every other file. So a
//! valid signature from a trusted key vouches for every byte that Cutover
//! uses. Keys travel as base64 of their 32 raw bytes.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use cutover_core::{Error, Result};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

const DOMAIN: &[u8] = b"cutover-package-v1\0";

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The bytes a vendor signs.
pub fn message(manifest: &[u8], checksums: &[u8]) -> Vec<u8> {
    let mut message = DOMAIN.to_vec();
    message.extend_from_slice(&Sha256::digest(manifest));
    message.extend_from_slice(&Sha256::digest(checksums));
    message
}

/// `signature.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignatureFile {
    /// The signer's public key.
    pub key: String,
    pub signature: String,
}

/// A short, stable name for a key, shown to users (the first 16 hex digits
/// of its SHA-256).
pub fn fingerprint(public_key: &str) -> String {
    sha256_hex(public_key.as_bytes())[..16].to_string()
}

pub fn parse_public_key(text: &str) -> Result<VerifyingKey> {
    let bad = || {
        Error::invalid(
            "That is not an Ed25519 public key: paste the vendor's key as base64 of 32 bytes (44 characters ending in \"=\").",
        )
    };
    let bytes: [u8; 32] = B64
        .decode(text.trim())
        .map_err(|_| bad())?
        .try_into()
        .map_err(|_| bad())?;
    VerifyingKey::from_bytes(&bytes).map_err(|_| bad())
}

pub fn public_key_text(key: &VerifyingKey) -> String {
    B64.encode(key.as_bytes())
}

/// A signing key from its secret file (base64 of the 32-byte seed).
pub fn parse_signing_key(text: &str) -> Result<SigningKey> {
    let seed: [u8; 32] = B64
        .decode(text.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| {
            Error::invalid("The signing key file must hold base64 of a 32-byte Ed25519 seed.")
        })?;
    Ok(SigningKey::from_bytes(&seed))
}

pub fn generate_signing_key() -> Result<(SigningKey, String)> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed)
        .map_err(|e| Error::internal(format!("The system gave no random bytes: {e}.")))?;
    Ok((SigningKey::from_bytes(&seed), B64.encode(seed)))
}

pub fn sign(key: &SigningKey, manifest: &[u8], checksums: &[u8]) -> SignatureFile {
    SignatureFile {
        key: public_key_text(&key.verifying_key()),
        signature: B64.encode(key.sign(&message(manifest, checksums)).to_bytes()),
    }
}

/// Checks the signature and returns the signer's public key (base64).
pub fn verify(file: &[u8], manifest: &[u8], checksums: &[u8]) -> Result<String> {
    let malformed = || {
        Error::invalid(
            "The package's signature.json is malformed. Ask the vendor for a correctly signed package.",
        )
    };
    let parsed: SignatureFile = serde_json::from_slice(file).map_err(|_| malformed())?;
    let key = parse_public_key(&parsed.key).map_err(|_| malformed())?;
    let bytes: [u8; 64] = B64
        .decode(&parsed.signature)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(malformed)?;
    key.verify(&message(manifest, checksums), &Signature::from_bytes(&bytes))
        .map_err(|_| {
            Error::invalid(
                "The package's signature does not match its contents: it was changed after it was signed. Do not use it; ask the vendor for the original.",
            )
        })?;
    Ok(public_key_text(&key))
}

/// `checksums.txt`: one `sha256  path` line per file, sorted by path.
pub fn checksums_text(files: &[(String, Vec<u8>)]) -> String {
    let mut lines: Vec<String> = files
        .iter()
        .map(|(path, bytes)| format!("{}  {path}\n", sha256_hex(bytes)))
        .collect();
    lines.sort_by(|a, b| a[66..].cmp(&b[66..]));
    lines.concat()
}
