//! Designer changes, the changelog and record edits, as the workspace runs
//! them: each checks the environment's rules (locked, production needs a
//! confirmation, an import running) before opening its store.

use crate::workspace::EnvironmentRow;
use crate::{Context, Workspace};
use chrono::{DateTime, Utc};
use cutover_core::account::EnvironmentId;
use cutover_core::activity::ActivityAction;
use cutover_core::admin::Admin;
use cutover_core::change::Change;
use cutover_core::changelog::{
    recent_weeks, ChangeEntry, ChangelogPage, ChangelogQuery, WeekActivity,
};
use cutover_core::definitions::{Definitions, Record};
use cutover_core::environment::{ensure_confirmed, ensure_unlocked};
use cutover_core::records::{CellInput, RecordPage, RecordQuery};
use cutover_core::{Error, Result};

/// The IANA time zone of an account.
fn account_time_zone(conn: &rusqlite::Connection, account_id: i64) -> Result<String> {
    conn.query_row(
        "SELECT time_zone FROM accounts WHERE id = ?1",
        [account_id],
        |r| r.get(0),
    )
    .context("reading the account's time zone")
}

impl Workspace {
    /// The row of an environment that may be written to now: not locked and
    /// not importing.
    pub(crate) fn writable(&self, id: EnvironmentId) -> Result<EnvironmentRow> {
        let conn = self.connect()?;
        let row = self.environment_row(&conn, id)?;
        // A promotion locks production only once its dry run has passed.
        if let Some((p, locked_at)) = self
            .running_promotion(id)?
            .and_then(|p| p.locked_at.map(|at| (p, at)))
        {
            let zone = account_time_zone(&conn, row.environment.account_id)?;
            let since = match zone.parse::<chrono_tz::Tz>() {
                Ok(tz) => locked_at.with_timezone(&tz).format("%H:%M %Z").to_string(),
                Err(_) => locked_at.format("%H:%M UTC").to_string(),
            };
            return Err(Error::locked(format!(
                "\"{}\" is locked for promotion since {since} ({} is promoting {}). You can still read it; try again when the promotion has finished.",
                row.environment.name, p.author, p.sandbox_name
            )));
        }
        ensure_unlocked(row.environment.status, &row.environment.name)?;
        if let Some(import) = self.running_import(id)? {
            return Err(Error::locked(format!(
                "An import into \"{}\" is running ({}). Wait for it to finish or cancel it.",
                row.environment.name, import.file_name
            )));
        }
        Ok(row)
    }

    pub fn definitions(&self, id: EnvironmentId) -> Result<Definitions> {
        self.store(id)?.definitions()
    }

    /// Applies a designer change as `admin`; production needs `confirmed`.
    pub fn apply_change(
        &self,
        id: EnvironmentId,
        change: &Change,
        admin: &Admin,
        now: DateTime<Utc>,
        confirmed: bool,
    ) -> Result<ChangeEntry> {
        let row = self.writable(id)?;
        ensure_confirmed(row.environment.kind, &row.environment.name, confirmed)?;
        let entry = self.open_row(&row)?.apply(change, &admin.name, now)?;
        tracing::info!(
            environment_id = id,
            seq = entry.seq,
            kind = entry.entity_kind.as_str(),
            action = entry.action.as_str(),
            author = %admin.name,
            "applied a change"
        );
        Ok(entry)
    }

    /// Changes per author in each of the last `weeks` weeks (the account's
    /// weeks, Monday to Sunday), oldest first, for the Changelog tab's chart.
    pub fn changelog_activity(
        &self,
        id: EnvironmentId,
        now: DateTime<Utc>,
        weeks: u32,
    ) -> Result<Vec<WeekActivity>> {
        let conn = self.connect()?;
        let row = self.environment_row(&conn, id)?;
        let time_zone = account_time_zone(&conn, row.environment.account_id)?;
        let store = self.open_row(&row)?;
        recent_weeks(now, &time_zone, weeks)?
            .into_iter()
            .map(|(starts, from, until)| {
                Ok(WeekActivity {
                    starts,
                    authors: store.changelog_activity(from, until)?,
                })
            })
            .collect()
    }

    /// A page of an environment's changelog; days are the account's days.
    pub fn changelog(
        &self,
        id: EnvironmentId,
        query: &ChangelogQuery,
        admin: &Admin,
    ) -> Result<ChangelogPage> {
        let conn = self.connect()?;
        let row = self.environment_row(&conn, id)?;
        let time_zone = account_time_zone(&conn, row.environment.account_id)?;
        let filter = query.resolve(&time_zone)?;
        let store = self.open_row(&row)?;
        let (entries, total) = store.changelog(&filter)?;
        Ok(ChangelogPage {
            entries,
            total: total.count,
            total_estimated: total.estimated,
            authors: store.changelog_authors()?,
            other_authors: store
                .unpromoted_authors()?
                .into_iter()
                .filter(|a| a.author != admin.name)
                .collect(),
        })
    }

    pub fn record_page(
        &self,
        id: EnvironmentId,
        table_id: i64,
        query: &RecordQuery,
    ) -> Result<RecordPage> {
        self.store(id)?.record_page(table_id, query)
    }

    pub fn insert_record(
        &self,
        id: EnvironmentId,
        table_id: i64,
        cells: &[CellInput],
        admin: &Admin,
        now: DateTime<Utc>,
    ) -> Result<Record> {
        let row = self.writable(id)?;
        let mut store = self.open_row(&row)?;
        let record = store.insert_record(table_id, cells)?;
        self.log_record(
            &row,
            store.as_ref(),
            table_id,
            record.id,
            ActivityAction::AddedRecord,
            admin,
            now,
        );
        Ok(record)
    }

    pub fn update_record(
        &self,
        id: EnvironmentId,
        table_id: i64,
        record_id: i64,
        cells: &[CellInput],
        admin: &Admin,
        now: DateTime<Utc>,
    ) -> Result<Record> {
        let row = self.writable(id)?;
        let mut store = self.open_row(&row)?;
        let record = store.update_record(table_id, record_id, cells)?;
        self.log_record(
            &row,
            store.as_ref(),
            table_id,
            record_id,
            ActivityAction::EditedRecord,
            admin,
            now,
        );
        Ok(record)
    }

    pub fn delete_record(
        &self,
        id: EnvironmentId,
        table_id: i64,
        record_id: i64,
        admin: &Admin,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let row = self.writable(id)?;
        let mut store = self.open_row(&row)?;
        store.delete_record(table_id, record_id)?;
        self.log_record(
            &row,
            store.as_ref(),
            table_id,
            record_id,
            ActivityAction::DeletedRecord,
            admin,
            now,
        );
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn log_record(
        &self,
        row: &EnvironmentRow,
        store: &dyn crate::env_store::EnvironmentStore,
        table_id: i64,
        record_id: i64,
        action: ActivityAction,
        admin: &Admin,
        now: DateTime<Utc>,
    ) {
        let table = store
            .definitions()
            .ok()
            .and_then(|d| d.tables.into_iter().find(|t| t.id == table_id))
            .map_or_else(|| format!("table {table_id}"), |t| t.name);
        self.log_activity(
            now,
            &admin.name,
            Some((row.environment.id, &row.environment.name)),
            action,
            &format!("Record {record_id} of {table}"),
        );
    }
}
