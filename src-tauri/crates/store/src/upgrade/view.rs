//! Reading upgrade runs back (the Upgrade screen, the history, the log)
//! and the release facts a run needs: its packages, scripts and manifest.

use crate::{Context, Workspace};
use chrono::{DateTime, Utc};
use cutover_core::account::EnvironmentId;
use cutover_core::environment::EnvironmentKind;
use cutover_core::release::Version;
use cutover_core::upgrade::{
    self as rules, DataStep, UpgradeBadge, UpgradeLogLine, UpgradePackage, UpgradeRun, UpgradeState,
};
use cutover_core::{Error, Result};
use cutover_package::Manifest;
use rusqlite::{params, OptionalExtension};

/// What the store knows of a run beyond what the screen shows.
pub(super) struct RunRow {
    pub view: UpgradeRun,
    pub account_id: i64,
    pub copy_key: Option<String>,
}

/// A run's row as stored, before its JSON and text columns are parsed.
struct RawRun {
    environment_id: i64,
    environment_name: String,
    kind: String,
    from_version: String,
    to_version: String,
    author: String,
    state: String,
    step: Option<String>,
    started_at: DateTime<Utc>,
    copy_percent: i64,
    packages: String,
    data_started_at: Option<DateTime<Utc>>,
    data_finished_at: Option<DateTime<Utc>>,
    window_end: Option<DateTime<Utc>>,
    restore_backup_id: Option<i64>,
    finished_at: Option<DateTime<Utc>>,
    reason: Option<String>,
    resumable: bool,
    copy_key: Option<String>,
    copy_ms: Option<i64>,
    actions_done: String,
    account_id: i64,
    manifest: String,
}

const RUN_COLUMNS: &str = "r.id, r.environment_id, e.name, e.kind, r.from_version, r.to_version, r.author,
     r.state, r.step, r.started_at, r.copy_percent, r.packages, r.data_started_at, r.data_finished_at,
     r.window_end, r.restore_backup_id, r.finished_at, r.reason, r.resumable, r.copy_key, r.copy_ms,
     r.actions_done, e.account_id, rel.manifest";

impl Workspace {
    pub(super) fn run_row(&self, id: i64) -> Result<RunRow> {
        let conn = self.connect()?;
        let sql = format!(
            "SELECT {RUN_COLUMNS} FROM upgrade_runs r JOIN environments e ON e.id = r.environment_id
             JOIN releases rel ON rel.id = r.release_id WHERE r.id = ?1"
        );
        let raw = conn
            .query_row(&sql, [id], |r| {
                Ok(RawRun {
                    environment_id: r.get("environment_id")?,
                    environment_name: r.get("name")?,
                    kind: r.get("kind")?,
                    from_version: r.get("from_version")?,
                    to_version: r.get("to_version")?,
                    author: r.get("author")?,
                    state: r.get("state")?,
                    step: r.get("step")?,
                    started_at: r.get("started_at")?,
                    copy_percent: r.get("copy_percent")?,
                    packages: r.get("packages")?,
                    data_started_at: r.get("data_started_at")?,
                    data_finished_at: r.get("data_finished_at")?,
                    window_end: r.get("window_end")?,
                    restore_backup_id: r.get("restore_backup_id")?,
                    finished_at: r.get("finished_at")?,
                    reason: r.get("reason")?,
                    resumable: r.get("resumable")?,
                    copy_key: r.get("copy_key")?,
                    copy_ms: r.get("copy_ms")?,
                    actions_done: r.get("actions_done")?,
                    account_id: r.get("account_id")?,
                    manifest: r.get("manifest")?,
                })
            })
            .optional()
            .context("reading an upgrade run")?
            .ok_or_else(|| Error::not_found(format!("There is no upgrade run {id}.")))?;
        let RawRun {
            environment_id: env_id,
            environment_name: env_name,
            kind,
            from_version: from,
            to_version: to,
            author,
            state,
            step,
            started_at,
            copy_percent,
            packages,
            data_started_at,
            data_finished_at,
            window_end,
            restore_backup_id: restore,
            finished_at,
            reason,
            resumable,
            copy_key,
            copy_ms,
            actions_done,
            account_id,
            manifest,
        } = raw;
        let packages: Vec<UpgradePackage> =
            serde_json::from_str(&packages).context("reading the run's packages")?;
        let manifest: Manifest = serde_json::from_str(&manifest).context("reading the release")?;
        let state = UpgradeState::parse(&state)?;
        let applied: i64 = packages
            .iter()
            .filter_map(|p| p.applied_ms)
            .map(i64::from)
            .sum();
        let predicted_ms = copy_ms.map(|c| (c + applied).clamp(0, u32::MAX as i64) as u32);
        let log = self.upgrade_log(id)?;
        let production = EnvironmentKind::parse(&kind)? == EnvironmentKind::Production;
        let (next_wave, next_window) = match (state, production) {
            (UpgradeState::RolledBack, true) => self
                .next_attempt_slot(
                    account_id,
                    &to,
                    finished_at.or(data_finished_at).unwrap_or(started_at),
                )?
                .map(|(wave, start)| (wave, Some(start)))
                .unwrap_or((None, None)),
            _ => (None, None),
        };
        let data_upgrade_refusal = match state {
            UpgradeState::Packages => rules::ensure_gate_open(&packages, 0, None)
                .err()
                .map(|e| e.message),
            _ => None,
        };
        Ok(RunRow {
            view: UpgradeRun {
                id,
                environment_id: env_id,
                environment_name: env_name,
                production,
                from_version: from,
                to_version: to,
                author,
                state,
                step: step.as_deref().map(DataStep::parse).transpose()?,
                started_at,
                deadline: rules::deadline(started_at),
                copy_percent: copy_percent.clamp(0, 100) as u8,
                packages,
                predicted_ms,
                data_started_at,
                data_finished_at,
                window_end,
                restore_backup_id: restore,
                finished_at,
                reason,
                resumable,
                data_upgrade_refusal,
                has_copy: copy_key.is_some(),
                next_window,
                next_wave,
                post_upgrade_actions: manifest.post_upgrade_actions,
                actions_done: serde_json::from_str(&actions_done)
                    .context("reading the checklist")?,
                log,
            },
            account_id,
            copy_key,
        })
    }

    /// The environment's open run in brief, for the dashboard.
    pub(crate) fn upgrade_badge(
        &self,
        conn: &rusqlite::Connection,
        environment_id: EnvironmentId,
    ) -> Result<Option<UpgradeBadge>> {
        let row: Option<(i64, String, String, DateTime<Utc>)> = conn
            .query_row(
                "SELECT id, to_version, state, started_at FROM upgrade_runs
                 WHERE environment_id = ?1 AND finished_at IS NULL",
                [environment_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()
            .context("reading the open upgrade run")?;
        row.map(|(run_id, to_version, state, started)| {
            Ok(UpgradeBadge {
                run_id,
                to_version,
                state: UpgradeState::parse(&state)?,
                deadline: rules::deadline(started),
            })
        })
        .transpose()
    }

    pub fn upgrade_run(&self, id: i64) -> Result<UpgradeRun> {
        Ok(self.run_row(id)?.view)
    }

    /// The environment's open run, if any.
    pub fn open_upgrade(&self, environment_id: EnvironmentId) -> Result<Option<UpgradeRun>> {
        let id: Option<i64> = self
            .connect()?
            .query_row(
                "SELECT id FROM upgrade_runs WHERE environment_id = ?1 AND finished_at IS NULL",
                [environment_id],
                |r| r.get(0),
            )
            .optional()
            .context("finding the open upgrade run")?;
        id.map(|id| self.upgrade_run(id)).transpose()
    }

    /// Every run of an environment, newest first.
    pub fn upgrade_history(&self, environment_id: EnvironmentId) -> Result<Vec<UpgradeRun>> {
        crate::control::fault::column::<i64>(
            &self.connect()?,
            "SELECT id FROM upgrade_runs WHERE environment_id = ?1 ORDER BY id DESC",
            [environment_id],
            "listing upgrade runs",
        )?
        .into_iter()
        .map(|id| self.upgrade_run(id))
        .collect()
    }

    pub(super) fn upgrade_log(&self, id: i64) -> Result<Vec<UpgradeLogLine>> {
        let conn = self.connect()?;
        let mut stmt = conn
            .prepare_cached("SELECT at, message FROM upgrade_log WHERE run_id = ?1 ORDER BY id")
            .context("reading the run's log")?;
        let rows = stmt
            .query_map([id], |r| {
                Ok(UpgradeLogLine {
                    at: r.get(0)?,
                    message: r.get(1)?,
                })
            })
            .context("reading the run's log")?;
        rows.collect::<rusqlite::Result<_>>()
            .context("reading the run's log")
    }

    pub(super) fn log_run(&self, id: i64, at: DateTime<Utc>, message: &str) -> Result<()> {
        tracing::info!(run = id, "{message}");
        self.connect()?
            .execute(
                "INSERT INTO upgrade_log (run_id, at, message) VALUES (?1, ?2, ?3)",
                params![id, at, message],
            )
            .context("writing the run's log")?;
        Ok(())
    }

    pub(super) fn set_run_packages(&self, id: i64, packages: &[UpgradePackage]) -> Result<()> {
        let json = serde_json::to_string(packages).context("recording the packages")?;
        self.connect()?
            .execute(
                "UPDATE upgrade_runs SET packages = ?2 WHERE id = ?1",
                params![id, json],
            )
            .context("recording the packages")?;
        Ok(())
    }

    /// The named scripts (`migration` or `check`) of one of the account's
    /// releases that run on its engine.
    pub(super) fn release_scripts(
        &self,
        account_id: i64,
        version: &str,
        kind: &str,
    ) -> Result<Vec<(String, String)>> {
        let conn = self.connect()?;
        let mut stmt = conn
            .prepare_cached(
                "SELECT s.name, s.sql FROM release_scripts s JOIN releases r ON r.id = s.release_id
                 WHERE r.account_id = ?1 AND r.version_key = ?2 AND s.kind = ?3
                   AND s.engine IN ('any', ?4)
                 ORDER BY s.name",
            )
            .context("reading the release's scripts")?;
        let engine = self.engine(&conn, account_id)?;
        let rows = stmt
            .query_map(
                params![
                    account_id,
                    Version::parse(version)?.sort_key(),
                    kind,
                    engine.as_str()
                ],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .context("reading the release's scripts")?;
        rows.collect::<rusqlite::Result<_>>()
            .context("reading the release's scripts")
    }

    pub(super) fn release_manifest(
        &self,
        account_id: i64,
        version: &Version,
    ) -> Result<Option<(i64, Manifest)>> {
        let row: Option<(i64, String)> = self
            .connect()?
            .query_row(
                "SELECT id, manifest FROM releases WHERE account_id = ?1 AND version_key = ?2",
                params![account_id, version.sort_key()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .context("reading a release")?;
        row.map(|(id, m)| Ok((id, serde_json::from_str(&m).context("reading a release")?)))
            .transpose()
    }
}
