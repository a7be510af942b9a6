//! Production from a database one already has, through the real app: a
//! first start with no demo, "Set up your account", a SQLite database the
//! test builds with related tables read into a preview (types, rows, what
//! would not fit, a table that cannot come), a type that does not fit
//! blocking the creation, the account made with its records and links, UAT
//! copied from it, and the source file left exactly as it was.

use cutover_e2e::{env_row, App, Result};
use cutover_store::Workspace;
use rusqlite::Connection;
use sha2::{Digest, Sha256};
use std::path::Path;

const DIALOG: &str = r#"[role="dialog"]"#;

fn build_source(path: &Path) -> Result<()> {
    let conn = Connection::open(path)?;
    conn.execute_batch(
        r#"
        CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, city TEXT, since DATE, vip BOOLEAN, account_no BIGINT);
        CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES customers (id), total DECIMAL(10,2), status TEXT);
        CREATE TABLE audit_log (at TEXT, what TEXT);
        INSERT INTO customers VALUES
            (1, 'Åsa Öberg', 'Malmö', '2019-03-01', 1, 9007199254740993),
            (2, '山田 太郎', '東京', '2020-12-31', 0, 42),
            (7, 'Fabrikam Ltd', NULL, NULL, NULL, NULL);
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
        INSERT INTO orders SELECT 100 + i, CASE i % 3 WHEN 0 THEN 1 WHEN 1 THEN 2 ELSE 7 END, i * 1.25,
            CASE i % 2 WHEN 0 THEN 'Open' ELSE 'Shipped' END FROM n;
        INSERT INTO audit_log VALUES ('2024-01-01', 'created');
        "#,
    )?;
    Ok(())
}

fn digest(path: &Path) -> Result<String> {
    Ok(format!("{:x}", Sha256::digest(std::fs::read(path)?)))
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real app; run with scripts/e2e.sh (Xvfb + tauri-driver)"]
async fn an_account_is_made_from_an_existing_database() -> Result<()> {
    let source_dir = tempfile::tempdir()?;
    let source = source_dir.path().join("fabrikam.db");
    build_source(&source)?;
    let before = digest(&source)?;

    let mut app = App::launch_in("sources", tempfile::tempdir()?).await?;
    app.wait_for_text(r#"[data-testid="welcome"] h1"#, "Welcome to Cutover")
        .await?;
    app.click(r#"[data-testid="welcome-own"]"#).await?;
    app.fill_new_account([
        "Fabrikam",
        "Fabrikam ERP",
        "4.2.0",
        "Europe/Paris",
        "Fabrikam",
    ])
    .await?;
    app.screenshot("filled-in").await?;
    app.click(r#"[data-testid="production-sqlite"]"#).await?;
    app.screenshot("sqlite-chosen").await?;
    app.type_into(
        r#"[data-testid="source-path"]"#,
        &source.display().to_string(),
    )
    .await?;
    app.click(r#"[data-testid="source-read"]"#).await?;
    app.wait_for(r#"[data-testid="source-preview"]"#).await?;
    app.wait_for_text(r#"[data-testid="source-table-orders"]"#, "500 rows")
        .await?;
    app.wait_for_text(
        r#"[data-testid="source-table-audit_log"]"#,
        "no primary key",
    )
    .await?;
    let link = app
        .eval(r#"return document.querySelector('[data-testid="source-column-orders-customer_id"] select').value"#)
        .await?;
    assert_eq!(link, "link", "a foreign key is proposed as a link");
    // The big number is proposed as text, since a number field would round it.
    let big = r#"[data-testid="source-column-customers-account_no"] select"#;
    assert_eq!(
        app.eval(&format!("return document.querySelector('{big}').value"))
            .await?,
        "text"
    );
    for (w, h) in [(960, 600), (1280, 800), (1920, 1080)] {
        app.resize(w, h).await?;
        let fits = app
            .eval(r#"const d = document.querySelector('[role="dialog"]'); return d.scrollWidth <= d.clientWidth + 1 && d.getBoundingClientRect().right <= window.innerWidth;"#)
            .await?;
        assert_eq!(
            fits,
            serde_json::Value::Bool(true),
            "no sideways scrolling at {w}x{h}"
        );
        app.screenshot(&format!("preview-{w}x{h}")).await?;
    }

    // Choosing a type a value does not fit shows it and blocks the creation.
    app.select(big, "number").await?;
    app.wait_for_text(
        r#"[data-testid="source-column-customers-account_no"]"#,
        "9007199254740993",
    )
    .await?;
    app.wait_for_text(r#"[data-testid="source-misfits"]"#, "1 values do not fit")
        .await?;
    let disabled = app
        .eval(r#"return document.querySelector('[data-testid="create-account-submit"]').disabled"#)
        .await?;
    assert_eq!(disabled, serde_json::Value::Bool(true));
    app.screenshot("misfit").await?;
    app.select(big, "text").await?;
    app.wait_gone(r#"[data-testid="source-misfits"]"#).await?;

    app.click(r#"[data-testid="create-account-submit"]"#)
        .await?;
    app.wait_for_text(r#"[data-testid="notice"]"#, "Created Fabrikam")
        .await?;
    app.wait_gone(DIALOG).await?;
    let fabrikam = r#"section[aria-label="Fabrikam"]"#;
    let row = format!("{fabrikam} {}", env_row("Production"));
    app.wait_for_text(&format!("{row} [data-testid=\"records\"]"), "503")
        .await?;
    app.screenshot("created").await?;

    // UAT is a copy of it, as for any production.
    app.click_in(fabrikam, r#"[data-testid="new-env"]"#).await?;
    app.type_into(r#"[data-testid="new-env-name"]"#, "UAT")
        .await?;
    app.select(r#"[data-testid="new-env-kind"]"#, "uat").await?;
    app.click(r#"[data-testid="create-env-submit"]"#).await?;
    app.wait_for_text(r#"[data-testid="notice"]"#, "UAT was created")
        .await?;
    app.wait_for_text(
        &format!("{fabrikam} {} [data-testid=\"records\"]", env_row("UAT")),
        "503",
    )
    .await?;
    app.screenshot("uat-copied").await?;

    // A designer change made in a sandbox of it is promoted to production.
    app.click_in(fabrikam, r#"[data-testid="new-env"]"#).await?;
    app.type_into(r#"[data-testid="new-env-name"]"#, "Ops sandbox")
        .await?;
    app.select(r#"[data-testid="new-env-kind"]"#, "promotable")
        .await?;
    app.click(r#"[data-testid="create-env-submit"]"#).await?;
    app.wait_for_text(r#"[data-testid="notice"]"#, "Ops sandbox was created")
        .await?;
    app.click_in(
        &format!("{fabrikam} {}", env_row("Ops sandbox")),
        r#"[data-testid="open-env"]"#,
    )
    .await?;
    app.click(r#"[data-testid="table-item"][data-table-name="customers"]"#)
        .await?;
    app.wait_for_text(r#"[data-testid="table-title"]"#, "customers")
        .await?;
    app.click(r#"[data-testid="add-field"]"#).await?;
    app.type_into(r#"[data-testid="change-name"]"#, "Region")
        .await?;
    app.select(r#"[data-testid="field-type"]"#, "text").await?;
    app.click(r#"[data-testid="apply-change"]"#).await?;
    app.wait_for(r#"[data-testid="field-row"][data-field-name="Region"]"#)
        .await?;
    app.click(r#"[data-testid="back"]"#).await?;
    app.click_in(
        &format!("{fabrikam} {}", env_row("Ops sandbox")),
        r#"[data-testid="promote-env"]"#,
    )
    .await?;
    app.type_into(r#"[data-testid="confirm-name"]"#, "Production")
        .await?;
    app.click(r#"[data-testid="promote-submit"]"#).await?;
    app.wait_for_text(r#"[data-testid="notice"]"#, "Promoted 1 change from")
        .await?;
    app.screenshot("promoted").await?;

    let data = app.close_keeping_data().await?;
    assert_eq!(digest(&source)?, before, "the source is only read");
    let names: Vec<String> = std::fs::read_dir(source_dir.path())?
        .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect::<std::io::Result<_>>()?;
    assert_eq!(names, ["fabrikam.db"], "nothing written beside it");
    let ws = Workspace::open(data.path())?;
    let accounts = ws.accounts()?;
    assert_eq!(accounts.len(), 1, "no demo was made");
    let prod = ws.overview()?[0].environments[0].environment.id;
    let defs = ws.definitions(prod)?;
    let orders = defs
        .tables
        .iter()
        .find(|t| t.name == "orders")
        .ok_or("orders")?;
    let customers = defs
        .tables
        .iter()
        .find(|t| t.name == "customers")
        .ok_or("customers")?;
    assert!(
        customers.fields.iter().any(|f| f.name == "Region"),
        "the promoted field is in production"
    );
    assert!(orders.fields.iter().any(|f| f.field_type
        == cutover_core::definitions::FieldType::Link {
            table_id: customers.id
        }));
    Ok(())
}

/// Exported from the demo's production through its screen, the file makes
/// a new account whose production holds the same apps, tables and records.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real app; run with scripts/e2e.sh (Xvfb + tauri-driver)"]
async fn an_exported_environment_makes_an_account_of_its_own() -> Result<()> {
    let out = tempfile::tempdir()?;
    let file = out.path().join("northwind production.sqlite");
    let mut app = App::launch("export").await?;
    app.wait_for_text(r#"[data-testid="account"] h2"#, "Northwind Foods")
        .await?;
    app.click_in(&env_row("Production"), r#"[data-testid="open-env"]"#)
        .await?;
    app.wait_for(r#"[data-testid="environment-screen"]"#)
        .await?;
    app.click(r#"[data-testid="export-environment"]"#).await?;
    app.type_into(
        r#"[data-testid="export-path"]"#,
        &file.display().to_string(),
    )
    .await?;
    app.click(r#"[data-testid="export-submit"]"#).await?;
    app.wait_for_text(r#"[data-testid="export-done"]"#, "Exported Production")
        .await?;
    app.screenshot("exported").await?;
    app.click(r#"[data-testid="export-close"]"#).await?;
    app.wait_gone(r#"[data-testid="export-dialog"]"#).await?;
    app.click(r#"[data-testid="back"]"#).await?;

    app.click(r#"[data-testid="new-account"]"#).await?;
    app.fill_new_account([
        "Northwind archive",
        "Northwind Cloud Platform",
        "10.0.1",
        "Europe/London",
        "Northwind",
    ])
    .await?;
    app.click(r#"[data-testid="production-sqlite"]"#).await?;
    app.type_into(
        r#"[data-testid="source-path"]"#,
        &file.display().to_string(),
    )
    .await?;
    app.click(r#"[data-testid="source-read"]"#).await?;
    app.wait_for_text(r#"[data-testid="source-preview"]"#, "Projects, HR")
        .await?;
    app.screenshot("file-preview").await?;
    app.click(r#"[data-testid="create-account-submit"]"#)
        .await?;
    app.wait_for_text(r#"[data-testid="notice"]"#, "Created Northwind archive")
        .await?;
    let archive = r#"section[aria-label="Northwind archive"]"#;
    app.wait_for_text(
        &format!(
            "{archive} {} [data-testid=\"records\"]",
            env_row("Production")
        ),
        "1,000",
    )
    .await?;
    app.screenshot("archive-account").await?;
    app.close().await
}

/// A folder of CSV files: one table per file, types inferred from the
/// values, records numbered in file order.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real app; run with scripts/e2e.sh (Xvfb + tauri-driver)"]
async fn an_account_is_made_from_a_folder_of_csv_files() -> Result<()> {
    let src = tempfile::tempdir()?;
    std::fs::write(
        src.path().join("people.csv"),
        "name,started,active,salary\nAnn Lee,2021-04-01,yes,52000\nBo Chen,2019-11-15,no,61000.50\n",
    )?;
    std::fs::write(
        src.path().join("sites.csv"),
        "site,city\nHQ,Chicago\nDepot,Gary\n",
    )?;
    let mut app = App::launch_in("csv-folder", tempfile::tempdir()?).await?;
    app.click(r#"[data-testid="welcome-own"]"#).await?;
    app.fill_new_account([
        "Tailspin",
        "Tailspin ERP",
        "2.0.0",
        "America/Chicago",
        "Tailspin",
    ])
    .await?;
    app.click(r#"[data-testid="production-csv"]"#).await?;
    app.type_into(
        r#"[data-testid="source-path"]"#,
        &src.path().display().to_string(),
    )
    .await?;
    app.click(r#"[data-testid="source-read"]"#).await?;
    app.wait_for_text(
        r#"[data-testid="source-table-people"]"#,
        "records numbered in file order",
    )
    .await?;
    for (column, kind) in [
        ("started", "date"),
        ("active", "boolean"),
        ("salary", "number"),
    ] {
        let chosen = app
            .eval(&format!(
                r#"return document.querySelector('[data-testid="source-column-people-{column}"] select').value"#
            ))
            .await?;
        assert_eq!(chosen, kind, "{column}");
    }
    app.screenshot("csv-preview").await?;
    app.click(r#"[data-testid="create-account-submit"]"#)
        .await?;
    app.wait_for_text(r#"[data-testid="notice"]"#, "Created Tailspin")
        .await?;
    app.wait_for_text(
        &format!("{} [data-testid=\"records\"]", env_row("Production")),
        "4",
    )
    .await?;
    app.screenshot("csv-account").await?;
    app.close().await
}
