/*
 * pp_realm.h - a realm's settings as the core sees them: a plain struct
 * the glue fills once per virtual host at start-up, with every default
 * applied. Apache-free.
 */
#ifndef PP_REALM_H
#define PP_REALM_H

#include <apr_pools.h>
#include <apr_tables.h>

#include "pp_keys.h"
#include "pp_x509.h"

#define PP_ADDRESS_LEGACY "http://Passport.NET/tb"
#define PP_ADDRESS_P2PSLC "p2pslc.messenger.msn.com"

/* A partner site (PassportSite ID RETURN-URL). */
typedef struct {
    const char *id;
    const char *return_url;
    const char *host;                 /* of return_url, lower case */
} pp_site_t;

/* PassportDomainRedirect DOMAIN URL */
typedef struct {
    const char *domain;               /* lower case */
    const char *url;
} pp_domain_redirect_t;

typedef struct {
    const char *name;                 /* PassportRealm: DARealm, srealm */
    const char *dalogin;              /* HOST/PATH */
    const char *passport_urls;        /* the Nexus's PassportURLs value */
    apr_int64_t config_version;
    apr_int64_t ticket_lifetime;      /* seconds */
    apr_int64_t legacy_lifetime;      /* seconds: the legacy token's, which
                                         bounds renewal (pp_renew.h) */
    const pp_keyring_t *keyring;      /* NULL: this server signs no one in */
    const pp_ca_t *ca;                /* NULL: no p2pslc certificates */
    const apr_array_header_t *sites;  /* of pp_site_t; NULL: no
                                         PassportSite, any site id goes
                                         (to the Messenger site) */
    const apr_array_header_t *domain_redirects; /* of pp_domain_redirect_t */
    const apr_array_header_t *services; /* of const char *: the addresses
                                           RST.srf issues tokens for; NULL:
                                           any address asked for */
    apr_int64_t clock_skew;           /* seconds a client's clock may be off
                                         (request timestamps); 0: no check */
    const char *cobrand_url;          /* cburl, or NULL */
    const char *cobrand_text;         /* cbtxt (URL-escaped), or NULL */
    const char *partner_audience;     /* partner locations' default: the
                                         server's own name, lower case */
    int shared_ticket;                /* PassportSharedTicket: the compact
                                         tokens of one RST answer are one
                                         version 2 ticket */
} pp_realm_t;

/* The site a request is for when no PassportSite is configured:
 * Messenger (507, http://messenger.msn.com). */
const pp_site_t *pp_realm_messenger_site(void);

/* A configured site by id, or NULL; with no PassportSite at all, the
 * Messenger site for any id. */
const pp_site_t *pp_realm_site(const pp_realm_t *realm, const char *id);

/* The configured spelling of an address this realm serves
 * (case-insensitive), the address itself when it serves any, or NULL. */
const char *pp_realm_service(const pp_realm_t *realm, const char *address);

#endif
