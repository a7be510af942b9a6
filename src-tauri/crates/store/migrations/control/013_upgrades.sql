-- Upgrade runs (DESIGN section 4). A run is open while
-- `finished_at` is NULL; one open run per environment. A run found in
-- 'data_upgrade' at start-up was interrupted during downtime: the
-- environment is restored from `restore_backup_id` before anything else.
CREATE TABLE upgrade_runs (
    id                INTEGER PRIMARY KEY,
    environment_id    INTEGER NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
    release_id        INTEGER NOT NULL REFERENCES releases (id),
    from_version      TEXT NOT NULL,
    to_version        TEXT NOT NULL,
    author            TEXT NOT NULL,
    state             TEXT NOT NULL CHECK (state IN ('preparing', 'packages', 'data_upgrade', 'failed',
                          'validating', 'committed', 'rolled_back', 'cancelled', 'expired')),
    -- The data-upgrade step running, or the one that failed.
    step              TEXT,
    started_at        TEXT NOT NULL,
    -- The parallel copy's store key; NULL once it is deleted.
    copy_key          TEXT,
    copy_percent      INTEGER NOT NULL DEFAULT 0,
    copy_ms           INTEGER,
    -- JSON array of cutover_core::upgrade::UpgradePackage.
    packages          TEXT NOT NULL,
    data_started_at   TEXT,
    data_finished_at  TEXT,
    window_end        TEXT,
    restore_backup_id INTEGER REFERENCES backups (id) ON DELETE SET NULL,
    resumable         INTEGER NOT NULL DEFAULT 0,
    reason            TEXT,
    -- JSON array of the post-upgrade actions ticked off after a commit.
    actions_done      TEXT NOT NULL DEFAULT '[]',
    finished_at       TEXT
) STRICT;
CREATE UNIQUE INDEX upgrade_runs_one_open ON upgrade_runs (environment_id) WHERE finished_at IS NULL;

CREATE TABLE upgrade_log (
    id      INTEGER PRIMARY KEY,
    run_id  INTEGER NOT NULL REFERENCES upgrade_runs (id) ON DELETE CASCADE,
    at      TEXT NOT NULL,
    message TEXT NOT NULL
) STRICT;
CREATE INDEX upgrade_log_by_run ON upgrade_log (run_id, id);

-- The upgrade run that paused an integration and will resume it.
ALTER TABLE integrations ADD COLUMN paused_by_upgrade INTEGER REFERENCES upgrade_runs (id) ON DELETE SET NULL;
