//! What the acting admin may do with every account and environment
//! (`cutover_core::allowed`), from the control database alone.

use crate::Workspace;
use cutover_core::admin::Admin;
use cutover_core::allowed::{allowed, Allowed};
use cutover_core::Result;

impl Workspace {
    pub fn allowed(&self, admin: &Admin) -> Result<Allowed> {
        let conn = self.connect()?;
        let accounts = self.accounts()?;
        let mut environments = Vec::new();
        for a in &accounts {
            environments.extend(
                self.environment_rows(&conn, a.id)?
                    .into_iter()
                    .map(|row| row.environment),
            );
        }
        Ok(allowed(admin, &accounts, &environments))
    }
}
