/*
 * pp_ticket.h - sealed tickets, the public contract with messenger
 * servers (docs/tickets.md). Apache-free.
 *
 *   ticket    = base64url-nopad( version | nonce | ciphertext | tag )
 *   nonce     = 12 random bytes
 *   version 1 = 0x01: one audience
 *     AES-256-GCM under the key's seal key, AAD = "PP1" | realm
 *     plaintext = puid (u64 BE) | issued (u32 BE) | expires (u32 BE)
 *               | len (u8) | sign-in | len (u8) | audience
 *   version 2 = 0x02: several audiences, one ticket for a whole sign-in
 *               (PassportSharedTicket)
 *     AES-256-GCM under the key's seal key, AAD = "PP2" | realm
 *     plaintext = puid (u64 BE) | issued (u32 BE) | expires (u32 BE)
 *               | len (u8) | sign-in | count (u8, 1 to 32)
 *               | count times: len (u8) | audience
 *
 * The AAD names the version, so a ticket's first byte cannot be changed
 * to make one version's plaintext parse as the other's.
 */
#ifndef PP_TICKET_H
#define PP_TICKET_H

#include <apr_pools.h>
#include "pp_keys.h"

#define PP_TICKET_VERSION        1   /* one audience */
#define PP_TICKET_VERSION_SHARED 2   /* a list of audiences */
#define PP_MAX_SIGNIN     255
#define PP_MAX_AUDIENCE   255
#define PP_MAX_AUDIENCES  32         /* in a version 2 ticket */
/* The longest ticket text sealed or opened (a version 1 ticket is at
 * most 743 characters; a version 2 ticket with many long audiences is
 * refused at sealing rather than handed to clients that cannot carry
 * it, in a cookie say). */
#define PP_TICKET_MAX_CHARS 2048

typedef struct {
    apr_uint64_t puid;
    const char *signin;
    /* seal, version 1: the audience. open: the audience asked for when
     * the ticket carries it, else the ticket's first (or only) one. */
    const char *audience;
    /* seal, version 2: the audiences. open: every audience of the
     * ticket, in order (one for version 1). */
    const char *const *audiences;
    int naudiences;
    int version;           /* seal: PP_TICKET_VERSION_SHARED for version 2,
                              anything else for 1; open: the ticket's */
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

/* n bytes for nonces, never handed out before (from a per-thread stock
 * of random bytes, drawn from OpenSSL's generator a block at a time and
 * thrown away at a fork): 1, or 0 if the generator failed. */
int pp_ticket_nonces(unsigned char *out, apr_size_t n);

/* Several tickets of one realm under the ring's first key: the cipher
 * is keyed once, not for each ticket. Freed with p. NULL and *err if the
 * ring has no key or the cipher cannot be keyed. */
typedef struct pp_sealer_t pp_sealer_t;
pp_sealer_t *pp_sealer_make(apr_pool_t *p, const pp_keyring_t *ring,
                            const char *realm, const char **err);

/* Seal t with a nonce of its own, from pp_ticket_nonces (nonce NULL);
 * or with the caller's: PP_TICKET_NONCE_LEN bytes used for this ticket
 * only (two tickets under one key and nonce give AES-GCM away), which
 * only a known-answer test has reason to give. NULL and *err on
 * failure. */
#define PP_TICKET_NONCE_LEN 12
const char *pp_sealer_seal(apr_pool_t *p, pp_sealer_t *s,
                           const pp_ticket_t *t, const unsigned char *nonce,
                           const char **err);

/* Open with any key of the ring, then check expiry against now and,
 * when audience is not NULL, that the ticket carries that audience (one
 * of its audiences, for version 2). *out is filled whenever the seal
 * verified (even if expired or for another audience). */
pp_ticket_status_t pp_ticket_open(apr_pool_t *p, const pp_keyring_t *ring,
                                  const char *realm, const char *ticket,
                                  apr_int64_t now, const char *audience,
                                  pp_ticket_t *out);

/* 1 if an opened ticket carries audience (exactly; ignoring ASCII case
 * when nocase). */
int pp_ticket_has_audience(const pp_ticket_t *t, const char *audience,
                           int nocase);

/* The ticket from "t=<ticket>&p=<profile>" or a bare ticket. */
const char *pp_ticket_from_compact(apr_pool_t *p, const char *s);

#endif
