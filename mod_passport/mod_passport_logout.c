/*
 * mod_passport_logout.c - SetHandler passport-logout: the
 * Authentication Server Logout message (MS-PASS 2.2.4). Expires the
 * login cookies.
 */
#include "mod_passport_handlers.h"
#include "mod_passport_http.h"
#include "pp_login.h"
#include "pp_p14.h"

#include <http_protocol.h>
#include <http_request.h>
#include <http_log.h>

int pp_logout_handler(request_rec *r)
{
    int i;

    if (r->handler == NULL || strcmp(r->handler, PP_HANDLER_LOGOUT) != 0)
        return DECLINED;
    ap_allow_standard_methods(r, REPLACE_ALLOW, M_GET, -1);
    if (r->method_number != M_GET)
        return HTTP_METHOD_NOT_ALLOWED;

    for (i = 0; i < PP_LOGIN_MAX_COOKIES; i++)
        pp_set_cookie(r, pp_login_cookie_names[i], "", 0, 1);
    apr_table_setn(r->headers_out, "Authentication-Info",
                   PP_P14_LOGOUT);
    return pp_send(r, HTTP_OK, "text/html", "no-cache", "");
}
