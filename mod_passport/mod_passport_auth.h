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

/* signin must be normalized (pp_signin_normalize). On PP_AUTH_OK, *acct
 * is the account. Logs every failure with its reason (never the
 * password). */
pp_auth_status_t pp_authenticate(request_rec *r, const pp_srv_cfg_t *c,
                                 const char *signin, const char *password,
                                 pp_account_t *acct);

#endif
