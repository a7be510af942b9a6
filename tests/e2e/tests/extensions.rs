//! Customizations through the real app: the demo's production shows its
//! installed extensions; an extension made for a newer platform is refused
//! with the reason; uninstalling (after a backup) and reinstalling work.

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

    let newer = r#"[data-testid="catalog-extension"][data-version="2.0"]"#;
    app.click_in(newer, r#"[data-testid="install"]"#).await?;
    app.wait_for_text(r#"[data-testid="error"]"#, "this environment runs 10.0.1")
        .await?;
    app.screenshot("refused").await?;

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
