//! Promotion through the real app: review a plan with a destructive change
//! and its data impact, resolve a conflict with production, promote, and find
//! the backup and the history; a promotion whose dry run fails says why and
//! changes nothing.

use chrono::Utc;
use cutover_core::change::Change;
use cutover_core::definitions::FieldType;
use cutover_core::records::{CellInput, RecordQuery};
use cutover_e2e::{env_row, App, Result};
use cutover_store::{demo, Workspace};

mod common;

/// A demo data directory prepared before the app starts.
fn prepared(work: impl FnOnce(&Workspace, i64, i64) -> Result<()>) -> Result<tempfile::TempDir> {
    let dir = tempfile::tempdir()?;
    let ws = Workspace::open(dir.path())?;
    demo::ensure_demo(&ws, Utc::now())?;
    let envs = ws.overview()?[0].environments.clone();
    let id = |n: &str| {
        envs.iter()
            .find(|e| e.environment.name == n)
            .map(|e| e.environment.id)
            .ok_or("no env")
    };
    work(&ws, id("Production")?, id("Promotable sandbox")?)?;
    Ok(dir)
}

fn field(ws: &Workspace, env: i64, table: &str, name: &str) -> Result<(i64, i64)> {
    let t = ws
        .definitions(env)?
        .tables
        .into_iter()
        .find(|t| t.name == table)
        .ok_or("no table")?;
    let f = t
        .fields
        .iter()
        .find(|f| f.name == name)
        .ok_or("no field")?
        .id;
    Ok((t.id, f))
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real app; run with scripts/e2e.sh (Xvfb + tauri-driver)"]
async fn review_resolve_and_promote() -> Result<()> {
    let dir = prepared(|ws, production, sandbox| {
        let admins = ws.admins(Utc::now())?.admins;
        let alex = admins
            .iter()
            .find(|a| a.name == "Alex Morgan")
            .ok_or("Alex")?;
        let priya = admins
            .iter()
            .find(|a| a.name == "Priya Shah")
            .ok_or("Priya")?;
        let (_, start) = field(ws, sandbox, "Employees", "Start date")?;
        let (_, title) = field(ws, sandbox, "Employees", "Job title")?;
        ws.apply_change(
            sandbox,
            &Change::DeleteField { field_id: start },
            alex,
            Utc::now(),
            false,
        )?;
        ws.apply_change(
            sandbox,
            &Change::RenameField {
                field_id: title,
                name: "Role".into(),
            },
            alex,
            Utc::now(),
            false,
        )?;
        // Meanwhile someone renames the same field in production.
        ws.apply_change(
            production,
            &Change::RenameField {
                field_id: title,
                name: "Position".into(),
            },
            priya,
            Utc::now(),
            true,
        )?;
        Ok(())
    })?;
    let before = common::environment_data(dir.path(), "Production")?;
    let mut app = App::launch_in("promotion", dir).await?;
    app.click_in(
        &env_row("Promotable sandbox"),
        r#"[data-testid="promote-env"]"#,
    )
    .await?;
    app.wait_for_text(
        r#"[data-testid="plan-step"][data-entity="Start date"] [data-testid="impact"]"#,
        "Drops 150 values",
    )
    .await?;
    app.wait_for_text(
        r#"[data-testid="conflict"][data-entity="Role"]"#,
        "Priya Shah",
    )
    .await?;
    app.screenshot("plan").await?;
    app.wait_for_text(r#"[data-testid="to-pause"]"#, "Salesforce CRM sync")
        .await?;
    app.click(r#"[data-testid="conflict"][data-entity="Role"] [data-testid="keep-sandbox"]"#)
        .await?;
    app.type_into(r#"[data-testid="confirm-name"]"#, "Production")
        .await?;
    app.click(r#"[data-testid="promote-submit"]"#).await?;
    app.wait_for_text(r#"[data-testid="notice"]"#, "Promoted 2 changes")
        .await?;
    app.wait_for_text(
        r#"[data-testid="notice"]"#,
        "Paused and resumed: Order webhook, Salesforce CRM sync",
    )
    .await?;
    // The inbox has the promotion's notice (also sent to the desktop),
    // beside the demo's notice about hotfix 10.0.3.
    app.wait_for_text(r#"[data-testid="inbox-unread"]"#, "2")
        .await?;
    app.click(r#"[data-testid="inbox-button"]"#).await?;
    app.wait_for_text(r#"[data-testid="inbox-item"]"#, "Promoted to Production")
        .await?;
    app.screenshot("inbox").await?;
    app.click(r#"[data-testid="inbox-button"]"#).await?;
    app.screenshot("promoted").await?;

    app.click_in(&env_row("Production"), r#"[data-testid="open-backups"]"#)
        .await?;
    app.wait_for_text(
        r#"[data-testid="backup-row"][data-reason="before_promotion"]"#,
        "Before promotion",
    )
    .await?;
    app.click(r#"[data-testid="close-backups"]"#).await?;
    app.click_in(&env_row("Production"), r#"[data-testid="open-env"]"#)
        .await?;
    app.click(r#"[data-testid="table-item"][data-table-name="Employees"]"#)
        .await?;
    app.wait_for(r#"[data-testid="field-row"][data-field-name="Role"]"#)
        .await?;
    app.wait_gone(r#"[data-testid="field-row"][data-field-name="Start date"]"#)
        .await?;
    app.click(r#"[data-testid="tab-promotions"]"#).await?;
    app.wait_for_text(
        r#"[data-testid="promotion-row"][data-state="committed"]"#,
        "Alex Morgan",
    )
    .await?;
    app.screenshot("history").await?;
    // The data, not only the screen: production holds the plan, and every
    // record is still there.
    let promoted = common::environment_data(app.data_dir(), "Production")?;
    let fields = |d: &common::EnvironmentData| -> Vec<String> {
        d.definitions
            .tables
            .iter()
            .flat_map(|t| t.fields.iter().map(|f| f.name.clone()))
            .collect()
    };
    assert!(fields(&promoted).contains(&"Role".to_string()));
    assert!(!fields(&promoted).contains(&"Start date".to_string()));
    let counts = |d: &common::EnvironmentData| -> Vec<(String, usize)> {
        d.records
            .iter()
            .map(|(t, r)| (t.clone(), r.len()))
            .collect()
    };
    assert_eq!(counts(&promoted), counts(&before));

    // Undo it: the app says what would be discarded, then restores.
    app.click(r#"[data-testid="undo-promotion"]"#).await?;
    app.wait_for_text(r#"[data-testid="undo-confirm"]"#, "0 definition changes")
        .await?;
    app.screenshot("undo-confirm").await?;
    app.click(r#"[data-testid="undo-submit"]"#).await?;
    app.wait_for_text(
        r#"[data-testid="promotion-row"][data-state="undone"]"#,
        "Undone",
    )
    .await?;
    app.click(r#"[data-testid="tab-designer"]"#).await?;
    app.click(r#"[data-testid="table-item"][data-table-name="Employees"]"#)
        .await?;
    app.wait_for(r#"[data-testid="field-row"][data-field-name="Start date"]"#)
        .await?;
    app.wait_for(r#"[data-testid="field-row"][data-field-name="Position"]"#)
        .await?;
    assert_eq!(
        common::environment_data(app.data_dir(), "Production")?,
        before,
        "undone: production exactly as before the promotion"
    );
    app.close().await
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real app; run with scripts/e2e.sh (Xvfb + tauri-driver)"]
async fn a_failing_dry_run_is_reported_and_changes_nothing() -> Result<()> {
    let dir = prepared(|ws, _production, sandbox| {
        let alex = ws.current_admin(Utc::now())?;
        let (projects, code) = field(ws, sandbox, "Projects", "Code")?;
        let page = ws.record_page(
            sandbox,
            projects,
            &RecordQuery {
                limit: 500,
                ..Default::default()
            },
        )?;
        for r in &page.records {
            let cell = CellInput {
                field_id: code,
                text: r.id.to_string(),
            };
            ws.update_record(sandbox, projects, r.id, &[cell], &alex, Utc::now())?;
        }
        ws.apply_change(
            sandbox,
            &Change::RetypeField {
                field_id: code,
                field_type: FieldType::Number,
            },
            &alex,
            Utc::now(),
            false,
        )?;
        Ok(())
    })?;
    let before = common::environment_data(dir.path(), "Production")?;
    let mut app = App::launch_in("promotion-failure", dir).await?;
    app.click_in(
        &env_row("Promotable sandbox"),
        r#"[data-testid="promote-env"]"#,
    )
    .await?;
    app.wait_for_text(r#"[data-testid="impact"]"#, "cannot be converted")
        .await?;
    app.type_into(r#"[data-testid="confirm-name"]"#, "Production")
        .await?;
    app.click(r#"[data-testid="promote-submit"]"#).await?;
    app.wait_for_text(
        r#"[data-testid="promote-dialog"] [data-testid="error"]"#,
        "dry run",
    )
    .await?;
    app.wait_for_text(
        r#"[data-testid="promote-dialog"] [data-testid="error"]"#,
        "cannot become a number",
    )
    .await?;
    app.screenshot("dry-run-failed").await?;
    app.click_in(r#"[data-testid="promote-dialog"]"#, "button.secondary")
        .await?;
    app.wait_for_text(
        &format!(r#"{} [data-testid="env-status"]"#, env_row("Production")),
        "Ready",
    )
    .await?;
    app.click_in(&env_row("Production"), r#"[data-testid="open-env"]"#)
        .await?;
    app.click(r#"[data-testid="tab-promotions"]"#).await?;
    app.wait_for_text(
        r#"[data-testid="promotion-row"][data-state="failed"]"#,
        "dry run",
    )
    .await?;
    assert_eq!(
        common::environment_data(app.data_dir(), "Production")?,
        before,
        "production exactly as before"
    );
    app.close().await
}
