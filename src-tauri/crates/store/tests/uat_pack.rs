//! The evidence pack of a UAT cycle: a folder a change board can check
//! with `sha256sum -c`, a report with no outside reference that escapes
//! what people typed, production's run with its restore point, and the
//! hash chains of the cycle's history and the activity log, which the
//! export verifies and reports broken when an entry was altered or removed.

mod common;

use common::boss;
use common::uat::*;
use cutover_core::uat::{CaseResult, IssueDecision, Severity};
use cutover_core::uat_view::{CaseInput, IssueInput};
use cutover_core::{ErrorKind, Result};
use cutover_store::Context;
use std::path::Path;
use std::process::Command;

/// A cycle run to its sign-off, with evidence, a decided critical issue,
/// and production upgraded to 10.0.2 inside its scheduled window.
fn signed_off_and_upgraded(s: &Setup, evidence: &Path) -> Result<()> {
    uat_on_10_0_2(s)?;
    let d = s.ws.generate_uat_plan(s.cycle, &boss(), now())?;
    let case = case_id(&d, "Portfolio view for projects");
    s.ws.record_uat_result(case, result(CaseResult::Failed, ""), &sam(), now())?;
    s.ws.attach_uat_evidence(case, evidence, &sam(), now())?;
    let d = s.ws.raise_uat_issue(
        s.cycle,
        IssueInput {
            title: "Budgets of <b>other</b> programmes shown".into(),
            detail: String::new(),
            area: String::new(),
            severity: Severity::Critical,
            case_ids: vec![case],
            note_id: None,
        },
        &sam(),
        now(),
    )?;
    let workaround = IssueDecision::Workaround {
        what: "Hide the portfolio view until 10.0.3.".into(),
        accepted_by: "Finance director".into(),
    };
    let d2 =
        s.ws.decide_uat_issue(d.issues[0].id, workaround, &boss(), now())?;
    for c in d2.cases.iter().filter(|c| c.result == CaseResult::NotRun) {
        s.ws.record_uat_result(c.id, result(CaseResult::Passed, ""), &sam(), now())?;
    }
    s.ws.add_uat_case(
        s.cycle,
        CaseInput {
            title: "<script>alert('x')</script>".into(),
            steps: String::new(),
            area: String::new(),
            tester: String::new(),
            regression: false,
        },
        &boss(),
        now(),
    )?;
    let hostile = case_id(
        &s.ws.uat_cycle(s.cycle, now())?,
        "<script>alert('x')</script>",
    );
    s.ws.record_uat_result(
        hostile,
        result(CaseResult::Waived, "Not a real case"),
        &boss(),
        now(),
    )?;
    s.ws.uat_sign_off(s.cycle, &boss(), now())?;
    // Wave 2, Sat 30 Jan 16:05 in London: inside its scheduled window.
    let in_window = utc(2027, 1, 30, 16) + chrono::Duration::minutes(5);
    let run =
        s.ws.start_upgrade(s.production, "10.0.2", &boss(), in_window)?;
    s.ws.prepare_upgrade(run.id, &|| in_window)?;
    for _ in 0..run.packages.len() {
        s.ws.apply_next_package(run.id, &boss(), &|| in_window)?;
        s.ws.sign_off_package(run.id, &boss(), in_window)?;
    }
    s.ws.start_data_upgrade(run.id, &boss(), &|| in_window)?;
    s.ws.commit_upgrade(run.id, &boss(), in_window)?;
    Ok(())
}

fn png(dir: &Path) -> Result<std::path::PathBuf> {
    let path = dir.join("portfolio.png");
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend_from_slice(b"pixels");
    std::fs::write(&path, bytes).context("png")?;
    Ok(path)
}

#[test]
fn the_pack_holds_the_whole_cycle_and_sha256sum_checks_it() -> Result<()> {
    let s = setup()?;
    let outside = tempfile::tempdir().context("temp dir")?;
    signed_off_and_upgraded(&s, &png(outside.path())?)?;
    let out = tempfile::tempdir().context("temp dir")?;
    let pack = s.ws.export_uat_pack(s.cycle, out.path(), &boss(), now())?;
    assert!(pack.chain_problems.is_empty(), "{:?}", pack.chain_problems);
    let folder = Path::new(&pack.folder);
    assert_eq!(
        folder.file_name().and_then(|n| n.to_str()),
        Some("UAT 10.0.2 Northwind Foods (demo) 2027-01-05")
    );
    assert_eq!(pack.files, 3, "report, one evidence file, SHA256SUMS");
    let checked = Command::new("sha256sum")
        .args(["-c", "SHA256SUMS"])
        .current_dir(folder)
        .output()
        .context("sha256sum")?;
    let said = String::from_utf8_lossy(&checked.stdout).to_string();
    assert!(
        checked.status.success() && said.contains("report.html: OK"),
        "{said}"
    );

    let html = std::fs::read_to_string(folder.join("report.html")).context("report")?;
    for expected in [
        "Signed off by Alex Morgan",
        "Budgets of &lt;b&gt;other&lt;/b&gt; programmes shown",
        "go live with a workaround accepted by Finance director",
        "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;",
        "Restore point: taken",
        "outcome: <strong>committed</strong>",
        "data:image/png;base64,",
        "chain verified",
    ] {
        assert!(html.contains(expected), "{expected} missing");
    }
    assert!(
        !html.contains("<script>") && !html.contains("://"),
        "no script, no outside reference"
    );
    // A second export beside the first gets its own folder.
    let again = s.ws.export_uat_pack(s.cycle, out.path(), &boss(), now())?;
    assert!(again.folder.ends_with("2027-01-05 (2)"), "{}", again.folder);
    Ok(())
}

#[test]
fn an_altered_or_removed_log_entry_is_reported_where_the_chain_breaks() -> Result<()> {
    let s = setup()?;
    s.ws.generate_uat_plan(s.cycle, &boss(), now())?;
    s.ws.uat_check_in(s.cycle, "First week fine.", &sam(), now())?;
    s.ws.uat_check_in(s.cycle, "Second week fine.", &sam(), now())?;
    let take = |label: &str| -> Result<()> {
        s.ws.take_backup(
            s.production,
            cutover_core::backup::BackupReason::Manual,
            &boss(),
            now(),
            &|_| {},
        )?;
        let _ = label;
        Ok(())
    };
    take("one")?;
    take("two")?;
    take("three")?;
    let out = tempfile::tempdir().context("temp dir")?;
    assert!(s
        .ws
        .export_uat_pack(s.cycle, out.path(), &boss(), now())?
        .chain_problems
        .is_empty());

    // Someone edits a check-in and deletes an activity entry afterwards.
    let conn = s.ws.connect()?;
    conn.execute(
        "UPDATE uat_history SET text = 'Check-in: all passed.' WHERE text LIKE '%First week fine.'",
        [],
    )
    .context("edit")?;
    conn.execute(
        "DELETE FROM activity WHERE id = (SELECT id FROM activity WHERE hash IS NOT NULL ORDER BY id LIMIT 1 OFFSET 1)",
        [],
    )
    .context("delete")?;
    let rows: Vec<(i64, Option<String>, String)> = conn
        .prepare("SELECT id, hash, detail FROM activity ORDER BY id")
        .context("q")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .context("q")?
        .collect::<rusqlite::Result<_>>()
        .context("q")?;
    eprintln!("{rows:#?}");
    let pack = s.ws.export_uat_pack(s.cycle, out.path(), &boss(), now())?;
    assert_eq!(pack.chain_problems.len(), 2, "{:?}", pack.chain_problems);
    assert!(
        pack.chain_problems[0].starts_with("The UAT history's chain breaks: entry 2 of"),
        "{:?}",
        pack.chain_problems
    );
    assert!(
        pack.chain_problems[1].starts_with("The activity log's chain breaks: entry 2 of"),
        "{:?}",
        pack.chain_problems
    );
    let html =
        std::fs::read_to_string(Path::new(&pack.folder).join("report.html")).context("report")?;
    assert!(html.contains("chain broken"));
    Ok(())
}

#[test]
fn a_pack_needs_a_folder_and_a_refusal_writes_nothing() -> Result<()> {
    let s = setup()?;
    let out = tempfile::tempdir().context("temp dir")?;
    let file = out.path().join("not-a-folder.txt");
    std::fs::write(&file, "x").context("file")?;
    let e =
        s.ws.export_uat_pack(s.cycle, &file, &boss(), now())
            .expect_err("a file");
    assert_eq!(e.kind, ErrorKind::Invalid);
    let e =
        s.ws.export_uat_pack(s.cycle, &out.path().join("missing"), &boss(), now())
            .expect_err("missing");
    assert_eq!(e.kind, ErrorKind::Invalid);
    // Evidence altered in the data folder stops the export, and leaves no
    // half-written pack.
    let outside = tempfile::tempdir().context("temp dir")?;
    let d = s.ws.generate_uat_plan(s.cycle, &boss(), now())?;
    let case = case_id(&d, "Portfolio view for projects");
    let d =
        s.ws.attach_uat_evidence(case, &png(outside.path())?, &sam(), now())?;
    let sha = d
        .cases
        .iter()
        .find(|c| c.id == case)
        .expect("case")
        .evidence[0]
        .sha256
        .clone();
    std::fs::write(s.ws.root().join("evidence").join(sha), "edited").context("edit")?;
    let e =
        s.ws.export_uat_pack(s.cycle, out.path(), &boss(), now())
            .expect_err("altered");
    assert!(
        e.message.contains("was altered after it was attached"),
        "{}",
        e.message
    );
    let left: Vec<_> = std::fs::read_dir(out.path())
        .context("list")?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name())
        .collect();
    assert_eq!(left, vec![std::ffi::OsString::from("not-a-folder.txt")]);
    Ok(())
}

#[test]
fn activity_commits_with_its_action_and_a_deleted_environment_keeps_the_chain_whole() -> Result<()>
{
    use cutover_core::account::AccountEdit;
    let s = setup()?;
    let envs = s.ws.overview()?[0].environments.clone();
    let sandbox = envs
        .iter()
        .find(|e| e.environment.name == "Promotable sandbox")
        .map(|e| e.environment.id)
        .expect("sandbox");
    // The deletion is recorded (in its transaction, naming the environment).
    s.ws.delete_environment(sandbox, &boss(), now())?;
    let conn = s.ws.connect()?;
    let (env_id, name): (Option<i64>, String) = conn
        .query_row(
            "SELECT environment_id, environment_name FROM activity WHERE action = 'deleted_environment'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .context("the deletion's entry")?;
    assert_eq!((env_id, name.as_str()), (None, "Promotable sandbox"));
    let out = tempfile::tempdir().context("temp dir")?;
    assert!(s
        .ws
        .export_uat_pack(s.cycle, out.path(), &boss(), now())?
        .chain_problems
        .is_empty());

    // An entry that cannot be written stops its action: nothing changes.
    conn.execute_batch(
        "CREATE TRIGGER refuse_activity BEFORE INSERT ON activity BEGIN SELECT RAISE(ABORT, 'activity refused'); END;",
    )
    .context("trigger")?;
    let edit = AccountEdit {
        name: "Northwind Renamed".into(),
        platform: "Northwind Cloud Platform".into(),
        time_zone: "Europe/London".into(),
    };
    assert!(s.ws.edit_account(s.account, &edit, &boss(), now()).is_err());
    assert_eq!(s.ws.accounts()?[0].name, "Northwind Foods (demo)");
    let uat = s.uat;
    assert!(s.ws.delete_environment(uat, &boss(), now()).is_err());
    assert!(s.ws.environment(uat).is_ok(), "UAT is still there");
    Ok(())
}

#[test]
fn a_big_image_is_listed_not_embedded_so_the_report_stays_small() -> Result<()> {
    let s = setup()?;
    let d = s.ws.generate_uat_plan(s.cycle, &boss(), now())?;
    let case = case_id(&d, "Portfolio view for projects");
    let outside = tempfile::tempdir().context("temp dir")?;
    let big = outside.path().join("full-screen.png");
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.resize(3 * 1024 * 1024, 7);
    std::fs::write(&big, &bytes).context("big png")?;
    s.ws.attach_uat_evidence(case, &big, &sam(), now())?;
    let out = tempfile::tempdir().context("temp dir")?;
    let pack = s.ws.export_uat_pack(s.cycle, out.path(), &boss(), now())?;
    let folder = Path::new(&pack.folder);
    let html = std::fs::read_to_string(folder.join("report.html")).context("report")?;
    assert!(html.contains("not embedded: too large") && !html.contains("data:image/png"));
    assert!(html.len() < 200_000, "{} bytes", html.len());
    let checked = Command::new("sha256sum")
        .args(["-c", "SHA256SUMS"])
        .current_dir(folder)
        .output()
        .context("sha256sum")?;
    assert!(checked.status.success());
    Ok(())
}
