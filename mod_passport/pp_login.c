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
    PP_COOKIE_AUTH, PP_COOKIE_PROF, PP_COOKIE_SEC
};

static void note(pp_login_decision_t *d, pp_note_level_t level,
                 const char *text)
{
    if (d->nnotes < PP_LOGIN_MAX_NOTES) {
        d->notes[d->nnotes].level = level;
        d->notes[d->nnotes++].text = text;
    }
}

static void challenge(pp_login_decision_t *d, int noretry, int prompt)
{
    d->action = PP_LOGIN_CHALLENGE;
    d->noretry = noretry;
    d->prompt = prompt;
}

/* The host of an http(s) URL, or NULL when it is not one. */
static const char *host_of(apr_pool_t *p, const char *url)
{
    apr_uri_t u;

    if (url == NULL || apr_uri_parse(p, url, &u) != APR_SUCCESS
        || u.hostname == NULL || *u.hostname == '\0' || u.scheme == NULL
        || (strcasecmp(u.scheme, "http") != 0
            && strcasecmp(u.scheme, "https") != 0))
        return NULL;
    return u.hostname;
}

/* Clients relay the messenger server's challenge as they got it, and
 * some fill a parameter it lacks with "(null)" (Pidgin 2.0 to 2.2): an
 * OrgURL or ru that is no URL with a host counts as not sent. The
 * value, and its host in *host; or NULL for both. */
static const char *url_param(apr_pool_t *p, pp_login_decision_t *d,
                             const char *name, const char *value,
                             const char **host)
{
    *host = host_of(p, value);
    if (value == NULL || *host != NULL)
        return value;
    note(d, PP_NOTE_INFO, apr_psprintf(p, "PP0209: login2: %s '%s' is not "
         "a URL with a host; taken as not sent", name,
         pp_log_escape(p, value)));
    return NULL;
}

/* The partner site the request is for (MS-PASS 3.3.5.1: "the parameters
 * relayed from the partner server are valid"). With no PassportSite,
 * any site id goes, to Messenger. Otherwise by id= when sent, else by
 * the host of OrgURL or ru. Then OrgURL and ru, when sent, must be on
 * the site's host. NULL, with the reason noted, when no site fits. */
static const pp_site_t *find_site(apr_pool_t *p, const pp_realm_t *realm,
                                  const pp_p14_request_t *q,
                                  pp_login_decision_t *d)
{
    const char *org, *ru;
    const char *org_url = url_param(p, d, "OrgURL", q->org_url, &org);
    const char *ru_url = url_param(p, d, "ru", q->ru, &ru);
    const pp_site_t *site = NULL;
    int i;

    if (realm->sites == NULL || q->id != NULL)
        site = pp_realm_site(realm, q->id);
    else
        for (i = 0; i < realm->sites->nelts && site == NULL; i++) {
            const pp_site_t *s = &APR_ARRAY_IDX(realm->sites, i, pp_site_t);

            if (org ? strcasecmp(org, s->host) == 0
                    : ru ? strcasecmp(ru, s->host) == 0 : 1)
                site = s;
        }
    if (site == NULL) {
        note(d, PP_NOTE_NOTICE, q->id
             ? apr_psprintf(p, "PP0202: login2: no PassportSite for site "
                            "id %s (OrgURL %s); to serve it, add "
                            "\"PassportSite %s RETURN-URL\"",
                            pp_log_escape(p, q->id), pp_log_escape(p, org_url),
                            pp_log_escape(p, q->id))
             : apr_psprintf(p, "PP0202: login2: no PassportSite on the host "
                            "of OrgURL %s or ru %s", pp_log_escape(p, org_url),
                            pp_log_escape(p, ru_url)));
        return NULL;
    }
    if ((org_url && strcasecmp(org, site->host) != 0)
        || (ru_url && strcasecmp(ru, site->host) != 0)) {
        note(d, PP_NOTE_NOTICE, apr_psprintf(p, "PP0203: login2: OrgURL or "
             "ru is not allowed for site %s (want host %s)", site->id,
             site->host));
        return NULL;
    }
    /* the Token Response sends the user back where the partner asked
     * (MS-PASS 4, steps 2 and 6): its ru, else OrgURL, on the site's
     * host (so never elsewhere), else the site's return URL */
    d->return_url = ru_url ? ru_url : org_url ? org_url : site->return_url;
    if (!pp_is_ptoken(d->return_url))
        d->return_url = site->return_url;   /* not fit for the header */
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

/* tname= with no credentials: a valid login cookie stands in for the
 * password (MS-PASS 3.3.5.2): PPAuth, else PPSec when PPAuth is absent
 * or not valid. Without one, failed without prompt: a client may then
 * send the credentials it has cached (3.1.5.2, note <8>). */
static void token_request(apr_pool_t *p, const pp_realm_t *realm,
                          const pp_login_request_t *in,
                          const pp_p14_request_t *q, pp_login_decision_t *d)
{
    pp_ticket_status_t st = PP_TICKET_MALFORMED, sec = PP_TICKET_MALFORMED;
    pp_ticket_t t;

    if ((d->site = find_site(p, realm, q, d)) == NULL) {
        challenge(d, 1, 0);
        return;
    }
    if (in->auth_cookie != NULL)
        st = pp_ticket_open(p, realm->keyring, realm->name, in->auth_cookie,
                            in->now, PP_AUDIENCE_AUTH, &t);
    if (st != PP_TICKET_OK && in->sec_cookie != NULL)
        sec = pp_ticket_open(p, realm->keyring, realm->name, in->sec_cookie,
                             in->now, PP_AUDIENCE_AUTH, &t);
    if (st != PP_TICKET_OK && sec != PP_TICKET_OK) {
        note(d, PP_NOTE_NOTICE, apr_psprintf(p, "PP0204: login2: token "
             "request without a valid " PP_COOKIE_AUTH " or " PP_COOKIE_SEC
             " cookie (%s, %s)",
             in->auth_cookie ? pp_ticket_status_word(st) : "none",
             in->sec_cookie ? pp_ticket_status_word(sec) : "none"));
        challenge(d, 0, 0);
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
        challenge(d, 0, q.credentials);
        return;
    }
    if (q.signin == NULL && q.pwd == NULL) {
        if (q.tname) {
            token_request(p, realm, in, &q, d);
            return;
        }
        note(d, PP_NOTE_INFO, "PP0205: login2: neither credentials nor "
             "tname=; answering the challenge");
        challenge(d, 0, 0);
        return;
    }
    d->signin = pp_signin_normalize(p, q.signin);
    if (d->signin == NULL || q.pwd == NULL || *q.pwd == '\0') {
        note(d, PP_NOTE_NOTICE, apr_psprintf(p, "PP0206: login2: %s",
             d->signin == NULL ? "missing or malformed sign-in name"
                               : "missing or empty pwd"));
        challenge(d, 0, 1);
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
        challenge(d, 1, 0);
        return;
    }
    d->action = PP_LOGIN_CHECK_PASSWORD;
    d->password = q.pwd;
}

void pp_login_password_refused(pp_login_decision_t *d, int outage)
{
    challenge(d, outage, !outage);
}

int pp_login_grant(apr_pool_t *p, const pp_realm_t *realm,
                   const pp_login_decision_t *d, const pp_account_t *acct,
                   apr_int64_t now, int https, pp_login_grant_t *out,
                   const char **err)
{
    const char *tnames[PP_LOGIN_MAX_COOKIES];
    pp_grant_t g[2];
    int i;

    memset(out, 0, sizeof(*out));
    memset(g, 0, sizeof(g));
    g[0].audience = d->site->host;
    g[1].audience = PP_AUDIENCE_AUTH;
    if (!pp_issue(p, realm, acct, now, g, 2, &out->expires, err))
        return 0;
    out->partner = g[0];
    out->cookie_max_age = out->expires - now;
    out->cookies[0].name = PP_COOKIE_AUTH;
    out->cookies[0].value = g[1].ticket;
    out->cookies[1].name = PP_COOKIE_PROF;
    out->cookies[1].value = pp_hex16(p, acct->puid);
    out->ncookies = 2;
    if (https) {
        out->cookies[2].name = PP_COOKIE_SEC;
        out->cookies[2].value = g[1].ticket;
        out->ncookies = 3;
    }
    /* tname names exactly the cookies set (MS-PASS 3.3.5.1) */
    for (i = 0; i < out->ncookies; i++)
        tnames[i] = out->cookies[i].name;
    out->authentication_info = pp_p14_success(p, tnames, out->ncookies,
                                              g[0].compact,
                                              d->return_url ? d->return_url
                                              : d->site->return_url);
    out->passport_config = apr_psprintf(p, "ConfigVersion=%" APR_INT64_T_FMT,
                                        realm->config_version);
    return 1;
}

const char *pp_login_challenge(apr_pool_t *p, const pp_realm_t *realm,
                               int noretry, int prompt)
{
    return pp_p14_challenge(p, noretry, prompt, realm->name,
                            realm->cobrand_url, realm->cobrand_text);
}

const char *pp_login_challenge_body(apr_pool_t *p, const pp_realm_t *realm)
{
    return apr_pstrcat(p, "<HTML><HEAD><META HTTP-EQUIV=\"REFRESH\" "
                       "CONTENT=\"0; URL=https://",
                       pp_xml_escape(p, realm->dalogin), "?f=11\"><script>"
                       "function OnBack(){}</script></HEAD></HTML>", NULL);
}
