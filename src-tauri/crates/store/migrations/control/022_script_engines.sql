-- Package scripts are portable ('any') or written for one engine; a
-- package may carry the same file name once per engine.
CREATE TABLE release_scripts_new (
    release_id INTEGER NOT NULL REFERENCES releases (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('migration', 'check')),
    engine     TEXT NOT NULL DEFAULT 'any' CHECK (engine IN ('any', 'sqlite', 'postgresql')),
    name       TEXT NOT NULL,
    sql        TEXT NOT NULL,
    PRIMARY KEY (release_id, kind, engine, name)
) STRICT;
INSERT INTO release_scripts_new (release_id, kind, name, sql)
    SELECT release_id, kind, name, sql FROM release_scripts;
DROP TABLE release_scripts;
ALTER TABLE release_scripts_new RENAME TO release_scripts;

CREATE TABLE extension_scripts_new (
    extension_id INTEGER NOT NULL REFERENCES extensions (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('install', 'uninstall')),
    engine       TEXT NOT NULL DEFAULT 'any' CHECK (engine IN ('any', 'sqlite', 'postgresql')),
    name         TEXT NOT NULL,
    sql          TEXT NOT NULL,
    PRIMARY KEY (extension_id, kind, engine, name)
) STRICT;
INSERT INTO extension_scripts_new (extension_id, kind, name, sql)
    SELECT extension_id, kind, name, sql FROM extension_scripts;
DROP TABLE extension_scripts;
ALTER TABLE extension_scripts_new RENAME TO extension_scripts;
