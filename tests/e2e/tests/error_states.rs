//! What the user sees when something is wrong with the data directory.

use chrono::Utc;
use cutover_e2e::{env_row, App, Result};
use cutover_store::{demo, Workspace};

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real app; run with scripts/e2e.sh (Xvfb + tauri-driver)"]
async fn a_missing_data_store_is_shown_on_its_row() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let ws = Workspace::open(dir.path())?;
    demo::ensure_demo(&ws, Utc::now())?;
    let key: String = ws.connect()?.query_row(
        "SELECT store_key FROM environments WHERE kind = 'uat'",
        (),
        |r| r.get(0),
    )?;
    std::fs::remove_file(
        dir.path()
            .join("environments")
            .join(format!("{key}.sqlite")),
    )?;

    let mut app = App::launch_in("error-states", dir).await?;
    app.wait_for_text(
        &format!(r#"{} [data-testid="store-error"]"#, env_row("UAT")),
        "Restore it from a backup",
    )
    .await?;
    app.wait_for_text(&env_row("Production"), "1,000").await?;
    app.screenshot("missing-store").await?;
    app.close().await
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real app; run with scripts/e2e.sh (Xvfb + tauri-driver)"]
async fn a_data_directory_that_cannot_be_made_is_explained() -> Result<()> {
    let holder = tempfile::tempdir()?;
    let not_a_folder = holder.path().join("occupied");
    std::fs::write(&not_a_folder, b"a file where the data folder should be")?;

    let mut app = App::launch_at("error-states-data-dir", holder, &not_a_folder).await?;
    let banner = app
        .wait_for_text(
            r#"[data-testid="error"][data-kind="internal"]"#,
            "CUTOVER_DATA_DIR",
        )
        .await?;
    assert!(banner.text().await?.contains("occupied"));
    app.screenshot("data-dir-unusable").await?;
    app.close().await
}
