//! Where an account's PostgreSQL server is and how Cutover connects to it.
//!
//! Invariant: a password never lives in [`ServerSettings`] (which is saved
//! in the control database) and never appears in a message or a log line;
//! it is a [`Secret`] whose `Debug` hides it. Every failure to connect is
//! named as the user can act on it ([`ServerFailure`]).

use cutover_core::error::quote;
pub use cutover_core::server::{ServerFailure, ServerReport, TlsMode};
use cutover_core::Error;
use native_tls::{Certificate, TlsConnector};
use postgres::config::{Host, SslMode};
use postgres::error::SqlState;
use postgres::{Client, Config};
use postgres_native_tls::MakeTlsConnector;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::error::Error as _;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

/// TLS connectors built this process, by TLS mode and CA file.
type Connectors = HashMap<(TlsMode, Option<String>), MakeTlsConnector>;

/// The oldest server Cutover works with (`server_version_num`).
pub const MIN_SERVER_VERSION: u32 = 140000;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A server as the account records it: no password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerSettings {
    /// A host name, an address, or a Unix socket directory.
    pub host: String,
    pub port: u16,
    pub database: String,
    pub user: String,
    pub tls: TlsMode,
    /// A PEM file of the certificate authority that signed the server's
    /// certificate, for `verify_full` against a private CA.
    pub ca_file: Option<String>,
}

/// A password, kept out of `Debug` output and messages.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(text: impl Into<String>) -> Self {
        Self(text.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

/// A failed connection: what failed, said for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerProblem {
    pub failure: ServerFailure,
    pub message: String,
}

impl From<ServerProblem> for Error {
    fn from(p: ServerProblem) -> Self {
        Error::unavailable(p.message)
    }
}

impl ServerSettings {
    /// Reads a connection URL (`postgresql://user:password@host:port/db`)
    /// or key=value string; a password in it is split off and returned
    /// apart, never kept in the settings.
    pub fn from_url(
        url: &str,
        tls: TlsMode,
        ca_file: Option<String>,
    ) -> Result<(Self, Option<Secret>), Error> {
        let config: Config = url.trim().parse().map_err(|_| {
            Error::invalid(
                "This is not a PostgreSQL connection URL. Write it as postgresql://user@host:5432/database.",
            )
            .at_field("url")
        })?;
        let host = match config.get_hosts() {
            [] => "localhost".to_string(),
            [Host::Tcp(h)] => h.clone(),
            [Host::Unix(dir)] => dir.display().to_string(),
            _ => {
                return Err(Error::invalid(
                    "Give one host: Cutover connects to one server (its primary).",
                )
                .at_field("url"))
            }
        };
        let port = config.get_ports().first().copied().unwrap_or(5432);
        let user = config.get_user().unwrap_or_default().to_string();
        if user.is_empty() {
            return Err(Error::invalid(
                "Name the user Cutover connects as (postgresql://user@host/database).",
            )
            .at_field("url"));
        }
        let database = config.get_dbname().unwrap_or(&user).to_string();
        let secret = config
            .get_password()
            .map(|p| Secret::new(String::from_utf8_lossy(p).into_owned()));
        Ok((
            Self {
                host,
                port,
                database,
                user,
                tls,
                ca_file,
            },
            secret,
        ))
    }

    /// The server as messages name it: `user@host:port/database`.
    pub fn display(&self) -> String {
        format!(
            "{}@{}:{}/{}",
            self.user, self.host, self.port, self.database
        )
    }

    /// Whether `other` names the same database of the same server.
    pub fn same_database(&self, other: &Self) -> bool {
        self.host.eq_ignore_ascii_case(&other.host)
            && self.port == other.port
            && self.database == other.database
    }

    /// The same server, another database on it.
    pub fn with_database(&self, database: &str) -> Self {
        Self {
            database: database.to_string(),
            ..self.clone()
        }
    }

    fn config(&self, password: Option<&Secret>) -> Config {
        let mut config = Config::new();
        config
            .host(&self.host)
            .port(self.port)
            .dbname(&self.database)
            .user(&self.user)
            .application_name("Cutover")
            .connect_timeout(CONNECT_TIMEOUT)
            .ssl_mode(match self.tls {
                TlsMode::Disable => SslMode::Disable,
                TlsMode::Require | TlsMode::VerifyFull => SslMode::Require,
            });
        if let Some(p) = password {
            config.password(p.expose());
        }
        config
    }

    fn connector(&self) -> Result<MakeTlsConnector, ServerProblem> {
        let mut builder = TlsConnector::builder();
        match self.tls {
            TlsMode::Disable | TlsMode::Require => {
                builder
                    .danger_accept_invalid_certs(true)
                    .danger_accept_invalid_hostnames(true);
            }
            TlsMode::VerifyFull => {
                if let Some(file) = &self.ca_file {
                    let pem = std::fs::read(file).map_err(|e| ServerProblem {
                        failure: ServerFailure::Tls,
                        message: format!(
                            "The certificate authority file {} cannot be read ({e}). Choose the PEM file your server's certificate was signed with.",
                            quote(file)
                        ),
                    })?;
                    let cert = Certificate::from_pem(&pem).map_err(|_| ServerProblem {
                        failure: ServerFailure::Tls,
                        message: format!(
                            "The certificate authority file {} is not a PEM certificate.",
                            quote(file)
                        ),
                    })?;
                    builder.add_root_certificate(cert);
                }
            }
        }
        let connector = builder.build().map_err(|e| ServerProblem {
            failure: ServerFailure::Tls,
            message: format!("Encryption cannot be set up on this computer ({e})."),
        })?;
        Ok(MakeTlsConnector::new(connector))
    }

    /// Connects, naming exactly what failed when it cannot.
    pub fn connect(&self, password: Option<&Secret>) -> Result<Client, ServerProblem> {
        let config = self.config(password);
        let connected = match self.tls {
            TlsMode::Disable => config.connect(postgres::NoTls),
            TlsMode::Require | TlsMode::VerifyFull => config.connect(self.cached_connector()?),
        };
        connected.map_err(|e| self.explain(&e))
    }

    /// The TLS connector for these settings, built once per process:
    /// building one loads the system's certificate store, which takes
    /// about as long as the connection itself.
    fn cached_connector(&self) -> Result<MakeTlsConnector, ServerProblem> {
        static BUILT: OnceLock<Mutex<Connectors>> = OnceLock::new();
        let key = (self.tls, self.ca_file.clone());
        let built = BUILT.get_or_init(Default::default);
        if let Some(connector) = built.lock().ok().and_then(|b| b.get(&key).cloned()) {
            return Ok(connector);
        }
        let connector = self.connector()?;
        if let Ok(mut b) = built.lock() {
            b.insert(key, connector.clone());
        }
        Ok(connector)
    }

    /// Connects and checks what Cutover needs of the server: its version,
    /// and that the user may create schemas in the database and roles
    /// (each environment's confined role, an integration's pause).
    pub fn check(&self, password: Option<&Secret>) -> Result<ServerReport, ServerProblem> {
        let mut client = self.connect(password)?;
        let failed = |e: postgres::Error| self.explain(&e);
        let row = client
            .query_one(
                "SELECT current_setting('server_version_num')::int,
                        current_setting('server_version'),
                        coalesce((SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()), false),
                        r.rolsuper, r.rolcreaterole,
                        has_database_privilege(current_database(), 'CREATE')
                 FROM pg_roles r WHERE r.rolname = current_user",
                &[],
            )
            .map_err(failed)?;
        let (number, version): (i32, String) = (row.get(0), row.get(1));
        if (number as u32) < MIN_SERVER_VERSION {
            return Err(ServerProblem {
                failure: ServerFailure::Version,
                message: format!(
                    "The server runs PostgreSQL {version}; Cutover needs PostgreSQL {} or newer. Upgrade the server or choose another.",
                    MIN_SERVER_VERSION / 10000
                ),
            });
        }
        let (superuser, create_role, create_schema): (bool, bool, bool) =
            (row.get(3), row.get(4), row.get(5));
        let mut missing = Vec::new();
        if !superuser && !create_schema {
            missing.push(format!(
                "to create schemas in database “{db}” (GRANT CREATE ON DATABASE \"{db}\" TO \"{user}\")",
                db = self.database,
                user = self.user
            ));
        }
        if !superuser && !create_role {
            missing.push(format!(
                "to create roles (ALTER ROLE \"{}\" CREATEROLE)",
                self.user
            ));
        }
        if !missing.is_empty() {
            return Err(ServerProblem {
                failure: ServerFailure::Privilege,
                message: format!(
                    "Connected to {} as “{}”, but this user is not allowed {}. Ask the server's administrator to grant it, or connect as another user.",
                    self.display(),
                    self.user,
                    missing.join(" nor ")
                ),
            });
        }
        Ok(ServerReport {
            version,
            encrypted: row.get(2),
            superuser,
        })
    }

    /// Names a failed connection or query for the user. The server's own
    /// words are kept where they help (they never hold the password).
    pub fn explain(&self, e: &postgres::Error) -> ServerProblem {
        let at = format!("{}:{}", self.host, self.port);
        if let Some(db) = e.as_db_error() {
            let (failure, message) = match *db.code() {
                SqlState::INVALID_PASSWORD | SqlState::INVALID_AUTHORIZATION_SPECIFICATION => (
                    ServerFailure::Authentication,
                    format!(
                        "The server at {at} refused user “{}”: {}. Check the user name and password, and that the server's pg_hba.conf lets this computer in.",
                        self.user,
                        db.message()
                    ),
                ),
                SqlState::INVALID_CATALOG_NAME => (
                    ServerFailure::NoDatabase,
                    format!(
                        "The server at {at} has no database “{}”. Create it, or name one that exists in the URL.",
                        self.database
                    ),
                ),
                SqlState::INSUFFICIENT_PRIVILEGE => (
                    ServerFailure::Privilege,
                    format!(
                        "The server at {at} did not allow user “{}” this: {}.",
                        self.user,
                        db.message()
                    ),
                ),
                _ => (
                    ServerFailure::Unreachable,
                    format!("The server at {at} refused the connection: {}.", db.message()),
                ),
            };
            return ServerProblem { failure, message };
        }
        let mut source = e.source();
        while let Some(s) = source {
            if let Some(io) = s.downcast_ref::<std::io::Error>() {
                let why = match io.kind() {
                    std::io::ErrorKind::ConnectionRefused => {
                        "nothing accepts connections there (connection refused)".to_string()
                    }
                    std::io::ErrorKind::TimedOut => {
                        format!("no answer within {} seconds", CONNECT_TIMEOUT.as_secs())
                    }
                    std::io::ErrorKind::NotFound if self.host.starts_with('/') => {
                        "there is no server socket in that folder".to_string()
                    }
                    _ => io.to_string(),
                };
                return ServerProblem {
                    failure: ServerFailure::Unreachable,
                    message: format!(
                        "The server at {at} cannot be reached: {why}. Check the host and port, that the server is running, and that a firewall lets this computer in."
                    ),
                };
            }
            if s.downcast_ref::<native_tls::Error>().is_some() {
                return tls_problem(&at, &s.to_string());
            }
            source = s.source();
        }
        let mut text = e.to_string();
        let mut cause = e.source();
        while let Some(c) = cause {
            text = format!("{text}: {c}");
            cause = c.source();
        }
        if text.contains("password missing") {
            return ServerProblem {
                failure: ServerFailure::Authentication,
                message: format!(
                    "The server at {at} asks for user “{}”'s password. Give the password.",
                    self.user
                ),
            };
        }
        if text.contains("TLS") {
            return tls_problem(&at, &text);
        }
        if text.contains("timeout") || text.contains("timed out") {
            return ServerProblem {
                failure: ServerFailure::Unreachable,
                message: format!(
                    "The server at {at} cannot be reached: no answer within {} seconds. Check the host and port, and that a firewall lets this computer in.",
                    CONNECT_TIMEOUT.as_secs()
                ),
            };
        }
        ServerProblem {
            failure: ServerFailure::Unreachable,
            message: format!("The server at {at} cannot be used: {text}."),
        }
    }
}

fn tls_problem(at: &str, why: &str) -> ServerProblem {
    ServerProblem {
        failure: ServerFailure::Tls,
        message: format!(
            "An encrypted connection to {at} could not be made: {why}. If the server does not offer TLS, choose “no encryption”; if its certificate is signed by your own authority, give that authority's certificate file."
        ),
    }
}
