-- The same step in PostgreSQL's own dialect (the cast would not parse on
-- SQLite): each engine runs the scripts of its folder.
INSERT INTO platform_meta (key, value) VALUES ('data_version', '10.0.2'::text)
    ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value;
