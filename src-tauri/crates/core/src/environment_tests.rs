use super::*;
use crate::ErrorKind;
use EnvironmentKind::*;

#[test]
fn kinds_round_trip_through_text() {
    for kind in EnvironmentKind::ALL {
        assert_eq!(EnvironmentKind::parse(kind.as_str()), Ok(kind));
    }
    assert_eq!(
        EnvironmentKind::parse("staging").unwrap_err().kind,
        ErrorKind::Invalid
    );
}

#[test]
fn sandboxes_uat_and_promotables_are_copied_from_production() {
    for target in [Uat, Sandbox, Promotable, Development] {
        assert!(ensure_copyable(Production, target).is_ok(), "{target}");
    }
}

#[test]
fn nothing_is_copied_into_production() {
    for source in EnvironmentKind::ALL {
        let err = ensure_copyable(source, Production).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Forbidden);
    }
}

#[test]
fn sandboxes_may_not_start_from_other_sandboxes() {
    for source in [Uat, Sandbox, Promotable, Development] {
        for target in [Uat, Sandbox, Promotable] {
            let err = ensure_copyable(source, target).unwrap_err();
            assert_eq!(err.kind, ErrorKind::Forbidden, "{source} -> {target}");
            assert!(err.message.contains("must be copied from production"));
        }
    }
}

#[test]
fn development_may_start_from_any_environment() {
    for source in EnvironmentKind::ALL {
        assert!(ensure_copyable(source, Development).is_ok());
    }
}

#[test]
fn production_cannot_be_deleted_but_everything_else_can() {
    let err = ensure_deletable(Production, "Production").unwrap_err();
    assert_eq!(err.kind, ErrorKind::Forbidden);
    assert!(err.message.contains("cannot be deleted"));
    for kind in [Uat, Sandbox, Promotable, Development] {
        assert!(ensure_deletable(kind, "x").is_ok());
    }
}

#[test]
fn names_are_unique_per_account_ignoring_case_and_spaces() {
    let existing = ["Production", "UAT"];
    assert!(ensure_unique_name("Sandbox 1", existing).is_ok());
    let err = ensure_unique_name(" uat ", existing).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Conflict);
    assert!(err.message.contains("\"uat\""));
}

#[test]
fn only_one_production_and_one_uat() {
    let existing = [Production, Uat, Sandbox];
    assert_eq!(
        ensure_kind_available(Uat, &existing).unwrap_err().kind,
        ErrorKind::Conflict
    );
    assert_eq!(
        ensure_kind_available(Production, &existing)
            .unwrap_err()
            .kind,
        ErrorKind::Conflict
    );
    assert!(ensure_kind_available(Sandbox, &existing).is_ok());
    assert!(ensure_kind_available(Uat, &[Production]).is_ok());
}

#[test]
fn names_are_trimmed_and_checked() {
    assert_eq!(
        validate_name("  Sandbox (HR) ").as_deref(),
        Ok("Sandbox (HR)")
    );
    assert_eq!(validate_name("   ").unwrap_err().kind, ErrorKind::Invalid);
    assert_eq!(
        validate_name(&"x".repeat(61)).unwrap_err().kind,
        ErrorKind::Invalid
    );
    let err = validate_name("a/b").unwrap_err();
    assert!(err.message.contains("\"/\""), "{}", err.message);
    assert!(validate_name("Früh-Test_2.1").is_ok());
}

#[test]
fn locked_environments_refuse_changes() {
    assert_eq!(
        ensure_unlocked(EnvironmentStatus::Locked, "Production")
            .unwrap_err()
            .kind,
        ErrorKind::Locked
    );
    assert!(ensure_unlocked(EnvironmentStatus::Ready, "Production").is_ok());
}

#[test]
fn changing_production_needs_a_confirmation() {
    let e = ensure_confirmed(EnvironmentKind::Production, "Production", false).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Unconfirmed);
    assert!(ensure_confirmed(EnvironmentKind::Production, "Production", true).is_ok());
    assert!(ensure_confirmed(EnvironmentKind::Promotable, "Sandbox", false).is_ok());
}

#[test]
fn only_non_production_environments_are_refreshed() {
    assert_eq!(
        ensure_refreshable(Production, "Production")
            .unwrap_err()
            .kind,
        ErrorKind::Forbidden
    );
    for kind in [Uat, Sandbox, Promotable, Development] {
        assert!(ensure_refreshable(kind, "x").is_ok());
    }
}
