/*
 * pp_keys.h - the realm's key file (PassportKeyFile): one key a line,
 * base64 of 32 random bytes. The first key seals, every key verifies,
 * so keys can be rotated by adding a new first line. Apache-free.
 */
#ifndef PP_KEYS_H
#define PP_KEYS_H

#include <apr_pools.h>
#include <apr_tables.h>

#define PP_KEY_LEN 32

typedef struct {
    unsigned char raw[PP_KEY_LEN];   /* as in the file */
    unsigned char seal[PP_KEY_LEN];  /* AES-256-GCM key for tickets */
    unsigned char mbi[PP_KEY_LEN];   /* HMAC key for MBI secrets */
} pp_key_t;

typedef struct {
    apr_array_header_t *keys;        /* of pp_key_t; [0] seals */
} pp_keyring_t;

/* Parse key file text. Blank lines and lines starting with '#' are
 * skipped. On error returns NULL and sets *err (names the line). */
pp_keyring_t *pp_keyring_parse(apr_pool_t *p, const char *text,
                               const char **err);

/* Read and parse a key file. */
pp_keyring_t *pp_keyring_load(apr_pool_t *p, const char *path,
                              const char **err);

/* One new key line (base64 of 32 random bytes, with a newline). */
const char *pp_keyring_new_line(apr_pool_t *p, const char **err);

#endif
