/*
 * nexus.c - SetHandler passport-nexus: the Passport Nexus (pprdr.asp).
 *
 * Answers GET/HEAD with the Update Configuration message (MS-PASS
 * 2.2.12) in the PassportURLs header. An HTTP/0.9 request (old Pidgin)
 * gets the status line and headers written into the body, since Apache
 * sends no head for HTTP/0.9 and the client needs PassportURLs.
 */
#include "handlers.h"
#include "config.h"
#include "pp_nexus.h"

#include <http_protocol.h>
#include <http_log.h>
#include <http_request.h>
#include <apr_strings.h>

APLOG_USE_MODULE(passport);

static const char *nexus_value(request_rec *r)
{
    const pp_srv_cfg_t *c = pp_srv_cfg(r->server);
    pp_nexus_urls_t u;

    u.realm = pp_cfg_realm(c);
    u.dalogin = pp_cfg_dalogin(r, c);
    u.dareg = c->dareg;
    u.properties = c->properties;
    u.privacy = c->privacy;
    u.general_redir = c->general_redir;
    u.help = c->help;
    u.config_version = pp_cfg_config_version(c);
    return pp_nexus_header(r->pool, &u);
}

int pp_nexus_handler(request_rec *r)
{
    const char *value;

    if (r->handler == NULL || strcmp(r->handler, "passport-nexus") != 0)
        return DECLINED;

    ap_allow_standard_methods(r, REPLACE_ALLOW, M_GET, -1); /* + HEAD */
    if (r->method_number != M_GET) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                      "PP0101: nexus: method %s not allowed", r->method);
        return HTTP_METHOD_NOT_ALLOWED;
    }

    value = nexus_value(r);

    if (r->assbackwards) {
        /* HTTP/0.9: no head would be sent; write one ourselves. */
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r,
                      "PP0102: nexus: HTTP/0.9 request, writing the head "
                      "into the body");
        ap_rprintf(r, "HTTP/1.1 200 OK\r\n"
                      "Cache-Control: private\r\n"
                      "Content-Type: text/html\r\n"
                      "Content-Length: 0\r\n"
                      "Connection: close\r\n"
                      "PassportURLs: %s\r\n"
                      "\r\n", value);
        return OK;
    }

    apr_table_setn(r->headers_out, "Cache-Control", "private");
    apr_table_setn(r->headers_out, "PassportURLs", value);
    ap_set_content_type(r, "text/html");
    ap_set_content_length(r, 0);
    return OK;
}
