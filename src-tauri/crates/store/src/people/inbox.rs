//! The in-app inbox (see `cutover_core::inbox`).

use crate::{Context, Workspace};
use chrono::{DateTime, Utc};
use cutover_core::account::AccountId;
use cutover_core::admin::Admin;
use cutover_core::inbox::{Category, Notice};
use cutover_core::Result;
use rusqlite::{params, Connection};

const NEWEST: i64 = 100;

impl Workspace {
    /// Files a notice about `account_id` (if it concerns one) in
    /// `category`; the desktop shell then shows it on the desktop of an
    /// admin who opted in (see `pending_desktop`, `desktop_refusal`).
    pub fn post_notice(
        &self,
        now: DateTime<Utc>,
        account_id: Option<AccountId>,
        category: Category,
        title: &str,
        body: &str,
    ) -> Result<Notice> {
        let conn = self.connect()?;
        let id = file_notice(&conn, now, account_id, category, title, body)?;
        Ok(Notice {
            id,
            at: now,
            title: title.to_string(),
            body: body.to_string(),
            category,
            account_id,
            read: false,
            undelivered: None,
            desktop_pending: true,
        })
    }

    /// Why `admin` is not shown `notice` on the desktop, if they are not:
    /// they opted out of its category for its account.
    pub fn desktop_refusal(&self, notice: &Notice, admin: &Admin) -> Result<Option<String>> {
        if self.admin_wants_for(admin, notice.account_id, notice.category)? {
            return Ok(None);
        }
        let what = match notice.category {
            Category::UpgradeInfo => "upgrade information",
            Category::SystemHealth => "system health",
            Category::Reminders => "reminders",
        };
        Ok(Some(format!(
            "Not shown on the desktop: {} has not opted in to {what}.",
            admin.name
        )))
    }

    /// Records how showing a notice on the desktop went: `Err(why)` keeps why.
    pub fn notice_delivered(
        &self,
        id: i64,
        outcome: std::result::Result<(), String>,
    ) -> Result<()> {
        let (state, why) = match outcome {
            Ok(()) => ("shown", None),
            Err(why) => ("failed", Some(why)),
        };
        self.connect()?
            .execute(
                "UPDATE inbox SET desktop = ?2, undelivered = ?3 WHERE id = ?1",
                params![id, state, why],
            )
            .context("recording a desktop notification")?;
        Ok(())
    }

    /// Notices not shown on the desktop yet, oldest first.
    pub fn pending_desktop(&self) -> Result<Vec<Notice>> {
        Ok(self
            .inbox()?
            .into_iter()
            .rev()
            .filter(|n| n.desktop_pending)
            .collect())
    }

    /// The newest notices, newest first.
    pub fn inbox(&self) -> Result<Vec<Notice>> {
        let conn = self.connect()?;
        let mut stmt = conn
            .prepare("SELECT id, at, title, body, read, undelivered, desktop = 'pending', category, account_id FROM inbox ORDER BY id DESC LIMIT ?1")
            .context("reading the inbox")?;
        let rows = stmt
            .query_map([NEWEST], |r| {
                Ok((
                    r.get::<_, String>(7)?,
                    Notice {
                        id: r.get(0)?,
                        at: r.get(1)?,
                        title: r.get(2)?,
                        body: r.get(3)?,
                        category: Category::SystemHealth,
                        account_id: r.get(8)?,
                        read: r.get(4)?,
                        undelivered: r.get(5)?,
                        desktop_pending: r.get(6)?,
                    },
                ))
            })
            .context("reading the inbox")?
            .collect::<rusqlite::Result<Vec<_>>>()
            .context("reading the inbox")?;
        rows.into_iter()
            .map(|(category, mut n)| {
                n.category = Category::parse(&category)?;
                Ok(n)
            })
            .collect()
    }

    pub fn mark_inbox_read(&self) -> Result<()> {
        self.connect()?
            .execute("UPDATE inbox SET read = 1 WHERE read = 0", [])
            .context("marking the inbox read")?;
        Ok(())
    }
}

/// Files a notice in the caller's transaction; returns its id.
pub(crate) fn file_notice(
    conn: &Connection,
    now: DateTime<Utc>,
    account_id: Option<AccountId>,
    category: Category,
    title: &str,
    body: &str,
) -> Result<i64> {
    conn.execute(
        "INSERT INTO inbox (at, title, body, category, account_id) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![now, title, body, category.as_str(), account_id],
    )
    .context("filing a notice")?;
    Ok(conn.last_insert_rowid())
}

impl Workspace {
    /// Marks one notice read.
    pub fn mark_notice_read(&self, id: i64) -> Result<()> {
        let changed = self
            .connect()?
            .execute("UPDATE inbox SET read = 1 WHERE id = ?1", [id])
            .context("marking a notice read")?;
        if changed == 0 {
            return Err(cutover_core::Error::not_found(
                "That notice is no longer in the inbox.",
            ));
        }
        Ok(())
    }

    /// Deletes the notices already read (and already shown on the desktop
    /// or refused there); returns how many. The reminders that filed them
    /// stay fired.
    pub fn clear_read_notices(&self) -> Result<usize> {
        let mut conn = self.connect()?;
        let tx = conn.transaction().context("clearing the inbox")?;
        let done = "read = 1 AND desktop <> 'pending'";
        tx.execute(
            &format!("UPDATE reminders SET notice_id = NULL WHERE notice_id IN (SELECT id FROM inbox WHERE {done})"),
            [],
        )
        .context("clearing the inbox")?;
        let n = tx
            .execute(&format!("DELETE FROM inbox WHERE {done}"), [])
            .context("clearing the inbox")?;
        tx.commit().context("clearing the inbox")?;
        Ok(n)
    }
}
