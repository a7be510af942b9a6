-- Project codes are unique per account: nothing to change in the schema;
-- the platform meta records the data version.
INSERT INTO platform_meta (key, value) VALUES ('data_version', '10.0.1')
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;
