-- Promotions of a sandbox's changes to production, and how each ended. A
-- running promotion is found again at start-up: if it had touched
-- production, production is restored from `backup_id`.
CREATE TABLE promotions (
    id            INTEGER PRIMARY KEY,
    sandbox_id    INTEGER REFERENCES environments (id) ON DELETE SET NULL,
    sandbox_name  TEXT NOT NULL,
    production_id INTEGER NOT NULL REFERENCES environments (id),
    author        TEXT NOT NULL,
    started_at    TEXT NOT NULL,
    locked_at     TEXT,
    unlocked_at   TEXT,
    finished_at   TEXT,
    state         TEXT NOT NULL CHECK (state IN ('running', 'committed', 'failed', 'undone')),
    -- The step running now, or the one that failed.
    step          TEXT NOT NULL,
    backup_id     INTEGER REFERENCES backups (id) ON DELETE SET NULL,
    -- JSON array of the plan's steps (kind, id, name, action, authors).
    plan          TEXT NOT NULL,
    reason        TEXT,
    -- Production's last changelog entry once the plan was applied: later
    -- entries are changes an undo would discard.
    after_seq     INTEGER,
    -- The sandbox's changelog marks before the promotion, put back by an undo
    -- so its changes become promotable again.
    sandbox_base  INTEGER,
    sandbox_seen  INTEGER,
    -- JSON array of the names of the integrations it paused.
    paused        TEXT
) STRICT;
CREATE UNIQUE INDEX promotions_one_running ON promotions (production_id) WHERE state = 'running';
