//! A promotion's plan applied to production, and what a plan would do to a
//! field's values, for every backend.

use super::{apply_in, DesignTx};
use chrono::{DateTime, Utc};
use cutover_core::changelog::ChangeEntry;
use cutover_core::definitions::FieldType;
use cutover_core::promotion::{changes_for, IdMap, PlanStep, StepAction};
use cutover_core::value::convert;
use cutover_core::{Error, Result};

/// Applies every step inside the caller's transaction, mapping the ids of
/// entities the plan creates to the ids production gives them. The first
/// refused change ends it, its error naming the step; the caller then
/// keeps nothing.
pub fn apply_plan(
    tx: &mut dyn DesignTx,
    steps: &[PlanStep],
    author: &str,
    at: DateTime<Utc>,
) -> Result<Vec<ChangeEntry>> {
    let mut map = IdMap::new();
    let mut entries = Vec::new();
    for (n, step) in steps.iter().enumerate() {
        let failed = |e: Error| {
            Error::new(
                e.kind,
                format!(
                    "Step {} of {} ({} {} \"{}\") failed in production: {}",
                    n + 1,
                    steps.len(),
                    match step.action {
                        StepAction::Create => "create",
                        StepAction::Modify => "change",
                        StepAction::Delete => "delete",
                    },
                    step.entity_kind.as_str(),
                    step.entity_name,
                    e.message
                ),
            )
        };
        for change in changes_for(step, &map).map_err(failed)? {
            let entry = apply_in(tx, &change, author, at).map_err(failed)?;
            if step.action == StepAction::Create
                && !map.contains_key(&(step.entity_kind, step.entity_id))
            {
                map.insert((step.entity_kind, step.entity_id), entry.entity_id);
            }
            entries.push(entry);
        }
    }
    Ok(entries)
}

/// Values a field holds, and how many of them would not survive becoming
/// `to` (all of them when the field is deleted, `to` = `None`).
pub fn field_impact(
    tx: &mut dyn DesignTx,
    field_id: i64,
    to: Option<&FieldType>,
) -> Result<(u64, u64)> {
    let field = tx.field(field_id)?;
    let values = tx.values_of(&field)?;
    let failing = match to {
        None => values.len(),
        Some(t) => values
            .iter()
            .filter(|(_, v)| convert(v, t).is_err())
            .count(),
    };
    Ok((values.len() as u64, failing as u64))
}
