/*
 * pp_guard.h - what the sign-in guard (PassportThrottle,
 * PassportThrottleAccount, PassportCredentialCache) computes, without
 * the store it keeps its entries in. Apache-free.
 *
 * Entries live in a store other machines may read (PassportCache: shmcb,
 * redis, memcache), so nothing in an entry's id or value names an
 * account or holds a password: ids are keyed hashes (HMAC-SHA256,
 * truncated to PP_GUARD_ID_LEN bytes) under a key derived from the
 * realm's sealing key and name,
 *
 *     store key = HMAC-SHA256(first key of PassportKeyFile,
 *                             "mod_passport store v1" || 0 || realm name)
 *     id        = HMAC-SHA256(store key, kind || 0 || len || a || len || b)
 *
 * so front ends with the same key file and realm share their entries,
 * and nobody without the key can tell whose they are, or test a
 * password against a credential-cache entry offline.
 */
#ifndef PP_GUARD_H
#define PP_GUARD_H

#include <apr_pools.h>

#include "pp_keys.h"

#define PP_GUARD_ID_LEN 16

typedef struct pp_guard_key pp_guard_key_t;

/* Once a process, before its threads make ids: from then on each thread
 * keeps its copy of the key it last used until the thread ends or p is
 * cleared (without it, every id copies the key afresh). */
void pp_guard_init(apr_pool_t *p);

/* The store key of a realm, or NULL and *err. Wiped when p is cleared. */
pp_guard_key_t *pp_guard_key(apr_pool_t *p, const pp_keyring_t *ring,
                             const char *realm_name, const char **err);

/* The ids, each a keyed hash of its parts (0 if HMAC failed):
 *   pair:       one account from one client address (PassportThrottle)
 *   account:    one account from anywhere (PassportThrottleAccount)
 *   credential: "this password matches this stored hash"
 *               (PassportCredentialCache); covers both, so a new
 *               password hash never meets an old entry. */
int pp_guard_pair_id(const pp_guard_key_t *k, const char *signin,
                     const char *address, unsigned char id[PP_GUARD_ID_LEN]);
int pp_guard_account_id(const pp_guard_key_t *k, const char *signin,
                        unsigned char id[PP_GUARD_ID_LEN]);
int pp_guard_credential_id(const pp_guard_key_t *k, const char *stored_hash,
                           const char *password,
                           unsigned char id[PP_GUARD_ID_LEN]);

/* ---- the throttle's window ----------------------------------------------
 * A window opens at a failure when none is open, and lasts SECONDS.
 * Failures in it are counted; once FAILURES are, sign-ins are refused
 * until it closes. Refusals are not failures: they do not extend it. */
typedef struct {
    apr_int64_t failures;          /* 0: no limit */
    apr_int64_t seconds;
} pp_throttle_limit_t;

typedef struct {
    apr_uint32_t failures;
    apr_int64_t start;             /* seconds since the epoch */
} pp_throttle_rec_t;

#define PP_THROTTLE_REC_LEN 13     /* version, failures, start */

void pp_throttle_encode(const pp_throttle_rec_t *rec,
                        unsigned char out[PP_THROTTLE_REC_LEN]);
/* 1, or 0 for bytes that are not a record (treat as none). */
int pp_throttle_decode(const unsigned char *in, apr_size_t len,
                       pp_throttle_rec_t *rec);

/* 1 if rec (NULL: none) refuses a sign-in at now under limit; *until is
 * when its window closes. */
int pp_throttle_refuses(const pp_throttle_limit_t *limit,
                        const pp_throttle_rec_t *rec, apr_int64_t now,
                        apr_int64_t *until);

/* A failure at now: the record to store instead of rec (NULL: none),
 * and when its window closes (the entry may go then). */
void pp_throttle_count(const pp_throttle_limit_t *limit,
                       const pp_throttle_rec_t *rec, apr_int64_t now,
                       pp_throttle_rec_t *out, apr_int64_t *until);

#endif
