//! CSV import through the real app: map the columns, import a file with
//! some bad rows, read the report of what was rejected and why, and export
//! the rejected rows to correct them.

use cutover_e2e::{env_row, App, Result};

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real app; run with scripts/e2e.sh (Xvfb + tauri-driver)"]
async fn import_reports_rejected_rows() -> Result<()> {
    let mut app = App::launch("import").await?;
    let csv = app.data_dir().join("new-starters.csv");
    std::fs::write(
        &csv,
        "Name,Email,Start date,Active,Notes\n\
         Ada Byron,ada@example.com,2026-12-01,yes,x\n\
         Bob Stone,bob@example.com,1st of May,yes,x\n\
         Cy Young,cy@example.com,2026-12-03,perhaps,x\n\
         Dee Lane,dee@example.com,,no,x\n",
    )?;
    let records = format!(
        r#"{} [data-testid="records"]"#,
        env_row("Promotable sandbox")
    );
    app.wait_for_text(&records, "1,000").await?;
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
    app.screenshot("records").await?;

    app.click(r#"[data-testid="import-csv"]"#).await?;
    app.type_into(r#"[data-testid="csv-path"]"#, &csv.display().to_string())
        .await?;
    app.click(r#"[data-testid="csv-preview"]"#).await?;
    app.wait_for(r#"[data-testid="map-column"]"#).await?;
    app.screenshot("mapping").await?;
    app.click(r#"[data-testid="start-import"]"#).await?;
    let report = r#"[data-testid="import-report"][data-outcome="committed"]"#;
    app.wait_for_text(report, "2 rows imported; 2 rejected")
        .await?;
    app.wait_for_text(
        r#"[data-testid="rejected-rows"]"#,
        "\"1st of May\" is not a date",
    )
    .await?;
    app.wait_for_text(
        r#"[data-testid="rejected-rows"]"#,
        "\"perhaps\" is not yes or no",
    )
    .await?;
    app.screenshot("report").await?;

    // The rejected rows go to a CSV beside the file, as they were, with why.
    app.click(r#"[data-testid="export-rejected"]"#).await?;
    app.wait_for_text(r#"[data-testid="notice"]"#, "2 rejected rows written to")
        .await?;
    let rejected = std::fs::read_to_string(app.data_dir().join("new-starters rejected.csv"))?;
    let lines: Vec<&str> = rejected.lines().collect();
    assert_eq!(
        lines[0],
        "Name,Email,Start date,Active,Notes,Rejected because"
    );
    assert!(
        lines[1].starts_with("Bob Stone,bob@example.com,1st of May,yes,x,"),
        "{rejected}"
    );
    assert!(
        lines[2].starts_with("Cy Young,cy@example.com,2026-12-03,perhaps,x,"),
        "{rejected}"
    );
    assert_eq!(lines.len(), 3, "{rejected}");
    app.click(r#"[data-testid="close-import"]"#).await?;
    app.wait_for_text(r#"[data-testid="records-total"]"#, "of 152")
        .await?;
    app.click(r#"[data-testid="back"]"#).await?;
    app.wait_for_text(&records, "1,002").await?;
    app.close().await
}
