/*
 * pp_verify.c - ticket verification with the optional MBI check.
 */
#include "pp_verify.h"

#include <openssl/crypto.h>
#include <string.h>

pp_ticket_status_t pp_verify(apr_pool_t *p, const pp_keyring_t *ring,
                             const char *realm, const char *ticket,
                             const char *audience, apr_int64_t now,
                             const char *nonce, const char *blob,
                             pp_verify_result_t *out)
{
    const char *bare = pp_ticket_from_compact(p, ticket);

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
