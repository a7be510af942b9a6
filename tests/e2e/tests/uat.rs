//! A UAT cycle through the real app, "on" 5 January 2027 (London account):
//! release 10.0.2 scheduled on Wave 2; its cycle on the UAT screen; the
//! test plan generated from the release notes and a regression case added;
//! a case failed with a PNG the test made (a screenshot of the app) as
//! evidence, shown inline with its checksum; a critical issue raised from
//! it blocks the sign-off; the decision "wait for hotfix 10.0.2.1"; that
//! hotfix imported puts the issue to retest and the case back to not run;
//! retested and passed, the rest passed or waived with a reason; signed
//! off; the evidence pack exported and its checksums verified; UAT
//! upgraded; production's run asking first before its wave; then, on Wave
//! 2's day, production upgraded in its window and the "upgrade completed"
//! notice received by a real notification daemon.

use common::open_upgrade_tab;
use cutover_e2e::{workspace_root, App, Dunst, Result};
use cutover_package::{build, sign};
use sha2::{Digest, Sha256};
use std::time::Duration;

mod common;

/// A hotfix 10.0.2.1 for 10.0.2's Projects area, signed with the demo
/// vendor's key, written to `dir`.
fn hotfix_package(dir: &std::path::Path) -> Result<std::path::PathBuf> {
    let demo = workspace_root().join("packages/demo");
    let mut files = build::read_folder(&demo.join("10.0.4"))?;
    let mut manifest: serde_json::Value = serde_json::from_slice(&files[0].1)?;
    manifest["version"] = "10.0.2.1".into();
    manifest["type"] = "hotfix".into();
    manifest["waves"] = serde_json::json!([]);
    manifest["required_hotfixes"] = serde_json::json!([]);
    manifest["upgrades_from"] = serde_json::json!(["10.0.2"]);
    manifest["fixes"] = serde_json::json!({"versions": ["10.0.2"], "areas": ["Projects"]});
    files[0].1 = serde_json::to_vec(&manifest)?;
    files[1].1 =
        b"# Portfolio budgets stay within their programme\narea: Projects\nkind: fix\n\nFixed.\n"
            .to_vec();
    let key = sign::parse_signing_key(&std::fs::read_to_string(demo.join("vendor-demo.key"))?)?;
    let path = dir.join("northwind-10.0.2.1.zip");
    std::fs::write(&path, build::build(&files, &key)?)?;
    Ok(path)
}

const CASE: &str = r#"[data-testid="uat-case"][data-title="Portfolio view for projects"]"#;

async fn open_case(app: &App, title: &str) -> Result<()> {
    app.click(&format!(
        r#"[data-testid="uat-case"][data-title="{title}"] [data-testid="open-case"]"#
    ))
    .await?;
    app.wait_for(r#"[data-testid="case-dialog"]"#).await?;
    Ok(())
}

async fn record(app: &App, title: &str, result: &str, reason: Option<&str>) -> Result<()> {
    open_case(app, title).await?;
    app.click(&format!(
        r#"[data-testid="result"][data-result="{result}"] input"#
    ))
    .await?;
    if let Some(reason) = reason {
        app.type_into(r#"[data-testid="waive-reason"]"#, reason)
            .await?;
    }
    app.click(r#"[data-testid="save-result"]"#).await?;
    app.wait_gone(r#"[data-testid="case-dialog"]"#).await?;
    app.wait_for(&format!(
        r#"[data-testid="uat-case"][data-title="{title}"][data-result="{result}"]"#
    ))
    .await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real app; run with scripts/e2e.sh (Xvfb + tauri-driver)"]
async fn a_uat_cycle_from_the_plan_to_the_sign_off() -> Result<()> {
    let holder = tempfile::tempdir()?;
    let data = holder.path().to_path_buf();
    let outside = tempfile::tempdir()?;
    let clock = [(
        "CUTOVER_CLOCK_START".to_string(),
        "2027-01-05T09:00:00Z".to_string(),
    )];
    let mut app = App::launch_with("uat", holder, &data, &clock).await?;
    app.explore_demo().await?;

    // No cycle before a minor release is scheduled.
    app.click(r#"[data-testid="nav-uat"]"#).await?;
    app.wait_for(r#"[data-testid="uat-empty"]"#).await?;
    app.screenshot("empty").await?;

    common::schedule_wave(&app, "10.0.2", "2027-01-30").await?;

    app.click(r#"[data-testid="nav-uat"]"#).await?;
    let card = app
        .wait_for(r#"[data-testid="uat-cycle"][data-version="10.0.2"][data-state="planned"]"#)
        .await?;
    let text = card.text().await?;
    assert!(
        text.contains("Refresh Mon 11 Jan 2027")
            && text.contains("testing Mon 18 Jan 2027 – Fri 29 Jan 2027 (10 business days)"),
        "{text}"
    );
    card.click().await?;
    app.click(r#"[data-testid="generate-plan"]"#).await?;
    app.wait_for(CASE).await?;
    let cases = app.texts(r#"[data-testid="uat-case"]"#).await?.len();
    assert!(cases >= 5, "{cases} cases");
    // The sign-off says why it is off.
    app.wait_for_text(r#"[data-testid="sign-off-refusal"]"#, "not run")
        .await?;
    let disabled = app
        .eval(r#"return document.querySelector('[data-testid="sign-off"]').disabled"#)
        .await?;
    assert_eq!(disabled, serde_json::json!(true));

    app.click(r#"[data-testid="add-case"]"#).await?;
    app.type_into(r#"[data-testid="case-title"]"#, "Integration with the CRM")
        .await?;
    app.type_into(
        r#"[data-testid="case-steps"]"#,
        "Create an order; it reaches the CRM within 5 minutes.",
    )
    .await?;
    app.type_into(r#"[data-testid="case-area"]"#, "Integrations")
        .await?;
    app.click(r#"[data-testid="case-regression"]"#).await?;
    app.click(r#"[data-testid="save-case"]"#).await?;
    app.wait_for(r#"[data-testid="uat-case"][data-title="Integration with the CRM"]"#)
        .await?;
    app.screenshot("plan").await?;

    // A case fails; the evidence is a screenshot the test just took.
    record(&app, "Portfolio view for projects", "failed", None).await?;
    let shot = app.screenshot("failed").await?;
    let evidence = outside.path().join("portfolio-budgets.png");
    std::fs::copy(&shot, &evidence)?;
    let sha = format!("{:x}", Sha256::digest(std::fs::read(&evidence)?));
    open_case(&app, "Portfolio view for projects").await?;
    app.type_into(
        r#"[data-testid="evidence-path"]"#,
        &evidence.display().to_string(),
    )
    .await?;
    app.click(r#"[data-testid="attach-evidence"]"#).await?;
    let item = app
        .wait_for(r#"[data-testid="evidence"][data-name="portfolio-budgets.png"]"#)
        .await?;
    assert!(item.text().await?.contains(&sha), "the checksum is shown");
    app.wait_for(r#"[data-testid="evidence-image"]"#).await?;
    let width = app
        .eval(r#"const i = document.querySelector('[data-testid="evidence-image"]'); return i.complete ? i.naturalWidth : 0"#)
        .await?;
    assert!(
        width.as_u64().unwrap_or(0) > 100,
        "the image is drawn: {width}"
    );
    assert_eq!(
        std::fs::read(data.join("evidence").join(&sha))?,
        std::fs::read(&evidence)?
    );
    app.screenshot("evidence").await?;

    // A critical issue from the failed case blocks the cycle.
    app.click(r#"[data-testid="raise-from-case"]"#).await?;
    app.type_into(
        r#"[data-testid="issue-title"]"#,
        "Portfolio shows other programmes' budgets",
    )
    .await?;
    app.select(r#"[data-testid="issue-severity"]"#, "critical")
        .await?;
    app.click(r#"[data-testid="save-issue"]"#).await?;
    app.wait_for(r#"[data-testid="uat-cycle-view"][data-state="blocked"]"#)
        .await?;
    app.wait_for_text(
        r#"[data-testid="sign-off-refusal"]"#,
        "critical issue without a decision",
    )
    .await?;
    app.screenshot("blocked").await?;

    // Decision: wait for hotfix 10.0.2.1.
    app.click(r#"[data-testid="uat-issue"] [data-testid="decide-issue"]"#)
        .await?;
    app.click(r#"[data-testid="decision"][data-kind="hotfix"] input"#)
        .await?;
    app.type_into(r#"[data-testid="hotfix-version"]"#, "10.0.2.1")
        .await?;
    app.click(r#"[data-testid="save-decision"]"#).await?;
    app.wait_for(r#"[data-testid="uat-issue"][data-status="waiting_for_hotfix"]"#)
        .await?;
    app.wait_for_text(
        r#"[data-testid="issue-decision"]"#,
        "Wait for hotfix 10.0.2.1",
    )
    .await?;

    // The hotfix arrives as a package.
    let package = hotfix_package(outside.path())?;
    app.click(r#"[data-testid="nav-releases"]"#).await?;
    app.type_into(
        r#"[data-testid="package-path"]"#,
        &package.display().to_string(),
    )
    .await?;
    app.click(r#"[data-testid="import-package"]"#).await?;
    app.wait_for_text(r#"[data-testid="import-done"]"#, "10.0.2.1")
        .await?;
    app.click(r#"[data-testid="nav-uat"]"#).await?;
    app.click(r#"[data-testid="uat-cycle"][data-version="10.0.2"]"#)
        .await?;
    app.wait_for(r#"[data-testid="uat-issue"][data-status="retest"]"#)
        .await?;
    app.wait_for(r#"[data-testid="uat-case"][data-title="Portfolio view for projects"][data-result="not_run"]"#).await?;
    app.wait_for_text(r#"[data-testid="uat-history"]"#, "Hotfix 10.0.2.1 imported")
        .await?;
    app.screenshot("retest").await?;

    // Retested and passed; the rest passed, one waived with its reason.
    record(&app, "Portfolio view for projects", "passed", None).await?;
    let titles: Vec<String> = app
        .eval(r#"return [...document.querySelectorAll('[data-testid="uat-case"][data-result="not_run"]')].map(r => r.dataset.title)"#)
        .await?
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter_map(|t| t.as_str().map(str::to_string))
        .collect();
    assert!(!titles.is_empty());
    for (n, title) in titles.iter().enumerate() {
        if n == 0 {
            record(
                &app,
                title,
                "waived",
                Some("Not used by this account; agreed with the HR lead."),
            )
            .await?;
        } else {
            record(&app, title, "passed", None).await?;
        }
    }
    app.click(r#"[data-testid="check-in"]"#).await?;
    app.type_into(
        r#"[data-testid="check-in-note"]"#,
        "All run; ready for the change board.",
    )
    .await?;
    app.click(r#"[data-testid="check-in-note-save"]"#).await?;
    app.wait_for_text(
        r#"[data-testid="uat-history"]"#,
        "All run; ready for the change board.",
    )
    .await?;
    app.click(r#"[data-testid="sign-off"]"#).await?;
    app.wait_for(r#"[data-testid="uat-cycle-view"][data-state="signed_off"]"#)
        .await?;
    app.wait_for_text(r#"[data-testid="uat-signed-off"]"#, "by Alex Morgan")
        .await?;
    app.screenshot("signed-off").await?;

    // The evidence pack, checked as a change board would.
    let board = tempfile::tempdir()?;
    app.click(r#"[data-testid="open-pack"]"#).await?;
    app.type_into(
        r#"[data-testid="pack-folder"]"#,
        &board.path().display().to_string(),
    )
    .await?;
    app.click(r#"[data-testid="export-pack"]"#).await?;
    app.wait_for_text(r#"[data-testid="pack-done"]"#, "Wrote 3 files")
        .await?;
    app.screenshot("pack").await?;
    let folder = std::fs::read_dir(board.path())?
        .next()
        .ok_or("no pack folder")??
        .path();
    let sums = std::fs::read_to_string(folder.join("SHA256SUMS"))?;
    assert_eq!(sums.lines().count(), 2, "{sums}");
    for line in sums.lines() {
        let (hash, file) = line.split_once("  ").ok_or("a SHA256SUMS line")?;
        let actual = format!("{:x}", Sha256::digest(std::fs::read(folder.join(file))?));
        assert_eq!(hash, actual, "{file}");
    }
    assert!(sums.contains(&sha), "the evidence is in the manifest");
    let report = std::fs::read_to_string(folder.join("report.html"))?;
    for said in [
        "Signed off by Alex Morgan",
        "Portfolio shows other programmes&#39; budgets",
        "wait for hotfix 10.0.2.1",
        "chain verified",
        &sha,
    ] {
        assert!(report.contains(said), "{said} missing from the report");
    }
    assert!(
        !report.contains("://"),
        "the report refers to nothing outside"
    );
    app.click(r#"[data-testid="pack-dialog"] .actions button.secondary"#)
        .await?;

    // UAT itself goes to 10.0.2, so production may follow it.
    upgrade(&app, "UAT", "10.0.2").await?;
    app.click(r#"[data-testid="start-data-upgrade"]"#).await?;
    app.click(r#"[data-testid="confirm-data-upgrade-submit"]"#)
        .await?;
    app.wait_for(r#"[data-testid="upgrade-run"][data-state="validating"]"#)
        .await?;
    app.click(r#"[data-testid="commit-upgrade"]"#).await?;
    app.click(r#"[data-testid="confirm-commit-submit"]"#)
        .await?;
    app.wait_for(r#"[data-testid="upgrade-history-row"][data-state="committed"]"#)
        .await?;
    // Production belongs to Wave 2: today it asks first, and waits.
    open_upgrade_tab(&app, "Production").await?;
    app.select(r#"[data-testid="upgrade-target"]"#, "10.0.2")
        .await?;
    app.click(r#"[data-testid="start-upgrade"]"#).await?;
    app.wait_for_text(
        r#"[data-testid="before-wave"]"#,
        "scheduled for Sat 30 Jan 2027 16:00 GMT (Wave 2)",
    )
    .await?;
    app.screenshot("before-the-wave").await?;
    app.click(r#"[data-testid="before-wave"] button.secondary"#)
        .await?;
    app.wait_gone(r#"[data-testid="before-wave"]"#).await?;

    // Production day: Sat 30 Jan 16:05 London, a notification daemon listening.
    let holder = app.close_keeping_data().await?;
    let bus = tempfile::tempdir()?;
    let dunst = Dunst::start(bus.path())?;
    let day = [
        (
            "CUTOVER_CLOCK_START".to_string(),
            "2027-01-30T16:05:00Z".to_string(),
        ),
        (
            "DBUS_SESSION_BUS_ADDRESS".to_string(),
            dunst.address.clone(),
        ),
    ];
    let mut app = App::launch_with("uat-production-day", holder, &data, &day).await?;
    upgrade(&app, "Production", "10.0.2").await?;
    app.click(r#"[data-testid="start-data-upgrade"]"#).await?;
    app.click(r#"[data-testid="confirm-data-upgrade-submit"]"#)
        .await?;
    app.wait_for(r#"[data-testid="upgrade-run"][data-state="validating"]"#)
        .await?;
    app.click(r#"[data-testid="commit-upgrade"]"#).await?;
    app.click(r#"[data-testid="confirm-commit-submit"]"#)
        .await?;
    app.wait_for(r#"[data-testid="upgrade-history-row"][data-state="committed"]"#)
        .await?;
    let printed = dunst.wait_for(
        "Upgrade completed: Northwind Foods (demo) production runs 10.0.2",
        Duration::from_secs(20),
    )?;
    assert!(printed.contains("like production again"), "{printed}");
    app.screenshot("production-committed").await?;
    app.close().await
}

/// Starts a run of `env` to `version` and applies and signs off every
/// package on its copy.
async fn upgrade(app: &App, env: &str, version: &str) -> Result<()> {
    open_upgrade_tab(app, env).await?;
    app.select(r#"[data-testid="upgrade-target"]"#, version)
        .await?;
    app.click(r#"[data-testid="start-upgrade"]"#).await?;
    app.wait_for(r#"[data-testid="upgrade-run"][data-state="packages"]"#)
        .await?;
    for n in 1..=8 {
        let more = app
            .eval(r#"return !!document.querySelector('[data-testid="apply-next-package"]')"#)
            .await?;
        if more != serde_json::json!(true) {
            return Ok(());
        }
        app.click(r#"[data-testid="apply-next-package"]"#).await?;
        app.click(r#"[data-testid="sign-off-package"]"#).await?;
        app.wait_for(&format!(
            r#"[data-testid="upgrade-package"]:nth-child({n})[data-state="signed_off"]"#
        ))
        .await?;
    }
    Err("more than 8 packages".into())
}
