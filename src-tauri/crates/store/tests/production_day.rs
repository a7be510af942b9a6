//! Production's day for a scheduled minor release (the setup of `uat.rs`:
//! 10.0.2 on Wave 2, Sat 30 Jan 2027, 16:00–19:00 London): the "upgrade
//! completed" notice filed with the commit, the rollback that names the
//! next wave still open, and notices shown on the desktop only to an admin
//! who opted in to their category for their account.

mod common;

use common::boss;
use common::uat::*;
use cutover_core::inbox::Category;
use cutover_core::uat::CaseResult;
use cutover_core::upgrade::{DataStep, UpgradeRun};
use cutover_core::Result;
use cutover_store::control::failpoint::{FailMode, Failpoint, Site};

/// UAT upgraded and signed off, production's run rehearsed on Wave 2's day.
fn rehearsed_on_the_wave(s: &Setup) -> Result<(UpgradeRun, chrono::DateTime<chrono::Utc>)> {
    uat_on_10_0_2(s)?;
    let d = s.ws.generate_uat_plan(s.cycle, &boss(), now())?;
    for c in &d.cases {
        s.ws.record_uat_result(c.id, result(CaseResult::Passed, ""), &sam(), now())?;
    }
    s.ws.uat_sign_off(s.cycle, &boss(), now())?;
    let on_the_wave = utc(2027, 1, 30, 16) + chrono::Duration::minutes(5);
    let run =
        s.ws.start_upgrade(s.production, "10.0.2", &boss(), on_the_wave)?;
    s.ws.prepare_upgrade(run.id, &|| on_the_wave)?;
    for _ in 0..run.packages.len() {
        s.ws.apply_next_package(run.id, &boss(), &|| on_the_wave)?;
        s.ws.sign_off_package(run.id, &boss(), on_the_wave)?;
    }
    Ok((run, on_the_wave))
}

#[test]
fn the_commit_files_one_upgrade_completed_notice_for_those_who_opted_in() -> Result<()> {
    let s = setup()?;
    let (run, at) = rehearsed_on_the_wave(&s)?;
    let before = s.ws.inbox()?.len();
    s.ws.start_data_upgrade(run.id, &boss(), &|| at)?;
    s.ws.commit_upgrade(run.id, &boss(), at)?;
    let inbox = s.ws.inbox()?;
    let done: Vec<_> = inbox[..inbox.len() - before]
        .iter()
        .filter(|n| n.title.starts_with("Upgrade completed"))
        .collect();
    assert_eq!(done.len(), 1, "{inbox:#?}");
    let n = done[0];
    assert_eq!(
        n.title,
        "Upgrade completed: Northwind Foods (demo) production runs 10.0.2"
    );
    assert_eq!(
        (n.category, n.account_id),
        (Category::UpgradeInfo, Some(s.account))
    );
    for said in [
        "Alex Morgan committed the upgrade of Production to 10.0.2 (from 10.0.1).",
        "Downtime was",
        "Still to do: Switch integrations that use the v1 REST API",
        "UAT runs 10.0.2 like production again and can be the playground",
        "Behind production now:",
        "To: Alex Morgan, Priya Shah, Sam Lee.",
    ] {
        assert!(n.body.contains(said), "{said} missing: {}", n.body);
    }
    // Committing UAT files none (it was committed in the setup).
    assert_eq!(
        inbox
            .iter()
            .filter(|n| n.title.starts_with("Upgrade completed"))
            .count(),
        1
    );
    Ok(())
}

#[test]
fn a_rolled_back_production_upgrade_names_the_next_wave_still_open() -> Result<()> {
    let s = setup()?;
    // With the default 14 days' notice, Wave 3 (two weeks after Wave 2) is
    // a few minutes too close; this account asks for 10.
    let mut settings = s.ws.account_calendar(s.account)?.settings;
    settings.min_notice_days = 10;
    s.ws.set_account_calendar(s.account, "Europe/London", settings, &boss())?;
    let (run, at) = rehearsed_on_the_wave(&s)?;
    s.ws.set_failpoint(Some(Failpoint {
        site: Site::Data(DataStep::Checks),
        mode: FailMode::FailingCheck,
    }));
    let e =
        s.ws.start_data_upgrade(run.id, &boss(), &|| at)
            .expect_err("a failing check");
    assert!(
        e.message.contains("It is back online on 10.0.1."),
        "{}",
        e.message
    );
    // The run and the notice offer the same next attempt.
    let view = s.ws.upgrade_run(run.id)?;
    assert_eq!(
        (view.next_wave.as_deref(), view.next_window),
        (Some("Wave 3"), Some(utc(2027, 2, 13, 16)))
    );
    let notice =
        s.ws.inbox()?
            .into_iter()
            .find(|n| n.title == "Upgrade of Production rolled back")
            .expect("notice");
    assert!(
        notice.body.contains(
            "The next wave that can still be scheduled: Wave 3, Sat 13 Feb 2027 16:00 GMT"
        ),
        "{}",
        notice.body
    );
    assert_eq!(notice.category, Category::UpgradeInfo);
    // Rescheduling there needs no new UAT window: UAT is signed off.
    let release = release_id(&s.ws, s.account, "10.0.2")?;
    let plan =
        s.ws.schedule_upgrade(release, day(2027, 2, 13), &boss(), at)?;
    assert_eq!(
        (plan.wave.as_deref(), plan.uat_start),
        (Some("Wave 3"), None)
    );
    Ok(())
}

#[test]
fn the_desktop_shows_a_notice_only_to_an_admin_who_opted_in_for_its_account() -> Result<()> {
    let s = setup()?;
    let alex = boss();
    let me =
        s.ws.recipients(s.account)?
            .into_iter()
            .find(|r| r.admin_id == Some(alex.id))
            .expect("Alex is a recipient");
    s.ws.set_recipient_category(me.id, Category::UpgradeInfo, false, &alex)?;
    let upgrade =
        s.ws.post_notice(now(), Some(s.account), Category::UpgradeInfo, "Hotfix", "…")?;
    let health = s.ws.post_notice(
        now(),
        Some(s.account),
        Category::SystemHealth,
        "Restored",
        "…",
    )?;
    assert_eq!(
        s.ws.desktop_refusal(&upgrade, &alex)?.as_deref(),
        Some("Not shown on the desktop: Alex Morgan has not opted in to upgrade information.")
    );
    assert_eq!(s.ws.desktop_refusal(&health, &alex)?, None);
    // Another admin who did not opt out sees it.
    assert_eq!(s.ws.desktop_refusal(&upgrade, &sam())?, None);
    Ok(())
}

#[test]
fn notices_are_marked_read_one_by_one_and_read_ones_cleared() -> Result<()> {
    let s = setup()?;
    // A reminder's notice, then two more.
    let fired = s.ws.fire_due_reminders(utc(2027, 1, 11, 8))?;
    assert_eq!(fired.len(), 1);
    let a =
        s.ws.post_notice(now(), Some(s.account), Category::UpgradeInfo, "A", "…")?;
    let b =
        s.ws.post_notice(now(), None, Category::SystemHealth, "B", "…")?;
    for n in [&fired[0], &a, &b] {
        s.ws.notice_delivered(n.id, Ok(()))?;
    }
    s.ws.mark_notice_read(fired[0].id)?;
    s.ws.mark_notice_read(a.id)?;
    assert!(s.ws.mark_notice_read(9_999).is_err());
    let unread: Vec<String> =
        s.ws.inbox()?
            .into_iter()
            .filter(|n| !n.read)
            .map(|n| n.title)
            .collect();
    assert!(unread.contains(&"B".to_string()) && !unread.contains(&"A".to_string()));
    let before = s.ws.inbox()?.len();
    assert_eq!(s.ws.clear_read_notices()?, 2);
    let left = s.ws.inbox()?;
    assert_eq!(left.len(), before - 2);
    assert!(left.iter().all(|n| n.id != a.id && n.id != fired[0].id));
    // The reminder stays fired: it does not come back.
    assert!(s.ws.fire_due_reminders(utc(2027, 1, 11, 9))?.is_empty());
    Ok(())
}
