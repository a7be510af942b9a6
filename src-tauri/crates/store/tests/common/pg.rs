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

    /// A copy of this database, made with it as the template: nothing
    /// may be connected to it meanwhile (sessions left are ended).
    pub fn copy(&self) -> Self {
        let (admin, secret) = admin(TlsMode::Disable);
        let name = format!("cutover_test_{}", uuid::Uuid::new_v4().simple());
        let mut client = admin.connect(Some(&secret)).expect("the test server");
        client
            .execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                 WHERE datname = $1 AND pid <> pg_backend_pid()",
                &[&self.name],
            )
            .expect("sessions ended");
        client
            .batch_execute(&format!("CREATE DATABASE {name} TEMPLATE {}", self.name))
            .expect("a copy of the test database");
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

/// A role another application logs in to the server with, which its
/// administrator let read and write one record table of store `key`
/// (one privilege with the right to grant it on, as happens).
pub struct Writer {
    pub name: String,
    password: String,
    settings: ServerSettings,
    /// The record table it writes: `"env_<key>".rec_<table>`.
    target: String,
}

impl Writer {
    pub fn new(db: &FreshDatabase, key: &str, table: i64) -> Self {
        let id = uuid::Uuid::new_v4().simple().to_string();
        let (name, password) = (format!("app_{}", &id[..12]), id[12..].to_string());
        let schema = format!("\"env_{key}\"");
        let target = format!("{schema}.rec_{table}");
        db.settings
            .connect(Some(&db.secret))
            .expect("the test server")
            .batch_execute(&format!(
                "CREATE ROLE {name} LOGIN PASSWORD '{password}';
                 GRANT USAGE ON SCHEMA {schema} TO {name};
                 GRANT SELECT, INSERT, UPDATE ON {target} TO {name};
                 GRANT DELETE ON {target} TO {name} WITH GRANT OPTION;"
            ))
            .expect("an application's role");
        let mut settings = db.settings.clone();
        settings.user = name.clone();
        Self {
            name,
            password,
            settings,
            target,
        }
    }

    /// The same role, writing to the same table in `db` (a copy).
    pub fn in_database(&self, db: &FreshDatabase) -> Self {
        let mut settings = self.settings.clone();
        settings.database = db.settings.database.clone();
        Self {
            name: self.name.clone(),
            password: self.password.clone(),
            settings,
            target: self.target.clone(),
        }
    }

    /// A session as this role.
    pub fn connect(&self) -> cutover_core::Result<postgres::Client> {
        Ok(self.settings.connect(Some(&Secret::new(&self.password)))?)
    }

    /// Its URL, password included, for a child process.
    pub fn url(&self) -> String {
        let s = &self.settings;
        format!(
            "postgresql://{}:{}@{}:{}/{}",
            self.name, self.password, s.host, s.port, s.database
        )
    }

    /// The SQL that inserts a record whose column `f_<field>` holds `$1`.
    pub fn insert_sql(&self, field: i64) -> String {
        format!("INSERT INTO {} (f_{field}) VALUES ($1)", self.target)
    }

    /// Inserts a record whose column `f_<field>` holds `value`.
    pub fn insert(
        &self,
        client: &mut postgres::Client,
        field: i64,
        value: &(dyn postgres::types::ToSql + Sync),
    ) -> Result<(), postgres::Error> {
        client
            .execute(&self.insert_sql(field), &[value])
            .map(|_| ())
    }

    /// Whether it may log in, and every privilege it holds on store
    /// `key`'s schema and relations, as `object privilege grantable`.
    pub fn rights(&self, db: &FreshDatabase, key: &str) -> (bool, Vec<String>) {
        let mut client = db.settings.connect(Some(&db.secret)).expect("the server");
        let login: bool = client
            .query_one(
                "SELECT rolcanlogin FROM pg_roles WHERE rolname = $1",
                &[&self.name],
            )
            .expect("the role")
            .get(0);
        let grants = client
            .query(
                "SELECT n.nspname || ' ' || a.privilege_type || ' ' || a.is_grantable
                 FROM pg_namespace n, aclexplode(n.nspacl) a
                 WHERE n.nspname = $1 AND a.grantee = $2::text::regrole
                 UNION ALL
                 SELECT c.relname || ' ' || a.privilege_type || ' ' || a.is_grantable
                 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace,
                      aclexplode(c.relacl) a
                 WHERE n.nspname = $1 AND a.grantee = $2::text::regrole
                 ORDER BY 1",
                &[&format!("env_{key}"), &self.name],
            )
            .expect("the role's privileges")
            .iter()
            .map(|r| r.get(0))
            .collect();
        (login, grants)
    }
}
