//! The designer and the changelog through the real app: a field added in the
//! promotable sandbox appears in the changelog with its author; after
//! switching admin and changing again, the other-author banner shows and
//! the changelog filters by author; production asks before it changes.

use cutover_e2e::{env_row, App, Result};

async fn open_env(app: &App, env: &str) -> Result<()> {
    app.click_in(&env_row(env), r#"[data-testid="open-env"]"#)
        .await?;
    app.wait_for(&format!(
        r#"[data-testid="environment-screen"][data-env-name="{env}"]"#
    ))
    .await?;
    Ok(())
}

async fn add_field(app: &App, name: &str, type_name: &str) -> Result<()> {
    app.click(r#"[data-testid="add-field"]"#).await?;
    app.type_into(r#"[data-testid="change-name"]"#, name)
        .await?;
    app.select(r#"[data-testid="field-type"]"#, type_name)
        .await?;
    app.click(r#"[data-testid="apply-change"]"#).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real app; run with scripts/e2e.sh (Xvfb + tauri-driver)"]
async fn changes_reach_the_changelog_with_their_authors() -> Result<()> {
    let mut app = App::launch("designer").await?;
    app.wait_for_text(r#"[data-testid="admin-select"]"#, "Alex Morgan")
        .await?;
    open_env(&app, "Promotable sandbox").await?;
    app.click(r#"[data-testid="table-item"][data-table-name="Employees"]"#)
        .await?;
    app.wait_for_text(r#"[data-testid="table-title"]"#, "Employees")
        .await?;
    app.screenshot("designer").await?;

    // A bad name is refused in the dialog, said at the name, with the
    // input kept.
    add_field(&app, "Badge #", "number").await?;
    app.wait_for_text(
        r#"[data-testid="change-dialog"] [data-testid="field-problem"]"#,
        "remove \"#\"",
    )
    .await?;
    app.wait_for_text(
        r#"[data-testid="change-dialog"] [data-testid="error"]"#,
        "One field needs a change",
    )
    .await?;
    app.screenshot("refused-name").await?;
    app.type_into(r#"[data-testid="change-name"]"#, "Badge number")
        .await?;
    app.click(r#"[data-testid="apply-change"]"#).await?;
    app.wait_for(r#"[data-testid="field-row"][data-field-name="Badge number"]"#)
        .await?;
    app.wait_for_text(r#"[data-testid="change-done"]"#, "Badge number")
        .await?;

    app.click(r#"[data-testid="tab-changelog"]"#).await?;
    let entry = r#"[data-testid="changelog-entry"][data-entity="Badge number"]"#;
    app.wait_for_text(entry, "Alex Morgan").await?;
    app.wait_for_text(r#"[data-testid="diff"]"#, "Badge number")
        .await?;
    app.wait_gone(r#"[data-testid="other-authors"]"#).await?;
    app.screenshot("changelog-own").await?;

    // Another admin takes over and renames the field.
    app.select_label(r#"[data-testid="admin-select"]"#, "Priya Shah")
        .await?;
    app.wait_for(r#"[data-testid="other-authors"]"#).await?;
    app.wait_for_text(r#"[data-testid="other-authors"]"#, "Alex Morgan (1 change)")
        .await?;
    app.click(r#"[data-testid="tab-designer"]"#).await?;
    app.click_in(
        r#"[data-testid="field-row"][data-field-name="Badge number"]"#,
        r#"[data-testid="rename-field"]"#,
    )
    .await?;
    app.type_into(r#"[data-testid="change-name"]"#, "Badge")
        .await?;
    app.click(r#"[data-testid="apply-change"]"#).await?;
    app.wait_for(r#"[data-testid="field-row"][data-field-name="Badge"]"#)
        .await?;

    app.click(r#"[data-testid="tab-changelog"]"#).await?;
    app.wait_for(r#"[data-testid="changelog-entry"][data-author="Priya Shah"]"#)
        .await?;
    app.wait_for_text(r#"[data-testid="diff"]"#, "Badge number")
        .await?;
    app.wait_for_text(r#"[data-testid="other-authors"]"#, "Alex Morgan")
        .await?;
    // This week's bar has one change by each.
    app.wait_for(
        r#"[data-testid="activity-chart"] canvas[aria-label*="Alex Morgan 1, Priya Shah 1"]"#,
    )
    .await?;
    app.screenshot("changelog-other-author").await?;
    app.select(r#"[data-testid="filter-author"]"#, "Alex Morgan")
        .await?;
    app.wait_for_text(r#"[data-testid="changelog-total"]"#, "of 1")
        .await?;
    app.wait_gone(r#"[data-testid="changelog-entry"][data-author="Priya Shah"]"#)
        .await?;
    app.screenshot("changelog-filtered").await?;

    // Days are written as elsewhere in the app: a US-style day is refused
    // at the field; a day in 2000 as the end leaves nothing; the calendar
    // picks one too.
    app.type_into(r#"[data-testid="filter-to"]"#, "12/01/2026\u{E007}")
        .await?;
    app.wait_for_text(
        r#"[data-testid="filter-to-error"]"#,
        "1 Dec 2026 or 2026-12-01",
    )
    .await?;
    app.type_into(r#"[data-testid="filter-to"]"#, "1 Jan 2000\u{E007}")
        .await?;
    app.wait_for(r#"[data-testid="changelog-empty"]"#).await?;
    app.wait_gone(r#"[data-testid="filter-to-error"]"#).await?;
    app.click(r#"[data-testid="filter-to-pick"]"#).await?;
    app.wait_for(r#"[data-testid="filter-to-calendar"]"#)
        .await?;
    app.screenshot("changelog-day-picker").await?;
    app.click(r#"[data-testid="filter-to-calendar"] button[aria-label*="15 January 2000"]"#)
        .await?;
    app.wait_gone(r#"[data-testid="filter-to-calendar"]"#)
        .await?;
    let to = app.wait_for(r#"[data-testid="filter-to"]"#).await?;
    assert_eq!(to.prop("value").await?.as_deref(), Some("15 Jan 2000"));
    app.close().await
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real app; run with scripts/e2e.sh (Xvfb + tauri-driver)"]
async fn production_changes_ask_for_confirmation() -> Result<()> {
    let mut app = App::launch("designer-production").await?;
    open_env(&app, "Production").await?;
    app.wait_for(r#"[data-testid="production-warning"]"#)
        .await?;
    add_field(&app, "Cost centre", "text").await?;
    app.wait_for_text(r#"[data-testid="confirm-production"]"#, "production")
        .await?;
    app.screenshot("confirm-production").await?;
    app.click(r#"[data-testid="confirm-production-apply"]"#)
        .await?;
    app.wait_for(r#"[data-testid="field-row"][data-field-name="Cost centre"]"#)
        .await?;
    app.close().await
}
