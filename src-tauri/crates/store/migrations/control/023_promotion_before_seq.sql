-- Production's newest changelog entry when a promotion locked it: a plan
-- that committed has written entries after it, so a failure or a crash
-- can tell whether production needs restoring at all.
ALTER TABLE promotions ADD COLUMN before_seq INTEGER;
