/*
 * mod_passport_db.c - mod_dbd glue: the statements, prepared at
 * start-up; per request, take a connection from mod_dbd's pool, run the
 * prepared account statement as a random-access result, copy the row
 * out and give the connection back at once, then parse the row; and
 * write ticket records the same way.
 *
 * A request holds a connection only while it talks to the database,
 * never while it checks a password: ap_dbd_acquire() would keep it for
 * the whole request, key derivation included, and with DBDMax (10 by
 * default) below ThreadsPerChild (25), threads that only want to read a
 * row queue behind threads that are hashing: the p99 latency of 32
 * concurrent PBKDF2 sign-ins was 13 (and on a busy machine 26) times
 * their p50. So ap_dbd_open()/ap_dbd_close(), with a cleanup on the
 * request pool as the safety net should a path ever return holding one.
 */
#include "mod_passport_db.h"
#include "pp_str.h"

#include <http_log.h>
#include <apr_dbd.h>
#include <apr_strings.h>
#include <mod_dbd.h>

APLOG_USE_MODULE(passport);

/* mod_dbd's ap_dbd_open and ap_dbd_close, looked up once at start-up. */
static APR_OPTIONAL_FN_TYPE(ap_dbd_open) *dbd_open;
static APR_OPTIONAL_FN_TYPE(ap_dbd_close) *dbd_close;

/* A mod_dbd label per distinct query text, so vhosts sharing a
 * connection pool never clash (FNV-1a, 64 bits). */
static const char *label_of(apr_pool_t *p, const char *prefix,
                            const char *sql)
{
    apr_uint64_t h = APR_UINT64_C(14695981039346656037);

    for (; *sql; sql++)
        h = (h ^ (unsigned char)*sql) * APR_UINT64_C(1099511628211);
    return apr_psprintf(p, "%s_%016" APR_UINT64_T_HEX_FMT, prefix, h);
}

/* Prepare sql under label on s, unless it already is: a virtual host
 * without DBD directives shares its parent's mod_dbd configuration, and
 * preparing the same label there twice makes mod_dbd warn (AH02653). */
static void prepare_once(APR_OPTIONAL_FN_TYPE(ap_dbd_prepare) *prepare,
                         apr_hash_t *done, module *dbd, server_rec *s,
                         const char *sql, const char *label)
{
    const void *shared = dbd ? ap_get_module_config(s->module_config, dbd)
                             : (const void *)s;
    const char *key = apr_psprintf(apr_hash_pool_get(done), "%pp %s",
                                   shared, label);

    if (apr_hash_get(done, key, APR_HASH_KEY_STRING) != NULL)
        return;
    apr_hash_set(done, key, APR_HASH_KEY_STRING, label);
    prepare(s, sql, label);
}

int pp_db_prepare(apr_pool_t *pconf, apr_pool_t *ptemp, server_rec *s)
{
    APR_OPTIONAL_FN_TYPE(ap_dbd_prepare) *prepare =
        APR_RETRIEVE_OPTIONAL_FN(ap_dbd_prepare);
    module *dbd = ap_find_linked_module("mod_dbd.c");
    apr_hash_t *done = apr_hash_make(ptemp);
    server_rec *sp;

    dbd_open = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_open);
    dbd_close = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_close);
    for (sp = s; sp != NULL; sp = sp->next) {
        pp_srv_cfg_t *c = pp_srv_cfg(sp);
        const char *query = c->account_query ? c->account_query
                                             : PP_DEFAULT_ACCOUNT_QUERY;

        /* Only servers that sign people in (they have a key) touch the
         * database: a Nexus-only vhost must not break a mod_dbd pool
         * that other modules use. */
        if (c->keyring == NULL)
            continue;
        if (prepare == NULL) {
            ap_log_error(APLOG_MARK, APLOG_CRIT, 0, sp,
                         "PP0001: PassportKeyFile is set for %s:%u but "
                         "mod_dbd is not loaded; mod_passport reads "
                         "accounts through it (LoadModule dbd_module, "
                         "then DBDriver and DBDParams)",
                         sp->server_hostname, (unsigned)sp->port);
            return HTTP_INTERNAL_SERVER_ERROR;
        }
        c->account_label = label_of(pconf, "passport_acct", query);
        prepare_once(prepare, done, dbd, sp, query, c->account_label);
        if (c->record_query != NULL) {
            c->record_label = label_of(pconf, "passport_rec", c->record_query);
            prepare_once(prepare, done, dbd, sp, c->record_query,
                         c->record_label);
        }
    }
    return OK;
}

/* A connection taken from mod_dbd for one exchange with the database.
 * Given back by give_back(), or by the request pool's cleanup if a path
 * ever forgets. */
typedef struct {
    server_rec *s;
    ap_dbd_t *dbd;
} held_t;

static apr_status_t release_held(void *data)
{
    held_t *h = data;

    if (h->dbd != NULL) {
        dbd_close(h->s, h->dbd);
        h->dbd = NULL;
    }
    return APR_SUCCESS;
}

static void give_back(request_rec *r, held_t *h)
{
    apr_pool_cleanup_run(r->pool, h, release_held);
}

/* A connection and the prepared statement for label, or NULL with the
 * reason logged (and nothing held). what names the directive for the
 * log. */
static apr_dbd_prepared_t *statement(request_rec *r, const char *label,
                                     const char *what, held_t *h)
{
    apr_dbd_prepared_t *stmt;

    h->s = r->server;
    h->dbd = NULL;
    if (dbd_open == NULL || dbd_close == NULL || label == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "PP0301: no account "
                      "database: mod_dbd is not loaded or PassportKeyFile "
                      "is not set for this server");
        return NULL;
    }
    /* mod_dbd checks a pooled connection when it hands it out and, if it
     * died (the database restarted, the backend was killed), drops it
     * and answers NULL; the next one from the pool, or a new one, is the
     * retry that keeps that first request from failing too */
    h->dbd = dbd_open(r->pool, r->server);
    if (h->dbd == NULL)
        h->dbd = dbd_open(r->pool, r->server);
    if (h->dbd == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "PP0302: account "
                      "database unavailable (no mod_dbd connection; see "
                      "the DBD errors in this log)");
        return NULL;
    }
    apr_pool_cleanup_register(r->pool, h, release_held,
                              apr_pool_cleanup_null);
    stmt = apr_hash_get(h->dbd->prepared, label, APR_HASH_KEY_STRING);
    if (stmt == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "PP0303: the %s "
                      "statement is not prepared on this connection "
                      "(check it against the schema)", what);
        give_back(r, h);
    }
    return stmt;
}

/* Prepare sql on dbd's connection again, under the same label. libpq's
 * reset of a connection that died (the database restarted, its backend
 * was killed) reconnects without the prepared statements, while
 * mod_dbd's list still names them: every query then fails with "does
 * not exist". Called once after a failed query; NULL when it cannot be
 * prepared (the connection is still dead, or the statement still there
 * and the failure was another one). */
static apr_dbd_prepared_t *prepare_again(request_rec *r, ap_dbd_t *dbd,
                                         const char *sql, const char *label)
{
    apr_dbd_prepared_t *stmt = NULL;

    if (apr_dbd_prepare(dbd->driver, dbd->pool, dbd->handle, sql, label,
                        &stmt) != 0 || stmt == NULL)
        return NULL;
    apr_hash_set(dbd->prepared, label, APR_HASH_KEY_STRING, stmt);
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, "PP0311: prepared %s again "
                  "on a connection that had lost it (the database "
                  "restarted?)", label);
    return stmt;
}

/* A column of the current row, copied into the request pool: a driver's
 * entry points into its own result, which it may free on the next call. */
static const char *entry(request_rec *r, const ap_dbd_t *dbd,
                         apr_dbd_row_t *row, int col)
{
    const char *v = apr_dbd_get_entry(dbd->driver, row, col);

    return v != NULL ? apr_pstrdup(r->pool, v) : NULL;
}

/* Which column is which: the hash and the PUID first; a column named
 * `signin` (any case) is the account's own name; the first other column
 * after the PUID is the CID. */
typedef struct {
    int signin;                  /* -1: none */
    int cid;                     /* -1: none */
} columns_t;

static void columns_of(const ap_dbd_t *dbd, apr_dbd_results_t *res, int cols,
                       columns_t *out)
{
    int i;

    out->signin = out->cid = -1;
    for (i = 2; i < cols; i++) {
        const char *name = apr_dbd_get_name(dbd->driver, res, i);

        if (out->signin < 0 && name != NULL && strcasecmp(name, "signin") == 0)
            out->signin = i;
        else if (out->cid < 0)
            out->cid = i;
    }
}

/* A PUID or CID column read as PassportIdFormat says; a value that is
 * not one is logged with what is wrong with it (PP0308). */
static int id_of(request_rec *r, const pp_srv_cfg_t *c, const char *signin,
                 const char *what, const char *value, apr_uint64_t *out)
{
    pp_id_format_t fmt = c->id_format == PP_ID_HEX ? PP_ID_HEX
                                                   : PP_ID_DECIMAL;
    const char *why = NULL, *shown;

    if (pp_parse_id(r->pool, value, fmt, out, &why))
        return 1;
    /* ids are no secrets: the value is shown, unless it is long */
    shown = value != NULL && strlen(value) <= 64
            ? apr_pstrcat(r->pool, "'", ap_escape_logitem(r->pool, value),
                          "' ", NULL) : "";
    ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "PP0308: the account '%s' "
                  "has no usable %s: its %s column %s%s (PassportIdFormat "
                  "%s)", ap_escape_logitem(r->pool, signin), what, what,
                  shown, why, pp_id_format_word(fmt));
    return 0;
}

/* The account row, copied out of the driver's result into the request
 * pool. */
typedef struct {
    const char *hash, *puid, *cid, *signin;
    int has_signin;                /* the query returns a signin column */
} row_t;

/* Run the account query and copy its row out, holding a connection for
 * that long only. The driver's result lives in a subpool destroyed
 * before the connection goes back: its cleanups (a MySQL statement's
 * result, say) must not run once another request uses the connection. */
static pp_db_status_t read_account(request_rec *r, const pp_srv_cfg_t *c,
                                   const char *signin, row_t *out)
{
    const char *query = c->account_query ? c->account_query
                                         : PP_DEFAULT_ACCOUNT_QUERY;
    apr_dbd_prepared_t *stmt;
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    pp_db_status_t st = PP_DB_ERROR;
    apr_pool_t *q;
    ap_dbd_t *dbd;
    columns_t col;
    held_t h;
    int rv, rows, cols;

    memset(out, 0, sizeof(*out));
    stmt = statement(r, c->account_label, "PassportAccountQuery", &h);
    if (stmt == NULL)
        return PP_DB_ERROR;
    dbd = h.dbd;
    apr_pool_create(&q, r->pool);
    /* A random-access result: the driver runs the whole query and checks
     * its status before returning, so a connection lost mid-query is an
     * error here, never an empty result (a sequential pgsql result reads
     * an error as "no more rows"). */
    rv = apr_dbd_pvselect(dbd->driver, q, dbd->handle, &res, stmt, 1,
                          signin, NULL);
    if (rv != 0 && (stmt = prepare_again(r, dbd, query, c->account_label)))
        rv = apr_dbd_pvselect(dbd->driver, q, dbd->handle, &res, stmt, 1,
                              signin, NULL);
    if (rv != 0 || res == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "PP0304: account query "
                      "failed: %s", apr_dbd_error(dbd->driver, dbd->handle,
                                                  rv));
        goto done;
    }
    rows = apr_dbd_num_tuples(dbd->driver, res);
    if (rows < 0) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "PP0305: reading "
                      "the account row failed: the driver gives no row "
                      "count");
        goto done;
    }
    if (rows == 0) {
        st = PP_DB_NOT_FOUND;
        goto done;
    }
    if (rows > 1) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "PP0307: %d accounts "
                      "match the sign-in name '%s'; sign-in names must be "
                      "unique", rows, ap_escape_logitem(r->pool, signin));
        goto done;
    }
    rv = apr_dbd_get_row(dbd->driver, q, res, &row, 1);
    if (rv != 0 || row == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "PP0305: reading "
                      "the account row failed: %s",
                      apr_dbd_error(dbd->driver, dbd->handle, rv));
        goto done;
    }
    cols = apr_dbd_num_cols(dbd->driver, res);
    if (cols < 2) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "PP0306: "
                      "PassportAccountQuery returns %d column(s); it must "
                      "return the password hash and the PUID", cols);
        goto done;
    }
    columns_of(dbd, res, cols, &col);
    out->hash = entry(r, dbd, row, 0);
    out->puid = entry(r, dbd, row, 1);
    if (col.cid >= 0)
        out->cid = entry(r, dbd, row, col.cid);
    if (col.signin >= 0) {
        out->has_signin = 1;
        out->signin = entry(r, dbd, row, col.signin);
    }
    st = PP_DB_FOUND;
done:
    apr_pool_destroy(q);
    give_back(r, &h);
    return st;
}

pp_db_status_t pp_db_find_account(request_rec *r, const pp_srv_cfg_t *c,
                                  const char *signin, pp_account_t *out)
{
    pp_db_status_t st;
    row_t row;

    memset(out, 0, sizeof(*out));
    st = read_account(r, c, signin, &row);
    if (st != PP_DB_FOUND)
        return st;
    out->signin = signin;
    if (row.has_signin) {
        out->signin = row.signin;
        if (!pp_signin_valid(out->signin)) {
            ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "PP0310: the account "
                          "'%s' has no valid name in its signin column",
                          ap_escape_logitem(r->pool, signin));
            return PP_DB_ERROR;
        }
    }
    out->hash = row.hash;
    if (out->hash == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "PP0308: the account "
                      "'%s' has no password hash",
                      ap_escape_logitem(r->pool, signin));
        return PP_DB_NOT_FOUND;
    }
    /* PUID and CID in the server's PassportIdFormat; a CID column that
     * is NULL means none */
    if (!id_of(r, c, signin, "PUID", row.puid, &out->puid)
        || (row.cid != NULL
            && !id_of(r, c, signin, "CID", row.cid, &out->cid)))
        return PP_DB_NOT_FOUND;
    out->has_cid = row.cid != NULL;
    return PP_DB_FOUND;
}

int pp_db_record(request_rec *r, const pp_srv_cfg_t *c,
                 const pp_account_t *acct, const pp_grant_t *grants, int n,
                 apr_int64_t expires)
{
    const char *puid, *until;
    apr_dbd_prepared_t *stmt;
    apr_pool_t *q;
    ap_dbd_t *dbd;
    held_t h;
    int i, nrows = 0, rv, ok = 1;

    if (c->record_query == NULL || n == 0)
        return 1;
    stmt = statement(r, c->record_label, "PassportTicketRecordQuery", &h);
    if (stmt == NULL)
        return 0;
    dbd = h.dbd;
    apr_pool_create(&q, r->pool);
    puid = pp_hex16(r->pool, acct->puid);
    for (i = 0; i < n && ok; i++) {
        const pp_grant_t *g = &grants[i];

        until = apr_psprintf(r->pool, "%" APR_INT64_T_FMT,
                             g->expires ? g->expires : expires);
        rv = apr_dbd_pvquery(dbd->driver, q, dbd->handle, &nrows, stmt,
                             g->ticket, puid, acct->signin, g->audience,
                             until, g->secret, NULL);
        if (rv != 0 && i == 0
            && (stmt = prepare_again(r, dbd, c->record_query,
                                     c->record_label)) != NULL)
            rv = apr_dbd_pvquery(dbd->driver, q, dbd->handle, &nrows,
                                 stmt, g->ticket, puid, acct->signin,
                                 g->audience, until, g->secret, NULL);
        if (rv != 0) {
            ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "PP0309: recording "
                          "the ticket for '%s' (%s) failed: %s",
                          ap_escape_logitem(r->pool, acct->signin),
                          ap_escape_logitem(r->pool, g->audience),
                          apr_dbd_error(dbd->driver, dbd->handle, rv));
            ok = 0;
        }
    }
    apr_pool_destroy(q);
    give_back(r, &h);
    return ok;
}
