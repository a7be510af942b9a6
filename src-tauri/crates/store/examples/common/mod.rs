//! What the benchmarks share: the rows they fill tables with, and a
//! throwaway database on the PostgreSQL server that `CUTOVER_TEST_PG_DIR`
//! names (started by `scripts/pg-server.sh`).

#![allow(dead_code)] // each example uses part of it

use cutover_core::definitions::{FieldType, Value};
use cutover_core::server::TlsMode;
use cutover_core::Result;
use cutover_store::env_store::postgres::{PgBackend, Secret, ServerSettings};
use cutover_store::env_store::EnvironmentStore;
use cutover_store::Context;

/// 10,000 rows of about 1 kB for a table of a text, a number and a flag
/// field, in that order.
pub fn kilobyte_rows() -> Vec<Vec<Value>> {
    let text = "x".repeat(900);
    (0..10_000)
        .map(|i| {
            vec![
                Value::Text(format!("{i} {text}")),
                Value::Number(i as f64),
                Value::Bool(i % 2 == 0),
            ]
        })
        .collect()
}

/// A Bench app with a Rows table of a text, a number and a flag field in
/// `store`: the table's id, for [`fill_to`].
pub fn bench_table(store: &mut dyn EnvironmentStore) -> Result<i64> {
    let app = store.create_app("Bench")?;
    let table = store.create_table(
        &[app.id],
        "Rows",
        &[
            ("Text", FieldType::Text),
            ("Number", FieldType::Number),
            ("Flag", FieldType::Boolean),
        ],
    )?;
    Ok(table.id)
}

/// Adds [`kilobyte_rows`] to `table` until `size` (bytes, as the caller
/// measures the store) reaches `mb` megabytes.
pub fn fill_to(
    store: &mut dyn EnvironmentStore,
    table: i64,
    mb: u64,
    size: &dyn Fn(&dyn EnvironmentStore) -> Result<u64>,
) -> Result<()> {
    let batch = kilobyte_rows();
    while size(store)? < mb * 1_048_576 {
        store.insert_records(table, &batch)?;
    }
    Ok(())
}

/// A store's size as its backend measures it.
pub fn store_size(store: &dyn EnvironmentStore) -> Result<u64> {
    Ok(store.stats()?.size_bytes)
}

/// The quickest of `runs` runs of `f` (given the run's index).
pub fn best_of(runs: usize, mut f: impl FnMut(usize) -> Result<()>) -> Result<std::time::Duration> {
    let mut best = std::time::Duration::MAX;
    for i in 0..runs {
        let start = std::time::Instant::now();
        f(i)?;
        best = best.min(start.elapsed());
    }
    Ok(best)
}

/// The test server's directory, when one is set.
pub fn server_dir() -> Option<std::path::PathBuf> {
    std::env::var_os("CUTOVER_TEST_PG_DIR").map(std::path::PathBuf::from)
}

/// A database of its own on the test server, dropped when this goes.
pub struct Database {
    /// The database's settings, and the password for them.
    pub settings: ServerSettings,
    pub secret: Option<Secret>,
    /// Its URL without the password (an account's server form takes it).
    pub url: String,
    server: ServerSettings,
    name: String,
}

impl Database {
    /// Makes database `<prefix>_<process id>` on the server in `dir`.
    pub fn new(dir: &std::path::Path, prefix: &str) -> Result<Self> {
        let url = std::fs::read_to_string(dir.join("url")).context("reading the server's URL")?;
        let (server, secret) = ServerSettings::from_url(url.trim(), TlsMode::Disable, None)?;
        let name = format!("{prefix}_{}", std::process::id());
        server
            .connect(secret.as_ref())?
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .context("making the bench database")?;
        let base = url
            .trim()
            .rsplit_once('/')
            .map(|(base, _)| base)
            .unwrap_or_default();
        Ok(Self {
            settings: server.with_database(&name),
            secret,
            url: format!("{base}/{name}"),
            server: server.with_database("postgres"),
            name,
        })
    }

    /// A backend keeping environments in this database.
    pub fn backend(&self) -> PgBackend {
        PgBackend::new(self.settings.clone(), self.secret.clone())
    }

    /// A connection to it as the server's administrator.
    pub fn connect(&self) -> Result<postgres::Client> {
        Ok(self.settings.connect(self.secret.as_ref())?)
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        let dropped = (|| -> Result<()> {
            self.server
                .connect(self.secret.as_ref())?
                .batch_execute(&format!("DROP DATABASE {} WITH (FORCE)", self.name))
                .context("dropping the bench database")
        })();
        if let Err(e) = dropped {
            eprintln!("The bench database {} was left: {}", self.name, e.message);
        }
    }
}
