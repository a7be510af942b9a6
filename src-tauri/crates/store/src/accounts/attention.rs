//! Gathers the facts behind "what needs you" (`cutover_core::attention`)
//! from the control database and the catalog: production's newest verified
//! backup and version, hotfixes that fix it, open upgrade runs, UAT cycles
//! and the next scheduled upgrade. It does not open any environment's
//! store, so the list stays cheap however big the data is.

use crate::{Context, Workspace};
use chrono::{DateTime, Utc};
use cutover_core::account::Account;
use cutover_core::admin::Admin;
use cutover_core::attention::{
    needs_you, AccountFacts, Attention, CycleFacts, HotfixFacts, PlanFacts, ProductionFacts,
    RunFacts,
};
use cutover_core::environment::EnvironmentKind;
use cutover_core::release::Selectable;
use cutover_core::Result;

impl Workspace {
    /// What needs the admin across every account at `now`, most urgent first.
    pub fn needs_you(&self, admin: &Admin, now: DateTime<Utc>) -> Result<Vec<Attention>> {
        let facts = self
            .accounts()?
            .iter()
            .map(|a| self.account_facts(a, admin, now))
            .collect::<Result<Vec<_>>>()?;
        Ok(needs_you(&facts, now))
    }

    fn account_facts(
        &self,
        account: &Account,
        admin: &Admin,
        now: DateTime<Utc>,
    ) -> Result<AccountFacts> {
        let conn = self.connect()?;
        let catalog = self.catalog(account.id, admin, now)?;
        let mut runs = Vec::new();
        let mut production = None;
        let mut hotfixes = Vec::new();
        for row in self.environment_rows(&conn, account.id)? {
            let env = row.environment;
            if let Some(badge) = self.upgrade_badge(&conn, env.id)? {
                runs.push(RunFacts {
                    environment_id: env.id,
                    environment: env.name.clone(),
                    to_version: badge.to_version,
                    state: badge.state,
                    deadline: badge.deadline,
                });
            }
            if env.kind != EnvironmentKind::Production {
                continue;
            }
            let last_backup_at: Option<DateTime<Utc>> = conn
                .query_row(
                    "SELECT max(taken_at) FROM backups WHERE environment_id = ?1 AND verified_at IS NOT NULL",
                    [env.id],
                    |r| r.get(0),
                )
                .context("reading backups")?;
            let release = catalog.releases.iter().find(|r| r.version == env.version);
            // A version the catalog does not hold (nothing imported yet) is
            // not known to be out of the window.
            let in_window = release.is_none_or(|r| r.selectable == Selectable::Yes);
            let oldest_in_window = catalog.window.len() as u32 >= catalog.window_size
                && catalog.window.last() == Some(&env.version);
            let marks = catalog
                .environments
                .iter()
                .find(|e| e.id == env.id)
                .map(|e| e.hotfixes.clone())
                .unwrap_or_default();
            for mark in marks {
                if let Some(r) = catalog.releases.iter().find(|r| r.version == mark.version) {
                    hotfixes.push(HotfixFacts {
                        release_id: r.id,
                        version: mark.version,
                        areas: mark.areas,
                        reviewed: r.reviewed_count,
                        notes: r.note_count,
                    });
                }
            }
            production = Some(ProductionFacts {
                environment_id: env.id,
                name: env.name,
                version: env.version,
                last_backup_at,
                in_window,
                oldest_in_window,
            });
        }
        let cycles = self
            .uat_cycles(account.id, now)?
            .into_iter()
            .map(|c| CycleFacts {
                id: c.id,
                version: c.version,
                state: c.state,
                production_at: c.production_at,
            })
            .collect();
        let next_plan = self
            .scheduled_upgrades(account.id)?
            .into_iter()
            .filter(|p| p.slot.end > now)
            .min_by_key(|p| p.slot.start)
            .map(|p| PlanFacts {
                version: p.version,
                start: p.slot.start,
                wave: p.wave,
            });
        Ok(AccountFacts {
            account_id: account.id,
            account_name: account.name.clone(),
            production,
            hotfixes,
            runs,
            cycles,
            next_plan,
        })
    }
}
