//! The in-app inbox (see `cutover_core::inbox`).

use crate::{Context, Workspace};
use chrono::{DateTime, Utc};
use cutover_core::account::AccountId;
use cutover_core::admin::Admin;
use cutover_core::inbox::{Category, Notice};
use cutover_core::target::Target;
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
        self.post_notice_about(now, account_id, category, title, body, None)
    }

    /// `post_notice` of a notice about `target`, which the inbox opens.
    pub fn post_notice_about(
        &self,
        now: DateTime<Utc>,
        account_id: Option<AccountId>,
        category: Category,
        title: &str,
        body: &str,
        target: Option<Target>,
    ) -> Result<Notice> {
        let conn = self.connect()?;
        let id = file_notice(&conn, now, account_id, category, (title, body), target)?;
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
            target,
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
            .prepare("SELECT id, at, title, body, read, undelivered, desktop = 'pending', category, account_id, target FROM inbox ORDER BY id DESC LIMIT ?1")
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
                        // A target this version cannot read opens nothing.
                        target: r
                            .get::<_, Option<String>>(9)?
                            .and_then(|t| serde_json::from_str(&t).ok()),
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

/// Files a notice (its title and body) about `target` in the caller's
/// transaction; returns its id.
pub(crate) fn file_notice(
    conn: &Connection,
    now: DateTime<Utc>,
    account_id: Option<AccountId>,
    category: Category,
    (title, body): (&str, &str),
    target: Option<Target>,
) -> Result<i64> {
    let target = target
        .map(|t| serde_json::to_string(&t))
        .transpose()
        .context("writing a notice's target")?;
    conn.execute(
        "INSERT INTO inbox (at, title, body, category, account_id, target) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![now, title, body, category.as_str(), account_id, target],
    )
    .context("filing a notice")?;
    Ok(conn.last_insert_rowid())
}

/// Marks read the unread notices about `target` filed so far: what they
/// asked for (commit or roll back) is settled, so the inbox no longer
/// shows them as waiting.
pub(crate) fn settle_notices(conn: &Connection, target: Target) -> Result<()> {
    let target = serde_json::to_string(&target).context("writing a notice's target")?;
    conn.execute(
        "UPDATE inbox SET read = 1 WHERE target = ?1 AND read = 0",
        [target],
    )
    .context("settling earlier notices")?;
    Ok(())
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
