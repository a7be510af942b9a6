//! Designer changes and the changelog, one suite for both backends (see
//! `backends.rs`): the same changes give the same definitions, values,
//! refusals and changelog on SQLite and on a PostgreSQL server, and a
//! refused change leaves nothing behind on either.

#[macro_use]
mod common;

use chrono::{DateTime, TimeZone, Utc};
use cutover_core::change::{Change, FilterOp, ViewFilter};
use cutover_core::changelog::{ChangeAction, ChangelogFilter, EntityKind, MatchCount};
use cutover_core::definitions::{FieldType, Value};
use cutover_core::{ErrorKind, Result};
use cutover_store::env_store::{EnvironmentStore, StoreBackend};

fn at(h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 29, h, 0, 0)
        .single()
        .expect("an instant")
}

fn apply(store: &mut dyn EnvironmentStore, who: &str, h: u32, change: Change) -> Result<i64> {
    Ok(store.apply(&change, who, at(h))?.entity_id)
}

/// Everything a refusal must leave as it was.
fn state(store: &dyn EnvironmentStore, table: i64) -> Result<impl PartialEq + std::fmt::Debug> {
    let page = ChangelogFilter {
        limit: 200,
        ..Default::default()
    };
    Ok((
        store.definitions()?,
        store.records(table)?,
        store.changelog(&page)?.1,
    ))
}

fn a_design_built_change_by_change(backend: &dyn StoreBackend) -> Result<()> {
    let mut store = backend.create("prod", "10.0.1")?;
    let s = store.as_mut();
    let hr = apply(s, "Alex", 1, Change::CreateApp { name: "HR".into() })?;
    let projects = apply(
        s,
        "Priya",
        2,
        Change::CreateApp {
            name: "Projects".into(),
        },
    )?;
    let people = apply(
        s,
        "Alex",
        3,
        Change::CreateTable {
            app_id: hr,
            name: "People".into(),
        },
    )?;
    apply(
        s,
        "Priya",
        4,
        Change::ShareTable {
            table_id: people,
            app_id: projects,
        },
    )?;
    let add = |s: &mut dyn EnvironmentStore, name: &str, field_type: FieldType| {
        apply(
            s,
            "Alex",
            5,
            Change::AddField {
                table_id: people,
                name: name.into(),
                field_type,
            },
        )
    };
    let name = add(s, "Name", FieldType::Text)?;
    let grade = add(s, "Grade", FieldType::Text)?;
    let team = add(
        s,
        "Team",
        FieldType::Choice {
            options: vec!["Red".into(), "Blue".into()],
        },
    )?;
    let manager = add(s, "Manager", FieldType::Link { table_id: people })?;
    s.insert_records(
        people,
        &[
            vec![
                Value::Text("Ada".into()),
                Value::Text("7".into()),
                Value::Text("red".into()),
                Value::Null,
            ],
            vec![
                Value::Text("Bob".into()),
                Value::Text("3.5".into()),
                Value::Null,
                Value::Integer(1),
            ],
        ],
    )?;

    // Retyping converts every value; new options take matched spellings.
    apply(
        s,
        "Priya",
        6,
        Change::RetypeField {
            field_id: grade,
            field_type: FieldType::Number,
        },
    )?;
    apply(
        s,
        "Priya",
        7,
        Change::SetChoiceOptions {
            field_id: team,
            options: vec!["RED".into(), "Blue".into(), "Green".into()],
        },
    )?;
    apply(
        s,
        "Alex",
        8,
        Change::RenameField {
            field_id: name,
            name: "Full name".into(),
        },
    )?;
    let view = apply(
        s,
        "Alex",
        9,
        Change::CreateView {
            app_id: hr,
            table_id: people,
            name: "Seniors".into(),
            field_ids: vec![name, grade],
            filter: Some(ViewFilter {
                field_id: grade,
                op: FilterOp::GreaterThan,
                value: "5".into(),
            }),
        },
    )?;
    apply(
        s,
        "Priya",
        10,
        Change::EditView {
            view_id: view,
            name: "Senior staff".into(),
            field_ids: vec![name, grade, team],
            filter: None,
        },
    )?;
    apply(s, "Alex", 11, Change::DeleteField { field_id: manager })?;

    let defs = s.definitions()?;
    let table = defs.tables.iter().find(|t| t.id == people).expect("People");
    assert_eq!(table.app_ids, [hr, projects]);
    assert_eq!(
        table
            .fields
            .iter()
            .map(|f| (f.name.as_str(), f.field_type.clone()))
            .collect::<Vec<_>>(),
        [
            ("Full name", FieldType::Text),
            ("Grade", FieldType::Number),
            (
                "Team",
                FieldType::Choice {
                    options: vec!["RED".into(), "Blue".into(), "Green".into()]
                }
            ),
        ]
    );
    assert_eq!(defs.views.len(), 1);
    assert_eq!(defs.views[0].name, "Senior staff");
    let records = s.records(people)?;
    assert_eq!(
        records[0].values,
        [
            Value::Text("Ada".into()),
            Value::Number(7.0),
            Value::Text("RED".into())
        ]
    );
    assert_eq!(records[1].values[1], Value::Number(3.5));

    // The changelog: newest first, filters, authors, activity.
    let all = |f: ChangelogFilter| ChangelogFilter { limit: 50, ..f };
    let (entries, total) = s.changelog(&all(ChangelogFilter::default()))?;
    assert_eq!(total, MatchCount::exact(14));
    assert_eq!(entries[0].action, ChangeAction::Delete);
    assert_eq!(entries[0].at, at(11));
    assert!(entries.iter().all(|e| e.unpromoted));
    let by_priya = s.changelog(&all(ChangelogFilter {
        author: Some("Priya".into()),
        ..Default::default()
    }))?;
    assert_eq!(by_priya.1.count, 5);
    let in_projects = s.changelog(&all(ChangelogFilter {
        app_id: Some(projects),
        ..Default::default()
    }))?;
    assert_eq!(
        in_projects.1.count, 10,
        "the app, the share and the shared table's fields"
    );
    let fields_created = s.changelog(&all(ChangelogFilter {
        entity_kind: Some(EntityKind::Field),
        action: Some(ChangeAction::Create),
        ..Default::default()
    }))?;
    assert_eq!(fields_created.1.count, 4);
    let morning = s.changelog(&all(ChangelogFilter {
        from: Some(at(2)),
        until: Some(at(4)),
        ..Default::default()
    }))?;
    assert_eq!(
        morning.0.iter().map(|e| e.seq).collect::<Vec<_>>(),
        [3, 2],
        "[from, until)"
    );
    let second_page = s.changelog(&ChangelogFilter {
        offset: 10,
        limit: 5,
        ..Default::default()
    })?;
    assert_eq!(second_page.0.len(), 4);
    // An app with other conditions is exactly both: the entries of the app
    // that meet them (a server probes the app's index for each entry that
    // meets the others, or joins all of the app's entries).
    let seqs = |f: ChangelogFilter| -> cutover_core::Result<Vec<i64>> {
        Ok(s.changelog(&all(f))?.0.iter().map(|e| e.seq).collect())
    };
    let of_app = seqs(ChangelogFilter {
        app_id: Some(projects),
        ..Default::default()
    })?;
    for other in [
        ChangelogFilter {
            author: Some("Alex".into()),
            ..Default::default()
        },
        ChangelogFilter {
            entity_kind: Some(EntityKind::Field),
            action: Some(ChangeAction::Create),
            from: Some(at(2)),
            ..Default::default()
        },
    ] {
        let both = seqs(ChangelogFilter {
            app_id: Some(projects),
            ..other.clone()
        })?;
        let expected: Vec<i64> = seqs(other)?
            .into_iter()
            .filter(|q| of_app.contains(q))
            .collect();
        assert!(!expected.is_empty());
        assert_eq!(both, expected);
    }
    // Pages of three, near and far (a far page may be read from the other
    // end), join up to the whole list, with and without an app.
    for filter in [
        ChangelogFilter::default(),
        ChangelogFilter {
            author: Some("Priya".into()),
            ..Default::default()
        },
        ChangelogFilter {
            app_id: Some(projects),
            ..Default::default()
        },
        ChangelogFilter {
            app_id: Some(projects),
            author: Some("Alex".into()),
            ..Default::default()
        },
    ] {
        let (whole, total) = s.changelog(&all(filter.clone()))?;
        let mut paged = Vec::new();
        for offset in (0..total.count + 3).step_by(3) {
            let (page, again) = s.changelog(&ChangelogFilter {
                offset,
                limit: 3,
                ..filter.clone()
            })?;
            assert_eq!(again, total);
            paged.extend(page.into_iter().map(|e| e.seq));
        }
        assert_eq!(paged, whole.iter().map(|e| e.seq).collect::<Vec<_>>());
    }
    assert_eq!(s.changelog_authors()?, ["Alex", "Priya"]);
    let activity = s.changelog_activity(at(5), at(8))?;
    assert_eq!(
        activity
            .iter()
            .map(|a| (a.author.as_str(), a.entries))
            .collect::<Vec<_>>(),
        [("Alex", 4), ("Priya", 2)]
    );
    let retype = &s.entries_after(9)?[0];
    assert_eq!(retype.action, ChangeAction::SetOptions);
    assert!(!retype.diff.is_empty());

    s.mark_copied()?;
    assert!(s.unpromoted_authors()?.is_empty());
    assert_eq!(s.copy_point()?, 14);
    apply(
        s,
        "Sam",
        12,
        Change::CreateApp {
            name: "Sales".into(),
        },
    )?;
    let unpromoted = s.unpromoted_authors()?;
    assert_eq!(
        (unpromoted[0].author.as_str(), unpromoted[0].entries),
        ("Sam", 1)
    );
    Ok(())
}
both!(a_design_built_change_by_change);

fn a_refused_change_leaves_everything_as_it_was(backend: &dyn StoreBackend) -> Result<()> {
    let mut store = backend.create("prod", "10.0.1")?;
    let s = store.as_mut();
    let hr = apply(s, "Alex", 1, Change::CreateApp { name: "HR".into() })?;
    let people = apply(
        s,
        "Alex",
        2,
        Change::CreateTable {
            app_id: hr,
            name: "People".into(),
        },
    )?;
    let add = |s: &mut dyn EnvironmentStore, name: &str, field_type: FieldType| {
        apply(
            s,
            "Alex",
            3,
            Change::AddField {
                table_id: people,
                name: name.into(),
                field_type,
            },
        )
    };
    let name = add(s, "Name", FieldType::Text)?;
    let team = add(
        s,
        "Team",
        FieldType::Choice {
            options: vec!["Red".into(), "Blue".into()],
        },
    )?;
    s.insert_records(
        people,
        &[vec![Value::Text("Ada".into()), Value::Text("Blue".into())]],
    )?;
    apply(
        s,
        "Alex",
        4,
        Change::CreateView {
            app_id: hr,
            table_id: people,
            name: "All".into(),
            field_ids: vec![name],
            filter: None,
        },
    )?;
    let before = state(s, people)?;

    let refusals = [
        (Change::CreateApp { name: "hr".into() }, ErrorKind::Conflict),
        (
            Change::CreateTable {
                app_id: hr,
                name: "PEOPLE".into(),
            },
            ErrorKind::Conflict,
        ),
        (
            Change::AddField {
                table_id: people,
                name: "name".into(),
                field_type: FieldType::Number,
            },
            ErrorKind::Conflict,
        ),
        (
            Change::RetypeField {
                field_id: name,
                field_type: FieldType::Number,
            },
            ErrorKind::Invalid,
        ),
        (
            Change::SetChoiceOptions {
                field_id: team,
                options: vec!["Red".into()],
            },
            ErrorKind::Conflict,
        ),
        (Change::DeleteField { field_id: name }, ErrorKind::Conflict),
        (
            Change::RenameField {
                field_id: team,
                name: "NAME".into(),
            },
            ErrorKind::Conflict,
        ),
        (
            Change::AddField {
                table_id: 999,
                name: "Ghost".into(),
                field_type: FieldType::Text,
            },
            ErrorKind::NotFound,
        ),
    ];
    for (change, kind) in refusals {
        let err = s.apply(&change, "Alex", at(5)).expect_err("refused");
        assert_eq!(err.kind, kind, "{change:?}: {}", err.message);
        assert_eq!(state(s, people)?, before, "{change:?} changed something");
    }
    let taken = s
        .apply(&Change::CreateApp { name: "HR".into() }, "Alex", at(5))
        .expect_err("taken");
    assert_eq!(taken.fields[0].field, "name", "marked at the name input");
    // The store is still usable after the refusals.
    apply(
        s,
        "Alex",
        6,
        Change::CreateApp {
            name: "Finance".into(),
        },
    )?;
    Ok(())
}
both!(a_refused_change_leaves_everything_as_it_was);

/// A small production: HR, People with a Name, and one record.
fn small_production(backend: &dyn StoreBackend, key: &str) -> Result<(i64, i64, i64)> {
    let mut prod = backend.create(key, "10.0.1")?;
    let s = prod.as_mut();
    let hr = apply(s, "Alex", 1, Change::CreateApp { name: "HR".into() })?;
    let people = apply(
        s,
        "Alex",
        2,
        Change::CreateTable {
            app_id: hr,
            name: "People".into(),
        },
    )?;
    let name = apply(
        s,
        "Alex",
        3,
        Change::AddField {
            table_id: people,
            name: "Name".into(),
            field_type: FieldType::Text,
        },
    )?;
    s.insert_records(people, &[vec![Value::Text("Ada".into())]])?;
    Ok((hr, people, name))
}

/// A sandbox's own changes, compacted into a plan, applied to production
/// in one transaction: production ends with the sandbox's design and its
/// records kept; a plan refused half way leaves production as it was.
fn a_plan_from_a_sandbox_promotes_whole_or_not_at_all(backend: &dyn StoreBackend) -> Result<()> {
    let never = std::sync::atomic::AtomicBool::new(false);
    let (hr, people, name) = small_production(backend, "prod")?;
    backend.copy("prod", "sandbox", &|_| {}, &never)?;
    backend.copy("prod", "other", &|_| {}, &never)?;
    let mut sandbox = backend.open("sandbox")?;
    let base = sandbox.mark_copied()?;
    let s = sandbox.as_mut();
    let level = apply(
        s,
        "Priya",
        4,
        Change::AddField {
            table_id: people,
            name: "Level".into(),
            field_type: FieldType::Number,
        },
    )?;
    apply(
        s,
        "Priya",
        5,
        Change::RenameField {
            field_id: name,
            name: "Full name".into(),
        },
    )?;
    apply(
        s,
        "Priya",
        6,
        Change::CreateApp {
            name: "Projects".into(),
        },
    )?;
    apply(
        s,
        "Priya",
        7,
        Change::CreateView {
            app_id: hr,
            table_id: people,
            name: "Levels".into(),
            field_ids: vec![name, level],
            filter: None,
        },
    )?;
    let steps = cutover_core::promotion::compact(&sandbox.entries_after(base)?);

    // Where "Projects" is taken, the plan is refused at that step, and
    // the steps before it are not kept either.
    let mut other = backend.open("other")?;
    apply(
        other.as_mut(),
        "Sam",
        8,
        Change::CreateApp {
            name: "projects".into(),
        },
    )?;
    let before = state(other.as_ref(), people)?;
    let refused = other
        .apply_plan(&steps, "Priya", at(9))
        .expect_err("the app name is taken");
    assert!(
        refused.message.contains("failed in production"),
        "{}",
        refused.message
    );
    assert_eq!(
        state(other.as_ref(), people)?,
        before,
        "nothing of the plan kept"
    );

    let mut prod = backend.open("prod")?;
    let entries = prod.apply_plan(&steps, "Priya", at(9))?;
    assert_eq!(entries.len(), 4);
    let defs = prod.definitions()?;
    cutover_core::promotion::ensure_definitions_match(&defs, &entries)?;
    prod.check(None)?;
    assert_eq!(
        prod.records(people)?[0].values,
        [Value::Text("Ada".into()), Value::Null],
        "records kept, the new field empty"
    );
    assert_eq!(defs.views[0].name, "Levels");
    assert_eq!(defs.apps.len(), 2);
    Ok(())
}
both!(a_plan_from_a_sandbox_promotes_whole_or_not_at_all);
