/*
 * verify.c - SetHandler passport-verify: ticket verification for
 * messenger servers and other services (docs/tickets.md).
 *
 * POST application/x-www-form-urlencoded: ticket (bare or t=...&p=...),
 * audience, and optionally nonce and mbi (the client's MBI_KEY_OLD
 * answer). Answers JSON: 200 when valid, 403 with a reason when not,
 * 400 for a request that is not a question. The ticket is never echoed.
 * Protect the location with Apache's access control (Require ip, ...).
 */
#include "handlers.h"
#include "config.h"
#include "pp_verify.h"
#include "pp_str.h"

#include <http_protocol.h>
#include <http_request.h>
#include <http_log.h>
#include <util_script.h>
#include <apr_strings.h>

APLOG_USE_MODULE(passport);

#define MAX_FORM 8192

static int send_json(request_rec *r, int status, const char *json)
{
    r->status = status;
    ap_set_content_type(r, "application/json");
    ap_set_content_length(r, (apr_off_t)strlen(json));
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    if (!r->header_only)
        ap_rputs(json, r);
    return OK;
}

/* JSON string content: quotes, backslashes and controls escaped. */
static const char *json_str(apr_pool_t *p, const char *s)
{
    char *out = apr_palloc(p, strlen(s) * 6 + 1), *o = out;

    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;

        if (c == '"' || c == '\\') {
            *o++ = '\\';
            *o++ = (char)c;
        }
        else if (c < 0x20) {
            apr_snprintf(o, 7, "\\u%04x", c);
            o += 6;
        }
        else
            *o++ = (char)c;
    }
    *o = '\0';
    return out;
}

static int bad_request(request_rec *r, const char *why)
{
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, "PP0601: verify: %s", why);
    return send_json(r, HTTP_BAD_REQUEST, apr_psprintf(r->pool,
                     "{\"valid\":false,\"reason\":\"bad-request\","
                     "\"detail\":\"%s\"}", json_str(r->pool, why)));
}

/* The form's fields we know; a repeated field is an error. */
static const char *read_form(request_rec *r, apr_table_t *fields)
{
    apr_array_header_t *pairs = NULL;
    const char *ct = apr_table_get(r->headers_in, "Content-Type");
    int i;

    if (ct == NULL || strncasecmp(ct, "application/x-www-form-urlencoded",
                                  33) != 0)
        return "Content-Type must be application/x-www-form-urlencoded";
    if (ap_parse_form_data(r, NULL, &pairs, 16, MAX_FORM) != OK
        || pairs == NULL)
        return "the form could not be read (over 8 KiB?)";
    for (i = 0; i < pairs->nelts; i++) {
        ap_form_pair_t *f = &APR_ARRAY_IDX(pairs, i, ap_form_pair_t);
        apr_off_t len;
        apr_size_t size;
        char *v;

        apr_brigade_length(f->value, 1, &len);
        size = (apr_size_t)len;
        v = apr_palloc(r->pool, size + 1);
        apr_brigade_flatten(f->value, v, &size);
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
    const pp_srv_cfg_t *c;
    apr_table_t *f;
    const char *why, *ticket, *audience, *nonce, *mbi;
    pp_verify_result_t v;

    if (r->handler == NULL || strcmp(r->handler, "passport-verify") != 0)
        return DECLINED;
    ap_allow_standard_methods(r, REPLACE_ALLOW, M_POST, -1);
    if (r->method_number != M_POST) {
        apr_table_setn(r->headers_out, "Allow", "POST");
        send_json(r, HTTP_METHOD_NOT_ALLOWED, "{\"valid\":false,\"reason\":"
                  "\"bad-request\",\"detail\":\"use POST\"}");
        return OK;
    }
    c = pp_srv_cfg(r->server);
    f = apr_table_make(r->pool, 8);
    if ((why = read_form(r, f)) != NULL)
        return bad_request(r, why);
    ticket = apr_table_get(f, "ticket");
    audience = apr_table_get(f, "audience");
    nonce = apr_table_get(f, "nonce");
    mbi = apr_table_get(f, "mbi");
    if (ticket == NULL || *ticket == '\0')
        return bad_request(r, "no ticket field");
    if (audience == NULL || *audience == '\0')
        return bad_request(r, "no audience field (the address the ticket "
                           "must be for, e.g. messengerclear.live.com)");
    if ((nonce == NULL) != (mbi == NULL))
        return bad_request(r, "nonce and mbi go together");
    if (c->keyring == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "PP0602: verify: "
                      "PassportKeyFile is not set for this server");
        return send_json(r, HTTP_INTERNAL_SERVER_ERROR, "{\"valid\":false,"
                         "\"reason\":\"server-error\"}");
    }

    pp_verify(r->pool, c->keyring, pp_cfg_realm(c), ticket, audience,
              apr_time_sec(r->request_time), nonce, mbi, &v);
    if (v.status != PP_TICKET_OK) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, "PP0603: verify: "
                      "ticket refused for audience '%s': %s",
                      ap_escape_logitem(r->pool, audience),
                      pp_ticket_status_word(v.status));
        return send_json(r, HTTP_FORBIDDEN, apr_psprintf(r->pool,
                         "{\"valid\":false,\"reason\":\"%s\"}",
                         pp_ticket_status_word(v.status)));
    }
    return send_json(r, HTTP_OK, apr_psprintf(r->pool,
        "{\"valid\":true,\"puid\":\"%s\",\"signin\":\"%s\","
        "\"audience\":\"%s\",\"realm\":\"%s\",\"issued\":%" APR_INT64_T_FMT
        ",\"expires\":%" APR_INT64_T_FMT "%s}",
        pp_hex16(r->pool, v.ticket.puid), json_str(r->pool, v.ticket.signin),
        json_str(r->pool, v.ticket.audience),
        json_str(r->pool, pp_cfg_realm(c)), v.ticket.issued,
        v.ticket.expires, v.mbi_checked ? ",\"mbi\":\"ok\"" : ""));
}
