//! The demo account's vendor: its trusted key, the signed release packages
//! the account starts with, and its extensions — Timesheet core 1.0 and
//! Project export 1.2 installed everywhere, Project export 2.0 (for 10.0.4)
//! in the catalog (`packages/demo/`, built with `cutover-pack` from the
//! folders beside them).

use crate::Workspace;
use chrono::{DateTime, Utc};
use cutover_core::account::AccountId;
use cutover_core::Result;

/// The demo vendor's public key (its secret is committed beside it, so that
/// anyone can rebuild the demo packages; never trust it for real accounts).
pub const VENDOR_KEY: &str = include_str!("../../../../../packages/demo/vendor-demo.pub");

/// The releases the demo account starts with; 10.0.4 is left in
/// `packages/demo/` for the user to import.
const RELEASES: [&[u8]; 3] = [
    include_bytes!("../../../../../packages/demo/northwind-10.0.1.zip"),
    include_bytes!("../../../../../packages/demo/northwind-10.0.2.zip"),
    include_bytes!("../../../../../packages/demo/northwind-10.0.3.zip"),
];

/// The extensions in the demo catalog; the first two are installed.
const EXTENSIONS: [&[u8]; 3] = [
    include_bytes!("../../../../../packages/demo/extensions/timesheet-core-1.0.zip"),
    include_bytes!("../../../../../packages/demo/extensions/project-export-1.2.zip"),
    include_bytes!("../../../../../packages/demo/extensions/project-export-2.0.zip"),
];

pub(super) fn import(
    workspace: &Workspace,
    account_id: AccountId,
    now: DateTime<Utc>,
) -> Result<()> {
    let admin = workspace.current_admin(now)?;
    workspace.trust_key(
        account_id,
        "Northwind (demo vendor)",
        VENDOR_KEY,
        &admin,
        now,
    )?;
    for package in RELEASES {
        workspace.import_release(account_id, package, &admin, now)?;
    }
    let mut ids = Vec::new();
    for package in EXTENSIONS {
        ids.push(
            workspace
                .import_extension(account_id, package, &admin, now)?
                .id,
        );
    }
    let environments = workspace.environment_rows(&workspace.connect()?, account_id)?;
    for env in environments {
        for id in &ids[..2] {
            workspace.install_extension(env.environment.id, *id, &admin, now)?;
        }
    }
    Ok(())
}
