use super::*;
use crate::changelog::ChangeAction;
use chrono::{TimeZone, Utc};
use serde_json::json;

fn entry(
    seq: i64,
    author: &str,
    kind: EntityKind,
    id: i64,
    action: ChangeAction,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> ChangeEntry {
    let name = after
        .as_ref()
        .or(before.as_ref())
        .and_then(|v| v["name"].as_str())
        .unwrap_or("")
        .to_string();
    ChangeEntry {
        seq,
        at: Utc.with_ymd_and_hms(2026, 11, 2, 10, 0, 0).unwrap(),
        author: author.into(),
        entity_kind: kind,
        entity_id: id,
        entity_name: name,
        action,
        before,
        after,
        unpromoted: true,
        diff: Vec::new(),
    }
}

fn field_json(id: i64, table: i64, name: &str, t: serde_json::Value) -> serde_json::Value {
    json!({"id": id, "tableId": table, "name": name, "fieldType": t})
}

use ChangeAction as A;
use EntityKind as K;

#[test]
fn add_then_rename_is_one_add_with_the_final_name() {
    let steps = compact(&[
        entry(
            11,
            "Alex",
            K::Field,
            40,
            A::Create,
            None,
            Some(field_json(40, 1, "Badge", json!({"type":"text"}))),
        ),
        entry(
            12,
            "Priya",
            K::Field,
            40,
            A::Rename,
            Some(field_json(40, 1, "Badge", json!({"type":"text"}))),
            Some(field_json(40, 1, "Badge no", json!({"type":"text"}))),
        ),
    ]);
    assert_eq!(steps.len(), 1);
    assert_eq!(steps[0].action, StepAction::Create);
    assert_eq!(steps[0].entity_name, "Badge no");
    assert_eq!(steps[0].authors, vec!["Alex", "Priya"]);
    assert_eq!(steps[0].seqs, vec![11, 12]);
    let changes = changes_for(&steps[0], &IdMap::new()).unwrap();
    assert_eq!(
        changes,
        vec![Change::AddField {
            table_id: 1,
            name: "Badge no".into(),
            field_type: FieldType::Text
        }]
    );
}

#[test]
fn add_then_delete_and_rename_back_disappear() {
    let f = |n: &str| Some(field_json(41, 1, n, json!({"type":"text"})));
    let steps = compact(&[
        entry(
            11,
            "Alex",
            K::Field,
            40,
            A::Create,
            None,
            Some(field_json(40, 1, "Tmp", json!({"type":"number"}))),
        ),
        entry(12, "Alex", K::Field, 41, A::Rename, f("Phone"), f("Mobile")),
        entry(
            13,
            "Alex",
            K::Field,
            40,
            A::Delete,
            Some(field_json(40, 1, "Tmp", json!({"type":"number"}))),
            None,
        ),
        entry(14, "Alex", K::Field, 41, A::Rename, f("Mobile"), f("Phone")),
    ]);
    assert!(steps.is_empty(), "{steps:?}");
}

#[test]
fn steps_are_ordered_by_dependency_then_by_first_change() {
    let view =
        json!({"id": 5, "appId": 9, "tableId": 7, "name": "All", "fieldIds": [50], "filter": null});
    let steps = compact(&[
        entry(20, "Alex", K::View, 5, A::Create, None, Some(view)),
        entry(
            21,
            "Alex",
            K::Field,
            3,
            A::Delete,
            Some(field_json(3, 1, "Old", json!({"type":"text"}))),
            None,
        ),
        entry(
            22,
            "Alex",
            K::Field,
            50,
            A::Create,
            None,
            Some(field_json(50, 7, "Amount", json!({"type":"number"}))),
        ),
        entry(
            23,
            "Alex",
            K::Table,
            7,
            A::Create,
            None,
            Some(json!({"id": 7, "name": "Invoices", "appIds": [9]})),
        ),
        entry(
            24,
            "Alex",
            K::App,
            9,
            A::Create,
            None,
            Some(json!({"id": 9, "name": "Finance"})),
        ),
        entry(
            25,
            "Alex",
            K::Field,
            4,
            A::Rename,
            Some(field_json(4, 1, "A", json!({"type":"text"}))),
            Some(field_json(4, 1, "B", json!({"type":"text"}))),
        ),
    ]);
    let order: Vec<(EntityKind, StepAction)> =
        steps.iter().map(|s| (s.entity_kind, s.action)).collect();
    assert_eq!(
        order,
        vec![
            (K::App, StepAction::Create),
            (K::Table, StepAction::Create),
            (K::Field, StepAction::Create),
            (K::Field, StepAction::Modify),
            (K::View, StepAction::Create),
            (K::Field, StepAction::Delete),
        ]
    );
    // Ids of entities made by the plan are mapped to production's.
    let mut map = IdMap::new();
    map.insert((K::App, 9), 3);
    map.insert((K::Table, 7), 12);
    map.insert((K::Field, 50), 88);
    assert_eq!(
        changes_for(&steps[1], &map).unwrap(),
        vec![Change::CreateTable {
            app_id: 3,
            name: "Invoices".into()
        }]
    );
    assert_eq!(
        changes_for(&steps[4], &map).unwrap(),
        vec![Change::CreateView {
            app_id: 3,
            table_id: 12,
            name: "All".into(),
            field_ids: vec![88],
            filter: None
        }]
    );
}

#[test]
fn a_modified_field_becomes_a_rename_and_a_retype_or_new_options() {
    let choice = |o: &[&str]| json!({"type": "choice", "options": o});
    let steps = compact(&[
        entry(
            30,
            "Alex",
            K::Field,
            6,
            A::Rename,
            Some(field_json(6, 1, "Prio", choice(&["Low"]))),
            Some(field_json(6, 1, "Priority", choice(&["Low"]))),
        ),
        entry(
            31,
            "Sam",
            K::Field,
            6,
            A::SetOptions,
            Some(field_json(6, 1, "Priority", choice(&["Low"]))),
            Some(field_json(6, 1, "Priority", choice(&["Low", "High"]))),
        ),
        entry(
            32,
            "Sam",
            K::Field,
            8,
            A::Retype,
            Some(field_json(8, 1, "Cost", json!({"type":"text"}))),
            Some(field_json(8, 1, "Cost", json!({"type":"number"}))),
        ),
    ]);
    assert_eq!(
        changes_for(&steps[0], &IdMap::new()).unwrap(),
        vec![
            Change::RenameField {
                field_id: 6,
                name: "Priority".into()
            },
            Change::SetChoiceOptions {
                field_id: 6,
                options: vec!["Low".into(), "High".into()]
            },
        ]
    );
    assert_eq!(
        changes_for(&steps[1], &IdMap::new()).unwrap(),
        vec![Change::RetypeField {
            field_id: 8,
            field_type: FieldType::Number
        }]
    );
    assert_eq!(steps[0].authors, vec!["Alex", "Sam"]);
}

#[test]
fn sharing_a_table_shares_it_with_each_new_app() {
    let steps = compact(&[entry(
        40,
        "Alex",
        K::Table,
        2,
        A::Share,
        Some(json!({"id": 2, "name": "Employees", "appIds": [1]})),
        Some(json!({"id": 2, "name": "Employees", "appIds": [1, 4]})),
    )]);
    let mut map = IdMap::new();
    map.insert((K::App, 4), 6);
    assert_eq!(
        changes_for(&steps[0], &map).unwrap(),
        vec![Change::ShareTable {
            table_id: 2,
            app_id: 6
        }]
    );
}

#[test]
fn production_changes_to_the_same_entity_conflict_until_decided() {
    let f = |n: &str| Some(field_json(6, 1, n, json!({"type":"text"})));
    let steps = compact(&[
        entry(30, "Alex", K::Field, 6, A::Rename, f("Phone"), f("Mobile")),
        entry(
            31,
            "Alex",
            K::Field,
            77,
            A::Create,
            None,
            Some(field_json(77, 1, "Badge", json!({"type":"text"}))),
        ),
        entry(
            32,
            "Alex",
            K::Field,
            8,
            A::Rename,
            Some(field_json(8, 1, "X", json!({"type":"text"}))),
            Some(field_json(8, 1, "Y", json!({"type":"text"}))),
        ),
    ]);
    let production = vec![
        entry(30, "Priya", K::Field, 6, A::Rename, f("Phone"), f("Tel")),
        // Production's own new field 77 is another entity than the sandbox's.
        entry(
            31,
            "Priya",
            K::Field,
            77,
            A::Create,
            None,
            Some(field_json(77, 2, "Other", json!({"type":"text"}))),
        ),
    ];
    let found = conflicts(&steps, &production);
    assert_eq!(found.len(), 1);
    assert_eq!((found[0].entity_kind, found[0].entity_id), (K::Field, 6));
    assert_eq!(found[0].production_authors, vec!["Priya"]);

    let e = resolve(steps.clone(), &found, &[]).unwrap_err();
    assert_eq!(e.kind, crate::ErrorKind::Conflict);
    assert!(e.message.contains("field \"Mobile\""), "{}", e.message);

    let keep = |resolution| {
        [Decision {
            entity_kind: K::Field,
            entity_id: 6,
            resolution,
        }]
    };
    assert_eq!(
        resolve(steps.clone(), &found, &keep(Resolution::KeepSandbox))
            .unwrap()
            .len(),
        3
    );
    let kept = resolve(steps, &found, &keep(Resolution::KeepProduction)).unwrap();
    assert_eq!(kept.len(), 2);
    assert!(kept.iter().all(|s| s.entity_id != 6));
}

#[test]
fn a_promotion_needs_room_for_a_copy_of_production() {
    assert!(ensure_disk_space(100 << 20, 200 << 20).is_ok());
    let e = ensure_disk_space(100 << 20, 105 << 20).unwrap_err();
    assert_eq!(e.kind, crate::ErrorKind::Conflict);
    assert!(
        e.message.contains("needs about 110 MB, 105 MB are free"),
        "{}",
        e.message
    );
}

#[test]
fn verification_compares_definitions_with_what_was_applied() {
    use crate::definitions::{Definitions, FieldDef, TableDef};
    let defs = Definitions {
        apps: vec![],
        tables: vec![TableDef {
            id: 1,
            name: "Employees".into(),
            app_ids: vec![1],
            fields: vec![FieldDef {
                id: 6,
                table_id: 1,
                name: "Mobile".into(),
                field_type: FieldType::Text,
            }],
        }],
        views: vec![],
    };
    let renamed = |to: &str| {
        entry(
            1,
            "Alex",
            K::Field,
            6,
            A::Rename,
            Some(field_json(6, 1, "Phone", json!({"type":"text"}))),
            Some(field_json(6, 1, to, json!({"type":"text"}))),
        )
    };
    assert!(ensure_definitions_match(&defs, &[renamed("Mobile")]).is_ok());
    let e = ensure_definitions_match(&defs, &[renamed("Cell")]).unwrap_err();
    assert!(
        e.message
            .contains("field \"Cell\" is not what the plan made it"),
        "{}",
        e.message
    );
    let deleted = entry(
        2,
        "Alex",
        K::Field,
        6,
        A::Delete,
        Some(field_json(6, 1, "Mobile", json!({"type":"text"}))),
        None,
    );
    assert!(
        ensure_definitions_match(&defs, &[deleted]).is_err(),
        "a deleted field still present"
    );
}
