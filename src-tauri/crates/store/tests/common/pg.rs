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

/// A database of its own on the test server, dropped (with whatever is
/// connected to it) when this goes.
pub struct FreshDatabase {
    pub settings: ServerSettings,
    pub secret: Secret,
    name: String,
}

impl FreshDatabase {
    pub fn new() -> Self {
        let (admin, secret) = admin(TlsMode::Disable);
        let name = format!("cutover_test_{}", uuid::Uuid::new_v4().simple());
        admin
            .connect(Some(&secret))
            .expect("the test server")
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("a test database");
        Self {
            settings: admin.with_database(&name),
            secret,
            name,
        }
    }

    /// A backend keeping environments in this database.
    pub fn backend(&self) -> cutover_store::env_store::postgres::PgBackend {
        cutover_store::env_store::postgres::PgBackend::new(
            self.settings.clone(),
            Some(self.secret.clone()),
        )
    }
}

impl Drop for FreshDatabase {
    fn drop(&mut self) {
        let (admin, secret) = admin(TlsMode::Disable);
        if let Ok(mut c) = admin.connect(Some(&secret)) {
            let _ = c.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

/// Store `prod` of `backend` with an HR app and a People table of one
/// text field, Name, as another application writes them: (table, field).
pub fn people(
    backend: &dyn cutover_store::env_store::StoreBackend,
) -> cutover_core::Result<(i64, i64)> {
    use cutover_core::change::Change;
    let mut prod = backend.create("prod", "10.0.1")?;
    let at = chrono::Utc::now();
    let hr = prod
        .apply(&Change::CreateApp { name: "HR".into() }, "Alex", at)?
        .entity_id;
    let people = prod
        .apply(
            &Change::CreateTable {
                app_id: hr,
                name: "People".into(),
            },
            "Alex",
            at,
        )?
        .entity_id;
    let name = prod
        .apply(
            &Change::AddField {
                table_id: people,
                name: "Name".into(),
                field_type: cutover_core::definitions::FieldType::Text,
            },
            "Alex",
            at,
        )?
        .entity_id;
    Ok((people, name))
}
