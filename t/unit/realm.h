/*
 * realm.h - realms for the unit tests of the core's decisions: plain
 * pp_realm_t values, filled the way mod_passport_config.c's realm_of()
 * fills them at start-up, with keys from pp_keyring_parse.
 */
#ifndef PP_TEST_REALM_H
#define PP_TEST_REALM_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <apr_strings.h>

#include "pp_realm.h"
#include "pp_keys.h"
#include "pp_ticket.h"

/* t/conf/keys/main.key (the key of docs/tickets.md's example) and
 * t/conf/keys/b.key */
#define TEST_KEY_MAIN  "tuMCvq6DQhzwt1HKEs/r2A5acRUOYvDRFHR569fBvTg="
#define TEST_KEY_OTHER "Hn1kqHKaaUHzuZFBXSJptKf9IwTRCZHMwbZlAou76lA="

#define TEST_NOW      APR_INT64_C(1700000000)   /* 2023-11-14T22:13:20Z */
#define TEST_LIFETIME 3600
#define TEST_PUID     APR_UINT64_C(0x0123456789ABCDEF)

static inline pp_keyring_t *test_keyring(apr_pool_t *p, const char *text)
{
    const char *err = NULL;
    pp_keyring_t *ring = pp_keyring_parse(p, text, &err);

    if (ring == NULL) {
        printf("Bail out! test key does not parse: %s\n", err);
        exit(255);
    }
    return ring;
}

static inline void test_add_site(apr_array_header_t *sites, const char *id,
                                 const char *url, const char *host)
{
    pp_site_t *s = apr_array_push(sites);

    s->id = id;
    s->return_url = url;
    s->host = host;
}

/* Realm "Passport.Net": two sites (507 Messenger, 42 a partner), one
 * domain redirect, any address (no PassportService), a clock skew of a
 * day, no CA, no co-branding. */
static inline pp_realm_t *test_realm(apr_pool_t *p)
{
    pp_realm_t *r = apr_pcalloc(p, sizeof(*r));
    apr_array_header_t *sites = apr_array_make(p, 2, sizeof(pp_site_t));
    apr_array_header_t *redirects = apr_array_make(p, 1,
                                                   sizeof(pp_domain_redirect_t));
    pp_domain_redirect_t *d = apr_array_push(redirects);

    test_add_site(sites, "507", "http://messenger.msn.com",
                  "messenger.msn.com");
    test_add_site(sites, "42", "https://partner.example.com/",
                  "partner.example.com");
    d->domain = "other-realm.example";
    d->url = "https://login.other-realm.example/login2.srf";
    r->name = "Passport.Net";
    r->dalogin = "login.example.net/login2.srf";
    r->config_version = 15;
    r->ticket_lifetime = TEST_LIFETIME;
    r->keyring = test_keyring(p, TEST_KEY_MAIN);
    r->sites = sites;
    r->domain_redirects = redirects;
    r->services = NULL;                 /* any address */
    r->clock_skew = 86400;
    r->partner_audience = "login.example.net";
    return r;
}

/* A ticket sealed by ring for realm, as another part of the server (or
 * another realm) would have issued it. */
static inline const char *test_seal(apr_pool_t *p, const pp_keyring_t *ring,
                                    const char *realm, const char *audience,
                                    apr_int64_t issued, apr_int64_t expires)
{
    pp_ticket_t t;
    const char *err = NULL, *s;

    memset(&t, 0, sizeof(t));
    t.puid = TEST_PUID;
    t.signin = "alice@example.com";
    t.audience = audience;
    t.issued = issued;
    t.expires = expires;
    s = pp_ticket_seal(p, ring, realm, &t, &err);
    if (s == NULL) {
        printf("Bail out! cannot seal a test ticket: %s\n", err);
        exit(255);
    }
    return s;
}

/* The same ticket with one character changed (a tampered seal). */
static inline const char *test_flip(apr_pool_t *p, const char *ticket,
                                    apr_size_t at)
{
    char *c = apr_pstrdup(p, ticket);

    c[at] = c[at] == 'A' ? 'B' : 'A';
    return c;
}

#endif
