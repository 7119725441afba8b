/*
 * passport_admin.c - passport-admin, the operator's command-line tool. Built from
 * the same core library as the module; reaches the account database
 * through APR DBD with mod_dbd's driver names (sqlite3, pgsql, mysql).
 */
#include "pp_hash.h"
#include "pp_keys.h"
#include "pp_keyfile.h"
#include "pp_p14.h"
#include "pp_str.h"
#include "pp_ticket.h"
#include "pp_mbi.h"
#include "pp_verify.h"
#include "pp_x509.h"
#include "pp_b64.h"

#include <apr_general.h>
#include <apr_strings.h>
#include <apr_file_io.h>
#include <apr_dbd.h>
#include <apr_lib.h>
#include <apr_md5.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    apr_pool_t *pool;
    const char *driver_name;
    const char *params;
    const char *hash_format;
    const char *puid;
    int rotate;
    int stage;
    int promote;
    const char *key_file;
    const char *realm;
    const char *audience;         /* the first --audience */
    apr_array_header_t *audiences; /* every --audience (issue) */
    int shared;                   /* --shared: issue a version 2 ticket */
    const char *nonce;
    const char *mbi;
    const char *secret;
    const char *signin;
    const char *issued;
    const char *lifetime;
    int amsn;
    const char *cn;
    const char *days;
    const apr_dbd_driver_t *driver;
    apr_dbd_t *handle;
} admin_t;

static const char *SCHEMA_SQLITE =
    "CREATE TABLE IF NOT EXISTS passport_accounts (\n"
    "    signin        TEXT    NOT NULL UNIQUE,\n"
    "    password_hash TEXT    NOT NULL,\n"
    "    puid          INTEGER NOT NULL UNIQUE,\n"
    "    cid           INTEGER UNIQUE,\n"
    "    created       INTEGER NOT NULL DEFAULT (strftime('%s', 'now'))\n"
    ");\n";
static const char *SCHEMA_PGSQL =
    "CREATE TABLE IF NOT EXISTS passport_accounts (\n"
    "    signin        TEXT    NOT NULL UNIQUE,\n"
    "    password_hash TEXT    NOT NULL,\n"
    "    puid          BIGINT  NOT NULL UNIQUE,\n"
    "    cid           BIGINT  UNIQUE,\n"
    "    created       TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()\n"
    ");\n";

static void usage(FILE *f)
{
    fprintf(f,
"usage: passport-admin [-d DRIVER] [-p PARAMS] COMMAND [ARGS]\n"
"       passport-admin -h | --help\n"
"\n"
"  -d, --driver DRIVER  APR DBD driver, as mod_dbd's DBDriver (default\n"
"                       sqlite3; also pgsql, mysql)\n"
"  -p, --params PARAMS  as mod_dbd's DBDParams (for sqlite3: the database\n"
"                       file)\n"
"  -h, --help           print this help\n"
"Options may come before or after the command. See passport-admin(8).\n"
"\n"
"commands:\n"
"  schema [--print]         create the passport_accounts table\n"
"  add SIGNIN [--puid N] [--hash bcrypt|pbkdf2|sha1]\n"
"                           add an account; the password is read from\n"
"                           the terminal (no echo) or one line of stdin\n"
"  passwd SIGNIN [--hash F] set an account's password (same input)\n"
"  remove SIGNIN            remove an account\n"
"  list                     list sign-in names and PUIDs\n"
"  keygen FILE [--rotate | --stage | --promote]\n"
"                           write a new key file (mode 0600); with\n"
"                           --rotate, put a new first key before the\n"
"                           existing ones; with --stage, add a new key\n"
"                           at the end (it verifies, seals nothing);\n"
"                           with --promote, make that staged key the\n"
"                           first (it seals from then on): a rotation\n"
"                           across several servers loses no ticket\n"
"  ticket verify TICKET --key-file F [--realm R] [--audience A]\n"
"         [--nonce N --mbi BLOB]\n"
"                           verify a ticket (or t=...&p=...) offline, as a\n"
"                           messenger server would; with a nonce and the\n"
"                           client's MBI blob, check that too. Exit 0 when\n"
"                           valid. Prints the fields and the MBI secret.\n"
"  mbi-blob --secret B64 --nonce N [--amsn]\n"
"                           compute a client's MBI_KEY_OLD answer (testing;\n"
"                           --amsn pads as aMSN does, else as libpurple)\n"
"  ca-create CERT KEY [--cn NAME] [--days N]\n"
"                           a new CA for p2pslc certificates (RSA 2048,\n"
"                           PEM; the key file gets mode 0600)\n"
"  issue --key-file F --signin NAME --puid N --audience A [--audience B ...]\n"
"        [--shared] [--realm R] [--issued UNIXTIME] [--lifetime SECONDS]\n"
"                           seal a ticket offline (testing a messenger\n"
"                           server); prints t=...&p=... Several --audience,\n"
"                           or --shared, make a shared (version 2) ticket\n");
}

static int fail(const char *fmt, const char *a)
{
    fprintf(stderr, "passport-admin: ");
    fprintf(stderr, fmt, a);
    fprintf(stderr, "\n");
    return 1;
}

static const char *SCHEMA_MYSQL =
    "CREATE TABLE IF NOT EXISTS passport_accounts (\n"
    "    signin        VARCHAR(255) NOT NULL UNIQUE,\n"
    "    password_hash VARCHAR(255) NOT NULL,\n"
    "    puid          BIGINT       NOT NULL UNIQUE,\n"
    "    cid           BIGINT       UNIQUE,\n"
    "    created       TIMESTAMP    NOT NULL DEFAULT CURRENT_TIMESTAMP\n"
    ");\n";

static const char *schema_of(const char *driver)
{
    if (strcmp(driver, "sqlite3") == 0)
        return SCHEMA_SQLITE;
    if (strcmp(driver, "pgsql") == 0)
        return SCHEMA_PGSQL;
    if (strcmp(driver, "mysql") == 0)
        return SCHEMA_MYSQL;
    return NULL;
}

/* Close the handle with the pool; main destroys that pool itself,
 * while the driver's DSO is still loaded. */
static apr_status_t db_close(void *data)
{
    admin_t *a = data;

    if (a->handle != NULL)
        apr_dbd_close(a->driver, a->handle);
    a->handle = NULL;
    return APR_SUCCESS;
}

static int db_open(admin_t *a)
{
    const char *err = NULL;
    apr_status_t rv;

    if (a->params == NULL)
        return fail("%s: -p PARAMS is required (e.g. -p /var/lib/passport."
                    "db for sqlite3)", a->driver_name);
    rv = apr_dbd_get_driver(a->pool, a->driver_name, &a->driver);
    if (rv != APR_SUCCESS)
        return fail("no APR DBD driver '%s' (for sqlite3 install "
                    "libaprutil1-dbd-sqlite3)", a->driver_name);
    rv = apr_dbd_open_ex(a->driver, a->pool, a->params, &a->handle, &err);
    if (rv != APR_SUCCESS)
        return fail("cannot open the database: %s", err ? err : "unknown");
    apr_pool_cleanup_register(a->pool, a, db_close, apr_pool_cleanup_null);
    return 0;
}

/* Run a statement with %s parameters (prepared, never spliced). */
static int db_exec(admin_t *a, const char *sql, int *nrows, ...)
{
    apr_dbd_prepared_t *stmt = NULL;
    va_list ap;
    int rv, n = 0;
    const char *args[4];
    int i = 0;

    va_start(ap, nrows);
    while (i < 4 && (args[i] = va_arg(ap, const char *)) != NULL)
        i++;
    va_end(ap);
    rv = apr_dbd_prepare(a->driver, a->pool, a->handle, sql, NULL, &stmt);
    if (rv == 0)
        rv = apr_dbd_pquery(a->driver, a->pool, a->handle, &n, stmt, i, args);
    if (rv != 0) {
        fprintf(stderr, "passport-admin: %s\n",
                apr_dbd_error(a->driver, a->handle, rv));
        return 1;
    }
    if (nrows)
        *nrows = n;
    return 0;
}

/* The password from the terminal (twice, no echo) or a line of stdin. */
static const char *read_password(admin_t *a)
{
    char buf[PP_P14_MAX_PWD + 2];
    apr_size_t n = sizeof(buf);
    size_t len;

    if (isatty(0)) {
        char again[sizeof(buf)];
        apr_size_t m = sizeof(again);

        if (apr_password_get("Password: ", buf, &n) != APR_SUCCESS
            || apr_password_get("Again: ", again, &m) != APR_SUCCESS)
            return NULL;
        if (strcmp(buf, again) != 0) {
            fprintf(stderr, "passport-admin: the passwords differ\n");
            return NULL;
        }
    }
    else if (fgets(buf, sizeof(buf), stdin) == NULL)
        return NULL;
    len = strlen(buf);
    while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
        buf[--len] = '\0';
    if (len == 0 || len > PP_P14_MAX_PWD) {
        fprintf(stderr, "passport-admin: the password must be 1 to %d "
                "bytes\n", PP_P14_MAX_PWD);
        return NULL;
    }
    return apr_pstrdup(a->pool, buf);
}

static const char *new_puid(admin_t *a)
{
    unsigned char b[8];
    apr_uint64_t v = 0;
    int i;

    if (RAND_bytes(b, sizeof(b)) != 1)
        return NULL;
    for (i = 0; i < 8; i++)
        v = v << 8 | b[i];
    v &= APR_UINT64_C(0x7fffffffffffffff);   /* positive in every SQL */
    return apr_psprintf(a->pool, "%" APR_UINT64_T_FMT, v | 1);
}

static int cmd_add(admin_t *a, const char *who, int update)
{
    const char *signin = pp_signin_normalize(a->pool, who), *pw, *hash;
    const char *err = NULL, *puid = a->puid;
    apr_uint64_t check;
    int n = 0;

    if (signin == NULL)
        return fail("'%s' is not a sign-in name (name@domain)", who);
    if (puid && !pp_parse_u64(puid, &check))
        return fail("--puid '%s' is not a 64-bit integer", puid);
    if ((pw = read_password(a)) == NULL)
        return fail("%s", "no password read");
    hash = pp_password_hash(a->pool, pw, a->hash_format, &err);
    if (hash == NULL)
        return fail("%s", err);
    if (db_open(a))
        return 1;
    if (update) {
        if (db_exec(a, "UPDATE passport_accounts SET password_hash = %s "
                    "WHERE signin = %s", &n, hash, signin, NULL))
            return 1;
        if (n == 0)
            return fail("no account '%s'", signin);
        printf("password set for %s\n", signin);
        return 0;
    }
    if (puid == NULL)
        puid = new_puid(a);
    /* parameters go as text: PostgreSQL wants the number cast, MySQL and
     * SQLite convert it themselves (and MySQL has no CAST AS BIGINT) */
    if (db_exec(a, strcmp(a->driver_name, "pgsql") == 0
                ? "INSERT INTO passport_accounts (signin, password_hash, puid) "
                  "VALUES (%s, %s, CAST(%s AS BIGINT))"
                : "INSERT INTO passport_accounts (signin, password_hash, puid) "
                  "VALUES (%s, %s, %s)", &n, signin, hash, puid, NULL))
        return 1;
    printf("added %s, PUID %s\n", signin, pp_hex16(a->pool,
           (pp_parse_u64(puid, &check), check)));
    return 0;
}

static int cmd_remove(admin_t *a, const char *who)
{
    const char *signin = pp_signin_normalize(a->pool, who);
    int n = 0;

    if (signin == NULL)
        return fail("'%s' is not a sign-in name (name@domain)", who);
    if (db_open(a) || db_exec(a, "DELETE FROM passport_accounts WHERE "
                              "signin = %s", &n, signin, NULL))
        return 1;
    if (n == 0)
        return fail("no account '%s'", signin);
    printf("removed %s\n", signin);
    return 0;
}

static int cmd_list(admin_t *a)
{
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    int rv;

    if (db_open(a))
        return 1;
    rv = apr_dbd_select(a->driver, a->pool, a->handle, &res,
                        "SELECT signin, puid FROM passport_accounts "
                        "ORDER BY signin", 0);
    if (rv != 0)
        return fail("%s", apr_dbd_error(a->driver, a->handle, rv));
    while ((rv = apr_dbd_get_row(a->driver, a->pool, res, &row, -1)) == 0) {
        apr_uint64_t puid = 0;
        const char *p = apr_dbd_get_entry(a->driver, row, 1);

        pp_parse_u64(p, &puid);
        printf("%s\t%s\n", apr_dbd_get_entry(a->driver, row, 0),
               pp_hex16(a->pool, puid));
    }
    return 0;
}

static int cmd_schema(admin_t *a, int print)
{
    const char *sql = schema_of(a->driver_name);
    int n = 0, rv;

    if (sql == NULL)
        return fail("no schema for driver '%s' (sqlite3, pgsql, mysql)",
                    a->driver_name);
    if (print) {
        fputs(sql, stdout);
        return 0;
    }
    if (db_open(a))
        return 1;
    /* APR's sqlite3 driver fails on whitespace after the last ';' */
    sql = apr_pstrndup(a->pool, sql, (apr_size_t)(strrchr(sql, ';') - sql + 1));
    if ((rv = apr_dbd_query(a->driver, a->handle, &n, sql)) != 0)
        return fail("%s", apr_dbd_error(a->driver, a->handle, rv));
    printf("schema ready\n");
    return 0;
}


/* The comment line keygen --stage writes before the key it adds, which
 * keygen --promote looks for. The module skips comment lines. */
#define STAGED_MARK "# staged by passport-admin keygen --stage: it verifies " \
    "tickets and seals none until keygen --promote"

/* Where a line of text starts and how long it is, its newline
 * included. */
typedef struct {
    const char *at;
    apr_size_t len;
} span_t;

/* Is this line (not NUL-ended) a key line, the STAGED_MARK, or neither
 * (blank or another comment)? As pp_keyring_parse reads lines. */
enum { LINE_OTHER, LINE_KEY, LINE_MARK };
static int line_kind(const span_t *l)
{
    const char *c = l->at, *end = l->at + l->len;

    while (c < end && apr_isspace(*c))
        c++;
    if (c == end)
        return LINE_OTHER;
    if (*c != '#')
        return LINE_KEY;
    return (apr_size_t)(end - c) >= strlen(STAGED_MARK)
           && strncmp(c, STAGED_MARK, strlen(STAGED_MARK)) == 0
           ? LINE_MARK : LINE_OTHER;
}

/* The lines of text, each with its newline (the last one may have
 * none). */
static apr_array_header_t *lines_of(apr_pool_t *p, const char *text)
{
    apr_array_header_t *lines = apr_array_make(p, 16, sizeof(span_t));

    while (*text) {
        const char *nl = strchr(text, '\n');
        span_t *l = apr_array_push(lines);

        l->at = text;
        l->len = nl ? (apr_size_t)(nl - text) + 1 : strlen(text);
        text += l->len;
    }
    return lines;
}

/* --promote: old with its staged key moved to the first line and the
 * STAGED_MARK dropped; NULL (and *err) when there is no staged key. */
static char *promoted(admin_t *a, const char *path, const char *old,
                      const char **err)
{
    apr_array_header_t *lines = lines_of(a->pool, old);
    span_t *l = (span_t *)lines->elts;
    int i, mark = -1, key = -1;
    apr_size_t len = 0, n;
    char *out;

    for (i = 0; i < lines->nelts && key < 0; i++) {
        int kind = line_kind(&l[i]);

        if (kind == LINE_MARK && mark < 0)
            mark = i;
        else if (kind == LINE_KEY && mark >= 0)
            key = i;
    }
    if (key < 0) {
        *err = apr_psprintf(a->pool, "'%s' has no staged key: add one with "
                            "keygen --stage first", path);
        return NULL;
    }
    for (i = 0; i < lines->nelts; i++)
        len += l[i].len;
    out = apr_palloc(a->pool, len + 2);
    memcpy(out, l[key].at, l[key].len);
    n = l[key].len;
    if (out[n - 1] != '\n')
        out[n++] = '\n';
    for (i = 0; i < lines->nelts; i++) {
        if (i == mark || i == key)
            continue;
        memcpy(out + n, l[i].at, l[i].len);
        n += l[i].len;
    }
    out[n] = '\0';
    return out;
}

/* A new key file; with --rotate a new first key before the old ones;
 * with --stage a new last key (after STAGED_MARK), which verifies on
 * every server that loads the file but seals nothing; with --promote
 * that staged key moved first. Written beside the file and renamed into
 * place: on any error the old file is untouched (pp_key_file_write).
 * Every copy of a key is wiped before returning. */
static int cmd_keygen(admin_t *a, const char *path)
{
    const char *err = NULL, *line = NULL, *done;
    char *old = NULL, *data = NULL;
    apr_size_t old_len = 0, len;
    int edit = a->rotate || a->stage || a->promote, ok;

    if (a->rotate + a->stage + a->promote > 1)
        return fail("%s", "keygen takes one of --rotate, --stage and "
                    "--promote");
    if (!a->promote && (line = pp_keyring_new_line(a->pool, &err)) == NULL)
        return fail("%s", err);
    if (edit) {
        pp_keyring_t *ring;

        if ((old = pp_key_file_read(a->pool, path, &old_len, &err)) == NULL)
            return fail("%s", err);
        /* only a file the module would load is changed */
        ring = pp_keyring_parse(a->pool, old, &err);
        if (ring == NULL)
            err = apr_psprintf(a->pool, "'%s': %s", path, err);
        else {
            pp_keyring_wipe(ring);
            if (line != NULL && old_len + strlen(line)
                                + strlen(STAGED_MARK) + 2 > PP_KEY_FILE_MAX)
                err = apr_psprintf(a->pool, "'%s' would grow over 64 KiB, "
                                   "more than the module loads: remove "
                                   "old keys first", path);
        }
        if (err == NULL && a->stage) {
            apr_array_header_t *lines = lines_of(a->pool, old);
            int i;

            for (i = 0; i < lines->nelts; i++)
                if (line_kind(&((span_t *)lines->elts)[i]) == LINE_MARK)
                    err = apr_psprintf(a->pool, "'%s' has a staged key "
                                       "already: keygen --promote it first",
                                       path);
        }
        if (err != NULL) {
            OPENSSL_cleanse(old, old_len);
            if (line != NULL)
                OPENSSL_cleanse((char *)line, strlen(line));
            return fail("%s", err);
        }
    }
    else if (access(path, F_OK) == 0) {
        OPENSSL_cleanse((char *)line, strlen(line));
        return fail("'%s' exists; use --rotate to add a new first key",
                    path);
    }
    if (a->promote) {
        if ((data = promoted(a, path, old, &err)) == NULL) {
            OPENSSL_cleanse(old, old_len);
            return fail("%s", err);
        }
        done = "the staged key is the first key now: it seals";
    }
    else if (a->stage) {
        data = apr_pstrcat(a->pool, old, old_len > 0 && old[old_len - 1] != '\n'
                           ? "\n" : "", STAGED_MARK "\n", line, NULL);
        done = "new key staged at the end: it verifies and seals nothing "
               "until keygen --promote";
    }
    else {
        data = apr_pstrcat(a->pool, line, old ? old : "", NULL);
        done = a->rotate ? "new first key added" : "written";
    }
    len = strlen(data);
    ok = pp_key_file_write(a->pool, path, data, len, 0600, edit, &err);
    OPENSSL_cleanse(data, len);
    if (line != NULL)
        OPENSSL_cleanse((char *)line, strlen(line));
    if (old != NULL)
        OPENSSL_cleanse(old, old_len);
    if (!ok)
        return fail("%s", err);
    printf("%s: %s\n", path, done);
    return 0;
}

/* Verify a ticket with the key file, print what it holds. */
static int cmd_ticket(admin_t *a, const char *arg)
{
    const char *err = NULL;
    pp_keyring_t *ring;
    pp_verify_result_t v;

    if (a->key_file == NULL)
        return fail("%s", "ticket needs --key-file");
    if ((ring = pp_keyring_load(a->pool, a->key_file, &err)) == NULL)
        return fail("%s", err);
    pp_verify(a->pool, ring, a->realm ? a->realm : "Passport.Net", arg,
              a->audience, apr_time_sec(apr_time_now()), a->nonce, a->mbi,
              &v);
    printf("status=%s\n", pp_ticket_status_word(v.status));
    if (v.sealed) {
        int i;

        printf("version=%d\npuid=%s\nsignin=%s\naudience=%s\n",
               v.ticket.version, pp_hex16(a->pool, v.ticket.puid),
               v.ticket.signin, v.ticket.audience);
        /* a shared ticket: every audience, one a line */
        for (i = 0; v.ticket.version == PP_TICKET_VERSION_SHARED
                    && i < v.ticket.naudiences; i++)
            printf("audiences=%s\n", v.ticket.audiences[i]);
        printf("issued=%" APR_INT64_T_FMT "\nexpires=%" APR_INT64_T_FMT "\n",
               v.ticket.issued, v.ticket.expires);
        if (v.mbi_secret_ok)
            printf("mbi-secret=%s\n", pp_b64_encode(a->pool, v.mbi_secret,
                                                    sizeof(v.mbi_secret)));
        else
            fprintf(stderr, "passport-admin: the ticket's MBI secret could "
                    "not be derived (HMAC-SHA256 failed)\n");
        if (v.mbi_checked)
            printf("mbi=%s\n", v.status == PP_TICKET_BAD_MBI ? "bad-mbi"
                                                            : "ok");
    }
    return v.status == PP_TICKET_OK ? 0 : 1;
}

static int cmd_mbi_blob(admin_t *a)
{
    unsigned char *secret;
    apr_size_t n = 0;
    const char *blob;

    if (a->secret == NULL || a->nonce == NULL)
        return fail("%s", "mbi-blob needs --secret and --nonce");
    secret = pp_b64_decode(a->pool, a->secret, &n);
    if (secret == NULL)
        return fail("%s", "--secret is not base64");
    blob = pp_mbi_blob(a->pool, secret, n, a->nonce, NULL, a->amsn);
    if (blob == NULL)
        return fail("%s", "the nonce must be 1 to 256 characters, a "
                    "multiple of 8 with libpurple padding (use 64)");
    printf("%s\n", blob);
    return 0;
}

static int cmd_issue(admin_t *a)
{
    const char *err = NULL, *sealed;
    pp_keyring_t *ring;
    pp_ticket_t t;
    apr_int64_t n;

    if (a->key_file == NULL || a->signin == NULL || a->puid == NULL
        || a->audience == NULL)
        return fail("%s", "issue needs --key-file, --signin, --puid and "
                    "--audience");
    if ((ring = pp_keyring_load(a->pool, a->key_file, &err)) == NULL)
        return fail("%s", err);
    memset(&t, 0, sizeof(t));
    t.signin = pp_signin_normalize(a->pool, a->signin);
    if (t.signin == NULL)
        return fail("'%s' is not a sign-in name", a->signin);
    if (!pp_parse_u64(a->puid, &t.puid))
        return fail("--puid '%s' is not a 64-bit integer", a->puid);
    t.audience = a->audience;
    if (a->shared || a->audiences->nelts > 1) {
        t.version = PP_TICKET_VERSION_SHARED;
        t.audiences = (const char *const *)a->audiences->elts;
        t.naudiences = a->audiences->nelts;
    }
    t.issued = apr_time_sec(apr_time_now());
    if (a->issued && !pp_parse_uint(a->issued, APR_INT64_C(4294967295),
                                    &t.issued))
        return fail("--issued '%s' is not a UNIX time", a->issued);
    n = 86400;
    if (a->lifetime && !pp_parse_uint(a->lifetime, APR_INT64_C(31536000), &n))
        return fail("--lifetime '%s' is not a number of seconds", a->lifetime);
    t.expires = t.issued + n;
    sealed = pp_ticket_seal(a->pool, ring, a->realm ? a->realm
                            : "Passport.Net", &t, &err);
    if (sealed == NULL)
        return fail("%s", err);
    printf("t=%s&p=%s\n", sealed, pp_hex16(a->pool, t.puid));
    return 0;
}

/* A new CA: the key (0600), then the certificate (0644), each written
 * beside its name and moved into place only if no file has that name.
 * If the certificate cannot be written, the key just written is
 * removed: either both files are there, complete, or neither. */
static int cmd_ca_create(admin_t *a, const char *cert, const char *key)
{
    const char *err = NULL, *cert_pem, *key_pem;
    apr_int64_t days = 3650;
    char ebuf[128];
    apr_status_t rv;
    int ok;

    if (cert == NULL || key == NULL)
        return fail("%s", "ca-create needs CERT and KEY paths");
    if (a->days && (!pp_parse_uint(a->days, 36500, &days) || days < 1))
        return fail("--days '%s' is not 1 to 36500", a->days);
    if (access(key, F_OK) == 0)
        return fail("'%s' exists; not overwriting it", key);
    if (access(cert, F_OK) == 0)
        return fail("'%s' exists; not overwriting it", cert);
    if (!pp_ca_generate(a->pool, a->cn ? a->cn : "mod_passport p2pslc CA",
                        (int)days, &cert_pem, &key_pem, &err))
        return fail("%s", err);
    ok = pp_key_file_write(a->pool, key, key_pem, strlen(key_pem), 0600, 0,
                           &err);
    OPENSSL_cleanse((char *)key_pem, strlen(key_pem));
    if (!ok)
        return fail("%s", err);
    if (!pp_key_file_write(a->pool, cert, cert_pem, strlen(cert_pem), 0644,
                           0, &err)) {
        if ((rv = apr_file_remove(key, a->pool)) != APR_SUCCESS)
            err = apr_psprintf(a->pool, "%s; and the key '%s' written before "
                               "it could not be removed: %s", err, key,
                               apr_strerror(rv, ebuf, sizeof(ebuf)));
        else
            err = apr_psprintf(a->pool, "%s; the key '%s' written before it "
                               "is removed again", err, key);
        return fail("%s", err);
    }
    printf("CA written: %s (certificate), %s (key)\n", cert, key);
    return 0;
}

/* Options may come before or after the command and its argument. */
int main(int argc, const char *const *argv)
{
    admin_t a = { 0 };
    const char *pos[3] = { NULL, NULL, NULL }, *cmd, *arg;
    int i, npos = 0, print = 0, rc;

    apr_app_initialize(&argc, &argv, NULL);
    atexit(apr_terminate);
    apr_pool_create(&a.pool, NULL);
    apr_dbd_init(a.pool);
    a.driver_name = "sqlite3";
    a.audiences = apr_array_make(a.pool, 4, sizeof(const char *));
    for (i = 1; i < argc; i++) {
        const char *o = argv[i];
        const char **slot = NULL;

        if (!strcmp(o, "-d") || !strcmp(o, "--driver")) slot = &a.driver_name;
        else if (!strcmp(o, "-p") || !strcmp(o, "--params")) slot = &a.params;
        else if (!strcmp(o, "--hash")) slot = &a.hash_format;
        else if (!strcmp(o, "--puid")) slot = &a.puid;
        else if (!strcmp(o, "--key-file")) slot = &a.key_file;
        else if (!strcmp(o, "--realm")) slot = &a.realm;
        else if (!strcmp(o, "--audience")) {
            if (++i >= argc) {
                fprintf(stderr, "passport-admin: %s needs a value\n", o);
                return 2;
            }
            if (a.audience == NULL)
                a.audience = argv[i];
            APR_ARRAY_PUSH(a.audiences, const char *) = argv[i];
            continue;
        }
        else if (!strcmp(o, "--shared")) { a.shared = 1; continue; }
        else if (!strcmp(o, "--nonce")) slot = &a.nonce;
        else if (!strcmp(o, "--mbi")) slot = &a.mbi;
        else if (!strcmp(o, "--secret")) slot = &a.secret;
        else if (!strcmp(o, "--signin")) slot = &a.signin;
        else if (!strcmp(o, "--issued")) slot = &a.issued;
        else if (!strcmp(o, "--lifetime")) slot = &a.lifetime;
        else if (!strcmp(o, "--amsn")) { a.amsn = 1; continue; }
        else if (!strcmp(o, "--cn")) slot = &a.cn;
        else if (!strcmp(o, "--days")) slot = &a.days;
        else if (!strcmp(o, "--rotate")) { a.rotate = 1; continue; }
        else if (!strcmp(o, "--stage")) { a.stage = 1; continue; }
        else if (!strcmp(o, "--promote")) { a.promote = 1; continue; }
        else if (!strcmp(o, "--print")) { print = 1; continue; }
        else if (!strcmp(o, "-h") || !strcmp(o, "--help")) {
            usage(stdout);
            return 0;
        }
        else if (o[0] == '-') {
            fprintf(stderr, "passport-admin: unknown option '%s'\n", o);
            usage(stderr);
            return 2;
        }
        else if (npos < 3) { pos[npos++] = o; continue; }
        else { usage(stderr); return 2; }
        if (++i >= argc) {
            fprintf(stderr, "passport-admin: %s needs a value\n", o);
            return 2;
        }
        *slot = argv[i];
    }
    if ((cmd = pos[0]) == NULL) {
        usage(stderr);
        return 2;
    }
    arg = pos[1];
    if (strcmp(cmd, "schema") == 0)
        rc = cmd_schema(&a, print);
    else if (strcmp(cmd, "list") == 0)
        rc = cmd_list(&a);
    else if (strcmp(cmd, "mbi-blob") == 0)
        rc = cmd_mbi_blob(&a);
    else if (strcmp(cmd, "issue") == 0)
        rc = cmd_issue(&a);
    else if (arg == NULL) {
        usage(stderr);
        return 2;
    }
    else if (strcmp(cmd, "add") == 0)
        rc = cmd_add(&a, arg, 0);
    else if (strcmp(cmd, "passwd") == 0)
        rc = cmd_add(&a, arg, 1);
    else if (strcmp(cmd, "remove") == 0)
        rc = cmd_remove(&a, arg);
    else if (strcmp(cmd, "keygen") == 0)
        rc = cmd_keygen(&a, arg);
    else if (strcmp(cmd, "ticket") == 0) {
        /* "ticket verify TICKET", or just "ticket TICKET" */
        if (strcmp(arg, "verify") == 0 && pos[2] == NULL) {
            usage(stderr);
            return 2;
        }
        rc = cmd_ticket(&a, strcmp(arg, "verify") == 0 ? pos[2] : arg);
    }
    else if (strcmp(cmd, "ca-create") == 0)
        rc = cmd_ca_create(&a, arg, pos[2]);
    else {
        usage(stderr);
        return 2;
    }
    /* Now, not at apr_terminate: the DBD driver's DSO lives in a pool
     * made after this one, so it is unloaded first there and the
     * handle's cleanup (db_close) would call into unmapped code. */
    apr_pool_destroy(a.pool);
    return rc;
}
