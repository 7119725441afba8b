/*
 * mod_passport_sni.c - the HTTP/0.9 Nexus request over TLS with SNI.
 *
 * Pidgin up to 2.2 built with NSS opens nexus.passport.com:443 with SNI
 * and sends `GET /rdr/pprdr.asp` in HTTP/0.9: no version, no Host.
 * mod_ssl refuses any request that came with SNI but names no host
 * (AH02031, 400) in its post_read_request hook, before a handler runs,
 * and the client then hangs at "Getting cookie". For a true HTTP/0.9
 * request on a TLS connection that carried SNI, and only for that, this
 * hook runs first and makes the SNI name the request's host, then lets
 * httpd select the name-based virtual host from it exactly as it would
 * from a Host header. mod_ssl's own checks still run after it: the vhost
 * chosen is the one the SNI name chose for the handshake, so they pass.
 *
 * It takes the name from mod_ssl's optional functions (SSL_TLS_SNI), so
 * the glue links no TLS library. A name that is not a plain DNS host
 * name is not touched: mod_ssl answers it as before.
 */
#include "mod_passport_sni.h"
#include "pp_str.h"

#include <http_core.h>
#include <http_log.h>
#include <http_protocol.h>
#include <http_request.h>
#include <http_vhost.h>
#include <ap_mmn.h>
#include <apr_optional.h>
#include <apr_strings.h>
#include <mod_ssl.h>

APLOG_USE_MODULE(passport);

static APR_OPTIONAL_FN_TYPE(ssl_is_https) *tls_is_https;
static APR_OPTIONAL_FN_TYPE(ssl_var_lookup) *tls_var_lookup;

void pp_sni_retrieve_fns(void)
{
    tls_is_https = APR_RETRIEVE_OPTIONAL_FN(ssl_is_https);
    tls_var_lookup = APR_RETRIEVE_OPTIONAL_FN(ssl_var_lookup);
}

/* The SNI name of r's connection, or NULL (not TLS, or no SNI). */
static const char *sni_of(request_rec *r)
{
    char var[] = "SSL_TLS_SNI";
    const char *name;

    if (tls_is_https == NULL || tls_var_lookup == NULL
        || !tls_is_https(r->connection))
        return NULL;
    name = tls_var_lookup(r->pool, r->server, r->connection, r, var);
    return name != NULL && *name != '\0' ? name : NULL;
}

/* Select r's name-based virtual host from r->hostname, as the core does
 * after reading the headers: a name that no vhost of the address has
 * gets the address's default vhost, unless StrictHostCheck is On (httpd
 * 2.4.49 and later), where it is refused. HTTP_OK unless refused. */
static int select_vhost(request_rec *r)
{
#if AP_MODULE_MAGIC_AT_LEAST(20120211, 107)
    core_server_config *core =
        ap_get_core_module_config(r->server->module_config);
    int strict = core->strict_host_check == AP_CORE_CONFIG_ON;
    int rc = ap_update_vhost_from_headers_ex(r, strict);

    /* the result is "no vhost names it", which only StrictHostCheck
     * makes an error (as in the core's ap_check_request_header) */
    return strict ? rc : HTTP_OK;
#else
    ap_update_vhost_from_headers(r);
    return HTTP_OK;
#endif
}

int pp_sni_http09_host(request_rec *r)
{
    server_rec *before = r->server;
    const char *sni;
    char *host;

    /* a true HTTP/0.9 request line, nothing else: no URL host, no header
     * (an HTTP/0.9 request has none), not a subrequest or redirect */
    if (!r->assbackwards || r->proto_num != HTTP_VERSION(0, 9)
        || r->hostname != NULL || r->main != NULL || r->prev != NULL
        || r->proxyreq != PROXYREQ_NONE
        || apr_table_get(r->headers_in, "Host") != NULL)
        return DECLINED;
    if ((sni = sni_of(r)) == NULL)
        return DECLINED;    /* no SNI: the address's vhost, as always */
    if (!pp_is_host_name(sni)) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, "PP0110: HTTP/0.9 "
                      "over TLS: SNI \"%s\" is not a host name, left to "
                      "mod_ssl", pp_log_escape(r->pool, sni));
        return DECLINED;
    }

    host = apr_pstrdup(r->pool, sni);
    ap_str_tolower(host);
    r->hostname = host;
    if (select_vhost(r) != HTTP_OK || r->status != HTTP_OK) {
        /* StrictHostCheck On and no vhost names it: as the request was */
        r->hostname = NULL;
        r->server = before;
        r->status = HTTP_OK;
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, "PP0111: HTTP/0.9 "
                      "over TLS: no virtual host is named %s "
                      "(StrictHostCheck), left to mod_ssl", host);
        return DECLINED;
    }
    if (r->server != before) {
        /* what the core does when the headers select another vhost */
        apr_socket_t *csd = ap_get_conn_socket(r->connection);

        if (csd != NULL)
            apr_socket_timeout_set(csd, r->server->timeout);
        r->per_dir_config = r->server->lookup_defaults;
    }
    ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, "PP0112: HTTP/0.9 over "
                  "TLS: the SNI name %s is the request's host; virtual "
                  "host %s (%s:%u)", host, r->server->server_hostname,
                  r->server->defn_name ? r->server->defn_name : "-",
                  r->server->defn_line_number);
    return DECLINED;
}
