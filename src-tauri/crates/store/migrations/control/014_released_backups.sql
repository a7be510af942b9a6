-- A guard backup whose operation is settled (the restore point of an
-- upgrade that was committed) is released: from then on it is kept under
-- the backup retention like a manual backup, not forever.
ALTER TABLE backups ADD COLUMN released_at TEXT;
