-- Where an account's environments live: NULL on this computer (SQLite files
-- in the data folder), or the JSON of the PostgreSQL server it uses (host,
-- port, database, user, TLS; never a password). `remembered` says whether
-- the password is in the system's secret store.
ALTER TABLE accounts ADD COLUMN server TEXT;
ALTER TABLE accounts ADD COLUMN server_remembered INTEGER NOT NULL DEFAULT 0;

-- The account a kept backup came from, so that purging it reaches the
-- backend that holds it (NULL for backups kept before: this computer's).
ALTER TABLE kept_backups ADD COLUMN account_id INTEGER;
