/*
 * pp_login.c - login2.srf's decisions: partner site matching, domain
 * redirects, Token Requests by cookie, and the Token Response.
 */
#include "pp_login.h"
#include "pp_p14.h"
#include "pp_ticket.h"
#include "pp_str.h"
#include "pp_xml.h"

#include <apr_strings.h>
#include <apr_uri.h>

const char *const pp_login_cookie_names[PP_LOGIN_MAX_COOKIES] = {
    "MSPAuth", "MSPProf", "MSPSec"
};

static void note(pp_login_decision_t *d, pp_note_level_t level,
                 const char *text)
{
    d->note.level = level;
    d->note.text = text;
}

static void challenge(pp_login_decision_t *d, int noretry)
{
    d->action = PP_LOGIN_CHALLENGE;
    d->noretry = noretry;
}

static const char *host_of(apr_pool_t *p, const char *url)
{
    apr_uri_t u;

    if (url == NULL || apr_uri_parse(p, url, &u) != APR_SUCCESS
        || u.hostname == NULL)
        return NULL;
    return u.hostname;
}

/* The partner site the request is for (MS-PASS 3.3.5.1: "the parameters
 * relayed from the partner server are valid"): by id= when sent, else by
 * the host of OrgURL or ru; and OrgURL and ru, when sent, must be on the
 * site's host. NULL, with the reason noted, when no site fits. */
static const pp_site_t *find_site(apr_pool_t *p, const pp_realm_t *realm,
                                  const pp_p14_request_t *q,
                                  pp_login_decision_t *d)
{
    const pp_site_t *site = NULL;
    const char *org = host_of(p, q->org_url), *ru = host_of(p, q->ru);
    int i;

    for (i = 0; i < realm->sites->nelts && site == NULL; i++) {
        const pp_site_t *s = &APR_ARRAY_IDX(realm->sites, i, pp_site_t);

        if (q->id ? strcmp(q->id, s->id) == 0
                  : (org ? strcasecmp(org, s->host) == 0
                         : ru ? strcasecmp(ru, s->host) == 0 : 1))
            site = s;
    }
    if (site == NULL) {
        note(d, PP_NOTE_NOTICE, apr_psprintf(p, "PP0202: login2: no "
             "configured site for id=%s OrgURL=%s (PassportSite)",
             pp_log_escape(p, q->id), pp_log_escape(p, q->org_url)));
        return NULL;
    }
    if ((q->org_url && (!org || strcasecmp(org, site->host) != 0))
        || (q->ru && (!ru || strcasecmp(ru, site->host) != 0))) {
        note(d, PP_NOTE_NOTICE, apr_psprintf(p, "PP0203: login2: OrgURL or "
             "ru is not allowed for site %s (want host %s)", site->id,
             site->host));
        return NULL;
    }
    return site;
}

/* The sign-in name's domain belongs to another login server. */
static const char *domain_redirect(const pp_realm_t *realm,
                                   const char *signin)
{
    const apr_array_header_t *d = realm->domain_redirects;
    const char *domain = strrchr(signin, '@') + 1;
    int i;

    for (i = 0; d != NULL && i < d->nelts; i++)
        if (strcmp(APR_ARRAY_IDX(d, i, pp_domain_redirect_t).domain,
                   domain) == 0)
            return APR_ARRAY_IDX(d, i, pp_domain_redirect_t).url;
    return NULL;
}

/* tname= with no credentials: a valid MSPAuth (or MSPSec) cookie stands
 * in for the password (MS-PASS 3.3.5.2). */
static void token_request(apr_pool_t *p, const pp_realm_t *realm,
                          const pp_login_request_t *in,
                          const pp_p14_request_t *q, pp_login_decision_t *d)
{
    const char *cookie = in->auth_cookie ? in->auth_cookie : in->sec_cookie;
    pp_ticket_status_t st = PP_TICKET_MALFORMED;
    pp_ticket_t t;

    if ((d->site = find_site(p, realm, q, d)) == NULL) {
        challenge(d, 1);
        return;
    }
    if (cookie != NULL)
        st = pp_ticket_open(p, realm->keyring, realm->name, cookie, in->now,
                            PP_AUDIENCE_AUTH, &t);
    if (st != PP_TICKET_OK) {
        note(d, PP_NOTE_NOTICE, apr_psprintf(p, "PP0204: login2: token "
             "request without a valid MSPAuth cookie (%s)",
             cookie ? pp_ticket_status_word(st) : "no cookie"));
        challenge(d, 0);
        return;
    }
    d->action = PP_LOGIN_GRANT;
    d->account.puid = t.puid;
    d->account.signin = t.signin;
}

void pp_login_decide(apr_pool_t *p, const pp_realm_t *realm,
                     const pp_login_request_t *in, pp_login_decision_t *d)
{
    pp_p14_request_t q;
    const char *err = NULL, *redir;

    memset(d, 0, sizeof(*d));
    if (!pp_p14_parse(p, in->authorization, &q, &err)) {
        note(d, PP_NOTE_INFO, apr_psprintf(p, "PP0201: login2: %s; "
                                           "answering the challenge", err));
        challenge(d, 0);
        return;
    }
    if (q.signin == NULL && q.pwd == NULL) {
        if (q.tname) {
            token_request(p, realm, in, &q, d);
            return;
        }
        note(d, PP_NOTE_INFO, "PP0205: login2: neither credentials nor "
             "tname=; answering the challenge");
        challenge(d, 0);
        return;
    }
    d->signin = pp_signin_normalize(p, q.signin);
    if (d->signin == NULL || q.pwd == NULL || *q.pwd == '\0') {
        note(d, PP_NOTE_NOTICE, apr_psprintf(p, "PP0206: login2: %s",
             d->signin == NULL ? "missing or malformed sign-in name"
                               : "missing or empty pwd"));
        challenge(d, 0);
        return;
    }
    if ((redir = domain_redirect(realm, d->signin)) != NULL) {
        note(d, PP_NOTE_INFO, apr_psprintf(p, "PP0207: login2: '%s' "
             "redirected to %s", pp_log_escape(p, d->signin), redir));
        d->action = PP_LOGIN_REDIRECT;
        d->location = redir;
        return;
    }
    if ((d->site = find_site(p, realm, &q, d)) == NULL) {
        challenge(d, 1);
        return;
    }
    d->action = PP_LOGIN_CHECK_PASSWORD;
    d->password = q.pwd;
}

int pp_login_grant(apr_pool_t *p, const pp_realm_t *realm,
                   const pp_site_t *site, const pp_account_t *acct,
                   apr_int64_t now, int https, pp_login_grant_t *out,
                   const char **err)
{
    pp_grant_t g[2];

    memset(out, 0, sizeof(*out));
    memset(g, 0, sizeof(g));
    g[0].audience = site->host;
    g[1].audience = PP_AUDIENCE_AUTH;
    if (!pp_issue(p, realm, acct, now, g, 2, &out->expires, err))
        return 0;
    out->partner = g[0];
    out->cookie_max_age = out->expires - now;
    out->cookies[0].name = pp_login_cookie_names[0];
    out->cookies[0].value = g[1].ticket;
    out->cookies[1].name = pp_login_cookie_names[1];
    out->cookies[1].value = pp_hex16(p, acct->puid);
    out->ncookies = 2;
    if (https) {
        out->cookies[2].name = pp_login_cookie_names[2];
        out->cookies[2].value = g[1].ticket;
        out->ncookies = 3;
    }
    out->authentication_info = pp_p14_success(p, g[0].compact,
                                              site->return_url);
    out->passport_config = apr_psprintf(p, "ConfigVersion=%" APR_INT64_T_FMT,
                                        realm->config_version);
    return 1;
}

const char *pp_login_challenge(apr_pool_t *p, const pp_realm_t *realm,
                               int noretry)
{
    return pp_p14_challenge(p, noretry, realm->name, realm->cobrand_url,
                            realm->cobrand_text);
}

const char *pp_login_challenge_body(apr_pool_t *p, const pp_realm_t *realm)
{
    return apr_pstrcat(p, "<HTML><HEAD><META HTTP-EQUIV=\"REFRESH\" "
                       "CONTENT=\"0; URL=https://",
                       pp_xml_escape(p, realm->dalogin), "?f=11\"><script>"
                       "function OnBack(){}</script></HEAD></HTML>", NULL);
}
