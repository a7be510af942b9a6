//! The one calendar across accounts: maintenance windows, freezes and each
//! scheduled upgrade with its UAT window and sandbox deadline, as events
//! between two instants.

use crate::{Context, Workspace};
use chrono::{DateTime, Days, NaiveDate, NaiveTime, Utc};
use cutover_core::account::AccountId;
use cutover_core::schedule::Calendar;
use cutover_core::schedule_view::{CalendarEvent, EventKind};
use cutover_core::target::Target;
use cutover_core::{Error, Result};

/// The longest span one calendar query may cover.
pub const MAX_DAYS: i64 = 800;

impl Workspace {
    /// Events of every account (`account_id` 0) or one, overlapping
    /// `[from, to)`, ordered by start.
    pub fn calendar_events(
        &self,
        account_id: AccountId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<CalendarEvent>> {
        if to <= from || (to - from).num_days() > MAX_DAYS {
            return Err(Error::invalid(format!(
                "Show between one day and {MAX_DAYS} days of calendar at a time."
            )));
        }
        let mut events = Vec::new();
        for account in self.accounts()? {
            if account_id != 0 && account.id != account_id {
                continue;
            }
            let calendar = self.calendar_of(account.id)?;
            let event = |kind, key: String, title: String, start, end, all_day| CalendarEvent {
                account_id: account.id,
                account_name: account.name.clone(),
                time_zone: account.time_zone.clone(),
                kind,
                key,
                title,
                start,
                end,
                all_day,
                target: None,
            };
            let about = |mut e: CalendarEvent, target: Target| {
                e.target = Some(target);
                e
            };
            let midnight = |d: NaiveDate| calendar.instant(d, NaiveTime::MIN);
            let all_day = |kind, key: String, title: String, first: NaiveDate, last: NaiveDate| {
                event(
                    kind,
                    key,
                    title,
                    midnight(first),
                    midnight(last + Days::new(1)),
                    true,
                )
            };
            // A window opening the day before `from` may still be open.
            let mut day = calendar.local_date(from) - Days::new(1);
            while midnight(day) < to {
                if let Some(slot) = calendar.window_on(day) {
                    events.push(event(
                        EventKind::MaintenanceWindow,
                        day.to_string(),
                        "Maintenance window".into(),
                        slot.start,
                        slot.end,
                        false,
                    ));
                }
                day = day + Days::new(1);
            }
            for f in &calendar.settings.freezes {
                events.push(all_day(
                    EventKind::Freeze,
                    format!("{}-{}", f.from, f.to),
                    format!("Freeze: {}", f.reason),
                    f.from,
                    f.to,
                ));
            }
            for plan in self.scheduled_upgrades(account.id)? {
                let release = Target::Release {
                    account_id: account.id,
                    release_id: plan.release_id,
                };
                // A UAT event opens its cycle, when the release has one.
                let uat = self
                    .cycle_of_release(plan.release_id)?
                    .map(|cycle_id| Target::Uat { cycle_id })
                    .unwrap_or(release);
                let wave = plan
                    .wave
                    .as_deref()
                    .map(|w| format!(" ({w})"))
                    .unwrap_or_default();
                events.push(about(
                    event(
                        EventKind::Upgrade,
                        plan.version.clone(),
                        format!("Production upgrade to {}{wave}", plan.version),
                        plan.slot.start,
                        plan.slot.end,
                        false,
                    ),
                    release,
                ));
                if let (Some(start), Some(end)) = (plan.uat_start, plan.uat_end) {
                    events.push(about(
                        all_day(
                            EventKind::UatWindow,
                            plan.version.clone(),
                            format!("UAT of {}", plan.version),
                            start,
                            end,
                        ),
                        uat,
                    ));
                }
                if let Some(refresh) = plan.uat_refresh {
                    events.push(about(
                        all_day(
                            EventKind::UatRefresh,
                            plan.version.clone(),
                            format!("Refresh UAT from production for {}", plan.version),
                            refresh,
                            refresh,
                        ),
                        uat,
                    ));
                }
                events.push(about(
                    all_day(
                        EventKind::SandboxDeadline,
                        plan.version.clone(),
                        format!("Sandboxes behind {} due", plan.version),
                        plan.sandbox_deadline,
                        plan.sandbox_deadline,
                    ),
                    release,
                ));
            }
        }
        events.retain(|e| e.end > from && e.start < to);
        events.sort_by_key(|e| (e.start, e.account_id));
        Ok(events)
    }

    /// The UAT cycle of a release, if it has one.
    fn cycle_of_release(&self, release_id: i64) -> Result<Option<i64>> {
        use rusqlite::OptionalExtension;
        self.connect()?
            .query_row(
                "SELECT id FROM uat_cycles WHERE release_id = ?1",
                [release_id],
                |r| r.get(0),
            )
            .optional()
            .context("reading the release's UAT cycle")
    }

    /// The calendars of the accounts a query covers, for the export.
    pub(super) fn calendars_for(
        &self,
        account_id: AccountId,
    ) -> Result<Vec<(AccountId, String, Calendar)>> {
        self.accounts()?
            .into_iter()
            .filter(|a| account_id == 0 || a.id == account_id)
            .map(|a| Ok((a.id, a.name.clone(), self.calendar_of(a.id)?)))
            .collect()
    }
}
