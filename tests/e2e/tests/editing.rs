//! Everyday editing through the real app: records (a bad value refused in
//! the dialog with the input kept, then added, sorted, edited, deleted), a
//! retype refused with its count, integrations paused and added, an admin
//! added.

use cutover_e2e::{env_row, App, Result};

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real app; run with scripts/e2e.sh (Xvfb + tauri-driver)"]
async fn records_designer_refusals_integrations_and_admins() -> Result<()> {
    let mut app = App::launch("editing").await?;
    app.click_in(
        &env_row("Promotable sandbox"),
        r#"[data-testid="open-env"]"#,
    )
    .await?;
    app.click(r#"[data-testid="tab-records"]"#).await?;
    app.select_label(r#"[data-testid="records-table"]"#, "Employees")
        .await?;
    app.wait_for_text(r#"[data-testid="records-total"]"#, "of 150")
        .await?;

    // Bad values are refused in the dialog, each shown at its own field,
    // all at once; the inputs stay.
    let field = |name: &str| format!(r#"[data-testid="record-field"][data-field-name="{name}"]"#);
    let problem =
        |name: &str| format!(r#"[data-testid="field-problem"][data-field-name="{name}"]"#);
    app.click(r#"[data-testid="add-record"]"#).await?;
    app.type_into(&field("Name"), "Zoe Quinn").await?;
    app.type_into(&field("Start date"), "soon").await?;
    app.click(r#"[data-testid="save-record"]"#).await?;
    app.wait_for_text(&problem("Start date"), "\"soon\" is not a date")
        .await?;
    app.wait_for_text(
        r#"[data-testid="record-dialog"] [data-testid="error"]"#,
        "One field needs a change",
    )
    .await?;
    assert!(!app.shown(&problem("Name")).await?);
    let marked = app
        .eval(r#"return document.querySelector('[data-field-name="Start date"][data-testid="record-field"]').getAttribute("aria-invalid")"#)
        .await?;
    assert_eq!(marked, serde_json::json!("true"));
    app.screenshot("record-refused").await?;
    app.type_into(&field("Start date"), "2026-12-01").await?;
    app.click(r#"[data-testid="save-record"]"#).await?;
    app.wait_for_text(r#"[data-testid="records-total"]"#, "of 151")
        .await?;

    // Sorted by name, descending, the new record comes first.
    let sort = r#"[data-testid="sort"][data-field-name="Name"]"#;
    app.click(sort).await?;
    app.wait_for_text(sort, "▲").await?;
    app.click(sort).await?;
    app.wait_for_text(sort, "▼").await?;
    let first = r#"[data-testid="record-row"]:first-child"#;
    app.wait_for_text(first, "Zoe Quinn").await?;
    app.click_in(first, r#"[data-testid="edit-record"]"#)
        .await?;
    app.type_into(&field("Job title"), "Nurse").await?;
    app.click(r#"[data-testid="save-record"]"#).await?;
    app.wait_for_text(first, "Nurse").await?;
    // Her start date shows as days do everywhere, though typed as ISO.
    app.wait_for_text(first, "1 Dec 2026").await?;
    app.screenshot("record-edited").await?;
    // Search finds her by any value, in any case; clearing it shows all.
    app.type_into(r#"[data-testid="records-search"]"#, "zoe QUINN")
        .await?;
    app.wait_for_text(
        r#"[data-testid="records-total"]"#,
        "1–1 of 1 holding “zoe QUINN” (151 in the table)",
    )
    .await?;
    app.screenshot("record-search").await?;
    app.type_into(r#"[data-testid="records-search"]"#, "")
        .await?;
    app.wait_for_text(r#"[data-testid="records-total"]"#, "of 151")
        .await?;
    // A filter on one field: started after 30 Nov 2026, only she did. A
    // value that is no day is refused at the filter's value.
    app.select_label(r#"[data-testid="filter-by"]"#, "Start date")
        .await?;
    app.select(r#"[data-testid="filter-op"]"#, "greater_than")
        .await?;
    app.type_into(r#"[data-testid="filter-value"]"#, "soon")
        .await?;
    app.click(r#"[data-testid="filter-apply"]"#).await?;
    app.wait_for_text(
        r#"[data-testid="record-filter"] [data-testid="field-problem"]"#,
        "is not a date",
    )
    .await?;
    app.type_into(r#"[data-testid="filter-value"]"#, "30 Nov 2026")
        .await?;
    app.click(r#"[data-testid="filter-apply"]"#).await?;
    app.wait_for_text(
        r#"[data-testid="records-total"]"#,
        "1–1 of 1 where Start date is greater than “30 Nov 2026” (151 in the table)",
    )
    .await?;
    app.wait_for_text(first, "Zoe Quinn").await?;
    app.screenshot("record-filter").await?;
    app.click(r#"[data-testid="filter-clear"]"#).await?;
    app.wait_for_text(r#"[data-testid="records-total"]"#, "of 151")
        .await?;
    app.click_in(first, r#"[data-testid="delete-record"]"#)
        .await?;
    app.wait_for_text(
        &format!(r#"{first} [data-testid="delete-record"]"#),
        "Delete for good",
    )
    .await?;
    app.click_in(first, r#"[data-testid="delete-record"]"#)
        .await?;
    app.wait_for_text(r#"[data-testid="records-total"]"#, "of 150")
        .await?;

    // A retype that existing values cannot take is refused with the count.
    app.click(r#"[data-testid="tab-designer"]"#).await?;
    app.click(r#"[data-testid="table-item"][data-table-name="Employees"]"#)
        .await?;
    app.click_in(
        r#"[data-testid="field-row"][data-field-name="Job title"]"#,
        r#"[data-testid="retype-field"]"#,
    )
    .await?;
    app.select(r#"[data-testid="field-type"]"#, "number")
        .await?;
    app.click(r#"[data-testid="apply-change"]"#).await?;
    app.wait_for_text(
        r#"[data-testid="change-dialog"] [data-testid="error"]"#,
        "150 of 150 values of \"Job title\" cannot become a number",
    )
    .await?;
    app.screenshot("retype-refused").await?;
    app.click_in(r#"[data-testid="change-dialog"]"#, "button.secondary")
        .await?;

    // Production's integrations: pause one, add one.
    app.click(r#"[data-testid="back"]"#).await?;
    app.click_in(&env_row("Production"), r#"[data-testid="open-env"]"#)
        .await?;
    app.click(r#"[data-testid="tab-integrations"]"#).await?;
    let webhook = r#"[data-testid="integration-row"][data-name="Order webhook"]"#;
    app.wait_for_text(webhook, "Active").await?;
    app.click_in(webhook, r#"[data-testid="toggle-integration"]"#)
        .await?;
    app.wait_for_text(
        &format!(r#"{webhook} [data-testid="integration-state"]"#),
        "Paused",
    )
    .await?;
    app.type_into(r#"[data-testid="integration-name"]"#, "Payroll export")
        .await?;
    app.click(r#"[data-testid="add-integration"]"#).await?;
    app.wait_for(r#"[data-testid="integration-row"][data-name="Payroll export"]"#)
        .await?;
    app.screenshot("integrations").await?;

    // A new admin joins this desktop.
    app.select(r#"[data-testid="admin-select"]"#, "add").await?;
    app.type_into(r#"[data-testid="admin-name"]"#, "Jo Park")
        .await?;
    app.select(r#"[data-testid="admin-role"]"#, "app_admin")
        .await?;
    app.click(r#"[data-testid="add-admin-submit"]"#).await?;
    app.wait_for_text(r#"[data-testid="admin-select"]"#, "Jo Park (app-admin)")
        .await?;
    app.close().await
}
