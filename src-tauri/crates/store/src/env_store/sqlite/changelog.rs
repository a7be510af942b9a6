//! The changelog table of a SQLite store: writing an entry inside the
//! change's transaction, and answering the Changelog screen's filters from
//! indexes.
//!
//! "Unpromoted" entries are those after `platform_meta.promoted_through`:
//! a copy starts with its source's changelog, and the copy point (or, later,
//! the last promotion) is where its own work begins.

use crate::control::fault::column;
use crate::env_store::design::Outcome;
use crate::Context;
use chrono::{DateTime, Utc};
use cutover_core::changelog::{
    diff, AuthorCount, ChangeAction, ChangeEntry, ChangelogFilter, EntityKind, MatchCount,
};
use cutover_core::Result;
use rusqlite::types::{ToSqlOutput, Value as SqlParam};
use rusqlite::ToSql;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Row};

const BASE_KEY: &str = "promoted_through";
const PRODUCTION_KEY: &str = "production_seen";

/// Below this many matches a filtered page is sorted rather than walked.
const SPARSE: i64 = 5_000;

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

fn set_meta(conn: &Connection, key: &str, value: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO platform_meta (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value.to_string()],
    )
    .context("marking the changelog")?;
    Ok(())
}

pub(super) fn last_seq(conn: &Connection) -> Result<i64> {
    conn.query_row(
        "SELECT coalesce(max(seq), 0) FROM platform_changelog",
        [],
        |r| r.get(0),
    )
    .context("reading the changelog")
}

/// Marks every entry so far as not this environment's own work: called on a
/// fresh copy or refresh, whose entries came from the source. The copy's
/// numbering is production's up to here, so it is also the production
/// position the copy has seen.
pub(super) fn mark_base(conn: &Connection) -> Result<i64> {
    let last = last_seq(conn)?;
    set_meta(conn, BASE_KEY, last)?;
    set_meta(conn, PRODUCTION_KEY, last)?;
    Ok(last)
}

/// After a promotion: everything here so far is promoted, and production's
/// changelog (numbered on its own since the copy) is seen up to `production_seq`.
pub(super) fn mark_promoted(conn: &Connection, production_seq: i64) -> Result<()> {
    set_meta(conn, BASE_KEY, last_seq(conn)?)?;
    set_meta(conn, PRODUCTION_KEY, production_seq)
}

pub(super) fn set_marks(conn: &Connection, base: i64, seen: i64) -> Result<()> {
    set_meta(conn, BASE_KEY, base)?;
    set_meta(conn, PRODUCTION_KEY, seen)
}

/// The last production changelog entry this environment has taken into
/// account; production entries after it are changes the sandbox has not seen.
pub(super) fn production_point(conn: &Connection) -> Result<i64> {
    let v: Option<String> = conn
        .query_row(
            "SELECT value FROM platform_meta WHERE key = ?1",
            [PRODUCTION_KEY],
            |r| r.get(0),
        )
        .optional()
        .context("reading the production mark")?;
    match v.and_then(|v| v.parse().ok()) {
        Some(seq) => Ok(seq),
        None => base(conn),
    }
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
    Ok(o.entry(seq, author, at))
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

/// Whether a filter is by app alone, so its query walks the app's entries.
fn from_apps(f: &ChangelogFilter) -> bool {
    f.app_id.is_some()
        && f.author.is_none()
        && f.from.is_none()
        && f.until.is_none()
        && f.entity_kind.is_none()
        && f.action.is_none()
}

/// The FROM and WHERE clauses and the parameters of a filter.
fn conditions(f: &ChangelogFilter) -> (String, Vec<SqlParam>) {
    let mut sql = Vec::new();
    let mut p: Vec<SqlParam> = Vec::new();
    if let Some(a) = &f.author {
        p.push(SqlParam::Text(a.clone()));
        sql.push(format!("c.author = ?{}", p.len()));
    }
    if let Some(from) = f.from {
        p.push(instant(from));
        sql.push(format!("c.at >= ?{}", p.len()));
    }
    if let Some(until) = f.until {
        p.push(instant(until));
        sql.push(format!("c.at < ?{}", p.len()));
    }
    if let Some(app) = f.app_id {
        p.push(SqlParam::Integer(app));
        sql.push(format!("a.app_id = ?{}", p.len()));
    }
    if let Some(k) = f.entity_kind {
        p.push(SqlParam::Text(k.as_str().into()));
        sql.push(format!("c.entity_kind = ?{}", p.len()));
    }
    if let Some(a) = f.action {
        p.push(SqlParam::Text(a.as_str().into()));
        sql.push(format!("c.action = ?{}", p.len()));
    }
    // Filtering by app walks that app's entries (its index is in seq order)
    // and checks the other filters on each; CROSS JOIN fixes that order.
    let from = if from_apps(f) {
        "platform_changelog_apps a CROSS JOIN platform_changelog c ON c.seq = a.seq"
    } else if f.app_id.is_some() {
        "platform_changelog c JOIN platform_changelog_apps a ON a.seq = c.seq"
    } else {
        "platform_changelog c"
    };
    if sql.is_empty() {
        (from.to_string(), p)
    } else {
        (format!("{from} WHERE {}", sql.join(" AND ")), p)
    }
}

pub(super) fn page(
    conn: &Connection,
    f: &ChangelogFilter,
) -> Result<(Vec<ChangeEntry>, MatchCount)> {
    let base = base(conn)?;
    let (filter, mut p) = conditions(f);
    let total: i64 = conn
        .query_row(
            &if from_apps(f) {
                // Every row of the entry-to-app table has its entry (it is
                // deleted with it), so the app's index alone counts them.
                "SELECT count(*) FROM platform_changelog_apps a WHERE a.app_id = ?1".to_string()
            } else {
                format!("SELECT count(*) FROM {filter}")
            },
            params_from_iter(p.iter()),
            |r| r.get(0),
        )
        .context("counting changelog entries")?;
    p.push(SqlParam::Integer(f.limit.into()));
    p.push(SqlParam::Integer(f.offset.into()));
    // Few matches: find them through the filters' indexes and sort them
    // (`+seq` keeps the planner off the seq order). Many: walk seq downwards,
    // which stops after a page's worth of matches.
    let seq = if from_apps(f) { "a.seq" } else { "c.seq" };
    let order = if total < SPARSE {
        format!("+{seq}")
    } else {
        seq.to_string()
    };
    let sql = format!(
        "SELECT c.seq, c.at, c.author, c.entity_kind, c.entity_id, c.entity_name, c.action, c.before, c.after
         FROM {filter} ORDER BY {order} DESC LIMIT ?{} OFFSET ?{}",
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
    Ok((entries, MatchCount::exact(total as u32)))
}

/// Every distinct author, by hopping through the author index (a few
/// lookups per author instead of a scan of every entry).
pub(super) fn authors(conn: &Connection) -> Result<Vec<String>> {
    column(
        conn,
        "WITH RECURSIVE a(name) AS (
             SELECT min(author) FROM platform_changelog
             UNION ALL
             SELECT (SELECT min(author) FROM platform_changelog WHERE author > a.name) FROM a
             WHERE a.name IS NOT NULL
         )
         SELECT name FROM a WHERE name IS NOT NULL",
        [],
        "listing authors",
    )
}

/// Authors of unpromoted entries and how many each wrote; each count is a
/// range of the (author, seq) index.
pub(super) fn unpromoted_authors(conn: &Connection) -> Result<Vec<AuthorCount>> {
    let base = base(conn)?;
    let mut stmt = conn
        .prepare_cached("SELECT count(*) FROM platform_changelog WHERE author = ?1 AND seq > ?2")
        .context("reading unpromoted changes")?;
    let mut out = Vec::new();
    for author in authors(conn)? {
        let n: i64 = stmt
            .query_row(params![author, base], |r| r.get(0))
            .context("reading unpromoted changes")?;
        if n > 0 {
            out.push(AuthorCount {
                author,
                entries: n as u32,
            });
        }
    }
    Ok(out)
}

/// Changes per author in `[from, until)`: a range of the `at` index.
pub(super) fn activity(
    conn: &Connection,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<Vec<AuthorCount>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT author, count(*) FROM platform_changelog
             WHERE at >= ?1 AND at < ?2 GROUP BY author ORDER BY author",
        )
        .context("reading changelog activity")?;
    let rows = stmt
        .query_map(params![from, until], |r| {
            Ok(AuthorCount {
                author: r.get(0)?,
                entries: r.get::<_, i64>(1)? as u32,
            })
        })
        .context("reading changelog activity")?;
    rows.collect::<rusqlite::Result<_>>()
        .context("reading changelog activity")
}

/// Every entry after `seq`, oldest first.
pub(super) fn entries_after(conn: &Connection, seq: i64) -> Result<Vec<ChangeEntry>> {
    let base = base(conn)?;
    let mut stmt = conn
        .prepare_cached(
            "SELECT seq, at, author, entity_kind, entity_id, entity_name, action, before, after
             FROM platform_changelog WHERE seq > ?1 ORDER BY seq",
        )
        .context("reading the changelog")?;
    let raw = stmt
        .query_map([seq], raw_entry)
        .context("reading the changelog")?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("reading the changelog")?;
    raw.into_iter().map(|r| finish(r, base)).collect()
}
