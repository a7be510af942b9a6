-- The in-app inbox: what Cutover told the admins (a promotion's outcome),
-- kept even when the desktop notification could not be shown.
CREATE TABLE inbox (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    read       INTEGER NOT NULL DEFAULT 0 CHECK (read IN (0, 1)),
    -- Whether the desktop shell has shown it yet: it delivers pending ones.
    desktop    TEXT NOT NULL DEFAULT 'pending' CHECK (desktop IN ('pending', 'shown', 'failed')),
    -- Why the desktop notification was not shown; NULL when it was (or is pending).
    undelivered TEXT
) STRICT;
