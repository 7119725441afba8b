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
    if (ticket == NULL || *ticket == '\0' || strlen(ticket) > MAX_TEXT)
        return NULL;
    return pp_b64url_to_b64(p, ticket);
}

const char *pp_legacy_canonical(apr_pool_t *p, const char *text)
{
    const char *url;

    if (text == NULL || *text == '\0' || strlen(text) > MAX_TEXT)
        return NULL;
    /* strict: one alphabet or the other, canonical bits only */
    url = pp_b64url_canonical(p, text);
    return url != NULL ? url : pp_b64_to_b64url(p, text);
}
