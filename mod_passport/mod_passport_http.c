/*
 * mod_passport_http.c - request bodies, cookies and whole answers.
 */
#include "mod_passport_http.h"

#include <http_protocol.h>
#include <http_request.h>
#include <http_log.h>
#include <util_cookies.h>
#include <apr_strings.h>
#include <apr_buckets.h>

APLOG_USE_MODULE(passport);

/* The first allocation when the length is not declared; the buffer
 * doubles as bytes arrive, so memory follows the body, not the limit. */
#define BODY_START 8192

static char *over_limit(request_rec *r, apr_size_t limit, const char **why)
{
    *why = apr_psprintf(r->pool, "request body over %" APR_SIZE_T_FMT
                        " bytes (PassportMaxRequestBody)", limit);
    r->connection->keepalive = AP_CONN_CLOSE;
    return NULL;
}

char *pp_read_body(request_rec *r, apr_size_t limit, apr_size_t *len,
                   const char **why)
{
    const char *cl = apr_table_get(r->headers_in, "Content-Length");
    apr_size_t size = BODY_START;
    int declared = 0;
    char *buf;
    long n = 0;

    *len = 0;
    if (cl != NULL) {
        apr_off_t length;

        if (apr_strtoff(&length, cl, NULL, 10) != APR_SUCCESS || length < 0) {
            *why = "the Content-Length is not a number";
            r->connection->keepalive = AP_CONN_CLOSE;
            return NULL;
        }
        if ((apr_uint64_t)length > limit)
            return over_limit(r, limit, why);
        size = (apr_size_t)length;
        declared = 1;
    }
    if (ap_setup_client_block(r, REQUEST_CHUNKED_DECHUNK) != OK) {
        *why = "the request body could not be read";
        return NULL;
    }
    if (size > limit)
        size = limit;
    buf = apr_palloc(r->pool, size + 1);
    if (ap_should_client_block(r)) {
        for (;;) {
            if (*len == size) {
                /* a declared length is all that comes (HTTP_IN sees to
                 * it); otherwise grow, up to one byte over the limit */
                char *more;

                if (declared)
                    break;
                size = size * 2 > limit + 1 ? limit + 1 : size * 2;
                more = apr_palloc(r->pool, size + 1);
                memcpy(more, buf, *len);
                buf = more;
            }
            n = ap_get_client_block(r, buf + *len, size - *len);
            if (n <= 0)
                break;
            *len += (apr_size_t)n;
            if (*len > limit)
                return over_limit(r, limit, why);
        }
    }
    if (n < 0) {
        *why = "the request body could not be read";
        r->connection->keepalive = AP_CONN_CLOSE;
        return NULL;
    }
    buf[*len] = '\0';
    ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, "PP0104: read a %"
                  APR_SIZE_T_FMT "-byte body into a %" APR_SIZE_T_FMT
                  "-byte buffer (limit %" APR_SIZE_T_FMT ")", *len, size + 1,
                  limit);
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
    apr_bucket *b;
    apr_size_t n;

    (void)block;
    if (ctx == NULL)
        return APR_EGENERAL;
    if (mode != AP_MODE_READBYTES && mode != AP_MODE_SPECULATIVE)
        return APR_ENOTIMPL;
    n = ctx->len - ctx->off;
    if (readbytes > 0 && (apr_size_t)readbytes < n)
        n = (apr_size_t)readbytes;
    if (n > 0) {
        b = apr_bucket_immortal_create(ctx->data + ctx->off, n, ba);
        if (b == NULL)
            return APR_ENOMEM;
        APR_BRIGADE_INSERT_TAIL(bb, b);
    }
    if (mode == AP_MODE_READBYTES)
        ctx->off += n;
    if (ctx->off >= ctx->len) {
        b = apr_bucket_eos_create(ba);
        if (b == NULL)
            return APR_ENOMEM;
        APR_BRIGADE_INSERT_TAIL(bb, b);
    }
    return APR_SUCCESS;
}

int pp_is_https(request_rec *r)
{
    return strcmp(ap_http_scheme(r), "https") == 0;
}

const char *pp_cookie(request_rec *r, const char *name)
{
    const char *v = NULL;

    if (ap_cookie_read(r, name, &v, 0) != APR_SUCCESS || v == NULL
        || *v == '\0')
        return NULL;
    return v;
}

void pp_set_cookie(request_rec *r, const char *name, const char *value,
                   apr_int64_t max_age, int cross_site)
{
    int https = pp_is_https(r);

    apr_table_addn(r->err_headers_out, "Set-Cookie",
                   apr_psprintf(r->pool, "%s=%s; Path=/; Max-Age=%"
                                APR_INT64_T_FMT "%s; HttpOnly; SameSite=%s%s",
                                name, value, max_age, max_age == 0
                                ? "; Expires=Thu, 01 Jan 1970 00:00:00 GMT"
                                : "", cross_site && https ? "None" : "Lax",
                                https ? "; Secure" : ""));
}

int pp_send(request_rec *r, int status, const char *type,
            const char *cache_control, const char *body)
{
    apr_size_t len = strlen(body);

    r->status = status;
    ap_set_content_type(r, type);
    ap_set_content_length(r, (apr_off_t)len);
    if (cache_control != NULL)
        apr_table_setn(r->headers_out, "Cache-Control", cache_control);
    if (!r->header_only && len > 0 && ap_rwrite(body, (int)len, r) < 0)
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, "PP0103: the client "
                      "went away before the answer was written");
    return OK;
}
