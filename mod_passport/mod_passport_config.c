/*
 * mod_passport_config.c - directives, create, merge, and the realm each
 * server's values make at start-up.
 *
 * Every setter checks its value and names the directive in its error,
 * so a bad value stops Apache at start-up (and `apachectl -t`).
 */
#include "mod_passport_config.h"
#include "mod_passport_db.h"
#include "mod_passport_cache.h"
#include "mod_passport_auth.h"
#include "mod_passport_status.h"
#include "pp_str.h"
#include "pp_nexus.h"
#include "pp_hash.h"

#include <apr_uri.h>
#include <apr_lib.h>
#include <http_log.h>

APLOG_USE_MODULE(passport);

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
    c->ticket_lifetime = -1;
    c->legacy_lifetime = -1;
    c->max_body = -1;
    c->clock_skew = -1;
    c->shared_ticket = -1;
    c->id_format = -1;
    c->throttle_failures = c->throttle_seconds = -1;
    c->account_failures = c->account_seconds = -1;
    c->credential_cache = -1;
    return c;
}

#define MERGE_PTR(f)  m->f = add->f != NULL ? add->f : base->f
#define MERGE_NUM(f)  m->f = add->f != -1 ? add->f : base->f
/* computed for each server at start-up, from its merged values */
#define MERGE_COMPUTED(f)  m->f = 0
#define MERGE_COMPUTED_STRUCT(f)  memset(&m->f, 0, sizeof(m->f))

void *pp_merge_srv_cfg(apr_pool_t *p, void *basev, void *addv)
{
    const pp_srv_cfg_t *base = basev, *add = addv;
    pp_srv_cfg_t *m = apr_pcalloc(p, sizeof(*m));

    MERGE_PTR(realm_name);
    MERGE_PTR(dalogin);
    MERGE_PTR(dareg);
    MERGE_PTR(properties);
    MERGE_PTR(privacy);
    MERGE_PTR(general_redir);
    MERGE_PTR(help);
    MERGE_NUM(config_version);
    MERGE_PTR(account_query);
    MERGE_PTR(key_file);
    MERGE_PTR(keyring);
    MERGE_NUM(ticket_lifetime);
    MERGE_NUM(legacy_lifetime);
    MERGE_PTR(sites);
    MERGE_PTR(domain_redirects);
    MERGE_PTR(cobrand_url);
    MERGE_PTR(cobrand_text);
    MERGE_PTR(services);
    MERGE_NUM(max_body);
    MERGE_NUM(clock_skew);
    MERGE_PTR(record_query);
    MERGE_PTR(ca);
    MERGE_NUM(shared_ticket);
    MERGE_NUM(id_format);
    MERGE_PTR(cache_spec);
    MERGE_NUM(throttle_failures);
    MERGE_NUM(throttle_seconds);
    MERGE_NUM(account_failures);
    MERGE_NUM(account_seconds);
    MERGE_NUM(credential_cache);
    MERGE_PTR(timing_hash);
    MERGE_COMPUTED(realm);
    MERGE_COMPUTED(body_limit);
    MERGE_COMPUTED(account_label);
    MERGE_COMPUTED(record_label);
    MERGE_COMPUTED(store);
    MERGE_COMPUTED(guard_key);
    MERGE_COMPUTED_STRUCT(throttle);
    MERGE_COMPUTED_STRUCT(throttle_account);
    MERGE_COMPUTED(credential_seconds);
    MERGE_COMPUTED(timing);
    MERGE_COMPUTED(stat_slot);
    return m;
}

void *pp_create_dir_cfg(apr_pool_t *p, char *dir)
{
    pp_dir_cfg_t *d = apr_pcalloc(p, sizeof(*d));

    (void)dir;
    d->soap_ticket = -1;
    return d;
}

void *pp_merge_dir_cfg(apr_pool_t *p, void *basev, void *addv)
{
    const pp_dir_cfg_t *base = basev, *add = addv;
    pp_dir_cfg_t *m = apr_pcalloc(p, sizeof(*m));

    MERGE_PTR(site_id);
    MERGE_PTR(audience);
    MERGE_PTR(login_url);
    MERGE_PTR(return_url);
    MERGE_PTR(challenge);
    MERGE_NUM(soap_ticket);
    return m;
}

void pp_dir_partner_conf(const pp_dir_cfg_t *d, pp_partner_conf_t *out)
{
    out->site_id = d->site_id;
    out->audience = d->audience;
    out->login_url = d->login_url;
    out->return_url = d->return_url;
    out->params = d->challenge;
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

#define BAD_URL "is not an absolute http:// or https:// URL without " \
                "commas or spaces"

/* The string field a directive sets: cmd->info is its offset, in the
 * directory config for per-location (AuthConfig) directives, in the
 * server config otherwise. */
static const char **str_slot(cmd_parms *cmd, void *dc)
{
    char *base = (cmd->cmd->req_override & OR_AUTHCFG) ? dc : srv_cfg_of(cmd);

    return (const char **)(base + (apr_size_t)cmd->info);
}

static const char *set_realm(cmd_parms *cmd, void *dc, const char *arg)
{
    if (!pp_is_ptoken(arg))
        return bad_value(cmd, arg, "is not a realm name: use printable "
                         "ASCII with no spaces, commas or quotes");
    *str_slot(cmd, dc) = arg;
    return NULL;
}

static const char *set_dalogin(cmd_parms *cmd, void *dc, const char *arg)
{
    if (!pp_is_dalogin(arg))
        return bad_value(cmd, arg, "is not HOST/PATH (no scheme, e.g. "
                         "login.example.net/login2.srf; clients add https)");
    *str_slot(cmd, dc) = arg;
    return NULL;
}

static const char *set_url(cmd_parms *cmd, void *dc, const char *arg)
{
    if (!pp_is_header_url(cmd->temp_pool, arg))
        return bad_value(cmd, arg, BAD_URL);
    *str_slot(cmd, dc) = arg;
    return NULL;
}

/* A number in [min, max], stored in an apr_int64_t field; fmt words
 * the error with %d for min and max. */
typedef struct {
    apr_size_t offset;
    int min, max;
    const char *fmt;
} num_slot_t;

#define NUM_SLOT(field, min, max, fmt) \
    { APR_OFFSETOF(pp_srv_cfg_t, field), min, max, fmt }

static const num_slot_t NUM_CONFIG_VERSION = NUM_SLOT(config_version, 0,
    2147483647, "is not a non-negative integer (%d to %d)");
static const num_slot_t NUM_TICKET_LIFETIME = NUM_SLOT(ticket_lifetime,
    PP_MIN_TICKET_LIFETIME, PP_MAX_TICKET_LIFETIME,
    "is not a number of seconds between %d and %d");
static const num_slot_t NUM_LEGACY_LIFETIME = NUM_SLOT(legacy_lifetime,
    PP_MIN_TICKET_LIFETIME, PP_MAX_LEGACY_LIFETIME,
    "is not a number of seconds between %d and %d");
static const num_slot_t NUM_MAX_BODY = NUM_SLOT(max_body, PP_MIN_MAX_BODY,
    PP_MAX_MAX_BODY, "is not a number of bytes between %d and %d");
static const num_slot_t NUM_CLOCK_SKEW = NUM_SLOT(clock_skew, 0,
    PP_MAX_CLOCK_SKEW, "is not a number of seconds between %d and %d "
    "(0 turns the check off)");

static const char *set_number(cmd_parms *cmd, void *dc, const char *arg)
{
    const num_slot_t *n = cmd->info;
    apr_int64_t v;

    (void)dc;
    if (!pp_parse_uint(arg, n->max, &v) || v < n->min)
        return bad_value(cmd, arg, apr_psprintf(cmd->pool, n->fmt, n->min,
                                                n->max));
    *(apr_int64_t *)((char *)srv_cfg_of(cmd) + n->offset) = v;
    return NULL;
}

/* The parameters mod_dbd will see: apr_dbd_prepare takes every % that
 * a letter follows as one (%s, but also the %Y of strftime('%Y') or the
 * %a of LIKE '%abc'), and %% as a literal %. */
static int count_params(const char *sql)
{
    int n = 0;

    for (; *sql; sql++)
        if (sql[0] == '%' && sql[1] == '%')
            sql++;
        else if (sql[0] == '%' && apr_isalpha(sql[1]))
            n++;
    return n;
}

/* SQL with a fixed number of %s parameters. */
typedef struct {
    apr_size_t offset;
    int params;
    const char *why;
} query_slot_t;

#define PERCENT_NOTE "; mod_dbd takes every % followed by a letter as " \
    "a parameter: write %% for a literal %"
static const query_slot_t QUERY_ACCOUNT = {
    APR_OFFSETOF(pp_srv_cfg_t, account_query), 1,
    "must have exactly one %s parameter (the sign-in name)" PERCENT_NOTE };
static const query_slot_t QUERY_RECORD = {
    APR_OFFSETOF(pp_srv_cfg_t, record_query), 6,
    "must have exactly six %s parameters (ticket, PUID, sign-in, "
    "audience, expiry, MBI secret)" PERCENT_NOTE };

static const char *set_query(cmd_parms *cmd, void *dc, const char *arg)
{
    const query_slot_t *q = cmd->info;

    (void)dc;
    if (count_params(arg) != q->params)
        return bad_value(cmd, arg, q->why);
    *(const char **)((char *)srv_cfg_of(cmd) + q->offset) = arg;
    return NULL;
}

/* Keys are secrets: say so at start-up if anyone but the owner and the
 * group can read the file (Apache reads it as root, before it drops
 * privileges, so 0600 or 0640 is enough). */
static void warn_if_readable(cmd_parms *cmd, const char *path)
{
    apr_finfo_t fi;

    if (apr_stat(&fi, path, APR_FINFO_PROT, cmd->temp_pool) == APR_SUCCESS
        && (fi.protection & APR_FPROT_WREAD))
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, cmd->server, "PP0003: "
                     "%s: '%s' is readable by everyone; it holds secrets "
                     "(chmod 600)", cmd->cmd->name, path);
}

static const char *set_key_file(cmd_parms *cmd, void *dc, const char *arg)
{
    pp_srv_cfg_t *c = srv_cfg_of(cmd);
    const char *path = ap_server_root_relative(cmd->pool, arg), *err = NULL;

    (void)dc;
    if (path == NULL)
        return bad_value(cmd, arg, "is not a valid path");
    c->keyring = pp_keyring_load(cmd->pool, path, &err);
    if (c->keyring == NULL)
        return apr_psprintf(cmd->pool, "%s: %s", cmd->cmd->name, err);
    c->key_file = path;
    warn_if_readable(cmd, path);
    return NULL;
}

static const char *set_site(cmd_parms *cmd, void *dc, const char *id,
                            const char *url)
{
    pp_srv_cfg_t *c = srv_cfg_of(cmd);
    apr_uri_t uri;
    pp_site_t *site;
    int i;

    (void)dc;
    if (!pp_is_ptoken(id))
        return bad_value(cmd, id, "is not a site id");
    if (!pp_is_header_url(cmd->temp_pool, url)
        || apr_uri_parse(cmd->pool, url, &uri) != APR_SUCCESS)
        return bad_value(cmd, url, BAD_URL);
    if (c->sites == NULL)
        c->sites = apr_array_make(cmd->pool, 4, sizeof(pp_site_t));
    for (i = 0; i < c->sites->nelts; i++)
        if (strcmp(APR_ARRAY_IDX(c->sites, i, pp_site_t).id, id) == 0)
            return bad_value(cmd, id, "is configured twice");
    site = apr_array_push(c->sites);
    site->id = id;
    site->return_url = url;
    site->host = apr_pstrdup(cmd->pool, uri.hostname);
    ap_str_tolower((char *)site->host);
    return NULL;
}

static const char *set_domain_redirect(cmd_parms *cmd, void *dc,
                                       const char *domain, const char *url)
{
    pp_srv_cfg_t *c = srv_cfg_of(cmd);
    pp_domain_redirect_t *d;

    (void)dc;
    if (!pp_is_ptoken(domain) || strchr(domain, '@') || strchr(domain, '/'))
        return bad_value(cmd, domain, "is not a domain name");
    if (!pp_is_header_url(cmd->temp_pool, url))
        return bad_value(cmd, url, BAD_URL);
    if (c->domain_redirects == NULL)
        c->domain_redirects = apr_array_make(cmd->pool, 4, sizeof(*d));
    d = apr_array_push(c->domain_redirects);
    d->domain = apr_pstrdup(cmd->pool, domain);
    ap_str_tolower((char *)d->domain);
    d->url = url;
    return NULL;
}

static const char *set_cobrand_text(cmd_parms *cmd, void *dc,
                                    const char *arg)
{
    if (*arg == '\0' || strlen(arg) > 256)
        return bad_value(cmd, arg, "must be 1 to 256 characters");
    *str_slot(cmd, dc) = pp_url_encode(cmd->pool, arg);
    return NULL;
}

/* Both CA directives fill one pp_ca_t; check_config checks the pair. */
static const char *set_ca_file(cmd_parms *cmd, void *dc, const char *arg)
{
    pp_srv_cfg_t *c = srv_cfg_of(cmd);
    const char *path = ap_server_root_relative(cmd->pool, arg), *err = NULL;
    int is_key = cmd->info != NULL, ok;

    (void)dc;
    if (path == NULL)
        return bad_value(cmd, arg, "is not a valid path");
    if (c->ca == NULL)
        c->ca = pp_ca_new(cmd->pool);
    ok = is_key ? pp_ca_load_key(cmd->pool, c->ca, path, &err)
                : pp_ca_load_cert(cmd->pool, c->ca, path, &err);
    if (!ok)
        return apr_psprintf(cmd->pool, "%s: %s", cmd->cmd->name, err);
    if (is_key)
        warn_if_readable(cmd, path);
    return NULL;
}

static const char *set_service(cmd_parms *cmd, void *dc, const char *arg)
{
    pp_srv_cfg_t *c = srv_cfg_of(cmd);

    (void)dc;
    if (!pp_is_ptoken(arg) || strlen(arg) > 255 || strchr(arg, '<')
        || strchr(arg, '>') || strchr(arg, '&'))
        return bad_value(cmd, arg, "is not a service address (a host name "
                         "or URL, no spaces, commas, quotes, < > &)");
    if (c->services == NULL)
        c->services = apr_array_make(cmd->pool, 8, sizeof(const char *));
    APR_ARRAY_PUSH(c->services, const char *) = arg;
    return NULL;
}

/* ---- the sign-in guard ------------------------------------------------ */

/* PassportCache provider[:args], as SSLSessionCache takes it. The
 * provider and its arguments are checked at start-up (check_config),
 * once every module has registered its providers. */
static const char *set_cache(cmd_parms *cmd, void *dc, const char *arg)
{
    apr_size_t n = strcspn(arg, ":");
    apr_size_t i;

    (void)dc;
    for (i = 0; i < n; i++)
        if (!apr_isalnum(arg[i]) && arg[i] != '_')
            break;
    if (n == 0 || i < n)
        return bad_value(cmd, arg, "is not provider[:arguments] (an "
                         "ap_socache provider: shmcb, shmcb:/path(bytes), "
                         "redis:host:port, memcache:host:port, ...)");
    ((pp_srv_cfg_t *)srv_cfg_of(cmd))->cache_spec = arg;
    return NULL;
}

/* PassportThrottle and PassportThrottleAccount: FAILURES SECONDS, or
 * off. cmd->info says which pair of fields. */
static const char *set_throttle(cmd_parms *cmd, void *dc, const char *n,
                                const char *secs)
{
    pp_srv_cfg_t *c = srv_cfg_of(cmd);
    int account = cmd->info != NULL;
    apr_int64_t f, t;

    (void)dc;
    if (secs == NULL && strcasecmp(n, "off") == 0)
        f = t = 0;
    else if (secs == NULL)
        return bad_value(cmd, n, "is not FAILURES SECONDS or off (e.g. "
                         "10 300: ten failed sign-ins within 300 seconds)");
    else if (!pp_parse_uint(n, PP_MAX_THROTTLE_FAILURES, &f) || f < 1)
        return bad_value(cmd, n, apr_psprintf(cmd->pool, "is not a number "
                         "of failures from 1 to %d",
                         PP_MAX_THROTTLE_FAILURES));
    else if (!pp_parse_uint(secs, PP_MAX_THROTTLE_SECONDS, &t) || t < 1)
        return bad_value(cmd, secs, apr_psprintf(cmd->pool, "is not a "
                         "number of seconds from 1 to %d",
                         PP_MAX_THROTTLE_SECONDS));
    if (account) {
        c->account_failures = f;
        c->account_seconds = t;
    }
    else {
        c->throttle_failures = f;
        c->throttle_seconds = t;
    }
    return NULL;
}

static const char *set_credential_cache(cmd_parms *cmd, void *dc,
                                        const char *arg)
{
    apr_int64_t v;

    (void)dc;
    if (strcasecmp(arg, "off") == 0)
        v = 0;
    else if (!pp_parse_uint(arg, PP_MAX_CREDENTIAL_CACHE, &v) || v < 1)
        return bad_value(cmd, arg, apr_psprintf(cmd->pool, "is not a number "
                         "of seconds from 1 to %d, or off",
                         PP_MAX_CREDENTIAL_CACHE));
    ((pp_srv_cfg_t *)srv_cfg_of(cmd))->credential_cache = v;
    return NULL;
}

static const char *set_timing_hash(cmd_parms *cmd, void *dc, const char *arg)
{
    const char *why = NULL;

    (void)dc;
    if (strcasecmp(arg, "auto") != 0
        && pp_hash_template(cmd->temp_pool, arg, &why) == NULL)
        return bad_value(cmd, arg, apr_pstrcat(cmd->pool, why, "; or auto",
                                               NULL));
    ((pp_srv_cfg_t *)srv_cfg_of(cmd))->timing_hash = arg;
    return NULL;
}

#define DIR_OFFSET(field) ((void *)APR_OFFSETOF(pp_dir_cfg_t, field))

static const char *set_dir_token(cmd_parms *cmd, void *dc, const char *arg)
{
    if (!pp_is_ptoken(arg))
        return bad_value(cmd, arg, "must be printable ASCII without "
                         "spaces, commas or quotes");
    *str_slot(cmd, dc) = arg;
    return NULL;
}

static const char *set_challenge(cmd_parms *cmd, void *dc, const char *arg)
{
    char *copy = apr_pstrdup(cmd->temp_pool, arg), *tok, *state = NULL;

    for (tok = apr_strtok(copy, ",", &state); tok != NULL;
         tok = apr_strtok(NULL, ",", &state))
        if (!pp_is_ptoken(tok) || strchr(tok, '&'))
            return bad_value(cmd, arg, "is not a comma-separated list of "
                             "parameters (no spaces, quotes or '&')");
    if (*arg == '\0')
        return bad_value(cmd, arg, "is empty");
    *str_slot(cmd, dc) = arg;
    return NULL;
}

static const char *set_id_format(cmd_parms *cmd, void *dc, const char *arg)
{
    pp_id_format_t f;

    (void)dc;
    if (!pp_id_format_parse(arg, &f))
        return bad_value(cmd, arg, "is not decimal or hex");
    ((pp_srv_cfg_t *)srv_cfg_of(cmd))->id_format = (int)f;
    return NULL;
}

/* On|Off into an int field of the server config (cmd->info its offset). */
static const char *set_srv_flag(cmd_parms *cmd, void *dc, int on)
{
    (void)dc;
    *(int *)((char *)srv_cfg_of(cmd) + (apr_size_t)cmd->info) = on;
    return NULL;
}

static const char *set_soap_ticket(cmd_parms *cmd, void *dc, int on)
{
    (void)cmd;
    ((pp_dir_cfg_t *)dc)->soap_ticket = on;
    return NULL;
}

const command_rec pp_cmds[] = {
    AP_INIT_TAKE1("PassportPartnerSite", set_dir_token, DIR_OFFSET(site_id),
                  OR_AUTHCFG, "The partner site id sent as id= in the "
                  "challenge"),
    AP_INIT_TAKE1("PassportPartnerAudience", set_dir_token,
                  DIR_OFFSET(audience), OR_AUTHCFG, "The audience tickets "
                  "must carry; default the server's own name (ServerName)"),
    AP_INIT_TAKE1("PassportPartnerLoginURL", set_url,
                  DIR_OFFSET(login_url), OR_AUTHCFG, "Where the challenge "
                  "sends clients; default https:// + PassportDALogin"),
    AP_INIT_TAKE1("PassportPartnerReturnURL", set_url,
                  DIR_OFFSET(return_url), OR_AUTHCFG, "ru= in the challenge; "
                  "default the requested URL"),
    AP_INIT_TAKE1("PassportPartnerChallenge", set_challenge,
                  DIR_OFFSET(challenge), OR_AUTHCFG, "More challenge "
                  "parameters, comma-separated; default lc=1033"),
    AP_INIT_FLAG("PassportPartnerSOAPTicket", set_soap_ticket, NULL,
                 OR_AUTHCFG, "Also accept the ticket in a POSTed SOAP "
                 "envelope's TicketToken/ticket header; default Off"),
    AP_INIT_TAKE1("PassportRealm", set_realm, CFG_OFFSET(realm_name), RSRC_CONF,
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
    AP_INIT_TAKE1("PassportConfigVersion", set_number,
                  (void *)&NUM_CONFIG_VERSION,
                  RSRC_CONF, "ConfigVersion, a non-negative integer; "
                  "default 15"),
    AP_INIT_TAKE1("PassportAccountQuery", set_query,
                  (void *)&QUERY_ACCOUNT, RSRC_CONF,
                  "SQL with one %s (the lower-cased sign-in name) returning "
                  "the password hash and the PUID"),
    AP_INIT_TAKE1("PassportIdFormat", set_id_format, NULL, RSRC_CONF,
                  "How PassportAccountQuery gives the PUID and CID: decimal "
                  "(default) or hex (16 hex digits)"),
    AP_INIT_TAKE1("PassportKeyFile", set_key_file, NULL, RSRC_CONF,
                  "File of base64 keys, one a line; the first seals"),
    AP_INIT_TAKE1("PassportTicketLifetime", set_number,
                  (void *)&NUM_TICKET_LIFETIME,
                  RSRC_CONF, "Ticket lifetime in seconds; default 86400"),
    AP_INIT_TAKE1("PassportLegacyTokenLifetime", set_number,
                  (void *)&NUM_LEGACY_LIFETIME, RSRC_CONF,
                  "Lifetime of the legacy token (http://Passport.NET/tb), "
                  "which renews the others, in seconds; default 7 ticket "
                  "lifetimes"),
    AP_INIT_TAKE2("PassportSite", set_site, NULL, RSRC_CONF,
                  "A partner site: ID and RETURN-URL (repeatable)"),
    AP_INIT_TAKE2("PassportDomainRedirect", set_domain_redirect, NULL,
                  RSRC_CONF, "Sign-in names of DOMAIN are sent to URL"),
    AP_INIT_TAKE1("PassportCoBrandURL", set_url, CFG_OFFSET(cobrand_url),
                  RSRC_CONF, "Co-branding image URL sent as cburl"),
    AP_INIT_TAKE1("PassportCoBrandText", set_cobrand_text,
                  CFG_OFFSET(cobrand_text), RSRC_CONF,
                  "Co-branding text sent as cbtxt"),
    AP_INIT_ITERATE("PassportService", set_service, NULL, RSRC_CONF,
                    "Addresses RST.srf issues tokens for (repeatable); "
                    "default any address asked for"),
    AP_INIT_TAKE1("PassportTicketRecordQuery", set_query,
                  (void *)&QUERY_RECORD, RSRC_CONF,
                  "SQL run for every issued ticket, six %s parameters"),
    AP_INIT_TAKE1("PassportCACertificateFile", set_ca_file, NULL, RSRC_CONF,
                  "PEM CA certificate that signs p2pslc certificates"),
    AP_INIT_TAKE1("PassportCAKeyFile", set_ca_file, (void *)1, RSRC_CONF,
                  "PEM private key of PassportCACertificateFile"),
    AP_INIT_TAKE1("PassportClockSkew", set_number,
                  (void *)&NUM_CLOCK_SKEW, RSRC_CONF,
                  "Seconds a client's clock may be off, either way, in the "
                  "times it sends; 0 turns the check off; default 86400"),
    AP_INIT_FLAG("PassportSharedTicket", set_srv_flag,
                 CFG_OFFSET(shared_ticket), RSRC_CONF,
                 "All compact tokens of one RST.srf answer are one ticket "
                 "for all their addresses; default Off"),
    AP_INIT_TAKE1("PassportMaxRequestBody", set_number,
                  (void *)&NUM_MAX_BODY, RSRC_CONF,
                  "Largest RST.srf request body in bytes; default 65536"),
    AP_INIT_TAKE1("PassportCache", set_cache, NULL, RSRC_CONF,
                  "The store the throttle and the credential cache share: "
                  "an ap_socache provider[:args]; default shmcb"),
    AP_INIT_TAKE12("PassportThrottle", set_throttle, NULL, RSRC_CONF,
                   "FAILURES SECONDS: refuse an account from an address "
                   "after that many failed sign-ins in that time, or off; "
                   "default 10 300"),
    AP_INIT_TAKE12("PassportThrottleAccount", set_throttle, (void *)1,
                   RSRC_CONF, "FAILURES SECONDS: refuse an account from "
                   "every address after that many failed sign-ins in that "
                   "time, or off; default off"),
    AP_INIT_TAKE1("PassportCredentialCache", set_credential_cache, NULL,
                  RSRC_CONF, "Seconds a verified password is remembered "
                  "(keyed, in PassportCache), or off; default off"),
    AP_INIT_TAKE1("PassportTimingHash", set_timing_hash, NULL, RSRC_CONF,
                  "What an unknown sign-in name is checked against: auto "
                  "(the accounts' own format and cost) or a format such as "
                  "bcrypt:12; default auto"),
    { NULL }
};

/* ---- start-up ---------------------------------------------------------- */

static apr_int64_t ticket_lifetime_of(const pp_srv_cfg_t *c)
{
    return c->ticket_lifetime != -1 ? c->ticket_lifetime
                                    : PP_DEFAULT_TICKET_LIFETIME;
}

static apr_int64_t legacy_lifetime_of(const pp_srv_cfg_t *c)
{
    apr_int64_t t = ticket_lifetime_of(c) * PP_LEGACY_LIFETIMES;

    if (c->legacy_lifetime != -1)
        return c->legacy_lifetime;
    return t < PP_MAX_LEGACY_LIFETIME ? t : PP_MAX_LEGACY_LIFETIME;
}

/* The guard's settings with their defaults applied (check_config, which
 * runs before post_config and the store's check read them). */
static void guard_of(pp_srv_cfg_t *c)
{
    c->throttle.failures = c->throttle_failures != -1
                           ? c->throttle_failures
                           : PP_DEFAULT_THROTTLE_FAILURES;
    c->throttle.seconds = c->throttle_seconds != -1
                          ? c->throttle_seconds
                          : PP_DEFAULT_THROTTLE_SECONDS;
    c->throttle_account.failures = c->account_failures != -1
                                   ? c->account_failures : 0;
    c->throttle_account.seconds = c->account_seconds != -1
                                  ? c->account_seconds : 0;
    c->credential_seconds = c->credential_cache > 0 ? c->credential_cache
                                                    : 0;
}

int pp_config_check(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                    server_rec *s)
{
    server_rec *sp;

    (void)pconf;
    (void)plog;
    (void)ptemp;
    for (sp = s; sp != NULL; sp = sp->next) {
        pp_srv_cfg_t *c = pp_srv_cfg(sp);
        const char *err = NULL;

        guard_of(c);
        if (c->ca != NULL && !pp_ca_check_pair(c->ca, &err)) {
            ap_log_error(APLOG_MARK, APLOG_CRIT, 0, sp, "PP0002: "
                         "PassportCACertificateFile/PassportCAKeyFile for "
                         "%s:%u: %s", sp->server_hostname, (unsigned)sp->port,
                         err);
            return HTTP_INTERNAL_SERVER_ERROR;
        }
        /* a legacy token that dies with the tickets cannot renew them */
        if (legacy_lifetime_of(c) < ticket_lifetime_of(c)) {
            ap_log_error(APLOG_MARK, APLOG_CRIT, 0, sp, "PP0004: "
                         "PassportLegacyTokenLifetime (%" APR_INT64_T_FMT
                         " s) is shorter than PassportTicketLifetime (%"
                         APR_INT64_T_FMT " s) for %s:%u: the legacy token "
                         "must outlive the tickets it renews",
                         legacy_lifetime_of(c), ticket_lifetime_of(c),
                         sp->server_hostname, (unsigned)sp->port);
            return HTTP_INTERNAL_SERVER_ERROR;
        }
    }
    /* PassportCache's providers and arguments, so that `apachectl -t`
     * reports them too */
    return pp_store_check_config(pconf, plog, ptemp, s);
}

/* A server's merged values with the defaults applied: its realm. */
static pp_realm_t *realm_of(apr_pool_t *p, server_rec *s,
                            const pp_srv_cfg_t *c)
{
    pp_realm_t *r = apr_pcalloc(p, sizeof(*r));
    pp_nexus_urls_t u;
    char *host;

    r->name = c->realm_name ? c->realm_name : PP_DEFAULT_REALM;
    r->dalogin = c->dalogin ? c->dalogin
                            : apr_pstrcat(p, s->server_hostname,
                                          PP_DEFAULT_LOGIN_PATH, NULL);
    r->config_version = c->config_version != -1 ? c->config_version
                                                : PP_DEFAULT_CONFIG_VERSION;
    r->ticket_lifetime = ticket_lifetime_of(c);
    r->legacy_lifetime = legacy_lifetime_of(c);
    r->keyring = c->keyring;
    r->ca = c->ca;
    r->sites = c->sites;
    r->domain_redirects = c->domain_redirects;
    r->services = c->services;
    r->clock_skew = c->clock_skew != -1 ? c->clock_skew
                                        : PP_DEFAULT_CLOCK_SKEW;
    r->cobrand_url = c->cobrand_url;
    r->cobrand_text = c->cobrand_text;
    r->shared_ticket = c->shared_ticket == 1;
    host = apr_pstrdup(p, s->server_hostname ? s->server_hostname : "");
    ap_str_tolower(host);
    r->partner_audience = host;

    u.realm = r->name;
    u.dalogin = r->dalogin;
    u.dareg = c->dareg;
    u.properties = c->properties;
    u.privacy = c->privacy;
    u.general_redir = c->general_redir;
    u.help = c->help;
    u.config_version = r->config_version;
    r->passport_urls = pp_nexus_header(p, &u);
    return r;
}

int pp_config_post(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                   server_rec *s)
{
    server_rec *sp;
    int rv;

    (void)plog;
    for (sp = s; sp != NULL; sp = sp->next) {
        pp_srv_cfg_t *c = pp_srv_cfg(sp);

        c->realm = realm_of(pconf, sp, c);
        c->body_limit = (apr_size_t)(c->max_body != -1 ? c->max_body
                                                       : PP_DEFAULT_MAX_BODY);
    }
    rv = pp_store_post_config(pconf, plog, ptemp, s);
    if (rv == OK)
        rv = pp_auth_post_config(pconf, ptemp, s);
    if (rv == OK)
        rv = pp_status_post_config(pconf, s);
    return rv != OK ? rv : pp_db_prepare(pconf, ptemp, s);
}
