//! A new environment (a sandbox or UAT) made as a consistent copy of
//! another in the same account, while the source stays online.

use crate::{Context, Workspace};
use chrono::{DateTime, Utc};
use cutover_core::account::Environment;
use cutover_core::activity::ActivityAction;
use cutover_core::admin::Admin;
use cutover_core::backup::CopyProgress;
use cutover_core::environment as rules;
use cutover_core::{Error, ErrorKind, Result};
use rusqlite::params;
use std::sync::atomic::AtomicBool;

use crate::workspace::NewEnvironment;

impl Workspace {
    /// Creates an environment as a consistent copy of another, in the same
    /// account, while the source stays online.
    pub fn create_copy(
        &self,
        request: &NewEnvironment,
        admin: &Admin,
        now: DateTime<Utc>,
    ) -> Result<Environment> {
        let never = AtomicBool::new(false);
        self.create_copy_until(request, admin, now, &|_| {}, &never)
    }

    /// [`Self::create_copy`] reporting the copy's progress, which the admin
    /// may stop while it copies: it ends `cancelled` and nothing is made.
    pub fn create_copy_until(
        &self,
        request: &NewEnvironment,
        admin: &Admin,
        now: DateTime<Utc>,
        progress: &dyn Fn(CopyProgress),
        stop: &AtomicBool,
    ) -> Result<Environment> {
        let name = rules::validate_name(&request.name)?;
        let conn = self.connect()?;
        let source = self.environment_row(&conn, request.source_id)?;
        let siblings = self.environment_rows(&conn, source.environment.account_id)?;
        rules::ensure_copyable(source.environment.kind, request.kind)?;
        rules::ensure_kind_available(request.kind, siblings.iter().map(|s| &s.environment.kind))?;
        rules::ensure_unique_name(&name, siblings.iter().map(|s| s.environment.name.as_str()))?;

        let key = uuid::Uuid::new_v4().simple().to_string();
        // A copy lives where its source does: on the account's backend.
        let backend = self.backend(source.environment.account_id)?;
        backend
            .copy(&source.store_key, &key, progress, stop)
            .map_err(|e| match e.kind {
                ErrorKind::Cancelled => Error::cancelled(format!(
                    "{name} was not created: the copy of {} was stopped and nothing was kept.",
                    source.environment.name
                )),
                _ => e,
            })?;
        if let Err(e) = backend.open(&key).and_then(|mut s| s.mark_copied()) {
            let _ = backend.discard(&key);
            return Err(e);
        }
        // The row and its activity entry commit together; a failure of
        // either discards the copy, so nothing is half made.
        let mut conn = conn;
        let tx = match conn.transaction() {
            Ok(tx) => tx,
            Err(e) => {
                let _ = backend.discard(&key);
                return Err(e).context("recording the new environment");
            }
        };
        let inserted = tx.execute(
            "INSERT INTO environments (account_id, name, kind, version, status, store_kind, store_key, copied_from, created_at)
             VALUES (?1, ?2, ?3, ?4, 'ready', ?5, ?6, ?7, ?8)",
            params![
                source.environment.account_id,
                name,
                request.kind.as_str(),
                source.environment.version,
                backend.kind(),
                key,
                source.environment.id,
                now,
            ],
        );
        match inserted {
            Ok(_) => {
                let id = tx.last_insert_rowid();
                let recorded = crate::people::activity::record_activity(
                    &tx,
                    now,
                    &admin.name,
                    Some((id, &name)),
                    ActivityAction::CreatedEnvironment,
                    &format!("Created as a copy of {}", source.environment.name),
                )
                .and_then(|()| tx.commit().context("recording the new environment"));
                if let Err(e) = recorded {
                    let _ = backend.discard(&key);
                    return Err(e);
                }
                self.environment(id)
            }
            Err(e) => {
                // The copy is not recorded anywhere: remove it so nothing is half made.
                let _ = backend.discard(&key);
                if crate::control::fault::is_unique_violation(&e) {
                    Err(Error::conflict(format!(
                        "Another environment named \"{name}\" (or another {}) was just created. Refresh and choose another name.",
                        request.kind.label()
                    )))
                } else {
                    Err(e).context("recording the new environment")
                }
            }
        }
    }
}
