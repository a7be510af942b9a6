//! Long jobs at a real account's size: the demo's production grown to
//! 100 MB (as `big_demo` does), a manual backup showing its progress and
//! cancelled half-way (nothing kept, in the list or on disk), then taken
//! to the end; a refresh of UAT from it stopped while production is
//! copied (UAT unchanged, its backup kept, no copy left), a new sandbox
//! from it stopped while it copies (not made); pictures of the
//! dashboard and the dialogs with big data.

use cutover_e2e::{env_row, App, Result};
use cutover_store::{demo, Workspace};

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real app; run with scripts/e2e.sh (Xvfb + tauri-driver)"]
async fn a_big_backup_shows_progress_and_can_be_cancelled() -> Result<()> {
    let holder = tempfile::tempdir()?;
    let data = holder.path().to_path_buf();
    {
        let ws = Workspace::open(&data)?;
        demo::ensure_demo(&ws, chrono::Utc::now())?;
        demo::grow_production(&ws, 100 * 1_048_576, &|_| {})?;
    }
    // Copies rest between steps, so that Cancel surely comes while it runs.
    let pause = [("CUTOVER_COPY_PAUSE_MS".to_string(), "100".to_string())];
    let mut app = App::launch_with("big-data", holder, &data, &pause).await?;
    let production = env_row("Production");
    app.wait_for(&production).await?;
    app.screenshot("dashboard").await?;
    let menu = format!(r#"{production} [data-testid="row-menu"]"#);
    if app.shown(&menu).await? {
        app.click(&menu).await?;
    }
    app.click(&format!(r#"{production} [data-testid="open-backups"]"#))
        .await?;
    app.click(r#"[data-testid="take-backup"]"#).await?;
    app.wait_for_text(r#"[data-testid="copy-progress"]"#, "% copied")
        .await?;
    app.screenshot("backup-progress").await?;
    app.click(r#"[data-testid="cancel-copy"]"#).await?;
    app.wait_for_text(r#"[data-testid="notice"]"#, "Cancelled")
        .await?;
    app.wait_for(r#"[data-testid="no-backups"]"#).await?;
    let left: Vec<_> = std::fs::read_dir(data.join("backups"))
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "nothing kept on disk: {left:?}");
    app.screenshot("backup-cancelled").await?;

    app.click(r#"[data-testid="take-backup"]"#).await?;
    app.wait_for(r#"[data-testid="backup-row"][data-reason="manual"]"#)
        .await?;
    app.wait_for_text(r#"[data-testid="notice"]"#, "taken at")
        .await?;
    app.screenshot("backup-taken").await?;
    app.click(r#"[data-testid="close-backups"]"#).await?;
    app.dismiss_notices().await?;

    // A refresh of UAT from the big production, stopped while production
    // is copied: UAT as it was, its backup kept, no copy left behind.
    let uat = env_row("UAT");
    app.click_in(&uat, r#"[data-testid="refresh-env"]"#).await?;
    app.click(r#"[data-testid="confirm-refresh"]"#).await?;
    app.wait_for(r#"[data-testid="copy-progress"][data-stage="copying"]"#)
        .await?;
    app.screenshot("refresh-progress").await?;
    app.click(r#"[data-testid="cancel-copy"]"#).await?;
    app.wait_for_text(
        r#"[data-testid="notice"]"#,
        "stopped while production was being copied; UAT is unchanged",
    )
    .await?;
    let tmp: Vec<_> = std::fs::read_dir(data.join("tmp"))
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(tmp.is_empty(), "no copy of production left: {tmp:?}");
    let backups = std::fs::read_dir(data.join("backups"))?.count();
    assert_eq!(backups, 2, "production's backup and UAT's kept one");
    app.screenshot("refresh-cancelled").await?;
    app.click_in(&uat, r#"[data-testid="open-backups"]"#)
        .await?;
    app.wait_for(r#"[data-testid="backup-row"][data-reason="before_refresh"]"#)
        .await?;
    app.click(r#"[data-testid="close-backups"]"#).await?;
    app.dismiss_notices().await?;

    // A new sandbox from it, stopped while it copies: not made, no file.
    let stores =
        || -> usize { std::fs::read_dir(data.join("environments")).map_or(0, |d| d.count()) };
    let before = stores();
    app.click(r#"[data-testid="new-env"]"#).await?;
    app.type_into(r#"[data-testid="new-env-name"]"#, "HR sandbox")
        .await?;
    app.click(r#"[data-testid="create-env-submit"]"#).await?;
    app.wait_for(r#"[data-testid="copy-progress"][data-stage="copying"]"#)
        .await?;
    app.screenshot("new-sandbox-progress").await?;
    app.click(r#"[data-testid="cancel-copy"]"#).await?;
    app.wait_for_text(r#"[data-testid="notice"]"#, "HR sandbox was not created")
        .await?;
    assert_eq!(stores(), before, "no store and no partial copy left");
    assert!(!app.shown(&env_row("HR sandbox")).await?);
    app.screenshot("new-sandbox-cancelled").await?;
    app.close().await
}
