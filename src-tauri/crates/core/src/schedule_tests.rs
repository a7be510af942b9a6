// Tests change one setting of the defaults at a time.
#![allow(clippy::field_reassign_with_default)]

use super::*;

fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0)
        .single()
        .unwrap_or_default()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default()
}

fn calendar(tz: &str) -> Calendar {
    Calendar::new(tz, CalendarSettings::default()).expect("calendar")
}

#[test]
fn windows_open_at_local_time_on_daylight_saving_days() {
    // London: clocks go forward on Sun 28 Mar 2027, back on Sun 25 Oct 2026.
    let london = calendar("Europe/London");
    assert_eq!(
        london.window_on(day(2027, 3, 27)).map(|s| s.start),
        Some(utc(2027, 3, 27, 16, 0))
    );
    assert_eq!(
        london.window_on(day(2027, 3, 28)).map(|s| s.start),
        Some(utc(2027, 3, 28, 15, 0))
    );
    assert_eq!(
        london.window_on(day(2026, 10, 25)).map(|s| s.start),
        Some(utc(2026, 10, 25, 16, 0))
    );
    // New York: forward Sun 14 Mar 2027; Sydney: back Sun 4 Apr 2027.
    let ny = calendar("America/New_York");
    assert_eq!(
        ny.window_on(day(2027, 3, 13)).map(|s| s.start),
        Some(utc(2027, 3, 13, 21, 0))
    );
    assert_eq!(
        ny.window_on(day(2027, 3, 14)).map(|s| s.start),
        Some(utc(2027, 3, 14, 20, 0))
    );
    let sydney = calendar("Australia/Sydney");
    assert_eq!(
        sydney.window_on(day(2027, 4, 3)).map(|s| s.start),
        Some(utc(2027, 4, 3, 5, 0))
    );
    assert_eq!(
        sydney.window_on(day(2027, 4, 4)).map(|s| s.start),
        Some(utc(2027, 4, 4, 6, 0))
    );
    // Three hours of real time, even across the change.
    let s = london.window_on(day(2027, 3, 28)).expect("window");
    assert_eq!(s.end - s.start, Duration::hours(3));
}

#[test]
fn a_time_in_the_spring_gap_moves_after_it_and_an_ambiguous_one_takes_the_first() {
    let london = calendar("Europe/London");
    // 01:30 does not exist on 28 Mar 2027: the first minute after the gap is 02:00 BST = 01:00 UTC.
    assert_eq!(
        london.instant(day(2027, 3, 28), hm(1, 30)),
        utc(2027, 3, 28, 1, 0)
    );
    // 01:30 happens twice on 25 Oct 2026: the first is BST (00:30 UTC).
    assert_eq!(
        london.instant(day(2026, 10, 25), hm(1, 30)),
        utc(2026, 10, 25, 0, 30)
    );
}

#[test]
fn a_window_may_cross_midnight() {
    let mut settings = CalendarSettings::default();
    settings.windows = vec![MaintenanceWindow {
        weekdays: vec![6],
        start: hm(22, 0),
        minutes: 360,
    }];
    let cal = Calendar::new("Europe/London", settings).expect("calendar");
    let s = cal.window_on(day(2027, 1, 16)).expect("Saturday");
    assert_eq!(
        (s.start, s.end),
        (utc(2027, 1, 16, 22, 0), utc(2027, 1, 17, 4, 0))
    );
    assert_eq!(cal.window_on(day(2027, 1, 17)), None);
}

#[test]
fn the_window_now_falls_in_is_found_past_midnight_and_the_next_one_after_it() {
    let mut settings = CalendarSettings::default();
    settings.windows = vec![MaintenanceWindow {
        weekdays: vec![6],
        start: hm(22, 0),
        minutes: 360,
    }];
    let cal = Calendar::new("Europe/London", settings).expect("calendar");
    let saturday = cal.window_on(day(2027, 1, 16)).expect("Saturday");
    // Sunday 03:59 is still Saturday's window; 04:00 is not.
    assert_eq!(
        cal.window_containing(utc(2027, 1, 17, 3, 59)),
        Some(saturday)
    );
    assert_eq!(cal.window_containing(utc(2027, 1, 17, 4, 0)), None);
    assert_eq!(cal.window_containing(utc(2027, 1, 16, 21, 59)), None);
    assert_eq!(
        cal.next_window(utc(2027, 1, 17, 4, 0)).map(|s| s.start),
        Some(utc(2027, 1, 23, 22, 0))
    );
    assert_eq!(
        cal.next_window(utc(2027, 1, 16, 21, 59)).map(|s| s.start),
        Some(saturday.start)
    );
}

#[test]
fn upgrades_need_notice_a_window_and_no_freeze() {
    let mut settings = CalendarSettings::default();
    settings.windows = vec![MaintenanceWindow {
        weekdays: vec![6, 7],
        start: hm(16, 0),
        minutes: 180,
    }];
    settings.freezes = vec![Freeze {
        from: day(2026, 12, 19),
        to: day(2027, 1, 3),
        reason: "Year end".into(),
    }];
    let cal = Calendar::new("Europe/London", settings).expect("calendar");
    let now = utc(2026, 11, 23, 9, 0);
    let early = cal
        .check_upgrade_date(day(2026, 11, 28), now)
        .expect_err("5 days");
    assert!(
        early.message.contains(
            "only 5 days and 7 hours away; a production upgrade needs at least 14 days' notice"
        ),
        "{}",
        early.message
    );
    assert!(
        early
            .message
            .contains("earliest possible start is Sat 12 Dec 2026 16:00 GMT"),
        "{}",
        early.message
    );
    let weekday = cal
        .check_upgrade_date(day(2026, 12, 9), now)
        .expect_err("Wednesday");
    assert!(weekday.message.contains("No maintenance window opens on Wed 9 Dec 2026 (windows: Sat, Sun at 16:00 for 180 min)"), "{}", weekday.message);
    let frozen = cal
        .check_upgrade_date(day(2026, 12, 26), now)
        .expect_err("freeze");
    assert!(
        frozen
            .message
            .contains("falls in the freeze \"Year end\" (19 Dec – 3 Jan 2027)"),
        "{}",
        frozen.message
    );
    assert_eq!(
        cal.check_upgrade_date(day(2026, 12, 12), now)
            .map(|s| s.start),
        Ok(utc(2026, 12, 12, 16, 0))
    );
    // Exactly 14 days is enough.
    assert!(cal
        .check_upgrade_date(day(2026, 12, 12), utc(2026, 11, 28, 16, 0))
        .is_ok());
    assert!(cal
        .check_upgrade_date(day(2026, 12, 12), utc(2026, 11, 28, 16, 1))
        .is_err());
}

#[test]
fn uat_windows_count_business_days_and_skip_holidays() {
    let mut settings = CalendarSettings::default();
    settings.holidays = vec![day(2027, 1, 1), day(2027, 1, 6)];
    let cal = Calendar::new("Europe/London", settings).expect("calendar");
    let plan = plan_upgrade(
        &cal,
        ReleaseType::Minor,
        day(2027, 1, 16),
        utc(2026, 11, 23, 9, 0),
    )
    .expect("plan");
    // Wave on Sat 16 Jan: UAT ends Fri 15 Jan; 10 business days back skip
    // the weekends and the holidays of 6 and 1 Jan, so UAT starts Thu 31 Dec.
    assert_eq!(plan.uat_end, Some(day(2027, 1, 15)));
    assert_eq!(plan.uat_start, Some(day(2026, 12, 31)));
    assert_eq!(plan.uat_refresh, Some(day(2026, 12, 24)));
    assert_eq!(plan.sandbox_deadline, day(2027, 1, 23));
    let maintenance = plan_upgrade(
        &cal,
        ReleaseType::Maintenance,
        day(2027, 1, 16),
        utc(2026, 11, 23, 9, 0),
    )
    .expect("plan");
    assert_eq!(
        (maintenance.uat_start, maintenance.uat_refresh),
        (None, None)
    );
    let late = plan_upgrade(
        &cal,
        ReleaseType::Major,
        day(2026, 12, 10),
        utc(2026, 11, 23, 9, 0),
    )
    .expect_err("late");
    assert!(
        late.message
            .contains("Too late for a 10-business-day UAT window"),
        "{}",
        late.message
    );
}

#[test]
fn reminders_fire_at_local_morning_time_the_day_before_across_daylight_saving() {
    let now = utc(2027, 1, 1, 9, 0);
    for (tz, upgrade_day, expected) in [
        // The day before is the change day itself: still 08:00 local.
        ("Europe/London", day(2027, 3, 29), utc(2027, 3, 28, 7, 0)),
        ("Europe/London", day(2027, 3, 28), utc(2027, 3, 27, 8, 0)),
        (
            "America/New_York",
            day(2027, 3, 15),
            utc(2027, 3, 14, 12, 0),
        ),
        (
            "America/New_York",
            day(2027, 3, 14),
            utc(2027, 3, 13, 13, 0),
        ),
        ("Australia/Sydney", day(2027, 4, 5), utc(2027, 4, 3, 22, 0)),
        ("Australia/Sydney", day(2027, 4, 4), utc(2027, 4, 2, 21, 0)),
    ] {
        let cal = calendar(tz);
        let plan = plan_upgrade(&cal, ReleaseType::Maintenance, upgrade_day, now).expect("plan");
        let due = reminders(&cal, &plan);
        assert_eq!(
            due[0],
            (ReminderKind::UpgradeTomorrow, expected),
            "{tz} {upgrade_day}"
        );
        let local = due[0].1.with_timezone(&cal.tz);
        assert_eq!(local.time(), hm(8, 0), "{tz}");
    }
}

#[test]
fn uat_ending_and_sandbox_deadline_reminders() {
    let cal = calendar("Europe/London");
    let plan = plan_upgrade(
        &cal,
        ReleaseType::Minor,
        day(2027, 1, 16),
        utc(2026, 11, 23, 9, 0),
    )
    .expect("plan");
    let due = reminders(&cal, &plan);
    let of = |kind| -> Vec<DateTime<Utc>> {
        due.iter()
            .filter(|(k, _)| *k == kind)
            .map(|(_, at)| *at)
            .collect()
    };
    // UAT ends Fri 15 Jan: two business days before is Wed 13 Jan.
    assert_eq!(of(ReminderKind::UatEnding), [utc(2027, 1, 13, 8, 0)]);
    assert_eq!(of(ReminderKind::SandboxDeadline), [utc(2027, 1, 22, 8, 0)]);
    // UAT runs Mon 4 to Fri 15 Jan: refreshed the Monday before, checked
    // in on the Friday of each week.
    assert_eq!(of(ReminderKind::UatRefresh), [utc(2026, 12, 28, 8, 0)]);
    assert_eq!(
        of(ReminderKind::UatCheckIn),
        [utc(2027, 1, 8, 8, 0), utc(2027, 1, 15, 8, 0)]
    );
}

#[test]
fn check_ins_fall_on_each_week_s_last_business_day_in_the_window() {
    let mut settings = CalendarSettings::default();
    // Good Friday off: that week's check-in is on the Thursday.
    settings.holidays = vec![day(2027, 3, 26)];
    let cal = Calendar::new("Europe/London", settings).expect("calendar");
    assert_eq!(
        check_in_days(&cal, day(2027, 3, 17), day(2027, 3, 31)),
        [day(2027, 3, 19), day(2027, 3, 25), day(2027, 3, 31)]
    );
}

#[test]
fn bad_settings_are_refused() {
    assert!(Calendar::new("Mars/Olympus", CalendarSettings::default())
        .expect_err("tz")
        .message
        .contains("IANA"));
    let mut s = CalendarSettings::default();
    s.windows[0].minutes = 5;
    assert!(Calendar::new("UTC", s).is_err());
    let mut s = CalendarSettings::default();
    s.business_days = vec![];
    assert!(Calendar::new("UTC", s).is_err());
    let mut s = CalendarSettings::default();
    s.freezes = vec![Freeze {
        from: day(2027, 1, 2),
        to: day(2027, 1, 1),
        reason: "x".into(),
    }];
    assert!(Calendar::new("UTC", s)
        .expect_err("freeze")
        .message
        .contains("ends before it starts"));
}

#[test]
fn nothing_is_promoted_during_a_freeze() {
    let mut settings = CalendarSettings::default();
    settings.freezes = vec![Freeze {
        from: day(2026, 12, 21),
        to: day(2027, 1, 3),
        reason: "Year end".into(),
    }];
    let cal = Calendar::new("Europe/London", settings).expect("calendar");
    assert!(cal
        .ensure_not_frozen(utc(2026, 12, 20, 23, 59), "promotion")
        .is_ok());
    let err = cal
        .ensure_not_frozen(utc(2027, 1, 3, 23, 59), "promotion")
        .expect_err("frozen");
    assert!(
        err.message
            .contains("frozen for \"Year end\" until the end of Sun 3 Jan 2027: no promotion"),
        "{}",
        err.message
    );
    assert!(cal
        .ensure_not_frozen(utc(2027, 1, 4, 0, 0), "promotion")
        .is_ok());
}

#[test]
fn notice_is_said_in_days_hours_and_minutes_never_rounded_up() {
    assert_eq!(
        days_and_hours(Duration::days(14) - Duration::seconds(1)),
        "13 days, 23 hours and 59 minutes"
    );
    assert_eq!(days_and_hours(Duration::hours(25)), "1 day and 1 hour");
    assert_eq!(days_and_hours(Duration::seconds(30)), "less than a minute");
    let mut settings = CalendarSettings::default();
    settings.windows = vec![MaintenanceWindow {
        weekdays: vec![6],
        start: hm(16, 0),
        minutes: 180,
    }];
    let cal = Calendar::new("Europe/London", settings).expect("calendar");
    let e = cal
        .check_upgrade_date(
            day(2026, 12, 12),
            utc(2026, 11, 28, 16, 0) + Duration::seconds(1),
        )
        .expect_err("one second short");
    assert!(
        e.message
            .contains("only 13 days, 23 hours and 59 minutes away"),
        "{}",
        e.message
    );
}

#[test]
fn two_windows_on_one_weekday_are_refused() {
    let mut settings = CalendarSettings::default();
    settings.windows = vec![
        MaintenanceWindow {
            weekdays: vec![6, 7],
            start: hm(16, 0),
            minutes: 180,
        },
        MaintenanceWindow {
            weekdays: vec![6],
            start: hm(2, 0),
            minutes: 60,
        },
    ];
    let e = Calendar::new("Europe/London", settings).expect_err("overlap");
    assert!(
        e.message.contains("windows 1 and 2 both open on Sat"),
        "{}",
        e.message
    );
}

#[test]
fn a_refused_wave_names_the_first_wave_that_would_be_accepted() {
    let mut settings = CalendarSettings::default();
    settings.windows = vec![MaintenanceWindow {
        weekdays: vec![6],
        start: hm(16, 0),
        minutes: 180,
    }];
    let cal = Calendar::new("Europe/London", settings).expect("calendar");
    let now = utc(2026, 11, 24, 9, 0);
    // Wave 1 lacks notice; wave 2 has notice but its UAT refresh (the week
    // before a 10-business-day window) has passed; wave 3 works.
    let waves = vec![
        ("Wave 1".to_string(), day(2026, 11, 28)),
        ("Wave 2".to_string(), day(2026, 12, 12)),
        ("Wave 3".to_string(), day(2027, 1, 16)),
    ];
    let e = plan_upgrade_on_wave(&cal, ReleaseType::Minor, &waves, day(2026, 11, 28), now)
        .expect_err("notice");
    assert!(
        e.message.ends_with(
            "The first wave that would be accepted is Wave 3, Sat 16 Jan 2027 16:00 GMT."
        ),
        "{}",
        e.message
    );
    assert!(
        !e.message.contains("earliest possible start"),
        "{}",
        e.message
    );
    // A maintenance release needs neither UAT nor the 14 days' notice:
    // this weekend's wave is fine.
    let plan = plan_upgrade_on_wave(
        &cal,
        ReleaseType::Maintenance,
        &waves,
        day(2026, 11, 28),
        now,
    )
    .expect("a weekend wave for a maintenance release");
    assert_eq!(plan.uat_start, None);
    let e = plan_upgrade_on_wave(
        &cal,
        ReleaseType::Minor,
        &waves[..2],
        day(2026, 11, 28),
        now,
    )
    .expect_err("none");
    assert!(
        e.message
            .contains("No wave of this release would be accepted"),
        "{}",
        e.message
    );
}

#[test]
fn window_starts_in_skipped_or_repeated_hours_are_listed_with_where_they_move() {
    let at = |tz: &str, weekday: u8, start: NaiveTime| {
        let mut settings = CalendarSettings::default();
        settings.windows = vec![MaintenanceWindow {
            weekdays: vec![weekday],
            start,
            minutes: 120,
        }];
        Calendar::new(tz, settings).expect("calendar")
    };
    let london = at("Europe/London", 7, hm(1, 30)).window_shifts(day(2027, 3, 1), 60);
    assert_eq!(london.len(), 1, "{london:?}");
    assert_eq!(london[0].0, day(2027, 3, 28));
    assert!(
        london[0].1.contains("opens at 02:00 BST"),
        "{}",
        london[0].1
    );
    let new_york = at("America/New_York", 7, hm(1, 30)).window_shifts(day(2026, 10, 25), 14);
    assert_eq!(new_york.len(), 1);
    assert!(new_york[0].1.contains("happens twice"), "{}", new_york[0].1);
    let lord_howe = at("Australia/Lord_Howe", 7, hm(2, 10)).window_shifts(day(2026, 9, 28), 14);
    assert_eq!(lord_howe.len(), 1, "{lord_howe:?}");
    assert!(at("Europe/London", 7, hm(16, 0))
        .window_shifts(day(2027, 3, 1), 60)
        .is_empty());
}

#[test]
fn production_starts_on_its_wave_day_and_upgrades_in_its_scheduled_window() {
    let cal = calendar("Europe/London");
    let slot = Slot {
        start: utc(2027, 1, 30, 16, 0),
        end: utc(2027, 1, 30, 19, 0),
    };
    let early = utc(2027, 1, 18, 9, 0);
    let e = ensure_on_wave(
        &cal,
        "10.0.2",
        Some("Wave 2"),
        &slot,
        early + Duration::days(10),
        false,
        early,
    )
    .expect_err("asks first");
    assert_eq!(e.kind, crate::ErrorKind::Unconfirmed);
    assert!(
        e.message
            .contains("10-day timer would end Thu 28 Jan 2027 09:00 GMT"),
        "{}",
        e.message
    );
    assert!(ensure_on_wave(&cal, "10.0.2", None, &slot, early, true, early).is_ok());
    // The wave's own day, even in the morning, needs no question.
    let morning = utc(2027, 1, 30, 7, 0);
    assert!(ensure_on_wave(
        &cal,
        "10.0.2",
        None,
        &slot,
        morning + Duration::days(10),
        false,
        morning
    )
    .is_ok());

    assert!(ensure_scheduled_window(&cal, "10.0.2", None, &slot, utc(2027, 1, 30, 16, 0)).is_ok());
    let before = ensure_scheduled_window(&cal, "10.0.2", None, &slot, utc(2027, 1, 29, 16, 30))
        .expect_err("another day's window");
    assert!(
        before.message.contains("Start the data upgrade then"),
        "{}",
        before.message
    );
    let after = ensure_scheduled_window(&cal, "10.0.2", None, &slot, utc(2027, 1, 30, 19, 0))
        .expect_err("window over");
    assert!(
        after.message.contains("reschedule it under Releases"),
        "{}",
        after.message
    );
}

#[test]
fn maintenance_releases_need_a_window_outside_freezes_but_no_notice() {
    let mut settings = CalendarSettings::default();
    settings.windows = vec![MaintenanceWindow {
        weekdays: vec![6, 7],
        start: hm(16, 0),
        minutes: 180,
    }];
    settings.freezes = vec![Freeze {
        from: day(2026, 12, 5),
        to: day(2026, 12, 6),
        reason: "Month-end close".into(),
    }];
    let cal = Calendar::new("Europe/London", settings).expect("calendar");
    // Wednesday 25 Nov: Saturday's window is three days away.
    let now = utc(2026, 11, 25, 9, 0);
    assert_eq!(cal.notice_days_for(ReleaseType::Maintenance), 0);
    assert_eq!(cal.notice_days_for(ReleaseType::Minor), 14);
    let plan =
        plan_upgrade(&cal, ReleaseType::Maintenance, day(2026, 11, 28), now).expect("weekend");
    assert_eq!(plan.slot.start, utc(2026, 11, 28, 16, 0));
    let minor = plan_upgrade(&cal, ReleaseType::Minor, day(2026, 11, 28), now).expect_err("notice");
    assert!(
        minor.message.contains("needs at least 14 days' notice"),
        "{}",
        minor.message
    );
    // No window on a weekday, none in a freeze, none in the past.
    assert!(
        plan_upgrade(&cal, ReleaseType::Maintenance, day(2026, 11, 26), now)
            .expect_err("weekday")
            .message
            .contains("No maintenance window opens")
    );
    let frozen =
        plan_upgrade(&cal, ReleaseType::Maintenance, day(2026, 12, 5), now).expect_err("freeze");
    assert!(
        frozen.message.contains("Month-end close")
            && frozen
                .message
                .contains("The earliest possible start is Sat 28 Nov 2026 16:00 GMT."),
        "{}",
        frozen.message
    );
    let late = utc(2026, 11, 28, 17, 0);
    assert!(
        plan_upgrade(&cal, ReleaseType::Maintenance, day(2026, 11, 28), late)
            .expect_err("passed")
            .message
            .contains("has passed")
    );
}
