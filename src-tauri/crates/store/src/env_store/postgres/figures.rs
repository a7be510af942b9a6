//! What the dashboard reads of a server environment at every refresh:
//! sizes from the catalog and the record count from the statistics the
//! server keeps, never a count of every record (a full scan per table on
//! a production of a server's size).

use super::schema::ident;
use crate::env_store::StoreStats;
use crate::Context;
use cutover_core::Result;
use postgres::GenericClient;

/// The figures of the store in `schema`, from one query over the catalog
/// and the statistics the server keeps as rows come and go (`n_live_tup`,
/// or `reltuples` as the last vacuum or analyze left it when the former
/// was reset): no record is read, so the record count is an estimate.
pub(super) fn figures_in(client: &mut impl GenericClient, schema: &str) -> Result<StoreStats> {
    let s = ident(schema);
    let row = client
        .query_one(
            &format!(
                "SELECT (SELECT count(*) FROM {s}.platform_apps),
                        (SELECT count(*) FROM {s}.platform_tables),
                        coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint,
                        coalesce(sum(CASE WHEN coalesce(st.n_live_tup, 0) > 0 OR c.reltuples < 0
                                          THEN coalesce(st.n_live_tup, 0)
                                          ELSE c.reltuples::bigint END)
                                 FILTER (WHERE c.relname ~ '^rec_[0-9]+$'), 0)::bigint
                 FROM pg_class c
                 JOIN pg_namespace n ON n.oid = c.relnamespace
                 LEFT JOIN pg_stat_user_tables st ON st.relid = c.oid
                 WHERE n.nspname = $1 AND c.relkind = 'r'"
            ),
            &[&schema],
        )
        .context("reading the store's statistics")?;
    let table_count = row.get::<_, i64>(1) as u32;
    Ok(StoreStats {
        app_count: row.get::<_, i64>(0) as u32,
        table_count,
        size_bytes: row.get::<_, i64>(2) as u64,
        record_count: row.get::<_, i64>(3).max(0) as u64,
        // No record table: no records, and that is no estimate.
        records_estimated: table_count > 0,
    })
}
