//! The Changelog screen's page of a server environment's changelog and
//! the total of its matches.

use super::{base, entry, ENTRY_COLUMNS};
use crate::Context;
use cutover_core::changelog::{ChangeEntry, ChangelogFilter, MatchCount};
use cutover_core::Result;
use postgres::types::{ToSql, Type};
use postgres::{GenericClient, Row};

/// A page of the entries `f` matches, newest first, and their total: kept
/// exactly when `f` names at most an author; otherwise counted up to
/// [`EXACT_UP_TO`], and past it the planner's estimate, labelled so.
pub(in crate::env_store::postgres) fn page(
    client: &mut impl GenericClient,
    f: &ChangelogFilter,
) -> Result<(Vec<ChangeEntry>, MatchCount)> {
    let base = base(client)?;
    let at_most_an_author = f.app_id.is_none()
        && f.from.is_none()
        && f.until.is_none()
        && f.entity_kind.is_none()
        && f.action.is_none();
    if at_most_an_author {
        if let Some(total) = kept_total(client, f.author.as_deref())? {
            return from_nearer_end(client, f, total, base);
        }
    }
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
    let (entries, capped) = counted_page(&rows, base)?;
    if i64::from(capped) <= EXACT_UP_TO {
        return Ok((entries, MatchCount::exact(capped)));
    }
    // More matches than are counted: the total is the planner's estimate,
    // and the page is walked in seq order (there are many matches).
    let total = estimate(client, &matched, &refs)?.max(i64::from(capped));
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

/// How many entries `author` wrote (all authors' when `None`), as the
/// changelog's triggers keep them; `None` when those triggers are not all
/// there and enabled (someone dropped or disabled one), so the counts may
/// be stale and the entries are counted instead.
fn kept_total(client: &mut impl GenericClient, author: Option<&str>) -> Result<Option<i64>> {
    Ok(client
        .query_typed_one(
            "SELECT CASE WHEN (SELECT count(*) FROM pg_trigger
                               WHERE tgrelid = 'platform_changelog'::regclass AND tgenabled <> 'D'
                                 AND tgfoid = to_regprocedure('platform_changelog_counted()')) = 4
                    THEN (SELECT coalesce(sum(entries), 0)::bigint FROM platform_changelog_authors
                          WHERE $1::text IS NULL OR author = $1) END",
            &[(&author, Type::TEXT)],
        )
        .context("reading the changelog's counts")?
        .get(0))
}

/// The page of entries by `f.author` (all entries when `None`) whose
/// total is kept, read from whichever end of the changelog is nearer:
/// the last page of 100,000 entries is as quick as the first. The total is
/// read again in the page's statement, so page and total agree even when
/// an entry was written since `total` (which only picks the end).
fn from_nearer_end(
    client: &mut impl GenericClient,
    f: &ChangelogFilter,
    total: i64,
    base: i64,
) -> Result<(Vec<ChangeEntry>, MatchCount)> {
    let (limit, offset) = (i64::from(f.limit), i64::from(f.offset));
    let (of_author, kept) = match f.author {
        Some(_) => (
            "WHERE c.author = $3",
            "SELECT entries FROM platform_changelog_authors WHERE author = $3",
        ),
        None => ("", "SELECT sum(entries) FROM platform_changelog_authors"),
    };
    let n = format!("coalesce(({kept}), 0)::bigint");
    // Positions count from the newest; from the oldest end the page is the
    // entries after the `n - offset - limit` oldest. The page's seqs are
    // taken as an array: the planner cannot know a limit computed in the
    // statement and would otherwise join them to the whole changelog.
    let window = if offset <= total - offset - limit {
        "ORDER BY c.seq DESC LIMIT $1 OFFSET $2".to_string()
    } else {
        format!("ORDER BY c.seq LIMIT greatest(least($1, {n} - $2), 0) OFFSET greatest({n} - $2 - $1, 0)")
    };
    let rows = client
        .query_typed(
            &format!(
                "SELECT e.*, t.n FROM (SELECT {n} AS n) t
                 LEFT JOIN (SELECT {ENTRY_COLUMNS} FROM platform_changelog c WHERE c.seq = ANY (ARRAY(
                     SELECT c.seq FROM platform_changelog c {of_author} {window}))) e
                 ON true ORDER BY e.seq DESC"
            ),
            &[
                (&limit, Type::INT8),
                (&offset, Type::INT8),
                (&f.author.as_deref().unwrap_or_default(), Type::TEXT),
            ],
        )
        .context("reading the changelog")?;
    let (entries, count) = counted_page(&rows, base)?;
    Ok((entries, MatchCount::exact(count)))
}

/// A page's entries and the count in each row's last column; a page past
/// the end is one row of NULLs and the count.
fn counted_page(rows: &[Row], base: i64) -> Result<(Vec<ChangeEntry>, u32)> {
    let count: i64 = rows.first().map_or(0, |r| r.get(9));
    let entries = rows
        .iter()
        .filter(|r| r.get::<_, Option<i64>>(0).is_some())
        .map(|r| entry(r, base))
        .collect::<Result<_>>()?;
    Ok((entries, u32::try_from(count).unwrap_or(u32::MAX)))
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
