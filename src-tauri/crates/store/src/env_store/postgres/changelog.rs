//! The changelog of an environment on a server: writing an entry inside
//! the change's transaction, and answering the Changelog screen's filters.
//!
//! As in the SQLite store, "unpromoted" entries are those after
//! `platform_meta.promoted_through`. Instants are `timestamptz`, so days
//! in the account's time zone are plain ranges.

use crate::env_store::design::Outcome;
use crate::Context;
use chrono::{DateTime, Utc};
use cutover_core::changelog::{
    diff, AuthorCount, ChangeAction, ChangeEntry, ChangelogFilter, EntityKind, MatchCount,
};
use cutover_core::Result;
use postgres::types::{ToSql, Type};
use postgres::{GenericClient, Row};

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

pub(super) fn page(
    client: &mut impl GenericClient,
    f: &ChangelogFilter,
) -> Result<(Vec<ChangeEntry>, MatchCount)> {
    let base = base(client)?;
    let mut conditions = Vec::new();
    let mut params: Vec<Box<dyn ToSql + Sync>> = Vec::new();
    let mut push = |sql: &str, value: Box<dyn ToSql + Sync>| {
        params.push(value);
        conditions.push(format!("{sql} ${}", params.len()));
    };
    if let Some(a) = &f.author {
        push("c.author =", Box::new(a.clone()));
    }
    if let Some(from) = f.from {
        push("c.at >=", Box::new(from));
    }
    if let Some(until) = f.until {
        push("c.at <", Box::new(until));
    }
    if let Some(k) = f.entity_kind {
        push("c.entity_kind =", Box::new(k.as_str().to_string()));
    }
    if let Some(a) = f.action {
        push("c.action =", Box::new(a.as_str().to_string()));
    }
    // The conditions on the entry itself, before the app's.
    let (others, others_given) = (conditions.join(" AND "), params.len());
    // With an app, the walk starts from the app's index (app, seq): its
    // entries in seq order, each joined to its entry.
    let (from, seq) = match f.app_id {
        Some(app) => {
            params.push(Box::new(app));
            conditions.push(format!("a.app_id = ${}", params.len()));
            (
                "platform_changelog_apps a JOIN platform_changelog c ON c.seq = a.seq",
                "a.seq",
            )
        }
        None => ("platform_changelog c", "c.seq"),
    };
    let filter = if conditions.is_empty() {
        from.to_string()
    } else {
        format!("{from} WHERE {}", conditions.join(" AND "))
    };
    let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p.as_ref()).collect();
    let (limit, offset) = (i64::from(f.limit), i64::from(f.offset));
    let mut paged = refs.clone();
    paged.push(&limit);
    paged.push(&offset);
    let (l, o) = (refs.len() + 1, refs.len() + 2);
    // Every row of the entry-to-app table has its entry (it is deleted with
    // it), so an app alone is matched from the app's index without a join.
    // With other conditions that the planner expects few entries to meet,
    // each of those is probed in the app's index instead: the server would
    // otherwise read every entry of the app to join them by hash.
    let (matched, matched_seq) = match f.app_id {
        Some(_) if others_given == 0 => (
            "platform_changelog_apps a WHERE a.app_id = $1".to_string(),
            "a.seq",
        ),
        Some(_)
            if estimate(
                client,
                &format!("platform_changelog c WHERE {others}"),
                &refs[..others_given],
            )? <= PROBE_UP_TO =>
        {
            (
                format!(
                    "platform_changelog c CROSS JOIN LATERAL
                         (SELECT 1 FROM platform_changelog_apps a WHERE a.app_id = ${} AND a.seq = c.seq LIMIT 1) x
                     WHERE {others}",
                    others_given + 1
                ),
                "c.seq",
            )
        }
        _ => (filter.clone(), seq),
    };
    // Up to EXACT_UP_TO + 1 matches are found once (by whichever index
    // suits the filter), counted, and the page taken from them by seq: the
    // server would otherwise walk seq backwards past every entry outside a
    // time range, not knowing that time and seq go together. The count is
    // the row's last column; a page past the end has one row of NULLs.
    let rows = client
        .query(
            &format!(
                "WITH m AS MATERIALIZED (SELECT {matched_seq} AS seq FROM {matched} LIMIT {cap}),
                      p AS (SELECT seq FROM m ORDER BY seq DESC LIMIT ${l} OFFSET ${o})
                 SELECT e.*, t.n FROM (SELECT count(*) AS n FROM m) t
                 LEFT JOIN (SELECT {ENTRY_COLUMNS} FROM p JOIN platform_changelog c ON c.seq = p.seq) e
                 ON true ORDER BY e.seq DESC",
                cap = EXACT_UP_TO + 1
            ),
            &paged,
        )
        .context("reading the changelog")?;
    let capped: i64 = rows.first().map_or(0, |r| r.get(9));
    if capped <= EXACT_UP_TO {
        let entries = rows
            .iter()
            .filter(|r| r.get::<_, Option<i64>>(0).is_some())
            .map(|r| entry(r, base))
            .collect::<Result<_>>()?;
        return Ok((
            entries,
            MatchCount {
                count: u32::try_from(capped).unwrap_or(u32::MAX),
                estimated: false,
            },
        ));
    }
    // More matches than are counted: the total is the planner's estimate,
    // and the page is walked in seq order (there are many matches).
    let total = estimate(client, &matched, &refs)?.max(capped);
    let rows = client
        .query(
            &format!(
                "SELECT {ENTRY_COLUMNS} FROM {filter} ORDER BY {seq} DESC LIMIT ${l} OFFSET ${o}"
            ),
            &paged,
        )
        .context("reading the changelog")?;
    let entries = rows.iter().map(|r| entry(r, base)).collect::<Result<_>>()?;
    Ok((
        entries,
        MatchCount {
            count: u32::try_from(total).unwrap_or(u32::MAX),
            estimated: true,
        },
    ))
}

/// The most matches a page counts exactly; past it the total is the
/// planner's estimate, labelled so.
pub(super) const EXACT_UP_TO: i64 = 5_000;

/// The most entries (as the planner expects them to meet a filter's
/// conditions other than its app) that are each probed in the app's index
/// rather than joined to all of the app's entries: measured on 100,000
/// entries, probing 400 took 2.6 ms against 6.7 for the join, probing
/// 3,500 5.3 ms against 4.0 (BENCHMARKS.md).
const PROBE_UP_TO: i64 = 1_000;

/// How many rows `FROM {from}` returns, as the planner estimates it (the
/// top plan node's `rows=`).
fn estimate(
    client: &mut impl GenericClient,
    from: &str,
    params: &[&(dyn ToSql + Sync)],
) -> Result<i64> {
    let plan = client
        .query(&format!("EXPLAIN SELECT 1 FROM {from}"), params)
        .context("estimating changelog entries")?;
    let top: &str = plan
        .first()
        .map(|r| r.get(0))
        .ok_or_else(|| cutover_core::Error::internal("The server gave no plan."))?;
    Ok(top
        .split("rows=")
        .nth(1)
        .and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0))
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
