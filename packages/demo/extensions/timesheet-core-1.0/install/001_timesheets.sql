CREATE TABLE IF NOT EXISTS ext_timesheets (
    id         INTEGER PRIMARY KEY,
    person     TEXT NOT NULL,
    project    TEXT NOT NULL,
    week_start TEXT NOT NULL,
    hours      REAL NOT NULL CHECK (hours BETWEEN 0 AND 168)
) STRICT;
