-- Backups record the SHA-256 of their file when taken, and why the last
-- verification failed (NULL when it passed). `path` is relative to the data
-- directory.
ALTER TABLE backups ADD COLUMN sha256 TEXT NOT NULL DEFAULT '';
ALTER TABLE backups ADD COLUMN problem TEXT;
