use super::*;
use chrono::TimeZone;

fn v(text: &str) -> Version {
    Version::parse(text).expect("version")
}

fn at(day: u32, month: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, month, day, 0, 0, 0)
        .single()
        .expect("instant")
}

fn listed(version: &str, ga: DateTime<Utc>) -> Listed {
    Listed {
        version: v(version),
        general_availability: ga,
    }
}

#[test]
fn versions_order_by_number_not_text() {
    assert!(v("10.0.10") > v("10.0.9"));
    assert!(v("10.0.2.1") > v("10.0.2"));
    assert_eq!(v("10.0"), v("10.0.0"));
    assert!(v("8.1.3") < v("10.0.0"));
    assert!(v("10.0.10").sort_key() > v("10.0.9").sort_key());
    assert_eq!(v("10.0.2").to_string(), "10.0.2");
}

#[test]
fn malformed_versions_are_refused_with_an_example() {
    for bad in [
        "",
        "10",
        "10..2",
        "v10.0",
        "10.0.-1",
        "10.0.x",
        "1.2.3.4.5.6",
        "99999999999.0",
    ] {
        let err = Version::parse(bad).expect_err(bad);
        assert!(
            err.message.contains("such as 10.0.2"),
            "{bad}: {}",
            err.message
        );
    }
}

#[test]
fn the_window_holds_the_newest_generally_available_versions() {
    // Seed 002's table: 8.1.3, 10.0.0 and 10.0.1 are selectable until 10.0.2 is GA.
    let mut releases = vec![
        listed("8.1.3", at(1, 3)),
        listed("10.0.0", at(1, 4)),
        listed("10.0.1", at(8, 4)),
        listed("10.0.2", at(27, 5)),
    ];
    let before = window(&releases, 3, at(20, 5));
    assert_eq!(before, vec![v("10.0.1"), v("10.0.0"), v("8.1.3")]);
    assert_eq!(
        selectable(&releases[3], &before, at(20, 5)),
        Selectable::NotYetAvailable
    );
    let after = window(&releases, 3, at(27, 5));
    assert_eq!(after, vec![v("10.0.2"), v("10.0.1"), v("10.0.0")]);
    assert_eq!(
        selectable(&releases[0], &after, at(27, 5)),
        Selectable::DroppedOut
    );
    assert_eq!(selectable(&releases[3], &after, at(27, 5)), Selectable::Yes);
    // An older release imported late does not push anything out.
    releases.push(listed("9.0.0", at(1, 1)));
    assert_eq!(window(&releases, 3, at(27, 5)), after);
    assert_eq!(window(&releases, 1, at(27, 5)), vec![v("10.0.2")]);
}

#[test]
fn window_sizes_outside_the_range_are_refused() {
    assert_eq!(check_window_size(3), Ok(3));
    assert!(check_window_size(0).is_err());
    assert!(check_window_size(13).is_err());
}

#[test]
fn production_cannot_follow_a_sandbox_whose_version_dropped_out() {
    let window = vec![v("10.0.2"), v("10.0.1"), v("10.0.0")];
    let block = production_blocked("UAT", &v("8.1.3"), &v("7.3"), &window).expect("blocked");
    assert!(block.contains("8.1.3, which has dropped out"), "{block}");
    assert!(
        block.contains("upgrade it again to 10.0.2, 10.0.1, 10.0.0"),
        "{block}"
    );
    assert_eq!(
        production_blocked("UAT", &v("10.0.1"), &v("7.3"), &window),
        None
    );
    // A sandbox on production's own version (or older) blocks nothing.
    assert_eq!(
        production_blocked("UAT", &v("7.3"), &v("7.3"), &window),
        None
    );
}

#[test]
fn areas_concern_environments_that_use_them() {
    let apps = vec!["Projects".to_string(), "HR".to_string()];
    assert!(concerns("Projects", &apps));
    assert!(concerns("hr", &apps));
    assert!(concerns("Security", &apps));
    assert!(!concerns("Sales", &apps));
}

#[test]
fn action_required_and_deprecations_come_first() {
    let mut items = [
        (NoteKind::Feature, false),
        (NoteKind::Deprecation, false),
        (NoteKind::Fix, true),
        (NoteKind::Change, false),
    ];
    items.sort_by_key(|(k, a)| cumulative_rank(*k, *a));
    assert_eq!(items[0], (NoteKind::Fix, true));
    assert_eq!(items[1], (NoteKind::Deprecation, false));
}

#[test]
fn a_hotfix_affects_the_versions_it_fixes() {
    let fixed = vec![v("10.0.1"), v("10.0.2")];
    assert!(hotfix_affects(&fixed, &v("10.0.2")));
    assert!(!hotfix_affects(&fixed, &v("10.0.3")));
}

#[test]
fn release_types_read_and_write_as_text() {
    for t in [
        ReleaseType::Maintenance,
        ReleaseType::Minor,
        ReleaseType::Major,
        ReleaseType::Hotfix,
    ] {
        assert_eq!(ReleaseType::parse(t.as_str()), Ok(t));
    }
    assert!(ReleaseType::parse("service-pack").is_err());
}

#[test]
fn only_web_links_go_to_the_browser() {
    assert_eq!(
        web_link(" https://docs.northwind.example/security ").as_deref(),
        Ok("https://docs.northwind.example/security")
    );
    assert!(web_link("HTTP://example.com/a?b=c#d").is_ok());
    for bad in [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "/usr/bin/xterm",
        "https://",
        "https:///etc/passwd",
        "https://example.com/a b",
        "https://example.com/\u{7}",
        "mailto:someone@example.com",
    ] {
        let e = web_link(bad).expect_err(bad);
        assert_eq!(e.kind, crate::ErrorKind::Invalid, "{bad}");
    }
    let long = format!("https://example.com/{}", "a".repeat(MAX_LINK_LEN));
    assert!(web_link(&long).is_err());
}
