INSERT INTO platform_meta (key, value) VALUES ('data_version', '10.0.2')
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;
