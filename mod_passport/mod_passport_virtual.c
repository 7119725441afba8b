/*
 * mod_passport_virtual.c - the Passport endpoints have no file behind
 * them, so they skip the directory walk, as a ProxyPass does.
 *
 * An endpoint is a URI that a <Location> (or an <If> in one) gives one of
 * mod_passport's handlers with SetHandler. For such a request, core's
 * directory and file walk would stat every segment of the path under the
 * DocumentRoot and look for .htaccess files only to find that nothing is
 * there; it was a tenth of an RST.srf sign-in's cost. So map_to_storage
 * answers for it: <Directory>, <Files> and .htaccess do not apply to an
 * endpoint (as with mod_proxy); <Location> and <If> still do, and the
 * access control of an endpoint belongs there.
 *
 * The handler is known only from the first location walk, which runs
 * before translate_name; map_to_storage starts from the server's
 * defaults. So translate_name, first of all, notes the URI whose
 * location names one of ours, and map_to_storage skips the walk only
 * for that URI: one rewritten by mod_rewrite or an Alias to something
 * else walks as before. A handler set by <Directory> or <Files> is not
 * seen here, and one set for a whole server is not a location's: both
 * walk as before too.
 */
#include "mod_passport_virtual.h"
#include "mod_passport_handlers.h"

#include <http_core.h>
#include <http_config.h>
#include <http_request.h>
#include <ap_expr.h>
#include <apr_strings.h>

extern module AP_MODULE_DECLARE_DATA passport_module;

static const char *const HANDLERS[] = {
    PP_HANDLER_NEXUS, PP_HANDLER_LOGIN2, PP_HANDLER_LOGOUT, PP_HANDLER_RST,
    PP_HANDLER_VERIFY, NULL
};

/* The handler a <Location> or <If> gives, as core's type checker will
 * set it; NULL if none does. One the server itself sets (SetHandler in
 * a <VirtualHost>) is not a location's: a <Directory> may override it,
 * so such a server's requests walk as before. */
static const char *location_handler(request_rec *r)
{
    core_dir_config *d = ap_get_core_module_config(r->per_dir_config);
    core_dir_config *s = ap_get_core_module_config(r->server->lookup_defaults);
    const char *err = NULL, *h;

    if (d->expr_handler == s->expr_handler && d->handler == s->handler)
        return NULL;
    if (d->expr_handler == NULL)
        return d->handler;
    h = ap_expr_str_exec(r, d->expr_handler, &err);
    return err == NULL ? h : NULL;
}

static int is_ours(const char *handler)
{
    int i;

    for (i = 0; handler != NULL && HANDLERS[i] != NULL; i++)
        if (strcmp(handler, HANDLERS[i]) == 0)
            return 1;
    return 0;
}

static int note_endpoint(request_rec *r)
{
    if (r->uri != NULL && is_ours(location_handler(r)))
        ap_set_module_config(r->request_config, &passport_module,
                             apr_pstrdup(r->pool, r->uri));
    return DECLINED;
}

static int skip_walk(request_rec *r)
{
    const char *uri = ap_get_module_config(r->request_config,
                                           &passport_module);

    if (uri == NULL || r->uri == NULL || strcmp(uri, r->uri) != 0)
        return DECLINED;
    return OK;
}

void pp_virtual_register(void)
{
    ap_hook_translate_name(note_endpoint, NULL, NULL, APR_HOOK_REALLY_FIRST);
    ap_hook_map_to_storage(skip_walk, NULL, NULL, APR_HOOK_MIDDLE);
}
