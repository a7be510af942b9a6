//! The calendar export read by two outside iCalendar readers (Python's
//! `icalendar` with `recurring_ical_events`, and `vobject`), in six zones
//! next to their daylight-saving days: every timed event they expand must
//! be the instants Cutover itself shows, UIDs unique, zone names real.
//! The readers live in `target/py`, which the test command installs.

mod common;

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use common::boss;
use cutover_core::schedule::{CalendarSettings, MaintenanceWindow};
use cutover_core::Result;
use cutover_package::{build, sign};
use cutover_store::{demo, Context, Workspace};
use std::collections::BTreeSet;
use std::path::PathBuf;

fn utc(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 0, 0, 0)
        .single()
        .expect("an instant")
}

/// The id of release `version` in the account's catalog.
fn release_id(ws: &Workspace, account: i64, version: &str, now: DateTime<Utc>) -> Result<i64> {
    Ok(ws
        .catalog(account, &boss(), now)?
        .releases
        .into_iter()
        .find(|r| r.version == version)
        .map(|r| r.id)
        .expect("release"))
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../..")
}

/// A maintenance release `version` offering one wave on `wave`.
fn release(version: &str, wave: &str) -> Result<Vec<u8>> {
    let demo_dir = root().join("packages/demo");
    let mut files = build::read_folder(&demo_dir.join("10.0.4"))?;
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&files[0].1).context("manifest")?;
    manifest["version"] = version.into();
    manifest["published"] = "2026-09-01".into();
    manifest["general_availability"] = "2026-09-15".into();
    manifest["required_hotfixes"] = serde_json::json!([]);
    manifest["waves"] = serde_json::json!([{ "name": "Fall back", "date": wave }]);
    files[0].1 = serde_json::to_vec(&manifest).context("manifest")?;
    let key = sign::parse_signing_key(
        &std::fs::read_to_string(demo_dir.join("vendor-demo.key")).context("key")?,
    )?;
    build::build(&files, &key)
}

type Events = BTreeSet<(String, String)>;

/// What the outside readers expand, per reader, as (start, end) in UTC;
/// and the UIDs of the file's events.
fn read_outside(
    ics: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<(String, Events)>> {
    let python = root().join("target/py/bin/python");
    assert!(
        python.exists(),
        "{} is missing: run `bash scripts/test.sh` (it installs the outside iCalendar readers), or `python3 -m venv target/py && target/py/bin/pip install icalendar==7.3.0 recurring-ical-events==3.8.2 vobject==0.9.9`",
        python.display()
    );
    let dir = tempfile::tempdir().context("temp dir")?;
    let file = dir.path().join("export.ics");
    std::fs::write(&file, ics).context("write")?;
    let out = std::process::Command::new(python)
        .arg(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/ics/read.py"))
        .arg(&file)
        .arg(from.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .arg(to.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .output()
        .context("python")?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let parsed: serde_json::Value = serde_json::from_slice(&out.stdout).context("json")?;
    let mut readers = Vec::new();
    for reader in ["icalendar", "vobject"] {
        let events = parsed[reader]
            .as_array()
            .expect("events")
            .iter()
            .map(|e| {
                (
                    e[1].as_str().unwrap_or("").to_string(),
                    e[2].as_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        readers.push((reader.to_string(), events));
    }
    Ok(readers)
}

/// The timed events Cutover shows, as (start, end) in UTC.
fn in_app(ws: &Workspace, account: i64, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Events> {
    Ok(ws
        .calendar_events(account, from, to)?
        .into_iter()
        .filter(|e| !e.all_day)
        .map(|e| {
            (
                e.start.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
                e.end.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            )
        })
        .collect())
}

struct Case {
    zone: &'static str,
    weekdays: Vec<u8>,
    start: (u32, u32),
    minutes: u32,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
}

#[test]
fn six_zones_next_to_their_daylight_saving_days_read_the_same_outside() -> Result<()> {
    let cases = [
        // Spring forward: 01:30 does not exist on 28 Mar 2027.
        Case {
            zone: "Europe/London",
            weekdays: vec![7],
            start: (1, 30),
            minutes: 120,
            from: utc(2027, 3, 1),
            to: utc(2027, 4, 15),
        },
        // Spring forward on 4 Oct 2026: 02:30 does not exist.
        Case {
            zone: "Australia/Sydney",
            weekdays: vec![7],
            start: (2, 30),
            minutes: 120,
            from: utc(2026, 9, 20),
            to: utc(2026, 10, 25),
        },
        // A half-hour change on 4 Oct 2026: 02:10 does not exist.
        Case {
            zone: "Australia/Lord_Howe",
            weekdays: vec![7],
            start: (2, 10),
            minutes: 120,
            from: utc(2026, 9, 20),
            to: utc(2026, 10, 25),
        },
        // Fall back on 1 Nov 2026: 00:30 for 90 min ends in the repeated hour.
        Case {
            zone: "America/New_York",
            weekdays: vec![7],
            start: (0, 30),
            minutes: 90,
            from: utc(2026, 10, 20),
            to: utc(2026, 11, 15),
        },
        Case {
            zone: "Asia/Kolkata",
            weekdays: vec![6, 7],
            start: (16, 0),
            minutes: 180,
            from: utc(2026, 10, 1),
            to: utc(2026, 11, 1),
        },
        // Across midnight, in a zone without daylight saving.
        Case {
            zone: "Asia/Dubai",
            weekdays: vec![5],
            start: (22, 0),
            minutes: 180,
            from: utc(2026, 10, 1),
            to: utc(2026, 11, 1),
        },
    ];
    for case in cases {
        let dir = tempfile::tempdir().context("temp dir")?;
        let ws = Workspace::open(dir.path())?;
        let now = utc(2026, 9, 16);
        let account = demo::ensure_demo(&ws, now)?.expect("the demo account");
        let settings = CalendarSettings {
            windows: vec![MaintenanceWindow {
                weekdays: case.weekdays.clone(),
                start: NaiveTime::from_hms_opt(case.start.0, case.start.1, 0).expect("time"),
                minutes: case.minutes,
            }],
            ..CalendarSettings::default()
        };
        ws.set_account_calendar(account, case.zone, settings, &boss())?;
        if case.zone == "America/New_York" {
            // Two plans on the same wave: their events share every date.
            for version in ["10.0.5", "10.0.6"] {
                ws.import_release(account, &release(version, "2026-11-01")?, &boss(), now)?;
                let r = release_id(&ws, account, version, now)?;
                ws.schedule_upgrade(
                    r,
                    NaiveDate::from_ymd_opt(2026, 11, 1).expect("date"),
                    &boss(),
                    now,
                )?;
            }
        }
        let ics = ws.calendar_ics(account, case.from, case.to, now)?;
        let expected = in_app(&ws, account, case.from, case.to)?;
        assert!(!expected.is_empty(), "{}", case.zone);
        for (reader, events) in read_outside(&ics, case.from, case.to)? {
            assert_eq!(events, expected, "{} read by {reader}:\n{ics}", case.zone);
        }
        let uids: Vec<&str> = ics.lines().filter(|l| l.starts_with("UID:")).collect();
        let unique: BTreeSet<&&str> = uids.iter().collect();
        assert_eq!(
            unique.len(),
            uids.len(),
            "{}: UIDs are unique\n{ics}",
            case.zone
        );
        assert!(
            !ics.contains("TZNAME:LMT") && !ics.contains("TZNAME:UTC"),
            "{}\n{ics}",
            case.zone
        );
        match case.zone {
            "Australia/Lord_Howe" => assert!(
                ics.contains("TZNAME:+11") && ics.contains("TZNAME:+1030"),
                "{ics}"
            ),
            "Asia/Dubai" => assert!(ics.contains("TZNAME:+04"), "{ics}"),
            "America/New_York" => {
                // The upgrades end at 01:00 in the repeated hour: in UTC.
                assert!(
                    ics.contains("DTSTART:20261101T043000Z\r\nDTEND:20261101T060000Z"),
                    "{ics}"
                );
                assert!(
                    ics.contains("UID:upgrade-1-10.0.5@cutover")
                        && ics.contains("UID:upgrade-1-10.0.6@cutover"),
                    "{ics}"
                );
            }
            _ => {}
        }
    }
    Ok(())
}

#[test]
fn uids_stay_the_same_when_a_plan_is_rescheduled() -> Result<()> {
    let dir = tempfile::tempdir().context("temp dir")?;
    let ws = Workspace::open(dir.path())?;
    let now = utc(2026, 9, 16);
    let account = demo::ensure_demo(&ws, now)?.expect("the demo account");
    ws.import_release(account, &release("10.0.5", "2026-11-07")?, &boss(), now)?;
    let r = release_id(&ws, account, "10.0.5", now)?;
    ws.schedule_upgrade(
        r,
        NaiveDate::from_ymd_opt(2026, 11, 7).expect("date"),
        &boss(),
        now,
    )?;
    let uids = |ics: String| -> Vec<String> {
        ics.lines()
            .filter(|l| l.starts_with("UID:upgrade"))
            .map(str::to_string)
            .collect()
    };
    let first = uids(ws.calendar_ics(account, utc(2026, 10, 1), utc(2026, 12, 1), now)?);
    ws.schedule_upgrade(
        r,
        NaiveDate::from_ymd_opt(2026, 11, 7).expect("date"),
        &boss(),
        now,
    )?;
    let again = uids(ws.calendar_ics(account, utc(2026, 10, 1), utc(2026, 12, 1), now)?);
    assert_eq!(first, vec!["UID:upgrade-1-10.0.5@cutover".to_string()]);
    assert_eq!(again, first);
    Ok(())
}
