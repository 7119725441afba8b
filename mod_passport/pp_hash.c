/*
 * pp_hash.c - password verification and hashing.
 */
#include "pp_hash.h"
#include "pp_b64.h"
#include "pp_str.h"

#include <apr_strings.h>
#include <apr_md5.h>
#include <apr_sha1.h>
#include <apr_general.h>
#include <apr_errno.h>
#include <openssl/evp.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <crypt.h>
#include <string.h>

#define PBKDF2_PREFIX "pbkdf2_sha256$"
#define APR1_PREFIX "$apr1$"
#define PBKDF2_NEW_ITER 600000
#define BCRYPT_COST 10

/* pbkdf2_sha256$ITER$SALT$B64HASH */
static int pbkdf2_check(apr_pool_t *p, const char *pw, const char *stored)
{
    char *copy = apr_pstrdup(p, stored + strlen(PBKDF2_PREFIX));
    char *iter_s = copy, *salt, *hash_s;
    unsigned char *want, got[64];
    apr_size_t want_len = 0;
    apr_int64_t iter;
    int ok;

    salt = strchr(iter_s, '$');
    if (salt == NULL)
        return 0;
    *salt++ = '\0';
    hash_s = strchr(salt, '$');
    if (hash_s == NULL)
        return 0;
    *hash_s++ = '\0';
    if (!pp_parse_uint(iter_s, PP_PBKDF2_MAX_ITER, &iter) || iter < 1)
        return 0;
    want = pp_b64_decode(p, hash_s, &want_len);
    if (want == NULL || want_len < 16 || want_len > sizeof(got))
        return 0;
    if (PKCS5_PBKDF2_HMAC(pw, (int)strlen(pw),
                          (const unsigned char *)salt, (int)strlen(salt),
                          (int)iter, EVP_sha256(), (int)want_len, got) != 1)
        return 0;
    ok = CRYPTO_memcmp(got, want, want_len) == 0;
    OPENSSL_cleanse(got, sizeof(got));
    return ok;
}

/* A hash computed from the password against the stored one. Lengths
 * first (no secret: every hash of a format and setting has the same
 * length), then CRYPTO_memcmp over all of it, never strcmp. */
static int same_hash(const char *computed, const char *stored)
{
    size_t n;

    if (computed == NULL)
        return 0;
    n = strlen(computed);
    return n == strlen(stored) && CRYPTO_memcmp(computed, stored, n) == 0;
}

/* bcrypt ($2y$, $2a$, $2b$) and crypt(3) ($6$, $5$, $1$, DES):
 * libxcrypt's crypt_rn with the stored hash as the setting, as
 * apr_password_validate does, but compared in constant time. NULL
 * (a setting it does not take) never matches. */
static int crypt_check(apr_pool_t *p, const char *pw, const char *stored)
{
    struct crypt_data *cd = apr_pcalloc(p, sizeof(*cd));
    int ok = same_hash(crypt_rn(pw, stored, cd, (int)sizeof(*cd)), stored);

    OPENSSL_cleanse(cd, sizeof(*cd));
    return ok;
}

/* $apr1$SALT$HASH: APR's own MD5 crypt, the stored hash as the salt. */
static int apr1_check(const char *pw, const char *stored)
{
    char out[128];
    int ok = apr_md5_encode(pw, stored, out, sizeof(out)) == APR_SUCCESS
             && same_hash(out, stored);

    OPENSSL_cleanse(out, sizeof(out));
    return ok;
}

/* {SHA}B64: base64 of SHA-1, as htpasswd -s writes it. */
static int sha1_check(const char *pw, const char *stored)
{
    char out[APR_SHA1PW_IDLEN + 32];
    int ok;

    apr_sha1_base64(pw, (int)strlen(pw), out);
    ok = same_hash(out, stored);
    OPENSSL_cleanse(out, sizeof(out));
    return ok;
}

int pp_password_check(apr_pool_t *p, const char *password, const char *stored)
{
    if (password == NULL || stored == NULL || *stored == '\0')
        return 0;
    if (strncmp(stored, PBKDF2_PREFIX, strlen(PBKDF2_PREFIX)) == 0)
        return pbkdf2_check(p, password, stored);
    if (strncmp(stored, APR1_PREFIX, strlen(APR1_PREFIX)) == 0)
        return apr1_check(password, stored);
    if (strncmp(stored, APR_SHA1PW_ID, APR_SHA1PW_IDLEN) == 0)
        return sha1_check(password, stored);
    return crypt_check(p, password, stored);
}

const char *pp_password_hash(apr_pool_t *p, const char *password,
                             const char *fmt, const char **err)
{
    unsigned char salt[16];

    if (RAND_bytes(salt, sizeof(salt)) != 1) {
        *err = "the random generator failed";
        return NULL;
    }
    if (fmt == NULL || strcmp(fmt, "bcrypt") == 0) {
        char out[64];

        if (apr_bcrypt_encode(password, BCRYPT_COST, salt, sizeof(salt),
                              out, sizeof(out)) != APR_SUCCESS) {
            *err = "bcrypt failed";
            return NULL;
        }
        return apr_pstrdup(p, out);
    }
    if (strcmp(fmt, "pbkdf2") == 0) {
        /* Django's salt alphabet: letters and digits */
        const char *alnum = "abcdefghijklmnopqrstuvwxyz"
                            "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        char s[sizeof(salt) + 1];
        unsigned char dk[32];
        size_t i;

        for (i = 0; i < sizeof(salt); i++)
            s[i] = alnum[salt[i] % 62];
        s[sizeof(salt)] = '\0';
        if (PKCS5_PBKDF2_HMAC(password, (int)strlen(password),
                              (unsigned char *)s, (int)strlen(s),
                              PBKDF2_NEW_ITER, EVP_sha256(), sizeof(dk),
                              dk) != 1) {
            *err = "PBKDF2 failed";
            return NULL;
        }
        return apr_psprintf(p, PBKDF2_PREFIX "%d$%s$%s", PBKDF2_NEW_ITER, s,
                            pp_b64_encode(p, dk, sizeof(dk)));
    }
    if (strcmp(fmt, "sha1") == 0) {
        char out[64];

        apr_sha1_base64(password, (int)strlen(password), out);
        return apr_pstrdup(p, out);
    }
    *err = apr_psprintf(p, "unknown hash format '%s' (bcrypt, pbkdf2, sha1)",
                        fmt);
    return NULL;
}
