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

#define PP_DEFAULT_REALM          "Passport.Net"
#define PP_DEFAULT_LOGIN_PATH     "/login2.srf"
#define PP_DEFAULT_CONFIG_VERSION 15

typedef struct {
    const char *realm;
    const char *dalogin;
    const char *dareg;
    const char *properties;
    const char *privacy;
    const char *general_redir;
    const char *help;
    apr_int64_t config_version;       /* -1: unset */
} pp_srv_cfg_t;

extern module AP_MODULE_DECLARE_DATA passport_module;
extern const command_rec pp_cmds[];

void *pp_create_srv_cfg(apr_pool_t *p, server_rec *s);
void *pp_merge_srv_cfg(apr_pool_t *p, void *base, void *add);

pp_srv_cfg_t *pp_srv_cfg(const server_rec *s);

/* Getters that apply the defaults. */
const char *pp_cfg_realm(const pp_srv_cfg_t *c);
const char *pp_cfg_dalogin(request_rec *r, const pp_srv_cfg_t *c);
apr_int64_t pp_cfg_config_version(const pp_srv_cfg_t *c);

#endif
