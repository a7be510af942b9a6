use super::*;
use crate::extension::{upgrade_changes, Extension};
use chrono::TimeZone;

fn v(text: &str) -> Version {
    Version::parse(text).expect("version")
}

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 1, day, hour, 0, 0)
        .single()
        .expect("instant")
}

fn ext(name: &str, version: &str, from: &str, before: Option<&str>, deps: &[&str]) -> Extension {
    Extension {
        name: name.into(),
        version: v(version),
        platform_from: v(from),
        platform_before: before.map(v),
        depends_on: deps.iter().map(|d| d.to_string()).collect(),
    }
}

fn facts<'a>(
    current: &'a Version,
    target: &'a Version,
    window: &'a [Version],
    from: &'a [Version],
    production: Option<&'a [(String, Vec<Version>)]>,
) -> StartFacts<'a> {
    StartFacts {
        current,
        target,
        window,
        upgrades_from: from,
        production,
    }
}

#[test]
fn a_run_starts_only_for_a_newer_version_inside_the_window() {
    let window = [v("10.0.4"), v("10.0.3"), v("10.0.2")];
    let from = [v("10.0.1"), v("10.0.2"), v("10.0.3")];
    let (cur, target) = (v("10.0.1"), v("10.0.4"));
    ensure_startable(&facts(&cur, &target, &window, &from, None)).expect("startable");

    let old = v("10.0.1");
    let err = ensure_startable(&facts(&cur, &old, &window, &from, None)).expect_err("same");
    assert!(
        err.message.contains("already runs 10.0.1"),
        "{}",
        err.message
    );

    let out = v("10.0.5");
    let err = ensure_startable(&facts(&cur, &out, &window, &from, None)).expect_err("outside");
    assert!(
        err.message
            .contains("outside the version window (10.0.4, 10.0.3, 10.0.2)"),
        "{}",
        err.message
    );

    let cur9 = v("10.0.0");
    let err = ensure_startable(&facts(&cur9, &target, &window, &from, None)).expect_err("from");
    assert!(
        err.message.contains("upgrades from 10.0.1, 10.0.2, 10.0.3"),
        "{}",
        err.message
    );
}

#[test]
fn production_follows_only_a_version_a_sandbox_committed_and_names_it() {
    let window = [v("10.0.4"), v("10.0.3")];
    let from = [v("10.0.1")];
    let (cur, target) = (v("10.0.1"), v("10.0.4"));
    let none = [
        ("Training".to_string(), vec![]),
        ("UAT".to_string(), vec![v("10.0.3")]),
    ];
    let err = ensure_startable(&facts(&cur, &target, &window, &from, Some(&none)))
        .expect_err("no sandbox committed it");
    assert_eq!(err.kind, crate::ErrorKind::Forbidden);
    assert!(
        err.message
            .contains("Upgrade UAT to 10.0.4 and commit it first"),
        "{}",
        err.message
    );

    let done = [("Training".to_string(), vec![v("10.0.4")])];
    ensure_startable(&facts(&cur, &target, &window, &from, Some(&done))).expect("committed");
}

#[test]
fn packages_remove_then_platform_then_missing_hotfixes_then_install() {
    let installed = [
        ext("Timesheet core", "1.0", "10.0.0", None, &[]),
        ext(
            "Project export",
            "1.2",
            "10.0.0",
            Some("10.0.4"),
            &["Timesheet core"],
        ),
    ];
    let available = [ext(
        "Project export",
        "2.0",
        "10.0.4",
        None,
        &["Timesheet core"],
    )];
    let changes = upgrade_changes(&installed, &available, &v("10.0.4")).expect("changes");
    let hotfixes = [
        RequiredHotfix {
            version: v("10.0.3"),
            in_catalog: true,
        },
        RequiredHotfix {
            version: v("10.0.2"),
            in_catalog: false,
        },
    ];
    let plan = plan_packages(&v("10.0.1"), &v("10.0.4"), &hotfixes, &changes, &|_, _| {
        Some(7)
    });
    let labels: Vec<(&str, PackageState)> =
        plan.iter().map(|p| (p.label.as_str(), p.state)).collect();
    assert_eq!(
        labels,
        [
            ("Remove Project export 1.2", PackageState::Pending),
            ("Platform 10.0.4", PackageState::Pending),
            ("Critical hotfix 10.0.3", PackageState::Pending),
            ("Critical hotfix 10.0.2", PackageState::Missing),
            ("Install Project export 2.0", PackageState::Pending),
        ]
    );
    assert_eq!(plan[4].extension_id, Some(7));

    // An environment already past a hotfix has it.
    let plan = plan_packages(&v("10.0.3"), &v("10.0.4"), &hotfixes, &changes, &|_, _| {
        None
    });
    assert!(plan.iter().all(|p| p.kind != PackageKind::Hotfix));
}

#[test]
fn packages_are_applied_one_at_a_time_each_signed_off_before_the_next() {
    let changes = upgrade_changes(&[], &[], &v("10.0.4")).expect("none");
    let mut plan = plan_packages(&v("10.0.1"), &v("10.0.4"), &[], &changes, &|_, _| None);
    plan.push(plan[0].clone());
    assert_eq!(next_package(&plan).expect("first"), 0);
    plan[0].state = PackageState::Applied;
    let err = next_package(&plan).expect_err("awaiting sign-off");
    assert!(
        err.message.contains("Sign off \"Platform 10.0.4\""),
        "{}",
        err.message
    );
    plan[0].state = PackageState::SignedOff;
    assert_eq!(next_package(&plan).expect("second"), 1);
    plan[1].state = PackageState::SignedOff;
    assert_eq!(
        next_package(&plan).expect_err("done").kind,
        crate::ErrorKind::Conflict
    );
}

#[test]
fn the_gate_refuses_a_missing_hotfix_an_unsigned_package_and_a_window_too_short() {
    let changes = upgrade_changes(&[], &[], &v("10.0.4")).expect("none");
    let hotfixes = [RequiredHotfix {
        version: v("10.0.3"),
        in_catalog: false,
    }];
    let mut plan = plan_packages(&v("10.0.1"), &v("10.0.4"), &hotfixes, &changes, &|_, _| {
        None
    });
    plan[0].state = PackageState::SignedOff;
    let err = ensure_gate_open(&plan, 1000, None).expect_err("missing");
    assert!(
        err.message
            .contains("critical hotfix 10.0.3, which is not in the catalog"),
        "{}",
        err.message
    );
    plan[1].state = PackageState::Applied;
    let err = ensure_gate_open(&plan, 1000, None).expect_err("unsigned");
    assert!(
        err.message
            .contains("\"Critical hotfix 10.0.3\" is not signed off"),
        "{}",
        err.message
    );
    plan[1].state = PackageState::SignedOff;
    ensure_gate_open(&plan, 1000, None).expect("sandbox: no window");
    // The prediction plus its 50% margin must fit.
    ensure_gate_open(&plan, 1000, Some(1500)).expect("fits exactly with the margin");
    ensure_gate_open(&plan, 1000, Some(1499)).expect_err("not with the margin");
    let err = ensure_gate_open(&plan, 80_000, Some(60_000)).expect_err("too long");
    assert!(
        err.message.contains(
            "predicted to take 1 min 20 s (2 min 00 s with a 50% margin), but only 1 min 00 s"
        ),
        "{}",
        err.message
    );
}

#[test]
fn the_timer_deletes_an_unused_copy_on_day_ten_and_leaves_an_upgraded_one() {
    let started = at(1, 9);
    assert_eq!(deadline(started), at(11, 9));
    for state in [
        UpgradeState::Preparing,
        UpgradeState::Packages,
        UpgradeState::RolledBack,
    ] {
        assert_eq!(
            timer_outcome(state, started, at(11, 8)),
            TimerOutcome::Nothing
        );
        assert_eq!(
            timer_outcome(state, started, at(11, 9)),
            TimerOutcome::DeleteCopy
        );
    }
    for state in [
        UpgradeState::Validating,
        UpgradeState::Failed,
        UpgradeState::DataUpgrade,
    ] {
        assert_eq!(
            timer_outcome(state, started, at(12, 0)),
            TimerOutcome::AwaitDecision
        );
    }
    for state in [
        UpgradeState::Committed,
        UpgradeState::Expired,
        UpgradeState::Cancelled,
    ] {
        assert_eq!(
            timer_outcome(state, started, at(20, 0)),
            TimerOutcome::Nothing
        );
    }
}

#[test]
fn data_steps_run_in_order_and_only_those_after_the_restore_point_touch_data() {
    let touching: Vec<DataStep> = DataStep::ALL
        .into_iter()
        .filter(|s| s.touches_data())
        .collect();
    assert_eq!(touching.first(), Some(&DataStep::RemoveExtensions));
    assert!(!DataStep::RestorePoint.touches_data());
    assert_eq!(DataStep::Lock.next(), Some(DataStep::RestorePoint));
    assert_eq!(DataStep::Unlock.next(), None);
    for s in DataStep::ALL {
        assert_eq!(DataStep::parse(s.as_str()).expect("parse"), s);
    }
    // Each step recorded and logged, each package logged, six more.
    assert_eq!(recorded_writes(4), 2 * 9 + 4 + 6);
    assert!(UpgradeState::Packages.cancellable());
    assert!(!UpgradeState::Validating.cancellable());
}

#[test]
fn a_run_needs_room_for_three_copies_of_the_store() {
    let mb = 1_048_576u64;
    assert!(ensure_disk_space(100 * mb, 330 * mb).is_ok());
    let e = ensure_disk_space(100 * mb, 329 * mb).expect_err("too little");
    assert_eq!(e.kind, crate::ErrorKind::Conflict);
    assert!(
        e.message.contains("need about 330 MB, 329 MB are free"),
        "{}",
        e.message
    );
}
