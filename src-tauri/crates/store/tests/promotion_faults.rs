//! A promotion with an error injected at each of its steps: afterwards
//! production holds exactly its state before, is unlocked, and the
//! promotion is recorded as failed at that step.

use chrono::{DateTime, Utc};
use cutover_core::backup::CopyProgress;
use cutover_core::change::Change;
use cutover_core::changelog::{AuthorCount, ChangeEntry, ChangelogFilter, MatchCount};
use cutover_core::definitions::{AppDef, Definitions, FieldType, Record, TableDef, Value, ViewDef};
use cutover_core::environment::EnvironmentStatus;
use cutover_core::promotion::{PlanStep, PromotionState, PromotionStep};
use cutover_core::records::{CellInput, RecordPage, RecordQuery, RejectedRow};
use cutover_core::{Error, Result};
use cutover_store::env_store::sqlite::SqliteBackend;
use cutover_store::env_store::{CsvRow, EnvironmentStore, StoreBackend, StoreStats, Watch};
use cutover_store::{demo, Context, Workspace};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

/// Which call fails: the `nth` call of operation `step`.
struct Fault {
    step: &'static str,
    nth: u32,
    calls: AtomicU32,
    /// Another application writing to production just before the real
    /// apply (the second) takes its lock.
    write_before_apply: Option<Box<dyn Fn() -> Result<()> + Send + Sync>>,
    applies: AtomicU32,
}

impl Fault {
    fn check(&self, step: &str) -> Result<()> {
        if self.step == step && self.calls.fetch_add(1, Ordering::SeqCst) + 1 == self.nth {
            return Err(Error::internal(format!("injected fault in {step}")));
        }
        Ok(())
    }
}

struct Faulty {
    inner: SqliteBackend,
    fault: Arc<Fault>,
}

struct FaultyStore {
    inner: Box<dyn EnvironmentStore>,
    fault: Arc<Fault>,
}

impl StoreBackend for Faulty {
    fn kind(&self) -> &'static str {
        self.inner.kind()
    }
    fn free_space(&self) -> Result<Option<u64>> {
        self.inner.free_space()
    }
    fn create(&self, key: &str, v: &str) -> Result<Box<dyn EnvironmentStore>> {
        self.inner.create(key, v)
    }
    fn open(&self, key: &str) -> Result<Box<dyn EnvironmentStore>> {
        Ok(Box::new(FaultyStore {
            inner: self.inner.open(key)?,
            fault: self.fault.clone(),
        }))
    }
    fn copy(
        &self,
        s: &str,
        t: &str,
        p: &dyn Fn(CopyProgress),
        stop: &std::sync::atomic::AtomicBool,
    ) -> Result<()> {
        self.fault.check("copy")?;
        self.inner.copy(s, t, p, stop)
    }
    fn rehearse_point(&self, key: &str) -> Result<()> {
        self.inner.rehearse_point(key)
    }
    fn exists(&self, key: &str) -> Result<bool> {
        self.inner.exists(key)
    }
    fn take_point(
        &self,
        key: &str,
        p: &dyn Fn(CopyProgress),
        stop: &std::sync::atomic::AtomicBool,
    ) -> Result<cutover_store::env_store::Point> {
        self.fault.check("take_point")?;
        self.inner.take_point(key, p, stop)
    }
    fn makes_point(&self, name: &str) -> bool {
        self.inner.makes_point(name)
    }
    fn check_point(&self, name: &str, digest: &str) -> std::result::Result<(), String> {
        self.inner.check_point(name, digest)
    }
    fn point_platform(&self, name: &str) -> Result<cutover_core::backup::PlatformState> {
        self.inner.point_platform(name)
    }
    fn send_point(
        &self,
        name: &str,
        to: &mut dyn cutover_store::env_store::whole::WholeSink,
    ) -> Result<()> {
        self.inner.send_point(name, to)
    }
    fn restore_point(&self, key: &str, name: &str, p: &dyn Fn(CopyProgress)) -> Result<()> {
        self.fault.check("restore_point")?;
        self.inner.restore_point(key, name, p)
    }
    fn drop_point(&self, name: &str) -> Result<()> {
        self.inner.drop_point(name)
    }
    fn drop_points_except(
        &self,
        keep: &std::collections::HashSet<String>,
    ) -> Result<Vec<(String, u64)>> {
        self.inner.drop_points_except(keep)
    }
    fn changes_since(
        &self,
        key: &str,
        name: &str,
    ) -> Result<cutover_core::upgrade::RollbackImpact> {
        self.inner.changes_since(key, name)
    }
    fn refresh(
        &self,
        source: &str,
        target: &str,
        p: &dyn Fn(CopyProgress),
        stop: &std::sync::atomic::AtomicBool,
    ) -> Result<i64> {
        self.fault.check("refresh")?;
        self.inner.refresh(source, target, p, stop)
    }
    fn replace(&self, key: &str, from: &str, p: &dyn Fn(CopyProgress)) -> Result<()> {
        self.inner.replace(key, from, p)
    }
    fn retire(&self, key: &str, now: DateTime<Utc>) -> Result<()> {
        self.inner.retire(key, now)
    }
    fn discard(&self, key: &str) -> Result<()> {
        self.inner.discard(key)
    }
    fn retired(&self) -> Result<Vec<cutover_store::env_store::RetiredEntry>> {
        self.inner.retired()
    }
    fn purge_retired(&self, name: &str) -> Result<()> {
        self.inner.purge_retired(name)
    }
    fn unretire(&self, name: &str, key: &str) -> Result<()> {
        self.inner.unretire(name, key)
    }
    fn recover(&self, recorded: &[String], now: DateTime<Utc>) -> Result<Vec<String>> {
        self.inner.recover(recorded, now)
    }
    fn watch(&self, key: &str) -> Result<Box<dyn Watch>> {
        self.inner.watch(key)
    }
}

impl EnvironmentStore for FaultyStore {
    fn definitions(&self) -> Result<Definitions> {
        self.inner.definitions()
    }
    fn stats(&self) -> Result<StoreStats> {
        self.inner.stats()
    }
    fn create_app(&mut self, name: &str) -> Result<AppDef> {
        self.inner.create_app(name)
    }
    fn create_table(
        &mut self,
        apps: &[i64],
        name: &str,
        fields: &[(&str, FieldType)],
    ) -> Result<TableDef> {
        self.inner.create_table(apps, name, fields)
    }
    fn create_model(
        &mut self,
        apps: &[String],
        tables: &[cutover_store::env_store::ModelTable],
    ) -> Result<(Vec<AppDef>, Vec<TableDef>)> {
        self.inner.create_model(apps, tables)
    }
    fn export_to(&self, dest: &std::path::Path, about: &[(&str, String)]) -> Result<()> {
        self.inner.export_to(dest, about)
    }

    fn send_whole(&self, to: &mut dyn cutover_store::env_store::whole::WholeSink) -> Result<()> {
        self.inner.send_whole(to)
    }

    fn receive_whole(
        &mut self,
        fill: &mut dyn FnMut(&mut dyn cutover_store::env_store::whole::WholeSink) -> Result<()>,
    ) -> Result<()> {
        self.inner.receive_whole(fill)
    }
    fn load(
        &mut self,
        fill: &mut dyn FnMut(&mut dyn cutover_store::env_store::RecordSink) -> Result<()>,
    ) -> Result<()> {
        self.inner.load(fill)
    }
    fn create_view(&mut self, app: i64, table: i64, name: &str, fields: &[i64]) -> Result<ViewDef> {
        self.inner.create_view(app, table, name, fields)
    }
    fn insert_records(&mut self, table: i64, rows: &[Vec<Value>]) -> Result<usize> {
        self.inner.insert_records(table, rows)
    }
    fn records(&self, table: i64) -> Result<Vec<Record>> {
        self.inner.records(table)
    }
    fn apply(&mut self, c: &Change, a: &str, at: DateTime<Utc>) -> Result<ChangeEntry> {
        self.inner.apply(c, a, at)
    }
    fn changelog(&self, f: &ChangelogFilter) -> Result<(Vec<ChangeEntry>, MatchCount)> {
        self.inner.changelog(f)
    }
    fn changelog_authors(&self) -> Result<Vec<String>> {
        self.inner.changelog_authors()
    }
    fn unpromoted_authors(&self) -> Result<Vec<AuthorCount>> {
        self.inner.unpromoted_authors()
    }
    fn changelog_activity(
        &self,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<Vec<AuthorCount>> {
        self.inner.changelog_activity(from, until)
    }
    fn mark_copied(&mut self) -> Result<i64> {
        self.inner.mark_copied()
    }
    fn mark_promoted(&mut self, seq: i64) -> Result<()> {
        self.inner.mark_promoted(seq)
    }
    fn production_point(&self) -> Result<i64> {
        self.inner.production_point()
    }
    fn set_marks(&mut self, a: i64, b: i64) -> Result<()> {
        self.inner.set_marks(a, b)
    }
    fn record_page(&self, t: i64, q: &RecordQuery) -> Result<RecordPage> {
        self.inner.record_page(t, q)
    }
    fn insert_record(&mut self, t: i64, c: &[CellInput]) -> Result<Record> {
        self.inner.insert_record(t, c)
    }
    fn update_record(&mut self, t: i64, r: i64, c: &[CellInput]) -> Result<Record> {
        self.inner.update_record(t, r, c)
    }
    fn delete_record(&mut self, t: i64, r: i64) -> Result<()> {
        self.inner.delete_record(t, r)
    }
    fn import_rows(
        &mut self,
        id: i64,
        t: i64,
        m: &[Option<i64>],
        rows: &mut dyn Iterator<Item = Result<CsvRow>>,
        tick: &mut dyn FnMut(u32, &[RejectedRow]) -> Result<()>,
    ) -> Result<(u32, Vec<RejectedRow>)> {
        self.inner.import_rows(id, t, m, rows, tick)
    }
    fn copy_point(&self) -> Result<i64> {
        self.inner.copy_point()
    }
    fn changelog_end(&self) -> Result<i64> {
        self.fault.check("changelog_end")?;
        self.inner.changelog_end()
    }
    fn entries_after(&self, seq: i64) -> Result<Vec<ChangeEntry>> {
        self.inner.entries_after(seq)
    }
    fn apply_plan_locked(
        &mut self,
        steps: &[PlanStep],
        a: &str,
        at: DateTime<Utc>,
        under_lock: &mut dyn FnMut() -> Result<()>,
    ) -> Result<Vec<ChangeEntry>> {
        if self.fault.applies.fetch_add(1, Ordering::SeqCst) == 1 {
            if let Some(write) = &self.fault.write_before_apply {
                write()?;
            }
        }
        let fault = self.fault.clone();
        self.inner.apply_plan_locked(steps, a, at, &mut || {
            under_lock()?;
            fault.check("apply_plan")
        })
    }
    fn field_impact(&mut self, f: i64, to: Option<&FieldType>) -> Result<(u64, u64)> {
        self.inner.field_impact(f, to)
    }
    fn check(&self, tables: Option<&[i64]>) -> Result<Definitions> {
        self.fault.check("check")?;
        self.inner.check(tables)
    }
    fn committed_import(&self, id: i64) -> Result<Option<u32>> {
        self.inner.committed_import(id)
    }
    fn installed_extensions(&self) -> Result<Vec<cutover_core::extension::InstalledExtension>> {
        self.inner.installed_extensions()
    }
    fn install_extension(
        &mut self,
        ext: &cutover_core::extension::InstalledExtension,
        install: &[(String, String)],
        uninstall: &[(String, String)],
    ) -> Result<()> {
        self.inner.install_extension(ext, install, uninstall)
    }
    fn uninstall_extension(&mut self, name: &str) -> Result<()> {
        self.inner.uninstall_extension(name)
    }
    fn apply_release_scripts(
        &mut self,
        release: &str,
        scripts: &[(String, String)],
        at: DateTime<Utc>,
    ) -> Result<usize> {
        self.inner.apply_release_scripts(release, scripts, at)
    }
    fn failing_checks(&self, checks: &[(String, String)]) -> Result<Vec<(String, String)>> {
        self.inner.failing_checks(checks)
    }
    fn platform_version(&self) -> Result<String> {
        self.inner.platform_version()
    }
    fn set_platform_version(&mut self, version: &str) -> Result<()> {
        self.inner.set_platform_version(version)
    }
}

fn now() -> DateTime<Utc> {
    "2026-11-23T15:00:00Z".parse().expect("instant")
}

#[test]
fn an_error_at_any_step_leaves_production_exactly_as_it_was() -> Result<()> {
    // The dry run copies, applies and checks a copy (call 1 of each); the
    // real run backs up, then applies to and checks production (call 2).
    let cases = [
        ("copy", 1, PromotionStep::DryRun),
        ("apply_plan", 1, PromotionStep::DryRun),
        ("check", 1, PromotionStep::DryRun),
        ("take_point", 1, PromotionStep::Backup),
        // Production's changelog read once it is locked.
        ("changelog_end", 1, PromotionStep::Lock),
        ("apply_plan", 2, PromotionStep::Apply),
        ("check", 2, PromotionStep::Verify),
    ];
    for (step, nth, failed_at) in cases {
        let dir = tempfile::tempdir().context("temp dir")?;
        let ws = Workspace::open(dir.path())?;
        demo::ensure_demo(&ws, now())?;
        let envs = ws.overview()?[0].environments.clone();
        let id = |n: &str| {
            envs.iter()
                .find(|e| e.environment.name == n)
                .map(|e| e.environment.id)
                .expect(n)
        };
        let (production, sandbox) = (id("Production"), id("Promotable sandbox"));
        let alex = ws.current_admin(now())?;
        let defs = ws.definitions(sandbox)?;
        let employees = defs
            .tables
            .iter()
            .find(|t| t.name == "Employees")
            .expect("Employees");
        let start = employees
            .fields
            .iter()
            .find(|f| f.name == "Start date")
            .expect("Start date")
            .id;
        ws.apply_change(
            sandbox,
            &Change::DeleteField { field_id: start },
            &alex,
            now(),
            false,
        )?;
        ws.apply_change(
            sandbox,
            &Change::CreateApp {
                name: "Finance".into(),
            },
            &alex,
            now(),
            false,
        )?;
        let before_defs = ws.definitions(production)?;
        let before: Vec<Vec<Record>> = before_defs
            .tables
            .iter()
            .map(|t| ws.store(production)?.records(t.id))
            .collect::<Result<_>>()?;
        drop(ws);

        let fault = Arc::new(Fault {
            step,
            nth,
            calls: AtomicU32::new(0),
            write_before_apply: None,
            applies: AtomicU32::new(0),
        });
        let backend = SqliteBackend::new(dir.path())?;
        let ws = Workspace::with_backend(
            dir.path(),
            Box::new(Faulty {
                inner: backend,
                fault,
            }),
        )?;
        let e = ws
            .promote(sandbox, &[], "Production", &alex, &now, &|_| {})
            .expect_err(step);
        assert!(
            e.message.contains("injected fault"),
            "{step} #{nth}: {}",
            e.message
        );

        let record = &ws.promotions(production)?[0];
        assert_eq!(
            (record.state, record.step),
            (PromotionState::Failed, failed_at),
            "{step} #{nth}"
        );
        assert_eq!(
            ws.environment(production)?.status,
            EnvironmentStatus::Ready,
            "{step} #{nth}"
        );
        assert_eq!(ws.definitions(production)?, before_defs, "{step} #{nth}");
        let after: Vec<Vec<Record>> = before_defs
            .tables
            .iter()
            .map(|t| ws.store(production)?.records(t.id))
            .collect::<Result<_>>()?;
        assert_eq!(after, before, "{step} #{nth}: every record, row by row");
        assert_eq!(
            ws.promotion_plan(sandbox)?.steps.len(),
            2,
            "{step} #{nth}: still to promote"
        );
        assert!(
            ws.integrations(production)?
                .iter()
                .all(|i| i.active && i.paused_by_promotion.is_none()),
            "{step} #{nth}: integrations resumed"
        );
    }
    Ok(())
}

/// Another application commits to production after the promotion's first
/// backup, just before the apply locks it; the promotion then fails its
/// verification and production is restored: from a backup that holds that
/// write, so it is not lost.
#[test]
fn a_write_just_before_the_apply_lock_survives_a_failed_promotions_restore() -> Result<()> {
    let dir = tempfile::tempdir().context("temp dir")?;
    let ws = Workspace::open(dir.path())?;
    demo::ensure_demo(&ws, now())?;
    let envs = ws.overview()?[0].environments.clone();
    let id = |n: &str| {
        envs.iter()
            .find(|e| e.environment.name == n)
            .map(|e| e.environment.id)
            .expect(n)
    };
    let (production, sandbox) = (id("Production"), id("Promotable sandbox"));
    let alex = ws.current_admin(now())?;
    ws.apply_change(
        sandbox,
        &Change::CreateApp {
            name: "Finance".into(),
        },
        &alex,
        now(),
        false,
    )?;
    let employees = ws
        .definitions(production)?
        .tables
        .into_iter()
        .find(|t| t.name == "Employees")
        .expect("Employees");
    let before = ws.store(production)?.records(employees.id)?.len();
    let key: String = ws
        .connect()?
        .query_row(
            "SELECT store_key FROM environments WHERE id = ?1",
            [production],
            |r| r.get(0),
        )
        .context("production's store")?;
    drop(ws);

    let other = SqliteBackend::new(dir.path())?;
    let (table, width) = (employees.id, employees.fields.len());
    let fault = Arc::new(Fault {
        step: "check",
        nth: 2,
        calls: AtomicU32::new(0),
        write_before_apply: Some(Box::new(move || {
            other
                .open(&key)?
                .insert_records(
                    table,
                    &[vec![cutover_core::definitions::Value::Null; width]],
                )
                .map(|_| ())
        })),
        applies: AtomicU32::new(0),
    });
    let ws = Workspace::with_backend(
        dir.path(),
        Box::new(Faulty {
            inner: SqliteBackend::new(dir.path())?,
            fault,
        }),
    )?;
    let e = ws
        .promote(sandbox, &[], "Production", &alex, &now, &|_| {})
        .expect_err("verification fails");
    assert!(e.message.contains("injected fault"), "{}", e.message);
    assert_eq!(ws.promotions(production)?[0].step, PromotionStep::Verify);
    assert_eq!(
        ws.store(production)?.records(employees.id)?.len(),
        before + 1,
        "the write acknowledged before the lock is kept"
    );
    assert!(ws
        .definitions(production)?
        .apps
        .iter()
        .all(|a| a.name != "Finance"));
    Ok(())
}
