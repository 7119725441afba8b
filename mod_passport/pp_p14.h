/*
 * pp_p14.h - the Passport1.4 header grammar (MS-PASS 2.2): parsing the
 * Authorization header of login2.srf and rendering the answers.
 * Apache-free.
 */
#ifndef PP_P14_H
#define PP_P14_H

#include <apr_pools.h>
#include <apr_tables.h>

#include "pp_str.h"

#define PP_P14_MAX_HEADER 8192
#define PP_P14_MAX_PARAMS 64
#define PP_P14_MAX_PWD    256

typedef struct {
    const char *name;           /* as sent */
    const char *value;          /* raw, NULL for a bare token */
} pp_p14_param_t;

typedef struct {
    apr_array_header_t *params; /* every parameter, in order, raw */
    const char *signin;         /* URL-decoded; NULL when absent */
    const char *pwd;            /* URL-decoded; NULL when absent */
    const char *org_verb;
    const char *org_url;        /* URL-decoded */
    const char *ru;             /* URL-decoded */
    const char *id;             /* the partner site id */
    int tname;                  /* a tname= parameter was sent */
    int credentials;            /* a sign-in or pwd parameter was seen
                                   (set even when the parse fails) */
} pp_p14_request_t;

/* Parse "Passport1.4 name=value,name=value,...". Returns 1, or 0 with
 * *err saying what is wrong (never quoting a password). */
int pp_p14_parse(apr_pool_t *p, const char *header, pp_p14_request_t *out,
                 const char **err);

/* Authentication-Info of the Authentication Server Redirect (2.2.5)
 * and Logout (2.2.4) messages. */
#define PP_P14_REDIRECT "Passport1.4 da-status=redir"
#define PP_P14_LOGOUT   "Passport1.4 da-status=logout"

/* Authentication-Info value of a Token Response: a tname for each of the
 * n cookies set (MS-PASS 3.3.5.1), the compact ticket, the return URL. */
const char *pp_p14_success(apr_pool_t *p, const char *const *tnames, int n,
                           const char *compact, const char *ru);

/* WWW-Authenticate value of an Authentication Server Challenge: failed
 * (with prompt, when the user must type the password again) or
 * failed-noretry. cburl and cbtxt (already escaped) are left out when
 * NULL. */
const char *pp_p14_challenge(apr_pool_t *p, int noretry, int prompt,
                             const char *realm, const char *cburl,
                             const char *cbtxt);

/* The from-PP of a First Authenticated Request ("Authorization:
 * Passport1.4 from-PP=..."), with the quotes of the Token Response
 * removed; NULL when there is none. */
const char *pp_p14_from_pp(apr_pool_t *p, const char *header);

#endif
