//! An account on a PostgreSQL server for the workspace tests: its
//! creation form's choice, the schemas it made, a sandbox to promote.

use super::pg::FreshDatabase;
use super::{at, boss};
use cutover_core::account::{AccountId, NewAccount};
use cutover_core::change::Change;
use cutover_core::environment::EnvironmentKind;
use cutover_core::server::{ServerChoice, TlsMode};
use cutover_core::Result;
use cutover_package::sign;
use cutover_store::{Context, NewEnvironment, Workspace};

pub fn choice(db: &FreshDatabase, password: &str) -> ServerChoice {
    let s = &db.settings;
    ServerChoice {
        url: format!(
            "postgresql://{}@{}:{}/{}",
            s.user, s.host, s.port, s.database
        ),
        tls: TlsMode::Require,
        ca_file: None,
        password: password.into(),
        remember: false,
    }
}

/// The vendor key the accounts made here trust.
pub fn vendor() -> ed25519_dalek::SigningKey {
    ed25519_dalek::SigningKey::from_bytes(&[5; 32])
}

pub fn new_account(name: &str, server: Option<ServerChoice>) -> Result<NewAccount> {
    let key = vendor();
    Ok(NewAccount {
        name: name.into(),
        platform: "Contoso ERP".into(),
        platform_version: "10.0.1".into(),
        time_zone: "Europe/London".into(),
        vendor_name: "Contoso".into(),
        vendor_key: sign::public_key_text(&key.verifying_key()),
        your_name: String::new(),
        calendar: None,
        server,
    })
}

/// The schemas Cutover keeps in the database.
pub fn schemas(db: &FreshDatabase) -> Result<Vec<String>> {
    let mut client = db.settings.connect(Some(&db.secret))?;
    Ok(client
        .query(
            "SELECT nspname::text FROM pg_namespace
             WHERE nspname LIKE 'env\\_%' OR nspname LIKE 'point\\_%' OR nspname LIKE 'retired\\_%'
             ORDER BY 1",
            &[],
        )
        .context("listing schemas")?
        .iter()
        .map(|r| r.get(0))
        .collect())
}

pub fn env_id(ws: &Workspace, account: AccountId, name: &str) -> Result<i64> {
    let overview = ws.overview()?;
    let account = overview
        .iter()
        .find(|a| a.account.id == account)
        .expect("the account");
    Ok(account
        .environments
        .iter()
        .find(|e| e.environment.name == name)
        .expect("the environment")
        .environment
        .id)
}

/// An account on `db`'s server with its Ledger app in production and a
/// Promotable sandbox copied from it that adds Payroll: (account,
/// production, sandbox).
pub fn server_account_with_sandbox(
    ws: &Workspace,
    db: &FreshDatabase,
    name: &str,
) -> Result<(AccountId, i64, i64)> {
    let password = db.secret.expose().to_string();
    let account = ws.create_account(
        &new_account(name, Some(choice(db, &password)))?,
        &boss(),
        at(8, 0),
    )?;
    let production = env_id(ws, account, "Production")?;
    let ledger = Change::CreateApp {
        name: "Ledger".into(),
    };
    ws.apply_change(production, &ledger, &boss(), at(8, 1), true)?;
    let sandbox = promotable_sandbox(ws, production)?;
    let payroll = Change::CreateApp {
        name: "Payroll".into(),
    };
    ws.apply_change(sandbox, &payroll, &boss(), at(8, 3), false)?;
    Ok((account, production, sandbox))
}

/// A promotable sandbox named Sandbox, copied from `production`.
pub fn promotable_sandbox(ws: &Workspace, production: i64) -> Result<i64> {
    Ok(ws
        .create_copy(
            &NewEnvironment {
                source_id: production,
                name: "Sandbox".into(),
                kind: EnvironmentKind::Promotable,
            },
            &boss(),
            at(8, 2),
        )?
        .id)
}

/// The `point_` schemas on the server, and the backups the control
/// database records: the same.
pub fn backups_match(ws: &Workspace, db: &FreshDatabase) -> Result<()> {
    let mut on_server = schemas(db)?;
    on_server.retain(|s| s.starts_with("point_"));
    let conn = ws.connect()?;
    let mut stmt = conn
        .prepare("SELECT path FROM backups UNION ALL SELECT path FROM kept_backups ORDER BY 1")
        .context("backups")?;
    let recorded: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .context("backups")?
        .collect::<rusqlite::Result<_>>()
        .context("backups")?;
    assert_eq!(
        on_server, recorded,
        "the server's backups and those recorded"
    );
    Ok(())
}

/// A server account built once for a test's cases, its workspace closed:
/// each case runs on a copy (`copy`) instead of building it again.
pub struct Prepared<S> {
    pub dir: tempfile::TempDir,
    pub db: FreshDatabase,
    pub setup: S,
}

/// A test's setup, which names the database it was made in.
pub trait Setup: Sized {
    fn account(&self) -> AccountId;
    /// The same setup for a copy of its database, `db`.
    fn in_copy(&self, db: &FreshDatabase) -> Self;
}

impl<S: Setup> Prepared<S> {
    /// A case's own copy of the prepared account, open: (folder, database,
    /// setup, workspace).
    pub fn case(&self) -> Result<(tempfile::TempDir, FreshDatabase, S, Workspace)> {
        let (dir, db, ws) = self.copy(self.setup.account())?;
        let setup = self.setup.in_copy(&db);
        Ok((dir, db, setup, ws))
    }
}

impl<S> Prepared<S> {
    pub fn new(setup: impl FnOnce(&Workspace, &FreshDatabase) -> Result<S>) -> Result<Self> {
        let db = FreshDatabase::new();
        let dir = tempfile::tempdir().context("temp dir")?;
        let setup = setup(&Workspace::open(dir.path())?, &db)?;
        Ok(Self { dir, db, setup })
    }

    /// A copy of the data folder and of the database, the copy's
    /// `account` changed to reach the copied database, and the copy open:
    /// (folder, database, workspace).
    pub fn copy(
        &self,
        account: AccountId,
    ) -> Result<(tempfile::TempDir, FreshDatabase, Workspace)> {
        let copy = self.db.copy();
        let to = tempfile::tempdir().context("temp dir")?;
        super::copy_dir(self.dir.path(), to.path())?;
        let ws = Workspace::open(to.path())?;
        let password = copy.secret.expose().to_string();
        ws.change_account_server(account, &choice(&copy, &password), &boss(), at(8, 0))?;
        Ok((to, copy, ws))
    }
}
