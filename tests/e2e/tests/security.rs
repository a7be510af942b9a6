//! The webview's protections are in force in the real app: the Content
//! Security Policy blocks inline scripts and remote connections, and the
//! window's capability denies commands the UI does not use.

use cutover_e2e::{App, Result};
use serde_json::Value;

/// Runs an async script in the page; it calls `done` with its answer.
async fn ask(app: &App, body: &str) -> Result<Value> {
    let script = format!("const done = arguments[arguments.length - 1]; {body}");
    Ok(app.client.execute_async(&script, vec![]).await?)
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real app; run with scripts/e2e.sh (Xvfb + tauri-driver)"]
async fn csp_and_capabilities_are_enforced() -> Result<()> {
    let app = App::launch("security").await?;
    app.wait_for(r#"[data-testid="dashboard"]"#).await?;

    let inline = ask(
        &app,
        r#"
        const s = document.createElement("script");
        s.textContent = "window.__inlineRan = true";
        document.body.appendChild(s);
        setTimeout(() => done(window.__inlineRan === true), 100);
        "#,
    )
    .await?;
    assert_eq!(inline, Value::Bool(false), "an inline script ran");

    let remote = ask(
        &app,
        r#"
        let directive = null;
        document.addEventListener("securitypolicyviolation", (e) => { directive = e.violatedDirective; });
        fetch("https://example.invalid/data").catch(() => null)
          .finally(() => setTimeout(() => done(directive), 100));
        "#,
    )
    .await?;
    assert_eq!(
        remote,
        Value::String("connect-src".into()),
        "a remote fetch was not blocked by the CSP"
    );

    let denied = ask(
        &app,
        r#"
        window.__TAURI_INTERNALS__.invoke("plugin:event|emit", { event: "x", payload: null })
          .then(() => done("allowed"), (e) => done(String(e)));
        "#,
    )
    .await?;
    let denied = denied.as_str().unwrap_or_default().to_string();
    assert!(
        denied.contains("not allowed"),
        "event emit was not denied: {denied}"
    );

    let granted = ask(
        &app,
        r#"
        window.__TAURI_INTERNALS__.invoke("environments_overview")
          .then((a) => done(a.length), (e) => done(String(e)));
        "#,
    )
    .await?;
    assert_eq!(
        granted,
        Value::from(1),
        "the granted command failed: {granted}"
    );
    app.close().await
}
