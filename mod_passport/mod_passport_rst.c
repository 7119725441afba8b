/*
 * mod_passport_rst.c - SetHandler passport-rst: Passport 3.0 SOAP
 * (RST.srf, and RST2.srf in its own dialect). One way through: read a
 * bounded body, parse it (pp_soap.c), plan it (pp_rst.c), check the
 * password, issue, record, send. A renewal (pp_renew.c) takes the same
 * way with its legacy token for the password. Every answer is a SOAP
 * document with Content-Length, never chunked.
 */
#include "mod_passport_config.h"
#include "mod_passport_handlers.h"
#include "mod_passport_auth.h"
#include "mod_passport_db.h"
#include "mod_passport_http.h"
#include "pp_rst.h"
#include "pp_renew.h"

#include <http_protocol.h>
#include <http_request.h>
#include <http_log.h>
#include <apr_strings.h>

APLOG_USE_MODULE(passport);

/* A fault in dialect; the reason goes to the log too. */
static int fault(request_rec *r, int status, const pp_dialect_t *dialect,
                 pp_fault_t kind, const char *why)
{
    pp_rst_refusal_t no;

    no.kind = kind;
    no.why = why;
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, "PP0501: %s: %s fault: %s",
                  dialect->name, pp_rst_fault_word(kind), why);
    return pp_send(r, status, dialect->content_type, "no-cache",
                   pp_rst_fault_answer(r->pool, dialect,
                                       apr_time_sec(r->request_time), &no));
}

static void log_notes(request_rec *r, const apr_array_header_t *notes)
{
    int i;

    for (i = 0; notes != NULL && i < notes->nelts; i++)
        PP_LOG_NOTE(r, APR_ARRAY_IDX(notes, i, pp_note_t));
}

/* A renewal: no password; the account is the legacy token's, as the
 * database holds it now. */
static int renew(request_rec *r, const pp_srv_cfg_t *c,
                 const pp_rst_req_t *req, apr_int64_t now)
{
    pp_rst_plan_t plan;
    pp_renewal_t rn;
    pp_rst_refusal_t no;
    pp_rst_tokens_t tokens;
    pp_account_t acct;
    const char *signin, *answer;

    if (!pp_renew_plan(r->pool, c->realm, req, now, pp_is_https(r), &plan,
                       &rn, &no)) {
        PP_LOG_NOTE(r, rn.note);
        return fault(r, HTTP_OK, plan.dialect, no.kind, no.why);
    }
    signin = pp_renew_signin(r->pool, &rn);
    switch (signin ? pp_db_find_account(r, c, signin, &acct)
                   : PP_DB_NOT_FOUND) {
    case PP_DB_ERROR:
        return fault(r, HTTP_OK, plan.dialect, PP_FAULT_SERVER, "The "
                     "account service is temporarily unavailable");
    case PP_DB_NOT_FOUND:
        pp_renew_account(r->pool, &rn, NULL, &no);
        PP_LOG_NOTE(r, rn.note);
        return fault(r, HTTP_OK, plan.dialect, no.kind, no.why);
    case PP_DB_FOUND:
        break;
    }
    if (!pp_renew_account(r->pool, &rn, &acct, &no)) {
        PP_LOG_NOTE(r, rn.note);
        return fault(r, HTTP_OK, plan.dialect, no.kind, no.why);
    }
    if (!pp_rst_issue(r->pool, c->realm, &plan, &acct, now, &tokens, &no)) {
        log_notes(r, tokens.notes);
        return fault(r, HTTP_OK, plan.dialect, no.kind, no.why);
    }
    log_notes(r, tokens.notes);
    if (!pp_db_record(r, c, &acct, (const pp_grant_t *)tokens.grants->elts,
                      tokens.grants->nelts, tokens.expires))
        return fault(r, HTTP_OK, plan.dialect, PP_FAULT_SERVER, "Tokens "
                     "could not be issued");
    answer = pp_renew_answer(r->pool, &plan, &acct, now, &tokens, &rn,
                             req->renew);
    if (answer == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "PP0512: RST.srf: the "
                      "renewal answer could not be encrypted (the random "
                      "generator failed)");
        return fault(r, HTTP_OK, plan.dialect, PP_FAULT_SERVER, "Tokens "
                     "could not be issued");
    }
    PP_LOG_NOTE(r, rn.note);
    return pp_send(r, HTTP_OK, "text/xml; charset=utf-8", "no-cache", answer);
}

int pp_rst_handler(request_rec *r)
{
    const pp_srv_cfg_t *c;
    const pp_dialect_t *dialect;
    apr_int64_t now;
    pp_rst_req_t req;
    pp_rst_plan_t plan;
    pp_rst_refusal_t no;
    pp_rst_tokens_t tokens;
    pp_account_t acct;
    const char *why = NULL;
    pp_auth_status_t st;
    apr_size_t len;
    char *body;
    int i;

    if (r->handler == NULL || strcmp(r->handler, "passport-rst") != 0)
        return DECLINED;
    c = pp_srv_cfg(r->server);
    now = apr_time_sec(r->request_time);
    dialect = pp_rst_dialect_guess(NULL, r->uri);
    if (r->method_number != M_POST) {
        apr_table_setn(r->headers_out, "Allow", "POST");
        return fault(r, HTTP_METHOD_NOT_ALLOWED, dialect, PP_FAULT_CLIENT,
                     apr_pstrcat(r->pool, "method ", r->method,
                                 " not allowed, use POST", NULL));
    }
    if (!pp_rst_content_type_ok(apr_table_get(r->headers_in,
                                              "Content-Type")))
        return fault(r, HTTP_OK, dialect, PP_FAULT_CLIENT, "Content-Type "
                     "must be text/xml or application/soap+xml");
    body = pp_read_body(r, c->body_limit, &len, &why);
    if (body == NULL)
        return fault(r, HTTP_OK, dialect, PP_FAULT_CLIENT, why);
    if (pp_soap_parse_rst(r->pool, body, len, &req, &why) != PP_SOAP_OK)
        return fault(r, HTTP_OK, pp_rst_dialect_guess(body, r->uri),
                     PP_FAULT_CLIENT, why);
    if (req.renew != NULL)
        return renew(r, c, &req, now);
    i = pp_rst_plan(r->pool, c->realm, &req, now, pp_is_https(r), &plan, &no);
    log_notes(r, plan.notes);
    if (!i)
        return fault(r, HTTP_OK, plan.dialect, no.kind, no.why);

    st = pp_authenticate(r, c, plan.signin, plan.password, &acct);
    if (st != PP_AUTH_OK) {
        pp_rst_password_refused(st == PP_AUTH_UNAVAILABLE, &no);
        return fault(r, HTTP_OK, plan.dialect, no.kind, no.why);
    }
    if (!pp_rst_issue(r->pool, c->realm, &plan, &acct, now, &tokens, &no)) {
        log_notes(r, tokens.notes);
        return fault(r, HTTP_OK, plan.dialect, no.kind, no.why);
    }
    log_notes(r, tokens.notes);
    if (!pp_db_record(r, c, &acct, (const pp_grant_t *)tokens.grants->elts,
                      tokens.grants->nelts, tokens.expires))
        return fault(r, HTTP_OK, plan.dialect, PP_FAULT_SERVER, "Tokens "
                     "could not be issued");
    return pp_send(r, HTTP_OK, plan.dialect->content_type, "no-cache",
                   pp_rst_answer(r->pool, &plan, &acct, now, &tokens));
}
