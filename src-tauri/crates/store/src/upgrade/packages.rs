//! Step 3 of an upgrade run: packages applied to the parallel copy one at a
//! time, each signed off before the next, each able to be rolled back
//! alone (from a snapshot of the copy taken just before it). The same
//! functions apply the packages to the original in the data upgrade, so
//! the rehearsal runs exactly what the downtime will.

use crate::control::failpoint::{Failpoint, Site};
use crate::env_store::EnvironmentStore;
use crate::upgrade::view::RunRow;
use crate::Workspace;
use chrono::{DateTime, Utc};
use cutover_core::admin::{ensure_super_admin, Admin};
use cutover_core::release::Version;
use cutover_core::upgrade::{
    self as rules, PackageKind, PackageState, UpgradePackage, UpgradeRun, UpgradeState,
};
use cutover_core::{Error, Result};
use std::sync::atomic::AtomicBool;

impl Workspace {
    /// Applies one package to `store` (the copy, or the original during the
    /// data upgrade). Running it again after an interruption is safe.
    pub(super) fn apply_package(
        &self,
        store: &mut dyn EnvironmentStore,
        account_id: i64,
        package: &UpgradePackage,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        match package.kind {
            PackageKind::RemoveExtension => {
                if store
                    .installed_extensions()?
                    .iter()
                    .any(|e| e.name == package.reference)
                {
                    store.uninstall_extension(&package.reference)?;
                }
            }
            PackageKind::Platform | PackageKind::Hotfix => {
                let scripts = self.release_scripts(account_id, &package.reference, "migration")?;
                store.apply_release_scripts(&package.reference, &scripts, now)?;
            }
            PackageKind::InstallExtension => {
                let id = package.extension_id.ok_or_else(|| {
                    Error::not_found(format!("{} is no longer in the catalog.", package.label))
                })?;
                let summary = self
                    .extension_catalog(account_id)?
                    .into_iter()
                    .find(|e| e.id == id)
                    .ok_or_else(|| {
                        Error::not_found(format!("{} is no longer in the catalog.", package.label))
                    })?;
                if !store
                    .installed_extensions()?
                    .iter()
                    .any(|e| e.name == summary.name)
                {
                    store.install_extension(
                        &summary.installed(now, by),
                        &self.extension_scripts(id, "install")?,
                        &self.extension_scripts(id, "uninstall")?,
                    )?;
                }
            }
        }
        Ok(())
    }

    /// Runs the checks of the target release and of its hotfixes; refuses
    /// with the first failing check and the row it returned.
    pub(super) fn run_checks(
        &self,
        store: &dyn EnvironmentStore,
        run: &UpgradeRun,
        account_id: i64,
        extra: &[(String, String)],
    ) -> Result<usize> {
        let mut checks = Vec::new();
        for p in run
            .packages
            .iter()
            .filter(|p| matches!(p.kind, PackageKind::Platform | PackageKind::Hotfix))
        {
            for (name, sql) in self.release_scripts(account_id, &p.reference, "check")? {
                checks.push((format!("{} checks/{name}", p.reference), sql));
            }
        }
        checks.extend(extra.iter().cloned());
        let failed = store.failing_checks(&checks)?;
        match failed.first() {
            None => Ok(checks.len()),
            Some((name, row)) => Err(Error::invalid(format!(
                "Check {name} failed: it returned a row ({row}){}.",
                if failed.len() > 1 {
                    format!(", and {} more checks failed", failed.len() - 1)
                } else {
                    String::new()
                }
            ))),
        }
    }

    fn packages_run(&self, id: i64) -> Result<(RunRow, String)> {
        let run = self.run_row(id)?;
        if run.view.state != UpgradeState::Packages {
            return Err(Error::conflict(
                "Packages can be applied, signed off or rolled back only while the run is at its packages step.",
            ));
        }
        let key = run
            .copy_key
            .clone()
            .ok_or_else(|| Error::conflict("This run's parallel copy is gone."))?;
        Ok((run, key))
    }

    /// Puts the copy back as it was before package `index`. Where the copy
    /// is there, in one write (a stop leaves it before or after, never
    /// missing); where a stop removed it, copied from the snapshot again.
    fn restore_snapshot(&self, run: &RunRow, key: &str, index: usize) -> Result<()> {
        let backend = self.backend(run.account_id)?;
        let snapshot = format!("{key}-before-{index}");
        if backend.exists(key)? {
            backend.replace(key, &snapshot, &|_| {})
        } else {
            backend.discard(key)?;
            backend.copy(&snapshot, key, &|_| {}, &AtomicBool::new(false))
        }
    }

    /// Whether the snapshot before package `index` exists.
    fn has_snapshot(&self, run: &RunRow, key: &str, index: usize) -> Result<bool> {
        self.backend(run.account_id)?
            .exists(&format!("{key}-before-{index}"))
    }

    /// Applies the next package to the copy. A failure (or a failing check
    /// after the last one) puts the copy back as it was before it.
    pub fn apply_next_package(
        &self,
        id: i64,
        admin: &Admin,
        now: &dyn Fn() -> DateTime<Utc>,
    ) -> Result<UpgradeRun> {
        ensure_super_admin(admin, "apply upgrade packages")?;
        let (run, key) = self.packages_run(id)?;
        let mut packages = run.view.packages.clone();
        let index = rules::next_package(&packages)?;
        let backend = self.backend(run.account_id)?;
        if packages[index].state == PackageState::Missing {
            let version = Version::parse(&packages[index].reference)?;
            if self.release_manifest(run.account_id, &version)?.is_none() {
                // Refuses, naming the missing hotfix and what to do.
                rules::ensure_gate_open(&packages[index..=index], 0, None)?;
            }
            packages[index].state = PackageState::Pending;
        }
        // Invariant: while package `index` is pending and its snapshot
        // exists, the copy equals the snapshot, unless a stop interrupted
        // applying it; so the snapshot is put back, never retaken from a
        // copy that may already hold part of the package.
        if self.has_snapshot(&run, &key, index)? {
            self.restore_snapshot(&run, &key, index)?;
        } else {
            backend.copy(
                &key,
                &format!("{key}-before-{index}"),
                &|_| {},
                &AtomicBool::new(false),
            )?;
        }
        self.log_run(
            id,
            now(),
            &format!("Applying {} to the copy.", packages[index].label),
        )?;
        let started = std::time::Instant::now();
        let last = index + 1 == packages.len();
        let applied = (|| {
            let mut store = backend.open(&key)?;
            self.apply_package(
                store.as_mut(),
                run.account_id,
                &packages[index],
                &admin.name,
                now(),
            )?;
            if last {
                let n = self.run_checks(store.as_ref(), &run.view, run.account_id, &[])?;
                self.log_run(id, now(), &format!("{n} checks passed on the copy."))?;
            }
            Failpoint::fire(self.failpoint(), Site::PackageApplied)
        })();
        if let Err(e) = applied {
            self.restore_snapshot(&run, &key, index)?;
            self.log_run(
                id,
                now(),
                &format!(
                    "{} failed on the copy and was rolled back: {}",
                    packages[index].label, e.message
                ),
            )?;
            return Err(Error::new(
                e.kind,
                format!(
                    "{} failed on the copy, which is back as it was before it: {}",
                    packages[index].label, e.message
                ),
            ));
        }
        // Only the last package rolls back alone: the snapshot before the
        // one before it is no longer needed.
        if index > 0 {
            backend.discard(&format!("{key}-before-{}", index - 1))?;
        }
        let ms = started.elapsed().as_millis().min(u32::MAX as u128) as u32;
        packages[index].state = PackageState::Applied;
        packages[index].applied_ms = Some(ms);
        self.set_run_packages(id, &packages)?;
        self.log_run(
            id,
            now(),
            &format!(
                "{} applied to the copy in {}; sign it off to continue.",
                packages[index].label,
                rules::duration_text(u64::from(ms))
            ),
        )?;
        self.upgrade_run(id)
    }

    /// Signs off the package just applied (seed 002's Sign Off).
    pub fn sign_off_package(
        &self,
        id: i64,
        admin: &Admin,
        now: DateTime<Utc>,
    ) -> Result<UpgradeRun> {
        ensure_super_admin(admin, "sign off an upgrade package")?;
        let (run, _) = self.packages_run(id)?;
        let mut packages = run.view.packages;
        let p = packages
            .iter_mut()
            .find(|p| p.state == PackageState::Applied)
            .ok_or_else(|| {
                Error::conflict("No package is waiting for a sign-off: apply the next one first.")
            })?;
        p.state = PackageState::SignedOff;
        p.signed_off_by = Some(admin.name.clone());
        p.signed_off_at = Some(now);
        let label = p.label.clone();
        self.set_run_packages(id, &packages)?;
        Failpoint::fire(self.failpoint(), Site::PackageSignedOff)?;
        self.log_run(id, now, &format!("{} signed off {label}.", admin.name))?;
        self.upgrade_run(id)
    }

    /// Rolls back the most recent package on the copy, whether signed off
    /// or not; earlier packages stay.
    pub fn roll_back_package(
        &self,
        id: i64,
        admin: &Admin,
        now: DateTime<Utc>,
    ) -> Result<UpgradeRun> {
        ensure_super_admin(admin, "roll back an upgrade package")?;
        let (run, key) = self.packages_run(id)?;
        let mut packages = run.view.packages.clone();
        let index = packages
            .iter()
            .rposition(|p| matches!(p.state, PackageState::Applied | PackageState::SignedOff))
            .ok_or_else(|| Error::conflict("No package has been applied to the copy yet."))?;
        if !self.has_snapshot(&run, &key, index)? {
            return Err(Error::conflict(format!(
                "Only the package applied last can be rolled back alone, and {} was applied before the one just rolled back. To undo it, cancel the run and start again.",
                packages[index].label
            )));
        }
        self.restore_snapshot(&run, &key, index)?;
        Failpoint::fire(self.failpoint(), Site::PackageRolledBack)?;
        let p = &mut packages[index];
        p.state = PackageState::Pending;
        p.applied_ms = None;
        p.signed_off_by = None;
        p.signed_off_at = None;
        let label = p.label.clone();
        self.set_run_packages(id, &packages)?;
        self.log_run(
            id,
            now,
            &format!("{} rolled back {label} on the copy.", admin.name),
        )?;
        self.upgrade_run(id)
    }
}
