CREATE TABLE IF NOT EXISTS ext_export_runs (
    id        INTEGER PRIMARY KEY,
    ran_at    TEXT NOT NULL,
    rows      INTEGER NOT NULL,
    signature TEXT
) STRICT;
