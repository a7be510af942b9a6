//! A server's changelog total: counted exactly up to a few thousand
//! matches, past that the planner's estimate, labelled so; paging still
//! returns every entry once, in order.

mod common;

use common::pg::FreshDatabase;
use cutover_core::changelog::{ChangelogFilter, MatchCount};
use cutover_core::Result;
use cutover_store::env_store::StoreBackend;
use cutover_store::Context;

#[test]
fn a_large_total_is_the_servers_estimate_and_a_small_one_is_counted() -> Result<()> {
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

    let (first, total) = store.changelog(&ChangelogFilter {
        limit: 50,
        ..Default::default()
    })?;
    assert!(total.estimated, "{total:?}");
    assert!(
        (10_000..=14_000).contains(&total.count),
        "about 12,000: {total:?}"
    );
    assert_eq!(first.len(), 50);
    assert_eq!(first[0].seq, 12_000, "newest first");

    // The last page is the one that comes back short, whatever the estimate.
    let (last, _) = store.changelog(&ChangelogFilter {
        offset: 11_990,
        limit: 50,
        ..Default::default()
    })?;
    assert_eq!(
        last.iter().map(|e| e.seq).collect::<Vec<_>>(),
        (1..=10).rev().collect::<Vec<i64>>()
    );

    let (priya, counted) = store.changelog(&ChangelogFilter {
        author: Some("Priya".into()),
        limit: 50,
        ..Default::default()
    })?;
    assert_eq!(counted, MatchCount::exact(40));
    assert_eq!(priya.len(), 40);
    Ok(())
}
