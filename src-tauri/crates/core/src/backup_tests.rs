use super::*;
use crate::ErrorKind;
use chrono::TimeZone;

fn backup(id: BackupId, hour: u32, reason: BackupReason) -> Backup {
    Backup {
        id,
        environment_id: 1,
        taken_at: Utc.with_ymd_and_hms(2026, 11, 23, hour, 0, 0).unwrap(),
        reason,
        size_bytes: 1,
        sha256: "00".into(),
        verified_at: Some(Utc.with_ymd_and_hms(2026, 11, 23, hour, 1, 0).unwrap()),
        problem: None,
        author: "Alex".into(),
        released_at: None,
        platform_version: Some("10.0.1".into()),
        records: Some(1_000),
    }
}

#[test]
fn a_released_restore_point_no_longer_guards_and_falls_under_the_retention() {
    let mut point = backup(1, 9, BackupReason::BeforeUpgrade);
    let manual = backup(2, 10, BackupReason::Manual);
    assert!(manual_backups_to_prune(&[point.clone(), manual.clone()], 1).is_empty());
    let all = [point.clone(), manual.clone()];
    assert!(ensure_backup_deletable(&all[0], &all, false).is_err());
    point.released_at = Some(Utc.with_ymd_and_hms(2026, 11, 23, 11, 0, 0).unwrap());
    let all = [point.clone(), manual];
    assert!(ensure_backup_deletable(&all[0], &all, false).is_ok());
    assert_eq!(manual_backups_to_prune(&all, 1), [1]);
}

#[test]
fn reasons_round_trip_through_text() {
    for r in BackupReason::ALL {
        assert_eq!(BackupReason::parse(r.as_str()), Ok(r));
    }
    assert!(BackupReason::parse("whim").is_err());
}

#[test]
fn manual_backups_are_deleted_without_asking() {
    let all = [backup(1, 9, BackupReason::Manual)];
    assert!(ensure_backup_deletable(&all[0], &all, false).is_ok());
}

#[test]
fn the_newest_guarding_backup_needs_confirmation() {
    let all = [
        backup(1, 9, BackupReason::BeforeRestore),
        backup(2, 10, BackupReason::BeforeRefresh),
        backup(3, 11, BackupReason::Manual),
    ];
    let err = ensure_backup_deletable(&all[1], &all, false).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Conflict);
    assert!(err.message.contains("Confirm"));
    assert!(ensure_backup_deletable(&all[1], &all, true).is_ok());
    // An older guard is not the way back any more.
    assert!(ensure_backup_deletable(&all[0], &all, false).is_ok());
}

#[test]
fn only_verified_sound_backups_are_restored() {
    let good = backup(1, 9, BackupReason::Manual);
    assert!(ensure_restorable(&good).is_ok());
    let unverified = Backup {
        verified_at: None,
        ..good.clone()
    };
    assert_eq!(
        ensure_restorable(&unverified).unwrap_err().kind,
        ErrorKind::Conflict
    );
    let damaged = Backup {
        problem: Some("Its checksum differs.".into()),
        ..good
    };
    let err = ensure_restorable(&damaged).unwrap_err();
    assert!(err.message.contains("checksum differs"));
}

#[test]
fn retention_prunes_only_the_oldest_manual_backups() {
    let all = [
        backup(1, 8, BackupReason::Manual),
        backup(2, 9, BackupReason::BeforeRestore),
        backup(3, 10, BackupReason::Manual),
        backup(4, 11, BackupReason::Manual),
        backup(5, 7, BackupReason::BeforeRefresh),
    ];
    assert_eq!(manual_backups_to_prune(&all, 2), vec![1]);
    assert_eq!(manual_backups_to_prune(&all, 1), vec![3, 1]);
    assert!(manual_backups_to_prune(&all, 3).is_empty());
}

#[test]
fn retention_is_between_one_and_a_hundred() {
    assert_eq!(validate_retention(10), Ok(10));
    for bad in [0, 101] {
        let err = validate_retention(bad).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Invalid);
        assert!(err.message.contains("between 1 and 100"));
    }
}

fn state(version: &str, extensions: &[(&str, &str)]) -> PlatformState {
    PlatformState {
        version: version.into(),
        extensions: extensions
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect(),
    }
}

#[test]
fn the_same_platform_changes_nothing() {
    let s = state("10.0.1", &[("Timesheet core", "1.0")]);
    assert_eq!(platform_change("Production", &s, &s), None);
}

#[test]
fn a_version_and_extensions_are_said_in_plain_words() {
    let now = state(
        "10.0.4",
        &[("Project export", "2.0"), ("Audit trail", "1.1")],
    );
    let then = state(
        "10.0.1",
        &[("Project export", "1.2"), ("Timesheet core", "1.0")],
    );
    assert_eq!(
        platform_change("Production", &now, &then).as_deref(),
        Some("This also takes Production from platform 10.0.4 back to 10.0.1, reinstalls Project export 1.2 in place of 2.0, reinstalls Timesheet core 1.0 and removes Audit trail 1.1")
    );
}
