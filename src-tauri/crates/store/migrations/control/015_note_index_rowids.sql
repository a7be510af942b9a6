-- Where each note sits in the full-text index (its rowid there), so that an
-- import indexes only its own notes, in (account, version, position) order,
-- instead of rebuilding the whole index (store/src/release_index.rs: each
-- account owns rowids from account << 44, releases 2^20 apart).
ALTER TABLE release_notes ADD COLUMN fts_rowid INTEGER;
UPDATE release_notes AS n SET fts_rowid = ranked.base + n.position
FROM (SELECT id, (account_id << 44)
                 + (row_number() OVER (PARTITION BY account_id ORDER BY version_key) - 1) * 1048576 AS base
      FROM releases) AS ranked
WHERE ranked.id = n.release_id;
DELETE FROM release_notes_fts;
INSERT INTO release_notes_fts (rowid, title, area, body, account, note_id)
SELECT n.fts_rowid, n.title, n.area, n.search_text, 'a' || r.account_id, n.id
FROM release_notes n JOIN releases r ON r.id = n.release_id;
