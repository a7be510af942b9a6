//! Calendar settings and scheduled production upgrades, with the reminders
//! each schedule needs. Scheduling checks the rules of
//! `cutover_core::schedule` and stores the plan and its reminders in one
//! transaction; rescheduling replaces the plan and its unfired reminders.

use crate::{Context, Workspace};
use chrono::{DateTime, NaiveDate, Utc};
use cutover_core::account::AccountId;
use cutover_core::admin::{ensure_super_admin, Admin};
use cutover_core::release::{ReleaseType, Selectable, Version};
use cutover_core::schedule::{self, Calendar, CalendarSettings, ReminderKind, Slot};
use cutover_core::schedule_view::{AccountCalendar, ReminderState, ScheduledUpgrade};
use cutover_core::{Error, Result};
use cutover_package::Manifest;
use rusqlite::{params, Connection, OptionalExtension, Row};

const PLAN_COLUMNS: &str =
    "p.id, p.account_id, a.name, p.release_id, r.version, r.release_type, p.wave,
    p.window_start, p.window_end, p.uat_refresh, p.uat_start, p.uat_end, p.sandbox_deadline,
    p.created_at, p.created_by";

fn plan_row(r: &Row<'_>) -> rusqlite::Result<(ScheduledUpgrade, String)> {
    let release_type: String = r.get(5)?;
    Ok((
        ScheduledUpgrade {
            id: r.get(0)?,
            account_id: r.get(1)?,
            account_name: r.get(2)?,
            release_id: r.get(3)?,
            version: r.get(4)?,
            release_type: ReleaseType::Maintenance,
            wave: r.get(6)?,
            slot: Slot {
                start: r.get(7)?,
                end: r.get(8)?,
            },
            uat_refresh: r.get(9)?,
            uat_start: r.get(10)?,
            uat_end: r.get(11)?,
            sandbox_deadline: r.get(12)?,
            created_at: r.get(13)?,
            created_by: r.get(14)?,
            reminders: Vec::new(),
        },
        release_type,
    ))
}

impl Workspace {
    /// The account's calendar; defaults until an admin saves settings.
    pub fn account_calendar(&self, account_id: AccountId) -> Result<AccountCalendar> {
        let conn = self.connect()?;
        let (account_name, time_zone, stored): (String, String, Option<String>) = conn
            .query_row(
                "SELECT a.name, a.time_zone, c.settings FROM accounts a
                 LEFT JOIN calendar_settings c ON c.account_id = a.id WHERE a.id = ?1",
                [account_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .context("reading the calendar")?
            .ok_or_else(|| Error::not_found("That account no longer exists."))?;
        let settings = match stored {
            Some(json) => serde_json::from_str(&json).context("reading calendar settings")?,
            None => CalendarSettings::default(),
        };
        Ok(AccountCalendar {
            account_id,
            account_name,
            time_zone,
            settings,
        })
    }

    /// The days of the coming year on which daylight saving moves a
    /// maintenance window's start, each said with where it moves.
    pub fn window_shifts(&self, account_id: AccountId, now: DateTime<Utc>) -> Result<Vec<String>> {
        let calendar = self.calendar_of(account_id)?;
        Ok(calendar
            .window_shifts(calendar.local_date(now), 366)
            .into_iter()
            .map(|(_, text)| text)
            .collect())
    }

    pub(crate) fn calendar_of(&self, account_id: AccountId) -> Result<Calendar> {
        let c = self.account_calendar(account_id)?;
        Calendar::new(&c.time_zone, c.settings)
    }

    /// Saves the account's time zone and calendar settings; the unfired
    /// reminders of scheduled upgrades follow a new reminder time or zone.
    pub fn set_account_calendar(
        &self,
        account_id: AccountId,
        time_zone: &str,
        settings: CalendarSettings,
        admin: &Admin,
    ) -> Result<AccountCalendar> {
        ensure_super_admin(admin, "change the account's calendar")?;
        let calendar = Calendar::new(time_zone, settings.clone())?;
        let mut conn = self.connect()?;
        let tx = conn.transaction().context("saving the calendar")?;
        tx.execute(
            "UPDATE accounts SET time_zone = ?1 WHERE id = ?2",
            params![time_zone, account_id],
        )
        .context("saving the time zone")?;
        tx.execute(
            "INSERT INTO calendar_settings (account_id, settings) VALUES (?1, ?2)
             ON CONFLICT (account_id) DO UPDATE SET settings = excluded.settings",
            params![
                account_id,
                serde_json::to_string(&settings).context("saving settings")?
            ],
        )
        .context("saving calendar settings")?;
        retime_reminders(&tx, account_id, &calendar)?;
        tx.commit().context("saving the calendar")?;
        self.account_calendar(account_id)
    }

    /// Schedules (or reschedules) production's upgrade to `release_id` on
    /// local `date`: a super-admin, a selectable release newer than
    /// production, one of the waves it offers, a maintenance window with the
    /// minimum notice and no freeze.
    pub fn schedule_upgrade(
        &self,
        release_id: i64,
        date: NaiveDate,
        admin: &Admin,
        now: DateTime<Utc>,
    ) -> Result<ScheduledUpgrade> {
        ensure_super_admin(admin, "schedule a production upgrade")?;
        let mut conn = self.connect()?;
        let (account_id, release) = self.release_summary(&conn, release_id, admin, now)?;
        let manifest: Manifest = conn
            .query_row(
                "SELECT manifest FROM releases WHERE id = ?1",
                [release_id],
                |r| r.get::<_, String>(0),
            )
            .context("reading the release")
            .and_then(|m| serde_json::from_str(&m).context("reading the manifest"))?;
        match release.selectable {
            Selectable::Yes => {}
            Selectable::NotYetAvailable => {
                return Err(Error::invalid(format!(
                    "{} is not generally available until {}; it cannot be scheduled yet.",
                    release.version, release.general_availability
                )))
            }
            Selectable::DroppedOut => {
                return Err(Error::invalid(format!(
                    "{} has dropped out of the version window; schedule a newer release.",
                    release.version
                )))
            }
        }
        let production = self
            .environment_rows(&conn, account_id)?
            .into_iter()
            .find(|r| r.environment.kind == cutover_core::environment::EnvironmentKind::Production)
            .ok_or_else(|| Error::not_found("This account has no production environment."))?;
        if Version::parse(&production.environment.version)? >= Version::parse(&release.version)? {
            return Err(Error::invalid(format!(
                "Production already runs {}; {} is not an upgrade.",
                production.environment.version, release.version
            )));
        }
        let wave = if manifest.waves.is_empty() {
            None
        } else {
            let offered: Vec<String> = manifest
                .waves
                .iter()
                .map(|w| format!("{} ({})", w.name, w.date.format("%-d %b %Y")))
                .collect();
            let wave = manifest
                .waves
                .iter()
                .find(|w| w.date == date)
                .ok_or_else(|| {
                    Error::invalid(format!(
                        "{} offers production upgrades only in its waves: {}. Pick one of them.",
                        release.version,
                        offered.join(", ")
                    ))
                })?;
            Some(wave.name.clone())
        };
        let calendar = self.calendar_of(account_id)?;
        // A release whose UAT is signed off (or cleared by an override) is
        // rescheduled without a new UAT window.
        let uat_done: bool = conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM uat_cycles WHERE account_id = ?1 AND release_id = ?2
                   AND (signed_off_at IS NOT NULL OR override_reason IS NOT NULL))",
                params![account_id, release_id],
                |r| r.get(0),
            )
            .context("reading the UAT cycle")?;
        let plan = if manifest.waves.is_empty() {
            schedule::plan_upgrade_after_uat(&calendar, release.release_type, uat_done, date, now)?
        } else {
            let waves: Vec<(String, chrono::NaiveDate)> = manifest
                .waves
                .iter()
                .map(|w| (w.name.clone(), w.date))
                .collect();
            schedule::plan_wave_after_uat(
                &calendar,
                release.release_type,
                uat_done,
                &waves,
                date,
                now,
            )?
        };
        let tx = conn.transaction().context("scheduling")?;
        tx.execute(
            "DELETE FROM reminders WHERE fired_at IS NULL AND plan_id IN
               (SELECT id FROM upgrade_plans WHERE account_id = ?1 AND release_id = ?2 AND status = 'scheduled')",
            params![account_id, release_id],
        )
        .context("replacing the old schedule")?;
        tx.execute(
            "UPDATE upgrade_plans SET status = 'replaced' WHERE account_id = ?1 AND release_id = ?2 AND status = 'scheduled'",
            params![account_id, release_id],
        )
        .context("replacing the old schedule")?;
        tx.execute(
            "INSERT INTO upgrade_plans (account_id, release_id, wave, window_start, window_end, uat_refresh,
                 uat_start, uat_end, sandbox_deadline, created_at, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                account_id, release_id, wave, plan.slot.start, plan.slot.end, plan.uat_refresh,
                plan.uat_start, plan.uat_end, plan.sandbox_deadline, now, admin.name
            ],
        )
        .context("scheduling")?;
        let plan_id = tx.last_insert_rowid();
        // Its UAT cycle: made once per release that gets a UAT window, kept
        // across reschedules; a new schedule ends a delay "until fixed".
        if plan.uat_start.is_some() {
            tx.execute(
                "INSERT INTO uat_cycles (account_id, release_id, created_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (account_id, release_id) DO NOTHING",
                params![account_id, release_id, now],
            )
            .context("scheduling the UAT cycle")?;
        }
        tx.execute(
            "UPDATE uat_cycles SET delayed_until_fixed = 0 WHERE account_id = ?1 AND release_id = ?2",
            params![account_id, release_id],
        )
        .context("scheduling the UAT cycle")?;
        for (kind, seq, due_at) in numbered(schedule::reminders(&calendar, &plan)) {
            // A reminder whose time has already passed is moot for a new plan.
            if due_at > now {
                insert_reminder(&tx, plan_id, kind, seq, due_at)?;
            }
        }
        tx.commit().context("scheduling")?;
        tracing::info!(plan_id, release_id, %date, "scheduled a production upgrade");
        self.scheduled_upgrade(plan_id)
    }

    pub fn cancel_upgrade(&self, plan_id: i64, admin: &Admin) -> Result<()> {
        ensure_super_admin(admin, "cancel a scheduled upgrade")?;
        let mut conn = self.connect()?;
        let tx = conn.transaction().context("cancelling")?;
        let changed = tx
            .execute("UPDATE upgrade_plans SET status = 'cancelled' WHERE id = ?1 AND status = 'scheduled'", [plan_id])
            .context("cancelling")?;
        if changed == 0 {
            return Err(Error::not_found("That upgrade is no longer scheduled."));
        }
        tx.execute(
            "DELETE FROM reminders WHERE plan_id = ?1 AND fired_at IS NULL",
            [plan_id],
        )
        .context("cancelling reminders")?;
        tx.commit().context("cancelling")
    }

    pub fn scheduled_upgrade(&self, plan_id: i64) -> Result<ScheduledUpgrade> {
        self.scheduled_upgrades_where("p.id = ?1", plan_id)?
            .pop()
            .ok_or_else(|| Error::not_found("That upgrade is no longer scheduled."))
    }

    /// Scheduled upgrades of every account (`account_id` 0) or of one.
    pub fn scheduled_upgrades(&self, account_id: AccountId) -> Result<Vec<ScheduledUpgrade>> {
        self.scheduled_upgrades_where(
            "(?1 = 0 OR p.account_id = ?1) AND p.status = 'scheduled'",
            account_id,
        )
    }

    fn scheduled_upgrades_where(&self, condition: &str, arg: i64) -> Result<Vec<ScheduledUpgrade>> {
        let conn = self.connect()?;
        let mut stmt = conn
            .prepare(&format!(
                "SELECT {PLAN_COLUMNS} FROM upgrade_plans p JOIN accounts a ON a.id = p.account_id
                 JOIN releases r ON r.id = p.release_id WHERE {condition} ORDER BY p.window_start"
            ))
            .context("reading schedules")?;
        let rows = stmt
            .query_map([arg], plan_row)
            .context("reading schedules")?
            .collect::<rusqlite::Result<Vec<_>>>()
            .context("reading schedules")?;
        rows.into_iter()
            .map(|(mut plan, release_type)| {
                plan.release_type = ReleaseType::parse(&release_type)?;
                plan.reminders = reminder_states(&conn, plan.id)?;
                Ok(plan)
            })
            .collect()
    }
}

/// Numbers the reminders of each kind in time order (the n-th weekly
/// check-in is `seq` n - 1), which is how a reminder is known again when
/// its plan's times move.
fn numbered(
    mut reminders: Vec<(ReminderKind, DateTime<Utc>)>,
) -> Vec<(ReminderKind, i64, DateTime<Utc>)> {
    reminders.sort_by_key(|(_, at)| *at);
    let mut seen: Vec<ReminderKind> = Vec::new();
    reminders
        .into_iter()
        .map(|(kind, at)| {
            let seq = seen.iter().filter(|k| **k == kind).count() as i64;
            seen.push(kind);
            (kind, seq, at)
        })
        .collect()
}

/// Production's scheduled slot and wave for a release, if it is scheduled.
pub(crate) fn scheduled_slot(
    conn: &Connection,
    account_id: AccountId,
    release_id: i64,
) -> Result<Option<(Slot, Option<String>)>> {
    conn.query_row(
        "SELECT window_start, window_end, wave FROM upgrade_plans
         WHERE account_id = ?1 AND release_id = ?2 AND status = 'scheduled'",
        params![account_id, release_id],
        |r| {
            Ok((
                Slot {
                    start: r.get(0)?,
                    end: r.get(1)?,
                },
                r.get(2)?,
            ))
        },
    )
    .optional()
    .context("reading the schedule")
}

fn insert_reminder(
    tx: &Connection,
    plan_id: i64,
    kind: ReminderKind,
    seq: i64,
    due_at: DateTime<Utc>,
) -> Result<()> {
    tx.execute(
        "INSERT INTO reminders (plan_id, kind, seq, due_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (plan_id, kind, seq) DO UPDATE SET due_at = excluded.due_at WHERE fired_at IS NULL",
        params![plan_id, kind.as_str(), seq, due_at],
    )
    .context("storing a reminder")?;
    Ok(())
}

fn reminder_states(conn: &Connection, plan_id: i64) -> Result<Vec<ReminderState>> {
    let mut stmt = conn
        .prepare(
            "SELECT kind, due_at, fired_at, late FROM reminders WHERE plan_id = ?1 ORDER BY due_at",
        )
        .context("reading reminders")?;
    let rows = stmt
        .query_map([plan_id], |r| {
            Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .context("reading reminders")?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("reading reminders")?;
    rows.into_iter()
        .map(|(kind, due_at, fired_at, late)| {
            Ok(ReminderState {
                kind: ReminderKind::parse(&kind)?,
                due_at,
                fired_at,
                late,
            })
        })
        .collect()
}

/// Recomputes the due times of unfired reminders of scheduled plans.
fn retime_reminders(tx: &Connection, account_id: AccountId, calendar: &Calendar) -> Result<()> {
    let mut stmt = tx
        .prepare(
            "SELECT id, window_start, window_end, uat_refresh, uat_start, uat_end, sandbox_deadline
             FROM upgrade_plans WHERE account_id = ?1 AND status = 'scheduled'",
        )
        .context("reading schedules")?;
    let plans = stmt
        .query_map([account_id], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                schedule::UpgradePlan {
                    slot: Slot {
                        start: r.get(1)?,
                        end: r.get(2)?,
                    },
                    uat_refresh: r.get(3)?,
                    uat_start: r.get(4)?,
                    uat_end: r.get(5)?,
                    sandbox_deadline: r.get(6)?,
                },
            ))
        })
        .context("reading schedules")?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("reading schedules")?;
    for (plan_id, plan) in plans {
        for (kind, seq, due_at) in numbered(schedule::reminders(calendar, &plan)) {
            tx.execute(
                "UPDATE reminders SET due_at = ?3 WHERE plan_id = ?1 AND kind = ?2 AND seq = ?4 AND fired_at IS NULL",
                params![plan_id, kind.as_str(), due_at, seq],
            )
            .context("moving a reminder")?;
        }
    }
    Ok(())
}
