/*
 * pp_issue.h - the account a request is for, and the tickets issued to
 * it. Every ticket of one answer shares one issue time and one expiry,
 * and each ticket's MBI secret is derived once, here. Apache-free.
 */
#ifndef PP_ISSUE_H
#define PP_ISSUE_H

#include <apr_pools.h>

#include "pp_realm.h"
#include "pp_mbi.h"

typedef struct {
    apr_uint64_t puid;
    const char *signin;         /* the account's own name */
    const char *hash;           /* the stored password hash */
    int has_cid;                /* the database gave a CID */
    apr_uint64_t cid;
} pp_account_t;

/* The audience of the login server's own cookie ticket (MSPAuth). */
#define PP_AUDIENCE_AUTH "MSPAuth"

typedef struct {
    const char *audience;       /* in; for a shared ticket (out), its
                                   audiences joined with single spaces */
    apr_int64_t lifetime;       /* in: seconds; 0 for the realm's ticket
                                   lifetime (the legacy token has its own) */
    apr_int64_t expires;        /* out: this ticket's expiry */
    const char *ticket;         /* out: the sealed ticket */
    const char *compact;        /* out: t=<ticket>&p=<PUID> */
    const char *secret;         /* out: its MBI secret, base64 */
} pp_grant_t;

/* Seal a ticket for each grant's audience, valid from now for the
 * grant's lifetime (by default the realm's ticket lifetime); *expires is
 * now + the realm's ticket lifetime, each grant's expires its own end.
 * 1, or 0 and *err. */
int pp_issue(apr_pool_t *p, const pp_realm_t *realm, const pp_account_t *acct,
             apr_int64_t now, pp_grant_t *grants, int n, apr_int64_t *expires,
             const char **err);

/* One version 2 ticket for n audiences (PassportSharedTicket): the
 * grant's ticket, compact form and MBI secret, valid from now for the
 * realm's ticket lifetime. out->audience is the list joined with single
 * spaces, in order: what PassportTicketRecordQuery records for it.
 * 1, or 0 and *err. */
int pp_issue_shared(apr_pool_t *p, const pp_realm_t *realm,
                    const pp_account_t *acct, apr_int64_t now,
                    const char *const *audiences, int n, pp_grant_t *out,
                    const char **err);

/* "t=<ticket>&p=<profile>" around a ticket; p is the PUID in hex. */
const char *pp_compact(apr_pool_t *p, const char *ticket, apr_uint64_t puid);

/* The account's CID: the database's, or the one derived from the PUID. */
apr_uint64_t pp_account_cid(const pp_account_t *acct);

#endif
