//! Upgrade runs through the real app: the demo's UAT goes to 10.0.4 with a
//! sign-off per package (Project export 1.2 replaced by 2.0) and is
//! committed; then production's data upgrade fails a check (injected with
//! CUTOVER_FAILPOINT) and is rolled back automatically, with its reason on
//! screen and a notice in the inbox.

use common::open_upgrade_tab;
use cutover_e2e::{env_row, workspace_root, App, Result};

mod common;

/// Tuesday 1 Dec 2026, 16:05 in London: inside the demo account's daily
/// maintenance window (16:00–19:00).
const IN_THE_WINDOW: &str = "2026-12-01T16:05:00Z";

/// Starts a run to 10.0.4 and applies and signs off every package.
async fn rehearse(app: &mut App, shots: &str) -> Result<()> {
    app.select(r#"[data-testid="upgrade-target"]"#, "10.0.4")
        .await?;
    app.click(r#"[data-testid="start-upgrade"]"#).await?;
    app.wait_for(r#"[data-testid="upgrade-run"][data-state="packages"]"#)
        .await?;
    for n in 1..=4 {
        app.click(r#"[data-testid="apply-next-package"]"#).await?;
        app.click(r#"[data-testid="sign-off-package"]"#).await?;
        app.wait_for(&format!(
            r#"[data-testid="upgrade-package"]:nth-child({n})[data-state="signed_off"]"#
        ))
        .await?;
        if n == 1 {
            app.screenshot(&format!("{shots}-first-signed-off")).await?;
        }
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real app; run with scripts/e2e.sh (Xvfb + tauri-driver)"]
async fn upgrade_uat_with_sign_offs_then_production_rolls_back_on_a_failing_check() -> Result<()> {
    let holder = tempfile::tempdir()?;
    let data = holder.path().to_path_buf();
    let clock = [("CUTOVER_CLOCK_START".to_string(), IN_THE_WINDOW.to_string())];
    let mut app = App::launch_with("upgrade", holder, &data, &clock).await?;
    app.explore_demo().await?;

    // The newest demo release comes in as a package.
    app.click(r#"[data-testid="nav-releases"]"#).await?;
    let next = workspace_root().join("packages/demo/northwind-10.0.4.zip");
    app.type_into(
        r#"[data-testid="package-path"]"#,
        &next.display().to_string(),
    )
    .await?;
    app.click(r#"[data-testid="import-package"]"#).await?;
    app.wait_for_text(r#"[data-testid="import-done"]"#, "10.0.4")
        .await?;

    // Production cannot go first.
    open_upgrade_tab(&app, "Production").await?;
    app.select(r#"[data-testid="upgrade-target"]"#, "10.0.4")
        .await?;
    app.click(r#"[data-testid="start-upgrade"]"#).await?;
    app.wait_for_text(
        r#"[data-testid="error"]"#,
        "Upgrade UAT to 10.0.4 and commit it first",
    )
    .await?;
    app.screenshot("production-refused").await?;

    open_upgrade_tab(&app, "UAT").await?;
    rehearse(&mut app, "uat").await?;
    let packages = app
        .eval(r#"return [...document.querySelectorAll('[data-testid="upgrade-package"] td:first-child')].map(td => td.textContent)"#)
        .await?;
    assert_eq!(
        packages,
        serde_json::json!([
            "Remove Project export 1.2",
            "Platform 10.0.4",
            "Critical hotfix 10.0.3",
            "Install Project export 2.0"
        ])
    );
    app.wait_for_text(r#"[data-testid="upgrade-timer"]"#, "9 days 23 h left")
        .await?;
    app.screenshot("uat-rehearsed").await?;
    // The dashboard keeps the run and its timer in sight.
    app.click(r#"[data-testid="nav-environments"]"#).await?;
    let badge = format!(r#"{} [data-testid="env-upgrade"]"#, env_row("UAT"));
    for said in [
        "Upgrading to 10.0.4",
        "Packages on the copy",
        "9 days 23 h left",
    ] {
        app.wait_for_text(&badge, said).await?;
    }
    app.screenshot("dashboard-upgrading").await?;
    app.click_in(&env_row("UAT"), r#"[data-testid="open-env"]"#)
        .await?;
    app.click(r#"[data-testid="tab-upgrade"]"#).await?;
    app.click(r#"[data-testid="start-data-upgrade"]"#).await?;
    app.click(r#"[data-testid="confirm-data-upgrade-submit"]"#)
        .await?;
    app.wait_for(r#"[data-testid="upgrade-run"][data-state="validating"]"#)
        .await?;
    app.wait_for(r#"[data-step="unlock"][data-status="done"]"#)
        .await?;
    app.screenshot("uat-validating").await?;
    app.click(r#"[data-testid="commit-upgrade"]"#).await?;
    app.click(r#"[data-testid="confirm-commit-submit"]"#)
        .await?;
    app.wait_for(r#"[data-testid="upgrade-history-row"][data-state="committed"]"#)
        .await?;
    app.wait_for_text(
        r#"[data-testid="post-upgrade-actions"]"#,
        "Clear the browser cache of kiosk devices",
    )
    .await?;
    app.click(r#"[data-testid="post-upgrade-action"]"#).await?;
    app.wait_for_text(
        r#"[data-testid="post-upgrade-actions"]"#,
        "Every post-upgrade action is done",
    )
    .await?;
    app.wait_for(
        r#"[data-testid="downtime-chart"][data-points="1"] canvas[aria-label*="Actual (s)"]"#,
    )
    .await?;
    app.screenshot("uat-committed").await?;
    app.click(r#"[data-testid="tab-extensions"]"#).await?;
    app.wait_for_text(
        r#"[data-testid="installed-extension"][data-name="Project export"]"#,
        "Project export 2.0",
    )
    .await?;
    let holder = app.close_keeping_data().await?;

    // Production, started again with a check that fails in its data upgrade.
    let env = [
        clock[0].clone(),
        (
            "CUTOVER_FAILPOINT".to_string(),
            "checks:failing_check".to_string(),
        ),
    ];
    let before = common::environment_data(&data, "Production")?;
    let mut app = App::launch_with("upgrade-production", holder, &data, &env).await?;
    open_upgrade_tab(&app, "Production").await?;
    rehearse(&mut app, "production").await?;
    app.click(r#"[data-testid="start-data-upgrade"]"#).await?;
    app.click(r#"[data-testid="confirm-data-upgrade-submit"]"#)
        .await?;
    app.wait_for(r#"[data-testid="upgrade-run"][data-state="rolled_back"]"#)
        .await?;
    // The reason, what was restored and the next date, said once.
    for said in [
        "Failed at \"Run the release's checks\": Check injected by CUTOVER_FAILPOINT failed",
        "Production was restored to the restore point",
        "Next wave that can still be scheduled: Weekend 1",
    ] {
        app.wait_for_text(r#"[data-testid="upgrade-reason"]"#, said)
            .await?;
    }
    let banners = app
        .eval(r#"return document.querySelectorAll('[data-testid="error"]').length"#)
        .await?;
    assert_eq!(banners, serde_json::json!(0));
    app.wait_for(r#"[data-step="checks"][data-status="failed"]"#)
        .await?;
    app.screenshot("production-rolled-back").await?;
    app.click(r#"[data-testid="inbox-button"]"#).await?;
    app.wait_for_text(
        r#"[data-testid="inbox-item"]"#,
        "Upgrade of Production rolled back",
    )
    .await?;
    app.screenshot("inbox").await?;
    app.click(r#"[data-testid="inbox-button"]"#).await?;
    app.click(r#"[data-testid="nav-environments"]"#).await?;
    app.wait_for_text(&env_row("Production"), "10.0.1").await?;
    // The data, not only the words: version, extensions, definitions and
    // every record back as before the data upgrade.
    assert_eq!(common::environment_data(&data, "Production")?, before);
    app.close().await
}
