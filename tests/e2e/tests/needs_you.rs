//! "What needs you" on a new user's first start with the demo: production
//! has no backup (first, urgent) and the demo's hotfix awaits review. Each
//! line opens its place: the backup line opens production's Backups, where
//! taking one takes the line off the list; the hotfix line opens its notes.
//! Then the keyboard shortcuts reach the main screens, their list and the
//! inbox.

use cutover_e2e::{App, Result};

const NO_BACKUP: &str = r#"[data-testid="attention"][data-target="backups"]"#;
const HOTFIX: &str = r#"[data-testid="attention"][data-target="release"]"#;

/// Presses `keys` (WebDriver key codes for modifiers) with the focus on a
/// top-bar button, as a user's key press reaches the window.
async fn press(app: &App, keys: &str) -> Result<()> {
    let el = app.wait_for(r#"[data-testid="nav-environments"]"#).await?;
    el.send_keys(keys).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real app; run with scripts/e2e.sh (Xvfb + tauri-driver)"]
async fn each_line_opens_its_place_and_leaves_once_dealt_with() -> Result<()> {
    let mut app = App::launch("needs-you").await?;
    let first = app
        .wait_for(r#"[data-testid="attention"]:first-of-type"#)
        .await?;
    assert_eq!(first.attr("data-target").await?.as_deref(), Some("backups"));
    app.wait_for_text(NO_BACKUP, "Production has no backup")
        .await?;
    app.wait_for_text(HOTFIX, "Hotfix 10.0.3 to review (Projects, Security)")
        .await?;
    app.screenshot("needs-you").await?;

    app.click(&format!(r#"{NO_BACKUP} [data-testid="attention-open"]"#))
        .await?;
    app.wait_for_text(r#"[role="dialog"]"#, "Backups of Production")
        .await?;
    app.click(r#"[data-testid="take-backup"]"#).await?;
    app.wait_for_text(r#"[data-testid="notice"]"#, "of Production taken at")
        .await?;
    app.screenshot("backup-taken").await?;
    app.click(r#"[data-testid="close-backups"]"#).await?;
    app.wait_gone(NO_BACKUP).await?;

    app.click(&format!(r#"{HOTFIX} [data-testid="attention-open"]"#))
        .await?;
    app.wait_for_text(r#"[data-testid="release-reader"]"#, "Release 10.0.3")
        .await?;
    app.screenshot("hotfix-notes").await?;

    // The keyboard: Ctrl+3 opens the calendar, Ctrl+1 the dashboard, ? the
    // list of shortcuts (closed with Escape), Ctrl+I the inbox.
    press(&app, "\u{E009}3").await?;
    app.wait_for(r#"[data-testid="calendar-screen"]"#).await?;
    press(&app, "\u{E009}1").await?;
    app.wait_for(r#"[data-testid="needs-you"]"#).await?;
    // Back on the dashboard, the Backups opened from the list earlier stay shut.
    app.wait_for(&format!(
        r#"{} [data-testid="open-backups"]"#,
        cutover_e2e::env_row("Production")
    ))
    .await?;
    assert!(!app.shown(r#"[role="dialog"]"#).await?);
    press(&app, "?").await?;
    app.wait_for_text(r#"[data-testid="shortcuts"]"#, "Ctrl+4")
        .await?;
    app.screenshot("shortcuts").await?;
    press(&app, "\u{E00C}").await?;
    app.wait_gone(r#"[data-testid="shortcuts"]"#).await?;
    press(&app, "\u{E009}i").await?;
    app.wait_for(r#"[data-testid="inbox-panel"]"#).await?;
    app.close().await
}
