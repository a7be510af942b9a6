-- Records per table, kept by triggers on each record table as rows come
-- and go, so that a screen can show how many there are without counting.
-- Filled for the tables that already exist by the migration's hook.
CREATE TABLE platform_record_counts (
    table_id INTEGER PRIMARY KEY,
    records  INTEGER NOT NULL
);
