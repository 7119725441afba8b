/*
 * cookies.c - the Passport cookies and the HTTPS test.
 */
#include "cookies.h"

#include <http_protocol.h>
#include <apr_strings.h>

int pp_is_https(request_rec *r)
{
    return strcmp(ap_http_scheme(r), "https") == 0;
}

void pp_set_cookie(request_rec *r, const char *name, const char *value,
                   apr_int64_t max_age)
{
    apr_table_addn(r->err_headers_out, "Set-Cookie",
                   apr_psprintf(r->pool, "%s=%s; Path=/; Max-Age=%"
                                APR_INT64_T_FMT "; HttpOnly%s", name, value,
                                max_age, pp_is_https(r) ? "; Secure" : ""));
}

void pp_expire_cookie(request_rec *r, const char *name)
{
    apr_table_addn(r->err_headers_out, "Set-Cookie",
                   apr_pstrcat(r->pool, name, "=; Path=/; Max-Age=0; Expires="
                               "Thu, 01 Jan 1970 00:00:00 GMT", NULL));
}
