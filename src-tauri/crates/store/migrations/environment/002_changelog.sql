-- Views may filter their records; JSON of cutover_core::change::ViewFilter.
ALTER TABLE platform_views ADD COLUMN filter TEXT;

-- Every definition change made in this environment, in order (DESIGN
-- section 2). Entities are named by id so that a rename never breaks the
-- history; `before` and `after` are JSON of the entity's definition.
CREATE TABLE platform_changelog (
    seq         INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    author      TEXT NOT NULL,
    entity_kind TEXT NOT NULL CHECK (entity_kind IN ('app', 'table', 'field', 'view')),
    entity_id   INTEGER NOT NULL,
    entity_name TEXT NOT NULL,
    action      TEXT NOT NULL,
    before      TEXT,
    after       TEXT
) STRICT;
CREATE INDEX changelog_by_author ON platform_changelog (author, seq);
CREATE INDEX changelog_by_kind ON platform_changelog (entity_kind, action, seq);
CREATE INDEX changelog_by_action ON platform_changelog (action, seq);
CREATE INDEX changelog_by_at ON platform_changelog (at);

-- The apps an entry concerns (a shared table's field concerns every app the
-- table belongs to), so that filtering by app uses an index.
CREATE TABLE platform_changelog_apps (
    app_id INTEGER NOT NULL,
    seq    INTEGER NOT NULL REFERENCES platform_changelog (seq) ON DELETE CASCADE,
    PRIMARY KEY (app_id, seq)
) WITHOUT ROWID;
CREATE INDEX changelog_apps_by_seq ON platform_changelog_apps (seq, app_id);
