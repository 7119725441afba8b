/*
 * mod_passport_db.h - every use of mod_dbd: the statements, prepared
 * once at start-up; the account look-up; the ticket record.
 */
#ifndef MOD_PASSPORT_DB_H
#define MOD_PASSPORT_DB_H

#include <httpd.h>

#include "mod_passport_config.h"
#include "pp_issue.h"

typedef enum {
    PP_DB_FOUND,
    PP_DB_NOT_FOUND,
    PP_DB_ERROR                /* database unavailable or query failed */
} pp_db_status_t;

/* post_config: prepare PassportAccountQuery and PassportTicketRecordQuery
 * of every server that signs people in (has a PassportKeyFile), each
 * distinct statement once per mod_dbd configuration. */
int pp_db_prepare(apr_pool_t *pconf, apr_pool_t *ptemp, server_rec *s);

/* Look up a normalized sign-in name with the server's prepared
 * PassportAccountQuery. Every failure is logged with its reason. The
 * account's name is its `signin` column when the query returns one,
 * the normalized name otherwise. */
pp_db_status_t pp_db_find_account(request_rec *r, const pp_srv_cfg_t *c,
                                  const char *signin, pp_account_t *out);

/* Run PassportTicketRecordQuery for each of n tickets issued to acct
 * (ticket, PUID, sign-in, audience, expiry, MBI secret); the expiry is
 * the grant's own, or expires when it has none. 1 on success,
 * or when the server records nothing; 0 (logged) when a write failed. */
int pp_db_record(request_rec *r, const pp_srv_cfg_t *c,
                 const pp_account_t *acct, const pp_grant_t *grants, int n,
                 apr_int64_t expires);

#endif
