//! Scheduling on a temporary data directory with the demo account, at fixed
//! instants: calendar settings, waves with their refusals, rescheduling,
//! reminders that fire once (also across a restart and from two processes),
//! late reminders, the calendar's events and its iCalendar export.

// Tests change one setting of the defaults at a time.
#![allow(clippy::field_reassign_with_default)]

mod common;

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use common::boss;
use cutover_core::admin::{Admin, Role};
use cutover_core::schedule::{CalendarSettings, Freeze, MaintenanceWindow, ReminderKind};
use cutover_core::schedule_view::EventKind;
use cutover_core::{ErrorKind, Result};
use cutover_store::people::recipients::Category;
use cutover_store::{demo, Context, Workspace};

fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0)
        .single()
        .unwrap_or_default()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

fn due_of(
    reminders: &[cutover_core::schedule_view::ReminderState],
    kind: ReminderKind,
) -> DateTime<Utc> {
    reminders
        .iter()
        .find(|r| r.kind == kind)
        .map(|r| r.due_at)
        .expect("a reminder of that kind")
}

fn sam() -> Admin {
    Admin {
        id: 3,
        name: "Sam Lee".into(),
        role: Role::AppAdmin,
    }
}

const NOW: (i32, u32, u32) = (2026, 11, 23);

fn now() -> DateTime<Utc> {
    utc(NOW.0, NOW.1, NOW.2, 9, 0)
}

/// The demo and the id of release 10.0.2 (minor; waves 16 Jan, 30 Jan, 13 Feb 2027).
fn setup() -> Result<(tempfile::TempDir, Workspace, i64, i64)> {
    let dir = tempfile::tempdir().context("temp dir")?;
    let ws = Workspace::open(dir.path())?;
    let account = demo::ensure_demo(&ws, utc(2026, 11, 1, 9, 0))?.expect("the demo account");
    let release = ws
        .catalog(account, &boss(), now())?
        .releases
        .into_iter()
        .find(|r| r.version == "10.0.2")
        .map(|r| r.id)
        .expect("release 10.0.2 in the demo catalog");
    Ok((dir, ws, account, release))
}

#[test]
fn settings_are_checked_and_only_a_super_admin_changes_them() -> Result<()> {
    let (_dir, ws, account, _) = setup()?;
    let calendar = ws.account_calendar(account)?;
    assert_eq!(
        (
            calendar.time_zone.as_str(),
            calendar.settings.min_notice_days
        ),
        ("Europe/London", 14)
    );
    let err = ws
        .set_account_calendar(
            account,
            "Europe/London",
            CalendarSettings::default(),
            &sam(),
        )
        .expect_err("sam");
    assert_eq!(err.kind, ErrorKind::Forbidden);
    let err = ws
        .set_account_calendar(
            account,
            "Atlantis/Lost",
            CalendarSettings::default(),
            &boss(),
        )
        .expect_err("tz");
    assert!(err.message.contains("IANA"));
    assert_eq!(
        ws.account_calendar(account)?,
        calendar,
        "a refusal changes nothing"
    );
    let mut settings = CalendarSettings::default();
    settings.min_notice_days = 21;
    let saved = ws.set_account_calendar(account, "America/New_York", settings, &boss())?;
    assert_eq!(
        (saved.time_zone.as_str(), saved.settings.min_notice_days),
        ("America/New_York", 21)
    );
    Ok(())
}

#[test]
fn waves_are_refused_with_their_reason_and_a_valid_one_is_planned() -> Result<()> {
    let (_dir, ws, account, release) = setup()?;
    let err = ws
        .schedule_upgrade(release, day(2027, 1, 20), &boss(), now())
        .expect_err("not a wave");
    assert!(
        err.message.contains(
            "only in its waves: Wave 1 (16 Jan 2027), Wave 2 (30 Jan 2027), Wave 3 (13 Feb 2027)"
        ),
        "{}",
        err.message
    );
    assert_eq!(
        ws.schedule_upgrade(release, day(2027, 1, 16), &sam(), now())
            .expect_err("sam")
            .kind,
        ErrorKind::Forbidden
    );
    let err = ws
        .schedule_upgrade(release, day(2027, 1, 16), &boss(), utc(2027, 1, 5, 9, 0))
        .expect_err("notice");
    assert!(
        err.message.contains("needs at least 14 days' notice"),
        "{}",
        err.message
    );
    let mut settings = CalendarSettings::default();
    settings.freezes = vec![Freeze {
        from: day(2027, 1, 11),
        to: day(2027, 1, 17),
        reason: "Payroll run".into(),
    }];
    ws.set_account_calendar(account, "Europe/London", settings, &boss())?;
    let err = ws
        .schedule_upgrade(release, day(2027, 1, 16), &boss(), now())
        .expect_err("freeze");
    assert!(
        err.message.contains("falls in the freeze \"Payroll run\""),
        "{}",
        err.message
    );
    assert!(
        ws.scheduled_upgrades(account)?.is_empty(),
        "refusals change nothing"
    );

    let plan = ws.schedule_upgrade(release, day(2027, 1, 30), &boss(), now())?;
    assert_eq!(plan.wave.as_deref(), Some("Wave 2"));
    assert_eq!(plan.slot.start, utc(2027, 1, 30, 16, 0));
    assert_eq!(
        (plan.uat_start, plan.uat_end),
        (Some(day(2027, 1, 18)), Some(day(2027, 1, 29)))
    );
    let mut kinds: Vec<&str> = plan.reminders.iter().map(|r| r.kind.as_str()).collect();
    kinds.sort();
    assert_eq!(
        kinds,
        [
            "sandbox_deadline",
            "uat_check_in",
            "uat_check_in",
            "uat_ending",
            "uat_refresh",
            "upgrade_tomorrow"
        ]
    );
    assert_eq!(
        due_of(&plan.reminders, ReminderKind::UpgradeTomorrow),
        utc(2027, 1, 29, 8, 0)
    );
    assert_eq!(
        due_of(&plan.reminders, ReminderKind::UatRefresh),
        utc(2027, 1, 11, 8, 0)
    );

    // Rescheduling replaces the plan and its reminders.
    let moved = ws.schedule_upgrade(release, day(2027, 2, 13), &boss(), now())?;
    assert!(
        ws.start_at_login_offer_due()?,
        "a pending reminder offers starting at login"
    );
    let current = ws.scheduled_upgrades(account)?;
    assert_eq!(current.len(), 1);
    assert_eq!(current[0].id, moved.id);
    assert_eq!(ws.next_reminder_due()?, Some(moved.reminders[0].due_at));
    // Changing the reminder time moves unfired reminders.
    let mut settings = ws.account_calendar(account)?.settings;
    settings.reminder_time = NaiveTime::from_hms_opt(7, 30, 0).unwrap_or_default();
    ws.set_account_calendar(account, "Europe/London", settings, &boss())?;
    let retimed = ws.scheduled_upgrade(moved.id)?;
    assert_eq!(
        due_of(&retimed.reminders, ReminderKind::UpgradeTomorrow),
        utc(2027, 2, 12, 7, 30)
    );
    let check_ins: Vec<DateTime<Utc>> = retimed
        .reminders
        .iter()
        .filter(|r| r.kind == ReminderKind::UatCheckIn)
        .map(|r| r.due_at)
        .collect();
    assert_eq!(
        check_ins,
        [utc(2027, 2, 5, 7, 30), utc(2027, 2, 12, 7, 30)],
        "each weekly check-in moves"
    );
    ws.cancel_upgrade(moved.id, &boss())?;
    assert_eq!(ws.next_reminder_due()?, None);
    assert!(
        !ws.start_at_login_offer_due()?,
        "no reminder pending, nothing to start at login for"
    );
    Ok(())
}

#[test]
fn reminders_fire_exactly_once_on_time_or_late_also_across_restarts() -> Result<()> {
    let (dir, ws, account, release) = setup()?;
    let plan = ws.schedule_upgrade(release, day(2027, 1, 16), &boss(), now())?;
    // UAT: refreshed Mon 28 Dec, tested 4 to 15 Jan, checked in each Friday.
    let refresh_day = due_of(&plan.reminders, ReminderKind::UatRefresh);
    assert_eq!(refresh_day, utc(2026, 12, 28, 8, 0));
    assert!(ws
        .fire_due_reminders(refresh_day - chrono::Duration::seconds(1))?
        .is_empty());
    let fired = ws.fire_due_reminders(refresh_day)?;
    assert_eq!(fired.len(), 1);
    assert_eq!(
        fired[0].title,
        "Refresh UAT today for 10.0.2: Northwind Foods (demo)"
    );
    assert!(
        fired[0]
            .body
            .contains("UAT testing of 10.0.2 starts on Mon 4 Jan."),
        "{}",
        fired[0].body
    );
    let fired = ws.fire_due_reminders(utc(2027, 1, 8, 8, 0))?;
    assert_eq!(fired.len(), 1);
    assert_eq!(
        fired[0].title,
        "UAT check-in for 10.0.2: Northwind Foods (demo)"
    );
    assert!(
        fired[0].body.contains("no test plan yet"),
        "{}",
        fired[0].body
    );
    let uat_ending = due_of(&plan.reminders, ReminderKind::UatEnding);
    assert!(ws
        .fire_due_reminders(uat_ending - chrono::Duration::seconds(1))?
        .is_empty());
    let fired = ws.fire_due_reminders(uat_ending)?;
    assert_eq!(fired.len(), 1);
    assert!(
        fired[0]
            .title
            .starts_with("UAT for 10.0.2 ends in two business days"),
        "{}",
        fired[0].title
    );
    assert!(
        fired[0]
            .body
            .contains("To: Alex Morgan, Priya Shah, Sam Lee."),
        "{}",
        fired[0].body
    );
    assert!(ws.fire_due_reminders(uat_ending)?.is_empty(), "never twice");

    // Closed over the upgrade's eve: the next start fires it, marked late.
    drop(ws);
    let ws = Workspace::open(dir.path())?;
    let later = utc(2027, 1, 15, 12, 0);
    let fired = ws.fire_due_reminders(later)?;
    // The eve's reminder and the last check-in (both 08:00 Fri 15 Jan).
    assert_eq!(fired.len(), 2);
    let eve = fired
        .iter()
        .find(|n| n.title.starts_with("Upgrade to"))
        .expect("the eve's reminder");
    assert_eq!(
        eve.title,
        "Upgrade to 10.0.2 tomorrow: Northwind Foods (demo) (late)"
    );
    assert!(
        eve.body
            .contains("due Fri 15 Jan 08:00 GMT while Cutover was closed"),
        "{}",
        eve.body
    );
    let state = ws.scheduled_upgrade(plan.id)?.reminders;
    let eve = state
        .iter()
        .find(|r| r.kind == ReminderKind::UpgradeTomorrow)
        .expect("eve");
    assert!(eve.late && eve.fired_at == Some(later));
    // A second process racing for the same reminder files it once.
    let other = Workspace::open(dir.path())?;
    let deadline_eve = utc(2027, 1, 22, 8, 0);
    // Both start together, so the claim really races.
    let start = std::sync::Barrier::new(2);
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| {
            start.wait();
            ws.fire_due_reminders(deadline_eve)
        });
        let b = s.spawn(|| {
            start.wait();
            other.fire_due_reminders(deadline_eve)
        });
        (a.join(), b.join())
    });
    let total = a.map_err(|_| cutover_core::Error::internal("a"))??.len()
        + b.map_err(|_| cutover_core::Error::internal("b"))??.len();
    assert_eq!(total, 1);
    let titles: Vec<String> = ws.inbox()?.into_iter().map(|n| n.title).collect();
    assert_eq!(
        titles
            .iter()
            .filter(|t| t.contains("tomorrow") || t.contains("due tomorrow") || t.contains("UAT"))
            .count(),
        6,
        "{titles:?}"
    );
    assert_eq!(ws.next_reminder_due()?, None);
    let _ = account;
    Ok(())
}

#[test]
fn recipients_opt_in_per_category() -> Result<()> {
    let (_dir, ws, account, _) = setup()?;
    let people = ws.recipients(account)?;
    assert_eq!(people.len(), 3);
    assert!(ws.admin_wants(&boss(), Category::Reminders)?);
    ws.set_recipient_category(people[0].id, Category::Reminders, false, &boss())?;
    assert!(!ws.admin_wants(&boss(), Category::Reminders)?);
    assert!(ws.admin_wants(&boss(), Category::UpgradeInfo)?);
    let err = ws
        .add_contact(account, "Dana Fox", "dana at example", &boss())
        .expect_err("email");
    assert!(err.message.contains("not an email address"));
    let all = ws.add_contact(account, "Dana Fox", "dana@example.com", &boss())?;
    assert_eq!(all.len(), 4);
    assert_eq!(
        ws.add_contact(account, "Dana Fox", "", &boss())
            .expect_err("dup")
            .kind,
        ErrorKind::Conflict
    );
    assert_eq!(
        ws.set_recipient_category(people[0].id, Category::Reminders, true, &sam())
            .expect_err("sam")
            .kind,
        ErrorKind::Forbidden
    );
    Ok(())
}

#[test]
fn the_calendar_and_its_icalendar_export() -> Result<()> {
    let (dir, ws, account, release) = setup()?;
    let mut settings = CalendarSettings::default();
    settings.windows = vec![MaintenanceWindow {
        weekdays: vec![6, 7],
        start: NaiveTime::from_hms_opt(16, 0, 0).unwrap_or_default(),
        minutes: 180,
    }];
    settings.freezes = vec![Freeze {
        from: day(2026, 12, 21),
        to: day(2027, 1, 3),
        reason: "Year end".into(),
    }];
    ws.set_account_calendar(account, "Europe/London", settings, &boss())?;
    ws.schedule_upgrade(release, day(2027, 1, 16), &boss(), now())?;
    let events = ws.calendar_events(0, utc(2027, 1, 1, 0, 0), utc(2027, 2, 1, 0, 0))?;
    let of = |k: EventKind| events.iter().filter(|e| e.kind == k).count();
    assert_eq!(
        of(EventKind::MaintenanceWindow),
        10,
        "ten weekend days in January 2027"
    );
    assert_eq!(
        (
            of(EventKind::Upgrade),
            of(EventKind::UatWindow),
            of(EventKind::Freeze),
            of(EventKind::SandboxDeadline)
        ),
        (1, 1, 1, 1)
    );
    assert_eq!(
        ws.calendar_events(0, utc(2027, 1, 2, 0, 0), utc(2027, 1, 1, 0, 0))
            .expect_err("range")
            .kind,
        ErrorKind::Invalid
    );

    let path = dir.path().join("cutover.ics");
    ws.export_calendar(0, day(2026, 12, 1), day(2027, 6, 1), &path, now())?;
    let ics = std::fs::read_to_string(&path).context("ics")?;
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
    assert!(ics.contains("BEGIN:VTIMEZONE\r\nTZID:Europe/London\r\n"));
    assert!(ics.contains("BEGIN:DAYLIGHT\r\nDTSTART:20270328T010000\r\nTZOFFSETFROM:+0000\r\nTZOFFSETTO:+0100\r\nTZNAME:BST"), "{ics}");
    assert!(ics.contains(
        "DTSTART;TZID=Europe/London:20270116T160000\r\nDTEND;TZID=Europe/London:20270116T190000"
    ));
    assert!(ics.contains("RRULE:FREQ=WEEKLY;BYDAY=SA,SU;UNTIL=20270601T000000Z"));
    assert!(
        ics.contains("DTSTART;VALUE=DATE:20261221\r\nDTEND;VALUE=DATE:20270104"),
        "freeze, end exclusive"
    );
    assert!(ics.split("\r\n").all(|l| l.len() <= 75), "folded");
    Ok(())
}

#[test]
fn starting_at_login_is_offered_once_a_reminder_is_pending_and_only_once() -> Result<()> {
    let (dir, ws, _account, release) = setup()?;
    assert!(!ws.start_at_login_offer_due()?, "nothing scheduled yet");
    ws.schedule_upgrade(release, day(2027, 1, 30), &boss(), now())?;
    assert!(ws.start_at_login_offer_due()?);
    ws.settle_start_at_login_offer()?;
    assert!(!ws.start_at_login_offer_due()?, "answered: not asked again");
    let reopened = Workspace::open(dir.path())?;
    assert!(
        !reopened.start_at_login_offer_due()?,
        "the answer outlives a restart"
    );
    Ok(())
}
