//! The promotion plan: a sandbox's unpromoted changelog turned into the
//! fewest changes that bring production to the sandbox's definitions
//! (DESIGN section 5, seed 003).
//!
//! Rules: entries are grouped by entity (kind and id, which survive
//! renames); a group becomes one step from its first `before` to its last
//! `after` (add-then-rename is one add, add-then-delete is nothing, a
//! rename back is nothing); steps are ordered so that what a step needs
//! exists before it (apps, tables, shares, fields, field changes, views,
//! then field deletions, which views may have stopped using).

use crate::change::{Change, ViewFilter};
use crate::changelog::{ChangeEntry, EntityKind};
use crate::definitions::{FieldType, ViewDef};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use specta::Type;
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum StepAction {
    Create,
    Modify,
    Delete,
}

/// One step of a plan: an entity's net change, with who made it.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PlanStep {
    pub entity_kind: EntityKind,
    /// The entity's id in the sandbox (the same in production for entities
    /// that existed when the sandbox was copied).
    pub entity_id: i64,
    pub entity_name: String,
    pub action: StepAction,
    /// Everyone whose entries this step carries, in order of first change.
    pub authors: Vec<String>,
    /// The changelog entries it compacts.
    pub seqs: Vec<i64>,
    #[serde(skip)]
    #[specta(skip)]
    pub before: Option<serde_json::Value>,
    #[serde(skip)]
    #[specta(skip)]
    pub after: Option<serde_json::Value>,
    pub diff: Vec<crate::changelog::FieldDiff>,
    /// What the step does to production's data, when it loses any, e.g.
    /// "Drops 150 values of \"Employees.Phone\" in production".
    pub impact: Option<String>,
}

/// Compacts unpromoted entries (any order) into ordered plan steps.
pub fn compact(entries: &[ChangeEntry]) -> Vec<PlanStep> {
    let mut sorted: Vec<&ChangeEntry> = entries.iter().collect();
    sorted.sort_by_key(|e| e.seq);
    let mut groups: Vec<((EntityKind, i64), Vec<&ChangeEntry>)> = Vec::new();
    for e in sorted {
        let key = (e.entity_kind, e.entity_id);
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, g)) => g.push(e),
            None => groups.push((key, vec![e])),
        }
    }
    let mut steps: Vec<PlanStep> = groups
        .into_iter()
        .filter_map(|((kind, id), group)| {
            let first = group.first()?;
            let last = group.last()?;
            let (before, after) = (first.before.clone(), last.after.clone());
            let action = match (&before, &after) {
                (None, None) => return None,
                (None, Some(_)) => StepAction::Create,
                (Some(_), None) => StepAction::Delete,
                (Some(b), Some(a)) if b == a => return None,
                (Some(_), Some(_)) => StepAction::Modify,
            };
            let mut authors: Vec<String> = Vec::new();
            for e in &group {
                if !authors.contains(&e.author) {
                    authors.push(e.author.clone());
                }
            }
            Some(PlanStep {
                entity_kind: kind,
                entity_id: id,
                entity_name: last.entity_name.clone(),
                action,
                authors,
                seqs: group.iter().map(|e| e.seq).collect(),
                diff: crate::changelog::diff(before.as_ref(), after.as_ref()),
                impact: None,
                before,
                after,
            })
        })
        .collect();
    steps.sort_by_key(|s| (rank(s), s.seqs.first().copied().unwrap_or(0)));
    steps
}

/// Dependency order: what a step refers to is made by a lower rank.
fn rank(s: &PlanStep) -> u8 {
    use EntityKind::*;
    use StepAction::*;
    match (s.entity_kind, s.action) {
        (App, Create) => 0,
        (App, _) => 1,
        (Table, Create) => 2,
        (Table, _) => 3,
        (Field, Create) => 4,
        (Field, Modify) => 5,
        (View, _) => 6,
        (Field, Delete) => 7,
    }
}

/// Production ids of the entities a plan creates, as it is applied.
pub type IdMap = HashMap<(EntityKind, i64), i64>;

fn mapped(map: &IdMap, kind: EntityKind, id: i64) -> i64 {
    map.get(&(kind, id)).copied().unwrap_or(id)
}

fn field<T: serde::de::DeserializeOwned>(v: &serde_json::Value, name: &str) -> Result<T> {
    serde_json::from_value(v.get(name).cloned().unwrap_or_default())
        .map_err(|e| Error::internal(format!("A changelog entry lacks a valid {name}: {e}.")))
}

fn map_type(t: FieldType, map: &IdMap) -> FieldType {
    match t {
        FieldType::Link { table_id } => FieldType::Link {
            table_id: mapped(map, EntityKind::Table, table_id),
        },
        other => other,
    }
}

fn map_filter(f: Option<ViewFilter>, map: &IdMap) -> Option<ViewFilter> {
    f.map(|f| ViewFilter {
        field_id: mapped(map, EntityKind::Field, f.field_id),
        ..f
    })
}

/// The designer changes that carry out a step in production, given the
/// production ids of entities created by earlier steps.
pub fn changes_for(step: &PlanStep, map: &IdMap) -> Result<Vec<Change>> {
    use EntityKind::*;
    let before = step.before.as_ref();
    let after = step.after.as_ref();
    let need = |v: Option<&serde_json::Value>| {
        v.cloned()
            .ok_or_else(|| Error::internal("A plan step lacks the definition it needs."))
    };
    Ok(match (step.entity_kind, step.action) {
        (App, StepAction::Create) => vec![Change::CreateApp {
            name: field(&need(after)?, "name")?,
        }],
        (Table, StepAction::Create) | (Table, StepAction::Modify) => {
            let a = need(after)?;
            let apps: Vec<i64> = field(&a, "appIds")?;
            let had: Vec<i64> = match before {
                Some(b) => field(b, "appIds")?,
                None => Vec::new(),
            };
            let table_id = mapped(map, Table, step.entity_id);
            let mut out = Vec::new();
            let mut new_apps = apps.iter().filter(|id| !had.contains(id));
            if step.action == StepAction::Create {
                let first = new_apps
                    .next()
                    .ok_or_else(|| Error::internal("A new table belongs to no app."))?;
                out.push(Change::CreateTable {
                    app_id: mapped(map, App, *first),
                    name: field(&a, "name")?,
                });
            }
            for app in new_apps {
                out.push(Change::ShareTable {
                    table_id,
                    app_id: mapped(map, App, *app),
                });
            }
            out
        }
        (Field, StepAction::Create) => {
            let a = need(after)?;
            vec![Change::AddField {
                table_id: mapped(map, Table, field(&a, "tableId")?),
                name: field(&a, "name")?,
                field_type: map_type(field(&a, "fieldType")?, map),
            }]
        }
        (Field, StepAction::Modify) => {
            let (b, a) = (need(before)?, need(after)?);
            let field_id = mapped(map, Field, step.entity_id);
            let mut out = Vec::new();
            let (old_name, new_name): (String, String) = (field(&b, "name")?, field(&a, "name")?);
            if old_name != new_name {
                out.push(Change::RenameField {
                    field_id,
                    name: new_name,
                });
            }
            let (old_t, new_t): (FieldType, FieldType) =
                (field(&b, "fieldType")?, field(&a, "fieldType")?);
            if old_t != new_t {
                out.push(match (&old_t, new_t) {
                    (FieldType::Choice { .. }, FieldType::Choice { options }) => {
                        Change::SetChoiceOptions { field_id, options }
                    }
                    (_, t) => Change::RetypeField {
                        field_id,
                        field_type: map_type(t, map),
                    },
                });
            }
            out
        }
        (Field, StepAction::Delete) => vec![Change::DeleteField {
            field_id: mapped(map, Field, step.entity_id),
        }],
        (View, StepAction::Create) | (View, StepAction::Modify) => {
            let v: ViewDef = serde_json::from_value(need(after)?)
                .map_err(|e| Error::internal(format!("A view entry is unreadable: {e}.")))?;
            let field_ids = v
                .field_ids
                .iter()
                .map(|id| mapped(map, Field, *id))
                .collect();
            let filter = map_filter(v.filter, map);
            if step.action == StepAction::Create {
                vec![Change::CreateView {
                    app_id: mapped(map, App, v.app_id),
                    table_id: mapped(map, Table, v.table_id),
                    name: v.name,
                    field_ids,
                    filter,
                }]
            } else {
                vec![Change::EditView {
                    view_id: mapped(map, View, step.entity_id),
                    name: v.name,
                    field_ids,
                    filter,
                }]
            }
        }
        (kind, action) => {
            return Err(Error::invalid(format!(
                "Cutover cannot promote a {action:?} of a {} yet.",
                kind.as_str()
            )))
        }
    })
}

/// A sandbox's plan as the review screen shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PromotionPlan {
    pub sandbox_id: i64,
    pub sandbox_name: String,
    pub production_id: i64,
    pub production_name: String,
    pub steps: Vec<PlanStep>,
    pub conflicts: Vec<Conflict>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum PromotionState {
    Running,
    Committed,
    Failed,
    /// Committed, then undone from its backup.
    Undone,
}

/// The steps of a promotion, in order; a failed promotion names its step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum PromotionStep {
    DryRun,
    Lock,
    Backup,
    Apply,
    Verify,
    Unlock,
    Done,
}

text_enum!(PromotionState {
    Running = "running",
    Committed = "committed",
    Failed = "failed",
    Undone = "undone",
});
text_enum!(PromotionStep {
    DryRun = "dry_run",
    Lock = "lock",
    Backup = "backup",
    Apply = "apply",
    Verify = "verify",
    Unlock = "unlock",
    Done = "done",
});

impl PromotionStep {
    /// Whether production may have been changed by the time this step runs
    /// (then a failure or a crash restores it from the backup).
    pub fn touches_production(self) -> bool {
        matches!(self, Self::Apply | Self::Verify | Self::Unlock)
    }
}

/// A promotion as the history shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Promotion {
    pub id: i64,
    pub sandbox_name: String,
    pub production_id: i64,
    pub author: String,
    pub started_at: chrono::DateTime<chrono::Utc>,
    pub locked_at: Option<chrono::DateTime<chrono::Utc>>,
    pub unlocked_at: Option<chrono::DateTime<chrono::Utc>>,
    pub finished_at: Option<chrono::DateTime<chrono::Utc>>,
    pub state: PromotionState,
    pub step: PromotionStep,
    pub backup_id: Option<i64>,
    pub reason: Option<String>,
    /// Production's integrations it paused (and resumed).
    pub paused_integrations: Vec<String>,
    /// The plan it applied (or tried to).
    pub plan: Vec<PlannedChange>,
}

/// One step of a recorded plan, as the history shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PlannedChange {
    pub entity_kind: EntityKind,
    pub entity_name: String,
    pub action: StepAction,
    pub authors: Vec<String>,
}

/// What undoing a promotion would discard, said before it runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct UndoPreview {
    pub promotion: Promotion,
    /// Definition changes made in production since the promotion.
    pub definition_changes: u32,
    /// Record edits, imports and other data changes made through Cutover
    /// in production since the promotion.
    pub data_changes: u32,
}

/// Checks that production's definitions, read back after a promotion, are
/// what the applied changes say: each entity's last `after` is there, and
/// each deleted one is gone. Names the first mismatch.
pub fn ensure_definitions_match(
    defs: &crate::definitions::Definitions,
    applied: &[ChangeEntry],
) -> Result<()> {
    let mut last: HashMap<(EntityKind, i64), &ChangeEntry> = HashMap::new();
    for e in applied {
        last.insert((e.entity_kind, e.entity_id), e);
    }
    for ((kind, id), e) in last {
        let found: Option<serde_json::Value> = match kind {
            EntityKind::App => defs
                .apps
                .iter()
                .find(|a| a.id == id)
                .map(|a| serde_json::json!({"id": a.id, "name": a.name})),
            EntityKind::Table => defs
                .tables
                .iter()
                .find(|t| t.id == id)
                .map(|t| serde_json::json!({"id": t.id, "name": t.name, "appIds": t.app_ids})),
            EntityKind::Field => defs
                .tables
                .iter()
                .flat_map(|t| &t.fields)
                .find(|f| f.id == id)
                .and_then(|f| serde_json::to_value(f).ok()),
            EntityKind::View => defs
                .views
                .iter()
                .find(|v| v.id == id)
                .and_then(|v| serde_json::to_value(v).ok()),
        };
        if found != e.after {
            return Err(Error::internal(format!(
                "After applying, production's {} \"{}\" is not what the plan made it.",
                kind.as_str(),
                e.entity_name
            )));
        }
    }
    Ok(())
}

/// A promotion copies production twice (the dry run's copy, then the
/// backup, one after the other): refuse unless a copy fits with 10% to spare.
pub fn ensure_disk_space(production_bytes: u64, free_bytes: u64) -> Result<()> {
    let needed = production_bytes + production_bytes / 10;
    if free_bytes < needed {
        let mb = |b: u64| b.div_ceil(1_048_576);
        return Err(Error::conflict(format!(
            "Not enough free disk space for the backup a promotion takes: it needs about {} MB, {} MB are free. Free some space (delete old backups, say) and try again.",
            mb(needed),
            mb(free_bytes)
        )));
    }
    Ok(())
}

/// Only a promotable sandbox is promoted.
pub fn ensure_promotable(kind: crate::environment::EnvironmentKind, name: &str) -> Result<()> {
    if kind != crate::environment::EnvironmentKind::Promotable {
        return Err(Error::forbidden(format!(
            "\"{name}\" is not a promotable sandbox. Make your changes in the promotable sandbox and promote from there."
        )));
    }
    Ok(())
}

/// The user confirms a promotion by typing production's name exactly.
pub fn ensure_confirmed_name(typed: &str, production: &str) -> Result<()> {
    if typed.trim() != production {
        return Err(Error::invalid(format!(
            "Type the production environment's name, \"{production}\", exactly to confirm the promotion."
        )));
    }
    Ok(())
}

/// An entity the plan changes that production also changed since the
/// sandbox was copied: promotion waits until the user decides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Conflict {
    pub entity_kind: EntityKind,
    pub entity_id: i64,
    pub entity_name: String,
    /// Who changed it in production, and the production changelog entries.
    pub production_authors: Vec<String>,
    pub production_seqs: Vec<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    /// Promote the sandbox's version over production's change.
    KeepSandbox,
    /// Leave production's version; the sandbox's step is dropped.
    KeepProduction,
}

/// The user's decision about one conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Decision {
    pub entity_kind: EntityKind,
    pub entity_id: i64,
    pub resolution: Resolution,
}

/// The conflicts between a plan and production's entries made since the
/// sandbox was copied. Entities the plan creates are new in the sandbox:
/// their ids mean nothing in production, so they never conflict by id.
pub fn conflicts(steps: &[PlanStep], production_since_copy: &[ChangeEntry]) -> Vec<Conflict> {
    steps
        .iter()
        .filter(|s| s.action != StepAction::Create)
        .filter_map(|s| {
            let theirs: Vec<&ChangeEntry> = production_since_copy
                .iter()
                .filter(|e| e.entity_kind == s.entity_kind && e.entity_id == s.entity_id)
                .collect();
            if theirs.is_empty() {
                return None;
            }
            let mut authors: Vec<String> = Vec::new();
            for e in &theirs {
                if !authors.contains(&e.author) {
                    authors.push(e.author.clone());
                }
            }
            Some(Conflict {
                entity_kind: s.entity_kind,
                entity_id: s.entity_id,
                entity_name: s.entity_name.clone(),
                production_authors: authors,
                production_seqs: theirs.iter().map(|e| e.seq).collect(),
            })
        })
        .collect()
}

/// The steps to apply once every conflict is decided; refuses while any
/// is not, naming them.
pub fn resolve(
    steps: Vec<PlanStep>,
    conflicts: &[Conflict],
    decisions: &[Decision],
) -> Result<Vec<PlanStep>> {
    let decided = |c: &Conflict| {
        decisions
            .iter()
            .find(|d| d.entity_kind == c.entity_kind && d.entity_id == c.entity_id)
            .map(|d| d.resolution)
    };
    let open: Vec<String> = conflicts
        .iter()
        .filter(|c| decided(c).is_none())
        .map(|c| format!("{} \"{}\"", c.entity_kind.as_str(), c.entity_name))
        .collect();
    if !open.is_empty() {
        return Err(Error::conflict(format!(
            "Production also changed {} since this sandbox was copied. Choose which version to keep for each before promoting.",
            open.join(", ")
        )));
    }
    Ok(steps
        .into_iter()
        .filter(|s| {
            !conflicts.iter().any(|c| {
                c.entity_kind == s.entity_kind
                    && c.entity_id == s.entity_id
                    && decided(c) == Some(Resolution::KeepProduction)
            })
        })
        .collect())
}

#[cfg(test)]
#[path = "promotion_tests.rs"]
mod tests;
