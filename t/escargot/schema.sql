-- Escargot's two tables that mod_passport reads and writes, for the test
-- double (t/escargot/double.py, t/35-escargot.t). Written from the facts
-- of Escargot's source (subpurple/escargot 1f5a190: core/db.py
-- User 40-61 and LoginToken 128-135; every column NOT NULL unless it says
-- nullable, no DEFAULT clauses: the defaults are Python-side). The types
-- are the DDL SQLAlchemy 1.4 emits for SQLite; JSONType is TEXT there.
-- The column order of a real database may differ, which no query here
-- depends on.

CREATE TABLE t_user (
    front_data TEXT NOT NULL,
    id INTEGER NOT NULL,
    date_created DATETIME NOT NULL,
    date_login DATETIME,
    uuid VARCHAR NOT NULL,
    email VARCHAR NOT NULL,
    username VARCHAR NOT NULL,
    verified BOOLEAN NOT NULL,
    name VARCHAR,
    name_last_modified DATETIME NOT NULL,
    friendly_name VARCHAR NOT NULL,
    message VARCHAR,
    message_last_modified DATETIME NOT NULL,
    password VARCHAR NOT NULL,
    groups TEXT NOT NULL,
    settings TEXT NOT NULL,
    PRIMARY KEY (id),
    UNIQUE (uuid)
);
CREATE UNIQUE INDEX email_ci_index ON t_user (LOWER(email));
CREATE UNIQUE INDEX username_ci_index ON t_user (LOWER(username));

-- No unique constraint and no index on token (core/db.py:128-135,
-- migrations/008.py): Escargot's reader fails on a duplicate.
CREATE TABLE t_login_token (
    id INTEGER NOT NULL,
    token VARCHAR NOT NULL,
    purpose VARCHAR NOT NULL,
    data TEXT NOT NULL,
    expiry DATETIME NOT NULL,
    PRIMARY KEY (id)
);
