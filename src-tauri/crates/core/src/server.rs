//! How Cutover reaches an account's PostgreSQL server, as the user sees it:
//! the encryption chosen, what a connection test found, and what stopped
//! one. The connection itself lives in the store crate.

use serde::{Deserialize, Serialize};

/// How the connection is encrypted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum TlsMode {
    /// Plain TCP (a server on this computer or a private network).
    Disable,
    /// Encrypted, without checking who the server is.
    Require,
    /// Encrypted, and the server's certificate must be trusted (the
    /// system's roots or the given CA) and name the host.
    VerifyFull,
}

/// What stopped a connection, as the user can act on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ServerFailure {
    /// Nothing answers at the host and port, or the host is unknown.
    Unreachable,
    /// The encrypted connection could not be set up or the server's
    /// certificate is not trusted.
    Tls,
    /// The server refused the user or its password.
    Authentication,
    /// The database named does not exist.
    NoDatabase,
    /// Connected, but the user lacks a privilege Cutover needs.
    Privilege,
    /// The server is older than [`MIN_SERVER_VERSION`].
    Version,
}

/// What a successful connection test found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct ServerReport {
    /// As the server names itself ("15.18 (Debian 15.18-0+deb12u1)").
    pub version: String,
    pub encrypted: bool,
    pub superuser: bool,
}
