-- On an account whose environments are on a server, an integration can
-- name the database role its application writes with. Pausing it takes
-- that role's login and write privileges; `role_hold` records exactly
-- what was taken (JSON), written before it is taken and cleared once it
-- is given back, so a resume after a crash gives back the same.
ALTER TABLE integrations ADD COLUMN db_role TEXT;
ALTER TABLE integrations ADD COLUMN role_hold TEXT;
