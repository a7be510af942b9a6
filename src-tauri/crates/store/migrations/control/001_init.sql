-- The control database: what Cutover knows about accounts and environments.
-- Instants are RFC 3339 text in UTC.
CREATE TABLE accounts (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    platform    TEXT NOT NULL,
    time_zone   TEXT NOT NULL,
    is_demo     INTEGER NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1)),
    created_at  TEXT NOT NULL
) STRICT;

CREATE TABLE environments (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts (id),
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL
                CHECK (kind IN ('production', 'uat', 'sandbox', 'promotable', 'development')),
    version     TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'ready' CHECK (status IN ('ready', 'locked')),
    -- Which backend holds the data ('sqlite'), and its key for the store.
    store_kind  TEXT NOT NULL,
    store_key   TEXT NOT NULL UNIQUE,
    copied_from INTEGER REFERENCES environments (id) ON DELETE SET NULL,
    created_at  TEXT NOT NULL
) STRICT;

CREATE UNIQUE INDEX environments_unique_name ON environments (account_id, name COLLATE NOCASE);
-- An account has exactly one production and at most one UAT environment.
CREATE UNIQUE INDEX environments_one_production ON environments (account_id) WHERE kind = 'production';
CREATE UNIQUE INDEX environments_one_uat ON environments (account_id) WHERE kind = 'uat';

-- Verified copies of environment stores (Backup & Restore).
CREATE TABLE backups (
    id              INTEGER PRIMARY KEY,
    environment_id  INTEGER NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
    taken_at        TEXT NOT NULL,
    reason          TEXT NOT NULL,
    path            TEXT NOT NULL,
    size_bytes      INTEGER NOT NULL,
    verified_at     TEXT
) STRICT;
CREATE INDEX backups_by_environment ON backups (environment_id, taken_at);
