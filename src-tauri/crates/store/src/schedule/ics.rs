//! The calendar as an iCalendar file (RFC 5545) that other calendars import
//! with the right local times: timed events carry the account's TZID and a
//! VTIMEZONE built from the zone's real transitions (chrono-tz), maintenance
//! windows are weekly rules, and the rest are all-day events.
//!
//! Written by hand: the Rust iCalendar crates build events but not
//! VTIMEZONE definitions, which is the part other calendars need to get
//! daylight-saving days right. The output is checked by Python's
//! `icalendar` in the E2E suite and parsed back in the store tests.

use crate::Workspace;
use chrono::{DateTime, Datelike, Days, Duration, NaiveDate, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::{OffsetComponents, OffsetName, Tz};
use cutover_core::account::AccountId;
use cutover_core::schedule_view::{CalendarEvent, EventKind};
use cutover_core::{Error, Result};
use std::collections::BTreeSet;
use std::path::Path;

fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace('\n', "\\n")
}

/// Folds a content line at 75 octets, never inside a UTF-8 character.
fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
}

/// `DTSTART` and `DTEND` of a timed event: in the zone's local time,
/// unless either falls in a repeated (or skipped) hour, where readers
/// disagree on which instant it means; then both in UTC, which no reader can
/// misread (both, since readers that mix a zoned start with a UTC end add
/// the length in wall-clock time).
fn timed(tz: Tz, start: DateTime<Utc>, end: DateTime<Utc>) -> [String; 2] {
    let local = |at: DateTime<Utc>| at.with_timezone(&tz).naive_local();
    let clear = |at: DateTime<Utc>| {
        matches!(
            tz.from_local_datetime(&local(at)),
            chrono::LocalResult::Single(_)
        )
    };
    if clear(start) && clear(end) {
        let zoned = |p: &str, at| {
            format!(
                "{p};TZID={}:{}",
                tz.name(),
                local(at).format("%Y%m%dT%H%M%S")
            )
        };
        [zoned("DTSTART", start), zoned("DTEND", end)]
    } else {
        let utc = |p: &str, at: DateTime<Utc>| format!("{p}:{}", at.format("%Y%m%dT%H%M%SZ"));
        [utc("DTSTART", start), utc("DTEND", end)]
    }
}

/// A zone's name at an offset: its abbreviation, or the offset itself
/// (`+1030`, `+04`) where the zone has none.
fn zone_name(abbreviation: Option<&str>, seconds: i32) -> String {
    match abbreviation {
        Some(a) if a.chars().all(|c| c.is_ascii_alphabetic()) => a.to_string(),
        _ => {
            let text = offset_text(seconds);
            text.strip_suffix("00").map(str::to_string).unwrap_or(text)
        }
    }
}

/// A UID part: only characters every reader keeps.
fn uid_part(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn offset_text(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let s = seconds.abs();
    format!("{sign}{:02}{:02}", s / 3600, (s % 3600) / 60)
}

/// VTIMEZONE lines for `tz` with every transition between `from` and `to`.
pub fn vtimezone(tz: Tz, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<String> {
    let offset_at = |t: DateTime<Utc>| tz.offset_from_utc_datetime(&t.naive_utc());
    let mut lines = vec!["BEGIN:VTIMEZONE".to_string(), format!("TZID:{}", tz.name())];
    let mut previous = offset_at(from);
    let mut t = from;
    let mut transitions = 0;
    while t < to {
        let next = t + Duration::hours(1);
        let now = offset_at(next);
        if now.fix() != previous.fix() {
            // Find the exact minute within the hour.
            let mut at = t;
            while offset_at(at).fix() == previous.fix() {
                at += Duration::minutes(1);
            }
            let kind = if now.dst_offset().num_seconds() != 0 {
                "DAYLIGHT"
            } else {
                "STANDARD"
            };
            let start = (at.naive_utc()
                + Duration::seconds(i64::from(previous.fix().local_minus_utc())))
            .format("%Y%m%dT%H%M%S");
            lines.extend([
                format!("BEGIN:{kind}"),
                format!("DTSTART:{start}"),
                format!(
                    "TZOFFSETFROM:{}",
                    offset_text(previous.fix().local_minus_utc())
                ),
                format!("TZOFFSETTO:{}", offset_text(now.fix().local_minus_utc())),
                format!(
                    "TZNAME:{}",
                    zone_name(now.abbreviation(), now.fix().local_minus_utc())
                ),
                format!("END:{kind}"),
            ]);
            transitions += 1;
            previous = now;
        }
        t = next;
    }
    if transitions == 0 {
        let o = offset_text(previous.fix().local_minus_utc());
        lines.extend([
            "BEGIN:STANDARD".to_string(),
            "DTSTART:19700101T000000".to_string(),
            format!("TZOFFSETFROM:{o}"),
            format!("TZOFFSETTO:{o}"),
            format!(
                "TZNAME:{}",
                zone_name(previous.abbreviation(), previous.fix().local_minus_utc())
            ),
            "END:STANDARD".to_string(),
        ]);
    }
    lines.push("END:VTIMEZONE".into());
    lines
}

const BYDAY: [&str; 8] = ["", "MO", "TU", "WE", "TH", "FR", "SA", "SU"];

impl Workspace {
    /// The iCalendar text for every account (`account_id` 0) or one,
    /// covering `[from, to)`.
    pub fn calendar_ics(
        &self,
        account_id: AccountId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<String> {
        let events: Vec<CalendarEvent> = self
            .calendar_events(account_id, from, to)?
            .into_iter()
            .filter(|e| e.kind != EventKind::MaintenanceWindow)
            .collect();
        let calendars = self.calendars_for(account_id)?;
        let mut lines = vec![
            "BEGIN:VCALENDAR".to_string(),
            "VERSION:2.0".into(),
            "PRODID:-//Cutover//Upgrade calendar//EN".into(),
            "CALSCALE:GREGORIAN".into(),
        ];
        let zones: BTreeSet<String> = calendars
            .iter()
            .map(|(_, _, c)| c.tz.name().to_string())
            .collect();
        for zone in &zones {
            let tz: Tz = zone.parse().unwrap_or(Tz::UTC);
            lines.extend(vtimezone(
                tz,
                from - Duration::days(366),
                to + Duration::days(366),
            ));
        }
        let stamp = now.format("%Y%m%dT%H%M%SZ");
        for (id, name, calendar) in &calendars {
            for (i, w) in calendar.settings.windows.iter().enumerate() {
                let mut first = calendar.local_date(from);
                while !w
                    .weekdays
                    .contains(&(first.weekday().number_from_monday() as u8))
                {
                    first = first + Days::new(1);
                }
                let start: NaiveDateTime = first.and_time(w.start);
                let days: Vec<&str> = w.weekdays.iter().map(|d| BYDAY[*d as usize]).collect();
                // Days whose local start is skipped or repeated, or whose
                // end falls in a repeated hour: readers expand the rule
                // differently there (RFC 5545 takes the offset before a
                // gap; some add a duration in wall-clock time), so those
                // days are excluded from the rule and written as events of
                // their own, in UTC.
                let span = (to - from).num_days() as u32 + 1;
                let mut shifted: BTreeSet<NaiveDate> = calendar
                    .window_shifts(calendar.local_date(from), span)
                    .into_iter()
                    .map(|(d, _)| d)
                    .collect();
                shifted.extend(
                    (0..span)
                        .filter_map(|n| {
                            calendar
                                .local_date(from)
                                .checked_add_days(Days::new(u64::from(n)))
                        })
                        .filter(|d| {
                            calendar.window_on(*d).is_some_and(|slot| {
                                let end = slot.end.with_timezone(&calendar.tz).naive_local();
                                !matches!(
                                    calendar.tz.from_local_datetime(&end),
                                    chrono::LocalResult::Single(_)
                                )
                            })
                        }),
                );
                shifted.retain(|d| {
                    w.weekdays
                        .contains(&(d.weekday().number_from_monday() as u8))
                });
                lines.extend([
                    "BEGIN:VEVENT".to_string(),
                    format!("UID:window-{id}-{i}@cutover"),
                    format!("DTSTAMP:{stamp}"),
                    format!("SUMMARY:{}", escape(&format!("Maintenance window: {name}"))),
                    format!(
                        "DTSTART;TZID={}:{}",
                        calendar.tz.name(),
                        start.format("%Y%m%dT%H%M%S")
                    ),
                    format!("DURATION:PT{}M", w.minutes),
                    format!(
                        "RRULE:FREQ=WEEKLY;BYDAY={};UNTIL={}",
                        days.join(","),
                        to.format("%Y%m%dT%H%M%SZ")
                    ),
                ]);
                for d in &shifted {
                    lines.push(format!(
                        "EXDATE;TZID={}:{}",
                        calendar.tz.name(),
                        d.and_time(w.start).format("%Y%m%dT%H%M%S")
                    ));
                }
                lines.extend(["TRANSP:TRANSPARENT".into(), "END:VEVENT".into()]);
                for d in &shifted {
                    let Some(slot) = calendar.window_on(*d) else {
                        continue;
                    };
                    lines.extend([
                        "BEGIN:VEVENT".to_string(),
                        format!("UID:window-{id}-{i}-{}@cutover", d.format("%Y%m%d")),
                        format!("DTSTAMP:{stamp}"),
                        format!("SUMMARY:{}", escape(&format!("Maintenance window: {name}"))),
                        format!("DTSTART:{}", slot.start.format("%Y%m%dT%H%M%SZ")),
                        format!("DTEND:{}", slot.end.format("%Y%m%dT%H%M%SZ")),
                        "TRANSP:TRANSPARENT".into(),
                        "END:VEVENT".into(),
                    ]);
                }
            }
        }
        for e in &events {
            let tz: Tz = e.time_zone.parse().unwrap_or(Tz::UTC);
            let uid = format!(
                "{}-{}-{}@cutover",
                format!("{:?}", e.kind).to_lowercase(),
                e.account_id,
                uid_part(&e.key)
            );
            lines.extend([
                "BEGIN:VEVENT".to_string(),
                format!("UID:{uid}"),
                format!("DTSTAMP:{stamp}"),
                format!(
                    "SUMMARY:{}",
                    escape(&format!("{}: {}", e.title, e.account_name))
                ),
            ]);
            if e.all_day {
                let day = |at: DateTime<Utc>| {
                    at.with_timezone(&tz)
                        .date_naive()
                        .format("%Y%m%d")
                        .to_string()
                };
                lines.push(format!("DTSTART;VALUE=DATE:{}", day(e.start)));
                lines.push(format!("DTEND;VALUE=DATE:{}", day(e.end)));
            } else {
                lines.extend(timed(tz, e.start, e.end));
            }
            lines.push("END:VEVENT".into());
        }
        lines.push("END:VCALENDAR".into());
        let mut out = String::new();
        for line in &lines {
            fold(line, &mut out);
        }
        Ok(out)
    }

    /// Writes the calendar to `path` (an .ics file); returns the path.
    pub fn export_calendar(
        &self,
        account_id: AccountId,
        from: NaiveDate,
        to: NaiveDate,
        path: &Path,
        now: DateTime<Utc>,
    ) -> Result<String> {
        let instant = |d: NaiveDate| d.and_time(Default::default()).and_utc();
        let ics = self.calendar_ics(account_id, instant(from), instant(to), now)?;
        if path.as_os_str().is_empty() {
            return Err(Error::invalid("Choose where to save the calendar."));
        }
        std::fs::write(path, ics).map_err(|e| {
            Error::invalid(format!(
                "Could not write {}: {e}. Choose another folder.",
                path.display()
            ))
        })?;
        Ok(path.display().to_string())
    }
}
