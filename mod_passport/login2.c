/*
 * login2.c - SetHandler passport-login2: Passport 1.4 sign-in and token
 * requests (MS-PASS 2.2.2 to 2.2.11, 3.3.5).
 *
 * Every answer is built here and sent with status set by hand, so
 * Apache's HTML error pages never replace the protocol's own:
 *   200 Token Response, 302 redirect, 401 Authentication Server
 *   Challenge (failed / failed-noretry).
 */
#include "handlers.h"
#include "config.h"
#include "auth.h"
#include "pp_p14.h"
#include "pp_ticket.h"
#include "pp_str.h"
#include "cookies.h"

#include <http_protocol.h>
#include <http_request.h>
#include <http_log.h>
#include <util_cookies.h>
#include <apr_strings.h>
#include <apr_uri.h>

APLOG_USE_MODULE(passport);

static void no_cache(request_rec *r)
{
    apr_table_setn(r->headers_out, "Cache-Control", "no-cache");
    apr_table_setn(r->headers_out, "Pragma", "no-cache");
    apr_table_setn(r->headers_out, "cachecontrol", "no-store");
}

/* 401 with the Authentication Server Challenge and a short HTML body
 * like the reference's (it sends the browser back to the login page). */
static int challenge(request_rec *r, int noretry)
{
    const pp_srv_cfg_t *c = pp_srv_cfg(r->server);

    no_cache(r);
    apr_table_setn(r->headers_out, "WWW-Authenticate",
                   pp_p14_challenge(r->pool, noretry, pp_cfg_realm(c),
                                    c->cobrand_url, c->cobrand_text));
    r->status = HTTP_UNAUTHORIZED;
    ap_set_content_type(r, "text/html");
    if (!r->header_only)
        ap_rprintf(r, "<HTML><HEAD><META HTTP-EQUIV=\"REFRESH\" "
                   "CONTENT=\"0; URL=https://%s?f=11\"><script>function "
                   "OnBack(){}</script></HEAD></HTML>",
                   ap_escape_html(r->pool, pp_cfg_dalogin(r, c)));
    return OK;
}

static const char *host_of(apr_pool_t *p, const char *url)
{
    apr_uri_t u;

    if (url == NULL || apr_uri_parse(p, url, &u) != APR_SUCCESS
        || u.hostname == NULL)
        return NULL;
    return u.hostname;
}

/* The partner site the request is for, or NULL (and a logged reason)
 * when the partner parameters are not valid for any configured site. */
static const pp_site_t *find_site(request_rec *r, const pp_p14_request_t *q)
{
    const apr_array_header_t *sites = pp_cfg_sites(pp_srv_cfg(r->server));
    const pp_site_t *site = NULL;
    const char *org = host_of(r->pool, q->org_url);
    const char *ru = host_of(r->pool, q->ru);
    int i;

    for (i = 0; i < sites->nelts && site == NULL; i++) {
        const pp_site_t *s = &APR_ARRAY_IDX(sites, i, pp_site_t);

        if (q->id ? strcmp(q->id, s->id) == 0
                  : (org ? strcasecmp(org, s->host) == 0
                         : ru ? strcasecmp(ru, s->host) == 0 : 1))
            site = s;
    }
    if (site == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_NOTICE, 0, r, "PP0202: login2: no "
                      "configured site for id=%s OrgURL=%s (PassportSite)",
                      ap_escape_logitem(r->pool, q->id ? q->id : "-"),
                      ap_escape_logitem(r->pool, q->org_url ? q->org_url
                                                            : "-"));
        return NULL;
    }
    if ((q->org_url && (!org || strcasecmp(org, site->host) != 0))
        || (q->ru && (!ru || strcasecmp(ru, site->host) != 0))) {
        ap_log_rerror(APLOG_MARK, APLOG_NOTICE, 0, r, "PP0203: login2: "
                      "OrgURL or ru is not allowed for site %s (want host %s)",
                      site->id, site->host);
        return NULL;
    }
    return site;
}

/* 200 Token Response with fresh tickets and the cookies. */
static int success(request_rec *r, const pp_site_t *site, apr_uint64_t puid,
                   const char *signin)
{
    const pp_srv_cfg_t *c = pp_srv_cfg(r->server);
    const char *ticket, *auth;
    apr_int64_t lifetime = pp_cfg_ticket_lifetime(c);

    ticket = pp_issue_ticket(r, puid, signin, site->host, NULL);
    auth = pp_issue_ticket(r, puid, signin, PP_AUDIENCE_AUTH, NULL);
    if (ticket == NULL || auth == NULL)
        return challenge(r, 1);

    pp_set_cookie(r, "MSPAuth", auth, lifetime);
    pp_set_cookie(r, "MSPProf", pp_hex16(r->pool, puid), lifetime);
    if (pp_is_https(r))
        pp_set_cookie(r, "MSPSec", auth, lifetime);
    no_cache(r);
    apr_table_setn(r->headers_out, "Authentication-Info",
                   pp_p14_success(r->pool, pp_compact(r->pool, ticket, puid),
                                  site->return_url));
    apr_table_setn(r->headers_out, "PassportConfig",
                   apr_psprintf(r->pool, "ConfigVersion=%" APR_INT64_T_FMT,
                                pp_cfg_config_version(c)));
    ap_set_content_type(r, "text/html");
    ap_set_content_length(r, 0);
    return OK;
}

/* tname= with no credentials: a valid MSPAuth (or MSPSec) cookie
 * stands in for the password (MS-PASS 3.3.5.2). */
static int token_request(request_rec *r, const pp_p14_request_t *q)
{
    const pp_srv_cfg_t *c = pp_srv_cfg(r->server);
    const pp_site_t *site = find_site(r, q);
    const char *cookie = NULL;
    pp_ticket_status_t st = PP_TICKET_MALFORMED;
    pp_ticket_t t;

    if (site == NULL)
        return challenge(r, 1);
    if (ap_cookie_read(r, "MSPAuth", &cookie, 0) != APR_SUCCESS
        || cookie == NULL)
        ap_cookie_read(r, "MSPSec", &cookie, 0);
    if (cookie != NULL)
        st = pp_ticket_open(r->pool, c->keyring, pp_cfg_realm(c), cookie,
                            apr_time_sec(r->request_time), PP_AUDIENCE_AUTH,
                            &t);
    if (st != PP_TICKET_OK) {
        ap_log_rerror(APLOG_MARK, APLOG_NOTICE, 0, r, "PP0204: login2: "
                      "token request without a valid MSPAuth cookie (%s)",
                      cookie ? pp_ticket_status_word(st) : "no cookie");
        return challenge(r, 0);
    }
    return success(r, site, t.puid, t.signin);
}

/* The sign-in name's domain belongs to another login server. */
static const char *domain_redirect(request_rec *r, const char *signin)
{
    const apr_array_header_t *d = pp_srv_cfg(r->server)->domain_redirects;
    const char *domain = strrchr(signin, '@') + 1;
    int i;

    for (i = 0; d != NULL && i < d->nelts; i++)
        if (strcmp(APR_ARRAY_IDX(d, i, pp_domain_redirect_t).domain,
                   domain) == 0)
            return APR_ARRAY_IDX(d, i, pp_domain_redirect_t).url;
    return NULL;
}

int pp_login2_handler(request_rec *r)
{
    pp_p14_request_t q;
    pp_account_t acct;
    const char *err = NULL, *signin, *redir;
    const pp_site_t *site;

    if (r->handler == NULL || strcmp(r->handler, "passport-login2") != 0)
        return DECLINED;
    ap_allow_standard_methods(r, REPLACE_ALLOW, M_GET, -1);
    if (r->method_number != M_GET) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                      "PP0200: login2: method %s not allowed", r->method);
        return HTTP_METHOD_NOT_ALLOWED;
    }

    if (!pp_p14_parse(r->pool, apr_table_get(r->headers_in, "Authorization"),
                      &q, &err)) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                      "PP0201: login2: %s; answering the challenge", err);
        return challenge(r, 0);
    }
    if (q.signin == NULL && q.pwd == NULL) {
        if (q.tname)
            return token_request(r, &q);
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, "PP0205: login2: "
                      "neither credentials nor tname=; answering the challenge");
        return challenge(r, 0);
    }
    signin = pp_signin_normalize(r->pool, q.signin);
    if (signin == NULL || q.pwd == NULL || *q.pwd == '\0') {
        ap_log_rerror(APLOG_MARK, APLOG_NOTICE, 0, r, "PP0206: login2: %s",
                      signin == NULL ? "missing or malformed sign-in name"
                                     : "missing or empty pwd");
        return challenge(r, 0);
    }
    if ((redir = domain_redirect(r, signin)) != NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, "PP0207: login2: '%s' "
                      "redirected to %s", ap_escape_logitem(r->pool, signin),
                      redir);
        no_cache(r);
        apr_table_setn(r->headers_out, "Authentication-Info",
                       "Passport1.4 da-status=redir");
        apr_table_setn(r->headers_out, "Location", redir);
        r->status = HTTP_MOVED_TEMPORARILY;
        ap_set_content_length(r, 0);
        return OK;
    }
    if ((site = find_site(r, &q)) == NULL)
        return challenge(r, 1);

    switch (pp_authenticate(r, signin, q.pwd, &acct)) {
    case PP_AUTH_OK:
        return success(r, site, acct.puid, signin);
    case PP_AUTH_FAILED:
        return challenge(r, 0);
    case PP_AUTH_UNAVAILABLE:
    default:
        /* not the user's fault: do not prompt for the password again */
        return challenge(r, 1);
    }
}
