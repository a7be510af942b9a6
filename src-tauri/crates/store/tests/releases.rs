//! The release catalog on a temporary data directory with the demo account:
//! importing signed packages, the version window at fixed instants, hotfix
//! marks, search, the cumulative view, review marks and the export.

mod common;

use chrono::{DateTime, TimeZone, Utc};
use common::{boss, demo_dir};
use cutover_core::admin::{Admin, Role};
use cutover_core::release::Selectable;
use cutover_core::{ErrorKind, Result};
use cutover_package::{build, sign};
use cutover_store::{demo, Context, Workspace};
use demo::releases as demo_releases;
use std::path::{Path, PathBuf};

fn at(day: u32, month: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, month, day, 9, 0, 0)
        .single()
        .unwrap_or_default()
}

fn priya() -> Admin {
    Admin {
        id: 2,
        name: "Priya Shah".into(),
        role: Role::SuperAdmin,
    }
}

fn package(version: &str) -> Vec<u8> {
    std::fs::read(demo_dir().join(format!("northwind-{version}.zip")))
        .expect("a committed demo package")
}

/// A package built from the 10.0.4 folder with its manifest and notes edited,
/// signed with the demo vendor's key.
fn custom(
    edit_manifest: impl FnOnce(&mut serde_json::Value),
    notes: Option<&str>,
) -> Result<Vec<u8>> {
    let mut files = build::read_folder(&demo_dir().join("10.0.4"))?;
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&files[0].1).context("manifest")?;
    edit_manifest(&mut manifest);
    files[0].1 = serde_json::to_vec(&manifest).context("manifest")?;
    if let Some(notes) = notes {
        files[1].1 = notes.as_bytes().to_vec();
    }
    let secret = std::fs::read_to_string(demo_dir().join("vendor-demo.key")).context("key")?;
    build::build(&files, &sign::parse_signing_key(&secret)?)
}

fn setup() -> Result<(tempfile::TempDir, Workspace, i64)> {
    let dir = tempfile::tempdir().context("temp dir")?;
    let ws = Workspace::open(dir.path())?;
    let account = demo::ensure_demo(&ws, at(1, 11))?.expect("the demo account");
    Ok((dir, ws, account))
}

fn selectable(
    ws: &Workspace,
    account: i64,
    now: DateTime<Utc>,
) -> Result<Vec<(String, Selectable)>> {
    Ok(ws
        .catalog(account, &boss(), now)?
        .releases
        .into_iter()
        .map(|r| (r.version, r.selectable))
        .collect())
}

#[test]
fn the_demo_starts_with_three_releases_a_trusted_key_and_a_hotfix_notice() -> Result<()> {
    let (_dir, ws, account) = setup()?;
    let catalog = ws.catalog(account, &boss(), at(23, 11))?;
    assert_eq!(catalog.window, ["10.0.3", "10.0.2", "10.0.1"]);
    assert_eq!(catalog.trusted_keys.len(), 1);
    assert_eq!(
        catalog.releases[2].running_in,
        ["Production", "UAT", "Promotable sandbox"]
    );
    assert!(catalog.environments.iter().all(|e| e.hotfixes
        == [cutover_core::release_view::HotfixMark {
            version: "10.0.3".into(),
            areas: vec!["Projects".into(), "Security".into()],
        }]));
    let overview = ws.overview()?;
    assert_eq!(overview[0].environments[0].hotfixes.len(), 1);
    let inbox = ws.inbox()?;
    assert!(inbox.iter().any(
        |n| n.title == "Hotfix 10.0.3 concerns Northwind Foods (demo)"
            && n.body
                .starts_with("Production, UAT, Promotable sandbox run a version")
    ));
    Ok(())
}

#[test]
fn a_new_release_drops_the_oldest_from_the_window_and_a_duplicate_is_refused() -> Result<()> {
    let (_dir, ws, account) = setup()?;
    let imported = ws.import_release(account, &package("10.0.4"), &boss(), at(23, 11))?;
    assert_eq!(imported.dropped, ["10.0.1"]);
    assert_eq!(imported.note_count, 14);
    assert_eq!(
        selectable(&ws, account, at(23, 11))?,
        [
            ("10.0.4".to_string(), Selectable::Yes),
            ("10.0.3".to_string(), Selectable::Yes),
            ("10.0.2".to_string(), Selectable::Yes),
            ("10.0.1".to_string(), Selectable::DroppedOut),
        ]
    );
    // Before 10.0.4's general availability (2 Nov) the window was unchanged.
    assert_eq!(
        selectable(&ws, account, at(1, 11))?[0].1,
        Selectable::NotYetAvailable
    );
    assert_eq!(selectable(&ws, account, at(1, 11))?[3].1, Selectable::Yes);
    let again = ws
        .import_release(account, &package("10.0.4"), &boss(), at(23, 11))
        .expect_err("dup");
    assert_eq!(again.kind, ErrorKind::Conflict);
    assert!(
        again
            .message
            .contains("already in the catalog (imported by Alex Morgan"),
        "{}",
        again.message
    );
    assert_eq!(ws.catalog(account, &boss(), at(23, 11))?.releases.len(), 4);
    Ok(())
}

#[test]
fn refused_packages_change_nothing() -> Result<()> {
    let (_dir, ws, account) = setup()?;
    let before = ws.catalog(account, &boss(), at(23, 11))?;
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../package/tests/malformed");
    let mut refused = 0;
    for entry in std::fs::read_dir(&fixtures).context("fixtures")? {
        let bytes = std::fs::read(entry.context("fixture")?.path()).context("fixture")?;
        // Signed with the fixtures' own key, which the demo does not trust,
        // or broken before the signature is even read.
        assert!(ws
            .import_release(account, &bytes, &boss(), at(23, 11))
            .is_err());
        refused += 1;
    }
    assert!(refused >= 30);
    let other_platform = custom(|m| m["platform"] = "Contoso ERP".into(), None)?;
    let err = ws
        .import_release(account, &other_platform, &boss(), at(23, 11))
        .expect_err("platform");
    assert!(err.message.contains("This package is for \"Contoso ERP\", but Northwind Foods (demo) runs \"Northwind Cloud Platform\""), "{}", err.message);
    let key = ws.catalog(account, &boss(), at(23, 11))?.trusted_keys[0].id;
    ws.distrust_key(account, key, &boss())?;
    let err = ws
        .import_release(account, &package("10.0.4"), &boss(), at(23, 11))
        .expect_err("untrusted");
    assert_eq!(err.kind, ErrorKind::Forbidden);
    assert!(err.message.contains("does not trust"), "{}", err.message);
    let mut after = ws.catalog(account, &boss(), at(23, 11))?;
    after.trusted_keys = before.trusted_keys.clone();
    assert_eq!(after, before);
    Ok(())
}

#[test]
fn trusting_keys_and_the_window_size_need_a_super_admin_and_valid_input() -> Result<()> {
    let (_dir, ws, account) = setup()?;
    let sam = Admin {
        id: 3,
        name: "Sam Lee".into(),
        role: Role::AppAdmin,
    };
    assert_eq!(
        ws.set_version_window(account, 2, &sam)
            .expect_err("sam")
            .kind,
        ErrorKind::Forbidden
    );
    assert_eq!(
        ws.set_version_window(account, 0, &boss())
            .expect_err("zero")
            .kind,
        ErrorKind::Invalid
    );
    ws.set_version_window(account, 2, &boss())?;
    assert_eq!(
        ws.catalog(account, &boss(), at(23, 11))?.window,
        ["10.0.3", "10.0.2"]
    );
    let err = ws
        .trust_key(account, "Vendor", "not a key", &boss(), at(23, 11))
        .expect_err("bad");
    assert!(
        err.message.contains("base64 of 32 bytes"),
        "{}",
        err.message
    );
    let err = ws
        .trust_key(
            account,
            "Again",
            demo_releases::VENDOR_KEY,
            &boss(),
            at(23, 11),
        )
        .expect_err("dup");
    assert_eq!(err.kind, ErrorKind::Conflict);
    assert_eq!(
        ws.trust_key(account, "X", demo_releases::VENDOR_KEY, &sam, at(23, 11))
            .expect_err("sam")
            .kind,
        ErrorKind::Forbidden
    );
    Ok(())
}

#[test]
fn production_cannot_follow_a_sandbox_whose_version_dropped_out() -> Result<()> {
    let (_dir, ws, account) = setup()?;
    ws.connect()?
        .execute(
            "UPDATE environments SET version = '10.0.2' WHERE name = 'UAT'",
            [],
        )
        .context("upgrade UAT")?;
    assert!(ws.catalog(account, &boss(), at(23, 11))?.blocked.is_empty());
    ws.set_version_window(account, 2, &boss())?;
    ws.import_release(account, &package("10.0.4"), &boss(), at(23, 11))?;
    let blocked = ws.catalog(account, &boss(), at(23, 11))?.blocked;
    assert_eq!(blocked.len(), 1);
    assert!(
        blocked[0]
            .starts_with("UAT was upgraded to 10.0.2, which has dropped out of the version window"),
        "{}",
        blocked[0]
    );
    assert!(
        blocked[0].ends_with("upgrade it again to 10.0.4, 10.0.3."),
        "{}",
        blocked[0]
    );
    Ok(())
}

#[test]
fn search_finds_words_across_releases_and_marks_them() -> Result<()> {
    let (_dir, ws, account) = setup()?;
    let hits = ws.search_notes(account, "webhook")?;
    assert_eq!(hits.len(), 2, "{hits:?}");
    assert!(hits
        .iter()
        .all(|h| h.title_html.contains("<mark>") || h.snippet_html.contains("<mark>")));
    // Another account's notes are not found; hits come newest version first.
    ws.connect()?
        .execute(
            "INSERT INTO accounts (name, platform, time_zone, is_demo, created_at)
             VALUES ('Other', 'Northwind Cloud Platform', 'UTC', 0, '2026-11-01T00:00:00Z')",
            [],
        )
        .context("second account")?;
    let other = account + 1;
    ws.trust_key(
        other,
        "Vendor",
        demo_releases::VENDOR_KEY,
        &boss(),
        at(23, 11),
    )?;
    ws.import_release(other, &package("10.0.4"), &boss(), at(23, 11))?;
    assert_eq!(ws.search_notes(account, "webhook")?.len(), 2);
    assert_eq!(ws.search_notes(other, "webhook")?.len(), 1);
    let versions: Vec<String> = ws
        .search_notes(account, "security")?
        .into_iter()
        .map(|h| h.version)
        .collect();
    assert!(
        versions.windows(2).all(|w| w[0] >= w[1]) && versions.len() > 2,
        "{versions:?}"
    );
    let hits = ws.search_notes(account, "timesheet approval")?;
    assert_eq!(hits[0].version, "10.0.3");
    // FTS5 syntax in the input is read as words, never as a query.
    assert!(ws.search_notes(account, "\"NEAR( OR * -")?.is_empty());
    assert_eq!(
        ws.search_notes(account, " ?! ").expect_err("empty").kind,
        ErrorKind::Invalid
    );
    Ok(())
}

#[test]
fn the_cumulative_view_spans_skipped_versions_for_the_areas_in_use() -> Result<()> {
    let (dir, ws, account) = setup()?;
    ws.import_release(account, &package("10.0.4"), &boss(), at(23, 11))?;
    let production = ws.overview()?[0].environments[0].environment.id;
    let view = ws.cumulative_notes(production, "10.0.4", &boss())?;
    assert_eq!(view.versions, ["10.0.2", "10.0.3", "10.0.4"]);
    assert!(view
        .notes
        .iter()
        .all(|n| n.area != "Sales" && n.area != "Finance"));
    assert_eq!(view.left_out, 4);
    let firsts: Vec<bool> = view.notes.iter().map(|n| n.action_required).collect();
    let required = firsts.iter().filter(|a| **a).count();
    assert!(
        required >= 5 && firsts[..required].iter().all(|a| *a),
        "{firsts:?}"
    );
    let ranks: Vec<u8> = view
        .notes
        .iter()
        .map(|n| cutover_core::release::cumulative_rank(n.kind, n.action_required))
        .collect();
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{ranks:?}");
    let err = ws
        .cumulative_notes(production, "10.0.1", &boss())
        .expect_err("old");
    assert!(
        err.message.contains("already runs 10.0.1"),
        "{}",
        err.message
    );
    assert_eq!(
        ws.cumulative_notes(production, "10.0.9", &boss())
            .expect_err("missing")
            .kind,
        ErrorKind::NotFound
    );

    // Reviews are per admin, with their time.
    let (a, b) = (view.notes[0].id, view.notes[1].id);
    assert_eq!(
        ws.set_note_reviewed(a, true, &boss(), at(23, 11))?,
        Some(at(23, 11))
    );
    ws.set_note_reviewed(b, true, &boss(), at(23, 11))?;
    assert_eq!(
        ws.set_note_reviewed(a, true, &boss(), at(24, 11))?,
        Some(at(23, 11))
    );
    assert_eq!(
        ws.cumulative_notes(production, "10.0.4", &boss())?
            .reviewed_count,
        2
    );
    assert_eq!(
        ws.cumulative_notes(production, "10.0.4", &priya())?
            .reviewed_count,
        0
    );
    let release = view.notes[0].release_id;
    let progress = ws.release_notes(release, &boss(), at(23, 11))?.release;
    assert!(progress.reviewed_count >= 1);
    ws.set_note_reviewed(a, false, &boss(), at(23, 11))?;
    assert_eq!(
        ws.cumulative_notes(production, "10.0.4", &boss())?
            .reviewed_count,
        1
    );

    let path = dir.path().join("what-changes.html");
    ws.export_cumulative(production, "10.0.4", &path, &boss(), at(23, 11))?;
    let html = std::fs::read_to_string(&path).context("export")?;
    assert!(html.contains("What changes for Production: 10.0.1 → 10.0.4"));
    assert!(html.contains("Webhook signatures use SHA-256") && !html.contains("<script"));
    assert!(
        html.contains("Exported 23 Nov 2026 09:00 GMT"),
        "account time zone"
    );
    let err = ws.export_cumulative(
        production,
        "10.0.4",
        Path::new("/nonexistent/x.html"),
        &boss(),
        at(23, 11),
    );
    assert!(err
        .expect_err("dir")
        .message
        .contains("Choose another folder"));
    Ok(())
}

#[test]
fn a_script_hidden_in_a_note_is_stored_harmless_and_a_future_release_waits_for_ga() -> Result<()> {
    let (_dir, ws, account) = setup()?;
    let notes = "# Innocent item\narea: Platform\nkind: fix\n\nHello <script>window.__pwned=1</script>\n<img src=x onerror=\"window.__pwned=2\">[x](javascript:alert(1))\n";
    let bytes = custom(
        |m| {
            m["version"] = "10.0.5".into();
            m["general_availability"] = "2026-12-07".into();
            m["waves"] = serde_json::json!([]);
        },
        Some(notes),
    )?;
    let imported = ws.import_release(account, &bytes, &boss(), at(23, 11))?;
    assert!(imported.dropped.is_empty(), "not GA yet: drops nothing");
    let catalog = ws.catalog(account, &boss(), at(23, 11))?;
    assert_eq!(catalog.releases[0].selectable, Selectable::NotYetAvailable);
    let html = &ws
        .release_notes(catalog.releases[0].id, &boss(), at(23, 11))?
        .notes[0]
        .html;
    assert!(
        html.contains("Hello")
            && !html.contains("script")
            && !html.contains("onerror")
            && !html.contains("javascript"),
        "{html}"
    );
    assert_eq!(
        ws.catalog(account, &boss(), at(7, 12))?.window,
        ["10.0.5", "10.0.3", "10.0.2"]
    );
    Ok(())
}

/// A package of version `version` whose one note mentions "zebra".
fn zebra(version: &str) -> Result<Vec<u8>> {
    custom(
        |m| {
            m["version"] = version.into();
            m["required_hotfixes"] = serde_json::json!([]);
        },
        Some(&format!(
            "# Zebra crossing {version}\narea: Platform\nkind: fix\n\nA zebra note.\n"
        )),
    )
}

#[test]
fn search_stays_newest_first_whatever_order_releases_are_imported_in() -> Result<()> {
    let (_dir, ws, account) = setup()?;
    // An older version after a newer one goes into the gap between them;
    // 25 more into the same, ever smaller gap force the index to be laid
    // out again on the way.
    let mut versions = vec!["12.0.0".to_string(), "11.0.0".to_string()];
    versions.extend((1..=25).map(|k| format!("11.0.{k}")));
    for v in &versions {
        ws.import_release(account, &zebra(v)?, &boss(), at(2, 11))?;
    }
    let found: Vec<String> = ws
        .search_notes(account, "zebra")?
        .into_iter()
        .map(|h| h.version)
        .collect();
    let mut expected = versions.clone();
    expected.sort_by_key(|v| cutover_core::release::Version::parse(v).expect("version"));
    expected.reverse();
    assert_eq!(found, expected, "every note once, newest version first");
    Ok(())
}

#[test]
fn notes_indexed_before_per_import_indexing_are_laid_out_by_the_migration() -> Result<()> {
    let (dir, ws, account) = setup()?;
    let before: Vec<(String, String)> = ws
        .search_notes(account, "project")?
        .into_iter()
        .map(|h| (h.version, h.title_html))
        .collect();
    assert!(!before.is_empty());
    // Put the control database back as schema 14 left it (no fts_rowid,
    // no backup platform or record-count columns, nothing kept aside, no UAT cycles or log
    // chains, no account servers, scripts without engines, no promotion
    // changelog marks), the
    // index numbered 1..n by the old whole rebuild.
    ws.connect()?
        .execute_batch(
            "CREATE TABLE old_release_scripts (
                 release_id INTEGER NOT NULL REFERENCES releases (id) ON DELETE CASCADE,
                 kind TEXT NOT NULL CHECK (kind IN ('migration', 'check')),
                 name TEXT NOT NULL, sql TEXT NOT NULL,
                 PRIMARY KEY (release_id, kind, name)) STRICT;
             INSERT INTO old_release_scripts
                 SELECT release_id, kind, name, sql FROM release_scripts WHERE engine IN ('any', 'sqlite');
             DROP TABLE release_scripts;
             ALTER TABLE old_release_scripts RENAME TO release_scripts;
             CREATE TABLE old_extension_scripts (
                 extension_id INTEGER NOT NULL REFERENCES extensions (id) ON DELETE CASCADE,
                 kind TEXT NOT NULL CHECK (kind IN ('install', 'uninstall')),
                 name TEXT NOT NULL, sql TEXT NOT NULL,
                 PRIMARY KEY (extension_id, kind, name)) STRICT;
             INSERT INTO old_extension_scripts
                 SELECT extension_id, kind, name, sql FROM extension_scripts WHERE engine IN ('any', 'sqlite');
             DROP TABLE extension_scripts;
             ALTER TABLE old_extension_scripts RENAME TO extension_scripts;
             DROP TABLE uat_history;
             ALTER TABLE activity DROP COLUMN hash;
             ALTER TABLE inbox DROP COLUMN target;
             ALTER TABLE inbox DROP COLUMN category;
             ALTER TABLE inbox DROP COLUMN account_id;
             DROP TABLE uat_issue_cases;
             DROP TABLE uat_issues;
             DROP TABLE uat_evidence;
             DROP TABLE uat_cases;
             DROP TABLE uat_regression_cases;
             DROP TABLE uat_cycles;
             DROP TABLE kept_backups;
             DROP TABLE retired_stores;
             ALTER TABLE release_notes DROP COLUMN fts_rowid;
             ALTER TABLE backups DROP COLUMN platform_version;
             ALTER TABLE backups DROP COLUMN extensions;
             ALTER TABLE backups DROP COLUMN records;
             ALTER TABLE accounts DROP COLUMN server;
             ALTER TABLE accounts DROP COLUMN server_remembered;
             ALTER TABLE promotions DROP COLUMN before_seq;
             ALTER TABLE integrations DROP COLUMN db_role;
             ALTER TABLE integrations DROP COLUMN role_hold;
             DELETE FROM release_notes_fts;
             INSERT INTO release_notes_fts (rowid, title, area, body, account, note_id)
             SELECT row_number() OVER (ORDER BY r.account_id, r.version_key, n.position),
                    n.title, n.area, n.search_text, 'a' || r.account_id, n.id
             FROM release_notes n JOIN releases r ON r.id = n.release_id;
             PRAGMA user_version = 14;",
        )
        .context("schema 14")?;
    drop(ws);
    let ws = Workspace::open(dir.path())?;
    let after: Vec<(String, String)> = ws
        .search_notes(account, "project")?
        .into_iter()
        .map(|h| (h.version, h.title_html))
        .collect();
    assert_eq!(after, before, "the same hits, newest first, each once");
    ws.import_release(account, &package("10.0.4"), &boss(), at(2, 11))?;
    assert_eq!(ws.search_notes(account, "project")?[0].version, "10.0.4");
    Ok(())
}

#[test]
fn search_counts_every_match_pages_on_and_reads_quotes_as_a_phrase() -> Result<()> {
    let (_dir, ws, account) = setup()?;
    let mut notes: String = (0..64)
        .map(|i| format!("# Dashboards {i}\narea: Platform\nkind: feature\n\nPower BI dashboards, part {i}.\n\n"))
        .collect();
    notes.push_str("# Invoices\narea: Platform\nkind: fix\n\nPower billing runs nightly.\n");
    ws.import_release(
        account,
        &custom(
            |m| m["required_hotfixes"] = serde_json::json!([]),
            Some(&notes),
        )?,
        &boss(),
        at(2, 11),
    )?;
    let first = ws.search_notes_page(account, "\"Power BI\"", 0)?;
    assert_eq!((first.total, first.hits.len(), first.offset), (64, 50, 0));
    let second = ws.search_notes_page(account, "\"Power BI\"", 50)?;
    assert_eq!((second.total, second.hits.len()), (64, 14));
    let seen: std::collections::BTreeSet<i64> = first
        .hits
        .iter()
        .chain(&second.hits)
        .map(|h| h.note_id)
        .collect();
    assert_eq!(seen.len(), 64, "the two pages hold every match once");
    assert!(second
        .hits
        .iter()
        .all(|h| !h.title_html.contains("Invoices")));
    // Unquoted, each word is a prefix: "BI" also finds "billing".
    assert_eq!(ws.search_notes_page(account, "Power BI", 0)?.total, 65);
    Ok(())
}

#[test]
fn a_platform_with_spaces_at_its_ends_is_the_same_platform() -> Result<()> {
    let (_dir, ws, account) = setup()?;
    let spaced = custom(|m| m["platform"] = "Northwind Cloud Platform ".into(), None)?;
    ws.import_release(account, &spaced, &boss(), at(23, 11))?;
    Ok(())
}
