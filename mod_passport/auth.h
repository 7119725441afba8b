/*
 * auth.h - what login2.srf and RST.srf share: checking a password
 * against the account database, and issuing sealed tickets.
 */
#ifndef PP_AUTH_H
#define PP_AUTH_H

#include <httpd.h>
#include "config.h"
#include "db.h"

typedef enum {
    PP_AUTH_OK,
    PP_AUTH_FAILED,        /* unknown account or wrong password */
    PP_AUTH_UNAVAILABLE    /* database or configuration problem */
} pp_auth_status_t;

/* The audience of the login server's own cookie ticket (MSPAuth). */
#define PP_AUDIENCE_AUTH "MSPAuth"

/* signin must be normalized (pp_signin_normalize). Logs every failure
 * with its reason (never the password). */
pp_auth_status_t pp_authenticate(request_rec *r, const char *signin,
                                 const char *password, pp_account_t *acct);

/* Seal a ticket for puid/signin and audience, valid for the server's
 * PassportTicketLifetime from now. NULL (logged) on failure. */
const char *pp_issue_ticket(request_rec *r, apr_uint64_t puid,
                            const char *signin, const char *audience,
                            apr_int64_t *expires);

/* "t=<ticket>&p=<profile>" around a ticket; p is the PUID in hex. */
const char *pp_compact(apr_pool_t *p, const char *ticket, apr_uint64_t puid);

#endif
