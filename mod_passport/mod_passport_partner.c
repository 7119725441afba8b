/*
 * mod_passport_partner.c - AuthType Passport1.4: a location on this
 * Apache protected by Passport, as MSN partner sites were (MS-PASS 3.2).
 * The core (pp_partner.c) builds the challenge and the Set Token
 * message; this file finds the ticket and lets the request through.
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
 * A request that passes gets REMOTE_USER (the account's name) and
 * PASSPORT_PUID, PASSPORT_SIGNIN, PASSPORT_AUDIENCE, PASSPORT_EXPIRES in
 * its environment, so Require valid-user / Require user work.
 */
#include "mod_passport_config.h"
#include "mod_passport_handlers.h"
#include "mod_passport_http.h"
#include "pp_partner.h"
#include "pp_p14.h"
#include "pp_soap.h"
#include "pp_str.h"

#include <http_core.h>
#include <http_protocol.h>
#include <http_request.h>
#include <http_log.h>
#include <apr_strings.h>

APLOG_USE_MODULE(passport);

typedef enum { FROM_NONE, FROM_HEADER, FROM_COOKIE, FROM_SOAP } source_t;

static const char *source_word[] = { "none", "from-PP", "cookie", "SOAP" };

static int challenge(request_rec *r, const pp_realm_t *realm,
                     const pp_partner_conf_t *conf)
{
    const char *www, *location;

    /* the page asked for, query string included (MS-PASS 4, step 2):
     * the user comes back to it, not to the site's root */
    const char *asked = r->unparsed_uri != NULL && r->unparsed_uri[0] == '/'
                        ? r->unparsed_uri
                        : ap_escape_uri(r->pool, r->uri);

    pp_partner_challenge(r->pool, realm, conf,
                         ap_construct_url(r->pool, asked, r),
                         apr_time_sec(r->request_time), &www, &location);
    apr_table_setn(r->err_headers_out, "WWW-Authenticate", www);
    apr_table_setn(r->headers_out, "Location", location);
    apr_table_setn(r->err_headers_out, "Cache-Control", "no-cache");
    return HTTP_MOVED_TEMPORARILY;
}

/* The ticket in a POSTed SOAP envelope's header; the body is handed on
 * to the protected handler either way. */
static const char *soap_ticket(request_rec *r, const pp_srv_cfg_t *c)
{
    const char *ct = apr_table_get(r->headers_in, "Content-Type");
    const char *why = NULL, *ticket = NULL;
    apr_size_t len;
    char *body;

    if (r->method_number != M_POST || ct == NULL
        || (strncasecmp(ct, "text/xml", 8) != 0
            && strncasecmp(ct, "application/soap+xml", 20) != 0))
        return NULL;
    body = pp_read_body(r, c->body_limit, &len, &why);
    if (body == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, "PP0701: partner: %s",
                      why);
        return NULL;
    }
    if (pp_soap_find_ticket(r->pool, body, len, &ticket, &why) != PP_SOAP_OK)
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, "PP0702: partner: no "
                      "ticket in the SOAP request: %s", why);
    pp_replay_body(r, body, len);
    return ticket;
}

int pp_partner_check_authn(request_rec *r)
{
    const char *type = ap_auth_type(r), *auth, *ticket = NULL, *audience;
    const pp_dir_cfg_t *d;
    const pp_srv_cfg_t *c;
    pp_partner_conf_t conf;
    pp_verify_result_t v;
    apr_int64_t now = apr_time_sec(r->request_time);
    source_t from = FROM_NONE;

    if (type == NULL || strcasecmp(type, "Passport1.4") != 0)
        return DECLINED;
    d = ap_get_module_config(r->per_dir_config, &passport_module);
    c = pp_srv_cfg(r->server);
    pp_dir_partner_conf(d, &conf);
    if (c->realm->keyring == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "PP0703: AuthType "
                      "Passport1.4 needs PassportKeyFile for this server");
        return HTTP_INTERNAL_SERVER_ERROR;
    }

    auth = apr_table_get(r->headers_in, "Authorization");
    if (auth != NULL && (ticket = pp_p14_from_pp(r->pool, auth)) != NULL)
        from = FROM_HEADER;
    else if ((ticket = pp_cookie(r, "MSPAuth")) != NULL)
        from = FROM_COOKIE;
    else if (d->soap_ticket == 1 && (ticket = soap_ticket(r, c)) != NULL)
        from = FROM_SOAP;
    if (from == FROM_NONE) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, "PP0704: partner: no "
                      "Passport credentials; challenging");
        return challenge(r, c->realm, &conf);
    }

    audience = pp_partner_audience(c->realm, &conf);
    pp_verify(r->pool, c->realm->keyring, c->realm->name, ticket, audience,
              now, NULL, NULL, &v);
    if (v.status != PP_TICKET_OK) {
        ap_log_rerror(APLOG_MARK, APLOG_NOTICE, 0, r, "PP0705: partner: "
                      "ticket from %s refused (%s) for audience '%s'; "
                      "challenging", source_word[from],
                      pp_ticket_status_word(v.status),
                      ap_escape_logitem(r->pool, audience));
        return challenge(r, c->realm, &conf);
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
    if (from == FROM_HEADER) {
        pp_partner_token_t t;

        pp_partner_set_token(r->pool, ticket, &v, now, &t);
        apr_table_setn(r->err_headers_out, "Authentication-Info",
                       t.authentication_info);
        pp_set_cookie(r, "MSPAuth", t.auth, t.max_age, 0);
        pp_set_cookie(r, "MSPProf", t.prof, t.max_age, 0);
    }
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, "PP0706: partner: '%s' "
                  "authenticated by %s", ap_escape_logitem(r->pool, r->user),
                  source_word[from]);
    return OK;
}
