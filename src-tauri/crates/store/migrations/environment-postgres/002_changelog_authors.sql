-- Entries per author, kept by the statement that writes each entry
-- (postgres/changelog.rs), so that the changelog's summary need not count
-- a large changelog. Rerunning this recounts: a copy's schema_version
-- is its source's, and an older store is brought up to date when opened.
CREATE TABLE IF NOT EXISTS platform_changelog_authors (
    author  text PRIMARY KEY,
    entries bigint NOT NULL CHECK (entries >= 0)
);
DELETE FROM platform_changelog_authors;
INSERT INTO platform_changelog_authors (author, entries)
    SELECT author, count(*) FROM platform_changelog GROUP BY author;
