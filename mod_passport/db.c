/*
 * db.c - mod_dbd glue: acquire a connection, run the prepared account
 * statement as a random-access result, copy the row out, parse it.
 */
#include "db.h"
#include "config.h"
#include "pp_str.h"

#include <http_log.h>
#include <apr_dbd.h>
#include <apr_strings.h>
#include <mod_dbd.h>

APLOG_USE_MODULE(passport);

/* mod_dbd's ap_dbd_acquire, looked up once at start-up. */
static APR_OPTIONAL_FN_TYPE(ap_dbd_acquire) *acquire;

void pp_db_init(void)
{
    acquire = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_acquire);
}

/* The connection and the prepared statement for label, or NULL with
 * the reason logged. what names the directive for the log. */
static apr_dbd_prepared_t *statement(request_rec *r, const char *label,
                                     const char *what, ap_dbd_t **dbd)
{
    apr_dbd_prepared_t *stmt;

    if (acquire == NULL || label == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "PP0301: no account "
                      "database: mod_dbd is not loaded or PassportKeyFile "
                      "is not set for this server");
        return NULL;
    }
    *dbd = acquire(r);
    if (*dbd == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "PP0302: account "
                      "database unavailable (no mod_dbd connection; see "
                      "the DBD errors in this log)");
        return NULL;
    }
    stmt = apr_hash_get((*dbd)->prepared, label, APR_HASH_KEY_STRING);
    if (stmt == NULL)
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "PP0303: the %s "
                      "statement is not prepared on this connection "
                      "(check it against the schema)", what);
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

pp_db_status_t pp_db_find_account(request_rec *r, const char *signin,
                                  pp_account_t *out)
{
    const pp_srv_cfg_t *c = pp_srv_cfg(r->server);
    apr_dbd_prepared_t *stmt;
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    const char *puid = NULL, *cid = NULL;
    ap_dbd_t *dbd = NULL;
    int rv, rows, cols;

    memset(out, 0, sizeof(*out));
    stmt = statement(r, c->account_label, "PassportAccountQuery", &dbd);
    if (stmt == NULL)
        return PP_DB_ERROR;
    /* A random-access result: the driver runs the whole query and checks
     * its status before returning, so a connection lost mid-query is an
     * error here, never an empty result (a sequential pgsql result reads
     * an error as "no more rows"). Its memory lives until the request
     * pool is cleared. */
    rv = apr_dbd_pvselect(dbd->driver, r->pool, dbd->handle, &res, stmt, 1,
                          signin, NULL);
    if (rv != 0 || res == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "PP0304: account query "
                      "failed: %s", apr_dbd_error(dbd->driver, dbd->handle,
                                                  rv));
        return PP_DB_ERROR;
    }
    rows = apr_dbd_num_tuples(dbd->driver, res);
    if (rows < 0) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "PP0305: reading "
                      "the account row failed: the driver gives no row "
                      "count");
        return PP_DB_ERROR;
    }
    if (rows == 0)
        return PP_DB_NOT_FOUND;
    if (rows > 1) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "PP0307: %d accounts "
                      "match the sign-in name '%s'; sign-in names must be "
                      "unique", rows, ap_escape_logitem(r->pool, signin));
        return PP_DB_ERROR;
    }
    rv = apr_dbd_get_row(dbd->driver, r->pool, res, &row, 1);
    if (rv != 0 || row == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "PP0305: reading "
                      "the account row failed: %s",
                      apr_dbd_error(dbd->driver, dbd->handle, rv));
        return PP_DB_ERROR;
    }
    cols = apr_dbd_num_cols(dbd->driver, res);
    if (cols < 2) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "PP0306: "
                      "PassportAccountQuery returns %d column(s); it must "
                      "return the password hash and the PUID", cols);
        return PP_DB_ERROR;
    }
    out->hash = entry(r, dbd, row, 0);
    puid = entry(r, dbd, row, 1);
    if (cols >= 3)
        cid = entry(r, dbd, row, 2);
    if (out->hash == NULL || !pp_parse_u64(puid, &out->puid)) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "PP0308: the account "
                      "'%s' has no password hash or no 64-bit PUID",
                      ap_escape_logitem(r->pool, signin));
        return PP_DB_NOT_FOUND;
    }
    if (cid != NULL && pp_parse_u64(cid, &out->cid))
        out->has_cid = 1;
    return PP_DB_FOUND;
}

int pp_db_record_ticket(request_rec *r, const char *ticket, const char *puid,
                        const char *signin, const char *audience,
                        const char *expires, const char *mbi_secret)
{
    const pp_srv_cfg_t *c = pp_srv_cfg(r->server);
    ap_dbd_t *dbd = NULL;
    apr_dbd_prepared_t *stmt;
    int nrows = 0, rv;

    stmt = statement(r, c->record_label, "PassportTicketRecordQuery", &dbd);
    if (stmt == NULL)
        return 0;
    rv = apr_dbd_pvquery(dbd->driver, r->pool, dbd->handle, &nrows, stmt,
                         ticket, puid, signin, audience, expires, mbi_secret,
                         NULL);
    if (rv != 0) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "PP0309: recording the "
                      "ticket for '%s' (%s) failed: %s",
                      ap_escape_logitem(r->pool, signin),
                      ap_escape_logitem(r->pool, audience),
                      apr_dbd_error(dbd->driver, dbd->handle, rv));
        return 0;
    }
    return 1;
}
