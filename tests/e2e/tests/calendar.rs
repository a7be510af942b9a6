//! Scheduling through the real app, run "on" 5 January 2027 in New York
//! while the account lives in London: set a maintenance window, pick a wave
//! that is too early and read the refusal, pick a valid one, see it on the
//! calendar at the right local time, and export an .ics file that an
//! independent parser (Python's icalendar) reads back correctly.

use cutover_e2e::{workspace_root, App, Result};

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real app; run with scripts/e2e.sh (Xvfb + tauri-driver)"]
async fn schedule_a_wave_and_export_the_calendar() -> Result<()> {
    let holder = tempfile::tempdir()?;
    let data = holder.path().to_path_buf();
    let env = [
        (
            "CUTOVER_CLOCK_START".to_string(),
            "2027-01-05T09:00:00Z".to_string(),
        ),
        ("TZ".to_string(), "America/New_York".to_string()),
    ];
    let mut app = App::launch_with("calendar", holder, &data, &env).await?;
    app.explore_demo().await?;

    // Maintenance on weekends only, 16:00 for three hours (London time).
    app.click(r#"[data-testid="nav-calendar"]"#).await?;
    app.click(r#"[data-testid="calendar-tab-settings"]"#)
        .await?;
    app.wait_for(r#"[data-testid="window"]"#).await?;
    app.click_in(r#"[data-testid="window"]"#, "button.ghost")
        .await?;
    app.click(r#"[data-testid="add-window"]"#).await?;
    app.wait_for(r#"[data-testid="window"] [data-day="6"]:checked"#)
        .await?;
    app.click(r#"[data-testid="save-calendar"]"#).await?;
    app.wait_for(r#"[data-testid="settings-saved"]"#).await?;
    app.screenshot("settings").await?;

    // Wave 1 (16 Jan) is 11 days away: refused. Wave 2 (30 Jan) is fine.
    app.click(r#"[data-testid="nav-releases"]"#).await?;
    app.click_in(
        r#"[data-testid="release-row"][data-version="10.0.2"]"#,
        r#"[data-testid="schedule-release"]"#,
    )
    .await?;
    app.click(r#"[data-testid="wave"][data-date="2027-01-16"]"#)
        .await?;
    app.click(r#"[data-testid="schedule"]"#).await?;
    app.wait_for_text(
        r#"[data-testid="schedule-dialog"] [data-testid="error"]"#,
        "needs at least 14 days' notice",
    )
    .await?;
    app.screenshot("too-early").await?;
    app.click(r#"[data-testid="wave"][data-date="2027-01-30"]"#)
        .await?;
    app.wait_for(r#"[data-testid="wave"][data-date="2027-01-30"] input:checked"#)
        .await?;
    app.click(r#"[data-testid="schedule"]"#).await?;
    let plan = app
        .wait_for_text(
            r#"[data-testid="plan"]"#,
            "Scheduled: Wave 2, Sat 30 Jan 2027",
        )
        .await?;
    let text = plan.text().await?;
    assert!(
        text.contains("11:00 ") && text.contains("(16:00 GMT for the account)"),
        "{text}"
    );
    assert!(
        text.contains("tested from Mon 18 Jan 2027 to Fri 29 Jan 2027"),
        "{text}"
    );
    app.screenshot("scheduled").await?;
    app.click_in(r#"[data-testid="schedule-dialog"]"#, "button.secondary")
        .await?;

    // On the calendar, in the admin's zone with the account's beside it.
    app.click(r#"[data-testid="nav-calendar"]"#).await?;
    app.click(r#"[data-testid="calendar-tab-month"]"#).await?;
    // It opens on the app clock's month with its today marked (the machine's
    // date is another), and comes back to it with Today.
    app.wait_for_text(r#"[data-testid="month-title"]"#, "January 2027")
        .await?;
    app.wait_for(r#".month-day.today[data-day="2027-01-05"]"#)
        .await?;
    app.click(r#"[data-testid="next-month"]"#).await?;
    app.wait_for_text(r#"[data-testid="month-title"]"#, "February 2027")
        .await?;
    app.click(r#"[data-testid="this-month"]"#).await?;
    app.wait_for_text(r#"[data-testid="month-title"]"#, "January 2027")
        .await?;
    // The month's last row may be below the fold: read the cells' text.
    let cell = |day: &str, kind: &str| {
        format!("return document.querySelector('[data-day=\"{day}\"] [data-kind=\"{kind}\"]')?.textContent ?? ''")
    };
    let mut upgrade = String::new();
    for _ in 0..100 {
        upgrade = app
            .eval(&cell("2027-01-30", "upgrade"))
            .await?
            .as_str()
            .unwrap_or_default()
            .to_string();
        if !upgrade.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(upgrade, "11:00 Production upgrade to 10.0.2 (Wave 2)");
    // The UAT window says where its cycle stands.
    assert_eq!(
        app.eval(&cell("2027-01-18", "uat_window")).await?,
        "UAT of 10.0.2 · Planned"
    );
    assert_eq!(
        app.eval(&cell("2027-01-23", "maintenance_window")).await?,
        "11:00 window"
    );
    app.screenshot("month").await?;
    app.click(r#"[data-testid="calendar-tab-agenda"]"#).await?;
    app.wait_for_text(
        r#"[data-testid="agenda-item"][data-kind="upgrade"]"#,
        "(16:00 GMT for the account)",
    )
    .await?;
    app.screenshot("agenda").await?;
    // From December the agenda still shows the upgrade at the end of
    // January: it looks ahead months, not the six weeks of the month view.
    app.click(r#"[data-testid="prev-month"]"#).await?;
    app.wait_for_text(r#"[data-testid="month-title"]"#, "December 2026")
        .await?;
    app.wait_for_text(
        r#"[data-testid="agenda-item"][data-kind="upgrade"]"#,
        "Sat 30 Jan 2027",
    )
    .await?;
    app.click(r#"[data-testid="this-month"]"#).await?;

    let ics = app.data_dir().join("northwind.ics");
    app.type_into(r#"[data-testid="ics-path"]"#, &ics.display().to_string())
        .await?;
    app.click(r#"[data-testid="export-ics"]"#).await?;
    app.wait_for(r#"[data-testid="ics-saved"]"#).await?;
    let python = workspace_root().join("target/py/bin/python");
    let checked = std::process::Command::new(&python)
        .arg(workspace_root().join("tests/e2e/scripts/check_ics.py"))
        .arg(&ics)
        .output()
        .map_err(|e| {
            format!(
                "cannot run {} ({e}); scripts/test.sh creates it",
                python.display()
            )
        })?;
    let said = String::from_utf8_lossy(&checked.stdout).to_string()
        + &String::from_utf8_lossy(&checked.stderr);
    assert!(
        checked.status.success(),
        "the .ics did not pass the independent check:\n{said}"
    );

    // An event opens what it is about: the upgrade its release's notes,
    // the UAT window its cycle.
    app.click(r#"[data-testid="calendar-tab-month"]"#).await?;
    app.click(r#"[data-day="2027-01-30"] [data-kind="upgrade"]"#)
        .await?;
    app.wait_for_text(r#"[data-testid="release-reader"]"#, "Release 10.0.2")
        .await?;
    app.click(r#"[data-testid="nav-calendar"]"#).await?;
    app.click(r#"[data-day="2027-01-20"] [data-kind="uat_window"]"#)
        .await?;
    app.wait_for(r#"[data-testid="generate-plan"]"#).await?;
    app.close().await
}

/// A window whose start the clocks skip on some day is pointed out in the
/// settings, with where it moves; the app runs "on" 1 March 2027, four
/// weeks before London's clocks go forward.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real app; run with scripts/e2e.sh (Xvfb + tauri-driver)"]
async fn a_window_in_a_skipped_hour_is_pointed_out_in_the_settings() -> Result<()> {
    use cutover_core::schedule::{CalendarSettings, MaintenanceWindow};
    let holder = tempfile::tempdir()?;
    let data = holder.path().to_path_buf();
    {
        let ws = cutover_store::Workspace::open(&data)?;
        let at = chrono::DateTime::parse_from_rfc3339("2027-03-01T09:00:00Z")?.to_utc();
        let account = cutover_store::demo::ensure_demo(&ws, at)?.ok_or("no demo")?;
        let admin = ws.current_admin(at)?;
        let settings = CalendarSettings {
            windows: vec![MaintenanceWindow {
                weekdays: vec![7],
                start: chrono::NaiveTime::from_hms_opt(1, 30, 0).ok_or("time")?,
                minutes: 120,
            }],
            ..CalendarSettings::default()
        };
        ws.set_account_calendar(account, "Europe/London", settings, &admin)?;
    }
    let env = [(
        "CUTOVER_CLOCK_START".to_string(),
        "2027-03-01T09:00:00Z".to_string(),
    )];
    let mut app = App::launch_with("calendar-shift", holder, &data, &env).await?;
    app.click(r#"[data-testid="nav-calendar"]"#).await?;
    app.click(r#"[data-testid="calendar-tab-settings"]"#)
        .await?;
    app.wait_for_text(
        r#"[data-testid="window-shifts"]"#,
        "Sun 28 Mar 2027 at 01:30 does not exist (the clocks go forward); the window opens at 02:00 BST",
    )
    .await?;
    app.screenshot("window-shift").await?;
    app.close().await
}

/// A maintenance release goes on this weekend's wave: no UAT, and none of
/// the 14 days' notice a minor release needs, as the dialog says.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real app; run with scripts/e2e.sh (Xvfb + tauri-driver)"]
async fn a_maintenance_release_goes_on_this_weekends_wave() -> Result<()> {
    let holder = tempfile::tempdir()?;
    let data = holder.path().to_path_buf();
    let env = [(
        "CUTOVER_CLOCK_START".to_string(),
        "2027-01-05T09:00:00Z".to_string(),
    )];
    let mut app = App::launch_with("calendar-maintenance", holder, &data, &env).await?;
    app.explore_demo().await?;
    app.click(r#"[data-testid="nav-releases"]"#).await?;
    let package = workspace_root().join("packages/demo/northwind-10.0.4.zip");
    app.type_into(
        r#"[data-testid="package-path"]"#,
        &package.display().to_string(),
    )
    .await?;
    app.click(r#"[data-testid="import-package"]"#).await?;
    app.wait_for_text(r#"[data-testid="import-done"]"#, "10.0.4")
        .await?;
    app.click_in(
        r#"[data-testid="release-row"][data-version="10.0.4"]"#,
        r#"[data-testid="schedule-release"]"#,
    )
    .await?;
    app.wait_for_text(
        r#"[data-testid="schedule-rule"]"#,
        "needs no UAT and none of the notice minor and major upgrades need",
    )
    .await?;
    app.click(r#"[data-testid="wave"][data-date="2027-01-09"]"#)
        .await?;
    app.click(r#"[data-testid="schedule"]"#).await?;
    let plan = app
        .wait_for_text(
            r#"[data-testid="plan"]"#,
            "Scheduled: Weekend 1, Sat 9 Jan 2027",
        )
        .await?;
    assert!(!plan.text().await?.contains("UAT is refreshed"));
    app.screenshot("maintenance-scheduled").await?;
    app.close().await
}
