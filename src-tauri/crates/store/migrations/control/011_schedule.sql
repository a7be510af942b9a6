-- Scheduling: each account's calendar settings, the production
-- upgrades it has scheduled, their reminders, and who is told what.
CREATE TABLE calendar_settings (
    account_id INTEGER PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    -- JSON of cutover_core::schedule::CalendarSettings.
    settings   TEXT NOT NULL
) STRICT;

CREATE TABLE upgrade_plans (
    id               INTEGER PRIMARY KEY,
    account_id       INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    release_id       INTEGER NOT NULL REFERENCES releases (id) ON DELETE CASCADE,
    wave             TEXT,
    window_start     TEXT NOT NULL,
    window_end       TEXT NOT NULL,
    uat_refresh      TEXT,
    uat_start        TEXT,
    uat_end          TEXT,
    sandbox_deadline TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    created_by       TEXT NOT NULL,
    -- Rescheduling replaces a plan: the old one is kept, marked replaced.
    status           TEXT NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'replaced', 'cancelled'))
) STRICT;
-- One scheduled production upgrade per release and account.
CREATE UNIQUE INDEX upgrade_plans_current ON upgrade_plans (account_id, release_id) WHERE status = 'scheduled';

CREATE TABLE reminders (
    id         INTEGER PRIMARY KEY,
    plan_id    INTEGER NOT NULL REFERENCES upgrade_plans (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('upgrade_tomorrow', 'uat_ending', 'sandbox_deadline')),
    due_at     TEXT NOT NULL,
    -- Set in the same transaction as the inbox notice it files: a reminder
    -- fires exactly once, also across restarts.
    fired_at   TEXT,
    late       INTEGER NOT NULL DEFAULT 0 CHECK (late IN (0, 1)),
    notice_id  INTEGER REFERENCES inbox (id),
    UNIQUE (plan_id, kind)
) STRICT;
CREATE INDEX reminders_due ON reminders (due_at) WHERE fired_at IS NULL;

-- Who is told about what (seed 000: opt-in per category). An admin of this
-- desktop or an outside contact.
CREATE TABLE recipients (
    id           INTEGER PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    email        TEXT,
    admin_id     INTEGER REFERENCES admins (id) ON DELETE CASCADE,
    upgrade_info INTEGER NOT NULL DEFAULT 1 CHECK (upgrade_info IN (0, 1)),
    system_health INTEGER NOT NULL DEFAULT 1 CHECK (system_health IN (0, 1)),
    reminders    INTEGER NOT NULL DEFAULT 1 CHECK (reminders IN (0, 1)),
    UNIQUE (account_id, name)
) STRICT;
