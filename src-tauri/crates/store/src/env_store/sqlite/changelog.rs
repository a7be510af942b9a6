//! The changelog table of a SQLite store: writing an entry inside the
//! change's transaction, and answering the Changelog screen's filters from
//! indexes.
//!
//! "Unpromoted" entries are those after `platform_meta.promoted_through`:
//! a copy starts with its source's changelog, and the copy point (or, later,
//! the last promotion) is where its own work begins.

use crate::fault::column;
use crate::Context;
use chrono::{DateTime, Utc};
use cutover_core::changelog::{
    diff, AuthorCount, ChangeAction, ChangeEntry, ChangelogFilter, ChangelogPage, EntityKind,
};
use cutover_core::Result;
use rusqlite::types::{ToSqlOutput, Value as SqlParam};
use rusqlite::ToSql;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Row};

/// What a change did, before it becomes a changelog entry.
pub(super) struct Outcome {
    pub kind: EntityKind,
    pub id: i64,
    pub name: String,
    pub action: ChangeAction,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    /// The apps the entity belongs to, for filtering by app.
    pub app_ids: Vec<i64>,
}

const BASE_KEY: &str = "promoted_through";

/// The last entry that is not this environment's own unpromoted work.
pub(super) fn base(conn: &Connection) -> Result<i64> {
    let v: Option<String> = conn
        .query_row(
            "SELECT value FROM platform_meta WHERE key = ?1",
            [BASE_KEY],
            |r| r.get(0),
        )
        .optional()
        .context("reading the promotion mark")?;
    Ok(v.and_then(|v| v.parse().ok()).unwrap_or(0))
}

/// Marks every entry so far as not this environment's own work: called on a
/// fresh copy or refresh, whose entries came from the source.
pub(super) fn mark_base(conn: &Connection) -> Result<i64> {
    let last: i64 = conn
        .query_row(
            "SELECT coalesce(max(seq), 0) FROM platform_changelog",
            [],
            |r| r.get(0),
        )
        .context("reading the changelog")?;
    conn.execute(
        "INSERT INTO platform_meta (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![BASE_KEY, last.to_string()],
    )
    .context("marking the copy point")?;
    Ok(last)
}

pub(super) fn record(
    conn: &Connection,
    o: Outcome,
    author: &str,
    at: DateTime<Utc>,
) -> Result<ChangeEntry> {
    let text = |v: &Option<serde_json::Value>| v.as_ref().map(|v| v.to_string());
    conn.execute(
        "INSERT INTO platform_changelog (at, author, entity_kind, entity_id, entity_name, action, before, after)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            at,
            author,
            o.kind.as_str(),
            o.id,
            o.name,
            o.action.as_str(),
            text(&o.before),
            text(&o.after)
        ],
    )
    .context("writing the changelog")?;
    let seq = conn.last_insert_rowid();
    let mut apps = o.app_ids.clone();
    apps.sort_unstable();
    apps.dedup();
    for app in apps {
        conn.execute(
            "INSERT INTO platform_changelog_apps (app_id, seq) VALUES (?1, ?2)",
            params![app, seq],
        )
        .context("writing the changelog")?;
    }
    Ok(ChangeEntry {
        diff: diff(o.before.as_ref(), o.after.as_ref()),
        seq,
        at,
        author: author.to_string(),
        entity_kind: o.kind,
        entity_id: o.id,
        entity_name: o.name,
        action: o.action,
        before: o.before,
        after: o.after,
        unpromoted: true,
    })
}

type RawEntry = (
    i64,
    DateTime<Utc>,
    String,
    String,
    i64,
    String,
    String,
    Option<String>,
    Option<String>,
);

fn raw_entry(r: &Row<'_>) -> rusqlite::Result<RawEntry> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
    ))
}

fn finish(raw: RawEntry, base: i64) -> Result<ChangeEntry> {
    let (seq, at, author, kind, entity_id, entity_name, action, before, after) = raw;
    let json = |s: Option<String>| {
        s.map(|s| serde_json::from_str(&s))
            .transpose()
            .context("decoding a changelog entry")
    };
    let (before, after) = (json(before)?, json(after)?);
    Ok(ChangeEntry {
        diff: diff(before.as_ref(), after.as_ref()),
        before,
        after,
        seq,
        at,
        author,
        entity_kind: EntityKind::parse(&kind)?,
        entity_id,
        entity_name,
        action: ChangeAction::parse(&action)?,
        unpromoted: seq > base,
    })
}

/// An instant as rusqlite stores it, so text comparisons order correctly.
fn instant(t: DateTime<Utc>) -> SqlParam {
    match t.to_sql() {
        Ok(ToSqlOutput::Owned(v)) => v,
        _ => SqlParam::Text(t.format("%F %T%.f%:z").to_string()),
    }
}

/// The WHERE clause and parameters of a filter.
fn conditions(f: &ChangelogFilter) -> (String, Vec<SqlParam>) {
    let mut sql = Vec::new();
    let mut p: Vec<SqlParam> = Vec::new();
    if let Some(a) = &f.author {
        p.push(SqlParam::Text(a.clone()));
        sql.push(format!("author = ?{}", p.len()));
    }
    if let Some(from) = f.from {
        p.push(instant(from));
        sql.push(format!("at >= ?{}", p.len()));
    }
    if let Some(until) = f.until {
        p.push(instant(until));
        sql.push(format!("at < ?{}", p.len()));
    }
    if let Some(app) = f.app_id {
        p.push(SqlParam::Integer(app));
        sql.push(format!(
            "seq IN (SELECT seq FROM platform_changelog_apps WHERE app_id = ?{})",
            p.len()
        ));
    }
    if let Some(k) = f.entity_kind {
        p.push(SqlParam::Text(k.as_str().into()));
        sql.push(format!("entity_kind = ?{}", p.len()));
    }
    if let Some(a) = f.action {
        p.push(SqlParam::Text(a.as_str().into()));
        sql.push(format!("action = ?{}", p.len()));
    }
    if sql.is_empty() {
        (String::new(), p)
    } else {
        (format!("WHERE {}", sql.join(" AND ")), p)
    }
}

pub(super) fn page(
    conn: &Connection,
    f: &ChangelogFilter,
    current_admin: &str,
) -> Result<ChangelogPage> {
    let base = base(conn)?;
    let (filter, mut p) = conditions(f);
    let total: i64 = conn
        .query_row(
            &format!("SELECT count(*) FROM platform_changelog {filter}"),
            params_from_iter(p.iter()),
            |r| r.get(0),
        )
        .context("counting changelog entries")?;
    p.push(SqlParam::Integer(f.limit.into()));
    p.push(SqlParam::Integer(f.offset.into()));
    let sql = format!(
        "SELECT seq, at, author, entity_kind, entity_id, entity_name, action, before, after
         FROM platform_changelog {filter} ORDER BY seq DESC LIMIT ?{} OFFSET ?{}",
        p.len() - 1,
        p.len()
    );
    let mut stmt = conn.prepare_cached(&sql).context("reading the changelog")?;
    let raw = stmt
        .query_map(params_from_iter(p.iter()), raw_entry)
        .context("reading the changelog")?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("reading the changelog")?;
    let entries = raw
        .into_iter()
        .map(|r| finish(r, base))
        .collect::<Result<_>>()?;
    Ok(ChangelogPage {
        entries,
        total: total as u32,
        authors: column(
            conn,
            "SELECT DISTINCT author FROM platform_changelog ORDER BY author",
            [],
            "listing authors",
        )?,
        other_authors: unpromoted_authors(conn, Some(current_admin))?,
    })
}

/// Authors of unpromoted entries and how many each wrote, leaving out
/// `except` (the current admin) when given.
pub(super) fn unpromoted_authors(
    conn: &Connection,
    except: Option<&str>,
) -> Result<Vec<AuthorCount>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT author, count(*) FROM platform_changelog
             WHERE seq > ?1 AND author IS NOT ?2 GROUP BY author ORDER BY author",
        )
        .context("reading unpromoted changes")?;
    let rows = stmt
        .query_map(params![base(conn)?, except], |r| {
            Ok(AuthorCount {
                author: r.get(0)?,
                entries: r.get::<_, i64>(1)? as u32,
            })
        })
        .context("reading unpromoted changes")?;
    rows.collect::<rusqlite::Result<_>>()
        .context("reading unpromoted changes")
}
