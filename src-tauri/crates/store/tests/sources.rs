//! Production from an existing SQLite database: the model proposed for any
//! schema (every type affinity, keys, foreign keys, composite and text
//! keys, unicode, big integers, decimals, NULLs), what would not fit shown
//! before anything is made, rows kept with their ids, the source only read,
//! and every refusal (not a database, encrypted, damaged, no primary key, a
//! value that does not fit, a cancel, a failure) leaving nothing made.

mod common;

use common::{boss, instant};
use cutover_core::account::NewAccount;
use cutover_core::definitions::FieldType;
use cutover_core::environment::EnvironmentKind;
use cutover_core::source::{SourceKind, SourcePlan, SourcePreview};
use cutover_core::{ErrorKind, Result};
use cutover_package::sign;
use cutover_store::control::failpoint::Failpoint;
use cutover_store::{Context, NewEnvironment, Workspace};
use rusqlite::Connection;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

fn account(name: &str) -> Result<NewAccount> {
    let (key, _) = sign::generate_signing_key()?;
    Ok(NewAccount {
        name: name.into(),
        platform: "Fabrikam ERP".into(),
        platform_version: "4.2.0".into(),
        time_zone: "Europe/Paris".into(),
        vendor_name: "Fabrikam".into(),
        vendor_key: sign::public_key_text(&key.verifying_key()),
        your_name: String::new(),
        calendar: None,
        server: None,
    })
}

/// A shop's database with every kind of column the platform meets.
fn shop(dir: &Path) -> Result<PathBuf> {
    let path = dir.join("shop.db");
    let conn = Connection::open(&path).context("source")?;
    conn.execute_batch(
        r#"
        PRAGMA journal_mode = WAL;
        CREATE TABLE customers (
            id INTEGER PRIMARY KEY,
            name VARCHAR(80) NOT NULL,
            city TEXT,
            since DATE,
            vip BOOLEAN,
            credit DECIMAL(12,2),
            tier TEXT,
            account_no BIGINT,
            photo BLOB,
            anything
        );
        CREATE TABLE products (code TEXT PRIMARY KEY, label TEXT, price REAL);
        CREATE TABLE orders (
            order_id INTEGER PRIMARY KEY,
            customer_id INTEGER REFERENCES customers (id),
            placed_at DATETIME,
            due DATE,
            referrer INTEGER REFERENCES orders (order_id)
        );
        CREATE TABLE order_lines (
            order_id INTEGER REFERENCES orders (order_id),
            line INTEGER,
            product TEXT REFERENCES products (code),
            qty INT,
            PRIMARY KEY (order_id, line)
        ) WITHOUT ROWID;
        CREATE TABLE audit_log (at TEXT, what TEXT);
        CREATE VIRTUAL TABLE search USING fts5 (body);
        INSERT INTO customers VALUES
            (1, 'Åsa Öberg', 'Malmö', '2019-03-01', 1, 1200.5, 'Gold', 9007199254740993, x'00ff', 12),
            (2, '山田 太郎', '東京', '2020-12-31', 0, 0.1, 'Silver', 42, NULL, 'twelve'),
            (5, 'O''Brien "Ltd"', NULL, NULL, NULL, NULL, 'Gold', NULL, NULL, NULL),
            (9, '', '  spaced  ', '2024-02-29 00:00:00', 1, -3, NULL, -7, NULL, 3.5);
        INSERT INTO products VALUES ('A-1', 'Widget', 9.99), ('B-2', 'Gadget ✓', 19.5);
        INSERT INTO orders VALUES
            (10, 1, '2024-01-05 10:30:00', '2024-01-31', NULL),
            (11, 2, '2024-01-06 11:00:00', '2024-02-01', 10),
            (12, 5, '2024-01-07 12:00:00', NULL, 11),
            (13, NULL, NULL, '2024-03-01', 13);
        INSERT INTO order_lines VALUES (10, 1, 'A-1', 3), (10, 2, 'B-2', 1), (11, 1, 'A-1', 10);
        INSERT INTO audit_log VALUES ('2024-01-01', 'created');
        INSERT INTO search VALUES ('hello');
        CREATE TRIGGER stamp AFTER INSERT ON audit_log BEGIN UPDATE products SET label = 'changed'; END;
        CREATE VIEW big_orders AS SELECT * FROM orders WHERE order_id > 10;
        "#,
    )
    .context("building the source")?;
    Ok(path)
}

fn sha(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).context("reading")?;
    Ok(format!("{:x}", Sha256::digest(bytes)))
}

/// Every file beside the source and its digest, to prove it was only read.
fn untouched(dir: &Path) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).context("listing")?.flatten() {
        if e.path().is_file() {
            out.push((
                e.file_name().to_string_lossy().into_owned(),
                sha(&e.path())?,
            ));
        }
    }
    out.sort();
    Ok(out)
}

fn column<'a>(
    p: &'a SourcePreview,
    table: &str,
    column: &str,
) -> &'a cutover_core::source::SourceColumn {
    p.tables
        .iter()
        .find(|t| t.name == table)
        .and_then(|t| t.columns.iter().find(|c| c.name == column))
        .unwrap_or_else(|| panic!("{table}.{column}"))
}

fn misfits(p: &SourcePreview, table: &str, col: &str, kind: SourceKind) -> u64 {
    column(p, table, col)
        .offered
        .iter()
        .find(|m| m.kind == Some(kind))
        .map(|m| m.count)
        .unwrap_or(u64::MAX)
}

fn stores(ws: &Workspace) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(ws.root().join("environments"))
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

fn create(ws: &Workspace, name: &str, plan: &SourcePlan) -> Result<i64> {
    let now = instant("2026-11-30T10:00:00Z");
    ws.create_account_from_source(
        &account(name)?,
        plan,
        &boss(),
        now,
        &AtomicBool::new(false),
        &|_| {},
    )
}

#[test]
fn the_model_is_proposed_from_the_schema_and_the_values() -> Result<()> {
    let src = tempfile::tempdir().context("temp")?;
    let path = shop(src.path())?;
    let dir = tempfile::tempdir().context("temp")?;
    let ws = Workspace::open(dir.path())?;
    let before = untouched(src.path())?;
    let p = ws.preview_source(&path)?;
    assert_eq!(p.app_name, "shop");
    let names: Vec<&str> = p.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "audit_log",
            "customers",
            "order_lines",
            "orders",
            "products",
            "search"
        ]
    );

    let customers = p.tables.iter().find(|t| t.name == "customers").unwrap();
    assert!(customers.ids_kept && customers.problem.is_none());
    assert_eq!(
        (customers.rows, customers.key.clone()),
        (4, vec!["id".to_string()])
    );
    assert!(
        customers.columns.iter().all(|c| c.name != "id"),
        "the key becomes the id"
    );
    let kind = |t: &str, c: &str| column(&p, t, c).proposed;
    assert_eq!(kind("customers", "name"), SourceKind::Text);
    assert_eq!(kind("customers", "since"), SourceKind::Date);
    assert_eq!(kind("customers", "vip"), SourceKind::Boolean);
    assert_eq!(kind("customers", "credit"), SourceKind::Number);
    assert_eq!(kind("customers", "tier"), SourceKind::Text);
    assert_eq!(
        column(&p, "customers", "tier").options,
        Some(vec!["Gold".into(), "Silver".into()])
    );
    // 9007199254740993 does not fit a number exactly: proposed as text.
    assert_eq!(kind("customers", "account_no"), SourceKind::Text);
    assert_eq!(
        misfits(&p, "customers", "account_no", SourceKind::Number),
        1
    );
    let example = &column(&p, "customers", "account_no").offered[0].examples[0];
    assert!(example.contains("9007199254740993"), "{example}");
    assert_eq!(kind("customers", "photo"), SourceKind::Skip);
    assert_eq!(misfits(&p, "customers", "photo", SourceKind::Text), 1);
    // No declared type, mixed values: text.
    assert_eq!(kind("customers", "anything"), SourceKind::Text);
    assert_eq!(misfits(&p, "customers", "anything", SourceKind::Number), 1);

    assert_eq!(kind("orders", "customer_id"), SourceKind::Link);
    assert_eq!(
        column(&p, "orders", "customer_id").links_to.as_deref(),
        Some("customers")
    );
    assert_eq!(
        kind("orders", "referrer"),
        SourceKind::Link,
        "a link to its own table"
    );
    assert_eq!(
        kind("orders", "placed_at"),
        SourceKind::Text,
        "times of day are kept"
    );
    assert_eq!(misfits(&p, "orders", "placed_at", SourceKind::Date), 3);

    // Text and composite keys: numbered anew, the key kept as fields, and
    // what points at them cannot be a link.
    let products = p.tables.iter().find(|t| t.name == "products").unwrap();
    assert!(!products.ids_kept && products.problem.is_none());
    assert!(products.columns.iter().any(|c| c.name == "code"));
    let lines = p.tables.iter().find(|t| t.name == "order_lines").unwrap();
    assert_eq!(lines.key, ["order_id", "line"]);
    assert_eq!(kind("order_lines", "order_id"), SourceKind::Link);
    assert_eq!(kind("order_lines", "product"), SourceKind::Text);
    assert_eq!(
        misfits(&p, "order_lines", "product", SourceKind::Link),
        u64::MAX,
        "not offered"
    );

    let audit = p.tables.iter().find(|t| t.name == "audit_log").unwrap();
    assert!(
        audit.problem.as_deref().unwrap().contains("no primary key"),
        "{audit:?}"
    );
    let search = p.tables.iter().find(|t| t.name == "search").unwrap();
    assert!(search.problem.as_deref().unwrap().contains("virtual table"));
    assert_eq!(untouched(src.path())?, before, "the source is only read");
    Ok(())
}

#[test]
fn production_is_made_with_ids_kept_and_every_value_exact() -> Result<()> {
    let src = tempfile::tempdir().context("temp")?;
    let path = shop(src.path())?;
    let before = untouched(src.path())?;
    let dir = tempfile::tempdir().context("temp")?;
    let ws = Workspace::open(dir.path())?;
    let mut plan = ws.preview_source(&path)?.proposed_plan();
    assert!(plan.set_kind("customers", "tier", SourceKind::Choice));
    let acc = create(&ws, "Fabrikam", &plan)?;
    assert_eq!(untouched(src.path())?, before, "the source is only read");

    let overview = ws.overview()?;
    let a = overview.iter().find(|a| a.account.id == acc).unwrap();
    let prod = &a.environments[0];
    assert_eq!(
        (prod.app_count, prod.table_count, prod.record_count),
        (1, 4, 13)
    );
    let defs = ws.definitions(prod.environment.id)?;
    assert_eq!(defs.apps[0].name, "shop");
    let table = |n: &str| defs.tables.iter().find(|t| t.name == n).unwrap();
    let field = |t: &str, f: &str| {
        table(t)
            .fields
            .iter()
            .find(|x| x.name == f)
            .unwrap()
            .field_type
            .clone()
    };
    assert_eq!(
        field("orders", "customer_id"),
        FieldType::Link {
            table_id: table("customers").id
        }
    );
    assert_eq!(
        field("orders", "referrer"),
        FieldType::Link {
            table_id: table("orders").id
        }
    );
    assert_eq!(
        field("customers", "tier"),
        FieldType::Choice {
            options: vec!["Gold".into(), "Silver".into()]
        }
    );
    assert!(
        table("customers").fields.iter().all(|f| f.name != "photo"),
        "left out"
    );

    let store = Connection::open(common::store_file(&ws, prod.environment.id)?).context("store")?;
    let rows = |t: &str, cols: &[&str]| -> Result<Vec<String>> {
        let tdef = table(t);
        let list: Vec<String> = cols
            .iter()
            .map(|c| match *c {
                "id" => "quote(id)".to_string(),
                c => format!(
                    "quote(f_{})",
                    tdef.fields.iter().find(|f| f.name == c).unwrap().id
                ),
            })
            .collect();
        let mut stmt = store
            .prepare(&format!(
                "SELECT {} FROM rec_{} ORDER BY id",
                list.join(" || '|' || "),
                tdef.id
            ))
            .context("select")?;
        let out = stmt.query_map([], |r| r.get(0)).context("rows")?;
        out.collect::<rusqlite::Result<Vec<String>>>()
            .context("rows")
    };
    assert_eq!(
        rows(
            "customers",
            &[
                "id",
                "name",
                "city",
                "since",
                "vip",
                "credit",
                "tier",
                "account_no",
                "anything"
            ]
        )?,
        [
            "1|'Åsa Öberg'|'Malmö'|'2019-03-01'|1|1200.5|'Gold'|'9007199254740993'|'12'",
            "2|'山田 太郎'|'東京'|'2020-12-31'|0|0.1|'Silver'|'42'|'twelve'",
            "5|'O''Brien \"Ltd\"'|NULL|NULL|NULL|NULL|'Gold'|NULL|NULL",
            "9|''|'  spaced  '|'2024-02-29'|1|-3.0|NULL|'-7'|'3.5'",
        ]
    );
    assert_eq!(
        rows("orders", &["id", "customer_id", "placed_at", "referrer"])?,
        [
            "10|1|'2024-01-05 10:30:00'|NULL",
            "11|2|'2024-01-06 11:00:00'|10",
            "12|5|'2024-01-07 12:00:00'|11",
            "13|NULL|NULL|13"
        ]
    );
    assert_eq!(
        rows("order_lines", &["id", "order_id", "line", "product", "qty"])?,
        [
            "1|10|1.0|'A-1'|3.0",
            "2|10|2.0|'B-2'|1.0",
            "3|11|1.0|'A-1'|10.0"
        ]
    );
    assert_eq!(
        rows("products", &["id", "code", "label"])?,
        ["1|'A-1'|'Widget'", "2|'B-2'|'Gadget ✓'"]
    );
    common::assert_whole(&ws)?;

    // UAT is a copy of it, as for any production.
    let uat = ws.create_copy(
        &NewEnvironment {
            source_id: prod.environment.id,
            name: "UAT".into(),
            kind: EnvironmentKind::Uat,
        },
        &boss(),
        instant("2026-11-30T11:00:00Z"),
    )?;
    assert_eq!(ws.definitions(uat.id)?.tables.len(), 4);
    Ok(())
}

#[test]
fn what_the_platform_cannot_hold_is_refused_before_anything_is_made() -> Result<()> {
    let src = tempfile::tempdir().context("temp")?;
    let path = shop(src.path())?;
    let dir = tempfile::tempdir().context("temp")?;
    let ws = Workspace::open(dir.path())?;
    let proposed = ws.preview_source(&path)?.proposed_plan();
    let nothing = |ws: &Workspace| -> Result<()> {
        assert!(ws.accounts()?.is_empty(), "no account");
        assert!(stores(ws).is_empty(), "no store: {:?}", stores(ws));
        Ok(())
    };
    let refused = |plan: &SourcePlan, needle: &str| -> Result<()> {
        let e = create(&ws, "Fabrikam", plan).expect_err(needle);
        assert!(e.message.contains(needle), "{needle} in {}", e.message);
        assert!(
            e.message.starts_with("Nothing was created"),
            "{}",
            e.message
        );
        nothing(&ws)
    };
    let mut plan = proposed.clone();
    plan.set_kind("customers", "account_no", SourceKind::Number);
    refused(&plan, "9007199254740993 has more digits")?;
    let mut plan = proposed.clone();
    plan.set_kind("customers", "photo", SourceKind::Text);
    refused(&plan, "binary data (2 bytes)")?;
    let mut plan = proposed.clone();
    plan.set_kind("orders", "placed_at", SourceKind::Date);
    refused(&plan, "time of day")?;
    let mut plan = proposed.clone();
    plan.table_mut("customers").unwrap().include = false;
    refused(&plan, "which is left out")?;
    let mut plan = proposed.clone();
    plan.table_mut("audit_log").unwrap().include = true;
    refused(&plan, "no primary key")?;
    let mut plan = proposed.clone();
    plan.set_kind("order_lines", "product", SourceKind::Link);
    refused(&plan, "cannot be a link")?;
    let mut plan = proposed.clone();
    // "name" has an empty value, so no options were proposed.
    plan.set_kind("customers", "name", SourceKind::Choice);
    refused(&plan, "options")?;
    let mut plan = proposed.clone();
    for t in &mut plan.tables {
        t.include = false;
    }
    refused(&plan, "no table is chosen")?;

    // A link to no row: shown in the preview, refused at creation.
    Connection::open(&path)
        .context("source")?
        .execute_batch(
            "PRAGMA foreign_keys = OFF; INSERT INTO orders VALUES (14, 99, NULL, NULL, NULL);",
        )
        .context("dangling")?;
    let p = ws.preview_source(&path)?;
    assert_eq!(misfits(&p, "orders", "customer_id", SourceKind::Link), 1);
    assert_eq!(
        column(&p, "orders", "customer_id").proposed,
        SourceKind::Number
    );
    refused(&proposed, "name no row of \"customers\"")?;

    // Bad fields of the form are reported before the source is read.
    let mut bad = account("Fabrikam")?;
    bad.time_zone = "Mars/Olympus".into();
    let e = ws
        .create_account_from_source(
            &bad,
            &p.proposed_plan(),
            &boss(),
            instant("2026-11-30T10:00:00Z"),
            &AtomicBool::new(false),
            &|_| {},
        )
        .expect_err("bad zone");
    assert!(e.message.contains("Time zone:"), "{}", e.message);
    nothing(&ws)
}

#[test]
fn files_that_are_not_a_readable_database_say_what_to_do() -> Result<()> {
    let src = tempfile::tempdir().context("temp")?;
    let dir = tempfile::tempdir().context("temp")?;
    let ws = Workspace::open(dir.path())?;
    let text = src.path().join("notes.db");
    std::fs::write(&text, "id,name\n1,Ann\n".repeat(100)).context("write")?;
    let e = ws.preview_source(&text).expect_err("text");
    assert_eq!(e.kind, ErrorKind::Invalid);
    assert!(
        e.message
            .contains("not a SQLite database, or it is encrypted"),
        "{}",
        e.message
    );

    // An encrypted database looks like noise from its first byte.
    let noise = src.path().join("secret.db");
    let bytes: Vec<u8> = (0..8192u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(&noise, bytes).context("write")?;
    assert!(ws
        .preview_source(&noise)
        .expect_err("noise")
        .message
        .contains("encrypted"));

    // A database whose pages were damaged after its header.
    let path = shop(src.path())?;
    Connection::open(&path)
        .context("open")?
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE;")
        .context("checkpoint")?;
    let mut bytes = std::fs::read(&path).context("read")?;
    let page = 4096;
    for b in &mut bytes[page..page * 3] {
        *b = 0xA5;
    }
    let damaged = src.path().join("damaged.db");
    std::fs::write(&damaged, bytes).context("write")?;
    let e = ws.preview_source(&damaged).expect_err("damaged");
    assert!(
        e.message.contains("damaged") || e.message.contains("not a SQLite database"),
        "{}",
        e.message
    );

    let e = ws
        .preview_source(&src.path().join("missing.db"))
        .expect_err("missing");
    assert!(e.message.contains("cannot be read"), "{}", e.message);
    let e = ws.preview_source(src.path()).expect_err("folder");
    assert!(e.message.contains("folder"), "{}", e.message);

    let empty = src.path().join("empty.db");
    Connection::open(&empty)
        .context("open")?
        .execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY); DROP TABLE t;")
        .context("empty")?;
    assert!(ws
        .preview_source(&empty)
        .expect_err("empty")
        .message
        .contains("holds no tables"));
    assert!(ws.accounts()?.is_empty());
    Ok(())
}

#[test]
fn a_cancel_or_a_failure_mid_way_creates_nothing() -> Result<()> {
    let src = tempfile::tempdir().context("temp")?;
    let path = src.path().join("big.db");
    let conn = Connection::open(&path).context("open")?;
    conn.execute_batch(
        "CREATE TABLE items (id INTEGER PRIMARY KEY, label TEXT, qty REAL);
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
         INSERT INTO items SELECT i, 'item ' || i, i * 0.5 FROM n;",
    )
    .context("rows")?;
    drop(conn);
    let dir = tempfile::tempdir().context("temp")?;
    let ws = Workspace::open(dir.path())?;
    let plan = ws.preview_source(&path)?.proposed_plan();

    let cancel = AtomicBool::new(false);
    let seen = std::cell::Cell::new(0u64);
    let e = ws
        .create_account_from_source(
            &account("Big")?,
            &plan,
            &boss(),
            instant("2026-11-30T10:00:00Z"),
            &cancel,
            &|p| {
                seen.set(p.done_rows);
                assert_eq!(p.total_rows, 20_000);
                if p.done_rows >= 6000 {
                    cancel.store(true, std::sync::atomic::Ordering::Relaxed);
                }
            },
        )
        .expect_err("cancelled");
    assert!(
        e.message.contains("Cancelled: nothing was created"),
        "{}",
        e.message
    );
    assert!(seen.get() >= 6000 && seen.get() < 20_000, "{}", seen.get());
    assert!(
        ws.accounts()?.is_empty() && stores(&ws).is_empty(),
        "{:?}",
        stores(&ws)
    );

    // A failure after the store is filled, before the account is recorded.
    ws.set_failpoint(Some(Failpoint::parse("account_store_made:error")?));
    ws.create_account_from_source(
        &account("Big")?,
        &plan,
        &boss(),
        instant("2026-11-30T10:00:00Z"),
        &AtomicBool::new(false),
        &|_| {},
    )
    .expect_err("failpoint");
    assert!(
        ws.accounts()?.is_empty() && stores(&ws).is_empty(),
        "{:?}",
        stores(&ws)
    );

    ws.set_failpoint(None);
    let acc = create(&ws, "Big", &plan)?;
    let prod = ws
        .overview()?
        .into_iter()
        .find(|a| a.account.id == acc)
        .unwrap()
        .environments[0]
        .clone();
    assert_eq!(prod.record_count, 20_000);
    common::assert_whole(&ws)
}

#[test]
fn a_database_in_use_is_read_with_what_its_wal_holds() -> Result<()> {
    let src = tempfile::tempdir().context("temp")?;
    let path = src.path().join("live.db");
    let live = Connection::open(&path).context("open")?;
    live.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;
         CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);
         INSERT INTO t VALUES (1, 'only in the WAL');",
    )
    .context("live")?;
    let dir = tempfile::tempdir().context("temp")?;
    let ws = Workspace::open(dir.path())?;
    let p = ws.preview_source(&path)?;
    assert_eq!(p.tables[0].rows, 1, "the committed row in the WAL is seen");
    let acc = create(&ws, "Live", &p.proposed_plan())?;
    let prod = ws
        .overview()?
        .into_iter()
        .find(|a| a.account.id == acc)
        .unwrap()
        .environments[0]
        .clone();
    assert_eq!(prod.record_count, 1);
    drop(live);
    Ok(())
}

/// The file's contents but where it came from and when.
fn file_dump(path: &Path) -> Result<Vec<String>> {
    Ok(common::dump(path)?
        .into_iter()
        .filter(|l| !l.starts_with("cutover_file:") || l.contains("format"))
        .collect())
}

#[test]
fn an_exported_environment_comes_back_exactly() -> Result<()> {
    let dir = tempfile::tempdir().context("temp")?;
    let ws = common::demo(dir.path())?;
    let now = instant("2026-11-30T10:00:00Z");
    let production = common::env(&ws, "Production")?;
    let out = tempfile::tempdir().context("temp")?;
    let first = out.path().join("northwind.sqlite");
    ws.export_environment(production, &first, &boss(), now)?;
    assert!(!out.path().join("northwind.sqlite.partial").exists());

    let preview = ws.preview_source(&first)?;
    assert_eq!(preview.apps, ["Projects", "HR"]);
    assert!(
        preview
            .tables
            .iter()
            .all(|t| t.ids_kept && t.problem.is_none()),
        "{:?}",
        preview.tables
    );
    let acc = create(&ws, "Northwind copy", &preview.proposed_plan())?;
    let copy = ws
        .overview()?
        .into_iter()
        .find(|a| a.account.id == acc)
        .unwrap()
        .environments[0]
        .environment
        .id;
    let second = out.path().join("again.sqlite");
    ws.export_environment(copy, &second, &boss(), now)?;
    assert_eq!(
        file_dump(&first)?,
        file_dump(&second)?,
        "definitions and records round-trip"
    );

    // The definitions match by name and type, apps, shared tables and views included.
    let shape = |id: i64| -> Result<Vec<String>> {
        let d = ws.definitions(id)?;
        let app = |id: i64| {
            d.apps
                .iter()
                .find(|a| a.id == id)
                .map(|a| a.name.clone())
                .unwrap_or_default()
        };
        let table = |id: i64| {
            d.tables
                .iter()
                .find(|t| t.id == id)
                .map(|t| t.name.clone())
                .unwrap_or_default()
        };
        let mut out: Vec<String> = d.apps.iter().map(|a| format!("app {}", a.name)).collect();
        for t in &d.tables {
            let apps: Vec<String> = t.app_ids.iter().map(|a| app(*a)).collect();
            out.push(format!("table {} in {apps:?}", t.name));
            for f in &t.fields {
                let ty = match &f.field_type {
                    FieldType::Link { table_id } => format!("link to {}", table(*table_id)),
                    other => format!("{other:?}"),
                };
                out.push(format!("  {}.{}: {ty}", t.name, f.name));
            }
        }
        for v in &d.views {
            let field = |id: i64| {
                d.tables
                    .iter()
                    .flat_map(|t| &t.fields)
                    .find(|f| f.id == id)
                    .map(|f| f.name.clone())
                    .unwrap_or_default()
            };
            let fields: Vec<String> = v.field_ids.iter().map(|f| field(*f)).collect();
            let filter = v
                .filter
                .as_ref()
                .map(|f| format!("{} {:?} {}", field(f.field_id), f.op, f.value));
            out.push(format!(
                "view {} of {} in {}: {fields:?} {filter:?}",
                v.name,
                table(v.table_id),
                app(v.app_id)
            ));
        }
        Ok(out)
    };
    assert_eq!(shape(production)?, shape(copy)?);
    assert!(
        shape(copy)?.iter().any(|l| l.contains("Choice")),
        "choices come back as choices"
    );
    common::assert_whole(&ws)?;

    // Refusals: a folder, a folder that does not exist; nothing is left behind.
    let e = ws
        .export_environment(production, out.path(), &boss(), now)
        .expect_err("folder");
    assert!(e.message.contains("is a folder"), "{}", e.message);
    let e = ws
        .export_environment(
            production,
            &out.path().join("no/such/dir/x.sqlite"),
            &boss(),
            now,
        )
        .expect_err("no folder");
    assert!(e.message.contains("does not exist"), "{}", e.message);
    let mut left: Vec<String> = std::fs::read_dir(out.path())
        .context("list")?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["again.sqlite", "northwind.sqlite"]);
    Ok(())
}
