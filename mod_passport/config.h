/*
 * config.h - per-server (virtual host) configuration of mod_passport.
 *
 * Create leaves every field "unset" (NULL or -1), merge takes the
 * child's value where set and the parent's otherwise, and the getters
 * below apply the defaults.
 */
#ifndef PP_CONFIG_H
#define PP_CONFIG_H

#include <httpd.h>
#include <http_config.h>
#include <apr_tables.h>

#include "pp_keys.h"
#include "pp_x509.h"

#define PP_DEFAULT_REALM          "Passport.Net"
#define PP_DEFAULT_LOGIN_PATH     "/login2.srf"
#define PP_DEFAULT_CONFIG_VERSION 15
#define PP_DEFAULT_TICKET_LIFETIME 86400
#define PP_MIN_TICKET_LIFETIME    60
#define PP_MAX_TICKET_LIFETIME    2592000
#define PP_DEFAULT_ACCOUNT_QUERY \
    "SELECT password_hash, puid FROM passport_accounts WHERE signin = %s"
#define PP_DEFAULT_SITE_ID        "507"
#define PP_DEFAULT_SITE_URL       "http://messenger.msn.com"
#define PP_DEFAULT_MAX_BODY       65536
#define PP_MIN_MAX_BODY           1024
#define PP_MAX_MAX_BODY           16777216
#define PP_ADDRESS_LEGACY         "http://Passport.NET/tb"
#define PP_ADDRESS_P2PSLC         "p2pslc.messenger.msn.com"

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
    const char *realm;
    const char *dalogin;
    const char *dareg;
    const char *properties;
    const char *privacy;
    const char *general_redir;
    const char *help;
    apr_int64_t config_version;       /* -1: unset */
    const char *account_query;
    const char *account_label;        /* mod_dbd label, set in post_config */
    const char *key_file;
    pp_keyring_t *keyring;            /* loaded with key_file */
    apr_int64_t ticket_lifetime;      /* -1: unset */
    apr_array_header_t *sites;        /* of pp_site_t */
    apr_array_header_t *domain_redirects; /* of pp_domain_redirect_t */
    const char *cobrand_url;
    const char *cobrand_text;         /* URL-escaped */
    apr_array_header_t *services;     /* of const char *: RST addresses */
    apr_int64_t max_body;             /* -1: unset */
    const char *record_query;         /* PassportTicketRecordQuery */
    const char *record_label;         /* mod_dbd label, set in post_config */
    pp_ca_t *ca;                      /* PassportCACertificateFile + KeyFile */
} pp_srv_cfg_t;

/* Per-directory: a location protected by AuthType Passport1.4. */
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

pp_srv_cfg_t *pp_srv_cfg(const server_rec *s);

/* Getters that apply the defaults. */
const char *pp_cfg_realm(const pp_srv_cfg_t *c);
const char *pp_cfg_dalogin(request_rec *r, const pp_srv_cfg_t *c);
apr_int64_t pp_cfg_config_version(const pp_srv_cfg_t *c);
apr_int64_t pp_cfg_ticket_lifetime(const pp_srv_cfg_t *c);
const char *pp_cfg_account_query(const pp_srv_cfg_t *c);
const apr_array_header_t *pp_cfg_sites(const pp_srv_cfg_t *c);
const apr_array_header_t *pp_cfg_services(const pp_srv_cfg_t *c);
apr_int64_t pp_cfg_max_body(const pp_srv_cfg_t *c);

/* The CA certificate and key must come as a matching pair (check_config,
 * so `apachectl -t` reports it too). */
int pp_config_check(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                    server_rec *s);

/* Start-up checks and mod_dbd statement preparation (post_config). */
int pp_config_post(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                   server_rec *s);

#endif
