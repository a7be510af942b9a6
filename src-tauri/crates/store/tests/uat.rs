//! UAT cycles on a temporary data directory with the demo account, "on"
//! 5 Jan 2027 in London: release 10.0.2 scheduled on Wave 2 (Sat 30 Jan),
//! so UAT is refreshed on Mon 11 Jan and tested from 18 to 29 Jan. The
//! cycle's dates and states, the plan from the notes, regression cases
//! carried to the next cycle, evidence, sign-off and the production gate.

mod common;

use common::boss;
use common::uat::*;
use cutover_core::uat::{CaseOrigin, CaseResult, CycleState, IssueDecision, IssueStatus, Severity};
use cutover_core::uat_view::{CaseInput, IssueInput};
use cutover_core::{ErrorKind, Result};
use cutover_store::{Context, Workspace};
use sha2::{Digest, Sha256};

#[test]
fn a_scheduled_minor_release_gets_one_cycle_whose_state_follows_the_days() -> Result<()> {
    let s = setup()?;
    let c = &s.ws.uat_cycles(s.account, now())?[0];
    assert_eq!(
        (c.version.as_str(), c.wave.as_deref()),
        ("10.0.2", Some("Wave 2"))
    );
    assert_eq!(
        (c.refresh, c.test_start, c.test_end),
        (
            Some(day(2027, 1, 11)),
            Some(day(2027, 1, 18)),
            Some(day(2027, 1, 29))
        )
    );
    assert_eq!(c.business_days, 10);
    assert_eq!(state(&s.ws, s.account, now())?, CycleState::Planned);
    assert_eq!(
        state(&s.ws, s.account, utc(2027, 1, 11, 8))?,
        CycleState::RefreshDue
    );
    assert_eq!(
        state(&s.ws, s.account, utc(2027, 1, 18, 8))?,
        CycleState::Testing
    );
    assert_eq!(
        state(&s.ws, s.account, utc(2027, 1, 30, 8))?,
        CycleState::SignOffDue
    );
    // Rescheduling keeps the cycle and moves its dates.
    let release = release_id(&s.ws, s.account, "10.0.2")?;
    s.ws.schedule_upgrade(release, day(2027, 2, 13), &boss(), now())?;
    let moved = s.ws.uat_cycles(s.account, now())?;
    assert_eq!(moved.len(), 1);
    assert_eq!(
        (moved[0].id, moved[0].test_end),
        (s.cycle, Some(day(2027, 2, 12)))
    );
    // A maintenance release has no UAT.
    let maintenance =
        s.ws.import_release(s.account, common::PACKAGE_10_0_4, &boss(), now())?;
    assert_eq!(maintenance.version, "10.0.4");
    s.ws.schedule_upgrade(
        release_id(&s.ws, s.account, "10.0.4")?,
        day(2027, 1, 23),
        &boss(),
        now(),
    )?;
    assert_eq!(s.ws.uat_cycles(s.account, now())?.len(), 1);
    // A cancelled schedule leaves the cycle without dates, not delayed.
    let plan =
        s.ws.scheduled_upgrades(s.account)?
            .into_iter()
            .find(|p| p.version == "10.0.2")
            .expect("plan");
    s.ws.cancel_upgrade(plan.id, &boss())?;
    let c = &s.ws.uat_cycles(s.account, now())?[0];
    assert_eq!((c.state, c.test_start), (CycleState::Unscheduled, None));
    Ok(())
}

#[test]
fn the_plan_comes_from_the_notes_in_use_and_regression_cases_carry_over() -> Result<()> {
    let s = setup()?;
    let d = s.ws.generate_uat_plan(s.cycle, &boss(), now())?;
    let titles: Vec<&str> = d.cases.iter().map(|c| c.title.as_str()).collect();
    // Action-required items, deprecations and features of areas in use;
    // fixes and plain changes are not test cases.
    assert!(titles.contains(&"REST API v1 is deprecated"), "{titles:?}");
    assert!(
        titles.contains(&"Order webhook sends the order lines"),
        "{titles:?}"
    );
    assert!(
        titles.contains(&"Portfolio view for projects"),
        "{titles:?}"
    );
    assert!(
        !titles.contains(&"Gantt dates respect the account calendar"),
        "{titles:?}"
    );
    assert!(
        !titles.contains(&"Project status gets \"On hold\""),
        "{titles:?}"
    );
    assert!(d
        .cases
        .iter()
        .all(|c| c.origin == CaseOrigin::Note && c.note_id.is_some()));
    assert!(
        d.history[0].text.contains("from UAT's 10.0.1 to 10.0.2"),
        "{:?}",
        d.history
    );
    let again = s.ws.generate_uat_plan(s.cycle, &boss(), now())?;
    assert_eq!(
        again.cases.len(),
        d.cases.len(),
        "generating again adds nothing"
    );

    let crm = CaseInput {
        title: "Integration with the CRM".into(),
        steps: "Create an order; check it reaches the CRM within 5 minutes.".into(),
        area: "Integrations".into(),
        tester: "Priya Shah".into(),
        regression: true,
    };
    let d = s.ws.add_uat_case(s.cycle, crm.clone(), &boss(), now())?;
    assert_eq!(
        d.cases.last().map(|c| c.origin),
        Some(CaseOrigin::Regression)
    );
    let e =
        s.ws.add_uat_case(s.cycle, crm, &boss(), now())
            .expect_err("same title");
    assert_eq!(e.kind, ErrorKind::Invalid);
    let blank = CaseInput {
        title: "  ".into(),
        steps: String::new(),
        area: String::new(),
        tester: String::new(),
        regression: false,
    };
    assert!(s.ws.add_uat_case(s.cycle, blank, &boss(), now()).is_err());

    // The next minor release's cycle starts with the regression case.
    let next = package(
        |m| {
            m["version"] = "10.1.0".into();
            m["type"] = "minor".into();
            m["waves"] = serde_json::json!([]);
            m["required_hotfixes"] = serde_json::json!([]);
            m["upgrades_from"] = serde_json::json!(["10.0.2"]);
        },
        "# Faster reports\narea: Platform\nkind: feature\n\nReports open twice as fast.\n",
    )?;
    s.ws.import_release(s.account, &next, &boss(), now())?;
    s.ws.schedule_upgrade(
        release_id(&s.ws, s.account, "10.1.0")?,
        day(2027, 3, 6),
        &boss(),
        now(),
    )?;
    let second =
        s.ws.uat_cycles(s.account, now())?
            .into_iter()
            .find(|c| c.version == "10.1.0")
            .expect("cycle");
    let d = s.ws.generate_uat_plan(second.id, &boss(), now())?;
    let titles: Vec<&str> = d.cases.iter().map(|c| c.title.as_str()).collect();
    assert!(
        titles.contains(&"Integration with the CRM") && titles.contains(&"Faster reports"),
        "{titles:?}"
    );
    Ok(())
}

/// A PNG the test makes: the 8-byte signature and a little more.
fn png(dir: &std::path::Path, name: &str) -> Result<std::path::PathBuf> {
    let path = dir.join(name);
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend_from_slice(b"not really pixels, but a PNG by its signature");
    std::fs::write(&path, bytes).context("png")?;
    Ok(path)
}

#[test]
fn evidence_is_copied_with_its_checksum_size_limited_and_checked_when_read() -> Result<()> {
    let s = setup()?;
    let d = s.ws.generate_uat_plan(s.cycle, &boss(), now())?;
    let case = case_id(&d, "Portfolio view for projects");
    let outside = tempfile::tempdir().context("temp dir")?;
    let shot = png(outside.path(), "portfolio.png")?;
    let d = s.ws.attach_uat_evidence(case, &shot, &sam(), now())?;
    let e = d
        .cases
        .iter()
        .find(|c| c.id == case)
        .expect("case")
        .evidence[0]
        .clone();
    let expected = format!(
        "{:x}",
        Sha256::digest(std::fs::read(&shot).context("read")?)
    );
    assert_eq!(
        (
            e.file_name.as_str(),
            e.sha256.as_str(),
            e.image_type.as_deref()
        ),
        ("portfolio.png", expected.as_str(), Some("image/png"))
    );
    assert!(s.ws.root().join("evidence").join(&expected).is_file());
    assert!(s
        .ws
        .uat_evidence_image(e.id)?
        .starts_with("data:image/png;base64,iVBORw0KGg"));
    let copy = s.ws.evidence_copy(e.id)?;
    assert_eq!(
        copy.file_name().and_then(|n| n.to_str()),
        Some("portfolio.png")
    );

    // A file named .png that is not one is attached but not shown inline.
    let fake = outside.path().join("fake.png");
    std::fs::write(&fake, "<svg onload=alert(1)>").context("write")?;
    let d = s.ws.attach_uat_evidence(case, &fake, &sam(), now())?;
    let fake_id = d
        .cases
        .iter()
        .find(|c| c.id == case)
        .expect("case")
        .evidence[1]
        .id;
    assert_eq!(
        s.ws.uat_evidence_image(fake_id)
            .expect_err("not an image")
            .kind,
        ErrorKind::Invalid
    );

    // Refused: too big, missing, a folder; nothing is written.
    let before = evidence_files(&s.ws)?;
    let big = outside.path().join("dump.csv");
    std::fs::File::create(&big)
        .and_then(|f| f.set_len(25 * 1024 * 1024 + 1))
        .context("big")?;
    let err =
        s.ws.attach_uat_evidence(case, &big, &sam(), now())
            .expect_err("too big");
    assert!(
        err.message.contains("evidence is limited to 25.0 MB"),
        "{}",
        err.message
    );
    assert!(s
        .ws
        .attach_uat_evidence(case, &outside.path().join("gone.png"), &sam(), now())
        .is_err());
    assert!(s
        .ws
        .attach_uat_evidence(case, outside.path(), &sam(), now())
        .is_err());
    assert_eq!(evidence_files(&s.ws)?, before);
    assert_eq!(
        s.ws.uat_cycle(s.cycle, now())?
            .cases
            .iter()
            .find(|c| c.id == case)
            .expect("case")
            .evidence
            .len(),
        2
    );

    // A stored file altered afterwards is refused, saying so.
    std::fs::write(
        s.ws.root().join("evidence").join(&expected),
        b"\x89PNG\r\n\x1a\nedited",
    )
    .context("edit")?;
    let err = s.ws.uat_evidence_image(e.id).expect_err("altered");
    assert!(
        err.message.contains("was altered after it was attached"),
        "{}",
        err.message
    );
    Ok(())
}

fn evidence_files(ws: &Workspace) -> Result<Vec<String>> {
    let mut names: Vec<String> = std::fs::read_dir(ws.root().join("evidence"))
        .context("evidence folder")?
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().to_string()))
        .collect();
    names.sort();
    Ok(names)
}

#[test]
fn sign_off_waits_for_every_case_and_a_decision_and_production_waits_for_the_sign_off() -> Result<()>
{
    let s = setup()?;
    uat_on_10_0_2(&s)?;
    let d = s.ws.generate_uat_plan(s.cycle, &boss(), now())?;
    let failing = case_id(&d, "Order webhook sends the order lines");
    s.ws.record_uat_result(failing, result(CaseResult::Failed, ""), &sam(), now())?;
    let d = s.ws.raise_uat_issue(
        s.cycle,
        IssueInput {
            title: "Webhook drops orders with more than 50 lines".into(),
            detail: "The CRM receives nothing for big orders.".into(),
            area: String::new(),
            severity: Severity::Critical,
            case_ids: vec![failing],
            note_id: None,
        },
        &sam(),
        now(),
    )?;
    let issue = d.issues[0].clone();
    assert_eq!(
        (issue.area.as_str(), issue.case_ids.as_slice()),
        ("Integrations", [failing].as_slice())
    );
    assert_eq!(d.cycle.state, CycleState::Blocked);
    let refusal = d.sign_off_refusal.clone().expect("refused");
    assert!(
        refusal.contains("not run") && refusal.contains("critical issue without a decision"),
        "{refusal}"
    );

    // Production is refused, and refusals change nothing.
    let e =
        s.ws.start_upgrade(s.production, "10.0.2", &boss(), now())
            .expect_err("blocked");
    assert!(
        e.message.contains("critical issue without a decision"),
        "{}",
        e.message
    );
    assert!(s.ws.open_upgrade(s.production)?.is_none());
    let e =
        s.ws.uat_sign_off(s.cycle, &boss(), now())
            .expect_err("not ready");
    assert_eq!(e.kind, ErrorKind::Forbidden);
    assert_eq!(s.ws.uat_cycle(s.cycle, now())?.cycle.signed_off_at, None);

    // Only a super-admin decides; a workaround needs who accepted it.
    let workaround = IssueDecision::Workaround {
        what: "Split big orders in two until 10.0.3.".into(),
        accepted_by: "Finance director".into(),
    };
    assert_eq!(
        s.ws.decide_uat_issue(issue.id, workaround.clone(), &sam(), now())
            .expect_err("app-admin")
            .kind,
        ErrorKind::Forbidden
    );
    let half = IssueDecision::Workaround {
        what: "Split orders".into(),
        accepted_by: String::new(),
    };
    assert_eq!(
        s.ws.decide_uat_issue(issue.id, half, &boss(), now())
            .expect_err("who")
            .kind,
        ErrorKind::Invalid
    );
    let inbox_before = s.ws.inbox()?.len();
    let d =
        s.ws.decide_uat_issue(issue.id, workaround, &boss(), now())?;
    assert_eq!(d.issues[0].status, IssueStatus::Workaround);
    assert_ne!(d.cycle.state, CycleState::Blocked);
    let notice = &s.ws.inbox()?[0];
    assert_eq!(s.ws.inbox()?.len(), inbox_before + 1);
    assert!(
        notice.title.contains("decision on a critical issue")
            && notice.body.contains("Finance director"),
        "{notice:?}"
    );

    // Still not signed off: production waits; the rest run or waived.
    let e =
        s.ws.start_upgrade(s.production, "10.0.2", &boss(), now())
            .expect_err("not signed off");
    assert!(
        e.message.contains("UAT of 10.0.2 is not signed off"),
        "{}",
        e.message
    );
    for c in d.cases.iter().filter(|c| c.result == CaseResult::NotRun) {
        let e =
            s.ws.record_uat_result(c.id, result(CaseResult::Waived, " "), &sam(), now())
                .expect_err("no reason");
        assert_eq!(e.kind, ErrorKind::Invalid);
        let r = if c.title.contains("Photos") || c.title.contains("photos") {
            result(
                CaseResult::Waived,
                "HR does not store photos; agreed with the HR lead.",
            )
        } else {
            result(CaseResult::Passed, "")
        };
        s.ws.record_uat_result(c.id, r, &sam(), now())?;
    }
    assert_eq!(
        s.ws.uat_sign_off(s.cycle, &sam(), now())
            .expect_err("app-admin")
            .kind,
        ErrorKind::Forbidden
    );
    let d = s.ws.uat_sign_off(s.cycle, &boss(), now())?;
    assert_eq!(
        (d.cycle.state, d.cycle.signed_off_by.as_deref()),
        (CycleState::SignedOff, Some("Alex Morgan"))
    );
    assert!(d.history.iter().any(|h| h
        .text
        .starts_with("Signed off: happy to take 10.0.2 to live")));
    assert_eq!(
        s.ws.uat_sign_off(s.cycle, &boss(), now())
            .expect_err("twice")
            .kind,
        ErrorKind::Conflict
    );
    // Production's run belongs to Wave 2: earlier, it asks first.
    let e =
        s.ws.start_upgrade(s.production, "10.0.2", &boss(), now())
            .expect_err("before its wave");
    assert_eq!(e.kind, ErrorKind::Unconfirmed);
    assert!(
        e.message
            .contains("scheduled for Sat 30 Jan 2027 16:00 GMT (Wave 2)")
            && e.message
                .contains("timer would end Fri 15 Jan 2027 09:00 GMT, before that window"),
        "{}",
        e.message
    );
    assert!(s.ws.open_upgrade(s.production)?.is_none());
    let run =
        s.ws.start_upgrade_before_wave(s.production, "10.0.2", &boss(), now())?;
    assert_eq!(run.to_version, "10.0.2");
    // Its data upgrade waits for the scheduled window, not any window.
    s.ws.prepare_upgrade(run.id, &now)?;
    for _ in 0..run.packages.len() {
        s.ws.apply_next_package(run.id, &boss(), &now)?;
        s.ws.sign_off_package(run.id, &boss(), now())?;
    }
    let daily_window = utc(2027, 1, 5, 16) + chrono::Duration::minutes(5);
    let e =
        s.ws.start_data_upgrade(run.id, &boss(), &|| daily_window)
            .expect_err("not its window");
    assert_eq!(e.kind, ErrorKind::Forbidden);
    assert!(
        e.message.contains("scheduled in the maintenance window of Sat 30 Jan 2027 16:00 GMT (Wave 2). Start the data upgrade then."),
        "{}",
        e.message
    );
    assert_eq!(
        s.ws.upgrade_run(run.id)?.state,
        cutover_core::upgrade::UpgradeState::Packages
    );
    Ok(())
}

#[test]
fn evidence_cut_short_by_a_stop_is_removed_at_start_and_whole_evidence_stays() -> Result<()> {
    let s = setup()?;
    let d = s.ws.generate_uat_plan(s.cycle, &boss(), now())?;
    let case = case_id(&d, "Portfolio view for projects");
    let outside = tempfile::tempdir().context("temp dir")?;
    let shot = outside.path().join("shot.png");
    std::fs::write(&shot, b"\x89PNG\r\n\x1a\nwhole").context("png")?;
    let d = s.ws.attach_uat_evidence(case, &shot, &sam(), now())?;
    let sha = d
        .cases
        .iter()
        .find(|c| c.id == case)
        .expect("case")
        .evidence[0]
        .sha256
        .clone();
    let folder = s.ws.root().join("evidence");
    // What a kill mid-copy leaves, and a viewer's copy in tmp/.
    std::fs::write(folder.join("0f3e.partial"), b"\x89PNG half").context("partial")?;
    let viewer = s.ws.evidence_copy(
        d.cases
            .iter()
            .find(|c| c.id == case)
            .expect("case")
            .evidence[0]
            .id,
    )?;
    assert!(viewer.is_file());
    s.ws.recover(now())?;
    let left: Vec<String> = std::fs::read_dir(&folder)
        .context("evidence")?
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().to_string()))
        .collect();
    assert_eq!(left, vec![sha]);
    assert!(!viewer.exists(), "the viewer's copy is cleared");
    assert!(s
        .ws
        .uat_evidence_image(
            d.cases
                .iter()
                .find(|c| c.id == case)
                .expect("case")
                .evidence[0]
                .id
        )?
        .starts_with("data:image/png"));
    Ok(())
}
