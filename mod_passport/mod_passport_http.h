/*
 * mod_passport_http.h - the HTTP plumbing the handlers share: bounded
 * request bodies (and replaying one to the next reader), cookies, the
 * HTTPS test, and sending a complete answer with its length.
 */
#ifndef MOD_PASSPORT_HTTP_H
#define MOD_PASSPORT_HTTP_H

#include <httpd.h>
#include <util_filter.h>

#define PP_REPLAY_FILTER "PASSPORT_REPLAY"

/* Read at most limit bytes (NUL-terminated), allocating as they arrive.
 * NULL and *why on failure; a body over the limit closes the connection
 * rather than being read. */
char *pp_read_body(request_rec *r, apr_size_t limit, apr_size_t *len,
                   const char **why);

/* After pp_read_body: let the handler (CGI, proxy, ...) read the same
 * body again, through the PASSPORT_REPLAY input filter. */
void pp_replay_body(request_rec *r, const char *data, apr_size_t len);
apr_status_t pp_replay_filter(ap_filter_t *f, apr_bucket_brigade *bb,
                              ap_input_mode_t mode, apr_read_type_e block,
                              apr_off_t readbytes);

/* The client used HTTPS (mod_ssl, or `ServerName https://...` behind a
 * TLS-terminating proxy). */
int pp_is_https(request_rec *r);

/* A cookie's value, or NULL when the request has none (or it is empty). */
const char *pp_cookie(request_rec *r, const char *name);

/* Set-Cookie: name=value; Path=/; Max-Age=N; HttpOnly; SameSite=...
 * [; Secure]. cross_site: the cookie must come back on requests from
 * other sites (the login server's, MS-PASS 3.3.5): SameSite=None over
 * HTTPS, where browsers allow it, Lax otherwise. In err_headers_out, so
 * it survives any status. max_age 0 deletes the cookie. */
void pp_set_cookie(request_rec *r, const char *name, const char *value,
                   apr_int64_t max_age, int cross_site);

/* Send a whole answer: status, type, Content-Length, Cache-Control, and
 * the body (not for HEAD). Returns OK for the handler. */
int pp_send(request_rec *r, int status, const char *type,
            const char *cache_control, const char *body);

#endif
