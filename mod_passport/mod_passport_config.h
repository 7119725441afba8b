/*
 * mod_passport_config.h - the directives' values per server (virtual
 * host) and per directory (partner locations).
 *
 * Create leaves every field "unset" (NULL or -1) and merge takes the
 * child's value where set, the parent's otherwise. At start-up
 * (post_config) every server's values, with the defaults applied,
 * become one plain pp_realm_t for the core: handlers read it, never the
 * raw fields.
 */
#ifndef MOD_PASSPORT_CONFIG_H
#define MOD_PASSPORT_CONFIG_H

#include <httpd.h>
#include <http_config.h>
#include <apr_tables.h>

#include "pp_realm.h"
#include "pp_partner.h"
#include "pp_guard.h"

#define PP_DEFAULT_REALM          "Passport.Net"
#define PP_DEFAULT_LOGIN_PATH     "/login2.srf"
#define PP_DEFAULT_CONFIG_VERSION 15
#define PP_DEFAULT_TICKET_LIFETIME 86400
#define PP_MIN_TICKET_LIFETIME    60
#define PP_MAX_TICKET_LIFETIME    2592000
/* the legacy token: by default this many ticket lifetimes */
#define PP_LEGACY_LIFETIMES       7
#define PP_MAX_LEGACY_LIFETIME    31536000
#define PP_DEFAULT_ACCOUNT_QUERY \
    "SELECT password_hash, puid FROM passport_accounts WHERE signin = %s"
#define PP_DEFAULT_MAX_BODY       65536
#define PP_MIN_MAX_BODY           1024
#define PP_MAX_MAX_BODY           16777216
#define PP_DEFAULT_CLOCK_SKEW     86400
#define PP_MAX_CLOCK_SKEW         31536000
/* the sign-in guard (mod_passport_cache.c, mod_passport_auth.c) */
#define PP_DEFAULT_CACHE          "shmcb"
#define PP_DEFAULT_THROTTLE_FAILURES 10
#define PP_DEFAULT_THROTTLE_SECONDS  300
#define PP_MAX_THROTTLE_FAILURES  1000000
#define PP_MAX_THROTTLE_SECONDS   2592000
#define PP_MAX_CREDENTIAL_CACHE   86400
#define PP_DEFAULT_TIMING_HASH    "auto"
/* what "auto" checks unknown names against until it has seen an
 * account: passport-admin's default format */
#define PP_TIMING_HASH_FIRST      "bcrypt:10"

struct pp_store;                      /* mod_passport_cache.h */
struct pp_timing;                     /* mod_passport_auth.c */

typedef struct {
    const char *realm_name;           /* PassportRealm */
    const char *dalogin;
    const char *dareg;
    const char *properties;
    const char *privacy;
    const char *general_redir;
    const char *help;
    apr_int64_t config_version;       /* -1: unset */
    const char *account_query;
    const char *key_file;
    pp_keyring_t *keyring;            /* loaded with key_file */
    apr_int64_t ticket_lifetime;      /* -1: unset */
    apr_int64_t legacy_lifetime;      /* -1: unset */
    apr_array_header_t *sites;        /* of pp_site_t */
    apr_array_header_t *domain_redirects; /* of pp_domain_redirect_t */
    const char *cobrand_url;
    const char *cobrand_text;         /* URL-escaped */
    apr_array_header_t *services;     /* of const char *: RST addresses */
    apr_int64_t max_body;             /* -1: unset */
    apr_int64_t clock_skew;           /* -1: unset */
    const char *record_query;         /* PassportTicketRecordQuery */
    pp_ca_t *ca;                      /* PassportCACertificateFile + KeyFile */
    int shared_ticket;                /* PassportSharedTicket: -1 unset */
    int id_format;                    /* PassportIdFormat: a pp_id_format_t,
                                         -1 unset (decimal) */
    /* the sign-in guard (-1 unset, 0 off) */
    const char *cache_spec;           /* PassportCache provider[:args] */
    apr_int64_t throttle_failures;    /* PassportThrottle FAILURES SECONDS */
    apr_int64_t throttle_seconds;
    apr_int64_t account_failures;     /* PassportThrottleAccount */
    apr_int64_t account_seconds;
    apr_int64_t credential_cache;     /* PassportCredentialCache SECONDS */
    const char *timing_hash;          /* PassportTimingHash: auto, a format */

    /* computed at start-up (post_config), never merged */
    pp_realm_t *realm;                /* the core's view, defaults applied */
    apr_size_t body_limit;            /* PassportMaxRequestBody */
    const char *account_label;        /* mod_dbd labels of the statements */
    const char *record_label;
    struct pp_store *store;           /* PassportCache's instance, or NULL
                                         when nothing here needs a store */
    pp_guard_key_t *guard_key;        /* the store's ids (pp_guard.h) */
    pp_throttle_limit_t throttle;     /* with its default (0 failures: off) */
    pp_throttle_limit_t throttle_account;
    apr_int64_t credential_seconds;   /* 0: no credential cache */
    struct pp_timing *timing;         /* unknown names' dummy hashes */
    int stat_slot;                    /* this server's mod_status counters */
} pp_srv_cfg_t;

/* Per directory: a location protected by AuthType Passport1.4. */
typedef struct {
    const char *site_id;              /* id= in the challenge */
    const char *audience;             /* tickets must be for this */
    const char *login_url;            /* where the challenge sends clients */
    const char *return_url;           /* ru= in the challenge */
    const char *challenge;            /* extra challenge parameters */
    int soap_ticket;                  /* -1 unset, 0 off, 1 on */
} pp_dir_cfg_t;

extern module AP_MODULE_DECLARE_DATA passport_module;
extern const command_rec pp_cmds[];

void *pp_create_srv_cfg(apr_pool_t *p, server_rec *s);
void *pp_create_dir_cfg(apr_pool_t *p, char *dir);
void *pp_merge_dir_cfg(apr_pool_t *p, void *base, void *add);
void *pp_merge_srv_cfg(apr_pool_t *p, void *base, void *add);

/* A request's server configuration (look it up once per request). */
pp_srv_cfg_t *pp_srv_cfg(const server_rec *s);

/* A partner location's settings, for the core. */
void pp_dir_partner_conf(const pp_dir_cfg_t *d, pp_partner_conf_t *out);

/* The CA certificate and key must come as a matching pair (check_config,
 * so `apachectl -t` reports it too). */
int pp_config_check(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                    server_rec *s);

/* Every server's realm, and the mod_dbd statements (post_config). */
int pp_config_post(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                   server_rec *s);

#endif
