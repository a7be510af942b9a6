//! UAT cycles' upgrade issues and reminders (the setup of `uat.rs`): a
//! hotfix putting an issue back to retest, delays, the override, check-ins,
//! and the refresh day.

mod common;

use common::boss;
use common::uat::*;
use cutover_core::uat::{CaseResult, CycleState, IssueDecision, IssueStatus, Severity};
use cutover_core::uat_view::IssueInput;
use cutover_core::{ErrorKind, Result};

#[test]
fn a_hotfix_decision_waits_and_the_hotfix_import_puts_the_issue_back_to_retest() -> Result<()> {
    let s = setup()?;
    let d = s.ws.generate_uat_plan(s.cycle, &boss(), now())?;
    let case = case_id(&d, "Portfolio view for projects");
    s.ws.record_uat_result(case, result(CaseResult::Failed, ""), &sam(), now())?;
    let d = s.ws.raise_uat_issue(
        s.cycle,
        IssueInput {
            title: "Portfolio shows other programmes' budgets".into(),
            detail: String::new(),
            area: String::new(),
            severity: Severity::Critical,
            case_ids: vec![case],
            note_id: None,
        },
        &sam(),
        now(),
    )?;
    let issue = d.issues[0].id;
    assert!(s
        .ws
        .decide_uat_issue(
            issue,
            IssueDecision::Hotfix {
                version: "next week".into()
            },
            &boss(),
            now()
        )
        .is_err());
    let d = s.ws.decide_uat_issue(
        issue,
        IssueDecision::Hotfix {
            version: "10.0.2.1".into(),
        },
        &boss(),
        now(),
    )?;
    assert_eq!(d.issues[0].status, IssueStatus::WaitingForHotfix);

    // A hotfix for other areas leaves it waiting.
    let hotfix = |version: &str, areas: serde_json::Value| {
        package(
            move |m| {
                m["version"] = version.into();
                m["type"] = "hotfix".into();
                m["waves"] = serde_json::json!([]);
                m["required_hotfixes"] = serde_json::json!([]);
                m["upgrades_from"] = serde_json::json!(["10.0.2"]);
                m["fixes"] = serde_json::json!({"versions": ["10.0.2"], "areas": areas});
            },
            "# A fix\narea: Platform\nkind: fix\n\nFixed.\n",
        )
    };
    s.ws.import_release(
        s.account,
        &hotfix("10.0.2.0.1", serde_json::json!(["HR"]))?,
        &boss(),
        now(),
    )?;
    assert_eq!(
        s.ws.uat_cycle(s.cycle, now())?.issues[0].status,
        IssueStatus::WaitingForHotfix
    );
    // The one that fixes 10.0.2 in Projects moves it to retest.
    s.ws.import_release(
        s.account,
        &hotfix("10.0.2.1", serde_json::json!(["Projects"]))?,
        &boss(),
        now(),
    )?;
    let d = s.ws.uat_cycle(s.cycle, now())?;
    assert_eq!(d.issues[0].status, IssueStatus::Retest);
    let c = d.cases.iter().find(|c| c.id == case).expect("case");
    assert_eq!((c.result, c.run_at), (CaseResult::NotRun, None));
    assert!(
        d.history
            .iter()
            .any(|h| h.text.starts_with("Hotfix 10.0.2.1 imported")),
        "{:?}",
        d.history
    );
    assert!(s.ws.inbox()?.iter().any(|n| n
        .title
        .starts_with("Hotfix 10.0.2.1 arrived: retest in UAT")));
    // Retested and passed, the issue fixed by hand: nothing blocks.
    s.ws.record_uat_result(case, result(CaseResult::Passed, ""), &sam(), now())?;
    // An app-admin cannot close a critical issue: that would unblock it.
    assert_eq!(
        s.ws.set_uat_issue_status(issue, IssueStatus::Fixed, &sam(), now())
            .expect_err("app-admin")
            .kind,
        ErrorKind::Forbidden
    );
    let d =
        s.ws.set_uat_issue_status(issue, IssueStatus::Fixed, &boss(), now())?;
    assert_eq!(d.cycle.progress.open_issues, [0, 0, 0, 0]);
    Ok(())
}

#[test]
fn a_delay_moves_production_to_a_later_wave_or_off_the_calendar_until_fixed() -> Result<()> {
    let s = setup()?;
    let d = s.ws.raise_uat_issue(
        s.cycle,
        IssueInput {
            title: "Payroll export is empty".into(),
            detail: String::new(),
            area: "HR".into(),
            severity: Severity::Critical,
            case_ids: vec![],
            note_id: None,
        },
        &boss(),
        now(),
    )?;
    let issue = d.issues[0].id;
    // Wave 1 is too close now: refused with the first wave that fits, and
    // nothing recorded.
    let e =
        s.ws.decide_uat_issue(
            issue,
            IssueDecision::Delay {
                until: Some(day(2027, 1, 16)),
            },
            &boss(),
            now(),
        )
        .expect_err("too early");
    assert!(
        e.message.contains("first wave that would be accepted"),
        "{}",
        e.message
    );
    assert_eq!(s.ws.uat_cycle(s.cycle, now())?.issues[0].decision, None);
    let d = s.ws.decide_uat_issue(
        issue,
        IssueDecision::Delay {
            until: Some(day(2027, 2, 13)),
        },
        &boss(),
        now(),
    )?;
    assert_eq!(
        (d.cycle.wave.as_deref(), d.cycle.test_end),
        (Some("Wave 3"), Some(day(2027, 2, 12)))
    );
    assert!(
        d.history
            .last()
            .expect("line")
            .text
            .contains("Production now upgrades"),
        "{:?}",
        d.history
    );
    let scheduled = s.ws.scheduled_upgrades(s.account)?;
    assert_eq!(scheduled.len(), 1);
    assert_eq!(scheduled[0].wave.as_deref(), Some("Wave 3"));

    let d =
        s.ws.decide_uat_issue(issue, IssueDecision::Delay { until: None }, &boss(), now())?;
    assert_eq!(d.cycle.state, CycleState::Delayed);
    assert!(s.ws.scheduled_upgrades(s.account)?.is_empty());
    // Even an override does not clear a production delayed until a fix.
    s.ws.uat_override(s.cycle, "Board accepted the risk", &boss(), now())?;
    uat_on_10_0_2(&s)?;
    let e =
        s.ws.start_upgrade(s.production, "10.0.2", &boss(), now())
            .expect_err("delayed");
    assert!(
        e.message
            .contains("delayed until a critical issue is fixed"),
        "{}",
        e.message
    );
    // Scheduling again ends the delay; the override clears production.
    s.ws.schedule_upgrade(
        release_id(&s.ws, s.account, "10.0.2")?,
        day(2027, 2, 13),
        &boss(),
        now(),
    )?;
    assert!(s
        .ws
        .start_upgrade_before_wave(s.production, "10.0.2", &boss(), now())
        .is_ok());
    Ok(())
}

#[test]
fn an_override_needs_its_reason_and_a_super_admin_and_check_ins_keep_the_progress() -> Result<()> {
    let s = setup()?;
    s.ws.generate_uat_plan(s.cycle, &boss(), now())?;
    assert_eq!(
        s.ws.uat_override(s.cycle, "  ", &boss(), now())
            .expect_err("no reason")
            .kind,
        ErrorKind::Invalid
    );
    assert_eq!(
        s.ws.uat_override(s.cycle, "Vendor forces it", &sam(), now())
            .expect_err("app-admin")
            .kind,
        ErrorKind::Forbidden
    );
    let d = s.ws.uat_check_in(
        s.cycle,
        "Priya out Thursday; Sam covers.",
        &sam(),
        utc(2027, 1, 22, 16),
    )?;
    let line = &d.history.last().expect("check-in").text;
    assert!(
        line.starts_with("Check-in: 0 of ") && line.ends_with("Priya out Thursday; Sam covers."),
        "{line}"
    );
    let d = s.ws.uat_override(
        s.cycle,
        "Vendor forces the upgrade on this wave",
        &boss(),
        now(),
    )?;
    assert_eq!(
        d.cycle.override_reason.as_deref(),
        Some("Vendor forces the upgrade on this wave")
    );
    assert_eq!(d.cycle.signed_off_at, None);
    Ok(())
}

#[test]
fn on_the_refresh_day_uat_without_unpromoted_work_is_refreshed_alone_and_otherwise_the_reminder_says_what_would_be_lost(
) -> Result<()> {
    use cutover_core::backup::BackupReason;
    use cutover_core::change::Change;
    let s = setup()?;
    let refresh_day = utc(2027, 1, 11, 8);
    // UAT with a change of its own: the reminder lists it and nothing runs.
    s.ws.apply_change(
        s.uat,
        &Change::CreateApp {
            name: "Trial app".into(),
        },
        &sam_super(),
        now(),
        false,
    )?;
    let before = s.ws.backups(s.uat)?.len();
    let fired = s.ws.fire_due_reminders(refresh_day)?;
    assert_eq!(fired.len(), 1);
    assert!(
        fired[0].body.contains("never promoted (Priya Shah: 1)")
            && fired[0].body.contains("they are lost in a refresh"),
        "{}",
        fired[0].body
    );
    assert_eq!(s.ws.backups(s.uat)?.len(), before);
    assert!(!s.ws.refresh_preview(s.uat)?.unpromoted.is_empty());

    // Without unpromoted work it is refreshed on its own, backed up first.
    let t = setup()?;
    t.ws.refresh(t.uat, &boss(), now(), &|_| {})?;
    let before = t.ws.backups(t.uat)?.len();
    let fired = t.ws.fire_due_reminders(refresh_day)?;
    assert!(
        fired[0]
            .body
            .contains("refreshed from production on its own"),
        "{}",
        fired[0].body
    );
    let after = t.ws.backups(t.uat)?;
    assert_eq!(after.len(), before + 1);
    assert!(after
        .iter()
        .any(|b| b.reason == BackupReason::BeforeRefresh && b.taken_at == refresh_day));
    assert_eq!(
        t.ws.inbox()?[0].body,
        fired[0].body,
        "the inbox says the same"
    );
    Ok(())
}
