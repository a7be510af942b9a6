//! The designer and the changelog on a real demo data directory: every
//! change is applied for real with its entry, every refusal changes nothing.

mod common;

use chrono::NaiveDate;
use common::{desk as demo, instant as at, Desk as Demo};
use cutover_core::admin::Admin;
use cutover_core::change::{Change, FilterOp, ViewFilter};
use cutover_core::changelog::{ChangeAction, ChangelogQuery, EntityKind};
use cutover_core::definitions::{Definitions, FieldDef, FieldType, TableDef, Value};
use cutover_core::{ErrorKind, Result};

fn table<'a>(defs: &'a Definitions, name: &str) -> &'a TableDef {
    defs.tables.iter().find(|t| t.name == name).expect(name)
}

fn field<'a>(t: &'a TableDef, name: &str) -> &'a FieldDef {
    t.fields.iter().find(|f| f.name == name).expect(name)
}

impl Demo {
    fn apply(
        &self,
        change: Change,
        who: &Admin,
        when: &str,
    ) -> Result<cutover_core::changelog::ChangeEntry> {
        self.ws
            .apply_change(self.sandbox, &change, who, at(when), false)
    }
    fn defs(&self) -> Result<Definitions> {
        self.ws.definitions(self.sandbox)
    }
    fn log(&self, q: ChangelogQuery) -> Result<cutover_core::changelog::ChangelogPage> {
        self.ws
            .changelog(self.sandbox, &ChangelogQuery { limit: 50, ..q }, &self.alex)
    }
}

#[test]
fn adding_a_field_adds_a_column_and_a_changelog_entry() -> Result<()> {
    let d = demo()?;
    let defs = d.defs()?;
    let employees = table(&defs, "Employees");
    let entry = d.apply(
        Change::AddField {
            table_id: employees.id,
            name: "Badge number".into(),
            field_type: FieldType::Number,
        },
        &d.alex,
        "2026-11-02T10:00:00Z",
    )?;
    assert_eq!(entry.author, "Alex Morgan");
    assert_eq!(entry.entity_kind, EntityKind::Field);
    assert_eq!(entry.action, ChangeAction::Create);
    assert!(entry.before.is_none());
    assert_eq!(entry.after.as_ref().expect("after")["name"], "Badge number");

    let page =
        d.ws.record_page(d.sandbox, employees.id, &Default::default())?;
    assert_eq!(page.fields.last().expect("field").name, "Badge number");
    assert!(page
        .records
        .iter()
        .all(|r| r.values.last() == Some(&Value::Null)));

    let log = d.log(Default::default())?;
    assert_eq!(
        log.total, 1,
        "copied history is not the sandbox's; only its own entry"
    );
    assert!(log.entries[0].unpromoted);
    // Production is untouched.
    let prod = d.ws.definitions(d.production)?;
    assert!(table(&prod, "Employees")
        .fields
        .iter()
        .all(|f| f.name != "Badge number"));
    Ok(())
}

#[test]
fn renames_keep_the_id_and_record_before_and_after() -> Result<()> {
    let d = demo()?;
    let defs = d.defs()?;
    let phone = field(table(&defs, "Employees"), "Phone").clone();
    let entry = d.apply(
        Change::RenameField {
            field_id: phone.id,
            name: "Mobile".into(),
        },
        &d.alex,
        "2026-11-02T10:00:00Z",
    )?;
    assert_eq!(entry.entity_id, phone.id);
    assert_eq!(entry.action, ChangeAction::Rename);
    let diff = cutover_core::changelog::diff(entry.before.as_ref(), entry.after.as_ref());
    assert_eq!(diff.len(), 1);
    assert_eq!(diff[0].property, "name");
    assert_eq!(diff[0].before.as_deref(), Some("Phone"));
    assert_eq!(diff[0].after.as_deref(), Some("Mobile"));
    let after = d.defs()?;
    assert_eq!(field(table(&after, "Employees"), "Mobile").id, phone.id);
    Ok(())
}

#[test]
fn bad_changes_are_refused_and_change_nothing() -> Result<()> {
    let d = demo()?;
    let before = d.defs()?;
    let employees = table(&before, "Employees");
    let projects_app = before
        .apps
        .iter()
        .find(|a| a.name == "Projects")
        .expect("app");
    let cases = vec![
        (
            Change::CreateApp { name: "hr".into() },
            ErrorKind::Conflict,
            "already exists",
        ),
        (
            Change::CreateApp {
                name: "9 lives".into(),
            },
            ErrorKind::Invalid,
            "start with a letter",
        ),
        (
            Change::CreateTable {
                app_id: projects_app.id,
                name: "Employees".into(),
            },
            ErrorKind::Conflict,
            "share it instead",
        ),
        (
            Change::AddField {
                table_id: employees.id,
                name: "email".into(),
                field_type: FieldType::Text,
            },
            ErrorKind::Conflict,
            "already has a field named",
        ),
        (
            Change::AddField {
                table_id: employees.id,
                name: "Cost $".into(),
                field_type: FieldType::Number,
            },
            ErrorKind::Invalid,
            "remove \"$\"",
        ),
        (
            Change::DeleteField {
                field_id: field(employees, "Email").id,
            },
            ErrorKind::Conflict,
            "used by the view \"Directory\"",
        ),
        (
            Change::RetypeField {
                field_id: field(employees, "Job title").id,
                field_type: FieldType::Number,
            },
            ErrorKind::Invalid,
            "150 of 150 values of \"Job title\" cannot become a number",
        ),
        (
            Change::ShareTable {
                table_id: employees.id,
                app_id: employees.app_ids[0],
            },
            ErrorKind::Conflict,
            "already part of",
        ),
        (
            Change::SetChoiceOptions {
                field_id: field(employees, "Department").id,
                options: vec!["Finance".into()],
            },
            ErrorKind::Conflict,
            "use options that would be removed",
        ),
        (
            Change::CreateView {
                app_id: projects_app.id,
                table_id: employees.id,
                name: "Everyone".into(),
                field_ids: vec![],
                filter: None,
            },
            ErrorKind::Invalid,
            "at least one field",
        ),
    ];
    for (change, kind, says) in cases {
        let e = d
            .apply(change.clone(), &d.alex, "2026-11-02T10:00:00Z")
            .expect_err(says);
        assert_eq!(e.kind, kind, "{change:?}: {}", e.message);
        assert!(e.message.contains(says), "{change:?}: {}", e.message);
    }
    assert_eq!(d.defs()?, before);
    assert_eq!(d.log(Default::default())?.total, 0);
    Ok(())
}

#[test]
fn retyping_converts_every_value_or_none() -> Result<()> {
    let d = demo()?;
    let defs = d.defs()?;
    let projects = table(&defs, "Projects");
    let budget = field(projects, "Budget").clone();
    let column = |d: &Demo| -> Result<Vec<Value>> {
        let page = d.ws.record_page(
            d.sandbox,
            projects.id,
            &cutover_core::records::RecordQuery {
                limit: 500,
                ..Default::default()
            },
        )?;
        let i = page
            .fields
            .iter()
            .position(|f| f.id == budget.id)
            .expect("budget");
        Ok(page
            .records
            .into_iter()
            .map(|r| r.values[i].clone())
            .collect())
    };
    let numbers = column(&d)?;
    d.apply(
        Change::RetypeField {
            field_id: budget.id,
            field_type: FieldType::Text,
        },
        &d.alex,
        "2026-11-02T10:00:00Z",
    )?;
    let texts = column(&d)?;
    assert!(texts
        .iter()
        .all(|v| matches!(v, Value::Text(_) | Value::Null)));
    d.apply(
        Change::RetypeField {
            field_id: budget.id,
            field_type: FieldType::Number,
        },
        &d.alex,
        "2026-11-02T10:01:00Z",
    )?;
    assert_eq!(column(&d)?, numbers, "text and back gives the same numbers");

    // One bad value blocks the retype and is counted.
    d.apply(
        Change::RetypeField {
            field_id: budget.id,
            field_type: FieldType::Text,
        },
        &d.alex,
        "2026-11-02T10:02:00Z",
    )?;
    let first =
        d.ws.record_page(d.sandbox, projects.id, &Default::default())?
            .records[0]
            .id;
    d.ws.update_record(
        d.sandbox,
        projects.id,
        first,
        &[cutover_core::records::CellInput {
            field_id: budget.id,
            text: "about 5k".into(),
        }],
        &d.alex,
        at("2026-11-02T10:02:30Z"),
    )?;
    let e = d
        .apply(
            Change::RetypeField {
                field_id: budget.id,
                field_type: FieldType::Number,
            },
            &d.alex,
            "2026-11-02T10:03:00Z",
        )
        .expect_err("bad value");
    assert!(e.message.starts_with("1 of 50 values"), "{}", e.message);
    assert!(e.message.contains("\"about 5k\""), "{}", e.message);
    Ok(())
}

#[test]
fn views_take_fields_and_a_filter_and_protect_their_fields() -> Result<()> {
    let d = demo()?;
    let defs = d.defs()?;
    let employees = table(&defs, "Employees");
    let hr = defs.apps.iter().find(|a| a.name == "HR").expect("HR");
    let start = field(employees, "Start date").id;
    let active = field(employees, "Active").id;
    let created = d.apply(
        Change::CreateView {
            app_id: hr.id,
            table_id: employees.id,
            name: "Starters".into(),
            field_ids: vec![field(employees, "Name").id, start],
            filter: Some(ViewFilter {
                field_id: active,
                op: FilterOp::Equals,
                value: "yes".into(),
            }),
        },
        &d.priya,
        "2026-11-02T10:00:00Z",
    )?;
    assert_eq!(created.entity_kind, EntityKind::View);
    let e = d
        .apply(
            Change::DeleteField { field_id: active },
            &d.alex,
            "2026-11-02T10:01:00Z",
        )
        .expect_err("filtered on");
    assert!(e.message.contains("\"Starters\""), "{}", e.message);
    let edited = d.apply(
        Change::EditView {
            view_id: created.entity_id,
            name: "New starters".into(),
            field_ids: vec![start],
            filter: None,
        },
        &d.priya,
        "2026-11-02T10:02:00Z",
    )?;
    assert_eq!(edited.action, ChangeAction::Edit);
    d.apply(
        Change::DeleteField { field_id: active },
        &d.alex,
        "2026-11-02T10:03:00Z",
    )?;
    Ok(())
}

#[test]
fn production_changes_need_a_confirmation() -> Result<()> {
    let d = demo()?;
    let change = Change::CreateApp {
        name: "Finance".into(),
    };
    let e =
        d.ws.apply_change(
            d.production,
            &change,
            &d.alex,
            at("2026-11-02T10:00:00Z"),
            false,
        )
        .expect_err("unconfirmed");
    assert_eq!(e.kind, ErrorKind::Unconfirmed);
    assert!(d
        .ws
        .definitions(d.production)?
        .apps
        .iter()
        .all(|a| a.name != "Finance"));
    d.ws.apply_change(
        d.production,
        &change,
        &d.alex,
        at("2026-11-02T10:00:00Z"),
        true,
    )?;
    assert!(d
        .ws
        .definitions(d.production)?
        .apps
        .iter()
        .any(|a| a.name == "Finance"));
    Ok(())
}

#[test]
fn the_changelog_filters_by_author_day_app_kind_and_action() -> Result<()> {
    let d = demo()?;
    let created = d.apply(
        Change::CreateApp {
            name: "Finance".into(),
        },
        &d.alex,
        "2026-10-24T23:30:00Z",
    )?;
    let table = d.apply(
        Change::CreateTable {
            app_id: created.entity_id,
            name: "Invoices".into(),
        },
        &d.priya,
        "2026-10-25T00:30:00Z",
    )?;
    d.apply(
        Change::AddField {
            table_id: table.entity_id,
            name: "Amount".into(),
            field_type: FieldType::Number,
        },
        &d.priya,
        "2026-10-25T23:30:00Z",
    )?;
    d.apply(
        Change::CreateApp {
            name: "Legal".into(),
        },
        &d.alex,
        "2026-10-26T00:30:00Z",
    )?;

    let all = d.log(Default::default())?;
    assert_eq!(all.total, 4);
    assert!(
        all.entries.windows(2).all(|w| w[0].seq > w[1].seq),
        "newest first"
    );
    assert_eq!(all.authors, vec!["Alex Morgan", "Priya Shah"]);
    assert_eq!(all.other_authors.len(), 1);
    assert_eq!(all.other_authors[0].author, "Priya Shah");
    assert_eq!(all.other_authors[0].entries, 2);

    let by_priya = d.log(ChangelogQuery {
        author: Some("Priya Shah".into()),
        ..Default::default()
    })?;
    assert_eq!(by_priya.total, 2);
    // 25 October 2026 in London runs 23:00 UTC on the 24th to 00:00 UTC on
    // the 26th (25 hours): it holds the first three entries, not the fourth.
    let day = NaiveDate::from_ymd_opt(2026, 10, 25);
    let on_day = d.log(ChangelogQuery {
        from: day,
        to: day,
        ..Default::default()
    })?;
    assert_eq!(on_day.total, 3);
    let finance = d.log(ChangelogQuery {
        app_id: Some(created.entity_id),
        ..Default::default()
    })?;
    assert_eq!(finance.total, 3, "the app, its table and the table's field");
    let finance_by_priya = d.log(ChangelogQuery {
        app_id: Some(created.entity_id),
        author: Some("Priya Shah".into()),
        ..Default::default()
    })?;
    assert_eq!(finance_by_priya.total, 2);
    assert!(finance_by_priya
        .entries
        .iter()
        .all(|e| e.author == "Priya Shah"));
    let fields = d.log(ChangelogQuery {
        entity_kind: Some(EntityKind::Field),
        ..Default::default()
    })?;
    assert_eq!(fields.total, 1);
    let creates = d.log(ChangelogQuery {
        action: Some(ChangeAction::Create),
        author: Some("Alex Morgan".into()),
        ..Default::default()
    })?;
    assert_eq!(creates.total, 2);
    let paged = d.log(ChangelogQuery {
        offset: 3,
        ..Default::default()
    })?;
    assert_eq!(paged.entries.len(), 1);
    assert_eq!(paged.total, 4);
    Ok(())
}

#[test]
fn a_refused_change_names_the_form_inputs_at_fault_all_at_once() -> Result<()> {
    let d = demo()?;
    let before = d.defs()?;
    let employees = table(&before, "Employees").id;
    let inputs = |e: &cutover_core::Error| -> Vec<String> {
        e.fields.iter().map(|p| p.field.clone()).collect()
    };
    // A bad name and bad options: both, in one refusal.
    let e = d
        .apply(
            Change::AddField {
                table_id: employees,
                name: "9 lives".into(),
                field_type: FieldType::Choice {
                    options: vec!["Low".into(), "low".into()],
                },
            },
            &d.alex,
            "2026-11-02T10:00:00Z",
        )
        .expect_err("refused");
    assert_eq!(e.kind, ErrorKind::Invalid);
    assert_eq!(inputs(&e), ["name", "options"]);
    assert!(e.fields[0].message.contains("start with a letter"), "{e:?}");
    assert!(e.fields[1].message.contains("listed twice"), "{e:?}");
    assert!(e.message.contains("start with a letter") && e.message.contains("listed twice"));

    // A name already taken: a conflict, shown at the name.
    let e = d
        .apply(
            Change::AddField {
                table_id: employees,
                name: "email".into(),
                field_type: FieldType::Text,
            },
            &d.alex,
            "2026-11-02T10:00:00Z",
        )
        .expect_err("refused");
    assert_eq!(e.kind, ErrorKind::Conflict);
    assert_eq!(inputs(&e), ["name"]);

    // Nothing changed.
    assert_eq!(d.defs()?, before);
    Ok(())
}
