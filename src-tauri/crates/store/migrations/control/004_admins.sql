-- The admins of this desktop. Backups (and later every operation) record
-- their author by name, so history stays readable if an admin is removed.
CREATE TABLE admins (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
    role       TEXT NOT NULL CHECK (role IN ('super_admin', 'app_admin')),
    created_at TEXT NOT NULL
) STRICT;

ALTER TABLE backups ADD COLUMN author TEXT NOT NULL DEFAULT '';
