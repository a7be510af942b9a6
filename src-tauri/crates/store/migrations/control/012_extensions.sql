-- Extension packages imported into an account's catalog.
CREATE TABLE extensions (
    id             INTEGER PRIMARY KEY,
    account_id     INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    version        TEXT NOT NULL,
    version_key    TEXT NOT NULL,
    -- The verified extension.json.
    manifest       TEXT NOT NULL,
    package_sha256 TEXT NOT NULL,
    signer         TEXT NOT NULL,
    imported_at    TEXT NOT NULL,
    imported_by    TEXT NOT NULL,
    UNIQUE (account_id, name, version_key)
) STRICT;

CREATE TABLE extension_scripts (
    extension_id INTEGER NOT NULL REFERENCES extensions (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('install', 'uninstall')),
    name         TEXT NOT NULL,
    sql          TEXT NOT NULL,
    PRIMARY KEY (extension_id, kind, name)
) STRICT;
