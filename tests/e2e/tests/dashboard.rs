//! The dashboard through the real app: the demo account on first start,
//! creating a sandbox from production, and the refusal to delete production.

use cutover_e2e::{env_row, App, Result};
use fantoccini::Locator;

async fn records_of(app: &App, env: &str) -> Result<String> {
    let row = app.wait_for(&env_row(env)).await?;
    Ok(row
        .find(Locator::Css(r#"[data-testid="records"]"#))
        .await?
        .text()
        .await?)
}

/// Opens an environment's delete dialog, types its name and confirms.
async fn delete_through_dialog(app: &App, env: &str) -> Result<()> {
    let row = app.wait_for(&env_row(env)).await?;
    row.find(Locator::Css(r#"[data-testid="delete-env"]"#))
        .await?
        .click()
        .await?;
    app.type_into(r#"[data-testid="delete-confirm-name"]"#, env)
        .await?;
    app.click(r#"[data-testid="delete-confirm-submit"]"#).await
}

async fn dismiss_dialog(app: &App) -> Result<()> {
    app.click(r#"[role="dialog"] button.secondary"#).await?;
    app.wait_gone(r#"[role="dialog"]"#).await
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real app; run with scripts/e2e.sh (Xvfb + tauri-driver)"]
async fn first_start_shows_the_demo_account_and_copies_production() -> Result<()> {
    let mut app = App::launch("dashboard").await?;

    app.wait_for_text(r#"[data-testid="account"] h2"#, "Northwind Foods")
        .await?;
    app.wait_for_text(r#"[data-testid="account"] h2"#, "Demo account")
        .await?;
    for env in ["Production", "UAT", "Promotable sandbox"] {
        assert_eq!(records_of(&app, env).await?, "1,000", "{env}");
    }
    app.screenshot("dashboard").await?;

    app.click(r#"[data-testid="new-env"]"#).await?;
    app.type_into(r#"[data-testid="new-env-name"]"#, "HR sandbox")
        .await?;
    app.screenshot("new-sandbox-dialog").await?;
    app.click(r#"[data-testid="create-env-submit"]"#).await?;
    app.wait_for_text(r#"[data-testid="notice"]"#, "HR sandbox was created")
        .await?;
    let production_records = records_of(&app, "Production").await?;
    assert_eq!(records_of(&app, "HR sandbox").await?, production_records);
    app.wait_for_text(&env_row("HR sandbox"), "copied from Production")
        .await?;
    app.screenshot("sandbox-created").await?;

    // A name that is taken is refused in the dialog, which keeps what was typed.
    app.click(r#"[data-testid="new-env"]"#).await?;
    app.type_into(r#"[data-testid="new-env-name"]"#, "hr SANDBOX")
        .await?;
    app.click(r#"[data-testid="create-env-submit"]"#).await?;
    app.wait_for_text(
        r#"[role="dialog"] [data-testid="error"][data-kind="conflict"]"#,
        "already has an environment",
    )
    .await?;
    app.screenshot("duplicate-name-refused").await?;
    dismiss_dialog(&app).await?;

    // Production's Delete is off, saying why (the backend's own refusal),
    // before anyone types its name.
    let delete_production = format!(
        r#"{} [data-testid="delete-env"][data-refused="true"]"#,
        env_row("Production")
    );
    let off = app.wait_for(&delete_production).await?;
    assert!(!off.is_enabled().await?);
    let why = off.attr("title").await?.unwrap_or_default();
    assert!(why.contains("cannot be deleted"), "{why}");
    app.screenshot("production-deletion-off").await?;
    assert_eq!(records_of(&app, "Production").await?, production_records);

    // A sandbox can be deleted; it leaves the list and its file is retired.
    delete_through_dialog(&app, "HR sandbox").await?;
    app.wait_gone(&env_row("HR sandbox")).await?;
    app.wait_for_text(r#"[data-testid="notice"]"#, "HR sandbox was deleted")
        .await?;
    app.screenshot("sandbox-deleted").await?;
    let retired = std::fs::read_dir(app.data_dir().join("retired"))?.count();
    assert_eq!(retired, 1);

    app.close().await
}
