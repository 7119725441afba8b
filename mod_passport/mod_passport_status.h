/*
 * mod_passport_status.h - live counters, shown by mod_status.
 *
 * Every count is server-wide, summed over all processes: the processes
 * add to one shared memory segment with atomic adds (apr_atomic_add64).
 * The totals live in the server process's pool, so they run from start
 * and survive graceful restarts, as mod_status's own counts do; the
 * counts per virtual host are created anew at each restart. With
 * mod_status loaded, /server-status shows them, and /server-status?auto
 * adds one line per counter (docs/directives.md, "Counters").
 */
#ifndef MOD_PASSPORT_STATUS_H
#define MOD_PASSPORT_STATUS_H

#include <httpd.h>

typedef enum {
    PP_STAT_SIGNINS_OK,          /* a credential was checked and right */
    PP_STAT_SIGNINS_FAILED,      /* ... and wrong, or the name unknown */
    PP_STAT_SIGNINS_THROTTLED,   /* refused by the throttle, unchecked */
    PP_STAT_RENEWALS,            /* tokens renewed with the legacy token */
    PP_STAT_FAULTS,              /* SOAP faults answered (RST/RST2.srf) */
    PP_STAT_CERTIFICATES,        /* p2pslc certificates issued */
    PP_STAT_CACHE_HITS,          /* sign-ins PassportCredentialCache
                                    answered */
    PP_STAT_COUNT
} pp_stat_t;

/* Add n to a counter of s's and of the whole server. */
void pp_stat_add(const server_rec *s, pp_stat_t which, apr_uint64_t n);
#define pp_stat_inc(s, which) pp_stat_add((s), (which), 1)

/* post_config: the shared segments, and each server's slot. */
int pp_status_post_config(apr_pool_t *pconf, server_rec *s);

/* Register the mod_status hook (register_hooks). */
void pp_status_register(apr_pool_t *p);

/* 1 for one caller per minute server-wide (every process): the clock a
 * repeated warning is rationed by. now in seconds. */
int pp_status_warning_due(apr_uint32_t now);

#endif
