-- Vendor releases imported from signed packages, the keys each
-- account trusts to sign them, their release notes with a full-text index,
-- and which admin reviewed which note.
ALTER TABLE accounts ADD COLUMN version_window INTEGER NOT NULL DEFAULT 3
    CHECK (version_window BETWEEN 1 AND 12);

CREATE TABLE trusted_keys (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    -- base64 of the 32-byte Ed25519 public key.
    public_key TEXT NOT NULL,
    added_at   TEXT NOT NULL,
    added_by   TEXT NOT NULL,
    UNIQUE (account_id, public_key)
) STRICT;

CREATE TABLE releases (
    id                   INTEGER PRIMARY KEY,
    account_id           INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    version              TEXT NOT NULL,
    -- cutover_core::release::Version::sort_key, so SQL orders like versions do.
    version_key          TEXT NOT NULL,
    release_type         TEXT NOT NULL CHECK (release_type IN ('maintenance', 'minor', 'major', 'hotfix')),
    published            TEXT NOT NULL,
    general_availability TEXT NOT NULL,
    -- The whole verified manifest.json, for waves, hotfixes and actions.
    manifest             TEXT NOT NULL,
    package_sha256       TEXT NOT NULL,
    signer               TEXT NOT NULL,
    imported_at          TEXT NOT NULL,
    imported_by          TEXT NOT NULL,
    UNIQUE (account_id, version_key)
) STRICT;

-- Migrations and checks, run against environment stores by an upgrade.
CREATE TABLE release_scripts (
    release_id INTEGER NOT NULL REFERENCES releases (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('migration', 'check')),
    name       TEXT NOT NULL,
    sql        TEXT NOT NULL,
    PRIMARY KEY (release_id, kind, name)
) STRICT;

CREATE TABLE release_notes (
    id              INTEGER PRIMARY KEY,
    release_id      INTEGER NOT NULL REFERENCES releases (id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    title           TEXT NOT NULL,
    area            TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('feature', 'change', 'deprecation', 'fix')),
    action_required INTEGER NOT NULL CHECK (action_required IN (0, 1)),
    markdown        TEXT NOT NULL,
    -- Sanitised when imported (cutover_package::notes::render).
    html            TEXT NOT NULL,
    -- The body's words without markup (cutover_package::notes::plain_text).
    search_text     TEXT NOT NULL,
    UNIQUE (release_id, position)
) STRICT;
CREATE INDEX release_notes_area ON release_notes (area);

-- Rebuilt by each import transaction in (account, version, position) order,
-- so "newest first" is FTS5's own rowid order and a search stops after the
-- hits it shows. `account` holds "a<account id>" to filter inside MATCH.
CREATE VIRTUAL TABLE release_notes_fts USING fts5 (
    title, area, body, account, note_id UNINDEXED, tokenize = 'porter unicode61'
);

CREATE TABLE note_reviews (
    note_id     INTEGER NOT NULL REFERENCES release_notes (id) ON DELETE CASCADE,
    admin_id    INTEGER NOT NULL REFERENCES admins (id) ON DELETE CASCADE,
    reviewed_at TEXT NOT NULL,
    PRIMARY KEY (note_id, admin_id)
) STRICT;
