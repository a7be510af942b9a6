//! How Cutover reaches an account's PostgreSQL server, as the user sees it:
//! the encryption chosen, what a connection test found, and what stopped
//! one. The connection itself lives in the store crate.

use serde::{Deserialize, Serialize};

/// How the connection is encrypted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
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

/// "On a PostgreSQL server", as the new account's form sends it. The
/// password is kept apart from the URL's other parts from here on and never
/// printed (`Debug` hides it).
#[derive(Clone, PartialEq, Eq, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ServerChoice {
    /// `postgresql://user@host:5432/database`; a password written in it is
    /// taken out and used as `password` is.
    pub url: String,
    pub tls: TlsMode,
    /// The certificate authority's PEM file, for `verify_full` against a
    /// private authority.
    #[serde(default)]
    pub ca_file: Option<String>,
    #[serde(default)]
    pub password: String,
    /// Keep the password in the system's secret store; otherwise Cutover
    /// asks for it at each start and keeps it in memory only.
    #[serde(default)]
    pub remember: bool,
}

impl std::fmt::Debug for ServerChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerChoice")
            .field("url", &"…")
            .field("tls", &self.tls)
            .field("ca_file", &self.ca_file)
            .field("remember", &self.remember)
            .finish_non_exhaustive()
    }
}

/// Where an account keeps its environments, as its page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AccountServer {
    /// `user@host:port/database`, never with a password.
    pub address: String,
    pub tls: TlsMode,
    /// Whether Cutover has the password this session (given, or read from
    /// the system's secret store); without it no environment can be read
    /// and the page asks for it.
    pub unlocked: bool,
    /// Whether the password is kept in the system's secret store.
    pub remembered: bool,
}

/// How far a move of an account's environments is, for its progress bar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct MoveProgress {
    /// The environment or backup being moved, as the user names it.
    pub what: String,
    /// Its place among everything moved (1-based), and how many there are.
    pub step: u32,
    pub steps: u32,
    /// Records of `what` written at the new place so far.
    pub records: u64,
}

/// What a move of an account's environments did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct MoveReport {
    pub environments: u32,
    pub backups: u32,
    /// Where they are now: "this computer" or the server's address.
    pub now_on: String,
    /// What stayed at the old place and why (the old copies are kept aside
    /// there, not deleted): empty when all went as planned.
    pub left_behind: Vec<String>,
}
