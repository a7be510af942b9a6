//! Helpers shared by the upgrade tests: a demo workspace with release
//! 10.0.4 imported, environments by name, and a row-by-row dump of an
//! environment store to compare states exactly.

#![allow(dead_code)]

use chrono::{DateTime, TimeZone, Utc};
use cutover_core::admin::{Admin, Role};
use cutover_core::upgrade::UpgradeRun;
use cutover_core::Result;
use cutover_store::{demo, Context, Workspace};
use std::path::{Path, PathBuf};

/// Makes a SQLite and a PostgreSQL test (`<name>::sqlite`,
/// `<name>::postgresql`) of the function `name(&dyn StoreBackend)`; the
/// PostgreSQL one gets a database of its own on the test server.
#[allow(unused_macros)]
macro_rules! both {
    ($name:ident) => {
        mod $name {
            #[test]
            fn sqlite() -> cutover_core::Result<()> {
                let dir = tempfile::tempdir().expect("temp dir");
                let backend = cutover_store::env_store::sqlite::SqliteBackend::new(dir.path())?;
                super::$name(&backend)
            }

            #[test]
            fn postgresql() -> cutover_core::Result<()> {
                let db = crate::common::pg::FreshDatabase::new();
                super::$name(&db.backend())
            }
        }
    };
}

#[allow(unused_macros)]
/// Makes `<name>::<from>_to_<to>` for every pair of backends, each server
/// one in a database of its own.
macro_rules! pairs {
    ($name:ident) => {
        mod $name {
            use cutover_store::env_store::sqlite::SqliteBackend;

            fn sqlite() -> (tempfile::TempDir, SqliteBackend) {
                let dir = tempfile::tempdir().expect("temp dir");
                let backend = SqliteBackend::new(dir.path()).expect("a SQLite backend");
                (dir, backend)
            }

            #[test]
            fn sqlite_to_postgresql() -> cutover_core::Result<()> {
                let (_dir, from) = sqlite();
                let db = crate::common::pg::FreshDatabase::new();
                super::$name(&from, &db.backend())
            }

            #[test]
            fn postgresql_to_sqlite() -> cutover_core::Result<()> {
                let db = crate::common::pg::FreshDatabase::new();
                let (_dir, to) = sqlite();
                super::$name(&db.backend(), &to)
            }

            #[test]
            fn sqlite_to_sqlite() -> cutover_core::Result<()> {
                let (_a, from) = sqlite();
                let (_b, to) = sqlite();
                super::$name(&from, &to)
            }

            #[test]
            fn postgresql_to_postgresql() -> cutover_core::Result<()> {
                let a = crate::common::pg::FreshDatabase::new();
                let b = crate::common::pg::FreshDatabase::new();
                super::$name(&a.backend(), &b.backend())
            }
        }
    };
}

pub mod moving;
pub mod pg;
pub mod promotion;
pub mod server;
pub mod uat;
pub mod whole;

/// 1 Dec 2026 at `h:m` UTC (London is on GMT): the default maintenance
/// window is 16:00–19:00 every day.
pub fn at(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, h, m, 0)
        .single()
        .unwrap_or_default()
}

pub fn boss() -> Admin {
    Admin {
        id: 1,
        name: "Alex Morgan".into(),
        role: Role::SuperAdmin,
    }
}

/// The committed demo packages (releases, extensions, the vendor's key).
pub fn demo_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../packages/demo")
}

/// An instant in RFC 3339, as the tests write them.
pub fn instant(s: &str) -> DateTime<Utc> {
    s.parse().expect("instant")
}

/// A demo desktop made on 1 Nov 2026, with its environments and admins by
/// name.
pub struct Desk {
    pub dir: tempfile::TempDir,
    pub ws: Workspace,
    pub sandbox: i64,
    pub production: i64,
    pub uat: i64,
    pub alex: Admin,
    pub priya: Admin,
    pub sam: Admin,
    pub admins: Vec<Admin>,
}

pub fn desk() -> Result<Desk> {
    let made = instant("2026-11-01T09:00:00Z");
    let dir = tempfile::tempdir().context("temp dir")?;
    let ws = Workspace::open(dir.path())?;
    demo::ensure_demo(&ws, made)?;
    let envs = ws.overview()?[0].environments.clone();
    let by = |n: &str| {
        envs.iter()
            .find(|e| e.environment.name == n)
            .map(|e| e.environment.id)
            .expect(n)
    };
    let admins = ws.admins(made)?.admins;
    let admin = |n: &str| admins.iter().find(|a| a.name == n).cloned().expect(n);
    Ok(Desk {
        sandbox: by("Promotable sandbox"),
        production: by("Production"),
        uat: by("UAT"),
        alex: admin("Alex Morgan"),
        priya: admin("Priya Shah"),
        sam: admin("Sam Lee"),
        admins: admins.clone(),
        ws,
        dir,
    })
}

pub const PACKAGE_10_0_4: &[u8] =
    include_bytes!("../../../../../packages/demo/northwind-10.0.4.zip");

/// The demo account with 10.0.4 in the catalog.
pub fn demo(dir: &Path) -> Result<Workspace> {
    let ws = Workspace::open(dir)?;
    demo::ensure_demo(&ws, at(9, 0))?;
    let account = ws.accounts()?[0].id;
    ws.import_release(account, PACKAGE_10_0_4, &boss(), at(9, 0))?;
    Ok(ws)
}

pub fn env(ws: &Workspace, name: &str) -> Result<i64> {
    Ok(ws.overview()?[0]
        .environments
        .iter()
        .find(|e| e.environment.name == name)
        .expect("environment")
        .environment
        .id)
}

/// The key environment `id`'s store has in its backend.
pub fn store_key(ws: &Workspace, id: i64) -> Result<String> {
    ws.connect()?
        .query_row(
            "SELECT store_key FROM environments WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .context("store key")
}

pub fn store_file(ws: &Workspace, id: i64) -> Result<PathBuf> {
    let key = store_key(ws, id)?;
    Ok(ws.root().join("environments").join(format!("{key}.sqlite")))
}

/// Every point production's data upgrade can stop at: after each step,
/// and inside the steps that have parts.
pub fn data_upgrade_sites() -> Vec<cutover_store::control::failpoint::Site> {
    use cutover_store::control::failpoint::Site;
    cutover_core::upgrade::DataStep::ALL
        .into_iter()
        .map(Site::Data)
        .chain(Site::INSIDE_DATA_STEPS)
        .collect()
}

/// Every row of every table of a store file, in order, as text.
pub fn dump(path: &Path) -> Result<Vec<String>> {
    let conn = rusqlite::Connection::open(path).context("open")?;
    let ok: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .context("integrity")?;
    assert_eq!(ok, "ok", "{}", path.display());
    let tables: Vec<String> = {
        let mut stmt = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            .context("tables")?;
        let rows = stmt.query_map([], |r| r.get(0)).context("tables")?;
        rows.collect::<rusqlite::Result<_>>().context("tables")?
    };
    let mut out = Vec::new();
    for t in tables {
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM \"{t}\""))
            .context("select")?;
        let width = stmt.column_count();
        let mut rows = stmt.query([]).context("rows")?;
        while let Some(row) = rows.next().context("row")? {
            let cells: Vec<String> = (0..width)
                .map(|i| {
                    format!(
                        "{:?}",
                        row.get_ref(i).map(|v| v
                            .as_str()
                            .map(str::to_owned)
                            .unwrap_or_else(|_| format!("{v:?}")))
                    )
                })
                .collect();
            out.push(format!("{t}: {}", cells.join(" | ")));
        }
    }
    out.sort();
    Ok(out)
}

/// Starts, prepares and applies and signs off every package of a run.
pub fn rehearse(ws: &Workspace, env: i64, now: DateTime<Utc>) -> Result<UpgradeRun> {
    let run = ws.start_upgrade(env, "10.0.4", &boss(), now)?;
    ws.prepare_upgrade(run.id, &|| now)?;
    for _ in 0..run.packages.len() {
        ws.apply_next_package(run.id, &boss(), &|| now)?;
        ws.sign_off_package(run.id, &boss(), now)?;
    }
    ws.upgrade_run(run.id)
}

/// The files in the backups folder and the paths the backups table
/// records, which must be equal: no orphan file, no missing one.
pub fn backup_files(ws: &Workspace) -> Result<(Vec<String>, Vec<String>)> {
    let mut on_disk: Vec<String> = match std::fs::read_dir(ws.root().join("backups")) {
        Ok(entries) => entries
            .map(|e| {
                e.map(|e| format!("backups/{}", e.file_name().to_string_lossy()))
                    .context("reading the backups folder")
            })
            .collect::<Result<_>>()?,
        // No backup was ever taken.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => {
            return Err(cutover_core::Error::internal(format!(
                "backups folder: {e}"
            )))
        }
    };
    let conn = ws.connect()?;
    // Deleted environments' backups are kept aside, still recorded.
    let mut stmt = conn
        .prepare("SELECT path FROM backups UNION ALL SELECT path FROM kept_backups")
        .context("backups")?;
    let rows = stmt.query_map([], |r| r.get(0)).context("backups")?;
    let mut recorded: Vec<String> = rows.collect::<rusqlite::Result<_>>().context("backups")?;
    on_disk.sort();
    recorded.sort();
    Ok((on_disk, recorded))
}

/// Whatever an interrupted operation did, the data directory is whole:
/// every environment store and the control database pass SQLite's
/// integrity check, no environment is left locked, nothing is recorded as
/// still running, and the backups and environments folders hold exactly
/// the recorded files.
pub fn assert_whole(ws: &Workspace) -> Result<()> {
    let conn = ws.connect()?;
    let ok: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .context("control integrity")?;
    assert_eq!(ok, "ok", "the control database");
    for account in ws.overview()? {
        for e in account.environments {
            let name = &e.environment.name;
            assert!(e.store_error.is_none(), "{name}: {:?}", e.store_error);
            dump(&store_file(ws, e.environment.id)?)?; // asserts integrity
            assert_eq!(
                e.environment.status,
                cutover_core::environment::EnvironmentStatus::Ready,
                "{name} is left locked"
            );
        }
    }
    let running: i64 = conn
        .query_row(
            "SELECT (SELECT count(*) FROM promotions WHERE state = 'running')
                  + (SELECT count(*) FROM upgrade_runs WHERE state = 'data_upgrade')",
            [],
            |r| r.get(0),
        )
        .context("running operations")?;
    assert_eq!(running, 0, "an operation is still recorded as running");
    let (on_disk, recorded) = backup_files(ws)?;
    assert_eq!(
        on_disk, recorded,
        "the backups folder and the backups table"
    );
    let (on_disk, recorded) = store_files(ws)?;
    assert_eq!(
        on_disk, recorded,
        "the environments folder and the stores recorded"
    );
    Ok(())
}

/// Each integration of an environment: (name, active, paused by a promotion).
pub fn integrations(ws: &Workspace, env: i64) -> Result<Vec<(String, bool, Option<i64>)>> {
    Ok(ws
        .integrations(env)?
        .into_iter()
        .map(|i| (i.name, i.active, i.paused_by_promotion))
        .collect())
}

/// In a child process: reads its orders from `var`
/// (`<data dir>|<operation>|<failpoint>`) and opens the workspace with the
/// failpoint set; returns it with the operation and the failpoint. Refuses
/// to run as a test of its own.
pub fn child_workspace(var: &str) -> Result<(Workspace, String, String)> {
    let Some(orders) = std::env::var_os(var) else {
        return Err(cutover_core::Error::internal("Not a test: a child process that its parent test starts with its orders in the environment; run the parent test instead."));
    };
    let orders = orders.to_string_lossy().into_owned();
    let mut parts = orders.splitn(3, '|');
    let (dir, operation, point) = (
        parts.next().expect("dir"),
        parts.next().expect("operation").to_owned(),
        parts.next().expect("failpoint").to_owned(),
    );
    let ws = Workspace::open(Path::new(dir))?;
    ws.set_failpoint(Some(cutover_store::control::failpoint::Failpoint::parse(
        &point,
    )?));
    Ok((ws, operation, point))
}

/// Runs this test binary's ignored `child` test with `orders` in the
/// environment variable `var`, and checks that it died (at its failpoint)
/// rather than finishing.
pub fn die_in_child(child: &str, var: &str, orders: &str) -> Result<()> {
    let status = std::process::Command::new(std::env::current_exe().context("exe")?)
        .args(["--ignored", "--exact", child, "--quiet"])
        .env(var, orders)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .context("child")?;
    assert!(
        !status.success(),
        "the child died at its failpoint: {orders}"
    );
    Ok(())
}

/// The stores in the environments folder and the keys the control
/// database records (environments and open upgrade runs' copies, with the
/// snapshots they keep), which must be equal: no orphan, no missing store.
pub fn store_files(ws: &Workspace) -> Result<(Vec<String>, Vec<String>)> {
    let mut on_disk: Vec<String> = std::fs::read_dir(ws.root().join("environments"))
        .context("environments folder")?
        .map(|e| {
            e.map(|e| e.file_name().to_string_lossy().into_owned())
                .context("environments folder")
        })
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .filter_map(|n| n.strip_suffix(".sqlite").map(str::to_owned))
        .collect();
    let conn = ws.connect()?;
    let mut recorded: Vec<String> = {
        let mut stmt = conn
            .prepare("SELECT store_key FROM environments")
            .context("store keys")?;
        let rows = stmt.query_map([], |r| r.get(0)).context("store keys")?;
        rows.collect::<rusqlite::Result<_>>()
            .context("store keys")?
    };
    let copies: Vec<(String, String)> = {
        let mut stmt = conn
            .prepare("SELECT copy_key, packages FROM upgrade_runs WHERE copy_key IS NOT NULL")
            .context("copies")?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .context("copies")?;
        rows.collect::<rusqlite::Result<_>>().context("copies")?
    };
    for (key, packages) in copies {
        let packages: Vec<serde_json::Value> =
            serde_json::from_str(&packages).context("packages")?;
        // Snapshots are kept only while they can still be rolled back to.
        for i in 0..packages.len() {
            let snapshot = format!("{key}-before-{i}");
            if on_disk.contains(&snapshot) {
                recorded.push(snapshot);
            }
        }
        recorded.push(key);
    }
    on_disk.sort();
    recorded.sort();
    Ok((on_disk, recorded))
}

/// The rows of an upgrade run's parallel copy, if it has one.
pub fn copy_dump(ws: &Workspace, run: i64) -> Result<Option<Vec<String>>> {
    let key: Option<String> = ws
        .connect()?
        .query_row(
            "SELECT copy_key FROM upgrade_runs WHERE id = ?1",
            [run],
            |r| r.get(0),
        )
        .context("copy key")?;
    key.map(|k| dump(&ws.root().join("environments").join(format!("{k}.sqlite"))))
        .transpose()
}

/// Production, which has integrations, rehearsed after UAT committed, with
/// its dump and integrations before the data upgrade (inside the window
/// that opens at 16:00).
pub fn production_rehearsed(dir: &Path) -> Result<(Workspace, i64, i64, Vec<String>)> {
    let ws = demo(dir)?;
    let uat = env(&ws, "UAT")?;
    let run = rehearse(&ws, uat, at(9, 0))?;
    ws.start_data_upgrade(run.id, &boss(), &|| at(9, 30))?;
    ws.commit_upgrade(run.id, &boss(), at(9, 40))?;
    let production = env(&ws, "Production")?;
    let run = rehearse(&ws, production, at(16, 5))?;
    let before = dump(&store_file(&ws, production)?)?;
    Ok((ws, production, run.id, before))
}

/// Files left in the data directory's temporary folder.
pub fn tmp_files(ws: &Workspace) -> Vec<String> {
    std::fs::read_dir(ws.root().join("tmp"))
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// The demo on a backend that copies four pages a step, so that every
/// copy (and every stage of a job) reports several times.
pub fn paced_demo() -> Result<(tempfile::TempDir, Workspace)> {
    let dir = tempfile::tempdir().context("temp dir")?;
    let pace = cutover_store::env_store::sqlite::Pace {
        pages_per_step: 4,
        pause: std::time::Duration::ZERO,
    };
    let backend = cutover_store::env_store::sqlite::SqliteBackend::new(dir.path())?.with_pace(pace);
    let ws = Workspace::with_backend(dir.path(), Box::new(backend))?;
    demo::ensure_demo(&ws, instant("2026-11-01T09:00:00Z"))?;
    Ok((dir, ws))
}

/// Copies folder `from`'s files and folders into `to`.
pub fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to).context("a folder")?;
    for entry in std::fs::read_dir(from).context("a folder")? {
        let entry = entry.context("a folder")?;
        let target = to.join(entry.file_name());
        if entry.file_type().context("a file")?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target).context("copying a file")?;
        }
    }
    Ok(())
}
