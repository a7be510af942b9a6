//! Reminders reach a real notification daemon (dunst on a private D-Bus
//! session): one that fell due while Cutover was closed fires at start,
//! marked late, and the next fires on time, while the app runs; a restart
//! after they fired shows none again. The UAT cycle's refresh-day and
//! weekly check-in reminders come the same way.

use chrono::{NaiveDate, TimeZone, Utc};
use cutover_e2e::{app_binary, Dunst, Group, Result};
use cutover_store::{demo, Workspace};
use std::process::{Command, Stdio};
use std::time::Duration;

#[test]
#[ignore = "drives the real app; run with scripts/e2e.sh (Xvfb + a private D-Bus)"]
fn reminders_fire_late_at_start_and_on_time_while_running() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let data = dir.path().join("data");
    // Production's upgrade to 10.0.2 on Wave 2 (Sat 30 Jan 2027, 16:00 London).
    let ws = Workspace::open(&data)?;
    let then = Utc
        .with_ymd_and_hms(2027, 1, 5, 9, 0, 0)
        .single()
        .ok_or("date")?;
    let account = demo::ensure_demo(&ws, then)?.ok_or("demo")?;
    let alex = ws.current_admin(then)?;
    let release = ws
        .catalog(account, &alex, then)?
        .releases
        .into_iter()
        .find(|r| r.version == "10.0.2")
        .ok_or("10.0.2")?;
    let date = NaiveDate::from_ymd_opt(2027, 1, 30).ok_or("date")?;
    ws.schedule_upgrade(release.id, date, &alex, then)?;
    drop(ws);

    let dunst = Dunst::start(dir.path())?;
    // Start ten seconds before the morning-before reminder (Fri 29 Jan
    // 08:00 GMT); the UAT reminder (Wed 27 Jan 08:00) fell due while closed.
    let launch = |clock: &str| {
        Group::spawn(
            Command::new(app_binary())
                .env("CUTOVER_DATA_DIR", &data)
                .env("CUTOVER_CLOCK_START", clock)
                .env("DBUS_SESSION_BUS_ADDRESS", &dunst.address)
                .env("NO_AT_BRIDGE", "1")
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        )
    };
    let mut app = launch("2027-01-29T07:59:50Z")?;
    let printed = dunst.wait_for(
        "UAT for 10.0.2 ends in two business days: Northwind Foods (demo) (late)",
        Duration::from_secs(20),
    )?;
    assert!(
        !printed.contains("Upgrade to 10.0.2 tomorrow"),
        "fired early:\n{printed}"
    );
    let printed = dunst.wait_for(
        "Upgrade to 10.0.2 tomorrow: Northwind Foods (demo)",
        Duration::from_secs(40),
    )?;
    assert!(
        !printed.contains("tomorrow: Northwind Foods (demo) (late)"),
        "on time, not late:\n{printed}"
    );
    assert!(printed.contains("16:00 GMT"), "{printed}");
    // Exactly once: the engine passes again (a restart a little later runs
    // a pass at once, the one that fires what fell due while closed) and
    // neither reminder is shown again.
    let passes = || reminder_passes(&data.join("logs"));
    let before = passes();
    // Killed only once the app recorded both as shown: one killed between
    // showing a notification and recording it shows it again at the next
    // start (at least once, by design), which is not what this checks.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let pending: i64 = Workspace::open(&data)?
            .connect()?
            .query_row(
                "SELECT count(*) FROM inbox WHERE desktop = 'pending'",
                [],
                |r| r.get(0),
            )
            .map_err(|e| e.to_string())?;
        if pending == 0 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the app never recorded its notifications as shown"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    app.kill();
    let _app = launch("2027-01-29T08:00:30Z")?;
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while passes() <= before {
        assert!(
            std::time::Instant::now() < deadline,
            "the restarted app made no reminder pass"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    // dunst prints each notification's summary once on a "summary:" line.
    let printed = dunst.printed();
    // The UAT cycle's reminders fell due while closed too: the refresh
    // day, the first week's check-in; the second check-in is on time.
    for (summary, times) in [
        ("summary: 'Upgrade to 10.0.2 tomorrow", 1),
        ("summary: 'UAT for 10.0.2 ends in two business days", 1),
        (
            "summary: 'Refresh UAT today for 10.0.2: Northwind Foods (demo) (late)",
            1,
        ),
        (
            "summary: 'UAT check-in for 10.0.2: Northwind Foods (demo) (late)",
            1,
        ),
        ("summary: 'UAT check-in for 10.0.2", 2),
    ] {
        assert_eq!(
            printed.matches(summary).count(),
            times,
            "{summary} {times} times:\n{printed}"
        );
    }

    let ws = Workspace::open(&data)?;
    let plan = &ws.scheduled_upgrades(account)?[0];
    assert!(
        plan.reminders
            .iter()
            .filter(|r| r.fired_at.is_some())
            .count()
            == 5
    );
    let fired: Vec<_> = ws
        .inbox()?
        .into_iter()
        .filter(|n| n.title.contains("10.0.2"))
        .collect();
    assert_eq!(fired.len(), 5);
    assert!(fired
        .iter()
        .all(|n| n.undelivered.is_none() && !n.desktop_pending));
    Ok(())
}

/// How many reminder passes that fired nothing the app logged.
fn reminder_passes(logs: &std::path::Path) -> usize {
    std::fs::read_dir(logs)
        .into_iter()
        .flatten()
        .flatten()
        .map(|f| {
            std::fs::read_to_string(f.path())
                .unwrap_or_default()
                .matches("reminder pass fired=0")
                .count()
        })
        .sum()
}
