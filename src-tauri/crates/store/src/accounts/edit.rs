//! Changing an account's name, platform name and time zone.

use crate::{Context, Workspace};
use chrono::{DateTime, Utc};
use cutover_core::account::{account_edit_problems, time_zone_problem, AccountEdit, AccountId};
use cutover_core::activity::ActivityAction;
use cutover_core::admin::{ensure_super_admin, Admin};
use cutover_core::{Error, Result};
use rusqlite::params;

impl Workspace {
    /// Saves `edit` for account `id`, or refuses with every problem at
    /// once, changing nothing. The platform name must still match the
    /// releases already imported; stored instants (scheduled upgrades,
    /// backups) keep their moment and are shown in the new zone.
    pub fn edit_account(
        &self,
        id: AccountId,
        edit: &AccountEdit,
        admin: &Admin,
        now: DateTime<Utc>,
    ) -> Result<()> {
        ensure_super_admin(admin, "change an account")?;
        let problems = account_edit_problems(edit, time_zone_problem(&edit.time_zone));
        if !problems.is_empty() {
            return Err(Error::invalid(format!(
                "Nothing was changed. Fix these and try again:\n{}",
                problems.join("\n")
            )));
        }
        let accounts = self.accounts()?;
        let before = accounts
            .iter()
            .find(|a| a.id == id)
            .ok_or_else(|| Error::not_found("That account no longer exists."))?;
        let name = edit.name.trim();
        if accounts
            .iter()
            .any(|a| a.id != id && a.name.to_lowercase() == name.to_lowercase())
        {
            return Err(Error::conflict(format!(
                "Nothing was changed: an account named \"{name}\" already exists. Choose another name."
            )));
        }
        let platform = edit.platform.trim();
        let conn = self.connect()?;
        if platform != before.platform {
            let other: Option<String> = conn
                .query_row(
                    "SELECT version FROM releases WHERE account_id = ?1 AND json_extract(manifest, '$.platform') <> ?2 LIMIT 1",
                    params![id, platform],
                    |r| r.get(0),
                )
                .ok();
            if let Some(version) = other {
                return Err(Error::invalid(format!(
                    "Nothing was changed: release {version} imported here is for the platform \"{}\". The platform name must match the vendor's packages.",
                    before.platform
                )));
            }
        }
        let mut conn = conn;
        let tx = conn.transaction().context("saving the account")?;
        tx.execute(
            "UPDATE accounts SET name = ?2, platform = ?3, time_zone = ?4 WHERE id = ?1",
            params![id, name, platform, edit.time_zone.trim()],
        )
        .context("saving the account")?;
        crate::people::activity::record_activity(
            &tx,
            now,
            &admin.name,
            None,
            ActivityAction::ChangedSettings,
            &format!(
                "Changed the account {} to: name {name}, platform {platform}, time zone {}",
                before.name,
                edit.time_zone.trim()
            ),
        )?;
        tx.commit().context("saving the account")
    }
}
