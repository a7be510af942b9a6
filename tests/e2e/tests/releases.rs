//! Releases through the real app, with no network: import the demo's next
//! package and see the window move, refuse a malformed one, search the
//! notes, read "what changes for me" from production to the newest version
//! and mark two items reviewed, and check that a script hidden in a note's
//! Markdown does not run. `scripts/e2e.sh` runs these inside a network
//! namespace with only loopback (`unshare --net`).

use cutover_e2e::{workspace_root, App, Result};
use std::path::Path;

const ROWS: &str = r#"[data-testid="release-row"]"#;

fn row(version: &str) -> String {
    format!(r#"[data-testid="release-row"][data-version="{version}"]"#)
}

/// Proves the app has no network: nothing outside loopback is reachable.
fn assert_offline() -> Result<()> {
    if std::env::var_os("CUTOVER_E2E_OFFLINE").is_none() {
        return Err(
            "run this scenario through scripts/e2e.sh, which takes the network away".into(),
        );
    }
    let outside = "1.1.1.1:443".parse()?;
    let reached = std::net::TcpStream::connect_timeout(&outside, std::time::Duration::from_secs(2));
    if reached.is_ok() {
        return Err("the network is reachable; this scenario must run without it".into());
    }
    Ok(())
}

/// A package from the demo vendor whose one note hides script in its Markdown.
fn hostile_package(dir: &Path) -> Result<std::path::PathBuf> {
    use cutover_package::{build, sign};
    let demo = workspace_root().join("packages/demo");
    let mut files = build::read_folder(&demo.join("10.0.4"))?;
    let mut manifest: serde_json::Value = serde_json::from_slice(&files[0].1)?;
    manifest["version"] = "10.0.5".into();
    manifest["upgrades_from"] = serde_json::json!(["10.0.4"]);
    files[0].1 = serde_json::to_vec(&manifest)?;
    files[1].1 = b"# Quarterly security review\narea: Security\nkind: change\naction-required: yes\n\n\
        Reviews now run quarterly.<script>window.__pwned = 1</script>\n\n\
        <img src=\"x\" onerror=\"window.__pwned = 2\"> See [the guide](https://docs.northwind.example/security).\n"
        .to_vec();
    let key = sign::parse_signing_key(&std::fs::read_to_string(demo.join("vendor-demo.key"))?)?;
    let path = dir.join("northwind-10.0.5.zip");
    std::fs::write(&path, build::build(&files, &key)?)?;
    Ok(path)
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real app; run with scripts/e2e.sh (Xvfb + tauri-driver, no network)"]
async fn offline_release_catalog_notes_and_review() -> Result<()> {
    assert_offline()?;
    let mut app = App::launch("releases").await?;
    app.wait_for(r#"[data-testid="env-hotfix"]"#).await?;
    app.click(r#"[data-testid="nav-releases"]"#).await?;
    app.wait_for_text(&row("10.0.1"), "Production").await?;
    app.wait_for(&format!(r#"{}[data-selectable="yes"]"#, row("10.0.1")))
        .await?;
    app.screenshot("catalog").await?;

    // A malformed package is refused with its reason and adds nothing.
    let slip =
        workspace_root().join("src-tauri/crates/package/tests/malformed/04-zip-slip-parent.zip");
    app.type_into(
        r#"[data-testid="package-path"]"#,
        &slip.display().to_string(),
    )
    .await?;
    app.click(r#"[data-testid="import-package"]"#).await?;
    app.wait_for_text(
        r#"[data-testid="error"]"#,
        "points outside the package folder",
    )
    .await?;
    app.screenshot("refused").await?;

    // The demo vendor's next release moves the window.
    let next = workspace_root().join("packages/demo/northwind-10.0.4.zip");
    app.type_into(
        r#"[data-testid="package-path"]"#,
        &next.display().to_string(),
    )
    .await?;
    app.click(r#"[data-testid="import-package"]"#).await?;
    app.wait_for_text(
        r#"[data-testid="import-done"]"#,
        "10.0.1 dropped out of the version window",
    )
    .await?;
    app.wait_for(&format!(r#"{}[data-selectable="yes"]"#, row("10.0.4")))
        .await?;
    app.wait_for(&format!(
        r#"{}[data-selectable="dropped_out"]"#,
        row("10.0.1")
    ))
    .await?;
    let rows = app
        .eval(&format!(
            "return document.querySelectorAll('{ROWS}').length"
        ))
        .await?;
    assert_eq!(rows, 4);
    app.screenshot("imported").await?;

    // Full-text search, offline.
    app.click(r#"[data-testid="releases-tab-search"]"#).await?;
    app.type_into(r#"[data-testid="search-text"]"#, "webhook")
        .await?;
    app.click(r#"[data-testid="search"]"#).await?;
    app.wait_for_text(r#"[data-testid="hit-count"]"#, "3 items match")
        .await?;
    app.wait_for_text(r#"[data-testid="hit"] mark"#, "ebhook")
        .await?;
    app.screenshot("search").await?;

    // What changes from production's 10.0.1 to 10.0.4; review two items.
    app.click(r#"[data-testid="releases-tab-changes"]"#).await?;
    app.select_label(r#"[data-testid="cumulative-target"]"#, "10.0.4")
        .await?;
    app.wait_for_text(
        r#"[data-testid="cumulative-summary"]"#,
        "spans 10.0.2, 10.0.3, 10.0.4",
    )
    .await?;
    app.wait_for_text(r#"[data-testid="cumulative-summary"]"#, "0 of")
        .await?;
    let first = app
        .eval("return document.querySelector('[data-testid=note]').classList.contains('action')")
        .await?;
    assert_eq!(first, true, "action-required items come first");
    app.click(r#"[data-testid="note"]:nth-of-type(1) [data-testid="review"]"#)
        .await?;
    app.wait_for_text(r#"[data-testid="cumulative-summary"]"#, "1 of")
        .await?;
    app.click(r#"[data-testid="note"]:nth-of-type(2) [data-testid="review"]"#)
        .await?;
    app.wait_for_text(r#"[data-testid="cumulative-summary"]"#, "2 of")
        .await?;
    app.wait_for_text(r#"[data-testid="note"]:nth-of-type(1)"#, "Reviewed")
        .await?;
    app.screenshot("what-changes").await?;

    // A script in a note's Markdown does not run; its link is not followed.
    let hostile = hostile_package(app.data_dir())?;
    app.click(r#"[data-testid="releases-tab-catalog"]"#).await?;
    app.type_into(
        r#"[data-testid="package-path"]"#,
        &hostile.display().to_string(),
    )
    .await?;
    app.click(r#"[data-testid="import-package"]"#).await?;
    app.wait_for_text(r#"[data-testid="import-done"]"#, "10.0.5")
        .await?;
    app.click_in(&row("10.0.5"), r#"[data-testid="open-release"]"#)
        .await?;
    app.wait_for_text(r#"[data-testid="note"]"#, "Reviews now run quarterly.")
        .await?;
    let pwned = app
        .eval("return [window.__pwned ?? null, document.querySelectorAll('[data-testid=release-reader] script, [data-testid=release-reader] img, [onerror]').length]")
        .await?;
    assert_eq!(pwned, serde_json::json!([null, 0]));
    app.click(r#"[data-testid="note"] a"#).await?;
    app.wait_for_text(
        r#"[data-testid="link-not-followed"]"#,
        "https://docs.northwind.example/security",
    )
    .await?;
    app.wait_for(r#"[data-testid="release-reader"]"#).await?;
    app.screenshot("reader").await?;
    app.close().await
}
