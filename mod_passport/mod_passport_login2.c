/*
 * mod_passport_login2.c - SetHandler passport-login2: Passport 1.4
 * sign-in and Token Requests (MS-PASS 2.2.2 to 2.2.11, 3.3.5). The core
 * (pp_login.c) decides; this file reads the header and cookies, checks
 * the password when told to, records the ticket and writes the answer.
 *
 * Every answer is sent with its status set by hand, so Apache's HTML
 * error pages never replace the protocol's own: 200 Token Response,
 * 302 redirect, 401 Authentication Server Challenge.
 */
#include "mod_passport_config.h"
#include "mod_passport_handlers.h"
#include "mod_passport_auth.h"
#include "mod_passport_db.h"
#include "mod_passport_http.h"
#include "pp_login.h"
#include "pp_p14.h"

#include <http_protocol.h>
#include <http_request.h>
#include <http_log.h>

APLOG_USE_MODULE(passport);

static void no_cache(request_rec *r)
{
    apr_table_setn(r->headers_out, "Pragma", "no-cache");
    apr_table_setn(r->headers_out, "cachecontrol", "no-store");
}

/* 401 with the Authentication Server Challenge. */
static int challenge(request_rec *r, const pp_realm_t *realm, int noretry,
                     int prompt)
{
    no_cache(r);
    apr_table_setn(r->headers_out, "WWW-Authenticate",
                   pp_login_challenge(r->pool, realm, noretry, prompt));
    return pp_send(r, HTTP_UNAUTHORIZED, "text/html", "no-cache",
                   pp_login_challenge_body(r->pool, realm));
}

/* 200 Token Response: the site's ticket, recorded, and the cookies. */
static int grant(request_rec *r, const pp_srv_cfg_t *c,
                 const pp_login_decision_t *d, const pp_account_t *acct)
{
    const pp_realm_t *realm = c->realm;
    pp_login_grant_t g;
    const char *err = NULL;
    int i;

    if (!pp_login_grant(r->pool, realm, d, acct,
                        apr_time_sec(r->request_time), pp_is_https(r), &g,
                        &err)) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "PP0208: login2: %s", err);
        return challenge(r, realm, 1, 0);
    }
    if (!pp_db_record(r, c, acct, &g.partner, 1, g.expires))
        return challenge(r, realm, 1, 0);
    for (i = 0; i < g.ncookies; i++)
        pp_set_cookie(r, g.cookies[i].name, g.cookies[i].value,
                      g.cookie_max_age, 1);
    no_cache(r);
    apr_table_setn(r->headers_out, "Authentication-Info",
                   g.authentication_info);
    apr_table_setn(r->headers_out, "PassportConfig", g.passport_config);
    return pp_send(r, HTTP_OK, "text/html", "no-cache", "");
}

int pp_login2_handler(request_rec *r)
{
    const pp_srv_cfg_t *c;
    pp_login_request_t in;
    pp_login_decision_t d;
    pp_account_t acct;
    pp_auth_status_t st;
    int i;

    if (r->handler == NULL || strcmp(r->handler, PP_HANDLER_LOGIN2) != 0)
        return DECLINED;
    ap_allow_standard_methods(r, REPLACE_ALLOW, M_GET, -1);
    if (r->method_number != M_GET) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                      "PP0200: login2: method %s not allowed", r->method);
        return HTTP_METHOD_NOT_ALLOWED;
    }
    c = pp_srv_cfg(r->server);
    in.authorization = apr_table_get(r->headers_in, "Authorization");
    in.auth_cookie = pp_cookie(r, PP_COOKIE_AUTH);
    in.sec_cookie = pp_cookie(r, PP_COOKIE_SEC);
    in.now = apr_time_sec(r->request_time);
    pp_login_decide(r->pool, c->realm, &in, &d);
    for (i = 0; i < d.nnotes; i++)
        PP_LOG_NOTE(r, d.notes[i]);

    switch (d.action) {
    case PP_LOGIN_REDIRECT:
        no_cache(r);
        apr_table_setn(r->headers_out, "Authentication-Info",
                       PP_P14_REDIRECT);
        apr_table_setn(r->headers_out, "Location", d.location);
        return pp_send(r, HTTP_MOVED_TEMPORARILY, "text/html", "no-cache",
                       "");
    case PP_LOGIN_CHECK_PASSWORD:
        st = pp_authenticate(r, c, d.signin, d.password, &acct);
        if (st == PP_AUTH_OK)
            return grant(r, c, &d, &acct);
        pp_login_password_refused(&d, st == PP_AUTH_UNAVAILABLE);
        return challenge(r, c->realm, d.noretry, d.prompt);
    case PP_LOGIN_GRANT:
        return grant(r, c, &d, &d.account);
    default:
        return challenge(r, c->realm, d.noretry, d.prompt);
    }
}
