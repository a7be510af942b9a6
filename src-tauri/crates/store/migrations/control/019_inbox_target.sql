-- The place a notice is about (a JSON `Target`: a release, a run, a UAT
-- cycle, production's promotions...), for the inbox to open it. NULL for
-- notices about nothing in particular and for those filed before.
ALTER TABLE inbox ADD COLUMN target TEXT;
