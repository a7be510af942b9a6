-- What is kept aside when an environment or an account is deleted, so that
-- a mistaken deletion can be undone, and so that the Storage view can list
-- it with where it came from and purge it (by hand, or after retention).

-- The backups of a deleted environment. Their rows leave `backups` with the
-- environment (ON DELETE CASCADE); they are copied here first, in the same
-- transaction, so their files stay recorded and are not taken for leftovers.
CREATE TABLE kept_backups (
    id               INTEGER PRIMARY KEY,
    path             TEXT NOT NULL UNIQUE,
    account_name     TEXT NOT NULL,
    environment_name TEXT NOT NULL,
    taken_at         TEXT NOT NULL,
    reason           TEXT NOT NULL,
    size_bytes       INTEGER NOT NULL,
    sha256           TEXT NOT NULL,
    platform_version TEXT,
    kept_at          TEXT NOT NULL
) STRICT;

-- A store taken out of service with its environment: its file in `retired/`
-- is `<store_key>-<stamp>.sqlite`. No foreign key: the account may be gone.
CREATE TABLE retired_stores (
    store_key        TEXT PRIMARY KEY,
    account_id       INTEGER NOT NULL,
    account_name     TEXT NOT NULL,
    environment_name TEXT NOT NULL,
    kind             TEXT NOT NULL,
    version          TEXT NOT NULL,
    retired_at       TEXT NOT NULL
) STRICT;
