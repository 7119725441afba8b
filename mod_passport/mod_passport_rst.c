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
#include "mod_passport_cache.h"
#include "mod_passport_db.h"
#include "mod_passport_status.h"
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
    pp_stat_inc(r->server, PP_STAT_FAULTS);
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

/* The certificates an answer hands out (p2pslc). */
static void count_certificates(request_rec *r, const pp_rst_tokens_t *tokens)
{
    int i, n = 0;

    for (i = 0; tokens->items != NULL && i < tokens->items->nelts; i++) {
        const pp_rstr_item_t *it = &APR_ARRAY_IDX(tokens->items, i,
                                                  pp_rstr_item_t);

        if (it->x509 && it->token != NULL && it->refused == NULL)
            n++;
    }
    if (n > 0)
        pp_stat_add(r->server, PP_STAT_CERTIFICATES, (apr_uint64_t)n);
}

/* The plan's tokens for acct, issued and recorded: 1; or 0, the fault
 * answered and its status in *sent. Sign-in and renewal alike. */
static int issue(request_rec *r, const pp_srv_cfg_t *c,
                 const pp_rst_plan_t *plan, const pp_account_t *acct,
                 apr_int64_t now, pp_rst_tokens_t *tokens, int *sent)
{
    pp_rst_refusal_t no;
    int ok = pp_rst_issue(r->pool, c->realm, plan, acct, now, tokens, &no);

    log_notes(r, tokens->notes);
    if (!ok) {
        *sent = fault(r, HTTP_OK, plan->dialect, no.kind, no.why);
        return 0;
    }
    if (!pp_db_record(r, c, acct, (const pp_grant_t *)tokens->grants->elts,
                      tokens->grants->nelts, tokens->expires)) {
        *sent = fault(r, HTTP_OK, plan->dialect, PP_FAULT_SERVER, "Tokens "
                      "could not be issued");
        return 0;
    }
    return 1;
}

/* A renewal that failed for want of a credential: a failure for the
 * account the legacy token names, from this address, as a wrong
 * password would be. */
static int renewal_refused(request_rec *r, const pp_srv_cfg_t *c,
                           const pp_throttle_t *th, const pp_dialect_t *d,
                           const pp_renewal_t *rn, const pp_rst_refusal_t *no)
{
    PP_LOG_NOTE(r, rn->note);
    if (no->kind == PP_FAULT_AUTH && th->signin != NULL) {
        pp_throttle_failed(r, c, th);
        pp_stat_inc(r->server, PP_STAT_SIGNINS_FAILED);
    }
    return fault(r, HTTP_OK, d, no->kind, no->why);
}

/* A renewal: no password; the account is the legacy token's, as the
 * database holds it now. The throttle applies as to a sign-in: once the
 * token names an account, a throttled account or address is refused
 * (FailedAuthentication, PP0410) whatever the signature, and a renewal
 * refused for its token, its signature or its account counts as a
 * failure. A renewal that succeeds clears no count: it proves the
 * token's key, not the password. */
static int renew(request_rec *r, const pp_srv_cfg_t *c,
                 const pp_rst_req_t *req, apr_int64_t now)
{
    pp_rst_plan_t plan;
    pp_renewal_t rn;
    pp_rst_refusal_t no;
    pp_rst_tokens_t tokens;
    pp_account_t acct;
    pp_throttle_t th;
    const char *signin, *answer;
    int planned, sent;

    planned = pp_renew_plan(r->pool, c->realm, req, now, pp_is_https(r),
                            &plan, &rn, &no);
    log_notes(r, plan.notes);       /* as a sign-in's: policies, sites */
    signin = pp_renew_signin(r->pool, &rn);   /* NULL: no name to trust */
    memset(&th, 0, sizeof(th));
    if (signin != NULL && pp_throttle_check(r, c, signin, "renewal", &th))
        return fault(r, HTTP_OK, plan.dialect, PP_FAULT_AUTH, "the "
                     "legacy token's account is throttled");
    if (!planned)
        return renewal_refused(r, c, &th, plan.dialect, &rn, &no);
    switch (signin ? pp_db_find_account(r, c, signin, &acct)
                   : PP_DB_NOT_FOUND) {
    case PP_DB_ERROR:
        return fault(r, HTTP_OK, plan.dialect, PP_FAULT_SERVER, "The "
                     "account service is temporarily unavailable");
    case PP_DB_NOT_FOUND:
        pp_renew_account(r->pool, &rn, NULL, &no);
        return renewal_refused(r, c, &th, plan.dialect, &rn, &no);
    case PP_DB_FOUND:
        break;
    }
    if (!pp_renew_account(r->pool, &rn, &acct, &no))
        return renewal_refused(r, c, &th, plan.dialect, &rn, &no);
    if (!issue(r, c, &plan, &acct, now, &tokens, &sent))
        return sent;
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
    pp_stat_inc(r->server, PP_STAT_RENEWALS);
    return pp_send(r, HTTP_OK, plan.dialect->content_type, "no-cache",
                   answer);
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
    int planned, sent;

    if (r->handler == NULL || strcmp(r->handler, PP_HANDLER_RST) != 0)
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
    planned = pp_rst_plan(r->pool, c->realm, &req, now, pp_is_https(r),
                          &plan, &no);
    log_notes(r, plan.notes);
    if (!planned)
        return fault(r, HTTP_OK, plan.dialect, no.kind, no.why);

    st = pp_authenticate(r, c, plan.signin, plan.password, &acct);
    if (st != PP_AUTH_OK) {
        pp_rst_password_refused(st == PP_AUTH_UNAVAILABLE, &no);
        return fault(r, HTTP_OK, plan.dialect, no.kind, no.why);
    }
    if (!issue(r, c, &plan, &acct, now, &tokens, &sent))
        return sent;
    count_certificates(r, &tokens);
    return pp_send(r, HTTP_OK, plan.dialect->content_type, "no-cache",
                   pp_rst_answer(r->pool, &plan, &acct, now, &tokens));
}
