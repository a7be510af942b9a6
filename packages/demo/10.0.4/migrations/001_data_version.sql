INSERT INTO platform_meta (key, value) VALUES ('data_version', '10.0.4')
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;
