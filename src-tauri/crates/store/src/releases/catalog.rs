//! The Releases screen's catalog: every imported release against the
//! version window at an instant, which environments run it, the hotfixes
//! that concern them, and whether production is blocked from following a
//! sandbox (seed 002).

use crate::releases::import::listed;
use crate::{Context, Workspace};
use chrono::{DateTime, Utc};
use cutover_core::account::AccountId;
use cutover_core::admin::Admin;
use cutover_core::environment::EnvironmentKind;
use cutover_core::release::{self, ReleaseType, Version};
use cutover_core::release_view::{
    Catalog, EnvironmentVersion, HotfixMark, OfferedWave, ReleaseSummary,
};
use cutover_core::{Error, Result};
use cutover_package::Manifest;
use rusqlite::{params, Connection, OptionalExtension, Row};

const SUMMARY_COLUMNS: &str = "r.id, r.version, r.release_type, r.general_availability, r.manifest,
     r.imported_at, r.imported_by,
     (SELECT count(*) FROM release_notes n WHERE n.release_id = r.id),
     (SELECT count(*) FROM release_notes n WHERE n.release_id = r.id AND n.action_required),
     (SELECT count(*) FROM release_notes n JOIN note_reviews v ON v.note_id = n.id
       WHERE n.release_id = r.id AND v.admin_id = ?2)";

struct RawSummary {
    id: i64,
    version: String,
    release_type: String,
    general_availability: DateTime<Utc>,
    manifest: String,
    imported_at: DateTime<Utc>,
    imported_by: String,
    note_count: u32,
    action_required_count: u32,
    reviewed_count: u32,
}

fn raw_summary(r: &Row<'_>) -> rusqlite::Result<RawSummary> {
    Ok(RawSummary {
        id: r.get(0)?,
        version: r.get(1)?,
        release_type: r.get(2)?,
        general_availability: r.get(3)?,
        manifest: r.get(4)?,
        imported_at: r.get(5)?,
        imported_by: r.get(6)?,
        note_count: r.get(7)?,
        action_required_count: r.get(8)?,
        reviewed_count: r.get(9)?,
    })
}

impl Workspace {
    pub fn catalog(
        &self,
        account_id: AccountId,
        admin: &Admin,
        now: DateTime<Utc>,
    ) -> Result<Catalog> {
        let conn = self.connect()?;
        let (account_name, window_size): (String, u32) = conn
            .query_row(
                "SELECT name, version_window FROM accounts WHERE id = ?1",
                [account_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .context("reading the account")?
            .ok_or_else(|| Error::not_found("That account no longer exists."))?;
        let window = release::window(&listed(&conn, account_id)?, window_size, now);
        let environments = self.environment_versions(&conn, account_id)?;
        let mut stmt = conn
            .prepare(&format!(
                "SELECT {SUMMARY_COLUMNS} FROM releases r WHERE r.account_id = ?1 ORDER BY r.version_key DESC"
            ))
            .context("reading releases")?;
        let raws = stmt
            .query_map(params![account_id, admin.id], raw_summary)
            .context("reading releases")?
            .collect::<rusqlite::Result<Vec<_>>>()
            .context("reading releases")?;
        let releases = raws
            .into_iter()
            .map(|raw| summary(raw, &window, &environments, now))
            .collect::<Result<Vec<_>>>()?;
        let blocked = blocked(&environments, &window);
        Ok(Catalog {
            account_id,
            account_name,
            window_size,
            window: window.iter().map(Version::to_string).collect(),
            releases,
            environments,
            blocked,
            trusted_keys: self.trusted_keys(account_id)?,
        })
    }

    /// One release's summary, for its notes screen.
    pub(crate) fn release_summary(
        &self,
        conn: &Connection,
        release_id: i64,
        admin: &Admin,
        now: DateTime<Utc>,
    ) -> Result<(AccountId, ReleaseSummary)> {
        let (account_id, raw) = conn
            .query_row(
                &format!("SELECT {SUMMARY_COLUMNS}, r.account_id FROM releases r WHERE r.id = ?1"),
                params![release_id, admin.id],
                |r| Ok((r.get::<_, AccountId>(10)?, raw_summary(r)?)),
            )
            .optional()
            .context("reading the release")?
            .ok_or_else(|| Error::not_found("That release is no longer in the catalog."))?;
        let window = self.window_at(conn, account_id, now)?;
        let environments = self.environment_versions(conn, account_id)?;
        Ok((account_id, summary(raw, &window, &environments, now)?))
    }

    /// Environments with the hotfixes that concern the version each runs.
    pub(crate) fn environment_versions(
        &self,
        conn: &Connection,
        account_id: AccountId,
    ) -> Result<Vec<EnvironmentVersion>> {
        let mut envs: Vec<EnvironmentVersion> = self
            .environment_rows(conn, account_id)?
            .into_iter()
            .map(|row| EnvironmentVersion {
                id: row.environment.id,
                name: row.environment.name,
                kind: row.environment.kind,
                version: row.environment.version,
                hotfixes: Vec::new(),
            })
            .collect();
        let mut stmt = conn
            .prepare("SELECT version, manifest FROM releases WHERE account_id = ?1 AND release_type = 'hotfix' ORDER BY version_key")
            .context("reading hotfixes")?;
        let hotfixes = stmt
            .query_map([account_id], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })
            .context("reading hotfixes")?
            .collect::<rusqlite::Result<Vec<_>>>()
            .context("reading hotfixes")?;
        for (version, manifest) in hotfixes {
            let manifest = parse_manifest(&manifest)?;
            let fixed = manifest.fixed_versions();
            let areas = manifest.fixes.map(|f| f.areas).unwrap_or_default();
            for env in &mut envs {
                if Version::parse(&env.version).is_ok_and(|v| release::hotfix_affects(&fixed, &v)) {
                    env.hotfixes.push(HotfixMark {
                        version: version.clone(),
                        areas: areas.clone(),
                    });
                }
            }
        }
        Ok(envs)
    }
}

fn parse_manifest(text: &str) -> Result<Manifest> {
    serde_json::from_str(text).context("reading a stored manifest")
}

fn summary(
    raw: RawSummary,
    window: &[Version],
    environments: &[EnvironmentVersion],
    now: DateTime<Utc>,
) -> Result<ReleaseSummary> {
    let manifest = parse_manifest(&raw.manifest)?;
    let version = Version::parse(&raw.version)?;
    let listed = release::Listed {
        version: version.clone(),
        general_availability: raw.general_availability,
    };
    Ok(ReleaseSummary {
        id: raw.id,
        release_type: ReleaseType::parse(&raw.release_type)?,
        published: manifest.published,
        general_availability: raw.general_availability.date_naive(),
        selectable: release::selectable(&listed, window, now),
        running_in: environments
            .iter()
            .filter(|e| Version::parse(&e.version).is_ok_and(|v| v == version))
            .map(|e| e.name.clone())
            .collect(),
        note_count: raw.note_count,
        reviewed_count: raw.reviewed_count,
        action_required_count: raw.action_required_count,
        waves: manifest
            .waves
            .iter()
            .map(|w| OfferedWave {
                name: w.name.clone(),
                date: w.date,
            })
            .collect(),
        required_hotfixes: manifest.required_hotfixes.clone(),
        post_upgrade_actions: manifest.post_upgrade_actions.clone(),
        fixes_versions: manifest
            .fixes
            .as_ref()
            .map(|f| f.versions.clone())
            .unwrap_or_default(),
        fixes_areas: manifest
            .fixes
            .as_ref()
            .map(|f| f.areas.clone())
            .unwrap_or_default(),
        imported_at: raw.imported_at,
        imported_by: raw.imported_by,
        version: raw.version,
    })
}

/// Seed 002's block, for every sandbox ahead of production.
fn blocked(environments: &[EnvironmentVersion], window: &[Version]) -> Vec<String> {
    let Some(production) = environments
        .iter()
        .find(|e| e.kind == EnvironmentKind::Production)
    else {
        return Vec::new();
    };
    let Ok(production_version) = Version::parse(&production.version) else {
        return Vec::new();
    };
    environments
        .iter()
        .filter(|e| e.kind != EnvironmentKind::Production)
        .filter_map(|e| {
            let v = Version::parse(&e.version).ok()?;
            release::production_blocked(&e.name, &v, &production_version, window)
        })
        .collect()
}
