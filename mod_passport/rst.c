/*
 * rst.c - SetHandler passport-rst: Passport 3.0 SOAP (RST.srf).
 *
 * Reads a bounded body, parses it with the core (pp_soap.c), checks the
 * credentials like login2.srf (auth.c), issues one ticket per requested
 * address, and renders the collection or a fault (pp_rstr.c). Every
 * answer is a SOAP document with Content-Length, never chunked.
 */
#include "handlers.h"
#include "config.h"
#include "auth.h"
#include "pp_soap.h"
#include "pp_rstr.h"
#include "pp_mbi.h"
#include "pp_b64.h"
#include "pp_p14.h"
#include "body.h"
#include "cookies.h"
#include "pp_x509.h"
#include "pp_str.h"

#include <http_protocol.h>
#include <http_request.h>
#include <http_log.h>
#include <apr_strings.h>

APLOG_USE_MODULE(passport);

/* clock skew allowed on an RST2 request's wsu:Timestamp */
#define TIMESTAMP_SKEW 300

typedef struct {
    request_rec *r;
    pp_rstr_ctx_t ctx;
} rst_t;

static int send_xml(request_rec *r, int status, const char *doc)
{
    apr_size_t len = strlen(doc);

    r->status = status;
    ap_set_content_type(r, "text/xml; charset=utf-8");
    ap_set_content_length(r, (apr_off_t)len);
    apr_table_setn(r->headers_out, "Cache-Control", "no-cache");
    if (!r->header_only)
        ap_rwrite(doc, (int)len, r);
    return OK;
}

/* A fault in the request's dialect; the reason goes to the log too. */
static int fault(rst_t *q, int status, pp_fault_t kind, const char *why)
{
    static const char *const kinds[] = { "authentication", "client",
                                         "server" };

    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, q->r, "PP0501: %s: %s fault: "
                  "%s", q->ctx.dialect->name, kinds[kind], why);
    return send_xml(q->r, status, pp_rst_fault(q->r->pool, &q->ctx, kind,
                                               why));
}

static int client_fault(rst_t *q, const char *why)
{
    return fault(q, HTTP_OK, PP_FAULT_CLIENT, why);
}

/* Until the body says otherwise: RST2 if it names the SOAP 1.2 envelope
 * (or, with no body, if the path does), RST.srf otherwise. */
static const pp_dialect_t *dialect_hint(request_rec *r, const char *body)
{
    if (body != NULL)
        return strstr(body, "http://www.w3.org/2003/05/soap-envelope")
               ? &pp_dialect_rst2 : &pp_dialect_rst;
    return strstr(r->uri, "RST2") ? &pp_dialect_rst2 : &pp_dialect_rst;
}

/* RST2: a request whose wsu:Timestamp has expired is refused. */
static const char *check_timestamp(rst_t *q, const pp_rst_req_t *req)
{
    apr_int64_t created, expires;

    if (req->ts_created == NULL && req->ts_expires == NULL)
        return NULL;
    created = pp_iso8601_parse(req->ts_created);
    expires = pp_iso8601_parse(req->ts_expires);
    if (created < 0 || expires < 0)
        return "the wsu:Timestamp is not two ISO 8601 UTC times";
    if (expires + TIMESTAMP_SKEW < q->ctx.now)
        return "the request's wsu:Timestamp has expired";
    if (created - TIMESTAMP_SKEW > q->ctx.now)
        return "the request's wsu:Timestamp is in the future";
    return NULL;
}

static int is_xml_type(const char *ct)
{
    apr_size_t n;

    if (ct == NULL)
        return 1;         /* some clients send none; the XML decides */
    n = strcspn(ct, "; \t");
    return (n == 8 && strncasecmp(ct, "text/xml", 8) == 0)
        || (n == 20 && strncasecmp(ct, "application/soap+xml", 20) == 0)
        || (n == 15 && strncasecmp(ct, "application/xml", 15) == 0);
}

/* The configured address a request names (case-insensitively), or NULL. */
static const char *served(request_rec *r, const char *address)
{
    const apr_array_header_t *s = pp_cfg_services(pp_srv_cfg(r->server));
    int i;

    for (i = 0; i < s->nelts; i++)
        if (strcasecmp(APR_ARRAY_IDX(s, i, const char *), address) == 0)
            return APR_ARRAY_IDX(s, i, const char *);
    return NULL;
}

/* Check every requested token before any password is looked at. */
static const char *check_items(request_rec *r, const pp_rst_req_t *req)
{
    int https = pp_is_https(r), i;

    for (i = 0; i < req->items->nelts; i++) {
        const pp_rst_item_t *it = &APR_ARRAY_IDX(req->items, i, pp_rst_item_t);

        if (served(r, it->address) == NULL)
            return apr_psprintf(r->pool, "this realm does not serve '%s' "
                                "(PassportService)", it->address);
        if (it->policy && strcmp(it->policy, "MBI_SSL") == 0 && !https)
            return apr_psprintf(r->pool, "'%s' with policy MBI_SSL is only "
                                "issued over HTTPS", it->address);
        if (strcasecmp(it->address, PP_ADDRESS_P2PSLC) == 0
            && pp_srv_cfg(r->server)->ca == NULL)
            return PP_ADDRESS_P2PSLC " (MBI_X509_CID certificates) needs "
                   "a CA, and this realm has none (PassportCACertificateFile,"
                   " PassportCAKeyFile)";
    }
    return NULL;
}

/* A certificate for p2pslc (MS-WSTEP): NULL and *why for a request the
 * client got wrong (the fault says what). */
static const char *certificate(rst_t *q, const pp_rst_item_t *it,
                               apr_uint64_t puid, const char *signin,
                               const char **why)
{
    request_rec *r = q->r;
    const pp_srv_cfg_t *c = pp_srv_cfg(r->server);
    pp_cert_subject_t who;
    pp_csr_status_t st;
    const char *cert;

    who.puid = puid;
    who.signin = signin;
    who.realm = pp_cfg_realm(c);
    who.not_before = q->ctx.now;
    who.not_after = q->ctx.now + pp_cfg_ticket_lifetime(c);
    cert = pp_x509_issue(r->pool, c->ca, it->supporting, &who, &st, why);
    if (cert != NULL)
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, "PP0503: RST: "
                      "certificate issued for '%s'",
                      ap_escape_logitem(r->pool, signin));
    else if (st == PP_CSR_ISSUE_FAILED)
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "PP0504: RST: %s", *why);
    return cert;
}

/* Issue the tokens, in request order. NULL with *client_why for a bad
 * certificate request; NULL alone if sealing failed (logged). */
static apr_array_header_t *issue(rst_t *q, const pp_rst_req_t *req,
                                 apr_uint64_t puid, const char *signin,
                                 const char **client_why)
{
    request_rec *r = q->r;
    const pp_srv_cfg_t *c = pp_srv_cfg(r->server);
    const pp_key_t *key = &APR_ARRAY_IDX(c->keyring->keys, 0, pp_key_t);
    apr_array_header_t *out = apr_array_make(r->pool, req->items->nelts,
                                             sizeof(pp_rstr_item_t));
    int i;

    for (i = 0; i < req->items->nelts; i++) {
        const pp_rst_item_t *it = &APR_ARRAY_IDX(req->items, i, pp_rst_item_t);
        pp_rstr_item_t *o = apr_array_push(out);
        const char *audience = served(r, it->address), *ticket;
        unsigned char secret[PP_MBI_SECRET_LEN];

        o->address = it->address;
        o->by_service_name = it->by_service_name;
        if (strcmp(audience, PP_ADDRESS_P2PSLC) == 0) {
            const char *why = NULL;

            o->x509 = 1;
            o->token = certificate(q, it, puid, signin, &why);
            if (o->token == NULL) {
                *client_why = why;
                return NULL;
            }
            continue;
        }
        ticket = pp_issue_ticket(r, puid, signin, audience, &q->ctx.expires);
        if (ticket == NULL)
            return NULL;
        o->legacy = strcmp(audience, PP_ADDRESS_LEGACY) == 0;
        o->token = o->legacy ? ticket : pp_compact(r->pool, ticket, puid);
        if (o->legacy || (it->policy && strcmp(it->policy, "MBI_KEY_OLD") == 0)) {
            pp_mbi_secret(key, ticket, secret);
            o->secret = pp_b64_encode(r->pool, secret, sizeof(secret));
        }
    }
    return out;
}

int pp_rst_handler(request_rec *r)
{
    const pp_srv_cfg_t *c;
    pp_rst_req_t req;
    pp_account_t acct;
    apr_array_header_t *items;
    apr_time_exp_t x;
    const char *why = NULL, *signin;
    apr_size_t len;
    char *body;
    rst_t q;

    if (r->handler == NULL || strcmp(r->handler, "passport-rst") != 0)
        return DECLINED;
    c = pp_srv_cfg(r->server);
    q.r = r;
    memset(&q.ctx, 0, sizeof(q.ctx));
    q.ctx.now = apr_time_sec(r->request_time);
    apr_time_exp_gmt(&x, r->request_time);
    q.ctx.server_info = apr_psprintf(r->pool, "mod_passport %04d.%02d.%02d."
                                     "%02d.%02d.%02d", x.tm_year + 1900,
                                     x.tm_mon + 1, x.tm_mday, x.tm_hour,
                                     x.tm_min, x.tm_sec);

    q.ctx.dialect = dialect_hint(r, NULL);
    if (r->method_number != M_POST) {
        apr_table_setn(r->headers_out, "Allow", "POST");
        return fault(&q, HTTP_METHOD_NOT_ALLOWED, PP_FAULT_CLIENT,
                     apr_pstrcat(r->pool, "method ", r->method,
                                 " not allowed, use POST", NULL));
    }
    if (!is_xml_type(apr_table_get(r->headers_in, "Content-Type")))
        return client_fault(&q, "Content-Type must be text/xml or "
                            "application/soap+xml");
    body = pp_read_body(r, (apr_size_t)pp_cfg_max_body(c), &len, &why);
    if (body == NULL)
        return client_fault(&q, why);
    if (pp_soap_parse_rst(r->pool, body, len, &req, &why) != PP_SOAP_OK) {
        q.ctx.dialect = dialect_hint(r, body);
        return client_fault(&q, why);
    }
    /* answer in the dialect the request was written in */
    q.ctx.dialect = req.soap12 || req.trust2005 ? &pp_dialect_rst2
                                                : &pp_dialect_rst;
    if ((why = check_timestamp(&q, &req)) != NULL
        || (why = check_items(r, &req)) != NULL)
        return client_fault(&q, why);
    if (req.username == NULL || req.password == NULL)
        return client_fault(&q, "no credentials (wsse:Security/"
                            "wsse:UsernameToken with Username and Password)");

    signin = pp_signin_normalize(r->pool, req.username);
    if (signin == NULL || *req.password == '\0'
        || strlen(req.password) > PP_P14_MAX_PWD) {
        return fault(&q, HTTP_OK, PP_FAULT_AUTH, "malformed user name or "
                     "password");
    }
    switch (pp_authenticate(r, signin, req.password, &acct)) {
    case PP_AUTH_FAILED:
        return fault(&q, HTTP_OK, PP_FAULT_AUTH, "wrong password or unknown "
                     "account");
    case PP_AUTH_UNAVAILABLE:
        return fault(&q, HTTP_OK, PP_FAULT_SERVER, "The account service is "
                     "temporarily unavailable");
    case PP_AUTH_OK:
        break;
    }
    why = NULL;
    q.ctx.expires = q.ctx.now + pp_cfg_ticket_lifetime(c);
    if (c->keyring == NULL
        || (items = issue(&q, &req, acct.puid, signin, &why)) == NULL)
        return why ? client_fault(&q, why)
                   : fault(&q, HTTP_OK, PP_FAULT_SERVER, "Tokens could not "
                           "be issued");
    q.ctx.puid = acct.puid;
    q.ctx.cid = acct.has_cid ? acct.cid : pp_cid_from_puid(acct.puid);
    q.ctx.signin = signin;
    return send_xml(r, HTTP_OK, pp_rstr_render(r->pool, &q.ctx, items));
}
