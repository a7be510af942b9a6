//! Reading release notes offline: one release's notes, full-text search
//! across every imported note (SQLite FTS5), the cumulative "my version →
//! target" view for one environment, and per-admin review marks.

use crate::{Context, Workspace};
use chrono::{DateTime, Utc};
use cutover_core::account::{AccountId, EnvironmentId};
use cutover_core::admin::Admin;
use cutover_core::release::{self, NoteKind, Version};
use cutover_core::release_view::{Cumulative, Note, NoteId, ReleaseNotes, SearchHit, SearchPage};
use cutover_core::{Error, Result};
use rusqlite::{params, Connection, Row};

/// The most hits a search returns.
pub const SEARCH_LIMIT: u32 = 50;

const NOTE_COLUMNS: &str =
    "n.id, n.release_id, r.version, n.title, n.area, n.kind, n.action_required, n.html,
    (SELECT v.reviewed_at FROM note_reviews v WHERE v.note_id = n.id AND v.admin_id = ?1)";

fn note(r: &Row<'_>) -> rusqlite::Result<(Note, String)> {
    let kind: String = r.get(5)?;
    Ok((
        Note {
            id: r.get(0)?,
            release_id: r.get(1)?,
            version: r.get(2)?,
            title: r.get(3)?,
            area: r.get(4)?,
            kind: NoteKind::Change,
            action_required: r.get(6)?,
            html: r.get(7)?,
            reviewed_at: r.get(8)?,
        },
        kind,
    ))
}

fn notes(conn: &Connection, sql: &str, params: impl rusqlite::Params) -> Result<Vec<Note>> {
    let mut stmt = conn.prepare(sql).context("reading notes")?;
    let rows = stmt
        .query_map(params, note)
        .context("reading notes")?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("reading notes")?;
    rows.into_iter()
        .map(|(mut n, kind)| {
            n.kind = NoteKind::parse(&kind)?;
            Ok(n)
        })
        .collect()
}

/// Text for HTML, with FTS5's match markers (\u{1}, \u{2}) turned into `<mark>`.
pub(super) fn escape_marked(text: &str) -> String {
    escape_with(text, true)
}

/// Text for HTML: the five special characters escaped, other control
/// characters than line breaks and tabs dropped.
pub(crate) fn escape_html(text: &str) -> String {
    escape_with(text, false)
}

fn escape_with(text: &str, marks: bool) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\u{1}' if marks => out.push_str("<mark>"),
            '\u{2}' if marks => out.push_str("</mark>"),
            '\n' | '\t' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// The user's words as an FTS5 query: every word must match, each as a
/// prefix, except words in double quotes, which must match as that exact
/// phrase ("Power BI" does not match "Billing"). Only letters and digits
/// reach FTS5, so nothing can be read as FTS5 syntax.
pub fn fts_query(text: &str) -> Result<String> {
    let mut parts = Vec::new();
    for (i, segment) in text.split('"').enumerate() {
        let words: Vec<&str> = segment
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        if words.is_empty() {
            continue;
        }
        if i % 2 == 1 {
            parts.push(format!("\"{}\"", words.join(" ")));
        } else {
            parts.extend(words.iter().map(|w| format!("\"{w}\"*")));
        }
    }
    parts.truncate(12);
    if parts.is_empty() {
        return Err(Error::invalid(
            "Type at least one word (letters or digits) to search the release notes.",
        ));
    }
    Ok(parts.join(" "))
}

impl Workspace {
    /// A release's notes, grouped by area and kind.
    pub fn release_notes(
        &self,
        release_id: i64,
        admin: &Admin,
        now: DateTime<Utc>,
    ) -> Result<ReleaseNotes> {
        let conn = self.connect()?;
        let (_, release) = self.release_summary(&conn, release_id, admin, now)?;
        let notes = notes(
            &conn,
            &format!(
                "SELECT {NOTE_COLUMNS} FROM release_notes n JOIN releases r ON r.id = n.release_id
                 WHERE n.release_id = ?2
                 ORDER BY n.area COLLATE NOCASE,
                   CASE n.kind WHEN 'feature' THEN 0 WHEN 'change' THEN 1 WHEN 'deprecation' THEN 2 ELSE 3 END,
                   n.position"
            ),
            params![admin.id, release_id],
        )?;
        Ok(ReleaseNotes { release, notes })
    }

    /// Full-text search across every note of an account's releases: the
    /// first page of hits.
    pub fn search_notes(&self, account_id: AccountId, text: &str) -> Result<Vec<SearchHit>> {
        Ok(self.search_notes_page(account_id, text, 0)?.hits)
    }

    /// The page of hits that starts after `offset` hits, newest version
    /// first, with how many match in all.
    pub fn search_notes_page(
        &self,
        account_id: AccountId,
        text: &str,
        offset: u32,
    ) -> Result<SearchPage> {
        let query = fts_query(text)?;
        let conn = self.connect()?;
        let matching = format!("account:a{account_id} AND {{title area body}}:({query})");
        let total: i64 = conn
            .prepare_cached(
                "SELECT count(*) FROM release_notes_fts WHERE release_notes_fts MATCH ?1",
            )
            .and_then(|mut s| s.query_row([&matching], |r| r.get(0)))
            .context("counting matching notes")?;
        // Newest first is the index's own rowid order, so FTS5 stops after
        // the hits shown and highlights only those (BENCHMARKS.md).
        let mut stmt = conn
            .prepare_cached(
                "SELECT n.id, n.release_id, r.version, n.area, n.kind, hit.title, hit.snippet
                 FROM (SELECT note_id,
                              highlight(release_notes_fts, 0, char(1), char(2)) AS title,
                              snippet(release_notes_fts, 2, char(1), char(2), '…', 24) AS snippet
                       FROM release_notes_fts WHERE release_notes_fts MATCH ?1
                       ORDER BY rowid DESC LIMIT ?2 OFFSET ?3) AS hit
                 JOIN release_notes n ON n.id = hit.note_id
                 JOIN releases r ON r.id = n.release_id
                 ORDER BY r.version_key DESC, n.position",
            )
            .context("searching notes")?;
        let rows = stmt
            .query_map(params![matching, SEARCH_LIMIT, offset], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                ))
            })
            .context("searching notes")?
            .collect::<rusqlite::Result<Vec<_>>>()
            .context("searching notes")?;
        let hits = rows
            .into_iter()
            .map(
                |(note_id, release_id, version, area, kind, title, snippet)| {
                    Ok(SearchHit {
                        note_id,
                        release_id,
                        version,
                        area,
                        kind: NoteKind::parse(&kind)?,
                        title_html: escape_marked(&title),
                        snippet_html: escape_marked(&snippet),
                    })
                },
            )
            .collect::<Result<Vec<_>>>()?;
        Ok(SearchPage {
            hits,
            total: total as u32,
            offset,
        })
    }

    /// Every note of every version after the environment's up to `target`,
    /// limited to the areas the environment uses; action-required items and
    /// deprecations first (seed 002's 7.3 → 10.0.2).
    pub fn cumulative_notes(
        &self,
        environment_id: EnvironmentId,
        target: &str,
        admin: &Admin,
    ) -> Result<Cumulative> {
        let environment = self.environment(environment_id)?;
        let from = Version::parse(&environment.version)?;
        let to = Version::parse(target)?;
        if to <= from {
            return Err(Error::invalid(format!(
                "{} already runs {from}; pick a target newer than that.",
                environment.name
            )));
        }
        let conn = self.connect()?;
        let mut apps: Vec<String> = self
            .store(environment_id)?
            .definitions()?
            .apps
            .into_iter()
            .map(|a| a.name)
            .collect();
        let all = notes(
            &conn,
            &format!(
                "SELECT {NOTE_COLUMNS} FROM release_notes n JOIN releases r ON r.id = n.release_id
                 WHERE r.account_id = ?2 AND r.version_key > ?3 AND r.version_key <= ?4
                 ORDER BY r.version_key, n.position"
            ),
            params![
                admin.id,
                environment.account_id,
                from.sort_key(),
                to.sort_key()
            ],
        )?;
        let mut versions: Vec<String> = Vec::new();
        let mut left_out = 0;
        let mut picked = Vec::new();
        // Seed 002's 7.3 → 10.0.2 spans every skipped version: the query took
        // every release after `from` up to `to` (sort keys order like versions).
        for n in all {
            if !versions.contains(&n.version) {
                versions.push(n.version.clone());
            }
            if release::concerns(&n.area, &apps) {
                picked.push(n);
            } else {
                left_out += 1;
            }
        }
        if !versions
            .iter()
            .any(|v| Version::parse(v).is_ok_and(|v| v == to))
        {
            return Err(Error::not_found(format!(
                "Release {to} is not in the catalog; import its package first."
            )));
        }
        // Stable: within a rank the order stays by version, then position.
        picked.sort_by_key(|n| release::cumulative_rank(n.kind, n.action_required));
        apps.extend(release::PLATFORM_AREAS.iter().map(|a| a.to_string()));
        Ok(Cumulative {
            environment_id,
            environment_name: environment.name,
            from_version: from.to_string(),
            to_version: to.to_string(),
            versions,
            areas: apps,
            reviewed_count: picked.iter().filter(|n| n.reviewed_at.is_some()).count() as u32,
            notes: picked,
            left_out,
        })
    }

    /// Marks a note reviewed by `admin` (or clears the mark).
    pub fn set_note_reviewed(
        &self,
        note_id: NoteId,
        reviewed: bool,
        admin: &Admin,
        now: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>> {
        let conn = self.connect()?;
        let exists: bool = conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM release_notes WHERE id = ?1)",
                [note_id],
                |r| r.get(0),
            )
            .context("reading the note")?;
        if !exists {
            return Err(Error::not_found(
                "That release note is no longer in the catalog.",
            ));
        }
        if reviewed {
            conn.execute(
                "INSERT INTO note_reviews (note_id, admin_id, reviewed_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (note_id, admin_id) DO NOTHING",
                params![note_id, admin.id, now],
            )
            .context("marking the note reviewed")?;
            conn.query_row(
                "SELECT reviewed_at FROM note_reviews WHERE note_id = ?1 AND admin_id = ?2",
                params![note_id, admin.id],
                |r| r.get(0),
            )
            .context("reading the review")
        } else {
            conn.execute(
                "DELETE FROM note_reviews WHERE note_id = ?1 AND admin_id = ?2",
                params![note_id, admin.id],
            )
            .context("clearing the review")?;
            Ok(None)
        }
    }
}
