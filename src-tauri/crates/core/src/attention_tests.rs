use super::*;
use chrono::TimeZone;

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 1, day, hour, 0, 0)
        .single()
        .expect("instant")
}

fn production(last_backup_at: Option<DateTime<Utc>>) -> ProductionFacts {
    ProductionFacts {
        environment_id: 1,
        name: "Production".into(),
        version: "10.0.1".into(),
        last_backup_at,
        in_window: true,
        oldest_in_window: false,
    }
}

fn account(production: Option<ProductionFacts>) -> AccountFacts {
    AccountFacts {
        account_id: 7,
        account_name: "Northwind".into(),
        production,
        hotfixes: Vec::new(),
        runs: Vec::new(),
        cycles: Vec::new(),
        next_plan: None,
    }
}

fn titles(list: &[Attention]) -> Vec<(Urgency, &str)> {
    list.iter().map(|a| (a.urgency, a.title.as_str())).collect()
}

#[test]
fn a_recent_backup_and_nothing_planned_needs_nothing() {
    let facts = account(Some(production(Some(at(4, 9)))));
    assert!(needs_you(&[facts], at(5, 9)).is_empty());
}

#[test]
fn production_without_a_backup_comes_first_and_opens_its_backups() {
    let mut facts = account(Some(production(None)));
    facts.next_plan = Some(PlanFacts {
        version: "10.0.2".into(),
        start: at(30, 16),
        wave: Some("Wave 2".into()),
    });
    let list = needs_you(&[facts], at(5, 9));
    assert_eq!(
        titles(&list),
        [
            (Urgency::Now, "Production has no backup"),
            (Urgency::Planned, "Production upgrade to 10.0.2 (Wave 2)"),
        ]
    );
    assert_eq!(list[0].target, Target::Backups { environment_id: 1 });
    assert_eq!(list[1].at, Some(at(30, 16)));
}

#[test]
fn a_backup_counts_as_old_only_past_seven_days() {
    let facts = account(Some(production(Some(at(1, 9)))));
    assert!(needs_you(std::slice::from_ref(&facts), at(8, 9)).is_empty());
    let list = needs_you(&[facts], at(8, 10));
    assert_eq!(
        titles(&list),
        [(Urgency::Soon, "Production's newest backup is 7 days old")]
    );
}

#[test]
fn versions_leaving_the_window_are_said_unless_an_upgrade_is_planned() {
    let mut p = production(Some(at(4, 9)));
    p.oldest_in_window = true;
    let mut facts = account(Some(p.clone()));
    assert_eq!(
        titles(&needs_you(std::slice::from_ref(&facts), at(5, 9))),
        [(
            Urgency::Soon,
            "Production 10.0.1 leaves the window with the next release"
        )]
    );
    facts.next_plan = Some(PlanFacts {
        version: "10.0.2".into(),
        start: at(30, 16),
        wave: None,
    });
    assert_eq!(needs_you(&[facts], at(5, 9)).len(), 1, "only the plan");
    p.in_window = false;
    let list = needs_you(&[account(Some(p))], at(5, 9));
    assert_eq!(
        titles(&list),
        [(
            Urgency::Now,
            "Production runs 10.0.1, outside the version window"
        )]
    );
    assert_eq!(list[0].target, Target::Catalog { account_id: 7 });
}

#[test]
fn runs_cycles_and_hotfixes_each_open_their_place() {
    let mut facts = account(Some(production(Some(at(4, 9)))));
    facts.runs = vec![
        RunFacts {
            environment_id: 2,
            environment: "UAT".into(),
            to_version: "10.0.2".into(),
            state: UpgradeState::Validating,
            deadline: at(15, 9),
        },
        RunFacts {
            environment_id: 3,
            environment: "Sandbox".into(),
            to_version: "10.0.2".into(),
            state: UpgradeState::Committed,
            deadline: at(15, 9),
        },
    ];
    facts.hotfixes = vec![
        HotfixFacts {
            release_id: 11,
            version: "10.0.3".into(),
            areas: vec!["Projects".into()],
            reviewed: 1,
            notes: 5,
        },
        HotfixFacts {
            release_id: 12,
            version: "10.0.4".into(),
            areas: Vec::new(),
            reviewed: 2,
            notes: 2,
        },
    ];
    facts.cycles = vec![
        CycleFacts {
            id: 4,
            version: "10.0.2".into(),
            state: CycleState::Blocked,
            production_at: Some(at(30, 16)),
        },
        CycleFacts {
            id: 5,
            version: "10.0.1".into(),
            state: CycleState::SignedOff,
            production_at: None,
        },
    ];
    let list = needs_you(&[facts], at(5, 9));
    assert_eq!(
        titles(&list),
        [
            (
                Urgency::Now,
                "UAT: upgrade to 10.0.2 awaits commit or roll back"
            ),
            (
                Urgency::Now,
                "UAT of 10.0.2 is blocked: a critical issue needs a decision"
            ),
            (Urgency::Soon, "Hotfix 10.0.3 to review (Projects)"),
        ]
    );
    let targets: Vec<Target> = list.iter().map(|a| a.target).collect();
    assert_eq!(
        targets,
        [
            Target::Upgrade { environment_id: 2 },
            Target::Uat { cycle_id: 4 },
            Target::Release {
                account_id: 7,
                release_id: 11
            },
        ]
    );
}
