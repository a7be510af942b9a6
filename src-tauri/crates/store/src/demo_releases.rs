//! The demo account's vendor: its trusted key and the signed release
//! packages the account starts with (`packages/demo/`, built with
//! `cutover-pack` from the folders beside them).

use crate::Workspace;
use chrono::{DateTime, Utc};
use cutover_core::account::AccountId;
use cutover_core::Result;

/// The demo vendor's public key (its secret is committed beside it, so that
/// anyone can rebuild the demo packages; never trust it for real accounts).
pub const VENDOR_KEY: &str = include_str!("../../../../packages/demo/vendor-demo.pub");

/// The releases the demo account starts with; 10.0.4 is left in
/// `packages/demo/` for the user to import.
const RELEASES: [&[u8]; 3] = [
    include_bytes!("../../../../packages/demo/northwind-10.0.1.zip"),
    include_bytes!("../../../../packages/demo/northwind-10.0.2.zip"),
    include_bytes!("../../../../packages/demo/northwind-10.0.3.zip"),
];

pub(crate) fn import(
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
    Ok(())
}
