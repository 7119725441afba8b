/*
 * pp_hash.h - stored password hashes. Apache-free.
 *
 * Accepted: the formats apr_password_validate() knows (bcrypt "$2y$",
 * "$2a$", "$2b$", "$apr1$", "{SHA}", crypt(3): "$6$", "$5$", "$1$", DES),
 * plus "pbkdf2_sha256$ITER$SALT$B64HASH" as Django and Escargot store
 * it. Each is computed here from the password, with the stored string
 * as its setting, and compared with CRYPTO_memcmp over the whole string
 * (apr_password_validate compares with strcmp).
 */
#ifndef PP_HASH_H
#define PP_HASH_H

#include <apr_pools.h>

#define PP_PBKDF2_MAX_ITER 10000000   /* a bigger count is refused */

/* 1 if password matches stored, 0 otherwise (also for junk). */
int pp_password_check(apr_pool_t *p, const char *password,
                      const char *stored);

/* A new hash: fmt "bcrypt" (default, cost 10), "pbkdf2" (sha256,
 * 600000 iterations) or "sha1" ({SHA}, for tests and legacy imports).
 * NULL and *err on failure. */
const char *pp_password_hash(apr_pool_t *p, const char *password,
                             const char *fmt, const char **err);

#endif
