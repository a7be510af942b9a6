//! A local account to move between this computer and a server, and what
//! the user sees of it there, for the move tests.

use super::pg::FreshDatabase;
use super::server::{env_id, new_account, promotable_sandbox, schemas};
use super::{at, boss};
use cutover_core::account::AccountId;
use cutover_core::backup::BackupReason;
use cutover_core::change::Change;
use cutover_core::definitions::Definitions;
use cutover_core::Result;
use cutover_store::{Context, Workspace};

pub fn app(name: &str) -> Change {
    Change::CreateApp { name: name.into() }
}

/// A local account: production with Ledger, a backup of it, then Audit
/// added; a promotable sandbox adding Payroll, backed up too.
pub fn local_account(ws: &Workspace) -> Result<AccountId> {
    let account = ws.create_account(&new_account("Contoso", None)?, &boss(), at(8, 0))?;
    let production = env_id(ws, account, "Production")?;
    ws.apply_change(production, &app("Ledger"), &boss(), at(8, 1), true)?;
    let sandbox = promotable_sandbox(ws, production)?;
    ws.take_backup(production, BackupReason::Manual, &boss(), at(8, 3), &|_| {})?;
    ws.apply_change(production, &app("Audit"), &boss(), at(8, 4), true)?;
    ws.apply_change(sandbox, &app("Payroll"), &boss(), at(8, 5), false)?;
    ws.take_backup(sandbox, BackupReason::Manual, &boss(), at(8, 6), &|_| {})?;
    Ok(account)
}

/// What the user sees of the account: where it lives, each environment's
/// design and unpromoted authors, each backup (id, when, why) and whether
/// it verifies.
#[derive(Debug, PartialEq)]
pub struct Seen {
    pub on_server: bool,
    pub environments: Vec<(String, Definitions, usize)>,
    pub backups: Vec<(i64, String, String)>,
}

pub fn seen(ws: &Workspace, account: AccountId) -> Result<Seen> {
    let overview = ws.overview()?;
    let acc = overview
        .iter()
        .find(|a| a.account.id == account)
        .expect("the account");
    let mut environments = Vec::new();
    let mut backups = Vec::new();
    for e in &acc.environments {
        let id = e.environment.id;
        let unpromoted = ws
            .refresh_preview(id)
            .map(|p| p.unpromoted.len())
            .unwrap_or(0);
        environments.push((e.environment.name.clone(), ws.definitions(id)?, unpromoted));
        for b in ws.backups(id)? {
            let checked = ws.verify_backup(b.id, at(12, 0))?;
            assert!(
                checked.problem.is_none(),
                "backup #{} verifies: {:?}",
                b.id,
                checked.problem
            );
            backups.push((b.id, b.taken_at.to_rfc3339(), b.reason.as_str().to_string()));
        }
    }
    Ok(Seen {
        on_server: ws.account_server(account)?.is_some(),
        environments,
        backups,
    })
}

pub fn apps(ws: &Workspace, env: i64) -> Result<Vec<String>> {
    Ok(ws
        .definitions(env)?
        .apps
        .into_iter()
        .map(|a| a.name)
        .collect())
}

/// The stores in the data folder's environments folder.
pub fn local_stores(ws: &Workspace) -> Result<Vec<String>> {
    let dir = ws.root().join("environments");
    if !dir.exists() {
        return Ok(Vec::new());
    }
    let mut out: Vec<String> = std::fs::read_dir(dir)
        .context("listing")?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".sqlite"))
        .collect();
    out.sort();
    Ok(out)
}

pub fn count(db: &FreshDatabase, prefix: &str) -> Result<usize> {
    Ok(schemas(db)?
        .iter()
        .filter(|s| s.starts_with(prefix))
        .count())
}
