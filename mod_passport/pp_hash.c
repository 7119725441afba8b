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
#include <apr_lib.h>
#include <apr_errno.h>
#include <openssl/evp.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <crypt.h>
#include <stdlib.h>
#include <string.h>

#define PBKDF2_PREFIX "pbkdf2_sha256$"
#define APR1_PREFIX "$apr1$"
#define PBKDF2_NEW_ITER 600000
#define BCRYPT_COST 10
#define PBKDF2_MAX_KEY 64           /* bytes of a stored PBKDF2 hash */

/* A PBKDF2 key of zeros, for settings and templates: what it says does
 * not matter, only its length. */
static const unsigned char ZERO_KEY[PBKDF2_MAX_KEY] = { 0 };

/* pbkdf2_sha256$ITER$SALT$B64HASH, split: 1, or 0 for junk. */
typedef struct {
    apr_int64_t iter;
    const char *salt;
    unsigned char *want;            /* the decoded hash */
    apr_size_t want_len;
} pbkdf2_t;

static int pbkdf2_parse(apr_pool_t *p, const char *stored, pbkdf2_t *out)
{
    char *copy = apr_pstrdup(p, stored + strlen(PBKDF2_PREFIX));
    char *iter_s = copy, *salt, *hash_s;

    salt = strchr(iter_s, '$');
    if (salt == NULL)
        return 0;
    *salt++ = '\0';
    hash_s = strchr(salt, '$');
    if (hash_s == NULL)
        return 0;
    *hash_s++ = '\0';
    if (!pp_parse_uint(iter_s, PP_PBKDF2_MAX_ITER, &out->iter)
        || out->iter < 1)
        return 0;
    out->salt = salt;
    out->want_len = 0;
    out->want = pp_b64_decode(p, hash_s, &out->want_len);
    return out->want != NULL && out->want_len >= 16
           && out->want_len <= PBKDF2_MAX_KEY;
}

/* ---- one encoder per format ------------------------------------------ */

/* pw under a PBKDF2 setting: the setting's text up to its hash, then the
 * hash of pw (so the check compares whole strings: the strict decoder
 * took only a canonical stored hash, whose bytes have one encoding). */
static char *pbkdf2_encode(apr_pool_t *p, const char *pw, const char *setting)
{
    unsigned char dk[PBKDF2_MAX_KEY];
    char *out = NULL;
    pbkdf2_t h;

    if (!pbkdf2_parse(p, setting, &h))
        return NULL;
    if (PKCS5_PBKDF2_HMAC(pw, (int)strlen(pw),
                          (const unsigned char *)h.salt, (int)strlen(h.salt),
                          (int)h.iter, pp_digest("SHA256"), (int)h.want_len,
                          dk) == 1)
        out = apr_pstrcat(p, apr_pstrndup(p, setting,
                                          (apr_size_t)(strrchr(setting, '$')
                                                       - setting + 1)),
                          pp_b64_encode(p, dk, h.want_len), NULL);
    OPENSSL_cleanse(dk, sizeof(dk));
    return out;
}

/* The stored form of pw under setting: a stored hash (whose format,
 * cost and salt are the setting) or one made like it with a fresh salt.
 * One encoder for each format serves the check (the password against
 * its stored hash), the equal-time dummy (a password nobody knows, in
 * the shape of a real hash) and a new hash. NULL (and *why) if the
 * setting is not one the format takes. Wiped by the caller. */
static char *encode(apr_pool_t *p, const char *pw, const char *setting,
                    const char **why)
{
    char buf[128], *out = NULL;
    const char *failed;

    if (strncmp(setting, PBKDF2_PREFIX, strlen(PBKDF2_PREFIX)) == 0) {
        failed = "PBKDF2 failed";
        out = pbkdf2_encode(p, pw, setting);
    }
    else if (strncmp(setting, APR1_PREFIX, strlen(APR1_PREFIX)) == 0) {
        /* APR's own MD5 crypt */
        failed = "MD5 crypt failed";
        if (apr_md5_encode(pw, setting, buf, sizeof(buf)) == APR_SUCCESS)
            out = apr_pstrdup(p, buf);
    }
    else if (strncmp(setting, APR_SHA1PW_ID, APR_SHA1PW_IDLEN) == 0) {
        /* {SHA}B64: base64 of SHA-1, as htpasswd -s writes it */
        failed = "SHA-1 failed";
        apr_sha1_base64(pw, (int)strlen(pw), buf);
        out = apr_pstrdup(p, buf);
    }
    else {
        /* bcrypt ($2y$, $2a$, $2b$) and crypt(3) ($6$, $5$, $1$, DES):
         * libxcrypt's crypt_rn, as apr_password_validate does; "*..."
         * is its refusal of a setting it does not take */
        struct crypt_data *cd = apr_pcalloc(p, sizeof(*cd));
        const char *h = crypt_rn(pw, setting, cd, (int)sizeof(*cd));

        failed = "the system's crypt() does not take this format";
        if (h != NULL && *h != '*')
            out = apr_pstrdup(p, h);
        OPENSSL_cleanse(cd, sizeof(*cd));
    }
    OPENSSL_cleanse(buf, sizeof(buf));
    if (out == NULL)
        *why = failed;
    return out;
}

static void wipe(char *s)
{
    if (s != NULL)
        OPENSSL_cleanse(s, strlen(s));
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

int pp_password_check(apr_pool_t *p, const char *password, const char *stored)
{
    char *got;
    int ok;

    const char *why;

    if (password == NULL || stored == NULL || *stored == '\0')
        return 0;
    got = encode(p, password, stored, &why);
    ok = same_hash(got, stored);
    wipe(got);
    return ok;
}

/* crypt(3)'s and APR's salt alphabet, and Django's for PBKDF2 salts */
static const char ITOA64[] =
    "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
static const char ALNUM[] =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

#define MAX_SALT 128                /* characters of a salt we imitate */

static int in_set(const char *s, apr_size_t n, const char *set)
{
    apr_size_t i;

    for (i = 0; i < n; i++)
        if (s[i] == '\0' || strchr(set, s[i]) == NULL)
            return 0;
    return 1;
}

/* n random characters of alphabet (n <= MAX_SALT), or NULL. */
static char *random_chars(apr_pool_t *p, apr_size_t n, const char *alphabet)
{
    unsigned char r[MAX_SALT];
    apr_size_t i, len = strlen(alphabet);
    char *out;

    if (n > MAX_SALT || RAND_bytes(r, (int)n) != 1)
        return NULL;
    out = apr_palloc(p, n + 1);
    for (i = 0; i < n; i++)
        out[i] = alphabet[r[i] % len];
    out[n] = '\0';
    OPENSSL_cleanse(r, sizeof(r));
    return out;
}

/* A PBKDF2 setting: iter iterations, a fresh salt of salt_len letters
 * and digits (Django's alphabet), and a key of key_len bytes (zeros:
 * encode replaces it). NULL if the generator failed. */
static const char *pbkdf2_setting(apr_pool_t *p, apr_int64_t iter,
                                  apr_size_t salt_len, apr_size_t key_len)
{
    const char *salt = random_chars(p, salt_len, ALNUM);

    if (salt == NULL || key_len > sizeof(ZERO_KEY))
        return NULL;
    return apr_psprintf(p, PBKDF2_PREFIX "%" APR_INT64_T_FMT "$%s$%s", iter,
                        salt, pp_b64_encode(p, ZERO_KEY, key_len));
}

const char *pp_password_hash(apr_pool_t *p, const char *password,
                             const char *fmt, const char **err)
{
    const char *setting;

    if (fmt == NULL || strcmp(fmt, "bcrypt") == 0) {
        /* APR's bcrypt, whose salt is raw bytes */
        unsigned char salt[16];
        char buf[64];
        apr_status_t rv;

        if (RAND_bytes(salt, sizeof(salt)) != 1) {
            *err = "the random generator failed";
            return NULL;
        }
        rv = apr_bcrypt_encode(password, BCRYPT_COST, salt, sizeof(salt),
                               buf, sizeof(buf));
        OPENSSL_cleanse(salt, sizeof(salt));
        if (rv != APR_SUCCESS) {
            *err = "bcrypt failed";
            return NULL;
        }
        return apr_pstrdup(p, buf);
    }
    if (strcmp(fmt, "pbkdf2") == 0)
        setting = pbkdf2_setting(p, PBKDF2_NEW_ITER, 16, 32);
    else if (strcmp(fmt, "sha1") == 0)
        setting = APR_SHA1PW_ID;
    else {
        *err = apr_psprintf(p, "unknown hash format '%s' (bcrypt, pbkdf2, "
                            "sha1)", fmt);
        return NULL;
    }
    if (setting == NULL) {
        *err = "the random generator failed";
        return NULL;
    }
    return encode(p, password, setting, err);
}

/* ---- equal-time failures ---------------------------------------------- */

/* A password nobody knows: 18 random bytes, base64. */
static const char *random_password(apr_pool_t *p)
{
    unsigned char r[18];
    const char *pw;

    if (RAND_bytes(r, sizeof(r)) != 1)
        return NULL;
    pw = pp_b64_encode(p, r, sizeof(r));
    OPENSSL_cleanse(r, sizeof(r));
    return pw;
}

/* $2a$/$2b$/$2y$, two cost digits, 53 characters of salt and hash. */
static int is_bcrypt(const char *s)
{
    return strlen(s) == 60 && s[0] == '$' && s[1] == '2'
        && (s[2] == 'a' || s[2] == 'b' || s[2] == 'y') && s[3] == '$'
        && apr_isdigit(s[4]) && apr_isdigit(s[5]) && s[6] == '$'
        && in_set(s + 7, 53, ITOA64);
}

/* Traditional DES crypt: 13 characters of the crypt alphabet. */
static int is_des(const char *s)
{
    return strlen(s) == 13 && in_set(s, 13, ITOA64);
}

/* "$id$[params$...]salt$hash", crypt(3)'s modular format: the id and
 * the parameters (everything before the salt), or NULL. */
static const char *modular_setting(apr_pool_t *p, const char *s)
{
    const char *hash = strrchr(s, '$'), *salt, *first;

    if (s[0] != '$' || hash == NULL || hash == s)
        return NULL;
    first = strchr(s + 1, '$');
    for (salt = hash - 1; salt > s && *salt != '$'; salt--)
        ;
    if (first == NULL || salt < first || first == s + 1)
        return NULL;
    return apr_pstrndup(p, s, (apr_size_t)(salt - s + 1));
}

/* SHA-crypt's rounds: "$6$rounds=N$" or the default 5000 (crypt clamps
 * N to 1000..999999999 the same way for every hash). */
static apr_int64_t sha_crypt_rounds(const char *setting)
{
    apr_int64_t n;
    const char *r = setting + 3;
    char digits[16];
    apr_size_t len;

    if (strncmp(r, "rounds=", 7) != 0)
        return 5000;
    r += 7;
    len = strcspn(r, "$");
    if (len == 0 || len >= sizeof(digits))
        return -1;
    memcpy(digits, r, len);
    digits[len] = '\0';
    if (!pp_parse_uint(digits, APR_INT64_C(999999999), &n))
        return -1;
    return n < 1000 ? 1000 : n;
}

const char *pp_hash_shape(apr_pool_t *p, const char *stored)
{
    const char *setting;

    if (stored == NULL || *stored == '\0')
        return NULL;
    if (strncmp(stored, PBKDF2_PREFIX, strlen(PBKDF2_PREFIX)) == 0) {
        pbkdf2_t h;

        if (!pbkdf2_parse(p, stored, &h))
            return NULL;
        if (h.want_len == 32)
            return apr_psprintf(p, "pbkdf2:%" APR_INT64_T_FMT, h.iter);
        return apr_psprintf(p, "pbkdf2:%" APR_INT64_T_FMT ":%d", h.iter,
                            (int)h.want_len);
    }
    if (strncmp(stored, APR_SHA1PW_ID, APR_SHA1PW_IDLEN) == 0)
        return strlen(stored) == APR_SHA1PW_IDLEN + 28 ? "sha1" : NULL;
    if (strncmp(stored, "$2", 2) == 0)
        return is_bcrypt(stored) ? apr_psprintf(p, "bcrypt:%d",
                                                atoi(stored + 4))
                                 : NULL;
    if (is_des(stored))
        return "des";
    if (strncmp(stored, APR1_PREFIX, strlen(APR1_PREFIX)) == 0) {
        const char *salt = stored + strlen(APR1_PREFIX);
        const char *end = strchr(salt, '$');

        if (end == NULL || end == salt || end - salt > 8
            || strlen(end + 1) != 22)
            return NULL;
        return "apr1";
    }
    setting = modular_setting(p, stored);
    if (setting == NULL)
        return NULL;
    if (strncmp(setting, "$1$", 3) == 0)
        return "md5crypt";
    if (strncmp(setting, "$5$", 3) == 0 || strncmp(setting, "$6$", 3) == 0) {
        apr_int64_t n = sha_crypt_rounds(setting);

        if (n < 0)
            return NULL;
        return apr_psprintf(p, "sha%scrypt:%" APR_INT64_T_FMT,
                            setting[1] == '5' ? "256" : "512", n);
    }
    return apr_pstrcat(p, "crypt:", apr_pstrndup(p, setting,
                                                 strlen(setting) - 1), NULL);
}

static const char *fail(const char **err, const char *why)
{
    *err = why;
    return NULL;
}

/* A setting like the stored hash like: its format and cost, a fresh
 * salt where the format has one that the dummy can draw (bcrypt and
 * crypt(3) keep like's own: its cost is all that matters). NULL if the
 * generator failed. */
static const char *setting_like(apr_pool_t *p, const char *like)
{
    if (strncmp(like, PBKDF2_PREFIX, strlen(PBKDF2_PREFIX)) == 0) {
        pbkdf2_t h;

        (void)pbkdf2_parse(p, like, &h);    /* pp_hash_shape took it */
        return pbkdf2_setting(p, h.iter, strlen(h.salt), h.want_len);
    }
    if (strncmp(like, APR1_PREFIX, strlen(APR1_PREFIX)) == 0) {
        const char *salt = like + strlen(APR1_PREFIX);
        const char *fresh = random_chars(p, (apr_size_t)(strchr(salt, '$')
                                                         - salt), ITOA64);

        return fresh ? apr_pstrcat(p, APR1_PREFIX, fresh, "$", NULL) : NULL;
    }
    return like;                            /* {SHA}, bcrypt, crypt(3) */
}

const char *pp_hash_dummy(apr_pool_t *p, const char *like, const char **err)
{
    const char *pw, *setting;

    if (pp_hash_shape(p, like) == NULL)
        return fail(err, "not a stored hash of a known format");
    pw = random_password(p);
    setting = pw ? setting_like(p, like) : NULL;
    if (setting == NULL)
        return fail(err, "the random generator failed");
    return encode(p, pw, setting, err);
}

/* The number after "name:" in spec, in [min, max]. 1, or 0 when spec
 * is not name:N. */
static int spec_number(const char *spec, const char *name, apr_int64_t min,
                       apr_int64_t max, apr_int64_t *n)
{
    apr_size_t len = strlen(name);

    if (strncmp(spec, name, len) != 0)
        return 0;
    return spec[len] == ':' && pp_parse_uint(spec + len + 1, max, n)
           && *n >= min;
}

const char *pp_hash_template(apr_pool_t *p, const char *spec,
                             const char **err)
{
    /* salts and values of the right length and alphabet; what they say
     * does not matter (pp_hash_dummy draws its own password) */
    static const char SALT16[] = "modpassportdummy";
    apr_int64_t n;

    if (spec == NULL || *spec == '\0')
        return fail(err, "is empty");
    if (strncmp(spec, "bcrypt", 6) == 0) {
        if (!spec_number(spec, "bcrypt", 4, 20, &n))
            return fail(err, "is not bcrypt:COST with a cost from 4 to 20");
        return apr_psprintf(p, "$2y$%02d$abcdefghijklmnopqrstuu"
                            "0000000000000000000000000000000", (int)n);
    }
    if (strncmp(spec, "pbkdf2", 6) == 0) {
        /* pbkdf2:ITERATIONS[:KEYBYTES], Django's 32-byte key by default */
        const char *colon = spec[6] == ':' ? strchr(spec + 7, ':') : NULL;
        apr_int64_t key = 32;
        char *it = apr_pstrdup(p, spec);

        if (colon != NULL) {
            it[colon - spec] = '\0';
            if (!pp_parse_uint(colon + 1, PBKDF2_MAX_KEY, &key) || key < 16)
                return fail(err, "is not pbkdf2:ITERATIONS[:KEYBYTES] with "
                            "a key of 16 to 64 bytes");
        }
        if (!spec_number(it, "pbkdf2", 1, PP_PBKDF2_MAX_ITER, &n))
            return fail(err, apr_psprintf(p, "is not pbkdf2:ITERATIONS with "
                        "1 to %d iterations", PP_PBKDF2_MAX_ITER));
        return apr_psprintf(p, PBKDF2_PREFIX "%" APR_INT64_T_FMT "$%s$%s", n,
                            SALT16, pp_b64_encode(p, ZERO_KEY,
                                                  (apr_size_t)key));
    }
    if (strncmp(spec, "sha512crypt", 11) == 0
        || strncmp(spec, "sha256crypt", 11) == 0) {
        int six = spec[3] == '5';

        if (spec[11] == '\0')   /* the default, 5000, as tools write it */
            return apr_psprintf(p, "$%s$%s$", six ? "6" : "5", SALT16);
        if (!spec_number(spec, six ? "sha512crypt" : "sha256crypt", 1000,
                         10000000, &n))
            return fail(err, "is not sha512crypt[:ROUNDS] or "
                        "sha256crypt[:ROUNDS] with 1000 to 10000000 rounds");
        return apr_psprintf(p, "$%s$rounds=%" APR_INT64_T_FMT "$%s$",
                            six ? "6" : "5", n, SALT16);
    }
    if (strcmp(spec, "md5crypt") == 0)
        return "$1$dummysal$0000000000000000000000";
    if (strcmp(spec, "apr1") == 0)
        return APR1_PREFIX "dummysal$0000000000000000000000";
    if (strcmp(spec, "sha1") == 0)
        return APR_SHA1PW_ID "AAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    if (strcmp(spec, "des") == 0)
        return "mp00000000000";
    if (pp_hash_shape(p, spec) != NULL)
        return spec;
    return fail(err, "is not a format and cost (bcrypt:COST, "
                "pbkdf2:ITERATIONS, sha512crypt[:ROUNDS], "
                "sha256crypt[:ROUNDS], md5crypt, apr1, sha1, des) or a "
                "stored hash");
}
