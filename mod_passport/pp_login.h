/*
 * pp_login.h - login2.srf's decisions (MS-PASS 3.3.5): what a Sign-in
 * Request or a Token Request gets, from plain inputs. The glue reads
 * the request, asks pp_login_decide, checks the password when told to,
 * asks pp_login_grant for the tickets, and writes what it is given.
 * Apache-free.
 */
#ifndef PP_LOGIN_H
#define PP_LOGIN_H

#include <apr_pools.h>

#include "pp_realm.h"
#include "pp_issue.h"
#include "pp_note.h"

typedef struct {
    const char *authorization;   /* the header, NULL when absent */
    const char *auth_cookie;     /* MSPAuth, NULL when absent */
    const char *sec_cookie;      /* MSPSec, NULL when absent */
    apr_int64_t now;
} pp_login_request_t;

typedef enum {
    PP_LOGIN_CHALLENGE,          /* 401 Authentication Server Challenge */
    PP_LOGIN_REDIRECT,           /* 302 to another login server */
    PP_LOGIN_CHECK_PASSWORD,     /* check signin/password, then grant */
    PP_LOGIN_GRANT               /* a good login cookie: grant at once */
} pp_login_action_t;

#define PP_LOGIN_MAX_NOTES 3

typedef struct {
    pp_login_action_t action;
    int noretry;                 /* CHALLENGE: failed-noretry, no prompt */
    int prompt;                  /* CHALLENGE: failed with prompt: the
                                    credentials sent were refused, so the
                                    user must type them (MS-PASS 3.1.5.2);
                                    without it a client may use cached
                                    ones (note <8>) */
    pp_note_t notes[PP_LOGIN_MAX_NOTES];
    int nnotes;
    const char *location;        /* REDIRECT */
    const pp_site_t *site;       /* CHECK_PASSWORD and GRANT */
    const char *return_url;      /* CHECK_PASSWORD and GRANT: the Token
                                    Response's ru (the page first asked
                                    for, on the site's own host) */
    const char *signin;          /* CHECK_PASSWORD: normalized */
    const char *password;        /* CHECK_PASSWORD */
    pp_account_t account;        /* GRANT: who the cookie names */
} pp_login_decision_t;

void pp_login_decide(apr_pool_t *p, const pp_realm_t *realm,
                     const pp_login_request_t *in, pp_login_decision_t *out);

/* After the password check failed: a refused password (or an unknown
 * account: the same answer) is "failed" with prompt, the user types it
 * again; an outage (the database) is "failed-noretry", not the user's
 * fault. Makes d a CHALLENGE. */
void pp_login_password_refused(pp_login_decision_t *d, int outage);

/* A cookie the login server sets (Path=/, HttpOnly; Secure over HTTPS). */
typedef struct {
    const char *name;
    const char *value;
} pp_cookie_t;

/* The login server's cookies, named as MS-PASS 4 names the
 * authentication server's (PPAuth), so that they never collide with a
 * partner location's MSPAuth/MSPProf on the same host: PPAuth (a ticket
 * for Token Requests), PPProf (the PUID) and, over HTTPS only, PPSec
 * (as PPAuth). */
#define PP_LOGIN_MAX_COOKIES 3
#define PP_COOKIE_AUTH "PPAuth"
#define PP_COOKIE_PROF "PPProf"
#define PP_COOKIE_SEC  "PPSec"
extern const char *const pp_login_cookie_names[PP_LOGIN_MAX_COOKIES];

typedef struct {
    const char *authentication_info; /* the Token Response */
    const char *passport_config;     /* PassportConfig: ConfigVersion=N */
    pp_grant_t partner;              /* the site's ticket: recorded */
    apr_int64_t expires;
    apr_int64_t cookie_max_age;
    pp_cookie_t cookies[PP_LOGIN_MAX_COOKIES];
    int ncookies;
} pp_login_grant_t;

/* The Token Response for acct, as the decision says (its site and return
 * URL): the site's ticket, the login cookies, the headers. 1, or 0 and
 * *err (sealing failed). */
int pp_login_grant(apr_pool_t *p, const pp_realm_t *realm,
                   const pp_login_decision_t *d, const pp_account_t *acct,
                   apr_int64_t now, int https, pp_login_grant_t *out,
                   const char **err);

/* The Authentication Server Challenge: WWW-Authenticate's value, and the
 * short HTML body the reference sends with it. */
const char *pp_login_challenge(apr_pool_t *p, const pp_realm_t *realm,
                               int noretry, int prompt);
const char *pp_login_challenge_body(apr_pool_t *p, const pp_realm_t *realm);

#endif
