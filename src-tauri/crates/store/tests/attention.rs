//! "What needs you" on the demo desktop, from the real control database:
//! production without a backup comes first and goes once one is taken; the
//! demo's hotfix is there to review until its notes are; the scheduled
//! upgrade and its UAT cycle are listed with their places; a run awaiting
//! commit is listed until it is committed.

mod common;

use common::boss;
use common::uat::{now, setup, uat_on_10_0_2, utc};
use cutover_core::attention::{Target, Urgency};
use cutover_core::backup::BackupReason;
use cutover_core::Result;

fn titles(list: &[cutover_core::attention::Attention]) -> Vec<String> {
    list.iter().map(|a| a.title.clone()).collect()
}

#[test]
fn the_list_follows_what_the_admin_does() -> Result<()> {
    let s = setup()?;
    let list = s.ws.needs_you(&boss(), now())?;
    assert_eq!(list[0].title, "Production has no backup");
    assert_eq!(list[0].urgency, Urgency::Now);
    assert_eq!(
        list[0].target,
        Target::Backups {
            environment_id: s.production
        }
    );
    let titles_now = titles(&list);
    assert!(
        titles_now.contains(&"Hotfix 10.0.3 to review (Projects, Security)".to_string()),
        "{titles_now:?}"
    );
    let plan = list
        .iter()
        .find(|a| a.title == "Production upgrade to 10.0.2 (Wave 2)")
        .expect("the scheduled upgrade");
    assert_eq!(plan.urgency, Urgency::Planned);
    assert_eq!(plan.at, Some(utc(2027, 1, 30, 16)));
    let cycle = list
        .iter()
        .find(|a| a.title.starts_with("UAT of 10.0.2"))
        .expect("the cycle");
    assert_eq!(cycle.target, Target::Uat { cycle_id: s.cycle });

    s.ws.take_backup(s.production, BackupReason::Manual, &boss(), now(), &|_| {})?;
    let list = s.ws.needs_you(&boss(), now())?;
    assert!(!titles(&list).contains(&"Production has no backup".to_string()));
    // A week and a day later the same backup is old.
    let later = now() + chrono::Duration::days(8);
    assert!(titles(&s.ws.needs_you(&boss(), later)?)
        .contains(&"Production's newest backup is 8 days old".to_string()));

    // Reviewing every note of the hotfix takes it off the list.
    let account = s.account;
    let hotfix =
        s.ws.catalog(account, &boss(), now())?
            .releases
            .into_iter()
            .find(|r| r.version == "10.0.3")
            .expect("10.0.3");
    for note in s.ws.release_notes(hotfix.id, &boss(), now())?.notes {
        s.ws.set_note_reviewed(note.id, true, &boss(), now())?;
    }
    assert!(!titles(&s.ws.needs_you(&boss(), now())?)
        .iter()
        .any(|t| t.starts_with("Hotfix 10.0.3")));

    // A run of UAT awaiting commit is listed until it is committed.
    let run = s.ws.start_upgrade(s.uat, "10.0.2", &boss(), now())?;
    let open = s.ws.needs_you(&boss(), now())?;
    assert!(
        titles(&open).contains(&"UAT: upgrade to 10.0.2 is open".to_string()),
        "{:?}",
        titles(&open)
    );
    s.ws.cancel_upgrade_run(run.id, &boss(), now())?;
    uat_on_10_0_2(&s)?;
    assert!(!titles(&s.ws.needs_you(&boss(), now())?)
        .iter()
        .any(|t| t.starts_with("UAT: upgrade")));
    Ok(())
}

/// Notices name what they are about, and a run's notice asking to commit
/// or roll back is settled (read) once the run is committed.
#[test]
fn notices_open_their_object_and_settle_with_the_run() -> Result<()> {
    let s = setup()?;
    let hotfix = s.ws.inbox()?;
    let concerns = hotfix
        .iter()
        .find(|n| n.title.starts_with("Hotfix 10.0.3 concerns"))
        .expect("the demo's hotfix notice");
    assert!(
        matches!(concerns.target, Some(Target::Release { account_id, .. }) if account_id == s.account),
        "{:?}",
        concerns.target
    );
    uat_on_10_0_2(&s)?;
    let upgraded =
        s.ws.inbox()?
            .into_iter()
            .find(|n| n.title == "UAT upgraded to 10.0.2")
            .expect("the data upgrade's notice");
    assert_eq!(
        upgraded.target,
        Some(Target::Upgrade {
            environment_id: s.uat
        })
    );
    assert!(upgraded.read, "settled by the commit");
    Ok(())
}

/// Calendar events open what they are about: the upgrade its release, the
/// UAT window and refresh day their cycle.
#[test]
fn calendar_events_name_their_object() -> Result<()> {
    let s = setup()?;
    let events =
        s.ws.calendar_events(s.account, utc(2027, 1, 1, 0), utc(2027, 2, 28, 0))?;
    let target = |kind: cutover_core::schedule_view::EventKind| {
        events
            .iter()
            .find(|e| e.kind == kind)
            .and_then(|e| e.target)
    };
    use cutover_core::schedule_view::EventKind;
    assert!(matches!(
        target(EventKind::Upgrade),
        Some(Target::Release { account_id, .. }) if account_id == s.account
    ));
    assert_eq!(
        target(EventKind::UatWindow),
        Some(Target::Uat { cycle_id: s.cycle })
    );
    assert_eq!(
        target(EventKind::UatRefresh),
        Some(Target::Uat { cycle_id: s.cycle })
    );
    assert_eq!(target(EventKind::MaintenanceWindow), None);
    Ok(())
}
