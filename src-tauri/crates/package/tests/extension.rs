//! Extension packages: a good one opens and describes itself to the rules;
//! malformed ones are refused with their reason; a release is not an
//! extension and the other way round.

use cutover_package::build::{build, sign_and_zip, zip_files};
use cutover_package::sign;
use cutover_package::Engine;
use ed25519_dalek::SigningKey;

fn key() -> SigningKey {
    SigningKey::from_bytes(&[7; 32])
}

fn trusted() -> Vec<String> {
    vec![sign::public_key_text(&key().verifying_key())]
}

fn files(description: serde_json::Value) -> Vec<(String, Vec<u8>)> {
    vec![
        (
            "extension.json".into(),
            serde_json::to_vec_pretty(&description).expect("json"),
        ),
        (
            "install/001_tables.sql".into(),
            b"CREATE TABLE ext_timesheet_export (id INTEGER PRIMARY KEY);".to_vec(),
        ),
        (
            "uninstall/001_tables.sql".into(),
            b"DROP TABLE ext_timesheet_export;".to_vec(),
        ),
    ]
}

fn good() -> serde_json::Value {
    serde_json::json!({
        "format": 1, "platform": "Northwind Cloud Platform", "name": "Project export",
        "version": "1.2", "description": "Exports projects to the finance system every night.",
        "platform_from": "10.0.0", "platform_before": "10.0.4",
        "depends_on": ["Timesheet core"], "adds": ["table Export runs"]
    })
}

#[test]
fn a_good_extension_opens_and_describes_itself() {
    let bytes = build(&files(good()), &key()).expect("build");
    let ext = cutover_package::open_extension(&bytes, &trusted()).expect("open");
    assert_eq!(ext.extension.name, "Project export");
    assert!(ext
        .extension
        .supports(&cutover_core::release::Version::parse("10.0.3").expect("v")));
    assert!(!ext
        .extension
        .supports(&cutover_core::release::Version::parse("10.0.4").expect("v")));
    assert_eq!(ext.install.list.len(), 1);
    assert_eq!(ext.uninstall.list[0].name, "001_tables.sql");
}

/// The good extension with its scripts at `paths` instead.
fn engine_scripts(paths: &[&str]) -> Vec<(String, Vec<u8>)> {
    let mut f: Vec<_> = files(good())
        .into_iter()
        .filter(|(n, _)| !n.ends_with(".sql"))
        .collect();
    f.extend(paths.iter().map(|p| (p.to_string(), b"SELECT 1;".to_vec())));
    f
}

#[test]
fn an_extension_for_one_engine_installs_there_only() {
    let ext = cutover_package::open_extension(
        &sign_and_zip(
            &engine_scripts(&["install/sqlite/001.sql", "uninstall/sqlite/001.sql"]),
            &key(),
        ),
        &trusted(),
    )
    .expect("open");
    assert!(ext.ensure_engine(Engine::Sqlite, "Contoso").is_ok());
    let e = ext
        .ensure_engine(Engine::Postgresql, "Contoso")
        .expect_err("no PostgreSQL scripts");
    assert!(e.message.contains("install/postgresql/"), "{}", e.message);
}

#[test]
fn malformed_extensions_are_refused_with_their_reason() {
    let edit = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut d = good();
        f(&mut d);
        sign_and_zip(&files(d), &key())
    };
    let without_uninstall = {
        let mut f = files(good());
        f.pop();
        sign_and_zip(&f, &key())
    };
    let tampered = {
        let signed = sign_and_zip(&files(good()), &key());
        let mut all = Vec::new();
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(signed)).expect("zip");
        for i in 0..archive.len() {
            use std::io::Read;
            let mut entry = archive.by_index(i).expect("entry");
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).expect("read");
            let name = entry.name().expect("name").to_string();
            if name.starts_with("install/") {
                bytes = b"DROP TABLE platform_apps;".to_vec();
            }
            all.push((name, bytes));
        }
        zip_files(&all)
    };
    let release = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../packages/demo/northwind-10.0.4.zip"
    ))
    .expect("demo");
    for (bytes, says) in [
        (edit(&|d| d["owner"] = "x".into()), "unknown field `owner`"),
        (
            edit(&|d| d["platform_before"] = "10.0.0".into()),
            "must be newer than \"platform_from\"",
        ),
        (
            edit(&|d| d["depends_on"] = serde_json::json!(["Project export"])),
            "cannot depend on itself",
        ),
        (
            edit(&|d| d["version"] = "one".into()),
            "\"one\" is not a version",
        ),
        (
            edit(&|d| d["name"] = "".into()),
            "\"name\" must be between 1 and 200 characters",
        ),
        (without_uninstall, "both install/ and uninstall/ scripts"),
        (
            sign_and_zip(
                &engine_scripts(&["install/sqlite/001_tables.sql", "uninstall/001_tables.sql"]),
                &key(),
            ),
            "not for the same engines (PostgreSQL has only one of them)",
        ),
        (
            tampered,
            "checksum of install/001_tables.sql does not match",
        ),
        (
            sign_and_zip(&files(good()), &SigningKey::from_bytes(&[9; 32])),
            "does not trust",
        ),
        (release, "not part of the package format"),
    ] {
        let err = cutover_package::open_extension(&bytes, &trusted()).expect_err(says);
        assert!(err.message.contains(says), "{says}: {}", err.message);
    }
    let as_release =
        cutover_package::open(&build(&files(good()), &key()).expect("build"), &trusted())
            .expect_err("release");
    assert!(
        as_release
            .message
            .contains("not part of the package format"),
        "{}",
        as_release.message
    );
}

#[test]
fn the_demo_extensions_match_their_sources_and_one_must_be_replaced_for_10_0_4() {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../packages/demo");
    let key = sign::parse_signing_key(
        &std::fs::read_to_string(dir.join("vendor-demo.key")).expect("key"),
    )
    .expect("parse");
    let public = std::fs::read_to_string(dir.join("vendor-demo.pub")).expect("pub");
    let mut all = Vec::new();
    for name in [
        "timesheet-core-1.0",
        "project-export-1.2",
        "project-export-2.0",
    ] {
        let folder = dir.join("extensions").join(name);
        let built = build(
            &cutover_package::build::read_folder(&folder).expect("folder"),
            &key,
        )
        .expect("build");
        let committed =
            std::fs::read(dir.join("extensions").join(format!("{name}.zip"))).expect("zip");
        assert!(
            built == committed,
            "packages/demo/extensions/{name}.zip is out of date: rebuild it with cutover-pack"
        );
        all.push(
            cutover_package::open_extension(&committed, &[public.trim().to_string()])
                .expect("open")
                .extension,
        );
    }
    let v = |s: &str| cutover_core::release::Version::parse(s).expect("v");
    let installed = [all[0].clone(), all[1].clone()];
    let changes =
        cutover_core::extension::upgrade_changes(&installed, &all, &v("10.0.4")).expect("plan");
    assert_eq!(changes.remove.len(), 1);
    assert_eq!(
        (
            changes.remove[0].name.as_str(),
            changes.install[0].version.to_string()
        ),
        ("Project export", "2.0".to_string())
    );
    assert!(
        cutover_core::extension::upgrade_changes(&installed, &all, &v("10.0.3"))
            .expect("plan")
            .remove
            .is_empty()
    );
}
