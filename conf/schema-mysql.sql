-- mod_passport account table, MySQL / MariaDB.
-- PassportAccountQuery's default reads it:
--   SELECT password_hash, puid FROM passport_accounts WHERE signin = %s
-- signin is stored lower-cased; puid is the account's 64-bit Passport
-- Unique ID; cid (optional) the 64-bit Windows Live CID.
CREATE TABLE IF NOT EXISTS passport_accounts (
    signin        VARCHAR(255) NOT NULL UNIQUE,
    password_hash VARCHAR(255) NOT NULL,
    puid          BIGINT       NOT NULL UNIQUE,
    cid           BIGINT       UNIQUE,
    created       TIMESTAMP    NOT NULL DEFAULT CURRENT_TIMESTAMP
);
