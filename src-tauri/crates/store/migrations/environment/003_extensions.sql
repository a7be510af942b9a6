-- Extensions installed in this environment. Kept in the store, not
-- the control database, so copies, backups and restores carry them; the
-- uninstall scripts are kept too, so an extension can always be removed.
CREATE TABLE platform_extensions (
    name            TEXT PRIMARY KEY,
    version         TEXT NOT NULL,
    platform_from   TEXT NOT NULL,
    platform_before TEXT,
    -- JSON arrays: names, definitions added, [file, SQL] pairs.
    depends_on      TEXT NOT NULL,
    adds            TEXT NOT NULL,
    uninstall       TEXT NOT NULL,
    installed_at    TEXT NOT NULL,
    installed_by    TEXT NOT NULL
) STRICT;
