-- UAT cycles (seeds 000 and 001): one per account and minor or major
-- release, whatever its schedule's dates (a reschedule moves them; the
-- cases, issues and history stay).
CREATE TABLE uat_cycles (
    id                  INTEGER PRIMARY KEY,
    account_id          INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    release_id          INTEGER NOT NULL REFERENCES releases (id) ON DELETE CASCADE,
    created_at          TEXT NOT NULL,
    signed_off_at       TEXT,
    signed_off_by       TEXT,
    -- Production cleared without a sign-off: why, by whom, when.
    override_reason     TEXT,
    override_by         TEXT,
    override_at         TEXT,
    -- A critical issue's decision put production off with no date.
    delayed_until_fixed INTEGER NOT NULL DEFAULT 0 CHECK (delayed_until_fixed IN (0, 1)),
    UNIQUE (account_id, release_id)
) STRICT;

-- The account's own regression cases, copied into every new cycle's plan.
CREATE TABLE uat_regression_cases (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    title      TEXT NOT NULL,
    steps      TEXT NOT NULL,
    area       TEXT NOT NULL,
    UNIQUE (account_id, title)
) STRICT;

CREATE TABLE uat_cases (
    id            INTEGER PRIMARY KEY,
    cycle_id      INTEGER NOT NULL REFERENCES uat_cycles (id) ON DELETE CASCADE,
    title         TEXT NOT NULL,
    steps         TEXT NOT NULL,
    area          TEXT NOT NULL,
    origin        TEXT NOT NULL CHECK (origin IN ('note', 'regression', 'manual')),
    note_id       INTEGER REFERENCES release_notes (id) ON DELETE SET NULL,
    regression_id INTEGER REFERENCES uat_regression_cases (id) ON DELETE SET NULL,
    tester        TEXT NOT NULL DEFAULT '',
    result        TEXT NOT NULL DEFAULT 'not_run' CHECK (result IN ('not_run', 'passed', 'failed', 'blocked', 'waived')),
    reason        TEXT NOT NULL DEFAULT '',
    notes         TEXT NOT NULL DEFAULT '',
    run_at        TEXT,
    run_by        TEXT,
    UNIQUE (cycle_id, note_id),
    UNIQUE (cycle_id, regression_id)
) STRICT;
CREATE INDEX uat_cases_by_cycle ON uat_cases (cycle_id, id);

-- Files attached to a case, copied into <data dir>/evidence/<sha256>.
CREATE TABLE uat_evidence (
    id         INTEGER PRIMARY KEY,
    case_id    INTEGER NOT NULL REFERENCES uat_cases (id) ON DELETE CASCADE,
    file_name  TEXT NOT NULL,
    sha256     TEXT NOT NULL,
    bytes      INTEGER NOT NULL,
    image_type TEXT,
    added_at   TEXT NOT NULL,
    added_by   TEXT NOT NULL
) STRICT;
CREATE INDEX uat_evidence_by_case ON uat_evidence (case_id);

-- Seed 001's "Upgrade Issue" tickets.
CREATE TABLE uat_issues (
    id         INTEGER PRIMARY KEY,
    cycle_id   INTEGER NOT NULL REFERENCES uat_cycles (id) ON DELETE CASCADE,
    title      TEXT NOT NULL,
    detail     TEXT NOT NULL,
    area       TEXT NOT NULL,
    severity   TEXT NOT NULL CHECK (severity IN ('critical', 'high', 'medium', 'low')),
    status     TEXT NOT NULL CHECK (status IN ('open', 'workaround', 'waiting_for_hotfix', 'retest', 'fixed', 'closed')),
    note_id    INTEGER REFERENCES release_notes (id) ON DELETE SET NULL,
    raised_at  TEXT NOT NULL,
    raised_by  TEXT NOT NULL,
    -- JSON of cutover_core::uat::IssueDecision.
    decision   TEXT,
    decided_at TEXT,
    decided_by TEXT
) STRICT;
CREATE INDEX uat_issues_by_cycle ON uat_issues (cycle_id, id);

CREATE TABLE uat_issue_cases (
    issue_id INTEGER NOT NULL REFERENCES uat_issues (id) ON DELETE CASCADE,
    case_id  INTEGER NOT NULL REFERENCES uat_cases (id) ON DELETE CASCADE,
    PRIMARY KEY (issue_id, case_id)
) STRICT;

-- What happened in the cycle: check-ins, decisions, sign-off, retests.
CREATE TABLE uat_history (
    id       INTEGER PRIMARY KEY,
    cycle_id INTEGER NOT NULL REFERENCES uat_cycles (id) ON DELETE CASCADE,
    at       TEXT NOT NULL,
    author   TEXT NOT NULL,
    text     TEXT NOT NULL,
    -- SHA-256 chaining it to the cycle's entry before (people/chain.rs).
    hash     TEXT
) STRICT;
CREATE INDEX uat_history_by_cycle ON uat_history (cycle_id, id);

-- Minor and major releases scheduled before this migration get their cycle.
INSERT INTO uat_cycles (account_id, release_id, created_at)
SELECT p.account_id, p.release_id, p.created_at
FROM upgrade_plans p JOIN releases r ON r.id = p.release_id
WHERE p.status = 'scheduled' AND r.release_type IN ('minor', 'major');

-- Reminders of the UAT cycle: the refresh day, and a check-in each week
-- of the window (the n-th of a kind is `seq`).
CREATE TABLE reminders_v18 (
    id         INTEGER PRIMARY KEY,
    plan_id    INTEGER NOT NULL REFERENCES upgrade_plans (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('upgrade_tomorrow', 'uat_ending', 'sandbox_deadline',
                   'uat_refresh', 'uat_check_in')),
    seq        INTEGER NOT NULL DEFAULT 0,
    due_at     TEXT NOT NULL,
    -- Set in the same transaction as the inbox notice it files: a reminder
    -- fires exactly once, also across restarts.
    fired_at   TEXT,
    late       INTEGER NOT NULL DEFAULT 0 CHECK (late IN (0, 1)),
    notice_id  INTEGER REFERENCES inbox (id),
    UNIQUE (plan_id, kind, seq)
) STRICT;
INSERT INTO reminders_v18 (id, plan_id, kind, seq, due_at, fired_at, late, notice_id)
SELECT id, plan_id, kind, 0, due_at, fired_at, late, notice_id FROM reminders;
DROP TABLE reminders;
ALTER TABLE reminders_v18 RENAME TO reminders;
CREATE INDEX reminders_due ON reminders (due_at) WHERE fired_at IS NULL;

-- The activity log is chained too; entries from before have no hash.
ALTER TABLE activity ADD COLUMN hash TEXT;

-- Notices carry their category and account, so the desktop shows each only
-- to an admin who opted in to it for that account (seed 000).
ALTER TABLE inbox ADD COLUMN category TEXT NOT NULL DEFAULT 'system_health'
    CHECK (category IN ('upgrade_info', 'system_health', 'reminders'));
ALTER TABLE inbox ADD COLUMN account_id INTEGER REFERENCES accounts (id) ON DELETE SET NULL;
UPDATE inbox SET category = 'reminders' WHERE id IN (SELECT notice_id FROM reminders);
