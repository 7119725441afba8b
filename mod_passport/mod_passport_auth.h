/*
 * mod_passport_auth.h - checking a password against the account
 * database: the step login2.srf and RST.srf share.
 */
#ifndef MOD_PASSPORT_AUTH_H
#define MOD_PASSPORT_AUTH_H

#include <httpd.h>

#include "mod_passport_config.h"
#include "pp_issue.h"

typedef enum {
    PP_AUTH_OK,
    PP_AUTH_FAILED,        /* unknown account or wrong password */
    PP_AUTH_UNAVAILABLE    /* database or configuration problem */
} pp_auth_status_t;

/* post_config: each signing server's timing state (PassportTimingHash),
 * its dummies made once per format; child_init: its lock. */
int pp_auth_post_config(apr_pool_t *pconf, apr_pool_t *ptemp, server_rec *s);
void pp_auth_child_init(apr_pool_t *p, server_rec *s);

/* signin must be normalized (pp_signin_normalize). On PP_AUTH_OK, *acct
 * is the account. PP_AUTH_FAILED for a wrong password, an unknown name
 * (which costs what a wrong password costs) and a throttled one (which
 * costs no hashing): the endpoints answer all three alike. Logs every
 * failure with its reason (never the password), counts every outcome
 * (mod_passport_status.h). */
pp_auth_status_t pp_authenticate(request_rec *r, const pp_srv_cfg_t *c,
                                 const char *signin, const char *password,
                                 pp_account_t *acct);

#endif
