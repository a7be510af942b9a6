//! Promotion: apply a promotable sandbox's unpromoted changes to production
//! (DESIGN section 5).
//!
//! Order of work, and what a failure at each point means:
//! 1. plan and pre-checks (super-admin, confirmation, nothing locked or
//!    importing, conflicts decided, disk space), then a dry run on a
//!    throw-away copy of production: a failure here changes nothing and
//!    locks nothing;
//! 2. pause production's integrations, back production up while it stays
//!    online (a watch notes any commit meanwhile), lock it (reads go on,
//!    writes are refused), and if anything was committed since the watch
//!    began, back it up again under the lock;
//! 3. apply the whole plan in one transaction, verify what it touched;
//! 4. mark the sandbox promoted, unlock, resume the integrations.
//!
//! Invariant: once step 3 may have touched production, any failure — or a
//! crash, found again by `recover_promotions` at the next start
//! — restores production from the step-2 backup before it is unlocked.

use crate::workspace::EnvironmentRow;
use crate::{Context, Workspace};
use cutover_core::account::EnvironmentId;
use cutover_core::changelog::EntityKind;
use cutover_core::definitions::FieldType;
use cutover_core::environment::EnvironmentKind;
use cutover_core::promotion::{self as rules, compact, PlanStep, PromotionPlan, StepAction};
use cutover_core::{Error, Result};

impl Workspace {
    pub(super) fn promotion_pair(
        &self,
        sandbox: EnvironmentId,
    ) -> Result<(EnvironmentRow, EnvironmentRow)> {
        let conn = self.connect()?;
        let row = self.environment_row(&conn, sandbox)?;
        rules::ensure_promotable(row.environment.kind, &row.environment.name)?;
        let production = self
            .environment_rows(&conn, row.environment.account_id)?
            .into_iter()
            .find(|e| e.environment.kind == EnvironmentKind::Production)
            .ok_or_else(|| Error::not_found("This account has no production environment."))?;
        Ok((row, production))
    }

    /// The plan a promotion of `sandbox` would apply: its unpromoted changes
    /// compacted and ordered, each with its effect on production's data, and
    /// the conflicts with changes made in production since the copy.
    pub fn promotion_plan(&self, sandbox: EnvironmentId) -> Result<PromotionPlan> {
        let (row, production) = self.promotion_pair(sandbox)?;
        let store = self.open_row(&row)?;
        let mut steps = compact(&store.entries_after(store.copy_point()?)?);
        let mut prod = self.open_row(&production)?;
        let theirs = prod.entries_after(store.production_point()?)?;
        let conflicts = rules::conflicts(&steps, &theirs);
        let tables = prod.definitions()?.tables;
        for step in &mut steps {
            // Production's name for the field's table, so the impact says
            // which "Fax" it is.
            let table = step
                .before
                .as_ref()
                .or(step.after.as_ref())
                .and_then(|v| v["tableId"].as_i64())
                .and_then(|id| tables.iter().find(|t| t.id == id))
                .map(|t| t.name.as_str());
            step.impact = impact(prod.as_mut(), step, table)?;
        }
        Ok(PromotionPlan {
            sandbox_id: sandbox,
            sandbox_name: row.environment.name,
            production_id: production.environment.id,
            production_name: production.environment.name,
            steps,
            conflicts,
        })
    }
}

/// What a step costs production's data, measured on production itself.
fn impact(
    prod: &mut dyn crate::env_store::EnvironmentStore,
    step: &PlanStep,
    table: Option<&str>,
) -> Result<Option<String>> {
    if step.entity_kind != EntityKind::Field {
        return Ok(None);
    }
    let to: Option<FieldType> = match (step.action, &step.after) {
        (StepAction::Delete, _) => None,
        (StepAction::Modify, Some(after)) => {
            let t: FieldType = serde_json::from_value(after["fieldType"].clone())
                .context("reading a planned field type")?;
            let old: Option<FieldType> = step
                .before
                .as_ref()
                .and_then(|b| serde_json::from_value(b["fieldType"].clone()).ok());
            if old.as_ref() == Some(&t) {
                return Ok(None);
            }
            Some(t)
        }
        _ => return Ok(None),
    };
    // A field the sandbox changes may be gone from production (a conflict
    // says so); then there is nothing of it to lose there.
    let Ok((values, failing)) = prod.field_impact(step.entity_id, to.as_ref()) else {
        return Ok(None);
    };
    let field = match table {
        Some(table) => format!("{table}.{}", step.entity_name),
        None => step.entity_name.clone(),
    };
    Ok(match to {
        None if values > 0 => Some(format!(
            "Drops {values} value{} of \"{field}\" in production.",
            if values == 1 { "" } else { "s" },
        )),
        Some(_) if failing > 0 => Some(format!(
            "{failing} of {values} production values of \"{field}\" cannot be converted: the promotion will fail until they are fixed.",
        )),
        _ => None,
    })
}
