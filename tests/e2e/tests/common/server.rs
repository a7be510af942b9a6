//! The PostgreSQL test server as the server scenarios use it: a database
//! of their own, made and dropped as its administrator would, and what
//! they check in it.

use cutover_e2e::Result;
use cutover_store::env_store::postgres::{Secret, ServerSettings, TlsMode};

/// Runs blocking database work off the test's async runtime (the
/// `postgres` client runs a runtime of its own).
pub fn blocking<T: Send>(work: impl FnOnce() -> Result<T> + Send) -> Result<T> {
    std::thread::scope(|s| s.spawn(work).join()).map_err(|_| "the database work panicked")?
}

/// A name no other scenario of this run uses.
pub fn uuid_like() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!("{}_{nanos}", std::process::id())
}

/// The test server's superuser and password.
pub fn server_admin() -> Result<(ServerSettings, Secret)> {
    let dir = std::env::var("CUTOVER_TEST_PG_DIR").map_err(|_| {
        "No PostgreSQL test server: run `bash scripts/pg-server.sh start /tmp/cutover-pg` and set CUTOVER_TEST_PG_DIR=/tmp/cutover-pg (scripts/test.sh does both)."
    })?;
    let url = std::fs::read_to_string(std::path::Path::new(&dir).join("url"))?;
    let (admin, secret) = ServerSettings::from_url(url.trim(), TlsMode::Disable, None)?;
    Ok((admin, secret.ok_or("the test URL has a password")?))
}

/// A database of its own on the test server (`CUTOVER_TEST_PG_DIR`), made
/// as the server's administrator would before creating the account: its
/// URL without the password, and the password.
pub fn fresh_database() -> Result<(String, String, ServerSettings)> {
    let (admin, secret) = server_admin()?;
    let name = format!("cutover_e2e_{}", uuid_like());
    let mut client = admin.connect(Some(&secret)).map_err(|p| p.message)?;
    client.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))?;
    client.batch_execute(&format!("CREATE DATABASE {name}"))?;
    let settings = admin.with_database(&name);
    let url = format!(
        "postgresql://{}@{}:{}/{}",
        settings.user, settings.host, settings.port, settings.database
    );
    Ok((url, secret.expose().to_string(), settings))
}

/// Drops the scenario's database (and whatever is still connected to it).
pub fn drop_database(settings: &ServerSettings) -> Result<()> {
    let (admin, secret) = server_admin()?;
    admin
        .connect(Some(&secret))
        .map_err(|p| p.message)?
        .batch_execute(&format!("DROP DATABASE {} WITH (FORCE)", settings.database))?;
    Ok(())
}

/// How many environment schemas the account's database holds.
pub fn environment_schemas(settings: &ServerSettings, password: &str) -> Result<i64> {
    let secret = Secret::new(password);
    let row = settings
        .connect(Some(&secret))
        .map_err(|p| p.message)?
        .query_one(
            "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'env\\_%'",
            &[],
        )?;
    Ok(row.get(0))
}
