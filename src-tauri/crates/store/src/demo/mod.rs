//! The demo account made on first start, so the app is useful at once.
//!
//! "Northwind Foods" runs a low-code platform at version 10.0.1 in
//! Europe/London: production holds two apps, Projects and HR, that share an
//! Employees table, with 1,000 records in all; a UAT sandbox and a promotable
//! sandbox are copied from it. The data is generated deterministically, so
//! every first start (and every test) sees the same records.

mod big;
pub mod releases;

pub use big::grow_production;

use crate::env_store::EnvironmentStore;
use crate::{Context, Workspace};
use chrono::{DateTime, Days, NaiveDate, Utc};
use cutover_core::account::AccountId;
use cutover_core::admin::{ensure_super_admin, Admin, Role};
use cutover_core::definitions::{FieldType, Value};
use cutover_core::environment::EnvironmentKind;
use cutover_core::Result;
use rusqlite::params;
use std::sync::atomic::AtomicBool;

pub const ACCOUNT_NAME: &str = "Northwind Foods (demo)";
/// Production's connected systems, paused during promotions.
const INTEGRATIONS: [(&str, &str); 2] = [
    ("Salesforce CRM sync", "crm_sync"),
    ("Order webhook", "webhook"),
];

/// The demo desktop's admins: two super-admins who can overwrite
/// environments, and an app-admin who cannot. The first is current.
pub const ADMINS: [(&str, Role); 3] = [
    ("Alex Morgan", Role::SuperAdmin),
    ("Priya Shah", Role::SuperAdmin),
    ("Sam Lee", Role::AppAdmin),
];
pub const PLATFORM: &str = "Northwind Cloud Platform";
pub const VERSION: &str = "10.0.1";
pub const TIME_ZONE: &str = "Europe/London";
pub const EMPLOYEES: usize = 150;
pub const PROJECTS: usize = 50;
pub const TASKS: usize = 600;
pub const INCIDENTS: usize = 200;
pub const RECORDS: usize = EMPLOYEES + PROJECTS + TASKS + INCIDENTS;

const FIRST: [&str; 20] = [
    "Amelia", "Oliver", "Isla", "George", "Ava", "Noah", "Mia", "Arthur", "Grace", "Leo", "Freya",
    "Oscar", "Lily", "Harry", "Ella", "Jack", "Sophie", "Theo", "Ruby", "Finley",
];
const LAST: [&str; 15] = [
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel",
    "Robinson", "Wright", "Thompson", "Evans", "Walker", "Khan",
];
const DEPARTMENTS: [&str; 6] = [
    "Operations",
    "Finance",
    "Sales",
    "Logistics",
    "IT",
    "People",
];
const TITLES: [&str; 6] = [
    "Analyst",
    "Coordinator",
    "Manager",
    "Specialist",
    "Lead",
    "Director",
];
const PROJECT_WORDS: [&str; 10] = [
    "Warehouse",
    "Cold chain",
    "Supplier",
    "Payroll",
    "Forecast",
    "Route",
    "Recall",
    "Label",
    "Audit",
    "Pricing",
];
const PROJECT_KINDS: [&str; 5] = ["rollout", "migration", "review", "upgrade", "pilot"];
const VERBS: [&str; 8] = [
    "Draft",
    "Review",
    "Test",
    "Approve",
    "Configure",
    "Document",
    "Train",
    "Sign off",
];
const OBJECTS: [&str; 8] = [
    "requirements",
    "test plan",
    "data mapping",
    "user guide",
    "budget",
    "vendor contract",
    "cut-over plan",
    "training deck",
];

/// A small deterministic generator (SplitMix64); demo data needs no quality
/// randomness, only the same sequence every time.
struct Sequence(u64);

impl Sequence {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

fn text(s: impl Into<String>) -> Value {
    Value::Text(s.into())
}

fn date(base: NaiveDate, days: usize) -> Value {
    let d = base
        .checked_add_days(Days::new(days as u64))
        .unwrap_or(base);
    text(d.format("%Y-%m-%d").to_string())
}

fn choice(options: &[&str]) -> FieldType {
    FieldType::Choice {
        options: options.iter().map(|s| s.to_string()).collect(),
    }
}

/// Fills a new store with the demo definitions and records.
pub fn populate(store: &mut dyn EnvironmentStore) -> Result<()> {
    let mut seq = Sequence(20_261_123);
    let base = NaiveDate::from_ymd_opt(2024, 1, 8).unwrap_or_default();
    let projects_app = store.create_app("Projects")?;
    let hr_app = store.create_app("HR")?;

    let employees = store.create_table(
        &[projects_app.id, hr_app.id],
        "Employees",
        &[
            ("Name", FieldType::Text),
            ("Email", FieldType::Text),
            ("Department", choice(&DEPARTMENTS)),
            ("Job title", FieldType::Text),
            ("Phone", FieldType::Text),
            ("Start date", FieldType::Date),
            ("Active", FieldType::Boolean),
        ],
    )?;
    let rows: Vec<Vec<Value>> = (0..EMPLOYEES)
        .map(|i| {
            let (first, last) = (seq.pick(&FIRST), seq.pick(&LAST));
            vec![
                text(format!("{first} {last}")),
                text(format!(
                    "{}.{}{}@northwind.example",
                    first.to_lowercase(),
                    last.to_lowercase(),
                    i + 1
                )),
                text(seq.pick(&DEPARTMENTS)),
                text(seq.pick(&TITLES)),
                text(format!("+44 20 7946 {:04}", seq.below(10_000))),
                date(base, seq.below(900)),
                Value::Bool(seq.chance(92)),
            ]
        })
        .collect();
    store.insert_records(employees.id, &rows)?;

    let projects = store.create_table(
        &[projects_app.id],
        "Projects",
        &[
            ("Name", FieldType::Text),
            ("Code", FieldType::Text),
            ("Status", choice(&["Planned", "Active", "On hold", "Done"])),
            ("Budget", FieldType::Number),
            ("Start", FieldType::Date),
            ("Due", FieldType::Date),
            (
                "Lead",
                FieldType::Link {
                    table_id: employees.id,
                },
            ),
        ],
    )?;
    let rows: Vec<Vec<Value>> = (0..PROJECTS)
        .map(|i| {
            let start = seq.below(700);
            vec![
                text(format!(
                    "{} {}",
                    seq.pick(&PROJECT_WORDS),
                    seq.pick(&PROJECT_KINDS)
                )),
                text(format!("PRJ-{:03}", i + 1)),
                text(seq.pick(&["Planned", "Active", "Active", "On hold", "Done"])),
                Value::Number((5 + seq.below(240)) as f64 * 1000.0),
                date(base, start),
                date(base, start + 30 + seq.below(200)),
                Value::Integer(1 + seq.below(EMPLOYEES) as i64),
            ]
        })
        .collect();
    store.insert_records(projects.id, &rows)?;

    let tasks = store.create_table(
        &[projects_app.id],
        "Tasks",
        &[
            ("Title", FieldType::Text),
            (
                "Project",
                FieldType::Link {
                    table_id: projects.id,
                },
            ),
            (
                "Assignee",
                FieldType::Link {
                    table_id: employees.id,
                },
            ),
            (
                "Status",
                choice(&["To do", "In progress", "Blocked", "Done"]),
            ),
            ("Estimate (h)", FieldType::Number),
            ("Due", FieldType::Date),
            ("Billable", FieldType::Boolean),
        ],
    )?;
    let rows: Vec<Vec<Value>> = (0..TASKS)
        .map(|_| {
            vec![
                text(format!("{} {}", seq.pick(&VERBS), seq.pick(&OBJECTS))),
                Value::Integer(1 + seq.below(PROJECTS) as i64),
                Value::Integer(1 + seq.below(EMPLOYEES) as i64),
                text(seq.pick(&["To do", "In progress", "Blocked", "Done", "Done"])),
                Value::Number((1 + seq.below(32)) as f64 / 2.0),
                date(base, seq.below(900)),
                Value::Bool(seq.chance(60)),
            ]
        })
        .collect();
    store.insert_records(tasks.id, &rows)?;

    let incidents = store.create_table(
        &[hr_app.id],
        "Incidents",
        &[
            ("Summary", FieldType::Text),
            (
                "Employee",
                FieldType::Link {
                    table_id: employees.id,
                },
            ),
            (
                "Category",
                choice(&["Conduct", "Safety", "Attendance", "Grievance"]),
            ),
            ("Severity", choice(&["Low", "Medium", "High", "Critical"])),
            ("Reported", FieldType::Date),
            ("Escalated", FieldType::Boolean),
            ("Status", choice(&["Open", "Investigating", "Resolved"])),
        ],
    )?;
    let rows: Vec<Vec<Value>> = (0..INCIDENTS)
        .map(|i| {
            let category = seq.pick(&["Conduct", "Safety", "Attendance", "Grievance"]);
            vec![
                text(format!("{category} report #{}", 1000 + i)),
                Value::Integer(1 + seq.below(EMPLOYEES) as i64),
                text(category),
                text(seq.pick(&["Low", "Low", "Medium", "High", "Critical"])),
                date(base, seq.below(900)),
                Value::Bool(seq.chance(15)),
                text(seq.pick(&["Open", "Investigating", "Resolved", "Resolved"])),
            ]
        })
        .collect();
    store.insert_records(incidents.id, &rows)?;

    let first_fields = |t: &cutover_core::definitions::TableDef, n: usize| -> Vec<i64> {
        t.fields.iter().take(n).map(|f| f.id).collect()
    };
    store.create_view(
        projects_app.id,
        projects.id,
        "Active projects",
        &first_fields(&projects, 4),
    )?;
    store.create_view(
        projects_app.id,
        tasks.id,
        "Open tasks",
        &first_fields(&tasks, 6),
    )?;
    store.create_view(
        hr_app.id,
        employees.id,
        "Directory",
        &first_fields(&employees, 5),
    )?;
    store.create_view(
        hr_app.id,
        incidents.id,
        "Open incidents",
        &first_fields(&incidents, 5),
    )?;
    Ok(())
}

/// Creates the demo account when the data directory holds no account at all.
/// Returns the new account's id, or `None` when accounts already exist.
///
/// Stores are made first and recorded in one control transaction last, so an
/// interrupted first start leaves no half-made account (only unreferenced
/// files, which the next start does not see).
pub fn ensure_demo(workspace: &Workspace, now: DateTime<Utc>) -> Result<Option<AccountId>> {
    let accounts: i64 = workspace
        .connect()?
        .query_row("SELECT count(*) FROM accounts", [], |r| r.get(0))
        .context("counting accounts")?;
    if accounts > 0 {
        return Ok(None);
    }
    make(workspace, now).map(Some)
}

/// Adds the demo account beside the admin's own (the welcome screen's
/// "Explore the demo account", or later from the dashboard); refuses when
/// it is already there.
pub fn add_demo(workspace: &Workspace, admin: &Admin, now: DateTime<Utc>) -> Result<AccountId> {
    ensure_super_admin(admin, "add the demo account")?;
    let accounts = workspace.accounts()?;
    if accounts.iter().any(|a| a.is_demo) {
        return Err(cutover_core::Error::conflict(
            "The demo account is already on the dashboard.",
        ));
    }
    if accounts
        .iter()
        .any(|a| a.name.to_lowercase() == ACCOUNT_NAME.to_lowercase())
    {
        return Err(cutover_core::Error::conflict(format!(
            "An account of yours is named \"{ACCOUNT_NAME}\", the demo's name, so the demo cannot be added beside it."
        )));
    }
    make(workspace, now)
}

fn make(workspace: &Workspace, now: DateTime<Utc>) -> Result<AccountId> {
    let mut conn = workspace.connect()?;
    // The demo always lives on this computer.
    let backend = workspace.local.clone();
    let key = || uuid::Uuid::new_v4().simple().to_string();
    let production = key();
    populate(backend.create(&production, VERSION)?.as_mut())?;
    let copies = [
        ("UAT", EnvironmentKind::Uat, key()),
        ("Promotable sandbox", EnvironmentKind::Promotable, key()),
    ];
    for (_, _, k) in &copies {
        backend.copy(&production, k, &|_| {}, &AtomicBool::new(false))?;
        backend.open(k)?.mark_copied()?;
    }

    let tx = conn.transaction().context("starting a transaction")?;
    tx.execute(
        "INSERT INTO accounts (name, platform, time_zone, is_demo, created_at) VALUES (?1, ?2, ?3, 1, ?4)",
        params![ACCOUNT_NAME, PLATFORM, TIME_ZONE, now],
    )
    .context("creating the demo account")?;
    let account_id = tx.last_insert_rowid();
    let insert = "INSERT INTO environments (account_id, name, kind, version, store_kind, store_key, copied_from, created_at)
                  VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
    tx.execute(
        insert,
        params![
            account_id,
            "Production",
            "production",
            VERSION,
            backend.kind(),
            production,
            None::<i64>,
            now
        ],
    )
    .context("creating the demo production environment")?;
    let production_id = tx.last_insert_rowid();
    for (name, kind) in INTEGRATIONS {
        tx.execute(
            "INSERT INTO integrations (environment_id, name, kind) VALUES (?1, ?2, ?3)",
            params![production_id, name, kind],
        )
        .context("adding a demo integration")?;
    }
    for (name, kind, k) in &copies {
        tx.execute(
            insert,
            params![
                account_id,
                name,
                kind.as_str(),
                VERSION,
                backend.kind(),
                k,
                production_id,
                now
            ],
        )
        .context("creating a demo sandbox")?;
    }
    // The demo as the first account brings its admins; beside one's own
    // accounts it leaves the desktop's admins as they are.
    let first: bool = tx
        .query_row("SELECT count(*) = 1 FROM accounts", [], |r| r.get(0))
        .context("counting accounts")?;
    if first {
        crate::people::admins::seed_admins(&tx, &ADMINS, now)?;
    }
    tx.commit().context("committing the demo account")?;
    crate::demo::releases::import(workspace, account_id, now)?;
    workspace.add_admin_recipients(account_id)?;
    tracing::info!(account_id, "created the demo account");
    Ok(account_id)
}
