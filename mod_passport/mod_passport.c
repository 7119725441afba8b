/*
 * mod_passport.c - the module record and its hooks, nothing else.
 *
 * The files are in two layers:
 *   pp_*.c            the protocol core: no httpd header, plain inputs
 *                     in, decisions and documents out, unit-tested
 *   mod_passport*.c   the httpd glue: configuration, mod_dbd, and one
 *                     thin file per endpoint that moves bytes
 */
#include "mod_passport_config.h"
#include "mod_passport_auth.h"
#include "mod_passport_cache.h"
#include "mod_passport_status.h"
#include "mod_passport_handlers.h"
#include "mod_passport_http.h"
#include "mod_passport_sni.h"
#include "mod_passport_virtual.h"
#include "pp_note.h"
#include "pp_soap.h"
#include "pp_guard.h"

#include <http_protocol.h>
#include <http_request.h>
#include <http_log.h>

int pp_note_level(int pp_level)
{
    switch (pp_level) {
    case PP_NOTE_DEBUG:  return APLOG_DEBUG;
    case PP_NOTE_INFO:   return APLOG_INFO;
    case PP_NOTE_NOTICE: return APLOG_NOTICE;
    default:             return APLOG_ERR;
    }
}

/* libxml2 is initialised once per process, before any thread parses,
 * and the parser contexts and throttle HMACs each thread keeps get their
 * slots; the store's global mutex is reopened, the timing locks made. */
static void pp_child_init(apr_pool_t *p, server_rec *s)
{
    pp_soap_init(p);
    pp_guard_init(p);
    pp_store_child_init(p, s);
    pp_auth_child_init(p, s);
}

static void pp_optional_fn_retrieve(void)
{
    pp_sni_retrieve_fns();
}

static void pp_register_hooks(apr_pool_t *p)
{
    /* before mod_dbd's post_config, which groups the statements */
    static const char *const before_dbd[] = { "mod_dbd.c", NULL };
    /* before mod_ssl's post_read_request, which answers 400 (AH02031)
     * to a request with SNI and no host: the HTTP/0.9 Nexus request over
     * TLS must have its host by then. Named rather than REALLY_FIRST:
     * mod_ssl is the one hook it must precede, and the others keep their
     * order (mod_setenvif stays before mod_ssl, as mod_ssl asks). */
    static const char *const before_ssl[] = { "mod_ssl.c", NULL };

    ap_hook_pre_config(pp_store_pre_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_check_config(pp_config_check, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(pp_config_post, NULL, before_dbd, APR_HOOK_MIDDLE);
    ap_hook_optional_fn_retrieve(pp_optional_fn_retrieve, NULL, NULL,
                                 APR_HOOK_MIDDLE);
    ap_hook_post_read_request(pp_sni_http09_host, NULL, before_ssl,
                              APR_HOOK_MIDDLE);
    ap_hook_handler(pp_nexus_handler, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_handler(pp_login2_handler, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_handler(pp_logout_handler, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_handler(pp_rst_handler, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_handler(pp_verify_handler, NULL, NULL, APR_HOOK_MIDDLE);
    pp_virtual_register();
    ap_hook_child_init(pp_child_init, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_check_authn(pp_partner_check_authn, NULL, NULL, APR_HOOK_MIDDLE,
                        AP_AUTH_INTERNAL_PER_CONF);
    ap_register_input_filter(PP_REPLAY_FILTER, pp_replay_filter, NULL,
                             AP_FTYPE_RESOURCE);
    pp_status_register(p);
}

AP_DECLARE_MODULE(passport) = {
    STANDARD20_MODULE_STUFF,
    pp_create_dir_cfg,      /* per-directory config (partner locations) */
    pp_merge_dir_cfg,       /* merge per-directory */
    pp_create_srv_cfg,      /* per-server config */
    pp_merge_srv_cfg,       /* merge per-server */
    pp_cmds,
    pp_register_hooks,
    /* every virtual host gets its own merged config, hence its own realm
     * (its own ServerName makes its DALogin), even with no directive */
    AP_MODULE_FLAG_ALWAYS_MERGE
};
