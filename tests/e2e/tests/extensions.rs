//! Customizations through the real app: the demo's production shows its
//! installed extensions; an extension made for a newer platform is not
//! offered, with the reason; uninstalling (after a backup) and reinstalling work.

use cutover_e2e::{env_row, App, Result};

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real app; run with scripts/e2e.sh (Xvfb + tauri-driver)"]
async fn install_refuse_and_uninstall_extensions() -> Result<()> {
    let mut app = App::launch("extensions").await?;
    app.click_in(&env_row("Production"), r#"[data-testid="open-env"]"#)
        .await?;
    app.click(r#"[data-testid="tab-extensions"]"#).await?;
    app.wait_for(r#"[data-testid="installed-extension"][data-name="Timesheet core"]"#)
        .await?;
    app.wait_for(r#"[data-testid="installed-extension"][data-name="Project export"]"#)
        .await?;
    app.screenshot("installed").await?;

    // One made for a newer platform is not offered, and says why.
    let newer = r#"[data-testid="catalog-extension"][data-version="2.0"] [data-testid="install"][data-refused="true"]"#;
    let off = app.wait_for(newer).await?;
    assert!(!off.is_enabled().await?);
    let why = off.attr("title").await?.unwrap_or_default();
    assert!(why.contains("this environment runs 10.0.1"), "{why}");
    app.screenshot("not-offered").await?;

    let export = r#"[data-testid="installed-extension"][data-name="Project export"]"#;
    app.click_in(export, r#"[data-testid="uninstall"]"#).await?;
    app.click_in(export, r#"[data-testid="confirm-uninstall"]"#)
        .await?;
    app.wait_gone(export).await?;
    let older = r#"[data-testid="catalog-extension"][data-version="1.2"]"#;
    app.click_in(older, r#"[data-testid="install"]"#).await?;
    app.wait_for(export).await?;
    app.screenshot("reinstalled").await?;
    app.close().await
}

/// A backup holds the platform it was taken on: restoring the one taken
/// before an uninstall says first that it reinstalls the extension, asks
/// for that, and afterwards the store has the extension again.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real app; run with scripts/e2e.sh (Xvfb + tauri-driver)"]
async fn restoring_a_backup_of_another_platform_says_what_it_changes() -> Result<()> {
    let mut app = App::launch("restore-platform").await?;
    app.click_in(&env_row("Production"), r#"[data-testid="open-env"]"#)
        .await?;
    app.click(r#"[data-testid="tab-extensions"]"#).await?;
    let export = r#"[data-testid="installed-extension"][data-name="Project export"]"#;
    app.click_in(export, r#"[data-testid="uninstall"]"#).await?;
    app.click_in(export, r#"[data-testid="confirm-uninstall"]"#)
        .await?;
    app.wait_gone(export).await?;
    app.click(r#"[data-testid="back"]"#).await?;

    app.click_in(&env_row("Production"), r#"[data-testid="open-backups"]"#)
        .await?;
    let guard = r#"[data-testid="backup-row"][data-reason="before_uninstall"]"#;
    app.wait_for_text(
        &format!("{guard} [data-testid=\"backup-platform\"]"),
        "10.0.1",
    )
    .await?;
    app.click_in(guard, r#"[data-testid="restore-backup"]"#)
        .await?;
    app.wait_for_text(
        r#"[data-testid="restore-platform-change"]"#,
        "This also reinstalls Project export 1.2",
    )
    .await?;
    app.wait_for_text(
        r#"[data-testid="restore-confirm-submit"]"#,
        "Restore and change the platform",
    )
    .await?;
    app.screenshot("restore-platform-change").await?;
    for (w, h) in [(960, 600), (1920, 1080)] {
        app.resize(w, h).await?;
        // The confirmation and its button stay inside the dialog.
        let inside = app
            .eval(
                r#"const d = document.querySelector('[role="dialog"]'); const b = document.querySelector('[data-testid="restore-confirm-submit"]').getBoundingClientRect(); const r = d.getBoundingClientRect(); return d.scrollWidth <= d.clientWidth + 1 && b.right <= r.right && b.left >= r.left;"#,
            )
            .await?;
        assert_eq!(inside, serde_json::Value::Bool(true), "at {w}x{h}");
        app.screenshot(&format!("restore-platform-change-{w}x{h}"))
            .await?;
    }
    app.resize(1280, 800).await?;
    app.click(r#"[data-testid="restore-confirm-submit"]"#)
        .await?;
    app.wait_for_text(r#"[data-testid="notice"]"#, "was restored")
        .await?;
    app.click(r#"[data-testid="close-backups"]"#).await?;
    app.wait_gone(r#"[role="dialog"]"#).await?;

    // The data, not only the words: the store has the extension again.
    let ws = cutover_store::Workspace::open(app.data_dir())?;
    let production = ws.overview()?[0].environments[0].environment.id;
    let installed: Vec<(String, String)> = ws
        .environment_extensions(production)?
        .into_iter()
        .map(|e| (e.name, e.version))
        .collect();
    assert!(
        installed.contains(&("Project export".to_string(), "1.2".to_string())),
        "{installed:?}"
    );
    app.click_in(&env_row("Production"), r#"[data-testid="open-env"]"#)
        .await?;
    app.click(r#"[data-testid="tab-extensions"]"#).await?;
    app.wait_for(export).await?;
    app.close().await
}
