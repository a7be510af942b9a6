-- Each author's entries are kept by the changelog's own triggers, so the
-- counts are exact whoever writes the changelog (Cutover, a package
-- script, another application) and a page can be read from either end.
-- The triggers name the schema they fire in: the function works after the
-- schema is renamed, whatever the writer's search path. Rerunning this
-- recounts.
CREATE OR REPLACE FUNCTION platform_changelog_counted() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
    AS $counted$ BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            EXECUTE format('UPDATE %I.platform_changelog_authors t SET entries = t.entries - o.n
                            FROM (SELECT author, count(*) AS n FROM old_entries GROUP BY author) o
                            WHERE t.author = o.author', TG_TABLE_SCHEMA);
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            EXECUTE format('INSERT INTO %I.platform_changelog_authors AS t (author, entries)
                            SELECT author, count(*) FROM new_entries GROUP BY author
                            ON CONFLICT (author) DO UPDATE SET entries = t.entries + excluded.entries',
                           TG_TABLE_SCHEMA);
        END IF;
        IF TG_OP = 'TRUNCATE' THEN
            EXECUTE format('DELETE FROM %I.platform_changelog_authors', TG_TABLE_SCHEMA);
        END IF;
        RETURN NULL;
    END $counted$;
DROP TRIGGER IF EXISTS platform_changelog_added ON platform_changelog;
DROP TRIGGER IF EXISTS platform_changelog_removed ON platform_changelog;
DROP TRIGGER IF EXISTS platform_changelog_changed ON platform_changelog;
DROP TRIGGER IF EXISTS platform_changelog_emptied ON platform_changelog;
CREATE TRIGGER platform_changelog_added AFTER INSERT ON platform_changelog
    REFERENCING NEW TABLE AS new_entries
    FOR EACH STATEMENT EXECUTE FUNCTION platform_changelog_counted();
CREATE TRIGGER platform_changelog_removed AFTER DELETE ON platform_changelog
    REFERENCING OLD TABLE AS old_entries
    FOR EACH STATEMENT EXECUTE FUNCTION platform_changelog_counted();
CREATE TRIGGER platform_changelog_changed AFTER UPDATE ON platform_changelog
    REFERENCING OLD TABLE AS old_entries NEW TABLE AS new_entries
    FOR EACH STATEMENT EXECUTE FUNCTION platform_changelog_counted();
CREATE TRIGGER platform_changelog_emptied AFTER TRUNCATE ON platform_changelog
    FOR EACH STATEMENT EXECUTE FUNCTION platform_changelog_counted();
DELETE FROM platform_changelog_authors;
INSERT INTO platform_changelog_authors (author, entries)
    SELECT author, count(*) FROM platform_changelog GROUP BY author;
