//! The throwaway PostgreSQL server the test command starts
//! (`scripts/pg-server.sh`): its directory is in `CUTOVER_TEST_PG_DIR`.
//! Without it the tests that need a server fail, saying how to start one:
//! they are never skipped.

use cutover_store::env_store::postgres::{Secret, ServerSettings, TlsMode};
use std::path::PathBuf;

/// The server's directory (its URL in `url`, its certificate in
/// `data/server.crt`).
pub fn dir() -> PathBuf {
    match std::env::var_os("CUTOVER_TEST_PG_DIR") {
        Some(d) => PathBuf::from(d),
        None => panic!(
            "No PostgreSQL test server: run `bash scripts/pg-server.sh start /tmp/cutover-pg` \
             and set CUTOVER_TEST_PG_DIR=/tmp/cutover-pg (scripts/test.sh does both)."
        ),
    }
}

/// The superuser's URL, password included.
pub fn url() -> String {
    std::fs::read_to_string(dir().join("url"))
        .expect("the test server's url file")
        .trim()
        .to_string()
}

/// The server as the superuser, with TLS as given.
pub fn admin(tls: TlsMode) -> (ServerSettings, Secret) {
    let (settings, secret) = ServerSettings::from_url(&url(), tls, None).expect("the test URL");
    (settings, secret.expect("the test URL has a password"))
}

/// The server's self-signed certificate, to trust for `verify_full`.
pub fn certificate() -> String {
    dir().join("data/server.crt").display().to_string()
}
