use super::*;
use serde_json::json;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn utc(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

#[test]
fn days_resolve_in_the_account_time_zone_across_daylight_saving() {
    // London springs forward on 2026-03-29 (a 23-hour day) and falls back
    // on 2026-10-25 (a 25-hour day).
    let q = ChangelogQuery {
        from: Some(day(2026, 3, 29)),
        to: Some(day(2026, 3, 29)),
        limit: 50,
        ..Default::default()
    };
    let f = q.resolve("Europe/London").unwrap();
    assert_eq!(f.from, Some(utc("2026-03-29T00:00:00Z")));
    assert_eq!(f.until, Some(utc("2026-03-29T23:00:00Z")));

    let q = ChangelogQuery {
        from: Some(day(2026, 10, 25)),
        to: Some(day(2026, 10, 25)),
        limit: 50,
        ..Default::default()
    };
    let f = q.resolve("Europe/London").unwrap();
    assert_eq!(f.from, Some(utc("2026-10-24T23:00:00Z")));
    assert_eq!(f.until, Some(utc("2026-10-26T00:00:00Z")));
}

#[test]
fn a_day_without_midnight_starts_at_its_first_valid_time() {
    // Santiago springs forward at 00:00 on 2026-09-06: 00:00-00:59 never happen.
    let tz: Tz = "America/Santiago".parse().unwrap();
    assert_eq!(
        start_of_day(tz, day(2026, 9, 6)),
        utc("2026-09-06T04:00:00Z")
    );
}

#[test]
fn queries_are_checked_and_bounded() {
    let q = ChangelogQuery {
        from: Some(day(2026, 5, 2)),
        to: Some(day(2026, 5, 1)),
        ..Default::default()
    };
    assert!(q
        .resolve("Europe/London")
        .unwrap_err()
        .message
        .contains("swap"));
    let q = ChangelogQuery {
        limit: 10_000,
        author: Some("  ".into()),
        ..Default::default()
    };
    let f = q.resolve("UTC").unwrap();
    assert_eq!(f.limit, MAX_PAGE);
    assert_eq!(f.author, None);
    assert!(ChangelogQuery::default().resolve("Mars/Olympus").is_err());
}

#[test]
fn diffs_show_only_what_changed() {
    let before = json!({"id": 4, "name": "Phone", "fieldType": {"type": "text"}});
    let after = json!({"id": 4, "name": "Mobile", "fieldType": {"type": "text"}});
    assert_eq!(
        diff(Some(&before), Some(&after)),
        vec![FieldDiff {
            property: "name".into(),
            before: Some("Phone".into()),
            after: Some("Mobile".into())
        }]
    );
    let created = diff(None, Some(&after));
    assert_eq!(created.len(), 3);
    assert!(created.iter().all(|d| d.before.is_none()));
    assert_eq!(created[0].property, "fieldType");
    assert_eq!(created[0].after.as_deref(), Some(r#"{"type":"text"}"#));
}

#[test]
fn kinds_and_actions_round_trip_as_text() {
    for k in [
        EntityKind::App,
        EntityKind::Table,
        EntityKind::Field,
        EntityKind::View,
    ] {
        assert_eq!(EntityKind::parse(k.as_str()).unwrap(), k);
    }
    assert_eq!(
        ChangeAction::parse("set_options").unwrap(),
        ChangeAction::SetOptions
    );
    assert!(ChangeAction::parse("explode").is_err());
}

#[test]
fn recent_weeks_run_monday_to_monday_in_the_account_zone_across_daylight_saving() {
    // Thursday 29 Oct 2026 in London; clocks went back on Sunday 25 Oct.
    let weeks = recent_weeks(utc("2026-10-29T12:00:00Z"), "Europe/London", 3).unwrap();
    let mondays: Vec<NaiveDate> = weeks.iter().map(|w| w.0).collect();
    assert_eq!(
        mondays,
        [day(2026, 10, 12), day(2026, 10, 19), day(2026, 10, 26)]
    );
    // 19 Oct starts at 00:00 BST (23:00 UTC the day before) and lasts
    // 169 hours, up to 00:00 GMT on 26 Oct.
    assert_eq!(weeks[1].1, utc("2026-10-18T23:00:00Z"));
    assert_eq!(weeks[1].2, utc("2026-10-26T00:00:00Z"));
    assert_eq!((weeks[1].2 - weeks[1].1).num_hours(), 169);
    assert_eq!(weeks[0].2, weeks[1].1, "weeks meet with no gap");
    // Late on Sunday in New York is already Monday in UTC: still Sunday's week.
    let ny = recent_weeks(utc("2026-11-02T03:00:00Z"), "America/New_York", 1).unwrap();
    assert_eq!(ny[0].0, day(2026, 10, 26));
    assert!(recent_weeks(utc("2026-11-02T03:00:00Z"), "Mars/Olympus", 1).is_err());
}
