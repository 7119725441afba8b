/*
 * mod_passport_nexus.c - SetHandler passport-nexus: the Passport Nexus
 * (pprdr.asp), the Update Configuration message (MS-PASS 2.2.12) in
 * the PassportURLs header. Its value is the realm's, made at start-up.
 *
 * Apache sends no head for HTTP/0.9, and old Pidgin asks the Nexus in
 * HTTP/0.9 and needs PassportURLs: such a request gets the status line
 * and headers written as the whole of the response. Over TLS its vhost
 * (hence its realm) is the one its SNI name selected (mod_passport_sni.c).
 */
#include "mod_passport_config.h"
#include "mod_passport_handlers.h"
#include "mod_passport_http.h"

#include <http_protocol.h>
#include <http_log.h>
#include <http_request.h>
#include <apr_strings.h>
#include <util_time.h>

APLOG_USE_MODULE(passport);

int pp_nexus_handler(request_rec *r)
{
    const pp_realm_t *realm;

    if (r->handler == NULL || strcmp(r->handler, PP_HANDLER_NEXUS) != 0)
        return DECLINED;
    ap_allow_standard_methods(r, REPLACE_ALLOW, M_GET, -1); /* + HEAD */
    if (r->method_number != M_GET) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                      "PP0101: nexus: method %s not allowed", r->method);
        return HTTP_METHOD_NOT_ALLOWED;
    }
    realm = pp_srv_cfg(r->server)->realm;

    if (r->assbackwards) {
        char date[APR_RFC822_DATE_LEN];

        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, "PP0102: nexus: "
                      "HTTP/0.9, writing the head ourselves");
        r->connection->keepalive = AP_CONN_CLOSE;
        ap_recent_rfc822_date(date, r->request_time);
        if (ap_rprintf(r, "HTTP/1.1 200 OK\r\n"
                          "Date: %s\r\n"
                          "Cache-Control: private\r\n"
                          "Content-Type: text/html\r\n"
                          "Content-Length: 0\r\n"
                          "Connection: close\r\n"
                          "PassportURLs: %s\r\n"
                          "\r\n", date, realm->passport_urls) < 0)
            ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, "PP0103: the "
                          "client went away before the answer was written");
        return OK;
    }
    apr_table_setn(r->headers_out, "PassportURLs", realm->passport_urls);
    return pp_send(r, HTTP_OK, "text/html", "private", "");
}
