-- The release scripts (migrations) applied to this environment, each
-- recorded in the transaction that ran it: an upgrade step that is run
-- again after an interruption skips what is already applied.
CREATE TABLE platform_applied_scripts (
    release    TEXT NOT NULL,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL,
    PRIMARY KEY (release, name)
) STRICT;
