//! An app-admin is not offered what only a super-admin may do: switching
//! to Sam Lee (app-admin) turns Promote, Refresh, an account's Edit and
//! Delete, and a backup's Restore off, each saying why (the backend's own
//! refusal); switching back to Alex Morgan turns them on again.

use cutover_e2e::{env_row, App, Result};

async fn refusal(app: &App, css: &str) -> Result<Option<String>> {
    let el = app.wait_for(css).await?;
    Ok(if el.is_enabled().await? {
        None
    } else {
        el.attr("title").await?
    })
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real app; run with scripts/e2e.sh (Xvfb + tauri-driver)"]
async fn an_app_admin_sees_what_is_off_and_why() -> Result<()> {
    let mut app = App::launch("allowed").await?;
    let sandbox = env_row("Promotable sandbox");
    let promote = format!(r#"{sandbox} [data-testid="promote-env"]"#);
    let refresh = format!(r#"{sandbox} [data-testid="refresh-env"]"#);
    assert_eq!(refusal(&app, &promote).await?, None);

    app.select_label(r#"[data-testid="admin-select"]"#, "Sam Lee (app-admin)")
        .await?;
    app.wait_for(&format!(r#"{promote}[data-refused="true"]"#))
        .await?;
    let said = refusal(&app, &promote).await?.unwrap_or_default();
    assert!(
        said.starts_with("Only a super-admin may promote changes to production."),
        "{said}"
    );
    let said = refusal(&app, &refresh).await?.unwrap_or_default();
    assert!(said.contains("refresh an environment"), "{said}");
    let said = refusal(&app, r#"[data-testid="edit-account"]"#)
        .await?
        .unwrap_or_default();
    assert!(said.contains("change an account"), "{said}");
    app.screenshot("app-admin").await?;

    // A backup can be taken by anyone; restoring it is off for Sam.
    app.click(&format!(r#"{sandbox} [data-testid="open-backups"]"#))
        .await?;
    app.click(r#"[data-testid="take-backup"]"#).await?;
    let restore = r#"[data-testid="restore-backup"]"#;
    let said = refusal(&app, restore).await?.unwrap_or_default();
    assert!(said.contains("restore a backup"), "{said}");
    app.screenshot("restore-off").await?;
    app.click(r#"[data-testid="close-backups"]"#).await?;

    app.select_label(
        r#"[data-testid="admin-select"]"#,
        "Alex Morgan (super-admin)",
    )
    .await?;
    app.wait_for(&format!(r#"{promote}:not([data-refused])"#))
        .await?;
    assert_eq!(refusal(&app, &refresh).await?, None);
    app.close().await
}
