-- CSV imports into environments. A running import is part of its
-- environment's status: promotion and other writes wait for it.
CREATE TABLE imports (
    id             INTEGER PRIMARY KEY,
    environment_id INTEGER NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
    table_id       INTEGER NOT NULL,
    file_name      TEXT NOT NULL,
    author         TEXT NOT NULL,
    started_at     TEXT NOT NULL,
    finished_at    TEXT,
    state          TEXT NOT NULL CHECK (state IN ('running', 'committed', 'cancelled', 'failed')),
    accepted       INTEGER NOT NULL DEFAULT 0,
    rejected       INTEGER NOT NULL DEFAULT 0,
    problem        TEXT
) STRICT;
-- At most one import runs per environment.
CREATE UNIQUE INDEX imports_one_running ON imports (environment_id) WHERE state = 'running';
