//! The admins of this desktop and which one is acting (a setting).
//!
//! Invariant: once anything asks, there is at least one admin and a current
//! one; a desktop without admins gets a super-admin named "Administrator" so
//! that the first person is never locked out of their own console.

use crate::{Context, Workspace};
use chrono::{DateTime, Utc};
use cutover_core::admin::{validate_admin_name, Admin, AdminId, Admins, Role};
use cutover_core::{Error, Result};
use rusqlite::{params, Connection};

const CURRENT_KEY: &str = "current_admin";
const FALLBACK_NAME: &str = "Administrator";

fn read_admins(conn: &Connection) -> Result<Vec<Admin>> {
    let mut stmt = conn
        .prepare("SELECT id, name, role FROM admins ORDER BY name COLLATE NOCASE")
        .context("listing admins")?;
    let raw = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })
        .context("listing admins")?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("listing admins")?;
    raw.into_iter()
        .map(|(id, name, role)| {
            Ok(Admin {
                id,
                name,
                role: Role::parse(&role)?,
            })
        })
        .collect()
}

pub(crate) fn insert_admin(
    conn: &Connection,
    name: &str,
    role: Role,
    now: DateTime<Utc>,
) -> Result<AdminId> {
    let name = validate_admin_name(name)?;
    match conn.execute(
        "INSERT INTO admins (name, role, created_at) VALUES (?1, ?2, ?3)",
        params![name, role.as_str(), now],
    ) {
        Ok(_) => Ok(conn.last_insert_rowid()),
        Err(e) if crate::control::fault::is_unique_violation(&e) => Err(Error::conflict(format!(
            "There is already an admin named \"{name}\". Use another name."
        ))),
        Err(e) => Err(e).context("adding an admin"),
    }
}

/// Adds `seed` (the demo's admins) to a desktop that has no account yet:
/// the fallback admin, made only so that someone could act and which had
/// nothing to act on, gives way to them. Admins someone added by name stay.
pub(crate) fn seed_admins(
    conn: &Connection,
    seed: &[(&str, Role)],
    now: DateTime<Utc>,
) -> Result<()> {
    let existing = read_admins(conn)?;
    if let [only] = existing.as_slice() {
        if only.name == FALLBACK_NAME {
            conn.execute("DELETE FROM admins WHERE id = ?1", [only.id])
                .context("replacing the fallback admin")?;
            conn.execute("DELETE FROM settings WHERE key = ?1", [CURRENT_KEY])
                .context("replacing the fallback admin")?;
        }
    }
    let existing = read_admins(conn)?;
    for (name, role) in seed {
        if !existing.iter().any(|a| a.name.eq_ignore_ascii_case(name)) {
            insert_admin(conn, name, *role, now)?;
        }
    }
    Ok(())
}

/// Gives the unnamed first admin (see [`FALLBACK_NAME`]) a person's name;
/// does nothing once admins have names. Returns whether it did.
pub(crate) fn name_first_admin(conn: &Connection, name: &str) -> Result<bool> {
    let name = validate_admin_name(name)?;
    let existing = read_admins(conn)?;
    match existing.as_slice() {
        [only] if only.name == FALLBACK_NAME => {
            conn.execute(
                "UPDATE admins SET name = ?2 WHERE id = ?1",
                params![only.id, name],
            )
            .context("naming the first admin")?;
            Ok(true)
        }
        _ => Ok(false),
    }
}

impl Workspace {
    /// Every admin, and the current one.
    pub fn admins(&self, now: DateTime<Utc>) -> Result<Admins> {
        let conn = self.connect()?;
        let mut admins = read_admins(&conn)?;
        if admins.is_empty() {
            insert_admin(&conn, FALLBACK_NAME, Role::SuperAdmin, now)?;
            admins = read_admins(&conn)?;
        }
        let chosen: Option<i64> =
            crate::control::setting(&conn, CURRENT_KEY)?.and_then(|v| v.parse().ok());
        // A removed or unset current admin falls back to the first super-admin.
        let current = chosen
            .and_then(|id| admins.iter().find(|a| a.id == id))
            .or_else(|| admins.iter().find(|a| a.role == Role::SuperAdmin))
            .unwrap_or(&admins[0])
            .clone();
        let unnamed = matches!(admins.as_slice(), [only] if only.name == FALLBACK_NAME);
        Ok(Admins {
            admins,
            current,
            unnamed,
        })
    }

    /// The admin acting now; every change and operation is recorded as theirs.
    pub fn current_admin(&self, now: DateTime<Utc>) -> Result<Admin> {
        Ok(self.admins(now)?.current)
    }

    /// Makes another admin the current one.
    pub fn switch_admin(&self, id: AdminId, now: DateTime<Utc>) -> Result<Admins> {
        let admins = self.admins(now)?;
        if !admins.admins.iter().any(|a| a.id == id) {
            return Err(Error::not_found(
                "That admin no longer exists. Choose another one.",
            ));
        }
        crate::control::set_setting(&self.connect()?, CURRENT_KEY, &id.to_string())?;
        self.admins(now)
    }

    /// Adds an admin to this desktop (it does not become current).
    pub fn add_admin(&self, name: &str, role: Role, now: DateTime<Utc>) -> Result<Admins> {
        let conn = self.connect()?;
        // Make sure the fallback admin exists first, so adding an app-admin
        // to an empty desktop never leaves it without a super-admin.
        self.admins(now)?;
        insert_admin(&conn, name, role, now)?;
        self.admins(now)
    }
}
