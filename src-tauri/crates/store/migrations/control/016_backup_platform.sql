-- The platform a backup holds, read from its file when it was taken, so a
-- restore across a version change can say so first and the list can show
-- it. NULL for backups taken before: their file is read instead.
ALTER TABLE backups ADD COLUMN platform_version TEXT;
ALTER TABLE backups ADD COLUMN extensions TEXT;
