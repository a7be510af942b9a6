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

/// A promotion plan's entry, written with the others when the plan ends:
/// `entry` has no seq until then.
pub(super) struct Pending {
    pub(super) entry: ChangeEntry,
    apps: Vec<i64>,
}

impl Pending {
    pub(super) fn new(o: Outcome, author: &str, at: DateTime<Utc>) -> Self {
        let mut apps = o.app_ids.clone();
        apps.sort_unstable();
        apps.dedup();
        Self {
            entry: o.entry(0, author, at),
            apps,
        }
    }
}

/// Writes `pending` in their order and returns their seqs, in two round
/// trips however many there are (under a promotion's lock each counts):
/// the seqs are taken from the changelog's sequence first, then every
/// entry and its apps go in one statement, so the count trigger fires once.
pub(super) fn write_pending(
    client: &mut impl GenericClient,
    pending: &[Pending],
) -> Result<Vec<i64>> {
    if pending.is_empty() {
        return Ok(Vec::new());
    }
    let doing = "writing the changelog";
    let n = i32::try_from(pending.len()).unwrap_or(i32::MAX);
    let mut seqs: Vec<i64> = client
        .query_typed(
            "SELECT nextval(pg_get_serial_sequence('platform_changelog', 'seq'))
             FROM generate_series(1, $1)",
            &[(&n, Type::INT4)],
        )
        .context(doing)?
        .iter()
        .map(|r| r.get(0))
        .collect();
    // The sequence only grows: sorted, the seqs follow the plan's order.
    seqs.sort_unstable();
    let text = |v: &Option<serde_json::Value>| v.as_ref().map(|v| v.to_string());
    let e = pending.iter().map(|p| &p.entry);
    let at: Vec<DateTime<Utc>> = e.clone().map(|e| e.at).collect();
    let author: Vec<&str> = e.clone().map(|e| e.author.as_str()).collect();
    let kind: Vec<&str> = e.clone().map(|e| e.entity_kind.as_str()).collect();
    let id: Vec<i64> = e.clone().map(|e| e.entity_id).collect();
    let name: Vec<&str> = e.clone().map(|e| e.entity_name.as_str()).collect();
    let action: Vec<&str> = e.clone().map(|e| e.action.as_str()).collect();
    let before: Vec<Option<String>> = e.clone().map(|e| text(&e.before)).collect();
    let after: Vec<Option<String>> = e.map(|e| text(&e.after)).collect();
    let (app_seq, app_id): (Vec<i64>, Vec<i64>) = pending
        .iter()
        .zip(&seqs)
        .flat_map(|(p, seq)| p.apps.iter().map(move |app| (*seq, *app)))
        .unzip();
    // The apps' foreign key is checked at the statement's end, when the
    // entries are there.
    client
        .query_typed(
            "WITH e AS (
                 INSERT INTO platform_changelog (seq, at, author, entity_kind, entity_id, entity_name, action, before, after)
                 SELECT * FROM unnest($1, $2, $3, $4, $5, $6, $7, $8, $9))
             INSERT INTO platform_changelog_apps (seq, app_id) SELECT * FROM unnest($10, $11)",
            &[
                (&seqs, Type::INT8_ARRAY),
                (&at, Type::TIMESTAMPTZ_ARRAY),
                (&author, Type::TEXT_ARRAY),
                (&kind, Type::TEXT_ARRAY),
                (&id, Type::INT8_ARRAY),
                (&name, Type::TEXT_ARRAY),
                (&action, Type::TEXT_ARRAY),
                (&before, Type::TEXT_ARRAY),
                (&after, Type::TEXT_ARRAY),
                (&app_seq, Type::INT8_ARRAY),
                (&app_id, Type::INT8_ARRAY),
            ],
        )
        .context(doing)?;
    Ok(seqs)
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
