//! A release note's link is never followed inside Cutover: clicking it says
//! where it goes, and on request it is copied or handed to the system's
//! browser. The "browser" here is a stand-in `xdg-open` first on the app's
//! PATH that writes down what it was asked to open.

use cutover_e2e::{App, Result};
use cutover_store::{demo, Workspace};
use std::os::unix::fs::PermissionsExt;
use std::time::{Duration, Instant};

const LINK: &str = "https://docs.northwind.example/api/v2-migration";

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real app; run with scripts/e2e.sh (Xvfb + tauri-driver)"]
async fn a_note_link_is_copied_or_opened_in_the_browser_on_request() -> Result<()> {
    let holder = tempfile::tempdir()?;
    let data = holder.path().join("data");
    let now = chrono::Utc::now();
    demo::ensure_demo(&Workspace::open(&data)?, now)?;
    let bin = holder.path().join("bin");
    std::fs::create_dir_all(&bin)?;
    let opened = holder.path().join("opened.txt");
    let xdg_open = bin.join("xdg-open");
    std::fs::write(
        &xdg_open,
        format!("#!/bin/sh\necho \"$@\" >> '{}'\n", opened.display()),
    )?;
    std::fs::set_permissions(&xdg_open, std::fs::Permissions::from_mode(0o755))?;
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut app = App::launch_with("note-links", holder, &data, &[("PATH".into(), path)]).await?;

    app.click(r#"[data-testid="nav-releases"]"#).await?;
    app.click_in(
        r#"[data-testid="release-row"][data-version="10.0.2"]"#,
        r#"[data-testid="open-release"]"#,
    )
    .await?;
    app.click(r#"[data-testid="note"] a"#).await?;
    app.wait_for_text(r#"[data-testid="link-not-followed"]"#, LINK)
        .await?;
    assert!(!opened.exists(), "nothing is opened by the click itself");

    app.click(r#"[data-testid="copy-link"]"#).await?;
    app.wait_for_text(r#"[data-testid="notice"]"#, "Link copied.")
        .await?;
    app.click(r#"[data-testid="open-link"]"#).await?;
    app.wait_for_text(r#"[data-testid="notice"]"#, "Opened in your browser.")
        .await?;
    let deadline = Instant::now() + Duration::from_secs(10);
    let asked = loop {
        let asked = std::fs::read_to_string(&opened).unwrap_or_default();
        if !asked.is_empty() || Instant::now() > deadline {
            break asked;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(asked.trim(), LINK);
    app.screenshot("link").await?;
    app.close().await
}
