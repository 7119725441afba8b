/*
 * config.c - directives, create, merge and defaults.
 *
 * Every setter checks its value and names the directive in its error,
 * so a bad value stops Apache at start-up (and `apachectl -t`).
 */
#include "config.h"
#include "pp_str.h"

#include <apr_strings.h>

#define CFG_OFFSET(field) ((void *)APR_OFFSETOF(pp_srv_cfg_t, field))

pp_srv_cfg_t *pp_srv_cfg(const server_rec *s)
{
    return ap_get_module_config(s->module_config, &passport_module);
}

void *pp_create_srv_cfg(apr_pool_t *p, server_rec *s)
{
    pp_srv_cfg_t *c = apr_pcalloc(p, sizeof(*c));

    (void)s;
    c->config_version = -1;
    return c;
}

#define MERGE_PTR(f)  m->f = add->f != NULL ? add->f : base->f
#define MERGE_NUM(f)  m->f = add->f != -1 ? add->f : base->f

void *pp_merge_srv_cfg(apr_pool_t *p, void *basev, void *addv)
{
    const pp_srv_cfg_t *base = basev, *add = addv;
    pp_srv_cfg_t *m = apr_pcalloc(p, sizeof(*m));

    MERGE_PTR(realm);
    MERGE_PTR(dalogin);
    MERGE_PTR(dareg);
    MERGE_PTR(properties);
    MERGE_PTR(privacy);
    MERGE_PTR(general_redir);
    MERGE_PTR(help);
    MERGE_NUM(config_version);
    return m;
}

const char *pp_cfg_realm(const pp_srv_cfg_t *c)
{
    return c->realm != NULL ? c->realm : PP_DEFAULT_REALM;
}

const char *pp_cfg_dalogin(request_rec *r, const pp_srv_cfg_t *c)
{
    if (c->dalogin != NULL)
        return c->dalogin;
    return apr_pstrcat(r->pool, r->server->server_hostname,
                       PP_DEFAULT_LOGIN_PATH, NULL);
}

apr_int64_t pp_cfg_config_version(const pp_srv_cfg_t *c)
{
    return c->config_version != -1 ? c->config_version
                                   : PP_DEFAULT_CONFIG_VERSION;
}

/* ---- setters ---------------------------------------------------------- */

static void *srv_cfg_of(cmd_parms *cmd)
{
    return ap_get_module_config(cmd->server->module_config, &passport_module);
}

static const char *bad_value(cmd_parms *cmd, const char *arg, const char *why)
{
    return apr_psprintf(cmd->pool, "%s: '%s' %s", cmd->cmd->name, arg, why);
}

static const char **str_slot(cmd_parms *cmd)
{
    return (const char **)((char *)srv_cfg_of(cmd) + (apr_size_t)cmd->info);
}

static const char *set_realm(cmd_parms *cmd, void *dc, const char *arg)
{
    (void)dc;
    if (!pp_is_ptoken(arg))
        return bad_value(cmd, arg, "is not a realm name: use printable "
                         "ASCII with no spaces, commas or quotes");
    *str_slot(cmd) = arg;
    return NULL;
}

static const char *set_dalogin(cmd_parms *cmd, void *dc, const char *arg)
{
    (void)dc;
    if (!pp_is_dalogin(arg))
        return bad_value(cmd, arg, "is not HOST/PATH (no scheme, e.g. "
                         "login.example.net/login2.srf; clients add https)");
    *str_slot(cmd) = arg;
    return NULL;
}

static const char *set_url(cmd_parms *cmd, void *dc, const char *arg)
{
    (void)dc;
    if (!pp_is_header_url(cmd->temp_pool, arg))
        return bad_value(cmd, arg, "is not an absolute http:// or https:// "
                         "URL without commas or spaces");
    *str_slot(cmd) = arg;
    return NULL;
}

static const char *set_config_version(cmd_parms *cmd, void *dc,
                                      const char *arg)
{
    pp_srv_cfg_t *c = srv_cfg_of(cmd);
    apr_int64_t v;

    (void)dc;
    if (!pp_parse_uint(arg, APR_INT64_C(2147483647), &v))
        return bad_value(cmd, arg, "is not a non-negative integer "
                         "(0 to 2147483647)");
    c->config_version = v;
    return NULL;
}

const command_rec pp_cmds[] = {
    AP_INIT_TAKE1("PassportRealm", set_realm, CFG_OFFSET(realm), RSRC_CONF,
                  "The Passport realm (DARealm, srealm); default Passport.Net"),
    AP_INIT_TAKE1("PassportDALogin", set_dalogin, CFG_OFFSET(dalogin),
                  RSRC_CONF, "Login server as HOST/PATH, no scheme; default "
                  "the ServerName followed by /login2.srf"),
    AP_INIT_TAKE1("PassportDAReg", set_url, CFG_OFFSET(dareg), RSRC_CONF,
                  "Registration URL sent as DAReg"),
    AP_INIT_TAKE1("PassportProperties", set_url, CFG_OFFSET(properties),
                  RSRC_CONF, "Account properties URL"),
    AP_INIT_TAKE1("PassportPrivacy", set_url, CFG_OFFSET(privacy), RSRC_CONF,
                  "Privacy statement URL"),
    AP_INIT_TAKE1("PassportGeneralRedir", set_url, CFG_OFFSET(general_redir),
                  RSRC_CONF, "General-purpose redirector URL"),
    AP_INIT_TAKE1("PassportHelp", set_url, CFG_OFFSET(help), RSRC_CONF,
                  "Help URL"),
    AP_INIT_TAKE1("PassportConfigVersion", set_config_version, NULL,
                  RSRC_CONF, "ConfigVersion, a non-negative integer; "
                  "default 15"),
    { NULL }
};
