//! An account's calendar and the scheduling rules (DESIGN §6; seeds 000,
//! 001): maintenance windows in the account's time zone, business days and
//! holidays, freezes, minimum notice, UAT windows counted in business days,
//! and when reminders are due.
//!
//! Everything is a pure function of the settings and instants passed in.
//! Local times become instants through the account's IANA zone: a time that
//! does not exist on a spring-forward day moves to the first instant after
//! the gap, and an ambiguous one (autumn) is the earlier of the two.

use crate::release::ReleaseType;
use crate::{Error, Result};
use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use specta::Type;

/// When production may be down: on these ISO weekdays (1 = Monday), from
/// `start` local time, for `minutes` of real time (so a window may cross
/// midnight, and lasts as long on a daylight-saving day).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct MaintenanceWindow {
    pub weekdays: Vec<u8>,
    pub start: NaiveTime,
    pub minutes: u32,
}

/// No upgrade or promotion from `from` to `to`, both local dates, inclusive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Freeze {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CalendarSettings {
    /// ISO weekdays (1 = Monday) that are business days.
    pub business_days: Vec<u8>,
    pub holidays: Vec<NaiveDate>,
    pub windows: Vec<MaintenanceWindow>,
    pub freezes: Vec<Freeze>,
    pub min_notice_days: u32,
    /// Reminders fire at this local time on the day before.
    pub reminder_time: NaiveTime,
    pub uat_business_days: u32,
}

impl Default for CalendarSettings {
    /// Seed 000: 14 days' notice, a reminder the morning before, 10
    /// business days of UAT; seed 001: upgrades at 16:00 for 3 hours.
    fn default() -> Self {
        Self {
            business_days: vec![1, 2, 3, 4, 5],
            holidays: Vec::new(),
            windows: vec![MaintenanceWindow {
                weekdays: vec![1, 2, 3, 4, 5, 6, 7],
                start: NaiveTime::from_hms_opt(16, 0, 0).unwrap_or_default(),
                minutes: 180,
            }],
            freezes: Vec::new(),
            min_notice_days: 14,
            reminder_time: NaiveTime::from_hms_opt(8, 0, 0).unwrap_or_default(),
            uat_business_days: 10,
        }
    }
}

/// A concrete stretch of time, in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Slot {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// Settings checked and bound to their zone.
#[derive(Debug, Clone)]
pub struct Calendar {
    pub tz: Tz,
    pub settings: CalendarSettings,
}

fn weekday_name(n: u8) -> &'static str {
    ["", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        .get(n as usize)
        .copied()
        .unwrap_or("?")
}

impl Calendar {
    /// Checks `settings`; a refusal says which setting to fix.
    pub fn new(time_zone: &str, settings: CalendarSettings) -> Result<Self> {
        let tz: Tz = time_zone.parse().map_err(|_| {
            Error::invalid(format!(
                "\"{time_zone}\" is not an IANA time zone; use a name such as Europe/London."
            ))
        })?;
        let weekday = |d: &u8| (1..=7).contains(d);
        if settings.business_days.is_empty() || !settings.business_days.iter().all(weekday) {
            return Err(Error::invalid("Pick at least one business day."));
        }
        for w in &settings.windows {
            if w.weekdays.is_empty() || !w.weekdays.iter().all(weekday) {
                return Err(Error::invalid(
                    "Each maintenance window needs at least one day of the week.",
                ));
            }
            if !(15..=24 * 60).contains(&w.minutes) {
                return Err(Error::invalid(
                    "A maintenance window lasts between 15 minutes and 24 hours.",
                ));
            }
        }
        // One window a day: scheduling, the calendar and the export all
        // read a day's window as the one that opens that day.
        for (i, w) in settings.windows.iter().enumerate() {
            for (j, other) in settings.windows[..i].iter().enumerate() {
                if let Some(d) = w.weekdays.iter().find(|d| other.weekdays.contains(d)) {
                    return Err(Error::invalid(format!(
                        "Maintenance windows {} and {} both open on {}: keep one window a day (make the window longer instead).",
                        j + 1,
                        i + 1,
                        weekday_name(*d)
                    )));
                }
            }
        }
        for f in &settings.freezes {
            if f.to < f.from {
                return Err(Error::invalid(format!(
                    "The freeze \"{}\" ends before it starts.",
                    f.reason
                )));
            }
        }
        if settings.min_notice_days > 365 {
            return Err(Error::invalid("The minimum notice is at most 365 days."));
        }
        if !(1..=60).contains(&settings.uat_business_days) {
            return Err(Error::invalid(
                "A UAT window lasts between 1 and 60 business days.",
            ));
        }
        Ok(Self { tz, settings })
    }

    /// The instant of a local date and time in the account's zone.
    pub fn instant(&self, date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
        let local = date.and_time(time);
        match self.tz.from_local_datetime(&local) {
            LocalResult::Single(t) => t.with_timezone(&Utc),
            LocalResult::Ambiguous(earlier, _) => earlier.with_timezone(&Utc),
            LocalResult::None => {
                // In a spring-forward gap: the first local minute after it.
                (1..=240)
                    .find_map(|m| {
                        self.tz
                            .from_local_datetime(&(local + Duration::minutes(m)))
                            .earliest()
                    })
                    .map(|t| t.with_timezone(&Utc))
                    .unwrap_or_else(|| local.and_utc())
            }
        }
    }

    pub fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.tz).date_naive()
    }

    pub fn is_business_day(&self, date: NaiveDate) -> bool {
        let iso = date.weekday().number_from_monday() as u8;
        self.settings.business_days.contains(&iso) && !self.settings.holidays.contains(&date)
    }

    /// The nearest business day strictly before `date`.
    pub fn business_day_before(&self, date: NaiveDate) -> NaiveDate {
        let mut d = date;
        loop {
            d = d.pred_opt().unwrap_or(d);
            if self.is_business_day(d) {
                return d;
            }
        }
    }

    /// The first day of a span of `n` business days ending on `end`.
    pub fn business_days_ending(&self, end: NaiveDate, n: u32) -> NaiveDate {
        let mut start = end;
        for _ in 1..n {
            start = self.business_day_before(start);
        }
        start
    }

    /// The maintenance window that opens on local `date`, if any.
    pub fn window_on(&self, date: NaiveDate) -> Option<Slot> {
        let iso = date.weekday().number_from_monday() as u8;
        let w = self
            .settings
            .windows
            .iter()
            .find(|w| w.weekdays.contains(&iso))?;
        let start = self.instant(date, w.start);
        Some(Slot {
            start,
            end: start + Duration::minutes(i64::from(w.minutes)),
        })
    }

    /// The freeze that overlaps `slot`, if any.
    pub fn freeze_over(&self, slot: &Slot) -> Option<&Freeze> {
        self.settings.freezes.iter().find(|f| {
            let from = self.instant(f.from, NaiveTime::MIN);
            let to = self.instant(f.to.succ_opt().unwrap_or(f.to), NaiveTime::MIN);
            slot.start < to && slot.end > from
        })
    }

    /// Refuses an operation on production (a promotion) during a freeze.
    pub fn ensure_not_frozen(&self, now: DateTime<Utc>, what: &str) -> Result<()> {
        let moment = Slot {
            start: now,
            end: now + Duration::seconds(1),
        };
        match self.freeze_over(&moment) {
            None => Ok(()),
            Some(f) => Err(Error::forbidden(format!(
                "Production is frozen for \"{}\" until the end of {}: no {what} during a freeze. Wait until it ends, or change the freeze under Calendar → Settings.",
                f.reason,
                f.to.format("%a %-d %b %Y")
            ))),
        }
    }

    fn notice_ok_for(&self, slot: &Slot, now: DateTime<Utc>, days: u32) -> bool {
        slot.start > now && slot.start - now >= Duration::days(i64::from(days))
    }

    /// The days' notice a production upgrade of `release_type` needs: the
    /// account's minimum for minor, major and hotfix releases; none for the
    /// weekly maintenance releases (seed 000), which only need a window.
    pub fn notice_days_for(&self, release_type: ReleaseType) -> u32 {
        match release_type {
            ReleaseType::Maintenance => 0,
            _ => self.settings.min_notice_days,
        }
    }

    /// The maintenance windows that open from the local day before `now`
    /// on (a window may run past midnight), in order.
    fn windows_from(&self, now: DateTime<Utc>) -> impl Iterator<Item = Slot> + '_ {
        let first = self.local_date(now).pred_opt().unwrap_or(NaiveDate::MIN);
        (0..800)
            .filter_map(move |d| first.checked_add_days(chrono::Days::new(d)))
            .filter_map(|d| self.window_on(d))
    }

    /// The first maintenance window with enough notice and outside freezes.
    pub fn earliest_slot(&self, now: DateTime<Utc>) -> Option<Slot> {
        self.earliest_slot_with(now, self.settings.min_notice_days)
    }

    /// As `earliest_slot`, with `notice_days` of notice.
    fn earliest_slot_with(&self, now: DateTime<Utc>, notice_days: u32) -> Option<Slot> {
        self.windows_from(now)
            .find(|s| self.notice_ok_for(s, now, notice_days) && self.freeze_over(s).is_none())
    }

    /// The maintenance window `now` falls in, if any.
    pub fn window_containing(&self, now: DateTime<Utc>) -> Option<Slot> {
        self.windows_from(now)
            .take_while(|s| s.start <= now)
            .find(|s| now < s.end)
    }

    /// The next maintenance window to open after `now`.
    pub fn next_window(&self, now: DateTime<Utc>) -> Option<Slot> {
        self.windows_from(now).find(|s| s.start > now)
    }

    pub fn describe(&self, at: DateTime<Utc>) -> String {
        at.with_timezone(&self.tz)
            .format("%a %-d %b %Y %H:%M %Z")
            .to_string()
    }

    fn describe_windows(&self) -> String {
        if self.settings.windows.is_empty() {
            return "none is set".into();
        }
        self.settings
            .windows
            .iter()
            .map(|w| {
                let days: Vec<&str> = w.weekdays.iter().map(|d| weekday_name(*d)).collect();
                format!(
                    "{} at {} for {} min",
                    days.join(", "),
                    w.start.format("%H:%M"),
                    w.minutes
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// Checks a production upgrade on local `date`: a window must open that
    /// day, with the minimum notice, outside any freeze. A refusal names
    /// the earliest start that would be accepted.
    pub fn check_upgrade_date(&self, date: NaiveDate, now: DateTime<Utc>) -> Result<Slot> {
        self.check_upgrade_date_with(date, now, self.settings.min_notice_days)
    }

    /// As `check_upgrade_date`, with `notice_days` of notice.
    fn check_upgrade_date_with(
        &self,
        date: NaiveDate,
        now: DateTime<Utc>,
        notice_days: u32,
    ) -> Result<Slot> {
        self.check_date(date, now, notice_days).map_err(|e| {
            let hint = match self.earliest_slot_with(now, notice_days) {
                Some(s) => format!(
                    " The earliest possible start is {}.",
                    self.describe(s.start)
                ),
                None => String::new(),
            };
            Error::new(e.kind, format!("{}{hint}", e.message))
        })
    }

    /// Days on which a window's local start does not exist (skipped by a
    /// spring-forward change) or exists twice (repeated by a fall-back
    /// change), from `from` for `days` days: each with the instant the
    /// window really opens (the first minute after a gap; the first of two).
    pub fn window_shifts(&self, from: NaiveDate, days: u32) -> Vec<(NaiveDate, String)> {
        (0..days)
            .filter_map(|d| from.checked_add_days(chrono::Days::new(u64::from(d))))
            .filter_map(|date| {
                let iso = date.weekday().number_from_monday() as u8;
                let w = self
                    .settings
                    .windows
                    .iter()
                    .find(|w| w.weekdays.contains(&iso))?;
                let local = date.and_time(w.start);
                let slot = self.window_on(date)?;
                let what = match self.tz.from_local_datetime(&local) {
                    chrono::LocalResult::Single(_) => return None,
                    chrono::LocalResult::None => {
                        "does not exist (the clocks go forward); the window opens at"
                    }
                    chrono::LocalResult::Ambiguous(..) => {
                        "happens twice (the clocks go back); the window opens at the first,"
                    }
                };
                Some((
                    date,
                    format!(
                        "{} at {} {what} {}",
                        date.format("%a %-d %b %Y"),
                        w.start.format("%H:%M"),
                        slot.start.with_timezone(&self.tz).format("%H:%M %Z")
                    ),
                ))
            })
            .collect()
    }

    fn check_date(&self, date: NaiveDate, now: DateTime<Utc>, notice_days: u32) -> Result<Slot> {
        let Some(slot) = self.window_on(date) else {
            return Err(Error::invalid(format!(
                "No maintenance window opens on {} (windows: {}). Pick another date or add a window.",
                date.format("%a %-d %b %Y"),
                self.describe_windows(),
            )));
        };
        if slot.start <= now {
            return Err(Error::invalid(format!(
                "{} has passed; pick a later date.",
                self.describe(slot.start)
            )));
        }
        if !self.notice_ok_for(&slot, now, notice_days) {
            return Err(Error::invalid(format!(
                "{} is only {} away; a production upgrade needs at least {} days' notice.",
                self.describe(slot.start),
                days_and_hours(slot.start - now),
                notice_days,
            )));
        }
        if let Some(f) = self.freeze_over(&slot) {
            return Err(Error::invalid(format!(
                "{} falls in the freeze \"{}\" ({} – {}): no upgrade then.",
                self.describe(slot.start),
                f.reason,
                f.from.format("%-d %b"),
                f.to.format("%-d %b %Y"),
            )));
        }
        Ok(slot)
    }
}

/// What scheduling a production upgrade plans.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct UpgradePlan {
    pub slot: Slot,
    /// Minor and major releases: the UAT environment is refreshed on
    /// `uat_refresh` (the week before), then tested from `uat_start` to
    /// `uat_end` (business days, inclusive).
    pub uat_refresh: Option<NaiveDate>,
    pub uat_start: Option<NaiveDate>,
    pub uat_end: Option<NaiveDate>,
    /// Sandboxes left behind must be upgraded or recreated by then.
    pub sandbox_deadline: NaiveDate,
}

/// A span in whole days, hours and minutes ("13 days, 23 hours and 59
/// minutes"), never rounded up: a slot one second short of 14 days is not
/// "14.0 days" away.
pub fn days_and_hours(span: Duration) -> String {
    let minutes = span.num_minutes().max(0);
    let (d, h, m) = (minutes / 1440, (minutes % 1440) / 60, minutes % 60);
    let unit = |n: i64, one: &str| match n {
        1 => format!("1 {one}"),
        n => format!("{n} {one}s"),
    };
    let parts: Vec<String> = [(d, "day"), (h, "hour"), (m, "minute")]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, u)| unit(n, u))
        .collect();
    match parts.len() {
        0 => "less than a minute".into(),
        1 => parts[0].clone(),
        n => format!("{} and {}", parts[..n - 1].join(", "), parts[n - 1]),
    }
}

/// Plans a production upgrade of a `release_type` release on `date`.
pub fn plan_upgrade(
    calendar: &Calendar,
    release_type: ReleaseType,
    date: NaiveDate,
    now: DateTime<Utc>,
) -> Result<UpgradePlan> {
    plan_upgrade_after_uat(calendar, release_type, false, date, now)
}

/// As `plan_upgrade`; once the release's UAT is signed off (a reschedule
/// after a delay or a rollback), no new UAT window is planned.
pub fn plan_upgrade_after_uat(
    calendar: &Calendar,
    release_type: ReleaseType,
    uat_signed_off: bool,
    date: NaiveDate,
    now: DateTime<Utc>,
) -> Result<UpgradePlan> {
    let slot =
        calendar.check_upgrade_date_with(date, now, calendar.notice_days_for(release_type))?;
    plan_from_slot(
        calendar,
        needs_uat(release_type, uat_signed_off),
        date,
        slot,
        now,
    )
}

/// Minor and major releases get a UAT window before production, until
/// their UAT is signed off.
fn needs_uat(release_type: ReleaseType, uat_signed_off: bool) -> bool {
    matches!(release_type, ReleaseType::Minor | ReleaseType::Major) && !uat_signed_off
}

/// Plans a production upgrade on wave `date` of a release that offers
/// `waves` (name, date): a refusal names the first wave that would be
/// accepted (notice, window, freeze and UAT lead time alike), or says that
/// none would.
pub fn plan_upgrade_on_wave(
    calendar: &Calendar,
    release_type: ReleaseType,
    waves: &[(String, NaiveDate)],
    date: NaiveDate,
    now: DateTime<Utc>,
) -> Result<UpgradePlan> {
    plan_wave_after_uat(calendar, release_type, false, waves, date, now)
}

/// As `plan_upgrade_on_wave`, with `plan_upgrade_after_uat`'s rule.
pub fn plan_wave_after_uat(
    calendar: &Calendar,
    release_type: ReleaseType,
    uat_signed_off: bool,
    waves: &[(String, NaiveDate)],
    date: NaiveDate,
    now: DateTime<Utc>,
) -> Result<UpgradePlan> {
    let uat = needs_uat(release_type, uat_signed_off);
    let notice = calendar.notice_days_for(release_type);
    let plan = |d: NaiveDate| {
        calendar
            .check_date(d, now, notice)
            .and_then(|slot| plan_from_slot(calendar, uat, d, slot, now))
    };
    plan(date).map_err(|e| {
        let mut sorted: Vec<&(String, NaiveDate)> = waves.iter().collect();
        sorted.sort_by_key(|(_, d)| *d);
        let hint = match sorted.iter().find_map(|(name, d)| plan(*d).ok().map(|p| (name, p))) {
            Some((name, p)) => format!(
                " The first wave that would be accepted is {name}, {}.",
                calendar.describe(p.slot.start)
            ),
            None => " No wave of this release would be accepted: ask the vendor for a later wave, or change the maintenance windows or freezes.".into(),
        };
        Error::new(e.kind, format!("{}{hint}", e.message))
    })
}

fn plan_from_slot(
    calendar: &Calendar,
    needs_uat: bool,
    date: NaiveDate,
    slot: Slot,
    now: DateTime<Utc>,
) -> Result<UpgradePlan> {
    let sandbox_deadline = calendar.local_date(slot.end) + Duration::days(7);
    if !needs_uat {
        return Ok(UpgradePlan {
            slot,
            uat_refresh: None,
            uat_start: None,
            uat_end: None,
            sandbox_deadline,
        });
    }
    let uat_end = calendar.business_day_before(date);
    let uat_start = calendar.business_days_ending(uat_end, calendar.settings.uat_business_days);
    let uat_refresh = uat_start - Duration::days(7);
    if uat_refresh < calendar.local_date(now) {
        return Err(Error::invalid(format!(
            "Too late for a {}-business-day UAT window before {}: UAT would start on {} and its refresh the week before ({}), which has passed. Pick a later wave.",
            calendar.settings.uat_business_days,
            date.format("%-d %b %Y"),
            uat_start.format("%a %-d %b"),
            uat_refresh.format("%a %-d %b")
        )));
    }
    Ok(UpgradePlan {
        slot,
        uat_refresh: Some(uat_refresh),
        uat_start: Some(uat_start),
        uat_end: Some(uat_end),
        sandbox_deadline,
    })
}

/// The reminders a plan needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ReminderKind {
    /// The morning before the upgrade (seed 000).
    UpgradeTomorrow,
    /// The UAT window ends in two business days.
    UatEnding,
    /// Sandboxes behind production are due tomorrow.
    SandboxDeadline,
    /// UAT must hold a fresh copy of production today (seed 001).
    UatRefresh,
    /// Each week of the UAT window, on its last business day (seed 001).
    UatCheckIn,
}

text_enum!(ReminderKind {
    UpgradeTomorrow = "upgrade_tomorrow",
    UatEnding = "uat_ending",
    SandboxDeadline = "sandbox_deadline",
    UatRefresh = "uat_refresh",
    UatCheckIn = "uat_check_in",
});

/// When each reminder of `plan` is due, at the reminder time, local. A
/// kind may come more than once (the weekly check-ins), in time order.
pub fn reminders(calendar: &Calendar, plan: &UpgradePlan) -> Vec<(ReminderKind, DateTime<Utc>)> {
    let at = |date: NaiveDate| calendar.instant(date, calendar.settings.reminder_time);
    let upgrade_day = calendar.local_date(plan.slot.start);
    let mut out = vec![(
        ReminderKind::UpgradeTomorrow,
        at(upgrade_day - Duration::days(1)),
    )];
    if let Some(refresh) = plan.uat_refresh {
        out.push((ReminderKind::UatRefresh, at(refresh)));
    }
    if let (Some(start), Some(end)) = (plan.uat_start, plan.uat_end) {
        for day in check_in_days(calendar, start, end) {
            out.push((ReminderKind::UatCheckIn, at(day)));
        }
    }
    if let Some(end) = plan.uat_end {
        let two_before = calendar.business_day_before(calendar.business_day_before(end));
        out.push((ReminderKind::UatEnding, at(two_before)));
    }
    out.push((
        ReminderKind::SandboxDeadline,
        at(plan.sandbox_deadline - Duration::days(1)),
    ));
    out
}

/// Production's run to a scheduled release started before the day of its
/// window: asks first (`Unconfirmed`), saying when the run's 10-day timer
/// would end, since a run that expires before its window loses its copy.
pub fn ensure_on_wave(
    calendar: &Calendar,
    version: &str,
    wave: Option<&str>,
    slot: &Slot,
    timer_ends: DateTime<Utc>,
    confirmed: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    let day = calendar.local_date(slot.start);
    if confirmed || calendar.local_date(now) >= day {
        return Ok(());
    }
    let wave = wave.map(|w| format!(" ({w})")).unwrap_or_default();
    let expires = if timer_ends < slot.start {
        format!(
            " Its 10-day timer would end {}, before that window: the copy would then be deleted and the run would have to start again.",
            calendar.describe(timer_ends)
        )
    } else {
        String::new()
    };
    Err(Error::unconfirmed(format!(
        "Production's upgrade to {version} is scheduled for {}{wave}. Starting the run now prepares and rehearses it early; the data upgrade still waits for that window.{expires} Start it now anyway?",
        calendar.describe(slot.start)
    )))
}

/// Production's data upgrade to a scheduled release runs in the
/// maintenance window it was scheduled in, not in any window.
pub fn ensure_scheduled_window(
    calendar: &Calendar,
    version: &str,
    wave: Option<&str>,
    slot: &Slot,
    now: DateTime<Utc>,
) -> Result<()> {
    if slot.start <= now && now < slot.end {
        return Ok(());
    }
    let wave = wave.map(|w| format!(" ({w})")).unwrap_or_default();
    let when = if now < slot.start {
        "Start the data upgrade then"
    } else {
        "That window has passed: reschedule it under Releases"
    };
    Err(Error::forbidden(format!(
        "Production's upgrade to {version} is scheduled in the maintenance window of {}{wave}. {when}.",
        calendar.describe(slot.start)
    )))
}

/// The last business day of each ISO week the UAT window touches, within
/// the window.
pub fn check_in_days(calendar: &Calendar, start: NaiveDate, end: NaiveDate) -> Vec<NaiveDate> {
    let mut out: Vec<NaiveDate> = Vec::new();
    for day in start.iter_days().take_while(|d| *d <= end) {
        if !calendar.is_business_day(day) {
            continue;
        }
        match out.last_mut() {
            Some(last) if last.iso_week() == day.iso_week() => *last = day,
            _ => out.push(day),
        }
    }
    out
}

#[cfg(test)]
#[path = "schedule_tests.rs"]
mod tests;
