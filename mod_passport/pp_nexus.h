/*
 * pp_nexus.h - the Update Configuration message (MS-PASS 2.2.12):
 * the value of the PassportURLs header. Apache-free.
 */
#ifndef PP_NEXUS_H
#define PP_NEXUS_H

#include <apr_pools.h>


typedef struct {
    const char *realm;          /* DARealm, required */
    const char *dalogin;        /* DALogin, required (HOST/PATH) */
    const char *dareg;          /* optional: NULL leaves it out */
    const char *properties;
    const char *privacy;
    const char *general_redir;
    const char *help;
    apr_int64_t config_version;   /* ConfigVersion */
} pp_nexus_urls_t;

/* "DARealm=...,DALogin=...,[DAReg=...,]...,ConfigVersion=N", in the
 * order of the grammar, optional fields omitted when NULL. */
const char *pp_nexus_header(apr_pool_t *p, const pp_nexus_urls_t *u);

#endif
