use super::*;

fn v(text: &str) -> Version {
    Version::parse(text).expect("version")
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

#[test]
fn installing_needs_a_fitting_platform_and_the_dependencies_first() {
    let core = ext("Timesheet core", "1.0", "10.0.0", None, &[]);
    let approvals = ext(
        "Timesheet approvals",
        "2.1",
        "10.0.1",
        Some("10.0.4"),
        &["Timesheet core"],
    );
    let err = ensure_installable(&approvals, &v("10.0.1"), &[]).expect_err("dependency");
    assert!(
        err.message.contains("needs Timesheet core installed first"),
        "{}",
        err.message
    );
    assert!(ensure_installable(&approvals, &v("10.0.1"), std::slice::from_ref(&core)).is_ok());
    let err = ensure_installable(&approvals, &v("10.0.4"), std::slice::from_ref(&core))
        .expect_err("platform");
    assert!(
        err.message.contains(
            "supports platform 10.0.1 up to (not including) 10.0.4; this environment runs 10.0.4"
        ),
        "{}",
        err.message
    );
    let err =
        ensure_installable(&core, &v("10.0.1"), std::slice::from_ref(&core)).expect_err("twice");
    assert_eq!(err.kind, crate::ErrorKind::Conflict);
}

#[test]
fn removing_waits_for_what_depends_on_it() {
    let installed = vec![
        ext("Timesheet core", "1.0", "10.0.0", None, &[]),
        ext(
            "Timesheet approvals",
            "2.1",
            "10.0.1",
            None,
            &["Timesheet core"],
        ),
    ];
    let err = ensure_removable("Timesheet core", &installed).expect_err("needed");
    assert!(
        err.message
            .contains("needed by Timesheet approvals 2.1; uninstall it first"),
        "{}",
        err.message
    );
    assert!(ensure_removable("Timesheet approvals", &installed).is_ok());
    assert_eq!(
        ensure_removable("Payroll", &installed)
            .expect_err("absent")
            .kind,
        crate::ErrorKind::NotFound
    );
}

#[test]
fn a_set_installs_in_dependency_order_and_a_cycle_is_refused() {
    let set = vec![
        ext("C", "1.0", "10.0", None, &["B"]),
        ext("A", "1.0", "10.0", None, &[]),
        ext("B", "1.0", "10.0", None, &["A", "Outside"]),
    ];
    let names: Vec<String> = install_order(&set)
        .expect("order")
        .into_iter()
        .map(|e| e.name)
        .collect();
    assert_eq!(names, ["A", "B", "C"]);
    let cycle = vec![
        ext("X", "1.0", "10.0", None, &["Y"]),
        ext("Y", "1.0", "10.0", None, &["X"]),
    ];
    assert!(install_order(&cycle)
        .expect_err("cycle")
        .message
        .contains("X, Y depend on each other"));
}

#[test]
fn an_upgrade_replaces_incompatible_extensions_with_their_newest_fitting_version() {
    let installed = vec![
        ext("Timesheet core", "1.0", "10.0.0", None, &[]),
        ext(
            "Project export",
            "1.2",
            "10.0.0",
            Some("10.0.4"),
            &["Timesheet core"],
        ),
    ];
    let available = vec![
        ext(
            "Project export",
            "1.2",
            "10.0.0",
            Some("10.0.4"),
            &["Timesheet core"],
        ),
        ext("Project export", "2.0", "10.0.4", None, &["Timesheet core"]),
        ext("Project export", "2.1", "10.0.4", None, &["Timesheet core"]),
        ext("Project export", "3.0", "10.1.0", None, &["Timesheet core"]),
    ];
    let changes = upgrade_changes(&installed, &available, &v("10.0.4")).expect("changes");
    assert_eq!(
        changes.remove.iter().map(|e| e.label()).collect::<Vec<_>>(),
        ["Project export 1.2"]
    );
    assert_eq!(
        changes
            .install
            .iter()
            .map(|e| e.label())
            .collect::<Vec<_>>(),
        ["Project export 2.1"]
    );
    let none = upgrade_changes(&installed, &available[..1], &v("10.0.4")).expect_err("none");
    assert!(
        none.message
            .contains("Project export 1.2 does not support 10.0.4"),
        "{}",
        none.message
    );
    // Compatible extensions stay as they are.
    let stay = upgrade_changes(&installed, &available, &v("10.0.3")).expect("stay");
    assert!(stay.remove.is_empty() && stay.install.is_empty());
}

#[test]
fn removal_runs_in_reverse_dependency_order() {
    let installed = vec![
        ext("A", "1.0", "10.0", Some("10.1"), &[]),
        ext("B", "1.0", "10.0", Some("10.1"), &["A"]),
    ];
    let available = vec![
        ext("A", "2.0", "10.1", None, &[]),
        ext("B", "2.0", "10.1", None, &["A"]),
    ];
    let changes = upgrade_changes(&installed, &available, &v("10.1")).expect("changes");
    assert_eq!(
        changes
            .remove
            .iter()
            .map(|e| e.name.as_str())
            .collect::<Vec<_>>(),
        ["B", "A"]
    );
    assert_eq!(
        changes
            .install
            .iter()
            .map(|e| e.name.as_str())
            .collect::<Vec<_>>(),
        ["A", "B"]
    );
}
