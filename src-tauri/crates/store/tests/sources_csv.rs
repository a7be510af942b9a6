//! Production from a folder of CSV files: one table per file, types
//! inferred from the values alone (numbers, dates, yes/no, text; a choice
//! when asked), records numbered in file order, the files only read and
//! no temporary file left; a file that is not UTF-8 or a line with more
//! values than its header is refused with where, and nothing is made.

mod common;

use common::{boss, instant};
use cutover_core::account::NewAccount;
use cutover_core::definitions::FieldType;
use cutover_core::source::SourceKind;
use cutover_core::Result;
use cutover_package::sign;
use cutover_store::{Context, Workspace};
use std::path::Path;
use std::sync::atomic::AtomicBool;

fn account() -> Result<NewAccount> {
    let (key, _) = sign::generate_signing_key()?;
    Ok(NewAccount {
        name: "Tailspin".into(),
        platform: "Tailspin ERP".into(),
        platform_version: "2.0.0".into(),
        time_zone: "America/Chicago".into(),
        vendor_name: "Tailspin".into(),
        vendor_key: sign::public_key_text(&key.verifying_key()),
        your_name: String::new(),
        calendar: None,
        server: None,
    })
}

fn folder(dir: &Path) -> Result<()> {
    // Excel's "CSV UTF-8" starts with a byte order mark.
    std::fs::write(
        dir.join("customers.csv"),
        "\u{feff}id,name,since,vip,credit,tier,notes\n\
         1,Åsa Öberg,2019-03-01,yes,1200.50,Gold,\"likes \"\"fast\"\" delivery, always\"\n\
         2,山田 太郎,2020-12-31,no,0.1,Silver,\n\
         7,\"O'Brien, Ltd\",,yes,-3,Gold,\"multi\nline\"\n",
    )
    .context("csv")?;
    std::fs::write(
        dir.join("orders.csv"),
        "customer,placed,total\n1,2024-01-05 10:30:00,19.99\n2,2024-01-06 11:00:00,5\n",
    )
    .context("csv")?;
    std::fs::write(dir.join("empty.csv"), "a,b\n").context("csv")?;
    std::fs::write(dir.join("readme.txt"), "not a table").context("txt")?;
    Ok(())
}

fn listing(dir: &Path) -> Result<Vec<(String, Vec<u8>)>> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).context("list")?.flatten() {
        out.push((
            e.file_name().to_string_lossy().into_owned(),
            std::fs::read(e.path()).context("read")?,
        ));
    }
    out.sort();
    Ok(out)
}

#[test]
fn a_folder_of_csv_files_becomes_production() -> Result<()> {
    let src = tempfile::tempdir().context("temp")?;
    folder(src.path())?;
    let before = listing(src.path())?;
    let dir = tempfile::tempdir().context("temp")?;
    let ws = Workspace::open(dir.path())?;
    let p = ws.preview_source(src.path())?;
    assert!(p.from_folder);
    let names: Vec<&str> = p.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        names,
        ["customers", "empty", "orders"],
        "one table per .csv file"
    );
    let customers = &p.tables[0];
    assert_eq!(customers.rows, 3);
    assert!(customers.ids_kept, "numbered in file order");
    let kind = |t: usize, c: &str| {
        p.tables[t]
            .columns
            .iter()
            .find(|x| x.name == c)
            .map(|x| x.proposed)
    };
    assert_eq!(kind(0, "id"), Some(SourceKind::Number));
    assert_eq!(kind(0, "since"), Some(SourceKind::Date));
    assert_eq!(kind(0, "vip"), Some(SourceKind::Boolean));
    assert_eq!(kind(0, "credit"), Some(SourceKind::Number));
    assert_eq!(kind(0, "tier"), Some(SourceKind::Text));
    assert_eq!(
        kind(2, "placed"),
        Some(SourceKind::Text),
        "times of day are kept"
    );
    assert!(
        common::tmp_files(&ws).is_empty(),
        "{:?}",
        common::tmp_files(&ws)
    );

    let mut plan = p.proposed_plan();
    assert!(plan.set_kind("customers", "tier", SourceKind::Choice));
    let acc = ws.create_account_from_source(
        &account()?,
        &plan,
        &boss(),
        instant("2026-11-30T10:00:00Z"),
        &AtomicBool::new(false),
        &|_| {},
    )?;
    assert_eq!(listing(src.path())?, before, "the files are only read");
    assert!(
        common::tmp_files(&ws).is_empty(),
        "{:?}",
        common::tmp_files(&ws)
    );
    let prod = ws
        .overview()?
        .into_iter()
        .find(|a| a.account.id == acc)
        .unwrap()
        .environments[0]
        .clone();
    assert_eq!((prod.table_count, prod.record_count), (3, 5));
    let defs = ws.definitions(prod.environment.id)?;
    let table = defs.tables.iter().find(|t| t.name == "customers").unwrap();
    let tier = table.fields.iter().find(|f| f.name == "tier").unwrap();
    assert_eq!(
        tier.field_type,
        FieldType::Choice {
            options: vec!["Gold".into(), "Silver".into()]
        }
    );
    let store = rusqlite::Connection::open(common::store_file(&ws, prod.environment.id)?)
        .context("store")?;
    let f = |n: &str| table.fields.iter().find(|x| x.name == n).unwrap().id;
    let rows: Vec<String> = {
        let mut stmt = store
            .prepare(&format!(
                "SELECT quote(id) || '|' || quote(f_{}) || '|' || quote(f_{}) || '|' || quote(f_{}) || '|' || quote(f_{}) FROM rec_{} ORDER BY id",
                f("name"), f("vip"), f("credit"), f("notes"), table.id
            ))
            .context("select")?;
        let out = stmt.query_map([], |r| r.get(0)).context("rows")?;
        out.collect::<rusqlite::Result<_>>().context("rows")?
    };
    assert_eq!(
        rows,
        [
            "1|'Åsa Öberg'|1|1200.5|'likes \"fast\" delivery, always'",
            "2|'山田 太郎'|0|0.1|NULL",
            "3|'O''Brien, Ltd'|1|-3.0|'multi\nline'",
        ]
    );
    common::assert_whole(&ws)
}

#[test]
fn files_that_cannot_be_read_whole_are_refused_with_where() -> Result<()> {
    let dir = tempfile::tempdir().context("temp")?;
    let ws = Workspace::open(dir.path())?;
    let refused = |files: &[(&str, &[u8])], needle: &str| -> Result<()> {
        let src = tempfile::tempdir().context("temp")?;
        for (name, bytes) in files {
            std::fs::write(src.path().join(name), bytes).context("write")?;
        }
        let e = ws.preview_source(src.path()).expect_err(needle);
        assert!(e.message.contains(needle), "{needle} in {}", e.message);
        assert!(
            common::tmp_files(&ws).is_empty(),
            "{:?}",
            common::tmp_files(&ws)
        );
        Ok(())
    };
    // Latin-1, as older spreadsheets save it.
    refused(
        &[("people.csv", b"name,city\nAnn,Malm\xf6\n")],
        "is not UTF-8 text (line 2)",
    )?;
    refused(
        &[("people.csv", b"name,city\nAnn,Lund,extra\n")],
        "line 2 has 3 values but the header names 2",
    )?;
    refused(&[("notes.txt", b"hello")], "holds no .csv files")?;
    refused(&[("blank.csv", b"")], "no header line")?;
    assert!(ws.accounts()?.is_empty());
    Ok(())
}
