/*
 * pp_verify.c - ticket verification with the optional MBI check.
 */
#include "pp_verify.h"

#include "pp_str.h"
#include "pp_legacy.h"

#include <apr_strings.h>
#include <openssl/crypto.h>
#include <string.h>

pp_ticket_status_t pp_verify(apr_pool_t *p, const pp_keyring_t *ring,
                             const char *realm, const char *ticket,
                             const char *audience, apr_int64_t now,
                             const char *nonce, const char *blob,
                             pp_verify_result_t *out)
{
    const char *bare = pp_ticket_from_compact(p, ticket);
    const char *canonical = pp_legacy_canonical(p, bare);

    /* a legacy CipherValue is the same ticket in standard base64: open,
     * and derive the secret from, the canonical text */
    if (canonical != NULL)
        bare = canonical;

    memset(out, 0, sizeof(*out));
    out->status = pp_ticket_open(p, ring, realm, bare, now, audience,
                                 &out->ticket);
    out->sealed = out->status == PP_TICKET_OK
               || out->status == PP_TICKET_EXPIRED
               || out->status == PP_TICKET_BAD_AUDIENCE;
    if (!out->sealed)
        return out->status;
    /* the secret comes from the key that opened the ticket */
    out->mbi_secret_ok = pp_mbi_secret(&APR_ARRAY_IDX(ring->keys,
                                                      out->ticket.key_index,
                                                      pp_key_t),
                                       bare, out->mbi_secret);
    if (!out->mbi_secret_ok)
        OPENSSL_cleanse(out->mbi_secret, sizeof(out->mbi_secret));
    if (nonce != NULL || blob != NULL) {
        out->mbi_checked = 1;
        if (out->status == PP_TICKET_OK
            && !(out->mbi_secret_ok && nonce && blob
                 && pp_mbi_check(p, out->mbi_secret, PP_MBI_SECRET_LEN,
                                 nonce, blob)))
            out->status = PP_TICKET_BAD_MBI;
    }
    return out->status;
}

void pp_verify_bad_request(apr_pool_t *p, const char *why,
                           pp_verify_answer_t *out)
{
    out->status = 400;
    out->json = apr_psprintf(p, "{\"valid\":false,\"reason\":\"bad-request\","
                             "\"detail\":\"%s\"}", pp_json_escape(p, why));
    out->note.level = PP_NOTE_INFO;
    out->note.text = apr_pstrcat(p, "PP0601: verify: ", why, NULL);
}

/* ,"audiences":[...] for a version 2 ticket; nothing for version 1,
 * whose answer stays as it was. */
static const char *audiences_json(apr_pool_t *p, const pp_ticket_t *t)
{
    const char *list = "";
    int i;

    if (t->version != PP_TICKET_VERSION_SHARED)
        return "";
    for (i = 0; i < t->naudiences; i++)
        list = apr_pstrcat(p, list, i ? ",\"" : "\"",
                           pp_json_escape(p, t->audiences[i]), "\"", NULL);
    return apr_pstrcat(p, ",\"audiences\":[", list, "]", NULL);
}

void pp_verify_answer(apr_pool_t *p, const pp_realm_t *realm,
                      const char *ticket, const char *audience,
                      const char *nonce, const char *mbi, apr_int64_t now,
                      pp_verify_answer_t *out)
{
    pp_verify_result_t v;

    memset(out, 0, sizeof(*out));
    if (ticket == NULL || *ticket == '\0') {
        pp_verify_bad_request(p, "no ticket field", out);
        return;
    }
    if (audience == NULL || *audience == '\0') {
        pp_verify_bad_request(p, "no audience field (the address the ticket "
                              "must be for, e.g. messengerclear.live.com)",
                              out);
        return;
    }
    if ((nonce == NULL) != (mbi == NULL)) {
        pp_verify_bad_request(p, "nonce and mbi go together", out);
        return;
    }
    if (realm->keyring == NULL) {
        out->status = 500;
        out->json = "{\"valid\":false,\"reason\":\"server-error\"}";
        out->note.level = PP_NOTE_ERROR;
        out->note.text = "PP0602: verify: PassportKeyFile is not set for "
                         "this server";
        return;
    }
    pp_verify(p, realm->keyring, realm->name, ticket, audience, now, nonce,
              mbi, &v);
    if (v.status != PP_TICKET_OK) {
        out->status = 403;
        out->json = apr_psprintf(p, "{\"valid\":false,\"reason\":\"%s\"}",
                                 pp_ticket_status_word(v.status));
        out->note.level = PP_NOTE_INFO;
        out->note.text = apr_psprintf(p, "PP0603: verify: ticket refused for "
                                      "audience '%s': %s",
                                      pp_log_escape(p, audience),
                                      pp_ticket_status_word(v.status));
        return;
    }
    out->status = 200;
    out->json = apr_psprintf(p,
        "{\"valid\":true,\"puid\":\"%s\",\"signin\":\"%s\","
        "\"audience\":\"%s\"%s,\"realm\":\"%s\",\"issued\":%"
        APR_INT64_T_FMT ",\"expires\":%" APR_INT64_T_FMT "%s}",
        pp_hex16(p, v.ticket.puid), pp_json_escape(p, v.ticket.signin),
        pp_json_escape(p, v.ticket.audience), audiences_json(p, &v.ticket),
        pp_json_escape(p, realm->name), v.ticket.issued, v.ticket.expires,
        v.mbi_checked ? ",\"mbi\":\"ok\"" : "");
}
