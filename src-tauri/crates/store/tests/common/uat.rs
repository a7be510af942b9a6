//! A demo desktop "on" 5 Jan 2027 (London) with release 10.0.2 scheduled
//! on Wave 2 and its UAT cycle, for the UAT tests.

use super::{boss, demo_dir};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use cutover_core::admin::{Admin, Role};
use cutover_core::uat::{CaseResult, CycleState};
use cutover_core::uat_view::{CycleDetail, ResultInput};
use cutover_core::Result;
use cutover_package::{build, sign};
use cutover_store::{demo, Context, Workspace};

pub fn utc(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0)
        .single()
        .unwrap_or_default()
}

pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

pub fn now() -> DateTime<Utc> {
    utc(2027, 1, 5, 9)
}

pub fn sam() -> Admin {
    Admin {
        id: 3,
        name: "Sam Lee".into(),
        role: Role::AppAdmin,
    }
}

pub struct Setup {
    pub _dir: tempfile::TempDir,
    pub ws: Workspace,
    pub account: i64,
    pub cycle: i64,
    pub production: i64,
    pub uat: i64,
}

/// The demo with 10.0.2 scheduled on Wave 2 and its cycle.
pub fn setup() -> Result<Setup> {
    let dir = tempfile::tempdir().context("temp dir")?;
    let ws = Workspace::open(dir.path())?;
    let account = demo::ensure_demo(&ws, utc(2026, 11, 1, 9))?.expect("the demo account");
    let release = release_id(&ws, account, "10.0.2")?;
    ws.schedule_upgrade(release, day(2027, 1, 30), &boss(), now())?;
    let cycles = ws.uat_cycles(account, now())?;
    assert_eq!(cycles.len(), 1, "{cycles:?}");
    let envs = ws.overview()?[0].environments.clone();
    let by = |n: &str| {
        envs.iter()
            .find(|e| e.environment.name == n)
            .map(|e| e.environment.id)
            .expect(n)
    };
    Ok(Setup {
        cycle: cycles[0].id,
        production: by("Production"),
        uat: by("UAT"),
        _dir: dir,
        ws,
        account,
    })
}

pub fn release_id(ws: &Workspace, account: i64, version: &str) -> Result<i64> {
    Ok(ws
        .catalog(account, &boss(), now())?
        .releases
        .into_iter()
        .find(|r| r.version == version)
        .map(|r| r.id)
        .expect("release in the catalog"))
}

/// A package built from the demo's 10.0.4 folder with its manifest edited
/// and one note, signed with the demo vendor's key.
pub fn package(edit: impl FnOnce(&mut serde_json::Value), notes: &str) -> Result<Vec<u8>> {
    let mut files = build::read_folder(&demo_dir().join("10.0.4"))?;
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&files[0].1).context("manifest")?;
    edit(&mut manifest);
    files[0].1 = serde_json::to_vec(&manifest).context("manifest")?;
    files[1].1 = notes.as_bytes().to_vec();
    let secret = std::fs::read_to_string(demo_dir().join("vendor-demo.key")).context("key")?;
    build::build(&files, &sign::parse_signing_key(&secret)?)
}

pub fn case_id(d: &CycleDetail, title: &str) -> i64 {
    d.cases
        .iter()
        .find(|c| c.title == title)
        .map(|c| c.id)
        .expect(title)
}

pub fn result(result: CaseResult, reason: &str) -> ResultInput {
    ResultInput {
        result,
        reason: reason.into(),
        notes: String::new(),
        tester: "Priya Shah".into(),
    }
}

pub fn state(ws: &Workspace, account: i64, at: DateTime<Utc>) -> Result<CycleState> {
    Ok(ws.uat_cycles(account, at)?[0].state)
}

/// UAT rehearsed and committed to 10.0.2, so production may follow.
pub fn uat_on_10_0_2(s: &Setup) -> Result<()> {
    let run = s.ws.start_upgrade(s.uat, "10.0.2", &boss(), now())?;
    s.ws.prepare_upgrade(run.id, &now)?;
    for _ in 0..run.packages.len() {
        s.ws.apply_next_package(run.id, &boss(), &now)?;
        s.ws.sign_off_package(run.id, &boss(), now())?;
    }
    s.ws.start_data_upgrade(run.id, &boss(), &now)?;
    s.ws.commit_upgrade(run.id, &boss(), now())?;
    Ok(())
}

pub fn sam_super() -> Admin {
    Admin {
        id: 2,
        name: "Priya Shah".into(),
        role: Role::SuperAdmin,
    }
}
