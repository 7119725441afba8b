/*
 * pp_ticket.h - sealed tickets, the public contract with messenger
 * servers (docs/tickets.md). Apache-free.
 *
 *   ticket    = base64url-nopad( version | nonce | ciphertext | tag )
 *   version   = 0x01
 *   nonce     = 12 random bytes
 *   AES-256-GCM under the key's seal key, AAD = "PP1" | realm
 *   plaintext = puid (u64 BE) | issued (u32 BE) | expires (u32 BE)
 *             | len (u8) | sign-in | len (u8) | audience
 */
#ifndef PP_TICKET_H
#define PP_TICKET_H

#include <apr_pools.h>
#include "pp_keys.h"

#define PP_TICKET_VERSION 1
#define PP_MAX_SIGNIN     255
#define PP_MAX_AUDIENCE   255

typedef struct {
    apr_uint64_t puid;
    const char *signin;
    const char *audience;
    apr_int64_t issued;    /* seconds since the epoch */
    apr_int64_t expires;
    int key_index;         /* pp_ticket_open: the ring key that opened it */
} pp_ticket_t;

typedef enum {
    PP_TICKET_OK = 0,
    PP_TICKET_MALFORMED,      /* not a ticket of ours at all */
    PP_TICKET_BAD_SIGNATURE,  /* no key of this realm opens it */
    PP_TICKET_EXPIRED,
    PP_TICKET_BAD_AUDIENCE,
    PP_TICKET_BAD_MBI         /* pp_verify: the client's MBI answer is wrong */
} pp_ticket_status_t;

/* The reason words of the verification contract. */
const char *pp_ticket_status_word(pp_ticket_status_t st);

/* Seal with the ring's first key. NULL and *err on failure. */
const char *pp_ticket_seal(apr_pool_t *p, const pp_keyring_t *ring,
                           const char *realm, const pp_ticket_t *t,
                           const char **err);

/* Open with any key of the ring, then check expiry against now and,
 * when audience is not NULL, the audience. *out is filled whenever the
 * seal verified (even if expired or for another audience). */
pp_ticket_status_t pp_ticket_open(apr_pool_t *p, const pp_keyring_t *ring,
                                  const char *realm, const char *ticket,
                                  apr_int64_t now, const char *audience,
                                  pp_ticket_t *out);

/* The ticket from "t=<ticket>&p=<profile>" or a bare ticket. */
const char *pp_ticket_from_compact(apr_pool_t *p, const char *s);

#endif
