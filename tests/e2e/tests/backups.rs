//! Backup & Restore through the real app: take a backup of production,
//! change production, restore the backup and see the change undone, with the
//! pre-restore state kept as a backup of its own.

use cutover_e2e::{env_row, App, Result};
use cutover_store::Workspace;
use fantoccini::Locator;

async fn open_backups(app: &App, env: &str) -> Result<()> {
    let row = app.wait_for(&env_row(env)).await?;
    row.find(Locator::Css(r#"[data-testid="open-backups"]"#))
        .await?
        .click()
        .await?;
    app.wait_for(r#"[role="dialog"]"#).await?;
    Ok(())
}

/// Adds employees to production directly in its store, as users of the
/// platform would while Cutover is open.
fn add_employees(data_dir: &std::path::Path, n: usize) -> Result<()> {
    let ws = Workspace::open(data_dir)?;
    let production = ws.overview()?[0].environments[0].environment.id;
    let mut store = ws.store(production)?;
    let table = store
        .definitions()?
        .tables
        .into_iter()
        .find(|t| t.name == "Employees")
        .ok_or("no Employees")?;
    let template = store.records(table.id)?[0].values.clone();
    store.insert_records(table.id, &vec![template; n])?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real app; run with scripts/e2e.sh (Xvfb + tauri-driver)"]
async fn backup_change_and_restore_production() -> Result<()> {
    let mut app = App::launch("backups").await?;
    let records = format!(r#"{} [data-testid="records"]"#, env_row("Production"));
    app.wait_for_text(&records, "1,000").await?;

    open_backups(&app, "Production").await?;
    app.wait_for(r#"[data-testid="no-backups"]"#).await?;
    app.screenshot("no-backups").await?;
    app.click(r#"[data-testid="take-backup"]"#).await?;
    app.wait_for_text(
        r#"[data-testid="backup-row"][data-reason="manual"]"#,
        "Verified",
    )
    .await?;
    app.screenshot("backup-taken").await?;
    app.click(r#"[data-testid="close-backups"]"#).await?;
    app.wait_gone(r#"[role="dialog"]"#).await?;
    let last = format!(r#"{} [data-testid="last-backup"]"#, env_row("Production"));
    let shown = app.wait_for(&last).await?.text().await?;
    assert!(
        !shown.contains("None yet"),
        "last backup still shows {shown:?}"
    );

    add_employees(app.data_dir(), 5)?;
    app.click(r#"[data-testid="refresh"]"#).await?;
    app.wait_for_text(&records, "1,005").await?;

    open_backups(&app, "Production").await?;
    app.click(r#"[data-testid="backup-row"][data-reason="manual"] [data-testid="restore-backup"]"#)
        .await?;
    app.wait_for_text(r#"[data-testid="restore-confirm"]"#, "Before restore")
        .await?;
    app.screenshot("restore-confirm").await?;
    app.click(r#"[data-testid="restore-confirm-submit"]"#)
        .await?;
    app.wait_for(r#"[data-testid="backup-row"][data-reason="before_restore"]"#)
        .await?;
    app.wait_for_text(r#"[data-testid="notice"]"#, "was restored")
        .await?;
    // Two backups: the chart of size and records over time, drawn.
    app.wait_for(
        r#"[data-testid="backup-chart"][data-points="2"] canvas[aria-label*="Records 1000"][aria-label*="Records 1005"]"#,
    )
    .await?;
    let drawn = app
        .eval(
            "const c = document.querySelector('[data-testid=backup-chart] canvas'); \
             const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; \
             let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n;",
        )
        .await?;
    assert!(
        drawn.as_u64().unwrap_or(0) > 1000,
        "the chart is drawn: {drawn}"
    );
    app.screenshot("restored").await?;
    app.click(r#"[data-testid="close-backups"]"#).await?;
    app.wait_for_text(&records, "1,000").await?;
    app.screenshot("dashboard-after-restore").await?;
    app.close().await
}
