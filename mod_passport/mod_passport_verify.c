/*
 * mod_passport_verify.c - SetHandler passport-verify: ticket
 * verification for messenger servers and other services
 * (docs/tickets.md). This file reads the form; the core
 * (pp_verify_answer) checks the ticket and writes the JSON.
 *
 * POST application/x-www-form-urlencoded: ticket (bare or t=...&p=...),
 * audience, and optionally nonce and mbi (the client's MBI_KEY_OLD
 * answer). Protect the location with Apache's access control.
 */
#include "mod_passport_config.h"
#include "mod_passport_handlers.h"
#include "mod_passport_http.h"
#include "pp_verify.h"

#include <http_protocol.h>
#include <http_request.h>
#include <http_log.h>
#include <util_script.h>
#include <apr_strings.h>

APLOG_USE_MODULE(passport);

#define MAX_FORM 8192
#define MAX_FIELDS 16

static int answer(request_rec *r, const pp_verify_answer_t *a)
{
    PP_LOG_NOTE(r, a->note);
    return pp_send(r, a->status, "application/json", "no-store", a->json);
}

/* The form's fields; a repeated field or a NUL is an error. */
static const char *read_form(request_rec *r, apr_table_t *fields)
{
    apr_array_header_t *pairs = NULL;
    const char *ct = apr_table_get(r->headers_in, "Content-Type");
    int i;

    if (ct == NULL || strncasecmp(ct, "application/x-www-form-urlencoded",
                                  33) != 0)
        return "Content-Type must be application/x-www-form-urlencoded";
    if (ap_parse_form_data(r, NULL, &pairs, MAX_FIELDS, MAX_FORM) != OK
        || pairs == NULL)
        return "the form could not be read (over 8 KiB?)";
    for (i = 0; i < pairs->nelts; i++) {
        ap_form_pair_t *f = &APR_ARRAY_IDX(pairs, i, ap_form_pair_t);
        apr_off_t len = 0;
        apr_size_t size;
        char *v;

        if (apr_brigade_length(f->value, 1, &len) != APR_SUCCESS
            || len < 0 || len > MAX_FORM)
            return "the form could not be read";
        size = (apr_size_t)len;
        v = apr_palloc(r->pool, size + 1);
        if (apr_brigade_flatten(f->value, v, &size) != APR_SUCCESS
            || size != (apr_size_t)len)
            return "the form could not be read";
        v[size] = '\0';
        if (strlen(v) != size)
            return apr_psprintf(r->pool, "field %s holds a NUL", f->name);
        if (apr_table_get(fields, f->name) != NULL)
            return apr_psprintf(r->pool, "field %s given twice", f->name);
        apr_table_setn(fields, f->name, v);
    }
    return NULL;
}

int pp_verify_handler(request_rec *r)
{
    pp_verify_answer_t a;
    apr_table_t *f;
    const char *why;

    if (r->handler == NULL || strcmp(r->handler, PP_HANDLER_VERIFY) != 0)
        return DECLINED;
    ap_allow_standard_methods(r, REPLACE_ALLOW, M_POST, -1);
    if (r->method_number != M_POST) {
        apr_table_setn(r->headers_out, "Allow", "POST");
        return pp_send(r, HTTP_METHOD_NOT_ALLOWED, "application/json",
                       "no-store", "{\"valid\":false,\"reason\":"
                       "\"bad-request\",\"detail\":\"use POST\"}");
    }
    f = apr_table_make(r->pool, 8);
    if ((why = read_form(r, f)) != NULL) {
        pp_verify_bad_request(r->pool, why, &a);
        return answer(r, &a);
    }
    pp_verify_answer(r->pool, pp_srv_cfg(r->server)->realm,
                     apr_table_get(f, "ticket"), apr_table_get(f, "audience"),
                     apr_table_get(f, "nonce"), apr_table_get(f, "mbi"),
                     apr_time_sec(r->request_time), &a);
    return answer(r, &a);
}
