/*
 * mod_passport_cache.h - PassportCache, the store of the sign-in guard,
 * and what the guard keeps in it: PassportThrottle's and
 * PassportThrottleAccount's failure counts and PassportCredentialCache's
 * verified passwords.
 *
 * The store is an ap_socache provider (shmcb on one machine; redis or
 * memcache across machines), created and checked at start-up
 * (check_config, so `apachectl -t` sees a bad one), initialised at
 * post_config; virtual hosts with the same PassportCache value share one
 * instance. Entries are named by keyed ids (pp_guard.h): no account
 * name, address or password reaches the store.
 *
 * When the store fails (Redis down), sign-ins go on without it: this
 * process leaves it alone for PP_STORE_RETRY seconds, then tries again;
 * a warning (PP0420) is logged at most once a minute server-wide, and a
 * notice (PP0421) when it answers again.
 */
#ifndef MOD_PASSPORT_CACHE_H
#define MOD_PASSPORT_CACHE_H

#include <httpd.h>

#include "mod_passport_config.h"

#define PP_STORE_RETRY 5            /* seconds a failed store is let be */

/* The hooks: register the global mutex's type (pre_config); find every
 * server's store and create it (check_config); initialise the stores,
 * create the mutex and derive the servers' store keys (post_config);
 * reopen the mutex in a child (child_init). */
int pp_store_pre_config(apr_pool_t *pconf, apr_pool_t *plog,
                        apr_pool_t *ptemp);
int pp_store_check_config(apr_pool_t *pconf, apr_pool_t *plog,
                          apr_pool_t *ptemp, server_rec *s);
int pp_store_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                         apr_pool_t *ptemp, server_rec *s);
void pp_store_child_init(apr_pool_t *p, server_rec *s);

/* mod_status's HTML page (not ?auto): the stores and whether this
 * process uses them. */
void pp_store_status(request_rec *r);

/* ---- the throttle ---------------------------------------------------- */

/* One request's view of its counts. */
typedef struct {
    const char *signin;            /* the name it counts for (lower case) */
    const char *address;           /* r->useragent_ip */
    int active;                    /* a store and a limit for this server */
    int have_pair;                 /* the pair had a count: a success
                                      removes it */
    int pair_id, account_id;       /* the ids were made (HMAC-SHA256):
                                      only a made id counts a failure */
    unsigned char pair[PP_GUARD_ID_LEN];
    unsigned char account[PP_GUARD_ID_LEN];
} pp_throttle_t;

/* Before the credential is looked at: 1 if signin is throttled for this
 * request's address (PassportThrottle) or from everywhere
 * (PassportThrottleAccount); the refusal is logged (PP0410, what being
 * "sign-in" or "renewal") and counted. 0 otherwise, and *t is ready for
 * the outcome. */
int pp_throttle_check(request_rec *r, const pp_srv_cfg_t *c,
                      const char *signin, const char *what,
                      pp_throttle_t *t);

/* The credential was wrong: count it for the pair and the account (the
 * read, add and write under the global mutex). Logs PP0411 when a limit
 * is reached. */
void pp_throttle_failed(request_rec *r, const pp_srv_cfg_t *c,
                        const pp_throttle_t *t);

/* The password was right: the pair's count goes (other accounts' counts
 * from the address, and the account's own count over all addresses,
 * stay). */
void pp_throttle_succeeded(request_rec *r, const pp_srv_cfg_t *c,
                           const pp_throttle_t *t);

/* ---- the credential cache --------------------------------------------- */

/* 1 if PassportCredentialCache remembers that password matches stored
 * (the account's hash as the database holds it now). */
int pp_credcache_hit(request_rec *r, const pp_srv_cfg_t *c,
                     const char *stored, const char *password);

/* Remember a password that matched, for PassportCredentialCache seconds. */
void pp_credcache_remember(request_rec *r, const pp_srv_cfg_t *c,
                           const char *stored, const char *password);

#endif
