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

/* ---- equal-time failures -------------------------------------------
 * An unknown sign-in name is checked against a dummy hash, so that it
 * costs what a wrong password costs. What a check costs is set by the
 * stored hash's scheme and cost parameters (and the lengths of its
 * salt and value), never by the salt's or the value's bytes: that is
 * its "shape". A dummy of the same shape costs the same to check. */

/* The shape of a stored hash, in PassportTimingHash's words: the same
 * for every hash of one scheme and cost, e.g. "bcrypt:10",
 * "pbkdf2:600000" (with ":KEYBYTES" when the key is not 32 bytes),
 * "sha512crypt:5000", "sha256crypt:5000", "md5crypt", "apr1", "sha1",
 * "des", and "crypt:$ID$PARAMS" for other crypt(3) formats (yescrypt
 * "$y$j9T", ...). NULL for a string no format takes. */
const char *pp_hash_shape(apr_pool_t *p, const char *stored);

/* A hash of a random password with the shape of like (a stored hash or
 * a pp_hash_template): checking any password against it costs what
 * checking against like costs, and never succeeds. Costs one hash
 * computation of that shape. NULL and *err when like has no shape, or
 * the random generator or the hash fails. */
const char *pp_hash_dummy(apr_pool_t *p, const char *like, const char **err);

/* A well-formed hash (it matches nothing) of the format a
 * PassportTimingHash value names, for pp_hash_dummy: "bcrypt:COST"
 * (4 to 20), "pbkdf2:ITERATIONS[:KEYBYTES]" (pbkdf2_sha256, 1 to
 * PP_PBKDF2_MAX_ITER iterations, a 16- to 64-byte key, by default 32), "sha512crypt[:ROUNDS]" ($6$) and
 * "sha256crypt[:ROUNDS]" ($5$) (1000 to 10000000, default 5000),
 * "md5crypt" ($1$), "apr1", "sha1" ({SHA}), "des", or a stored hash of
 * the wanted format itself. NULL and *err (the reason, without the
 * value) otherwise. */
const char *pp_hash_template(apr_pool_t *p, const char *spec,
                             const char **err);

/* A new hash: fmt "bcrypt" (default, cost 10), "pbkdf2" (sha256,
 * 600000 iterations) or "sha1" ({SHA}, for tests and legacy imports).
 * NULL and *err on failure. */
const char *pp_password_hash(apr_pool_t *p, const char *password,
                             const char *fmt, const char **err);

#endif
