//! Moving an account's environments through the real app: an account
//! made on this computer, with a sandbox and a backup, moved to a database
//! on the test server from Edit account (a wrong password refused with
//! why, nothing moved), then back to this computer.

use common::server::{blocking, drop_database, environment_schemas, fresh_database};
use cutover_core::definitions::{FieldType, Value};
use cutover_e2e::{env_row, App, Result};
use cutover_store::Workspace;

mod common;

const DIALOG: &str = r#"[data-testid="move-environments-form"]"#;

/// Production given a Notes table of 150,000 records of about 1 kB
/// (160 MB), as the platform's users would have filled it while Cutover
/// is open: enough for the move to take seconds.
fn fill_production(data_dir: &std::path::Path) -> Result<()> {
    let ws = Workspace::open(data_dir)?;
    let production = ws.overview()?[0].environments[0].environment.id;
    let mut store = ws.store(production)?;
    let app = store.create_app("Notes")?;
    let table = store.create_table(&[app.id], "Notes", &[("Text", FieldType::Text)])?;
    let text = "x".repeat(1_000);
    let batch: Vec<Vec<Value>> = (0..10_000)
        .map(|i| vec![Value::Text(format!("{i} {text}"))])
        .collect();
    for _ in 0..15 {
        store.insert_records(table.id, &batch)?;
    }
    Ok(())
}

async fn open_move(app: &App, now_on: &str) -> Result<()> {
    app.click(r#"[data-testid="edit-account"]"#).await?;
    app.wait_for_text(r#"[data-testid="edit-account-place"]"#, now_on)
        .await?;
    app.click(r#"[data-testid="move-environments"]"#).await?;
    app.wait_for(DIALOG).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real app; run with scripts/e2e.sh (Xvfb + tauri-driver)"]
async fn an_account_moves_to_a_server_and_back() -> Result<()> {
    let (url, password, settings) = blocking(fresh_database)?;
    let holder = tempfile::tempdir()?;
    let data = holder.path().to_path_buf();
    let mut app = App::launch_at("account-move", holder, &data).await?;

    // An account of one's own, on this computer, with a sandbox and a backup.
    app.click(r#"[data-testid="welcome-own"]"#).await?;
    app.type_into(r#"[data-testid="account-your-name"]"#, "Dana Whitfield")
        .await?;
    app.fill_new_account([
        "Contoso Moving",
        "Northwind Cloud Platform",
        "10.0.1",
        "Europe/London",
        "Northwind",
    ])
    .await?;
    app.click(r#"[data-testid="create-account-submit"]"#)
        .await?;
    app.wait_for_text(r#"[data-testid="account"] h2"#, "Contoso Moving")
        .await?;
    fill_production(&data)?;
    app.click(r#"[data-testid="refresh"]"#).await?;
    app.wait_for_text(
        &format!(r#"{} [data-testid="records"]"#, env_row("Production")),
        "150,000",
    )
    .await?;
    app.click(r#"[data-testid="new-env"]"#).await?;
    app.type_into(r#"[data-testid="new-env-name"]"#, "Sandbox")
        .await?;
    app.select(r#"[data-testid="new-env-kind"]"#, "promotable")
        .await?;
    app.click(r#"[data-testid="create-env-submit"]"#).await?;
    app.wait_for(&env_row("Sandbox")).await?;
    app.click_in(&env_row("Production"), r#"[data-testid="open-backups"]"#)
        .await?;
    app.click(r#"[data-testid="take-backup"]"#).await?;
    app.wait_for_text(
        r#"[data-testid="backup-row"][data-reason="manual"]"#,
        "Verified",
    )
    .await?;
    app.click(r#"[data-testid="close-backups"]"#).await?;
    app.wait_gone(r#"[role="dialog"]"#).await?;
    app.dismiss_notices().await?;

    // Edit account says where they live; the move offers the server.
    open_move(&app, "on this computer").await?;
    app.wait_for_text(r#"[data-testid="move-now"]"#, "on this computer now")
        .await?;
    app.type_into(r#"[data-testid="server-url"]"#, &url).await?;
    app.select(r#"[data-testid="server-tls"]"#, "require")
        .await?;
    app.type_into(r#"[data-testid="server-password"]"#, "not the password")
        .await?;
    for (w, h) in [(960, 600), (1920, 1080), (1280, 800)] {
        app.resize(w, h).await?;
        app.screenshot(&format!("move-dialog-{w}x{h}")).await?;
    }
    app.click(r#"[data-testid="move-submit"]"#).await?;
    app.wait_for_text(&format!(r#"{DIALOG} [data-testid="error"]"#), "password")
        .await?;
    app.screenshot("move-refused").await?;
    assert_eq!(blocking(|| environment_schemas(&settings, &password))?, 0);

    app.type_into(r#"[data-testid="server-password"]"#, &password)
        .await?;
    // Stopped while it copies production: nothing moves.
    app.click(r#"[data-testid="move-submit"]"#).await?;
    app.wait_for_text(
        r#"[data-testid="move-progress"]"#,
        "Copying Production (1 of 3)",
    )
    .await?;
    app.screenshot("move-progress").await?;
    app.click(r#"[data-testid="cancel-move"]"#).await?;
    app.wait_for_text(
        &format!(r#"{DIALOG} [data-testid="error"]"#),
        "Stopped before the move was complete",
    )
    .await?;
    app.screenshot("move-stopped").await?;
    assert_eq!(blocking(|| environment_schemas(&settings, &password))?, 0);

    app.click(r#"[data-testid="move-submit"]"#).await?;
    app.wait_for_text(
        r#"[data-testid="notice"]"#,
        &format!(
            "Moved 2 environments and 1 backup to {}",
            settings.display()
        ),
    )
    .await?;
    app.wait_gone(DIALOG).await?;
    app.wait_for_text(r#"[data-testid="account-server"]"#, &settings.display())
        .await?;
    assert_eq!(blocking(|| environment_schemas(&settings, &password))?, 2);
    // The sandbox reads from the server.
    app.click_in(&env_row("Sandbox"), r#"[data-testid="open-env"]"#)
        .await?;
    app.click(r#"[data-testid="tab-designer"]"#).await?;
    app.click(r#"[data-testid="back"]"#).await?;
    app.screenshot("moved-to-server").await?;
    app.dismiss_notices().await?;

    // And back: this computer is offered first.
    open_move(&app, &settings.display()).await?;
    app.screenshot("move-back-dialog").await?;
    app.click(r#"[data-testid="move-submit"]"#).await?;
    app.wait_for_text(
        r#"[data-testid="notice"]"#,
        "Moved 2 environments and 1 backup to this computer",
    )
    .await?;
    app.wait_gone(r#"[data-testid="account-server"]"#).await?;
    assert_eq!(blocking(|| environment_schemas(&settings, &password))?, 0);
    app.screenshot("moved-back").await?;
    app.close().await?;
    blocking(|| drop_database(&settings))
}
