-- External systems connected to an environment (a CRM sync, a webhook).
-- They must not run while a promotion changes the environment: a promotion
-- pauses the active ones and resumes exactly those afterwards.
CREATE TABLE integrations (
    id             INTEGER PRIMARY KEY,
    environment_id INTEGER NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
    name           TEXT NOT NULL COLLATE NOCASE,
    kind           TEXT NOT NULL CHECK (kind IN ('crm_sync', 'webhook', 'data_feed', 'other')),
    active         INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    -- The promotion that paused it and will resume it.
    paused_by      INTEGER REFERENCES promotions (id) ON DELETE SET NULL,
    UNIQUE (environment_id, name)
) STRICT;
