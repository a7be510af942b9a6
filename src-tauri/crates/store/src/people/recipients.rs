//! Who is told what (seed 000: opt-in per category): the admins of this
//! desktop and outside contacts, per account. The inbox keeps everything;
//! the desktop notification goes to the current admin if they opted in.

use crate::{Context, Workspace};
use cutover_core::account::AccountId;
use cutover_core::admin::{ensure_super_admin, Admin};
use cutover_core::schedule_view::Recipient;
use cutover_core::{Error, Result};
use rusqlite::{params, OptionalExtension};

pub use cutover_core::inbox::Category;

impl Workspace {
    pub fn recipients(&self, account_id: AccountId) -> Result<Vec<Recipient>> {
        let conn = self.connect()?;
        let mut stmt = conn
            .prepare(
                "SELECT id, account_id, name, email, admin_id, upgrade_info, system_health, reminders
                 FROM recipients WHERE account_id = ?1 ORDER BY admin_id IS NULL, name",
            )
            .context("reading recipients")?;
        let rows = stmt
            .query_map([account_id], |r| {
                Ok(Recipient {
                    id: r.get(0)?,
                    account_id: r.get(1)?,
                    name: r.get(2)?,
                    email: r.get(3)?,
                    admin_id: r.get(4)?,
                    upgrade_info: r.get(5)?,
                    system_health: r.get(6)?,
                    reminders: r.get(7)?,
                })
            })
            .context("reading recipients")?
            .collect::<rusqlite::Result<Vec<_>>>()
            .context("reading recipients")?;
        Ok(rows)
    }

    /// Adds an outside contact, opted in to every category.
    pub fn add_contact(
        &self,
        account_id: AccountId,
        name: &str,
        email: &str,
        admin: &Admin,
    ) -> Result<Vec<Recipient>> {
        ensure_super_admin(admin, "add a contact")?;
        let (name, email) = (name.trim(), email.trim());
        if name.is_empty() || name.chars().count() > 80 {
            return Err(Error::invalid(
                "Give the contact a name (1 to 80 characters).",
            ));
        }
        if !email.is_empty() && (!email.contains('@') || email.contains(' ')) {
            return Err(Error::invalid(format!("\"{email}\" is not an email address; leave it empty or write one like ana@example.com.")));
        }
        self.connect()?
            .execute(
                "INSERT INTO recipients (account_id, name, email) VALUES (?1, ?2, ?3)",
                params![account_id, name, (!email.is_empty()).then_some(email)],
            )
            .map_err(|e| {
                if crate::control::fault::is_unique_violation(&e) {
                    Error::conflict(format!("{name} is already a recipient of this account."))
                } else {
                    Error::internal(format!("Could not add the contact: {e}."))
                }
            })?;
        self.recipients(account_id)
    }

    /// Opts a recipient in or out of a category.
    pub fn set_recipient_category(
        &self,
        recipient_id: i64,
        category: Category,
        on: bool,
        admin: &Admin,
    ) -> Result<()> {
        ensure_super_admin(admin, "change who is notified")?;
        let changed = self
            .connect()?
            .execute(
                &format!(
                    "UPDATE recipients SET {} = ?2 WHERE id = ?1",
                    category.as_str()
                ),
                params![recipient_id, on],
            )
            .context("changing the recipient")?;
        if changed == 0 {
            return Err(Error::not_found("That recipient no longer exists."));
        }
        Ok(())
    }

    /// Whether `admin` wants `category` on this desktop (yes unless they
    /// are a recipient of no account for it).
    pub fn admin_wants(&self, admin: &Admin, category: Category) -> Result<bool> {
        let conn = self.connect()?;
        let (rows, wanted): (i64, i64) = conn
            .query_row(
                &format!(
                    "SELECT count(*), coalesce(sum({}), 0) FROM recipients WHERE admin_id = ?1",
                    category.as_str()
                ),
                [admin.id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .context("reading recipients")?;
        Ok(rows == 0 || wanted > 0)
    }

    /// Whether `admin` wants notices of `category` about `account_id`: their
    /// recipient row of that account says; without one (or for a notice of
    /// no account), as `admin_wants`.
    pub fn admin_wants_for(
        &self,
        admin: &Admin,
        account_id: Option<AccountId>,
        category: Category,
    ) -> Result<bool> {
        let Some(account_id) = account_id else {
            return self.admin_wants(admin, category);
        };
        let wanted: Option<bool> = self
            .connect()?
            .query_row(
                &format!(
                    "SELECT {} FROM recipients WHERE admin_id = ?1 AND account_id = ?2",
                    category.as_str()
                ),
                params![admin.id, account_id],
                |r| r.get(0),
            )
            .optional()
            .context("reading recipients")?;
        match wanted {
            Some(w) => Ok(w),
            None => self.admin_wants(admin, category),
        }
    }

    /// Makes every admin of this desktop a recipient of `account_id`.
    pub(crate) fn add_admin_recipients(&self, account_id: AccountId) -> Result<()> {
        self.connect()?
            .execute(
                "INSERT OR IGNORE INTO recipients (account_id, name, admin_id) SELECT ?1, name, id FROM admins",
                [account_id],
            )
            .context("adding recipients")?;
        Ok(())
    }
}

/// The names of an account's recipients who opted in to `category`, for a
/// notice's "To:" line.
pub(crate) fn recipient_names(
    conn: &rusqlite::Connection,
    account_id: AccountId,
    category: Category,
) -> Result<Vec<String>> {
    let mut stmt = conn
        .prepare(&format!(
            "SELECT name FROM recipients WHERE account_id = ?1 AND {} ORDER BY name",
            category.as_str()
        ))
        .context("reading recipients")?;
    let names = stmt
        .query_map([account_id], |r| r.get(0))
        .context("reading recipients")?
        .collect::<rusqlite::Result<Vec<String>>>()
        .context("reading recipients");
    names
}
