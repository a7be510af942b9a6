//! The changelog of an environment on a server: writing an entry inside
//! the change's transaction, and answering the Changelog screen's filters.
//!
//! As in the SQLite store, "unpromoted" entries are those after
//! `platform_meta.promoted_through`. Instants are `timestamptz`, so days
//! in the account's time zone are plain ranges.

use crate::env_store::design::Outcome;
use crate::Context;
use chrono::{DateTime, Utc};
use cutover_core::changelog::{diff, AuthorCount, ChangeAction, ChangeEntry, EntityKind};
use cutover_core::Result;
use postgres::types::{ToSql, Type};
use postgres::{GenericClient, Row};

mod page;
pub(super) use page::page;

const ENTRY_COLUMNS: &str =
    "c.seq, c.at, c.author, c.entity_kind, c.entity_id, c.entity_name, c.action, c.before, c.after";

/// The position this environment's own work starts after.
pub(super) fn base(client: &mut impl GenericClient) -> Result<i64> {
    Ok(client
        .query_opt(
            "SELECT value FROM platform_meta WHERE key = 'promoted_through'",
            &[],
        )
        .context("reading the promotion mark")?
        .and_then(|r| r.get::<_, String>(0).parse().ok())
        .unwrap_or(0))
}

/// Parameters with their types, for a statement run typed or prepared.
pub(super) type Typed<'a> = [(&'a (dyn ToSql + Sync), Type)];

/// Writes the changelog entry of `o` through `run`, which runs a statement
/// with typed parameters and returns its one row.
pub(super) fn record(
    run: impl FnOnce(&'static str, &Typed) -> Result<Row>,
    o: Outcome,
    author: &str,
    at: DateTime<Utc>,
) -> Result<ChangeEntry> {
    let text = |v: &Option<serde_json::Value>| v.as_ref().map(|v| v.to_string());
    let mut apps = o.app_ids.clone();
    apps.sort_unstable();
    apps.dedup();
    // The entry and its apps in one statement: one round trip per change
    // under a promotion's lock. The apps' foreign key is checked at the
    // statement's end, when the entry is there; the author's count is kept
    // by the changelog's trigger.
    let seq: i64 = run(
            "WITH e AS (
                 INSERT INTO platform_changelog (at, author, entity_kind, entity_id, entity_name, action, before, after)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING seq),
             a AS (INSERT INTO platform_changelog_apps (app_id, seq) SELECT unnest($9::bigint[]), seq FROM e)
             SELECT seq FROM e",
            &[
                (&at, Type::TIMESTAMPTZ),
                (&author, Type::TEXT),
                (&o.kind.as_str(), Type::TEXT),
                (&o.id, Type::INT8),
                (&o.name, Type::TEXT),
                (&o.action.as_str(), Type::TEXT),
                (&text(&o.before), Type::TEXT),
                (&text(&o.after), Type::TEXT),
                (&apps, Type::INT8_ARRAY),
            ],
        )?
        .get(0);
    Ok(o.entry(seq, author, at))
}

fn entry(r: &Row, base: i64) -> Result<ChangeEntry> {
    let json = |s: Option<String>| {
        s.map(|s| serde_json::from_str(&s))
            .transpose()
            .context("decoding a changelog entry")
    };
    let (before, after) = (json(r.get(7))?, json(r.get(8))?);
    let seq: i64 = r.get(0);
    Ok(ChangeEntry {
        diff: diff(before.as_ref(), after.as_ref()),
        before,
        after,
        seq,
        at: r.get(1),
        author: r.get(2),
        entity_kind: EntityKind::parse(r.get(3))?,
        entity_id: r.get(4),
        entity_name: r.get(5),
        action: ChangeAction::parse(r.get(6))?,
        unpromoted: seq > base,
    })
}

/// Every distinct author, in order.
pub(super) fn authors(client: &mut impl GenericClient) -> Result<Vec<String>> {
    // Hopping through the author index (a few lookups per author) instead
    // of reading every entry.
    Ok(client
        .query(
            "WITH RECURSIVE a(name) AS (
                 SELECT min(author) FROM platform_changelog
                 UNION ALL
                 SELECT (SELECT min(author) FROM platform_changelog WHERE author > a.name) FROM a
                 WHERE a.name IS NOT NULL
             )
             SELECT name FROM a WHERE name IS NOT NULL",
            &[],
        )
        .context("listing authors")?
        .iter()
        .map(|r| r.get(0))
        .collect())
}

/// The last entry's seq (0 when the changelog is empty).
pub(super) fn last_seq(client: &mut impl GenericClient) -> Result<i64> {
    Ok(client
        .query_typed_one("SELECT coalesce(max(seq), 0) FROM platform_changelog", &[])
        .context("reading the changelog")?
        .get(0))
}

/// Authors of unpromoted entries and how many each wrote. The entries
/// after the mark are counted when they are fewer than those up to it;
/// otherwise those up to it are taken from each author's maintained count
/// (`platform_changelog_authors`), so a large changelog is never counted
/// whole: a copy has few entries after its mark, production none before.
pub(super) fn unpromoted_authors(client: &mut impl GenericClient) -> Result<Vec<AuthorCount>> {
    let base = base(client)?;
    let end = last_seq(client)?;
    let sql = if end - base <= base {
        "SELECT author, count(*) FROM platform_changelog WHERE seq > $1 GROUP BY author ORDER BY author"
    } else {
        "SELECT t.author, t.entries - coalesce(h.n, 0) FROM platform_changelog_authors t
         LEFT JOIN (SELECT author, count(*) AS n FROM platform_changelog WHERE seq <= $1 GROUP BY author) h
         ON h.author = t.author
         WHERE t.entries > coalesce(h.n, 0) ORDER BY t.author"
    };
    counts(client, sql, &[&base], "reading unpromoted changes")
}

/// Changes per author in `[from, until)`.
pub(super) fn activity(
    client: &mut impl GenericClient,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<Vec<AuthorCount>> {
    counts(
        client,
        "SELECT author, count(*) FROM platform_changelog
         WHERE at >= $1 AND at < $2 GROUP BY author ORDER BY author",
        &[&from, &until],
        "reading changelog activity",
    )
}

fn counts(
    client: &mut impl GenericClient,
    sql: &str,
    params: &[&(dyn ToSql + Sync)],
    doing: &str,
) -> Result<Vec<AuthorCount>> {
    Ok(client
        .query(sql, params)
        .context(doing)?
        .iter()
        .map(|r| AuthorCount {
            author: r.get(0),
            entries: r.get::<_, i64>(1) as u32,
        })
        .collect())
}

/// Every entry after `seq`, oldest first.
pub(super) fn entries_after(client: &mut impl GenericClient, seq: i64) -> Result<Vec<ChangeEntry>> {
    let base = base(client)?;
    client
        .query(
            &format!(
                "SELECT {ENTRY_COLUMNS} FROM platform_changelog c WHERE c.seq > $1 ORDER BY c.seq"
            ),
            &[&seq],
        )
        .context("reading the changelog")?
        .iter()
        .map(|r| entry(r, base))
        .collect()
}
