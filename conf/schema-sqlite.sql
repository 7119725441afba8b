-- mod_passport account table, SQLite (the embedded default).
-- PassportAccountQuery's default reads it:
--   SELECT password_hash, puid FROM passport_accounts WHERE signin = %s
-- signin is stored lower-cased; puid is the account's 64-bit Passport
-- Unique ID; cid (optional) the 64-bit Windows Live CID.
CREATE TABLE IF NOT EXISTS passport_accounts (
    signin        TEXT    NOT NULL UNIQUE,
    password_hash TEXT    NOT NULL,
    puid          INTEGER NOT NULL UNIQUE,
    cid           INTEGER UNIQUE,
    created       INTEGER NOT NULL DEFAULT (strftime('%s', 'now'))
);
