//! Desktop conventions through the real app: starting at login offered
//! once a reminder is pending (the desktop's autostart entry written and
//! removed), the × closing the window to the tray while Cutover keeps
//! running, and the window's size and place remembered across a restart.

mod common;

use cutover_e2e::{app_binary, x11, App, Result};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real app; run with scripts/e2e.sh (Xvfb + tauri-driver)"]
async fn start_at_login_close_to_tray_and_a_remembered_window() -> Result<()> {
    let holder = tempfile::tempdir()?;
    let data = holder.path().to_path_buf();
    // The autostart entry goes under $HOME/.config/autostart: a home of
    // this scenario's own, never the developer's.
    let home = data.join(".home");
    std::fs::create_dir_all(&home)?;
    let env = [
        (
            "CUTOVER_CLOCK_START".to_string(),
            "2027-01-05T09:00:00Z".to_string(),
        ),
        ("HOME".to_string(), home.display().to_string()),
    ];
    let mut app = App::launch_with("desktop", holder, &data, &env).await?;
    app.explore_demo().await?;
    let offer = r#"[data-testid="start-at-login-offer"]"#;
    assert!(!app.shown(offer).await?, "no reminder yet, no offer");

    // Scheduling production's upgrade sets reminders: the offer appears.
    common::schedule_wave(&app, "10.0.2", "2027-01-30").await?;
    app.wait_for(offer).await?;
    app.screenshot("offer").await?;
    app.click(r#"[data-testid="start-at-login-accept"]"#)
        .await?;
    app.wait_gone(offer).await?;
    let entry = home.join(".config/autostart/Cutover.desktop");
    let text = std::fs::read_to_string(&entry).map_err(|e| format!("{}: {e}", entry.display()))?;
    let binary = app_binary().canonicalize()?;
    assert!(
        text.contains(&format!("Exec={}", binary.display())),
        "the entry starts this Cutover: {text}"
    );

    // Desktop settings shows it on, and turns it off.
    app.click(r#"[data-testid="desktop-settings"]"#).await?;
    app.wait_for(r#"[data-testid="start-at-login"]:checked"#)
        .await?;
    app.screenshot("settings").await?;
    app.click(r#"[data-testid="start-at-login"]"#).await?;
    app.wait_for(r#"[data-testid="start-at-login"]:not(:checked):enabled"#)
        .await?;
    assert!(!entry.exists(), "turned off: the entry is gone");
    app.click(r#"[data-testid="desktop-settings-close"]"#)
        .await?;

    // The ×: the window goes, Cutover stays (its page still answers), and
    // the window's size and place are saved.
    app.client.set_window_rect(70, 50, 1100, 720).await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    x11::close_until_hidden("Cutover")?;
    assert_eq!(app.eval("return 6 * 7").await?, serde_json::json!(42));
    let saved = data.join(".xdg/config/app.cutover.console/.window-state.json");
    let state = std::fs::read_to_string(&saved).map_err(|e| format!("{}: {e}", saved.display()))?;
    let state: serde_json::Value = serde_json::from_str(&state)?;
    assert_eq!(
        (&state["main"]["width"], &state["main"]["x"]),
        (&serde_json::json!(1100), &serde_json::json!(70)),
        "{state}"
    );

    // Started again: the same size and place, and no second offer.
    let holder = app.close_keeping_data().await?;
    let mut app = App::launch_with("desktop-again", holder, &data, &env).await?;
    app.wait_for(r#"[data-testid="env-row"]"#).await?;
    let (x, y, width, height) = app.client.get_window_rect().await?;
    assert_eq!((width, height), (1100, 720));
    assert_eq!((x, y), (70, 50));
    assert!(!app.shown(offer).await?, "answered once, not offered again");
    app.screenshot("remembered").await?;
    app.close().await
}
