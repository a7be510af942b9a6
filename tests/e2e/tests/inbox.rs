//! The inbox as a real inbox: notices stay unread until marked, filter by
//! account and kind, read ones are cleared, Escape or a click outside
//! closes it, and a notice opens the object it is about. Notices are filed through the store before the app starts.

use cutover_core::inbox::Category;
use cutover_e2e::{App, Result};
use cutover_store::{demo, Workspace};

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real app; run with scripts/e2e.sh (Xvfb + tauri-driver)"]
async fn notices_are_read_filtered_and_cleared() -> Result<()> {
    let holder = tempfile::tempdir()?;
    let data = holder.path().to_path_buf();
    {
        let ws = Workspace::open(&data)?;
        let now = chrono::DateTime::parse_from_rfc3339("2027-01-05T09:00:00Z")?.to_utc();
        let account = demo::ensure_demo(&ws, now)?.ok_or("demo")?;
        for (category, title) in [
            (Category::Reminders, "UAT check-in for 10.0.2"),
            (Category::SystemHealth, "Promoted to Production"),
        ] {
            let n = ws.post_notice(now, Some(account), category, title, "…")?;
            ws.notice_delivered(n.id, Ok(()))?;
        }
    }
    let clock = [(
        "CUTOVER_CLOCK_START".to_string(),
        "2027-01-05T09:00:00Z".to_string(),
    )];
    let mut app = App::launch_with("inbox", holder, &data, &clock).await?;
    // The demo's hotfix notice and the two above.
    app.wait_for_text(r#"[data-testid="inbox-unread"]"#, "3")
        .await?;
    app.click(r#"[data-testid="inbox-button"]"#).await?;
    app.wait_for(r#"[data-testid="inbox-panel"]"#).await?;
    // Opening marks nothing read; Escape closes.
    app.wait_for_text(r#"[data-testid="inbox-unread"]"#, "3")
        .await?;
    app.eval("document.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape', bubbles: true})); window.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape'})); return 0")
        .await?;
    app.wait_gone(r#"[data-testid="inbox-panel"]"#).await?;

    app.click(r#"[data-testid="inbox-button"]"#).await?;
    app.select(r#"[data-testid="inbox-category"]"#, "reminders")
        .await?;
    let items = app.texts(r#"[data-testid="inbox-item"]"#).await?;
    assert_eq!(items.len(), 1, "{items:?}");
    assert!(items[0].contains("UAT check-in for 10.0.2"));
    app.click(r#"[data-testid="inbox-mark-read"]"#).await?;
    app.wait_for(r#"[data-testid="inbox-item"][data-read="true"]"#)
        .await?;
    app.wait_for_text(r#"[data-testid="inbox-unread"]"#, "2")
        .await?;
    app.screenshot("filtered").await?;
    app.select(r#"[data-testid="inbox-category"]"#, "").await?;
    app.click(r#"[data-testid="inbox-clear"]"#).await?;
    app.wait_gone(r#"[data-testid="inbox-item"][data-read="true"]"#)
        .await?;
    assert_eq!(app.texts(r#"[data-testid="inbox-item"]"#).await?.len(), 2);
    // A click outside (on the current screen's tab, which changes
    // nothing) closes it.
    app.click(r#"[data-testid="nav-environments"]"#).await?;
    app.wait_gone(r#"[data-testid="inbox-panel"]"#).await?;

    // A notice opens what it is about, and is read once opened.
    app.click(r#"[data-testid="inbox-button"]"#).await?;
    let hotfix = r#"[data-testid="inbox-item"][data-read="false"][data-category="upgrade_info"]"#;
    app.wait_for_text(hotfix, "Hotfix 10.0.3 concerns").await?;
    app.click_in(hotfix, r#"[data-testid="inbox-open"]"#)
        .await?;
    app.wait_for_text(r#"[data-testid="release-reader"]"#, "Release 10.0.3")
        .await?;
    app.wait_gone(r#"[data-testid="inbox-panel"]"#).await?;
    app.wait_for_text(r#"[data-testid="inbox-unread"]"#, "1")
        .await?;
    app.screenshot("opened").await?;
    app.close().await
}
