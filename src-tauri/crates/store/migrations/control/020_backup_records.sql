-- How many records a backup holds, counted from the file when it is taken
-- (NULL for backups taken before it was counted): the history of an
-- environment's size and record count is read from its backups.
ALTER TABLE backups ADD COLUMN records INTEGER;
