//! The release notes' full-text index (`release_notes_fts`), kept so that
//! its rowid order is (account, version, position): search reads it newest
//! first and stops after the hits it shows (BENCHMARKS.md).
//!
//! An import indexes only its own notes. Each account owns a rowid range
//! (`account << ACCOUNT_SHIFT`); a release's notes take consecutive rowids
//! in the gap between the versions below and above it (`release_notes.
//! fts_rowid` remembers where each note went). A newer version goes
//! `RELEASE_GAP` past the newest; an older one into the middle of its gap.
//! Only when a gap is too small is the account's index rebuilt with fresh
//! gaps (control migration 015 laid out the notes imported before).

use crate::Context;
use rusqlite::{params, Connection, OptionalExtension};

const ACCOUNT_SHIFT: u32 = 44;
/// Room between two releases' rowids, far more than `MAX_NOTES`.
const RELEASE_GAP: i64 = 1 << 20;

/// Indexes release `release_id` (account `account`, version sort key
/// `version_key`), whose notes are already stored.
pub(super) fn index_release(
    tx: &Connection,
    account: i64,
    version_key: &str,
    release_id: i64,
) -> cutover_core::Result<()> {
    let doing = "indexing the notes for search";
    let floor = account << ACCOUNT_SHIFT;
    let ceiling = (account + 1) << ACCOUNT_SHIFT;
    let count: i64 = tx
        .query_row(
            "SELECT count(*) FROM release_notes WHERE release_id = ?1",
            [release_id],
            |r| r.get(0),
        )
        .context(doing)?;
    let bound = |sql: &str| -> cutover_core::Result<Option<i64>> {
        tx.query_row(sql, params![account, version_key], |r| r.get(0))
            .optional()
            .map(Option::flatten)
            .context(doing)
    };
    // The neighbouring releases by version (the unique (account_id,
    // version_key) index), then their notes (the (release_id, position) one).
    let below = bound(
        "SELECT max(fts_rowid) FROM release_notes WHERE release_id =
           (SELECT id FROM releases WHERE account_id = ?1 AND version_key < ?2
            ORDER BY version_key DESC LIMIT 1)",
    )?;
    let above = bound(
        "SELECT min(fts_rowid) FROM release_notes WHERE release_id =
           (SELECT id FROM releases WHERE account_id = ?1 AND version_key > ?2
            ORDER BY version_key LIMIT 1)",
    )?;
    let base = match (below, above) {
        (None, None) => Some(floor),
        (Some(lo), None) => {
            Some(lo + RELEASE_GAP - lo.rem_euclid(RELEASE_GAP)).filter(|b| b + count < ceiling)
        }
        (lo, Some(hi)) => {
            let lo = lo.unwrap_or(floor - 1);
            (hi - lo > count + 1).then(|| lo + 1 + (hi - lo - 1 - count) / 2)
        }
    };
    match base {
        Some(base) => {
            tx.execute(
                "UPDATE release_notes SET fts_rowid = ?2 + position WHERE release_id = ?1",
                params![release_id, base],
            )
            .context(doing)?;
            tx.execute(
                "INSERT INTO release_notes_fts (rowid, title, area, body, account, note_id)
                 SELECT n.fts_rowid, n.title, n.area, n.search_text, 'a' || ?2, n.id
                 FROM release_notes n WHERE n.release_id = ?1",
                params![release_id, account],
            )
            .context(doing)?;
        }
        None => rebuild_account(tx, account)?,
    }
    Ok(())
}

/// Re-indexes every note of `account` with a fresh gap between releases.
fn rebuild_account(tx: &Connection, account: i64) -> cutover_core::Result<()> {
    let doing = "re-indexing the notes for search";
    tx.execute(
        "DELETE FROM release_notes_fts WHERE rowid >= ?1 AND rowid < ?2",
        params![account << ACCOUNT_SHIFT, (account + 1) << ACCOUNT_SHIFT],
    )
    .context(doing)?;
    tx.execute(
        "UPDATE release_notes AS n SET fts_rowid = ranked.base + n.position
         FROM (SELECT id, ?2 + (row_number() OVER (ORDER BY version_key) - 1) * ?3 AS base
               FROM releases WHERE account_id = ?1) AS ranked
         WHERE ranked.id = n.release_id",
        params![account, account << ACCOUNT_SHIFT, RELEASE_GAP],
    )
    .context(doing)?;
    tx.execute(
        "INSERT INTO release_notes_fts (rowid, title, area, body, account, note_id)
         SELECT n.fts_rowid, n.title, n.area, n.search_text, 'a' || r.account_id, n.id
         FROM release_notes n JOIN releases r ON r.id = n.release_id WHERE r.account_id = ?1",
        [account],
    )
    .context(doing)?;
    Ok(())
}
