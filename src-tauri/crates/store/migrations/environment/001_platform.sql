-- The platform schema of one environment (DESIGN section 3): app
-- definitions, and one record table per defined table, named rec_<table id>,
-- whose columns are f_<field id>. Ids survive renames.
CREATE TABLE platform_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE platform_apps (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE
) STRICT;

CREATE TABLE platform_tables (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE
) STRICT;

-- A table may belong to several apps (a shared "Employees" table).
CREATE TABLE platform_app_tables (
    app_id   INTEGER NOT NULL REFERENCES platform_apps (id) ON DELETE CASCADE,
    table_id INTEGER NOT NULL REFERENCES platform_tables (id) ON DELETE CASCADE,
    PRIMARY KEY (app_id, table_id)
) STRICT;

CREATE TABLE platform_fields (
    id         INTEGER PRIMARY KEY,
    table_id   INTEGER NOT NULL REFERENCES platform_tables (id) ON DELETE CASCADE,
    name       TEXT NOT NULL COLLATE NOCASE,
    -- JSON of cutover_core::definitions::FieldType.
    field_type TEXT NOT NULL,
    position   INTEGER NOT NULL,
    UNIQUE (table_id, name)
) STRICT;

CREATE TABLE platform_views (
    id        INTEGER PRIMARY KEY,
    app_id    INTEGER NOT NULL REFERENCES platform_apps (id) ON DELETE CASCADE,
    table_id  INTEGER NOT NULL REFERENCES platform_tables (id) ON DELETE CASCADE,
    name      TEXT NOT NULL COLLATE NOCASE,
    -- JSON array of field ids, in display order.
    field_ids TEXT NOT NULL,
    UNIQUE (app_id, name)
) STRICT;
