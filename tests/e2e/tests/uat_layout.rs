//! The UAT screen at the three window sizes an admin uses (960×600,
//! 1280×800, 1920×1080), with a cycle holding a plan, a failed case with
//! evidence and a critical issue: nothing scrolls sideways and the
//! sign-off and row actions stay inside the window. Screenshots are kept.
//! The dashboard's line for the cycle opens it.

use cutover_core::uat::{CaseResult, Severity};
use cutover_core::uat_view::{IssueInput, ResultInput};
use cutover_e2e::{App, Result};
use cutover_store::{demo, Workspace};

fn prepared(data: &std::path::Path) -> Result<()> {
    let ws = Workspace::open(data)?;
    let now = chrono::DateTime::parse_from_rfc3339("2027-01-05T09:00:00Z")?.to_utc();
    let account = demo::ensure_demo(&ws, now)?.ok_or("demo")?;
    let alex = ws.current_admin(now)?;
    let release = ws
        .catalog(account, &alex, now)?
        .releases
        .into_iter()
        .find(|r| r.version == "10.0.2")
        .ok_or("10.0.2")?;
    let day = chrono::NaiveDate::from_ymd_opt(2027, 1, 30).ok_or("day")?;
    ws.schedule_upgrade(release.id, day, &alex, now)?;
    let cycle = ws.uat_cycles(account, now)?[0].id;
    let plan = ws.generate_uat_plan(cycle, &alex, now)?;
    let case = plan
        .cases
        .iter()
        .find(|c| c.title == "Portfolio view for projects")
        .ok_or("case")?
        .id;
    let failed = ResultInput {
        result: CaseResult::Failed,
        reason: String::new(),
        notes: "Budgets of another programme appear in the totals row.".into(),
        tester: "Priya Shah".into(),
    };
    ws.record_uat_result(case, failed, &alex, now)?;
    let png = data.join("shot.png");
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend_from_slice(&[0; 64]);
    std::fs::write(&png, bytes)?;
    ws.attach_uat_evidence(case, &png, &alex, now)?;
    let issue = IssueInput {
        title:
            "Portfolio totals include other programmes' budgets, so the board sees the wrong spend"
                .into(),
        detail: String::new(),
        area: String::new(),
        severity: Severity::Critical,
        case_ids: vec![case],
        note_id: None,
    };
    ws.raise_uat_issue(cycle, issue, &alex, now)?;
    Ok(())
}

/// How far the page scrolls sideways, and whether `css`'s right edge is
/// inside the window.
async fn fits(app: &App, css: &str) -> Result<()> {
    let overflow = app
        .eval("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
        .await?;
    if overflow.as_i64().unwrap_or(1) > 0 {
        // Name what sticks out, to say where to look.
        let wide = app
            .eval("return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 6).map(e => e.tagName + '.' + e.className).join(', ')")
            .await?;
        return Err(format!("the page scrolls sideways by {overflow}px: {wide}").into());
    }
    let inside = app
        .eval(&format!(
            "const r = document.querySelector('{css}').getBoundingClientRect(); return r.right <= window.innerWidth && r.left >= 0"
        ))
        .await?;
    assert_eq!(
        inside,
        serde_json::json!(true),
        "{css} is outside the window"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real app; run with scripts/e2e.sh (Xvfb + tauri-driver)"]
async fn the_uat_screen_fits_every_window_size() -> Result<()> {
    let holder = tempfile::tempdir()?;
    let data = holder.path().to_path_buf();
    prepared(&data)?;
    let clock = [(
        "CUTOVER_CLOCK_START".to_string(),
        "2027-01-05T09:00:00Z".to_string(),
    )];
    let mut app = App::launch_with("uat-layout", holder, &data, &clock).await?;
    // The dashboard says where the cycle stands and opens it.
    app.wait_for_text(
        r#"[data-testid="uat-summary"][data-state="blocked"]"#,
        "1 of 11 cases run · 1 critical issue open",
    )
    .await?;
    app.screenshot("dashboard").await?;
    app.click(r#"[data-testid="open-uat-cycle"]"#).await?;
    app.wait_for(r#"[data-testid="uat-issue"]"#).await?;
    for (w, h) in [(960, 600), (1280, 800), (1920, 1080)] {
        app.resize(w, h).await?;
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        fits(&app, r#"[data-testid="sign-off"]"#).await?;
        fits(&app, r#"[data-testid="decide-issue"]"#).await?;
        fits(&app, r#"[data-testid="open-case"]"#).await?;
        app.screenshot(&format!("cycle-{w}x{h}")).await?;
        app.click(r#"[data-testid="uat-case"][data-title="Portfolio view for projects"] [data-testid="open-case"]"#)
            .await?;
        app.wait_for(r#"[data-testid="evidence"]"#).await?;
        fits(&app, r#"[data-testid="save-result"]"#).await?;
        app.screenshot(&format!("case-{w}x{h}")).await?;
        app.click(r#"[data-testid="case-dialog"] .actions button.secondary:not([data-testid])"#)
            .await?;
        app.wait_gone(r#"[data-testid="case-dialog"]"#).await?;
    }
    app.close().await
}
