/*
 * cookies.h - the Passport cookies (MSPAuth, MSPProf, MSPSec) that
 * login2.srf, logout.srf and partner locations set, and whether the
 * client reached us over HTTPS.
 */
#ifndef PP_COOKIES_H
#define PP_COOKIES_H

#include <httpd.h>

/* The client used HTTPS (mod_ssl, or `ServerName https://...` behind a
 * TLS-terminating proxy). */
int pp_is_https(request_rec *r);

/* Set-Cookie: name=value; Path=/; Max-Age=N; HttpOnly[; Secure] (Secure
 * over HTTPS). In err_headers_out, so it survives any status. */
void pp_set_cookie(request_rec *r, const char *name, const char *value,
                   apr_int64_t max_age);

/* Set-Cookie that deletes name. */
void pp_expire_cookie(request_rec *r, const char *name);

#endif
