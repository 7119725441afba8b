/*
 * pp_mbi.h - MBI_KEY_OLD (MSNP15+): the messenger server sends a nonce,
 * the client answers with a blob computed from the BinarySecret of its
 * messengerclear.live.com token. Both sides live here: the client's
 * computation (for tests and tools) and the server's check. Apache-free.
 * The algorithm and its known-answer vector are in shared/CLIENTS.md.
 */
#ifndef PP_MBI_H
#define PP_MBI_H

#include <apr_pools.h>
#include "pp_keys.h"

#define PP_MBI_SECRET_LEN 24
#define PP_MBI_BLOB_HEADER 28

/* derive(k, m) of CLIENTS.md: 24 bytes from four HMAC-SHA1s. 1 on
 * success; 0 if an HMAC failed (out is then wiped, not a key). */
int pp_mbi_derive(const unsigned char *key, apr_size_t keylen,
                  const char *magic, unsigned char out[24]);

/* The same over a message of bytes (renewal: the magic, then a raw
 * nonce, pp_renew.h): 1, or 0 when it is longer than
 * PP_MBI_MAX_MESSAGE. */
#define PP_MBI_MAX_MESSAGE 128
int pp_mbi_derive_bytes(const unsigned char *key, apr_size_t keylen,
                        const unsigned char *m, apr_size_t ml,
                        unsigned char out[24]);

/* 3DES-EDE-CBC without padding; len a multiple of 8. enc 1 encrypts,
 * 0 decrypts. 1 on success. */
int pp_mbi_3des(int enc, const unsigned char key[24],
                const unsigned char iv[8], const unsigned char *in,
                apr_size_t len, unsigned char *out);

/* The client's blob, base64. iv: 8 bytes, or NULL for random. The
 * nonce is padded as libpurple does (eight 0x08 bytes) unless
 * amsn_padding is set (pad to a multiple of 8 with the PKCS#5 byte,
 * then to 72 bytes as aMSN does). NULL on failure, including a failed
 * HMAC or cipher. */
const char *pp_mbi_blob(apr_pool_t *p, const unsigned char *secret,
                        apr_size_t secret_len, const char *nonce,
                        const unsigned char *iv, int amsn_padding);

/* Check a client's base64 blob against the secret and nonce:
 * 1 if it decrypts to the nonce and its hash matches; 0 otherwise,
 * also when a key or hash cannot be computed. */
int pp_mbi_check(apr_pool_t *p, const unsigned char *secret,
                 apr_size_t secret_len, const char *nonce,
                 const char *blob_b64);

/* The server's BinarySecret for a ticket: the first 24 bytes of
 * HMAC-SHA256(key->mbi, ticket), where ticket is the sealed ticket
 * string (the t= value). docs/tickets.md documents it.
 * Returns 1 on success, 0 if HMAC failed: then out holds random bytes
 * (never zeros), a secret nobody can derive again, and must not be
 * handed out; a caller checks the result and fails the request. */
int pp_mbi_secret(const pp_key_t *key, const char *ticket,
                  unsigned char out[PP_MBI_SECRET_LEN]);

/* The same for the several tickets of one answer: the key's keyed HMAC
 * is copied once and started afresh for each ticket. Freed with p. */
typedef struct pp_mbi_hmac_t pp_mbi_hmac_t;
pp_mbi_hmac_t *pp_mbi_hmac_make(apr_pool_t *p, const pp_key_t *key);
int pp_mbi_hmac_secret(pp_mbi_hmac_t *h, const char *ticket,
                       unsigned char out[PP_MBI_SECRET_LEN]);

#endif
