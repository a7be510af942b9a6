//! A server's changelog total: kept by the changelog's triggers with no
//! filter or only an author; otherwise counted exactly up to a few
//! thousand matches, past that the planner's estimate, labelled so. Paging
//! returns every entry once, in order, from either end.

mod common;

use common::pg::FreshDatabase;
use cutover_core::changelog::{ChangelogFilter, EntityKind, MatchCount};
use cutover_core::Result;
use cutover_store::env_store::StoreBackend;
use cutover_store::Context;

/// A page of `limit` entries at `offset` of `filter`, and the total.
fn page(
    store: &dyn cutover_store::env_store::EnvironmentStore,
    filter: &ChangelogFilter,
    offset: u32,
    limit: u32,
) -> Result<(Vec<i64>, MatchCount)> {
    let (entries, total) = store.changelog(&ChangelogFilter {
        offset,
        limit,
        ..filter.clone()
    })?;
    Ok((entries.iter().map(|e| e.seq).collect(), total))
}

#[test]
fn a_large_total_is_kept_or_the_servers_estimate_and_a_small_one_is_counted() -> Result<()> {
    let db = FreshDatabase::new();
    let backend = db.backend();
    drop(backend.create("prod", "10.0.1")?);
    // 12,000 entries, as years of designer work leave, written straight
    // into the changelog; 40 of them by Priya.
    db.settings
        .connect(Some(&db.secret))?
        .batch_execute(
            "INSERT INTO env_prod.platform_changelog (at, author, entity_kind, entity_id, entity_name, action)
             SELECT timestamptz '2026-01-01' + n * interval '1 minute',
                    CASE WHEN n % 300 = 0 THEN 'Priya' ELSE 'Alex' END,
                    'app', n, 'App ' || n, 'create'
             FROM generate_series(1, 12000) n;
             ANALYZE env_prod.platform_changelog;",
        )
        .context("a long changelog")?;
    let store = backend.open("prod")?;
    let all = ChangelogFilter::default();

    // With no filter or only an author, the total is the kept count, and
    // a page is read from the nearer end: both ends and the middle.
    let (first, total) = page(store.as_ref(), &all, 0, 50)?;
    assert_eq!(total, MatchCount::exact(12_000));
    assert_eq!(first, (11_951..=12_000).rev().collect::<Vec<i64>>());
    let (last, total) = page(store.as_ref(), &all, 11_990, 50)?;
    assert_eq!(total, MatchCount::exact(12_000));
    assert_eq!(last, (1..=10).rev().collect::<Vec<i64>>());
    let (middle, _) = page(store.as_ref(), &all, 5_975, 50)?;
    assert_eq!(middle, (5_976..=6_025).rev().collect::<Vec<i64>>());
    let (past, total) = page(store.as_ref(), &all, 12_000, 50)?;
    assert!(past.is_empty());
    assert_eq!(total, MatchCount::exact(12_000));
    let priya = ChangelogFilter {
        author: Some("Priya".into()),
        ..Default::default()
    };
    let (newest, counted) = page(store.as_ref(), &priya, 0, 30)?;
    assert_eq!(counted, MatchCount::exact(40));
    assert_eq!(
        newest,
        (11..=40).rev().map(|n| n * 300).collect::<Vec<i64>>()
    );
    let (oldest, _) = page(store.as_ref(), &priya, 30, 30)?;
    assert_eq!(
        oldest,
        (1..=10).rev().map(|n| n * 300).collect::<Vec<i64>>()
    );

    // Another filter past 5,000 matches: the planner's estimate, labelled.
    let apps = ChangelogFilter {
        entity_kind: Some(EntityKind::App),
        ..Default::default()
    };
    let (first, total) = page(store.as_ref(), &apps, 0, 50)?;
    assert!(total.estimated, "{total:?}");
    assert!(
        (10_000..=14_000).contains(&total.count),
        "about 12,000: {total:?}"
    );
    assert_eq!(first[0], 12_000, "newest first");
    // The last page is the one that comes back short, whatever the estimate.
    let (last, _) = page(store.as_ref(), &apps, 11_990, 50)?;
    assert_eq!(last, (1..=10).rev().collect::<Vec<i64>>());

    // With a count trigger disabled the kept counts may be stale: the
    // entries are counted as for any other filter.
    db.settings
        .connect(Some(&db.secret))?
        .batch_execute(
            "ALTER TABLE env_prod.platform_changelog DISABLE TRIGGER platform_changelog_added;
             INSERT INTO env_prod.platform_changelog (at, author, entity_kind, entity_id, entity_name, action)
             VALUES (now(), 'Priya', 'app', 1, 'App', 'create');",
        )
        .context("an uncounted entry")?;
    let (newest, counted) = page(store.as_ref(), &priya, 0, 50)?;
    assert_eq!(counted, MatchCount::exact(41));
    assert_eq!(newest[0], 12_001);
    let (_, total) = page(store.as_ref(), &all, 0, 50)?;
    assert!(total.estimated, "{total:?}");
    Ok(())
}

/// Authors and their entries.
type Counts = Vec<(String, u32)>;

/// Each author's unpromoted entries, from the store and counted directly.
fn unpromoted(
    store: &dyn cutover_store::env_store::EnvironmentStore,
    db: &FreshDatabase,
    schema: &str,
) -> Result<(Counts, Counts)> {
    let from_store = store
        .unpromoted_authors()?
        .into_iter()
        .map(|a| (a.author, a.entries))
        .collect();
    let counted = db
        .settings
        .connect(Some(&db.secret))?
        .query(
            &format!(
                "SELECT author, count(*)::bigint FROM {schema}.platform_changelog
                 WHERE seq > coalesce((SELECT value::bigint FROM {schema}.platform_meta WHERE key = 'promoted_through'), 0)
                 GROUP BY author ORDER BY author"
            ),
            &[],
        )
        .context("counting")?
        .iter()
        .map(|r| (r.get(0), r.get::<_, i64>(1) as u32))
        .collect();
    Ok((from_store, counted))
}

fn app(
    store: &mut dyn cutover_store::env_store::EnvironmentStore,
    author: &str,
    n: u32,
) -> Result<()> {
    let at = chrono::Utc::now();
    for i in 0..n {
        let name = format!("{author} app {i} {}", uuid::Uuid::new_v4().simple());
        store.apply(
            &cutover_core::change::Change::CreateApp { name },
            author,
            at,
        )?;
    }
    Ok(())
}

/// The summary's unpromoted count per author comes from counts the server
/// keeps (an older store gets them when opened, a copy from its entries),
/// and always equals counting the entries after the mark: on production
/// (nothing promoted), on a copy right after its mark, and on a copy with
/// more of its own entries than it inherited.
#[test]
fn unpromoted_counts_per_author_are_kept_and_exact() -> Result<()> {
    let db = FreshDatabase::new();
    let backend = db.backend();
    let mut prod = backend.create("prod", "10.0.1")?;
    app(prod.as_mut(), "Alex", 3)?;
    drop(prod);
    // As a store made before the counts were kept.
    db.settings
        .connect(Some(&db.secret))?
        .batch_execute(
            "DROP TABLE env_prod.platform_changelog_authors;
             UPDATE env_prod.platform_meta SET value = '1' WHERE key = 'schema_version';",
        )
        .context("an older store")?;
    let mut prod = backend.open("prod")?;
    app(prod.as_mut(), "Priya", 2)?;
    let (kept, counted) = unpromoted(prod.as_ref(), &db, "env_prod")?;
    assert_eq!(kept, [("Alex".to_string(), 3), ("Priya".to_string(), 2)]);
    assert_eq!(kept, counted);

    let never = std::sync::atomic::AtomicBool::new(false);
    backend.copy("prod", "sandbox", &|_| {}, &never)?;
    let mut sandbox = backend.open("sandbox")?;
    sandbox.mark_copied()?;
    let (kept, counted) = unpromoted(sandbox.as_ref(), &db, "env_sandbox")?;
    assert!(kept.is_empty(), "{kept:?}");
    assert_eq!(kept, counted);
    app(sandbox.as_mut(), "Sam", 7)?;
    app(sandbox.as_mut(), "Alex", 1)?;
    let (kept, counted) = unpromoted(sandbox.as_ref(), &db, "env_sandbox")?;
    assert_eq!(kept, [("Alex".to_string(), 1), ("Sam".to_string(), 7)]);
    assert_eq!(kept, counted);
    Ok(())
}

/// Each author's count is kept by the changelog's triggers whoever writes:
/// another application inserting, renaming an author, deleting, emptying
/// the changelog, in a schema renamed since (a copy made under another
/// name), and the store's own changes.
#[test]
fn counts_are_kept_whoever_writes_the_changelog() -> Result<()> {
    let db = FreshDatabase::new();
    let backend = db.backend();
    let mut prod = backend.create("prod", "10.0.1")?;
    app(prod.as_mut(), "Alex", 2)?;
    let mut other = db.settings.connect(Some(&db.secret))?;
    let kept = |other: &mut postgres::Client| -> Result<(Counts, Counts)> {
        let read = |sql: &str, other: &mut postgres::Client| -> Result<Counts> {
            Ok(other
                .query(sql, &[])
                .context("reading counts")?
                .iter()
                .map(|r| (r.get(0), r.get::<_, i64>(1) as u32))
                .collect())
        };
        Ok((
            read(
                "SELECT author, entries FROM env_prod.platform_changelog_authors
                 WHERE entries > 0 ORDER BY author",
                other,
            )?,
            read(
                "SELECT author, count(*) FROM env_prod.platform_changelog
                 GROUP BY author ORDER BY author",
                other,
            )?,
        ))
    };
    let write = |sql: &str, other: &mut postgres::Client| {
        other.batch_execute(sql).context("writing the changelog")
    };
    write(
        "INSERT INTO env_prod.platform_changelog (at, author, entity_kind, entity_id, entity_name, action)
         SELECT now(), CASE WHEN n % 3 = 0 THEN 'Priya' ELSE 'Sam' END, 'app', n, 'App', 'create'
         FROM generate_series(1, 30) n",
        &mut other,
    )?;
    let (counts, counted) = kept(&mut other)?;
    assert_eq!(
        counts,
        [
            ("Alex".to_string(), 2),
            ("Priya".to_string(), 10),
            ("Sam".to_string(), 20)
        ]
    );
    assert_eq!(counts, counted);
    write(
        "UPDATE env_prod.platform_changelog SET author = 'Jo' WHERE author = 'Sam' AND entity_id <= 10",
        &mut other,
    )?;
    write(
        "DELETE FROM env_prod.platform_changelog WHERE author = 'Priya' AND entity_id > 15",
        &mut other,
    )?;
    app(prod.as_mut(), "Priya", 1)?;
    let (counts, counted) = kept(&mut other)?;
    assert_eq!(counts, counted);
    assert_eq!(counts.len(), 4, "{counts:?}");

    // Another name, as a copy is made under `partial_` and renamed.
    drop(prod);
    write(
        "ALTER SCHEMA env_prod RENAME TO moved;
         INSERT INTO moved.platform_changelog (at, author, entity_kind, entity_id, entity_name, action)
         VALUES (now(), 'Ana', 'app', 1, 'App', 'create');
         ALTER SCHEMA moved RENAME TO env_prod;",
        &mut other,
    )?;
    let (counts, counted) = kept(&mut other)?;
    assert_eq!(counts, counted);
    assert!(counts.contains(&("Ana".to_string(), 1)), "{counts:?}");

    write("TRUNCATE env_prod.platform_changelog CASCADE", &mut other)?;
    assert_eq!(kept(&mut other)?, (vec![], vec![]));
    let mut prod = backend.open("prod")?;
    app(prod.as_mut(), "Alex", 1)?;
    assert_eq!(kept(&mut other)?.0, [("Alex".to_string(), 1)]);
    Ok(())
}
