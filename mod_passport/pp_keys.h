/*
 * pp_keys.h - the realm's key file (PassportKeyFile): one key a line,
 * base64 of 32 random bytes. The first key seals, every key verifies,
 * so keys can be rotated by adding a new first line. Apache-free.
 */
#ifndef PP_KEYS_H
#define PP_KEYS_H

#include <apr_pools.h>
#include <apr_tables.h>
#include <openssl/evp.h>

#define PP_KEY_LEN 32
#define PP_KEY_FILE_MAX 65536       /* a bigger key file is refused */

typedef struct {
    unsigned char raw[PP_KEY_LEN];   /* as in the file */
    unsigned char seal[PP_KEY_LEN];  /* AES-256-GCM key for tickets */
    unsigned char mbi[PP_KEY_LEN];   /* HMAC key for MBI secrets */
    /* HMAC-SHA256 already keyed with mbi, copied for each secret (a
     * fresh one fetches the algorithm and keys it every time); NULL
     * when it could not be made, and then pp_mbi_secret keys its own */
    EVP_MAC_CTX *mbi_mac;
} pp_key_t;

typedef struct {
    apr_array_header_t *keys;        /* of pp_key_t; [0] seals */
    /* AES-256-GCM, fetched once for every ticket sealed or opened with
     * the ring (or NULL, and each ticket's cipher is looked up anew) */
    EVP_CIPHER *aes_gcm;
} pp_keyring_t;

/* Parse key file text. Blank lines and lines starting with '#' are
 * skipped. On error returns NULL and sets *err (names the line). The
 * keys live in p and are wiped (pp_keyring_wipe) by a cleanup of p;
 * the working copy of text is wiped before this returns (text itself
 * is the caller's to wipe). */
pp_keyring_t *pp_keyring_parse(apr_pool_t *p, const char *text,
                               const char **err);

/* A context for HMAC-SHA256 keyed with key (len bytes), to be copied
 * (EVP_MAC_CTX_dup) for each message; NULL if OpenSSL cannot make one.
 * EVP_MAC_CTX_free wipes its copy of the key. */
EVP_MAC_CTX *pp_keys_hmac_sha256(const unsigned char *key, apr_size_t len);

/* Zero every key of the ring, free what OpenSSL holds of them, and
 * empty it (nothing seals or opens with it afterwards). Runs by itself
 * when the ring's pool is cleared. */
void pp_keyring_wipe(pp_keyring_t *ring);

/* Read and parse a key file. */
pp_keyring_t *pp_keyring_load(apr_pool_t *p, const char *path,
                              const char **err);

/* One new key line (base64 of 32 random bytes, with a newline). */
const char *pp_keyring_new_line(apr_pool_t *p, const char **err);

#endif
