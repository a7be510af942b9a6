//! The changelog: every definition change made in an environment, who made
//! it and what it was before and after (DESIGN section 2, seed 003). It is
//! what an admin reviews before promotion, so it must be filterable and
//! show exactly what changed.

use crate::{Error, Result};
use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use specta::Type;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    App,
    Table,
    Field,
    View,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ChangeAction {
    Create,
    Share,
    Rename,
    Retype,
    Delete,
    SetOptions,
    Edit,
}

text_enum!(EntityKind { App = "app", Table = "table", Field = "field", View = "view" });
text_enum!(ChangeAction {
    Create = "create",
    Share = "share",
    Rename = "rename",
    Retype = "retype",
    Delete = "delete",
    SetOptions = "set_options",
    Edit = "edit",
});

/// One entry of an environment's changelog.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ChangeEntry {
    /// Position in this environment's changelog; later entries are larger.
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub author: String,
    pub entity_kind: EntityKind,
    /// Survives renames: the entity's id in this environment.
    pub entity_id: i64,
    /// The entity's name when the change was made.
    pub entity_name: String,
    pub action: ChangeAction,
    /// The entity's definition before and after, as JSON; `None` for the
    /// side where it did not exist. The UI gets them as [`Self::diff`].
    #[serde(skip)]
    #[specta(skip)]
    pub before: Option<serde_json::Value>,
    #[serde(skip)]
    #[specta(skip)]
    pub after: Option<serde_json::Value>,
    /// Not yet promoted (made after the environment was copied or last
    /// promoted).
    pub unpromoted: bool,
    /// The properties that changed, for the review screen.
    pub diff: Vec<FieldDiff>,
}

/// What the Changelog screen asks for. Dates are whole days in the
/// account's time zone, both ends included.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ChangelogQuery {
    pub author: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub app_id: Option<i64>,
    pub entity_kind: Option<EntityKind>,
    pub action: Option<ChangeAction>,
    pub offset: u32,
    pub limit: u32,
}

/// The same query resolved to instants, ready for the store.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangelogFilter {
    pub author: Option<String>,
    /// Inclusive lower and exclusive upper bound.
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    pub app_id: Option<i64>,
    pub entity_kind: Option<EntityKind>,
    pub action: Option<ChangeAction>,
    pub offset: u32,
    pub limit: u32,
}

pub const MAX_PAGE: u32 = 200;

impl ChangelogQuery {
    /// Resolves the days to UTC instants in `time_zone` (an IANA name), so
    /// a day is the account's day even when it has 23 or 25 hours.
    pub fn resolve(&self, time_zone: &str) -> Result<ChangelogFilter> {
        let tz: Tz = time_zone.parse().map_err(|_| {
            Error::internal(format!("The account's time zone {time_zone:?} is unknown."))
        })?;
        if let (Some(from), Some(to)) = (self.from, self.to) {
            if from > to {
                return Err(Error::invalid(
                    "The start date is after the end date; swap them.",
                ));
            }
        }
        let until = match self.to {
            Some(day) => Some(start_of_day(
                tz,
                day.checked_add_days(Days::new(1))
                    .ok_or_else(|| Error::invalid("The end date is out of range."))?,
            )),
            None => None,
        };
        Ok(ChangelogFilter {
            author: self.author.clone().filter(|a| !a.trim().is_empty()),
            from: self.from.map(|d| start_of_day(tz, d)),
            until,
            app_id: self.app_id,
            entity_kind: self.entity_kind,
            action: self.action,
            offset: self.offset,
            limit: self.limit.clamp(1, MAX_PAGE),
        })
    }
}

/// The first instant of `day` in `tz`. Where midnight does not exist (a
/// zone that springs forward at 00:00) the day starts at the first valid
/// local time after it.
pub fn start_of_day(tz: Tz, day: NaiveDate) -> DateTime<Utc> {
    let mut local = day.and_time(chrono::NaiveTime::MIN);
    for _ in 0..4 {
        if let Some(t) = tz.from_local_datetime(&local).earliest() {
            return t.with_timezone(&Utc);
        }
        local += chrono::Duration::minutes(30);
    }
    Utc.from_utc_datetime(&day.and_time(chrono::NaiveTime::MIN))
}

/// How many changelog entries match a filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MatchCount {
    pub count: u32,
    /// `count` is the server's estimate: more matched than a server
    /// counts exactly at each page (see the PostgreSQL store).
    pub estimated: bool,
}

impl MatchCount {
    pub fn exact(count: u32) -> Self {
        Self {
            count,
            estimated: false,
        }
    }
}

/// A page of the changelog, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ChangelogPage {
    pub entries: Vec<ChangeEntry>,
    /// Entries that match the filter, across all pages.
    pub total: u32,
    /// `total` is the server's estimate ("about"); the last page is the
    /// one that comes back short.
    pub total_estimated: bool,
    /// Every author with entries in this environment, for the filter.
    pub authors: Vec<String>,
    /// Authors other than the current admin with unpromoted entries, and
    /// how many each; the screen warns about them.
    pub other_authors: Vec<AuthorCount>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AuthorCount {
    pub author: String,
    pub entries: u32,
}

/// One property of an entity that a change altered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct FieldDiff {
    pub property: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// The properties that differ between two definitions, in a stable order.
/// A side that did not exist shows every property of the other.
pub fn diff(
    before: Option<&serde_json::Value>,
    after: Option<&serde_json::Value>,
) -> Vec<FieldDiff> {
    let empty = serde_json::Map::new();
    let b = before.and_then(|v| v.as_object()).unwrap_or(&empty);
    let a = after.and_then(|v| v.as_object()).unwrap_or(&empty);
    let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| b.get(*k) != a.get(*k))
        .map(|k| FieldDiff {
            property: k.clone(),
            before: b.get(k).map(render),
            after: a.get(k).map(render),
        })
        .collect()
}

fn render(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// How many changes each author made in one week (Monday to Sunday in the
/// account's time zone).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct WeekActivity {
    /// The week's Monday, in the account's time zone.
    pub starts: NaiveDate,
    /// Authors with at least one change that week, by name.
    pub authors: Vec<AuthorCount>,
}

/// A week's Monday and the instants it starts (inclusive) and ends.
pub type WeekBounds = (NaiveDate, DateTime<Utc>, DateTime<Utc>);

/// The weeks the Changelog tab charts: the last `weeks` weeks up to and
/// including the one holding `now`, oldest first, each as its Monday and
/// the instants bounding it in `time_zone` (so a week with a daylight-
/// saving change has 167 or 169 hours).
pub fn recent_weeks(now: DateTime<Utc>, time_zone: &str, weeks: u32) -> Result<Vec<WeekBounds>> {
    use chrono::Datelike;
    let tz: Tz = time_zone.parse().map_err(|_| {
        Error::internal(format!("The account's time zone {time_zone:?} is unknown."))
    })?;
    let today = now.with_timezone(&tz).date_naive();
    let this_monday = today - Days::new(u64::from(today.weekday().num_days_from_monday()));
    let mut out = Vec::new();
    for back in (0..weeks).rev() {
        let monday = this_monday - Days::new(7 * u64::from(back));
        let next = monday + Days::new(7);
        out.push((monday, start_of_day(tz, monday), start_of_day(tz, next)));
    }
    Ok(out)
}

#[cfg(test)]
#[path = "changelog_tests.rs"]
mod tests;
