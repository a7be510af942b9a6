//! Refresh through the real app: a change in the sandbox, a refresh that
//! warns it will be lost and backs the sandbox up first, then a restore of
//! that backup that brings the change back.

use cutover_e2e::{env_row, App, Result};

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real app; run with scripts/e2e.sh (Xvfb + tauri-driver)"]
async fn refresh_backs_up_and_restore_brings_the_change_back() -> Result<()> {
    let mut app = App::launch("refresh").await?;
    let sandbox = env_row("Promotable sandbox");
    app.click_in(&sandbox, r#"[data-testid="open-env"]"#)
        .await?;
    app.click(r#"[data-testid="table-item"][data-table-name="Projects"]"#)
        .await?;
    app.click(r#"[data-testid="add-field"]"#).await?;
    app.type_into(r#"[data-testid="change-name"]"#, "Risk level")
        .await?;
    app.click(r#"[data-testid="apply-change"]"#).await?;
    app.wait_for(r#"[data-testid="field-row"][data-field-name="Risk level"]"#)
        .await?;
    app.click(r#"[data-testid="back"]"#).await?;

    app.click_in(&sandbox, r#"[data-testid="refresh-env"]"#)
        .await?;
    app.wait_for_text(r#"[data-testid="lost-changes"]"#, "1 by Alex Morgan")
        .await?;
    app.wait_for_text(
        r#"[data-testid="refresh-warning"]"#,
        "records will be replaced",
    )
    .await?;
    app.screenshot("refresh-warning").await?;
    app.click(r#"[data-testid="confirm-refresh"]"#).await?;
    app.wait_for_text(r#"[data-testid="notice"]"#, "was refreshed from production")
        .await?;

    // The change is gone from the sandbox...
    app.click_in(&sandbox, r#"[data-testid="open-env"]"#)
        .await?;
    app.click(r#"[data-testid="tab-changelog"]"#).await?;
    app.wait_for(r#"[data-testid="changelog-empty"]"#).await?;
    app.click(r#"[data-testid="back"]"#).await?;

    // ...and the automatic backup is listed, ready to restore.
    app.click_in(&sandbox, r#"[data-testid="open-backups"]"#)
        .await?;
    let guard = r#"[data-testid="backup-row"][data-reason="before_refresh"]"#;
    app.wait_for_text(guard, "Before refresh").await?;
    app.wait_for_text(guard, "Alex Morgan").await?;
    app.screenshot("backup-before-refresh").await?;
    app.click_in(guard, r#"[data-testid="restore-backup"]"#)
        .await?;
    app.click(r#"[data-testid="restore-confirm-submit"]"#)
        .await?;
    app.wait_for_text(r#"[data-testid="notice"]"#, "was restored")
        .await?;
    app.click(r#"[data-testid="close-backups"]"#).await?;
    // The restore's message stays until dismissed; it covers the list's corner.
    app.dismiss_notices().await?;

    app.click_in(&sandbox, r#"[data-testid="open-env"]"#)
        .await?;
    app.click(r#"[data-testid="tab-changelog"]"#).await?;
    app.wait_for_text(
        r#"[data-testid="changelog-entry"][data-entity="Risk level"]"#,
        "Alex Morgan",
    )
    .await?;
    app.screenshot("change-back").await?;
    app.click(r#"[data-testid="tab-activity"]"#).await?;
    app.wait_for_text(
        r#"[data-testid="activity-row"][data-action="refreshed"]"#,
        "Alex Morgan",
    )
    .await?;
    app.wait_for(r#"[data-testid="activity-row"][data-action="restored_backup"]"#)
        .await?;
    app.screenshot("activity").await?;
    app.close().await
}
