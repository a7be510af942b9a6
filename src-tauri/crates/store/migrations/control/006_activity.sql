-- Who did what, outside the designer (whose changes are in each
-- environment's changelog): copies, deletions, backups, restores, refreshes,
-- imports and record edits. The environment's name is kept so the history
-- still reads after it is deleted.
CREATE TABLE activity (
    id               INTEGER PRIMARY KEY,
    at               TEXT NOT NULL,
    author           TEXT NOT NULL,
    environment_id   INTEGER REFERENCES environments (id) ON DELETE SET NULL,
    environment_name TEXT,
    action           TEXT NOT NULL,
    detail           TEXT NOT NULL
) STRICT;
CREATE INDEX activity_by_environment ON activity (environment_id, id);
