//! Exporting an environment to a standalone SQLite file, for archiving or
//! handing to a colleague; the file comes back as production of a new
//! account (`sources`), exactly.

use crate::Workspace;
use chrono::{DateTime, SecondsFormat, Utc};
use cutover_core::account::EnvironmentId;
use cutover_core::activity::ActivityAction;
use cutover_core::admin::{ensure_super_admin, Admin};
use cutover_core::{Error, Result};
use std::path::Path;

impl Workspace {
    /// Writes environment `id` to `dest` (docs/environment-file.md),
    /// replacing the file if it exists; the environment stays online.
    pub fn export_environment(
        &self,
        id: EnvironmentId,
        dest: &Path,
        admin: &Admin,
        now: DateTime<Utc>,
    ) -> Result<()> {
        ensure_super_admin(admin, "export an environment")?;
        if dest.is_dir() {
            return Err(Error::invalid(format!(
                "{} is a folder. Choose a file name to export to, e.g. production.sqlite.",
                dest.display()
            )));
        }
        if dest
            .parent()
            .is_some_and(|p| !p.as_os_str().is_empty() && !p.is_dir())
        {
            return Err(Error::invalid(format!(
                "The folder of {} does not exist. Choose a file in a folder that exists.",
                dest.display()
            )));
        }
        let env = self.environment(id)?;
        let account = self
            .accounts()?
            .into_iter()
            .find(|a| a.id == env.account_id)
            .ok_or_else(|| Error::not_found("That environment's account no longer exists."))?;
        let store = self.store(id)?;
        store.export_to(
            dest,
            &[
                ("account", account.name.clone()),
                ("platform", account.platform.clone()),
                ("environment", env.name.clone()),
                ("platform_version", store.platform_version()?),
                (
                    "exported_at",
                    now.to_rfc3339_opts(SecondsFormat::Secs, true),
                ),
                ("exported_by", admin.name.clone()),
            ],
        )?;
        self.log_activity(
            now,
            &admin.name,
            Some((id, &env.name)),
            ActivityAction::Exported,
            &format!("Exported to {}", dest.display()),
        );
        Ok(())
    }
}
