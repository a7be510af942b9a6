//! The in-app inbox (see `cutover_core::inbox`).

use crate::{Context, Workspace};
use chrono::{DateTime, Utc};
use cutover_core::inbox::Notice;
use cutover_core::Result;
use rusqlite::params;

const NEWEST: i64 = 100;

impl Workspace {
    /// Files a notice; the desktop shell then shows it on the desktop
    /// (see `pending_desktop`).
    pub fn post_notice(&self, now: DateTime<Utc>, title: &str, body: &str) -> Result<Notice> {
        let conn = self.connect()?;
        conn.execute(
            "INSERT INTO inbox (at, title, body) VALUES (?1, ?2, ?3)",
            params![now, title, body],
        )
        .context("filing a notice")?;
        Ok(Notice {
            id: conn.last_insert_rowid(),
            at: now,
            title: title.to_string(),
            body: body.to_string(),
            read: false,
            undelivered: None,
            desktop_pending: true,
        })
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
            .prepare("SELECT id, at, title, body, read, undelivered, desktop = 'pending' FROM inbox ORDER BY id DESC LIMIT ?1")
            .context("reading the inbox")?;
        let rows = stmt
            .query_map([NEWEST], |r| {
                Ok(Notice {
                    id: r.get(0)?,
                    at: r.get(1)?,
                    title: r.get(2)?,
                    body: r.get(3)?,
                    read: r.get(4)?,
                    undelivered: r.get(5)?,
                    desktop_pending: r.get(6)?,
                })
            })
            .context("reading the inbox")?;
        rows.collect::<rusqlite::Result<_>>()
            .context("reading the inbox")
    }

    pub fn mark_inbox_read(&self) -> Result<()> {
        self.connect()?
            .execute("UPDATE inbox SET read = 1 WHERE read = 0", [])
            .context("marking the inbox read")?;
        Ok(())
    }
}
