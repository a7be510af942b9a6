use super::*;
use crate::release::ReleaseType;
use crate::schedule::{plan_upgrade, CalendarSettings};
use chrono::TimeZone;

fn utc(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0)
        .single()
        .unwrap_or_default()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// London with a holiday on Fri 26 Mar 2027 and the clocks going forward
/// on Sun 28 Mar: production on Sat 3 Apr.
fn london_over_easter() -> (Calendar, CycleDates) {
    let settings = CalendarSettings {
        holidays: vec![day(2027, 3, 26)],
        ..CalendarSettings::default()
    };
    let calendar = Calendar::new("Europe/London", settings).expect("calendar");
    let plan = plan_upgrade(
        &calendar,
        ReleaseType::Minor,
        day(2027, 4, 3),
        utc(2027, 3, 1, 9),
    )
    .expect("plan");
    let dates = CycleDates {
        refresh: plan.uat_refresh.expect("refresh"),
        start: plan.uat_start.expect("start"),
        end: plan.uat_end.expect("end"),
    };
    (calendar, dates)
}

#[test]
fn the_window_is_ten_business_days_over_a_holiday_and_a_daylight_saving_change() {
    let (calendar, dates) = london_over_easter();
    // Ends the business day before Sat 3 Apr; ten business days back,
    // skipping a weekend and the holiday of Fri 26 Mar.
    assert_eq!(dates.end, day(2027, 4, 2));
    assert_eq!(dates.start, day(2027, 3, 19));
    assert_eq!(dates.refresh, day(2027, 3, 12));
    let days = test_days(&calendar, dates);
    assert_eq!(days.len(), 10);
    assert!(!days.contains(&day(2027, 3, 26)));
    assert!(!days.contains(&day(2027, 3, 28)));
}

#[test]
fn states_follow_the_account_local_day() {
    let (calendar, dates) = london_over_easter();
    let state = |at| cycle_state(&calendar, Some(dates), false, false, 0, at);
    assert_eq!(state(utc(2027, 3, 11, 23)), CycleState::Planned);
    // Refresh day begins at local midnight.
    assert_eq!(state(utc(2027, 3, 12, 0)), CycleState::RefreshDue);
    assert_eq!(state(utc(2027, 3, 18, 23)), CycleState::RefreshDue);
    assert_eq!(state(utc(2027, 3, 19, 0)), CycleState::Testing);
    // After the clocks went forward, 23:30 UTC on 2 Apr is already the
    // 3rd in London: the window is over.
    assert_eq!(state(utc(2027, 4, 2, 22)), CycleState::Testing);
    assert_eq!(
        cycle_state(
            &calendar,
            Some(dates),
            false,
            false,
            0,
            utc(2027, 4, 2, 23) + chrono::Duration::minutes(30)
        ),
        CycleState::SignOffDue
    );
    assert_eq!(
        cycle_state(&calendar, Some(dates), false, true, 0, utc(2027, 3, 1, 9)),
        CycleState::SignedOff
    );
    // A critical issue without a decision blocks, even after a sign-off.
    assert_eq!(
        cycle_state(&calendar, Some(dates), false, true, 1, utc(2027, 3, 30, 9)),
        CycleState::Blocked
    );
    assert_eq!(
        cycle_state(&calendar, None, true, false, 0, utc(2027, 3, 30, 9)),
        CycleState::Delayed
    );
    assert_eq!(
        cycle_state(&calendar, None, false, false, 0, utc(2027, 3, 30, 9)),
        CycleState::Unscheduled
    );
}

fn case(title: &str, result: CaseResult, settled: bool) -> CaseFacts {
    CaseFacts {
        title: title.into(),
        result,
        settled_by_issue: settled,
    }
}

fn issue(severity: Severity, status: IssueStatus, decided: bool) -> IssueFacts {
    IssueFacts {
        title: "Timesheets lose their approver".into(),
        severity,
        status,
        decided,
    }
}

#[test]
fn sign_off_names_every_problem_at_once() {
    let e = ensure_sign_off(
        &[
            case("Log in", CaseResult::Passed, false),
            case("Approve a timesheet", CaseResult::NotRun, false),
            case("CRM integration", CaseResult::Failed, false),
        ],
        &[issue(Severity::Critical, IssueStatus::Open, false)],
    )
    .expect_err("refused");
    assert_eq!(e.kind, crate::ErrorKind::Forbidden);
    assert!(
        e.message
            .contains("1 case not run: \u{201c}Approve a timesheet\u{201d}"),
        "{}",
        e.message
    );
    assert!(
        e.message.contains("\u{201c}CRM integration\u{201d}"),
        "{}",
        e.message
    );
    assert!(
        e.message.contains("1 critical issue without a decision"),
        "{}",
        e.message
    );
    assert!(ensure_sign_off(&[], &[]).is_err());
}

#[test]
fn sign_off_accepts_waived_cases_and_failures_settled_by_a_decided_issue() {
    let cases = [
        case("Log in", CaseResult::Passed, false),
        case("Old report", CaseResult::Waived, false),
        case("CRM integration", CaseResult::Failed, true),
    ];
    let decided = [
        issue(Severity::Critical, IssueStatus::Workaround, true),
        issue(Severity::High, IssueStatus::Open, false),
    ];
    assert!(ensure_sign_off(&cases, &decided).is_ok());
    // A hotfix that arrived puts the critical issue back to retest: its
    // earlier decision still stands.
    assert!(ensure_sign_off(
        &cases,
        &[issue(Severity::Critical, IssueStatus::Retest, true)]
    )
    .is_ok());
}

#[test]
fn a_waiver_needs_its_reason() {
    assert!(check_result(CaseResult::Waived, "  ").is_err());
    assert_eq!(
        check_result(CaseResult::Waived, " Not used since 2025 ").expect("ok"),
        "Not used since 2025"
    );
    assert_eq!(check_result(CaseResult::Passed, "").expect("ok"), "");
}

#[test]
fn decisions_are_checked_and_set_the_status() {
    let d = IssueDecision::Hotfix {
        version: " 10.0.3 ".into(),
    }
    .checked()
    .expect("ok");
    assert_eq!(d.status(), IssueStatus::WaitingForHotfix);
    assert_eq!(d.describe(), "wait for hotfix 10.0.3");
    assert!(IssueDecision::Hotfix {
        version: "soon".into()
    }
    .checked()
    .is_err());
    assert!(IssueDecision::Workaround {
        what: "Approve by e-mail".into(),
        accepted_by: " ".into()
    }
    .checked()
    .is_err());
    let w = IssueDecision::Workaround {
        what: "Approve by e-mail".into(),
        accepted_by: "Finance director".into(),
    }
    .checked()
    .expect("ok");
    assert_eq!(w.status(), IssueStatus::Workaround);
    assert_eq!(
        IssueDecision::Delay { until: None }.describe(),
        "delay production until it is fixed"
    );
}

fn gate() -> GateFacts {
    GateFacts {
        version: "10.0.2".into(),
        signed_off: false,
        overridden: false,
        undecided_critical: Vec::new(),
        delayed_until_fixed: false,
    }
}

#[test]
fn production_waits_for_the_sign_off_or_an_override() {
    let e = ensure_production_cleared(&gate()).expect_err("refused");
    assert!(
        e.message.contains("UAT of 10.0.2 is not signed off"),
        "{}",
        e.message
    );
    assert!(ensure_production_cleared(&GateFacts {
        signed_off: true,
        ..gate()
    })
    .is_ok());
    assert!(ensure_production_cleared(&GateFacts {
        overridden: true,
        ..gate()
    })
    .is_ok());
    let e = ensure_production_cleared(&GateFacts {
        signed_off: true,
        undecided_critical: vec!["\u{201c}Payroll\u{201d}".into()],
        ..gate()
    })
    .expect_err("refused");
    assert!(
        e.message.contains("critical issue without a decision"),
        "{}",
        e.message
    );
    let e = ensure_production_cleared(&GateFacts {
        signed_off: true,
        delayed_until_fixed: true,
        ..gate()
    })
    .expect_err("refused");
    assert!(e.message.contains("delayed until"), "{}", e.message);
}

#[test]
fn a_hotfix_answers_the_version_awaited_or_the_release_and_area_it_fixes() {
    let v = |s: &str| Version::parse(s).expect("version");
    let target = v("10.0.2");
    let fixes = [v("10.0.1"), v("10.0.2")];
    let areas = ["Projects".to_string(), "Security".to_string()];
    assert!(hotfix_answers(
        Some(&v("10.0.3")),
        "",
        &target,
        &v("10.0.3"),
        &[],
        &[]
    ));
    assert!(hotfix_answers(
        None,
        "projects",
        &target,
        &v("10.0.3"),
        &fixes,
        &areas
    ));
    assert!(!hotfix_answers(
        None,
        "Timesheets",
        &target,
        &v("10.0.3"),
        &fixes,
        &areas
    ));
    assert!(!hotfix_answers(
        None,
        "Projects",
        &v("10.1.0"),
        &v("10.0.3"),
        &fixes,
        &areas
    ));
    assert!(!hotfix_answers(
        None,
        "",
        &target,
        &v("10.0.3"),
        &fixes,
        &areas
    ));
}

#[test]
fn only_raster_images_are_shown_inline() {
    assert_eq!(image_type(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
    assert_eq!(image_type(&[0xff, 0xd8, 0xff, 0xe0]), Some("image/jpeg"));
    assert_eq!(image_type(b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
    assert_eq!(image_type(b"<svg xmlns="), None);
    assert_eq!(image_type(b""), None);
}

#[test]
fn progress_reads_as_a_sentence() {
    let p = crate::uat_view::Progress {
        cases: 9,
        passed: 3,
        failed: 1,
        not_run: 5,
        open_issues: [1, 0, 2, 0],
        ..Default::default()
    };
    assert_eq!(
        p.describe(),
        "4 of 9 cases run: 3 passed, 1 failed, 0 blocked, 0 waived; 5 not run; open issues: 1 critical, 2 medium"
    );
}
