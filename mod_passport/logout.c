/*
 * logout.c - SetHandler passport-logout: the Authentication Server
 * Logout message (MS-PASS 2.2.4). Expires the login cookies.
 */
#include "handlers.h"
#include "cookies.h"

#include <http_protocol.h>
#include <http_request.h>
#include <http_log.h>

APLOG_USE_MODULE(passport);

int pp_logout_handler(request_rec *r)
{
    static const char *const cookies[] = { "MSPAuth", "MSPProf", "MSPSec" };
    size_t i;

    if (r->handler == NULL || strcmp(r->handler, "passport-logout") != 0)
        return DECLINED;
    ap_allow_standard_methods(r, REPLACE_ALLOW, M_GET, -1);
    if (r->method_number != M_GET)
        return HTTP_METHOD_NOT_ALLOWED;

    for (i = 0; i < sizeof(cookies) / sizeof(cookies[0]); i++)
        pp_expire_cookie(r, cookies[i]);
    apr_table_setn(r->headers_out, "Cache-Control", "no-cache");
    apr_table_setn(r->headers_out, "Authentication-Info",
                   "Passport1.4 da-status=logout");
    ap_set_content_type(r, "text/html");
    ap_set_content_length(r, 0);
    return OK;
}
