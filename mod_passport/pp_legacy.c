/*
 * pp_legacy.c - a ticket's two encodings.
 */
#include "pp_legacy.h"
#include "pp_b64.h"

#include <string.h>

/* Longer than any ticket (pp_ticket.c refuses more than 1024 characters):
 * nothing larger is worth decoding. */
#define MAX_TEXT 2048

const char *pp_legacy_cipher(apr_pool_t *p, const char *ticket)
{
    unsigned char *raw;
    apr_size_t len = 0;

    if (ticket == NULL || strlen(ticket) > MAX_TEXT
        || (raw = pp_b64url_decode(p, ticket, &len)) == NULL || len == 0)
        return NULL;
    return pp_b64_encode(p, raw, len);
}

const char *pp_legacy_canonical(apr_pool_t *p, const char *text)
{
    unsigned char *raw;
    apr_size_t len = 0;

    if (text == NULL || *text == '\0' || strlen(text) > MAX_TEXT)
        return NULL;
    /* the decoders are strict: one alphabet each, canonical bits only */
    raw = pp_b64url_decode(p, text, &len);
    if (raw == NULL)
        raw = pp_b64_decode(p, text, &len);
    if (raw == NULL || len == 0)
        return NULL;
    return pp_b64url_encode(p, raw, len);
}
