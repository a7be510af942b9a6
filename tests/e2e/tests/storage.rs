//! What deletions keep aside, through the real app: a deleted UAT shows in
//! Storage with its account and size and comes back with Restore; the demo
//! account is deleted after typing its name (production backed up first),
//! leaving one's own account alone; Storage then lists the demo's stores
//! (no longer restorable) and its backup, which is purged after asking.

use cutover_e2e::{env_row, App, Result};
use cutover_store::Workspace;

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real app; run with scripts/e2e.sh (Xvfb + tauri-driver)"]
async fn deleted_environments_and_accounts_are_kept_aside_until_purged() -> Result<()> {
    let mut app = App::launch("storage").await?;
    let demo = r#"section[aria-label="Northwind Foods (demo)"]"#;
    app.wait_for(demo).await?;

    // One's own account, which the demo's deletion must leave alone.
    app.click(r#"[data-testid="new-account"]"#).await?;
    app.fill_new_account([
        "Contoso Finance",
        "Contoso ERP",
        "4.2.0",
        "America/New_York",
        "Contoso",
    ])
    .await?;
    app.click(r#"[data-testid="create-account-submit"]"#)
        .await?;
    app.wait_for_text(r#"[data-testid="notice"]"#, "Created Contoso Finance")
        .await?;

    // Edited later: its time zone, from the account's own header.
    let contoso = r#"section[aria-label="Contoso Finance"]"#;
    app.click_in(contoso, r#"[data-testid="edit-account"]"#)
        .await?;
    app.type_into(r#"[data-testid="edit-account-time-zone"]"#, "Europe/Paris")
        .await?;
    app.click(r#"[data-testid="edit-account-submit"]"#).await?;
    app.wait_for_text(&format!("{contoso} .sub"), "time zone Europe/Paris")
        .await?;
    for (w, h) in [(960, 600), (1920, 1080), (1280, 800)] {
        app.resize(w, h).await?;
        let clear = app
            .eval(r#"return [...document.querySelectorAll('.account-head')].every(head => { const a = head.querySelector('.head-actions').getBoundingClientRect(); const s = head.querySelector('.sub').getBoundingClientRect(); return a.top >= s.bottom || a.left >= s.right || a.bottom <= s.top; })"#)
            .await?;
        assert_eq!(
            clear,
            serde_json::Value::Bool(true),
            "the account's actions do not cover its details at {w}x{h}"
        );
        app.screenshot(&format!("dashboard-{w}x{h}")).await?;
    }

    // A deleted UAT is in Storage, and comes back.
    app.click_in(
        &format!("{demo} {}", env_row("UAT")),
        r#"[data-testid="delete-env"]"#,
    )
    .await?;
    app.type_into(r#"[data-testid="delete-confirm-name"]"#, "UAT")
        .await?;
    app.click(r#"[data-testid="delete-confirm-submit"]"#)
        .await?;
    app.wait_gone(&format!("{demo} {}", env_row("UAT"))).await?;
    app.click(r#"[data-testid="storage"]"#).await?;
    app.wait_for_text(r#"[data-testid="storage-retired-row"]"#, "UAT")
        .await?;
    app.wait_for_text(
        r#"[data-testid="storage-retired-row"]"#,
        "Northwind Foods (demo)",
    )
    .await?;
    app.screenshot("uat-kept").await?;
    app.click_in(
        r#"[data-testid="storage-retired-row"]"#,
        "button.ghost:not(.danger-text)",
    )
    .await?;
    app.wait_for_text(r#"[data-testid="notice"]"#, "back on the dashboard")
        .await?;
    app.click(r#"[data-testid="storage-close"]"#).await?;
    app.wait_for_text(
        &format!("{demo} {} [data-testid=\"records\"]", env_row("UAT")),
        "1,000",
    )
    .await?;

    // The demo account, deleted after typing its name.
    app.click_in(demo, r#"[data-testid="delete-account"]"#)
        .await?;
    app.wait_for_text(
        r#"[data-testid="delete-account-list"]"#,
        "Promotable sandbox",
    )
    .await?;
    let disabled = app
        .eval(r#"return document.querySelector('[data-testid="delete-account-submit"]').disabled"#)
        .await?;
    assert_eq!(
        disabled,
        serde_json::Value::Bool(true),
        "not before the name is typed"
    );
    app.type_into(
        r#"[data-testid="delete-account-name"]"#,
        "Northwind Foods (demo)",
    )
    .await?;
    app.screenshot("delete-demo").await?;
    app.click(r#"[data-testid="delete-account-submit"]"#)
        .await?;
    app.wait_for_text(
        r#"[data-testid="notice"]"#,
        "Deleted Northwind Foods (demo)",
    )
    .await?;
    app.wait_gone(demo).await?;
    let heads = app.texts(r#"[data-testid="account"] h2"#).await?;
    assert_eq!(heads.len(), 1, "{heads:?}");
    assert!(heads[0].contains("Contoso Finance"), "{heads:?}");
    app.wait_for(r#"[data-testid="add-demo"]"#).await?;

    // Storage: the demo's three stores, not restorable, and production's backup.
    app.click(r#"[data-testid="storage"]"#).await?;
    app.wait_for(r#"[data-testid="storage-backup-row"]"#)
        .await?;
    assert_eq!(
        app.texts(r#"[data-testid="storage-retired-row"]"#)
            .await?
            .len(),
        3
    );
    let restorable = app
        .eval(r#"return [...document.querySelectorAll('[data-testid="storage-retired-row"] button.ghost:not(.danger-text)')].some(b => !b.disabled)"#)
        .await?;
    assert_eq!(
        restorable,
        serde_json::Value::Bool(false),
        "their account is gone"
    );
    for (w, h) in [(960, 600), (1920, 1080), (1280, 800)] {
        app.resize(w, h).await?;
        let fits = app
            .eval(r#"const d = document.querySelector('[role="dialog"]'); return d.scrollWidth <= d.clientWidth + 1;"#)
            .await?;
        assert_eq!(
            fits,
            serde_json::Value::Bool(true),
            "no sideways scrolling at {w}x{h}"
        );
        app.screenshot(&format!("storage-{w}x{h}")).await?;
    }
    app.click_in(
        r#"[data-testid="storage-backup-row"]"#,
        "button.danger-text",
    )
    .await?;
    app.wait_for_text(r#"[data-testid="storage-confirm"]"#, "for good")
        .await?;
    app.click(r#"[data-testid="storage-confirm-purge"]"#)
        .await?;
    app.wait_gone(r#"[data-testid="storage-backup-row"]"#)
        .await?;
    app.screenshot("purged").await?;

    let data = app.close_keeping_data().await?;
    let ws = Workspace::open(data.path())?;
    let names: Vec<String> = ws.accounts()?.into_iter().map(|a| a.name).collect();
    assert_eq!(names, ["Contoso Finance"]);
    let view = ws.storage()?;
    assert_eq!((view.retired.len(), view.kept_backups.len()), (3, 0));
    Ok(())
}
