/*
 * partner.c - AuthType Passport1.4: a location on this Apache protected
 * by Passport, the way MSN partner sites were (MS-PASS 3.2).
 *
 *   no valid ticket      302 to the login server, with the Partner
 *                        Server Challenge in WWW-Authenticate
 *   Authorization: Passport1.4 from-PP=<ticket>
 *                        First Authenticated Request: let it through and
 *                        answer with the Set Token message (cookies)
 *   MSPAuth cookie       a later request
 *   SOAP TicketToken     (PassportPartnerSOAPTicket On) MSNP13+ address
 *                        book and storage requests
 *
 * A request that passes gets REMOTE_USER (the sign-in name) and
 * PASSPORT_PUID, PASSPORT_SIGNIN, PASSPORT_AUDIENCE, PASSPORT_EXPIRES in
 * its environment, so Require valid-user / Require user work.
 */
#include "handlers.h"
#include "config.h"
#include "body.h"
#include "pp_p14.h"
#include "pp_soap.h"
#include "pp_verify.h"
#include "pp_str.h"
#include "cookies.h"

#include <http_core.h>
#include <http_protocol.h>
#include <http_request.h>
#include <http_log.h>
#include <util_cookies.h>
#include <apr_strings.h>

APLOG_USE_MODULE(passport);

#define DEFAULT_CHALLENGE "lc=1033"

typedef enum { FROM_NONE, FROM_HEADER, FROM_COOKIE, FROM_SOAP } source_t;

static const char *source_word[] = { "none", "from-PP", "cookie", "SOAP" };

static const char *audience_of(request_rec *r, const pp_dir_cfg_t *d)
{
    char *host;

    if (d->audience != NULL)
        return d->audience;
    host = apr_pstrdup(r->pool, r->hostname ? r->hostname
                                            : r->server->server_hostname);
    ap_str_tolower(host);
    return host;
}

/* The Partner Server Challenge: 302 to the login server. */
static int challenge(request_rec *r, const pp_dir_cfg_t *d)
{
    const pp_srv_cfg_t *c = pp_srv_cfg(r->server);
    const char *ru = d->return_url ? d->return_url
                                   : ap_construct_url(r->pool, r->uri, r);
    const char *params, *login;
    char *query, *q;

    params = apr_psprintf(r->pool, "%s%s%sru=%s,ct=%" APR_INT64_T_FMT ",%s",
                          d->site_id ? "id=" : "",
                          d->site_id ? d->site_id : "",
                          d->site_id ? "," : "", pp_url_encode(r->pool, ru),
                          apr_time_sec(r->request_time),
                          d->challenge ? d->challenge : DEFAULT_CHALLENGE);
    login = d->login_url ? d->login_url
                         : apr_pstrcat(r->pool, "https://",
                                       pp_cfg_dalogin(r, c), NULL);
    query = apr_pstrdup(r->pool, params);
    for (q = query; *q; q++)
        if (*q == ',')
            *q = '&';
    apr_table_setn(r->err_headers_out, "WWW-Authenticate",
                   apr_pstrcat(r->pool, "Passport1.4 ", params, NULL));
    apr_table_setn(r->headers_out, "Location",
                   apr_pstrcat(r->pool, login, strchr(login, '?') ? "&" : "?",
                               query, NULL));
    apr_table_setn(r->err_headers_out, "Cache-Control", "no-cache");
    return HTTP_MOVED_TEMPORARILY;
}

/* from-PP of "Authorization: Passport1.4 from-PP=...", quotes removed. */
static const char *from_pp(request_rec *r, const char *auth)
{
    pp_p14_request_t q;
    const char *err = NULL;
    int i;

    if (!pp_p14_parse(r->pool, auth, &q, &err))
        return NULL;
    for (i = 0; i < q.params->nelts; i++) {
        const pp_p14_param_t *pm = &APR_ARRAY_IDX(q.params, i, pp_p14_param_t);
        apr_size_t n;

        if (strcasecmp(pm->name, "from-PP") != 0 || pm->value == NULL)
            continue;
        n = strlen(pm->value);
        if (n >= 2 && pm->value[0] == '\'' && pm->value[n - 1] == '\'')
            return apr_pstrmemdup(r->pool, pm->value + 1, n - 2);
        return pm->value;
    }
    return NULL;
}

static const char *soap_ticket(request_rec *r)
{
    const char *ct = apr_table_get(r->headers_in, "Content-Type");
    const char *why = NULL, *ticket = NULL;
    apr_size_t len;
    char *body;

    if (r->method_number != M_POST || ct == NULL
        || (strncasecmp(ct, "text/xml", 8) != 0
            && strncasecmp(ct, "application/soap+xml", 20) != 0))
        return NULL;
    body = pp_read_body(r, (apr_size_t)pp_cfg_max_body(pp_srv_cfg(r->server)),
                        &len, &why);
    if (body == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, "PP0701: partner: %s",
                      why);
        return NULL;
    }
    if (pp_soap_find_ticket(r->pool, body, len, &ticket, &why) != PP_SOAP_OK)
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, "PP0702: partner: no "
                      "ticket in the SOAP request: %s", why);
    /* the protected handler reads the same body */
    pp_replay_body(r, body, len);
    return ticket;
}

/* The Set Token message: the partner's own cookies. */
static void set_token(request_rec *r, const char *ticket,
                      const pp_verify_result_t *v)
{
    apr_int64_t left = v->ticket.expires - apr_time_sec(r->request_time);

    apr_table_setn(r->err_headers_out, "Authentication-Info",
                   "Passport1.4 tname=MSPAuth,tname=MSPProf");
    pp_set_cookie(r, "MSPAuth", ticket, left);
    pp_set_cookie(r, "MSPProf", pp_hex16(r->pool, v->ticket.puid), left);
}

int pp_partner_check_authn(request_rec *r)
{
    const char *type = ap_auth_type(r), *auth, *ticket = NULL, *audience;
    const pp_dir_cfg_t *d;
    const pp_srv_cfg_t *c;
    pp_verify_result_t v;
    source_t from = FROM_NONE;

    if (type == NULL || strcasecmp(type, "Passport1.4") != 0)
        return DECLINED;
    d = ap_get_module_config(r->per_dir_config, &passport_module);
    c = pp_srv_cfg(r->server);
    if (c->keyring == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "PP0703: AuthType "
                      "Passport1.4 needs PassportKeyFile for this server");
        return HTTP_INTERNAL_SERVER_ERROR;
    }

    auth = apr_table_get(r->headers_in, "Authorization");
    if (auth != NULL && strncasecmp(auth, "Passport1.4", 11) == 0
        && (ticket = from_pp(r, auth)) != NULL)
        from = FROM_HEADER;
    else if (ap_cookie_read(r, "MSPAuth", &ticket, 0) == APR_SUCCESS
             && ticket != NULL && *ticket != '\0')
        from = FROM_COOKIE;
    else if (d->soap_ticket == 1 && (ticket = soap_ticket(r)) != NULL)
        from = FROM_SOAP;

    if (from == FROM_NONE) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, "PP0704: partner: no "
                      "Passport credentials; challenging");
        return challenge(r, d);
    }
    audience = audience_of(r, d);
    pp_verify(r->pool, c->keyring, pp_cfg_realm(c), ticket, audience,
              apr_time_sec(r->request_time), NULL, NULL, &v);
    if (v.status != PP_TICKET_OK) {
        ap_log_rerror(APLOG_MARK, APLOG_NOTICE, 0, r, "PP0705: partner: "
                      "ticket from %s refused (%s) for audience '%s'; "
                      "challenging", source_word[from],
                      pp_ticket_status_word(v.status),
                      ap_escape_logitem(r->pool, audience));
        return challenge(r, d);
    }

    r->user = apr_pstrdup(r->pool, v.ticket.signin);
    r->ap_auth_type = "Passport1.4";
    apr_table_setn(r->subprocess_env, "PASSPORT_PUID",
                   pp_hex16(r->pool, v.ticket.puid));
    apr_table_setn(r->subprocess_env, "PASSPORT_SIGNIN", r->user);
    apr_table_setn(r->subprocess_env, "PASSPORT_AUDIENCE", v.ticket.audience);
    apr_table_setn(r->subprocess_env, "PASSPORT_EXPIRES",
                   apr_psprintf(r->pool, "%" APR_INT64_T_FMT,
                                v.ticket.expires));
    if (from == FROM_HEADER)
        set_token(r, pp_ticket_from_compact(r->pool, ticket), &v);
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, "PP0706: partner: '%s' "
                  "authenticated by %s", ap_escape_logitem(r->pool, r->user),
                  source_word[from]);
    return OK;
}
