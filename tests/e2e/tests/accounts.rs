//! An account of one's own through the real app: the New account dialog
//! refuses an empty form naming every field and creating nothing, shows a
//! pasted key's fingerprint, then creates the account, whose empty
//! production appears on the dashboard beside the demo; the store holds
//! the account, its production and the trusted key.

use cutover_e2e::{env_row, workspace_root, App, Result};
use cutover_store::Workspace;

const FORM: &str = r#"[data-testid="new-account-form"]"#;

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real app; run with scripts/e2e.sh (Xvfb + tauri-driver)"]
async fn an_account_of_ones_own_is_created_from_the_dashboard() -> Result<()> {
    let mut app = App::launch("accounts").await?;
    app.wait_for_text(r#"[data-testid="account"] h2"#, "Northwind Foods")
        .await?;

    // An empty form: every field in trouble is named, nothing is created.
    app.click(r#"[data-testid="new-account"]"#).await?;
    app.wait_for(FORM).await?;
    // The time zone starts as the computer's.
    let zone = app
        .eval(r#"return document.querySelector('[data-testid="account-time-zone"]').value"#)
        .await?;
    assert!(
        zone.as_str().is_some_and(|z| z.contains('/') || z == "UTC"),
        "a time zone is offered first: {zone}"
    );
    // At the smallest supported size the form is taller than the window:
    // the refusal must come into view, and nothing overflow sideways.
    app.resize(960, 600).await?;
    app.click(r#"[data-testid="create-account-submit"]"#)
        .await?;
    // Above the buttons, every problem (the fields are out of view); each
    // is also marked at its field.
    let error = app
        .wait_for_text(
            r#"[role="dialog"] [data-testid="error"][data-kind="invalid"]"#,
            "Nothing was created",
        )
        .await?
        .text()
        .await?;
    for label in [
        "Account name:",
        "Platform:",
        "Signing key belongs to:",
        "Platform version:",
        "Vendor's public key:",
    ] {
        assert!(error.contains(label), "{label} in {error}");
    }
    for field in [
        "name",
        "platform",
        "vendorName",
        "platformVersion",
        "vendorKey",
    ] {
        app.wait_for(&format!(
            r#"[role="dialog"] [data-testid="field-problem"][data-field-name="{field}"]"#
        ))
        .await?;
    }
    let marked = app
        .eval(r#"return document.querySelector('[data-testid="account-version"]').getAttribute("aria-invalid")"#)
        .await?;
    assert_eq!(marked, serde_json::json!("true"));
    let seen = app
        .eval(
            r#"const e = document.querySelector('[role="dialog"] [data-testid="error"]').getBoundingClientRect(); const d = document.querySelector('[role="dialog"]'); return e.top >= 0 && e.top < window.innerHeight && d.scrollWidth <= d.clientWidth + 1;"#,
        )
        .await?;
    assert_eq!(
        seen,
        serde_json::Value::Bool(true),
        "the refusal is in view at 960x600"
    );
    app.screenshot("empty-form-refused-960x600").await?;
    app.resize(1920, 1080).await?;
    app.screenshot("empty-form-refused-1920x1080").await?;
    app.resize(1280, 800).await?;
    app.screenshot("empty-form-refused").await?;

    // A key that is not one says so before anything is sent.
    app.type_into(r#"[data-testid="account-key"]"#, "not a key")
        .await?;
    app.wait_for_text(
        r#"[data-testid="account-key-fingerprint"]"#,
        "not an Ed25519 public key",
    )
    .await?;

    let public = std::fs::read_to_string(workspace_root().join("packages/demo/vendor-demo.pub"))?;
    // The platform's name can be read from a vendor's package, trusting nothing.
    let package = workspace_root().join("packages/demo/northwind-10.0.4.zip");
    app.type_into(
        r#"[data-testid="package-path"]"#,
        &package.display().to_string(),
    )
    .await?;
    app.click(r#"[data-testid="package-read"]"#).await?;
    app.wait_for_text(r#"[data-testid="package-facts"]"#, "signed by key")
        .await?;
    let platform = app
        .eval(r#"return document.querySelector('[data-testid="account-platform"]').value"#)
        .await?;
    assert_eq!(platform, "Northwind Cloud Platform");
    app.type_into(r#"[data-testid="account-name"]"#, "Contoso Finance")
        .await?;
    app.type_into(r#"[data-testid="account-platform"]"#, "Contoso ERP")
        .await?;
    app.type_into(r#"[data-testid="account-version"]"#, "4.2.0")
        .await?;
    app.type_into(r#"[data-testid="account-time-zone"]"#, "America/New_York")
        .await?;
    app.type_into(r#"[data-testid="account-vendor"]"#, "Contoso")
        .await?;
    app.type_into(r#"[data-testid="account-key"]"#, public.trim())
        .await?;
    app.wait_for_text(r#"[data-testid="account-key-fingerprint"]"#, "Fingerprint ")
        .await?;
    // The calendar, from the documented defaults: no Friday, 21 days' notice.
    app.click(r#"[data-testid="account-business-days"] input[data-day="5"]"#)
        .await?;
    app.type_into(r#"[data-testid="account-min-notice"]"#, "21")
        .await?;
    app.type_into(
        r#"[data-testid="account-holidays"]"#,
        "2026-12-25 2027-13-01",
    )
    .await?;
    app.wait_for_text(
        r#"[data-testid="account-holiday-error"]"#,
        "\"2027-13-01\" is not a date",
    )
    .await?;
    app.type_into(
        r#"[data-testid="account-holidays"]"#,
        "2026-12-25, 2027-01-01",
    )
    .await?;
    app.wait_gone(r#"[data-testid="account-holiday-error"]"#)
        .await?;
    app.screenshot("filled-in").await?;
    app.click(r#"[data-testid="create-account-submit"]"#)
        .await?;
    app.wait_for_text(r#"[data-testid="notice"]"#, "Created Contoso Finance")
        .await?;
    app.wait_gone(FORM).await?;

    // Both accounts on the dashboard; the new one's production is empty.
    let heads = app.texts(r#"[data-testid="account"] h2"#).await?;
    assert!(heads[0].contains("Contoso Finance"), "{heads:?}");
    assert!(
        heads.iter().any(|h| h.contains("Northwind Foods")),
        "{heads:?}"
    );
    let contoso = r#"section[aria-label="Contoso Finance"]"#;
    let row = format!("{contoso} {}", env_row("Production"));
    app.wait_for_text(&row, "4.2.0").await?;
    app.wait_for_text(&format!("{row} [data-testid=\"records\"]"), "0")
        .await?;
    app.screenshot("created").await?;

    // The store holds what the dashboard shows.
    let data = app.close_keeping_data().await?;
    let ws = Workspace::open(data.path())?;
    let account = ws
        .accounts()?
        .into_iter()
        .find(|a| a.name == "Contoso Finance")
        .ok_or("the account is stored")?;
    assert_eq!(
        (
            account.platform.as_str(),
            account.time_zone.as_str(),
            account.is_demo
        ),
        ("Contoso ERP", "America/New_York", false)
    );
    let calendar = ws.account_calendar(account.id)?.settings;
    assert_eq!(calendar.business_days, [1, 2, 3, 4]);
    assert_eq!(calendar.min_notice_days, 21);
    assert_eq!(calendar.holidays.len(), 2);
    let keys = ws.trusted_keys(account.id)?;
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0].public_key, public.trim());
    let overview = ws
        .overview()?
        .into_iter()
        .find(|o| o.account.id == account.id)
        .ok_or("overview")?;
    assert_eq!(overview.environments.len(), 1);
    assert_eq!(overview.environments[0].record_count, 0);
    assert_eq!(overview.environments[0].app_count, 0);
    Ok(())
}
