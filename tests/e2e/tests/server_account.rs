//! An account on a PostgreSQL server through the real app, on the test
//! server the test command starts: the new account form's server choice
//! and connection test, an integration with its database role paused and
//! resumed, a sandbox copied and a change promoted on the server, an upgrade run committed on UAT and production's rolled back,
//! and after a restart the password asked again before anything is read.

use common::open_upgrade_tab;
use common::server::{blocking, drop_database, environment_schemas, fresh_database, uuid_like};
use cutover_e2e::secrets::SecretService;
use cutover_e2e::{env_row, workspace_root, App, Result};
use cutover_store::env_store::postgres::{Secret, ServerSettings};

mod common;

/// Tuesday 1 Dec 2026, 16:05 in London: inside a new account's default
/// daily maintenance window (16:00–19:00).
const IN_THE_WINDOW: &str = "2026-12-01T16:05:00Z";

/// From the welcome screen, the new account form filled for the demo
/// vendor's platform with its environments on the server at `url`.
async fn fill_server_account(app: &App, name: &str, url: &str, password: &str) -> Result<()> {
    app.click(r#"[data-testid="welcome-own"]"#).await?;
    app.type_into(r#"[data-testid="account-your-name"]"#, "Dana Whitfield")
        .await?;
    app.fill_new_account([
        name,
        "Northwind Cloud Platform",
        "10.0.1",
        "Europe/London",
        "Northwind",
    ])
    .await?;
    app.click(r#"[data-testid="store-server"]"#).await?;
    app.type_into(r#"[data-testid="server-url"]"#, url).await?;
    app.select(r#"[data-testid="server-tls"]"#, "require")
        .await?;
    app.type_into(r#"[data-testid="server-password"]"#, password)
        .await
}

/// A role another application logs in with, allowed to read and write
/// production's tables (the account's only environment so far), as the
/// server's administrator would set it up.
fn application_role(settings: &ServerSettings, password: &str) -> Result<String> {
    let role = format!("ledger_feed_{}", uuid_like());
    let mut client = settings
        .connect(Some(&Secret::new(password)))
        .map_err(|p| p.message)?;
    let schema: String = client
        .query_one(
            "SELECT nspname::text FROM pg_namespace WHERE nspname LIKE 'env\\_%'",
            &[],
        )?
        .get(0);
    client.batch_execute(&format!(
        "CREATE ROLE {role} LOGIN PASSWORD 'feed';
         GRANT USAGE ON SCHEMA \"{schema}\" TO {role};
         GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA \"{schema}\" TO {role};"
    ))?;
    Ok(role)
}

/// Whether `role` may log in, and how many privileges it holds on tables.
fn role_rights(settings: &ServerSettings, password: &str, role: &str) -> Result<(bool, i64)> {
    let row = settings
        .connect(Some(&Secret::new(password)))
        .map_err(|p| p.message)?
        .query_one(
            "SELECT r.rolcanlogin,
                    (SELECT count(*) FROM pg_class c, aclexplode(c.relacl) a WHERE a.grantee = r.oid)
             FROM pg_roles r WHERE r.rolname = $1",
            &[&role],
        )?;
    Ok((row.get(0), row.get(1)))
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real app; run with scripts/e2e.sh (Xvfb + tauri-driver)"]
async fn an_account_on_a_server_copies_promotes_and_upgrades_there() -> Result<()> {
    let (url, password, settings) = blocking(fresh_database)?;
    let holder = tempfile::tempdir()?;
    let data = holder.path().to_path_buf();
    let clock = [("CUTOVER_CLOCK_START".to_string(), IN_THE_WINDOW.to_string())];
    let mut app = App::launch_with("server-account", holder, &data, &clock).await?;

    // The new account form: its environments on the server, tested first.
    fill_server_account(&app, "Contoso on PostgreSQL", &url, "not the password").await?;
    app.click(r#"[data-testid="server-test"]"#).await?;
    app.wait_for_text(
        r#"[data-testid="account-store"] [data-testid="error"]"#,
        "refused user",
    )
    .await?;
    app.screenshot("server-refused").await?;
    app.type_into(r#"[data-testid="server-password"]"#, &password)
        .await?;
    app.click(r#"[data-testid="server-test"]"#).await?;
    app.wait_for_text(r#"[data-testid="server-ok"]"#, "Connected: PostgreSQL")
        .await?;
    app.screenshot("server-tested").await?;
    app.click(r#"[data-testid="create-account-submit"]"#)
        .await?;
    app.wait_for_text(r#"[data-testid="account"] h2"#, "Contoso on PostgreSQL")
        .await?;
    app.wait_for_text(r#"[data-testid="account-server"]"#, &settings.display())
        .await?;
    assert_eq!(blocking(|| environment_schemas(&settings, &password))?, 1);

    // Production's integration writes with its own role: a role that does
    // not exist is refused with why; pausing it takes its login and
    // writes, resuming gives them back.
    let role = blocking(|| application_role(&settings, &password))?;
    let rights = blocking(|| role_rights(&settings, &password, &role))?;
    assert!(rights.0 && rights.1 > 0, "{rights:?}");
    app.click_in(&env_row("Production"), r#"[data-testid="open-env"]"#)
        .await?;
    app.click(r#"[data-testid="tab-integrations"]"#).await?;
    app.type_into(r#"[data-testid="integration-name"]"#, "Ledger feed")
        .await?;
    app.type_into(r#"[data-testid="integration-role"]"#, "ledger_feed_typo")
        .await?;
    app.click(r#"[data-testid="add-integration"]"#).await?;
    app.wait_for_text(
        r#"[data-testid="integrations"] [data-testid="error"]"#,
        "has no role",
    )
    .await?;
    app.screenshot("server-integration-refused").await?;
    app.type_into(r#"[data-testid="integration-role"]"#, &role)
        .await?;
    app.click(r#"[data-testid="add-integration"]"#).await?;
    let row = r#"[data-testid="integration-row"][data-name="Ledger feed"]"#;
    app.wait_for_text(row, &role).await?;
    app.click_in(row, r#"[data-testid="toggle-integration"]"#)
        .await?;
    app.wait_for_text(row, "login and writes revoked").await?;
    assert_eq!(
        blocking(|| role_rights(&settings, &password, &role))?,
        (false, rights.1 / 3),
        "no login, no INSERT nor UPDATE"
    );
    for (w, h) in [(960, 600), (1920, 1080), (1280, 800)] {
        app.resize(w, h).await?;
        app.screenshot(&format!("server-integration-paused-{w}x{h}"))
            .await?;
    }
    app.click_in(row, r#"[data-testid="toggle-integration"]"#)
        .await?;
    app.wait_for_text(
        &format!(r#"{row} [data-testid="integration-state"]"#),
        "Active",
    )
    .await?;
    assert_eq!(
        blocking(|| role_rights(&settings, &password, &role))?,
        rights
    );
    app.click(r#"[data-testid="back"]"#).await?;

    // UAT and a sandbox, copied on the server.
    for (name, kind) in [("UAT", "uat"), ("Sandbox", "promotable")] {
        app.click(r#"[data-testid="new-env"]"#).await?;
        app.type_into(r#"[data-testid="new-env-name"]"#, name)
            .await?;
        app.select(r#"[data-testid="new-env-kind"]"#, kind).await?;
        app.click(r#"[data-testid="create-env-submit"]"#).await?;
        app.wait_for(&env_row(name)).await?;
    }
    app.dismiss_notices().await?;
    assert_eq!(blocking(|| environment_schemas(&settings, &password))?, 3);
    app.screenshot("server-account").await?;

    // A change made in the sandbox, promoted to production.
    app.click_in(&env_row("Sandbox"), r#"[data-testid="open-env"]"#)
        .await?;
    app.click(r#"[data-testid="tab-designer"]"#).await?;
    app.click(r#"[data-testid="new-app"]"#).await?;
    app.type_into(r#"[data-testid="change-name"]"#, "Payroll")
        .await?;
    app.click(r#"[data-testid="apply-change"]"#).await?;
    app.wait_gone(r#"[data-testid="change-dialog"]"#).await?;
    app.click(r#"[data-testid="new-table"]"#).await?;
    app.type_into(r#"[data-testid="change-name"]"#, "Payslips")
        .await?;
    app.click(r#"[data-testid="apply-change"]"#).await?;
    app.wait_gone(r#"[data-testid="change-dialog"]"#).await?;
    app.click(r#"[data-testid="nav-environments"]"#).await?;
    app.click_in(&env_row("Sandbox"), r#"[data-testid="promote-env"]"#)
        .await?;
    app.type_into(r#"[data-testid="confirm-name"]"#, "Production")
        .await?;
    app.click(r#"[data-testid="promote-submit"]"#).await?;
    app.wait_for_text(r#"[data-testid="notice"]"#, "Promoted 2 changes")
        .await?;
    app.dismiss_notices().await?;
    // With a record table, its record count is the server's estimate, and
    // says so.
    app.wait_for(&format!(
        r#"{} [data-testid="records"][data-estimated="true"]"#,
        env_row("Production")
    ))
    .await?;
    app.screenshot("server-promoted").await?;
    assert_eq!(
        blocking(|| role_rights(&settings, &password, &role))?,
        rights,
        "the promotion paused the integration's role and gave it back"
    );

    // The vendor's 10.0.2: UAT upgraded and committed, then production's
    // run rolled back by the admin.
    app.click(r#"[data-testid="nav-releases"]"#).await?;
    // First a build of it with SQLite scripts only: refused, with why.
    let sqlite_only = sqlite_only_release(app.data_dir())?;
    app.type_into(
        r#"[data-testid="package-path"]"#,
        &sqlite_only.display().to_string(),
    )
    .await?;
    app.click(r#"[data-testid="import-package"]"#).await?;
    app.wait_for_text(
        r#"[data-testid="error"][data-kind="invalid"]"#,
        "no PostgreSQL scripts",
    )
    .await?;
    app.screenshot("server-package-without-postgresql").await?;
    let package = workspace_root().join("packages/demo/northwind-10.0.2.zip");
    app.type_into(
        r#"[data-testid="package-path"]"#,
        &package.display().to_string(),
    )
    .await?;
    app.click(r#"[data-testid="import-package"]"#).await?;
    app.wait_for_text(r#"[data-testid="import-done"]"#, "10.0.2")
        .await?;
    for env in ["UAT", "Production"] {
        open_upgrade_tab(&app, env).await?;
        app.select(r#"[data-testid="upgrade-target"]"#, "10.0.2")
            .await?;
        app.click(r#"[data-testid="start-upgrade"]"#).await?;
        app.wait_for(r#"[data-testid="upgrade-run"][data-state="packages"]"#)
            .await?;
        app.click(r#"[data-testid="apply-next-package"]"#).await?;
        app.wait_for(r#"[data-testid="upgrade-package"][data-state="applied"]"#)
            .await?;
        app.click(r#"[data-testid="sign-off-package"]"#).await?;
        app.wait_for(r#"[data-testid="upgrade-package"][data-state="signed_off"]"#)
            .await?;
        app.click(r#"[data-testid="start-data-upgrade"]"#).await?;
        app.click(r#"[data-testid="confirm-data-upgrade-submit"]"#)
            .await?;
        app.wait_for(r#"[data-testid="upgrade-run"][data-state="validating"]"#)
            .await?;
        app.wait_for(r#"[data-step="unlock"][data-status="done"]"#)
            .await?;
        if env == "UAT" {
            app.click(r#"[data-testid="commit-upgrade"]"#).await?;
            app.click(r#"[data-testid="confirm-commit-submit"]"#)
                .await?;
            app.wait_for(r#"[data-testid="upgrade-history-row"][data-state="committed"]"#)
                .await?;
        } else {
            app.screenshot("server-production-validating").await?;
            app.click(r#"[data-testid="roll-back-upgrade"]"#).await?;
            app.click(r#"[data-testid="confirm-roll-back"]"#).await?;
            app.wait_for(r#"[data-testid="upgrade-run"][data-state="rolled_back"]"#)
                .await?;
        }
    }
    app.click(r#"[data-testid="nav-environments"]"#).await?;
    app.wait_for_text(&env_row("UAT"), "10.0.2").await?;
    app.wait_for_text(&env_row("Production"), "10.0.1").await?;
    app.screenshot("server-upgraded").await?;

    // After a restart the password is asked before anything is read.
    let holder = app.close_keeping_data().await?;
    let mut app = App::launch_with("server-account-again", holder, &data, &clock).await?;
    app.wait_for(r#"[data-testid="account-unlock"]"#).await?;
    app.wait_for_text(&env_row("Production"), "Waiting for the server's password")
        .await?;
    for (w, h) in [(960, 600), (1920, 1080), (1280, 800)] {
        app.resize(w, h).await?;
        app.screenshot(&format!("server-locked-{w}x{h}")).await?;
    }
    // Pointing it at a database that does not hold its environments is
    // refused, changing nothing.
    app.click(r#"[data-testid="change-server"]"#).await?;
    let elsewhere = url.replace(&settings.database, "postgres");
    app.type_into(r#"[data-testid="change-server-url"]"#, &elsewhere)
        .await?;
    app.type_into(r#"[data-testid="change-server-password"]"#, &password)
        .await?;
    app.select(r#"[data-testid="change-server-tls"]"#, "require")
        .await?;
    app.click(r#"[data-testid="change-server-submit"]"#).await?;
    app.wait_for_text(
        r#"[data-testid="change-server-form"] [data-testid="error"]"#,
        "does not hold",
    )
    .await?;
    app.screenshot("server-change-refused").await?;
    app.click(r#"[data-testid="change-server-form"] button.secondary"#)
        .await?;
    app.wait_gone(r#"[data-testid="change-server-form"]"#)
        .await?;
    app.type_into(r#"[data-testid="unlock-password"]"#, &password)
        .await?;
    app.click(r#"[data-testid="unlock-submit"]"#).await?;
    app.wait_for(r#"[data-testid="account-server"]"#).await?;
    app.wait_gone(r#"[data-testid="account-unlock"]"#).await?;
    // The server now answers as localhost: the account follows it there.
    app.click(r#"[data-testid="change-server"]"#).await?;
    app.type_into(
        r#"[data-testid="change-server-url"]"#,
        &url.replace(&settings.host, "localhost"),
    )
    .await?;
    app.type_into(r#"[data-testid="change-server-password"]"#, &password)
        .await?;
    app.select(r#"[data-testid="change-server-tls"]"#, "require")
        .await?;
    app.click(r#"[data-testid="change-server-submit"]"#).await?;
    app.wait_gone(r#"[data-testid="change-server-form"]"#)
        .await?;
    app.wait_for_text(r#"[data-testid="account-server"]"#, "@localhost:")
        .await?;
    app.screenshot("server-changed").await?;
    app.click_in(&env_row("Production"), r#"[data-testid="open-env"]"#)
        .await?;
    app.click(r#"[data-testid="tab-designer"]"#).await?;
    app.wait_for_text(r#"[data-testid="designer"]"#, "Payroll")
        .await?;

    // Deleting UAT keeps its data aside on the server, and says so.
    app.click(r#"[data-testid="nav-environments"]"#).await?;
    app.click_in(&env_row("UAT"), r#"[data-testid="delete-env"]"#)
        .await?;
    app.wait_for_text(r#"[role="dialog"]"#, "kept aside on the server")
        .await?;
    app.type_into(r#"[data-testid="delete-confirm-name"]"#, "UAT")
        .await?;
    for (w, h) in [(960, 600), (1920, 1080), (1280, 800)] {
        app.resize(w, h).await?;
        app.screenshot(&format!("server-delete-{w}x{h}")).await?;
    }
    let before = blocking(|| environment_schemas(&settings, &password))?;
    app.click(r#"[data-testid="delete-confirm-submit"]"#)
        .await?;
    app.wait_for_text(r#"[data-testid="notice"]"#, "kept aside on the server")
        .await?;
    app.wait_gone(&env_row("UAT")).await?;
    assert_eq!(
        blocking(|| environment_schemas(&settings, &password))?,
        before - 1,
        "UAT's schema is retired, not left as an environment"
    );
    app.close().await?;

    blocking(|| drop_database(&settings))
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real app; run with scripts/e2e.sh (Xvfb + tauri-driver)"]
async fn a_password_kept_in_the_secret_store_is_not_asked_again() -> Result<()> {
    let (url, password, settings) = blocking(fresh_database)?;
    let bus_dir = tempfile::tempdir()?;
    let secrets = SecretService::start(bus_dir.path())?;
    let env = [
        ("CUTOVER_CLOCK_START".to_string(), IN_THE_WINDOW.to_string()),
        (
            "DBUS_SESSION_BUS_ADDRESS".to_string(),
            secrets.address.clone(),
        ),
    ];
    let holder = tempfile::tempdir()?;
    let data = holder.path().to_path_buf();
    let mut app = App::launch_with("server-remembered", holder, &data, &env).await?;
    fill_server_account(&app, "Fabrikam on PostgreSQL", &url, &password).await?;
    app.click(r#"[data-testid="server-remember"]"#).await?;
    app.click(r#"[data-testid="create-account-submit"]"#)
        .await?;
    app.wait_for_text(
        r#"[data-testid="account-server"]"#,
        "password kept in this computer's secret store",
    )
    .await?;
    app.screenshot("remembered").await?;

    // Started again on the same desktop session: nothing is asked.
    let holder = app.close_keeping_data().await?;
    let app = App::launch_with("server-remembered-again", holder, &data, &env).await?;
    app.wait_for_text(r#"[data-testid="account-server"]"#, &settings.display())
        .await?;
    app.wait_for_text(&env_row("Production"), "0 apps").await?;
    assert!(app
        .texts(r#"[data-testid="account-unlock"]"#)
        .await?
        .is_empty());
    app.close().await?;
    drop(secrets);
    blocking(|| drop_database(&settings))
}

/// The demo's 10.0.2 rebuilt with its SQLite migrations only, signed with
/// the demo vendor's key, in `dir`.
fn sqlite_only_release(dir: &std::path::Path) -> Result<std::path::PathBuf> {
    let demo = workspace_root().join("packages/demo");
    let files: Vec<_> = cutover_package::build::read_folder(&demo.join("10.0.2"))?
        .into_iter()
        .filter(|(name, _)| !name.starts_with("migrations/postgresql/"))
        .collect();
    let key = cutover_package::sign::parse_signing_key(&std::fs::read_to_string(
        demo.join("vendor-demo.key"),
    )?)?;
    let path = dir.join("northwind-10.0.2-sqlite-only.zip");
    std::fs::write(&path, cutover_package::build::build(&files, &key)?)?;
    Ok(path)
}
