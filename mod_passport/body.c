/*
 * body.c - reading a request body with a limit (RST.srf, and partner
 * locations that take the ticket from a SOAP header), and handing it
 * back to the next reader through the PASSPORT_REPLAY input filter.
 */
#include "body.h"
#include "handlers.h"

#include <http_protocol.h>
#include <http_request.h>
#include <apr_strings.h>
#include <apr_buckets.h>

/* Read at most limit bytes. Returns NULL and *why on failure; a body
 * over the limit closes the connection rather than being read. */
char *pp_read_body(request_rec *r, apr_size_t limit, apr_size_t *len,
                       const char **why)
{
    const char *cl = apr_table_get(r->headers_in, "Content-Length");
    char *buf;
    long n;

    *len = 0;
    if (cl != NULL && (apr_size_t)apr_atoi64(cl) > limit) {
        *why = apr_psprintf(r->pool, "request body over %" APR_SIZE_T_FMT
                            " bytes (PassportMaxRequestBody)", limit);
        r->connection->keepalive = AP_CONN_CLOSE;
        return NULL;
    }
    if (ap_setup_client_block(r, REQUEST_CHUNKED_DECHUNK) != OK) {
        *why = "the request body could not be read";
        return NULL;
    }
    buf = apr_palloc(r->pool, limit + 1);
    if (ap_should_client_block(r))
        while ((n = ap_get_client_block(r, buf + *len, limit + 1 - *len)) > 0) {
            *len += (apr_size_t)n;
            if (*len > limit) {
                *why = apr_psprintf(r->pool, "request body over %"
                                    APR_SIZE_T_FMT " bytes "
                                    "(PassportMaxRequestBody)", limit);
                r->connection->keepalive = AP_CONN_CLOSE;
                return NULL;
            }
        }
    else
        n = 0;
    if (n < 0) {
        *why = "the request body could not be read";
        r->connection->keepalive = AP_CONN_CLOSE;
        return NULL;
    }
    buf[*len] = '\0';
    return buf;
}

typedef struct {
    const char *data;
    apr_size_t len;
    apr_size_t off;
} replay_t;

void pp_replay_body(request_rec *r, const char *data, apr_size_t len)
{
    replay_t *ctx = apr_pcalloc(r->pool, sizeof(*ctx));

    ctx->data = data;
    ctx->len = len;
    /* the next reader starts from scratch: the body is ours to give */
    r->read_length = 0;
    ap_add_input_filter(PP_REPLAY_FILTER, ctx, r, r->connection);
}

apr_status_t pp_replay_filter(ap_filter_t *f, apr_bucket_brigade *bb,
                              ap_input_mode_t mode, apr_read_type_e block,
                              apr_off_t readbytes)
{
    replay_t *ctx = f->ctx;
    apr_bucket_alloc_t *ba = f->c->bucket_alloc;
    apr_size_t n;

    (void)block;
    if (ctx == NULL)
        return APR_EGENERAL;
    if (mode != AP_MODE_READBYTES && mode != AP_MODE_SPECULATIVE)
        return APR_ENOTIMPL;
    n = ctx->len - ctx->off;
    if (readbytes > 0 && (apr_size_t)readbytes < n)
        n = (apr_size_t)readbytes;
    if (n > 0)
        APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_immortal_create(
                                    ctx->data + ctx->off, n, ba));
    if (mode == AP_MODE_READBYTES)
        ctx->off += n;
    if (ctx->off >= ctx->len)
        APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_eos_create(ba));
    return APR_SUCCESS;
}
