INSERT INTO platform_meta (key, value) VALUES ('hotfix_10_0_3', 'applied')
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;
