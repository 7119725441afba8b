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
#include <util_time.h>

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

    /* HTTP/0.9: Apache sends no head, and the client needs PassportURLs.
     * HEAD: Apache's header filter drops "Content-Length: 0" from HEAD
     * answers, and the Nexus's contract includes it. Either way the head
     * is written here, as the whole of the response (HTTP/1.x only: an
     * HTTP/2 stream has no raw head to write). */
    if (r->assbackwards
        || (r->header_only && r->proto_num < HTTP_VERSION(2, 0))) {
        char date[APR_RFC822_DATE_LEN];

        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, "PP0102: nexus: %s, "
                      "writing the head ourselves",
                      r->assbackwards ? "HTTP/0.9" : "HEAD");
        r->assbackwards = 1;            /* no head from Apache, no filter */
        r->header_only = 0;             /* what we write is the head */
        r->connection->keepalive = AP_CONN_CLOSE;
        ap_recent_rfc822_date(date, r->request_time);
        ap_rprintf(r, "HTTP/1.1 200 OK\r\n"
                      "Date: %s\r\n"
                      "Cache-Control: private\r\n"
                      "Content-Type: text/html\r\n"
                      "Content-Length: 0\r\n"
                      "Connection: close\r\n"
                      "PassportURLs: %s\r\n"
                      "\r\n", date, value);
        return OK;
    }

    apr_table_setn(r->headers_out, "Cache-Control", "private");
    apr_table_setn(r->headers_out, "PassportURLs", value);
    ap_set_content_type(r, "text/html");
    ap_set_content_length(r, 0);
    return OK;
}
