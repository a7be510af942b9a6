//! Every malformed package in `tests/malformed/` is refused with the message
//! its name promises. The fixtures are committed files (so they are what a
//! user could really pick); `CUTOVER_WRITE_FIXTURES=1 cargo test -p
//! cutover-package --test malformed` regenerates them from the cases below.

use cutover_package::build::{sign_and_zip, zip_files};
use cutover_package::sign;
use ed25519_dalek::SigningKey;
use std::path::PathBuf;

type Files = Vec<(String, Vec<u8>)>;

fn key() -> SigningKey {
    SigningKey::from_bytes(&[7; 32])
}

fn trusted() -> Vec<String> {
    vec![sign::public_key_text(&key().verifying_key())]
}

fn good_manifest() -> serde_json::Value {
    serde_json::json!({
        "format": 1, "platform": "Northwind Cloud Platform", "version": "10.0.2", "type": "minor",
        "published": "2026-08-24", "general_availability": "2026-09-07",
        "upgrades_from": ["10.0.1"], "waves": [{"name": "Wave 1", "date": "2027-01-16"}],
        "required_hotfixes": [], "post_upgrade_actions": ["Check the portfolio view."]
    })
}

fn files_with(manifest: serde_json::Value) -> Files {
    vec![
        (
            "manifest.json".into(),
            serde_json::to_vec_pretty(&manifest).expect("json"),
        ),
        (
            "notes.md".into(),
            b"# Portfolio view\narea: Projects\nkind: feature\n\nA new view.\n".to_vec(),
        ),
        ("migrations/001_a.sql".into(), b"SELECT 1;".to_vec()),
        ("checks/001_a.sql".into(), b"SELECT 1 WHERE 0;".to_vec()),
    ]
}

fn good() -> Files {
    files_with(good_manifest())
}

fn manifest_edit(edit: impl FnOnce(&mut serde_json::Value)) -> Vec<u8> {
    let mut m = good_manifest();
    edit(&mut m);
    sign_and_zip(&files_with(m), &key())
}

fn replace(mut bytes: Vec<u8>, from: &[u8], to: &[u8]) -> Vec<u8> {
    assert_eq!(from.len(), to.len());
    let mut i = 0;
    while i + from.len() <= bytes.len() {
        if &bytes[i..i + from.len()] == from {
            bytes[i..i + from.len()].copy_from_slice(to);
        }
        i += 1;
    }
    bytes
}

fn without(name: &str) -> Vec<u8> {
    let all = sign_and_zip(&good(), &key());
    let package = read_all(&all);
    zip_files(
        &package
            .into_iter()
            .filter(|(n, _)| n != name)
            .collect::<Files>(),
    )
}

fn read_all(bytes: &[u8]) -> Files {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    (0..archive.len())
        .map(|i| {
            let mut f = archive.by_index(i).expect("entry");
            let mut out = Vec::new();
            f.read_to_end(&mut out).expect("read");
            (f.name().expect("name").to_string(), out)
        })
        .collect()
}

/// Re-zips a signed package with one file's bytes changed after signing.
fn tampered(name: &str, bytes: &[u8]) -> Vec<u8> {
    let mut files = read_all(&sign_and_zip(&good(), &key()));
    for (n, b) in &mut files {
        if n == name {
            *b = bytes.to_vec();
        }
    }
    zip_files(&files)
}

/// `(fixture name, bytes, what the error must say)`.
fn cases() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let signed = |files: Files| sign_and_zip(&files, &key());
    let with_file = |name: &str, bytes: &[u8]| {
        let mut f = good();
        f.push((name.to_string(), bytes.to_vec()));
        signed(f)
    };
    let notes = |text: &[u8]| {
        let mut f = good();
        f[1].1 = text.to_vec();
        signed(f)
    };
    let good_zip = sign_and_zip(&good(), &key());
    vec![
        (
            "01-text-file",
            b"release 10.0.2 notes".to_vec(),
            "not a zip archive",
        ),
        ("02-empty-file", Vec::new(), "not a zip archive"),
        (
            "03-truncated",
            good_zip[..good_zip.len() / 2].to_vec(),
            "not a zip archive",
        ),
        (
            "04-zip-slip-parent",
            replace(with_file("xx/evil.sql", b"x"), b"xx/evil", b"../evil"),
            "points outside the package folder",
        ),
        (
            "05-zip-slip-nested",
            replace(
                with_file("migrations/xx/xx/evil.sql", b"x"),
                b"xx/xx",
                b"../..",
            ),
            "points outside the package folder",
        ),
        (
            "06-absolute-path",
            replace(with_file("xetc/passwd", b"x"), b"xetc/", b"/etc/"),
            "points outside the package folder",
        ),
        (
            "07-backslash-path",
            replace(
                with_file("migrations/xxevil.sql", b"x"),
                b"xxevil",
                b"..\\evi",
            ),
            "points outside the package folder",
        ),
        (
            "08-unexpected-file",
            with_file("readme.txt", b"hello"),
            "not part of the package format",
        ),
        (
            "09-script-bad-name",
            with_file("migrations/drop all.sql", b"x"),
            "not part of the package format",
        ),
        (
            "10-no-manifest",
            without("manifest.json"),
            "has no manifest.json",
        ),
        (
            "11-no-checksums",
            without("checksums.txt"),
            "has no checksums.txt",
        ),
        ("12-no-signature", without("signature.json"), "not signed"),
        (
            "13-no-notes",
            {
                let mut f = good();
                f.remove(1);
                signed(f)
            },
            "has no notes.md",
        ),
        (
            "14-manifest-syntax",
            {
                let mut f = good();
                f[0].1 = b"{\"format\": 1,".to_vec();
                signed(f)
            },
            "manifest.json is not valid",
        ),
        (
            "15-manifest-array",
            {
                let mut f = good();
                f[0].1 = b"[1, 2]".to_vec();
                signed(f)
            },
            "manifest.json is not valid",
        ),
        (
            "16-manifest-unknown-field",
            manifest_edit(|m| m["owner"] = "vendor".into()),
            "unknown field `owner`",
        ),
        (
            "17-unknown-type",
            manifest_edit(|m| m["type"] = "service-pack".into()),
            "must be maintenance, minor, major or hotfix",
        ),
        (
            "18-future-format",
            manifest_edit(|m| m["format"] = 2.into()),
            "package format 2",
        ),
        (
            "19-bad-version",
            manifest_edit(|m| m["version"] = "ten".into()),
            "\"ten\" is not a version",
        ),
        (
            "20-not-newer",
            manifest_edit(|m| m["upgrades_from"] = serde_json::json!(["10.0.3"])),
            "not newer than 10.0.3",
        ),
        (
            "21-same-version",
            manifest_edit(|m| m["upgrades_from"] = serde_json::json!(["10.0.2"])),
            "not newer than 10.0.2",
        ),
        (
            "22-no-upgrade-path",
            manifest_edit(|m| m["upgrades_from"] = serde_json::json!([])),
            "lists no version",
        ),
        (
            "23-ga-before-publication",
            manifest_edit(|m| m["general_availability"] = "2026-08-01".into()),
            "before publication",
        ),
        (
            "24-hotfix-without-fixes",
            manifest_edit(|m| m["type"] = "hotfix".into()),
            "must say which versions and areas",
        ),
        (
            "25-minor-with-fixes",
            manifest_edit(|m| {
                m["fixes"] = serde_json::json!({"versions": ["10.0.1"], "areas": ["Projects"]})
            }),
            "only a hotfix",
        ),
        (
            "26-wave-before-ga",
            manifest_edit(|m| m["waves"][0]["date"] = "2026-09-01".into()),
            "before general availability",
        ),
        (
            "27-duplicate-wave",
            manifest_edit(
                |m| m["waves"] = serde_json::json!([{"name": "W", "date": "2027-01-16"}, {"name": "W", "date": "2027-01-30"}]),
            ),
            "appears twice",
        ),
        (
            "28-required-hotfix-newer",
            manifest_edit(|m| m["required_hotfixes"] = serde_json::json!(["10.0.5"])),
            "not older than the release",
        ),
        (
            "29-bad-date",
            manifest_edit(|m| m["published"] = "2026-02-30".into()),
            "manifest.json is not valid",
        ),
        (
            "30-checksum-mismatch",
            tampered("migrations/001_a.sql", b"DROP TABLE platform_apps;"),
            "checksum of migrations/001_a.sql does not match",
        ),
        (
            "31-file-not-listed",
            {
                let mut files = read_all(&good_zip);
                files.push(("checks/002_extra.sql".into(), b"SELECT 1;".to_vec()));
                zip_files(&files)
            },
            "checks/002_extra.sql has no checksum",
        ),
        (
            "32-listed-file-missing",
            {
                let files: Files = read_all(&good_zip)
                    .into_iter()
                    .filter(|(n, _)| n != "checks/001_a.sql")
                    .collect();
                zip_files(&files)
            },
            "checks/001_a.sql is listed but missing",
        ),
        (
            "33-manifest-changed-after-signing",
            {
                // Checksums recomputed too, as an attacker would: only the signature catches it.
                let mut f = good();
                let original = sign_and_zip(&f, &key());
                let signature = read_all(&original)
                    .into_iter()
                    .find(|(n, _)| n == "signature.json")
                    .expect("sig");
                f[0].1 = serde_json::to_vec(&{
                    let mut m = good_manifest();
                    m["version"] = "10.0.9".into();
                    m
                })
                .expect("json");
                let mut files = read_all(&sign_and_zip(&f, &key()));
                for (n, b) in &mut files {
                    if n == "signature.json" {
                        *b = signature.1.clone();
                    }
                }
                zip_files(&files)
            },
            "signature does not match",
        ),
        (
            "34-malformed-signature",
            tampered(
                "signature.json",
                b"{\"key\": \"abc\", \"signature\": \"def\"}",
            ),
            "signature.json is malformed",
        ),
        (
            "35-untrusted-key",
            sign_and_zip(&good(), &SigningKey::from_bytes(&[9; 32])),
            "does not trust",
        ),
        (
            "36-oversized-entry",
            with_file("migrations/big.sql", &vec![b' '; 9 * 1024 * 1024]),
            "larger than 8 MiB",
        ),
        (
            "37-too-many-entries",
            {
                let mut f = good();
                for i in 0..501 {
                    f.push((format!("checks/{i:03}.sql"), b"SELECT 1 WHERE 0;".to_vec()));
                }
                signed(f)
            },
            "more than 500 files",
        ),
        (
            "38-duplicate-entry",
            replace(
                with_file("migrations/001_b.sql", b"x"),
                b"001_b.sql",
                b"001_a.sql",
            ),
            // Readers disagree on which copy counts, so neither does.
            "two files with the same name",
        ),
        ("39-notes-empty", notes(b"\n\n"), "holds no item"),
        (
            "40-notes-no-kind",
            notes(b"# Item\narea: Projects\n\nBody\n"),
            "needs both an area and a kind",
        ),
        (
            "41-notes-not-utf8",
            notes(&[0x23, 0x20, 0xff, 0xfe, 0x0a]),
            "not UTF-8",
        ),
        (
            "42-script-not-utf8",
            with_file("migrations/002_b.sql", &[0xff, 0xfe, 0x00]),
            "not UTF-8",
        ),
        (
            "43-manifest-too-large",
            manifest_edit(|m| {
                m["post_upgrade_actions"] = serde_json::json!(vec!["x".repeat(400); 200])
            }),
            "larger than 64 KiB",
        ),
        (
            "44-script-unknown-engine",
            with_file("migrations/oracle/001_a.sql", b"SELECT 1 FROM dual;"),
            "not part of the package format",
        ),
        (
            "45-scripts-portable-and-per-engine",
            with_file("migrations/sqlite/002_b.sql", b"SELECT 1;"),
            "both portable scripts",
        ),
    ]
}

fn folder() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/malformed")
}

#[test]
fn a_good_package_opens() {
    let package = cutover_package::open(&sign_and_zip(&good(), &key()), &trusted()).expect("open");
    assert_eq!(package.manifest.version, "10.0.2");
    assert_eq!(
        package
            .migrations
            .for_engine(cutover_package::Engine::Postgresql),
        vec![("001_a.sql".to_string(), "SELECT 1;".to_string())]
    );
    assert!(package.migrations.engines().is_empty(), "portable");
}

#[test]
fn every_malformed_fixture_is_refused_with_its_reason() {
    let cases = cases();
    assert!(cases.len() >= 30);
    if std::env::var_os("CUTOVER_WRITE_FIXTURES").is_some() {
        let _ = std::fs::remove_dir_all(folder());
        std::fs::create_dir_all(folder()).expect("mkdir");
        for (name, bytes, _) in &cases {
            std::fs::write(folder().join(format!("{name}.zip")), bytes).expect("write");
        }
    }
    let committed = std::fs::read_dir(folder()).expect("fixtures").count();
    assert_eq!(
        committed,
        cases.len(),
        "fixtures out of date: regenerate them"
    );
    for (name, _, expected) in cases {
        // The committed file, not the generated bytes, is what is checked.
        let bytes = std::fs::read(folder().join(format!("{name}.zip"))).expect("fixture");
        let err = cutover_package::open(&bytes, &trusted()).expect_err(name);
        assert!(err.message.contains(expected), "{name}: {}", err.message);
    }
}

#[test]
fn an_oversized_archive_is_refused_before_it_is_read() {
    let bytes = vec![0u8; cutover_package::MAX_ARCHIVE_BYTES as usize + 1];
    let err = cutover_package::open(&bytes, &trusted()).expect_err("too big");
    assert!(
        err.message.contains("larger than the 32 MiB"),
        "{}",
        err.message
    );
}

#[test]
fn the_demo_packages_match_their_sources_and_the_demo_key() {
    let demo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../packages/demo");
    let secret = std::fs::read_to_string(demo.join("vendor-demo.key")).expect("key");
    let key = sign::parse_signing_key(&secret).expect("parse key");
    let public = std::fs::read_to_string(demo.join("vendor-demo.pub")).expect("pub");
    for version in ["10.0.1", "10.0.2", "10.0.3", "10.0.4"] {
        let files = cutover_package::build::read_folder(&demo.join(version)).expect("folder");
        let built = cutover_package::build::build(&files, &key).expect("build");
        let committed = std::fs::read(demo.join(format!("northwind-{version}.zip"))).expect("zip");
        assert!(
            built == committed,
            "packages/demo/northwind-{version}.zip is out of date: rebuild it with cutover-pack"
        );
        let package =
            cutover_package::open(&committed, &[public.trim().to_string()]).expect("verify");
        assert_eq!(package.manifest.version, version);
    }
}
