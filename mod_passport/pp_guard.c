/*
 * pp_guard.c - the sign-in guard's keys, ids and throttle windows.
 */
#include "pp_guard.h"
#include "pp_kept.h"

#include <apr_strings.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <string.h>

#define STORE_LABEL "mod_passport store v1"
#define RECORD_VERSION 1

/* An HMAC-SHA256 context keyed once; every id is computed on a copy. */
struct pp_guard_key {
    EVP_MAC_CTX *keyed;
    apr_uint64_t serial;           /* which key a thread's copy is of */
};

/* Each thread keeps its copy of the last key it used (pp_guard_init),
 * started afresh for each id, instead of a copy made and freed for
 * each. A copy knows its key by serial, never by address: a key made
 * after another was freed may reuse the address. */
typedef struct {
    apr_uint64_t serial;
    EVP_MAC_CTX *mac;
} kept_mac_t;

static pp_kept_t *kept_macs;
static apr_uint64_t serials;

static void drop_mac(void *data)
{
    kept_mac_t *km = data;

    EVP_MAC_CTX_free(km->mac);     /* wipes its copy of the key */
    OPENSSL_free(km);
}

void pp_guard_init(apr_pool_t *p)
{
    pp_kept_make(p, drop_mac, &kept_macs);
}

/* This thread's copy of k's context, started afresh: the kept one, or
 * one made (the thread had none, or one of another key). NULL if none
 * can be made. */
static kept_mac_t *mac_take(const pp_guard_key_t *k)
{
    kept_mac_t *km = pp_kept_take(kept_macs);

    if (km != NULL && km->serial == k->serial
        && EVP_MAC_init(km->mac, NULL, 0, NULL) == 1)
        return km;
    if (km == NULL && (km = OPENSSL_zalloc(sizeof(*km))) == NULL)
        return NULL;
    EVP_MAC_CTX_free(km->mac);
    km->serial = k->serial;
    if ((km->mac = EVP_MAC_CTX_dup(k->keyed)) == NULL) {
        drop_mac(km);
        return NULL;
    }
    return km;
}

/* After an id: kept for this thread, or freed (no slot, or it failed). */
static void mac_give(kept_mac_t *km, int ok)
{
    if (km != NULL && ok && kept_macs != NULL)
        pp_kept_put(kept_macs, km);
    else if (km != NULL)
        drop_mac(km);
}

static apr_status_t key_free(void *data)
{
    pp_guard_key_t *k = data;

    EVP_MAC_CTX_free(k->keyed);
    k->keyed = NULL;
    return APR_SUCCESS;
}

pp_guard_key_t *pp_guard_key(apr_pool_t *p, const pp_keyring_t *ring,
                             const char *realm_name, const char **err)
{
    unsigned char derived[32];
    EVP_MAC_CTX *ctx;
    size_t n = 0;
    pp_guard_key_t *k;
    int ok;

    if (ring == NULL || ring->keys->nelts == 0) {
        *err = "no key";
        return NULL;
    }
    ctx = pp_keys_hmac_sha256(APR_ARRAY_IDX(ring->keys, 0, pp_key_t).raw,
                      PP_KEY_LEN);
    ok = ctx != NULL
         && EVP_MAC_update(ctx, (const unsigned char *)STORE_LABEL,
                           sizeof(STORE_LABEL)) == 1   /* with its NUL */
         && EVP_MAC_update(ctx, (const unsigned char *)realm_name,
                           strlen(realm_name)) == 1
         && EVP_MAC_final(ctx, derived, &n, sizeof(derived)) == 1
         && n == sizeof(derived);
    EVP_MAC_CTX_free(ctx);
    k = apr_pcalloc(p, sizeof(*k));
    if (ok)
        k->keyed = pp_keys_hmac_sha256(derived, sizeof(derived));
    k->serial = __atomic_add_fetch(&serials, 1, __ATOMIC_RELAXED);
    OPENSSL_cleanse(derived, sizeof(derived));
    if (k->keyed == NULL) {
        *err = "HMAC-SHA256 failed";
        return NULL;
    }
    apr_pool_cleanup_register(p, k, key_free, apr_pool_cleanup_null);
    return k;
}

/* kind || 0, then each part as 4 length bytes (big-endian) and its bytes:
 * no two lists of parts hash the same input. */
static int update_part(EVP_MAC_CTX *ctx, const char *s)
{
    apr_size_t len = s ? strlen(s) : 0;
    unsigned char n[4];

    n[0] = (unsigned char)(len >> 24);
    n[1] = (unsigned char)(len >> 16);
    n[2] = (unsigned char)(len >> 8);
    n[3] = (unsigned char)len;
    return EVP_MAC_update(ctx, n, sizeof(n)) == 1
           && (len == 0
               || EVP_MAC_update(ctx, (const unsigned char *)s, len) == 1);
}

static int id_of(const pp_guard_key_t *k, const char *kind, const char *a,
                 const char *b, unsigned char id[PP_GUARD_ID_LEN])
{
    kept_mac_t *km = k && k->keyed ? mac_take(k) : NULL;
    EVP_MAC_CTX *ctx = km ? km->mac : NULL;
    unsigned char mac[32];
    size_t n = 0;
    int ok;

    ok = ctx != NULL
         && EVP_MAC_update(ctx, (const unsigned char *)kind,
                           strlen(kind) + 1) == 1
         && update_part(ctx, a) && update_part(ctx, b)
         && EVP_MAC_final(ctx, mac, &n, sizeof(mac)) == 1
         && n == sizeof(mac);
    mac_give(km, ok);
    if (ok)
        memcpy(id, mac, PP_GUARD_ID_LEN);
    else
        memset(id, 0, PP_GUARD_ID_LEN);
    OPENSSL_cleanse(mac, sizeof(mac));
    return ok;
}

int pp_guard_pair_id(const pp_guard_key_t *k, const char *signin,
                     const char *address, unsigned char id[PP_GUARD_ID_LEN])
{
    return id_of(k, "throttle pair", signin, address, id);
}

int pp_guard_account_id(const pp_guard_key_t *k, const char *signin,
                        unsigned char id[PP_GUARD_ID_LEN])
{
    return id_of(k, "throttle account", signin, NULL, id);
}

int pp_guard_credential_id(const pp_guard_key_t *k, const char *stored_hash,
                           const char *password,
                           unsigned char id[PP_GUARD_ID_LEN])
{
    return id_of(k, "credential", stored_hash, password, id);
}

/* ---- windows -------------------------------------------------------- */

void pp_throttle_encode(const pp_throttle_rec_t *rec,
                        unsigned char out[PP_THROTTLE_REC_LEN])
{
    apr_uint64_t start = (apr_uint64_t)rec->start;
    int i;

    out[0] = RECORD_VERSION;
    for (i = 0; i < 4; i++)
        out[1 + i] = (unsigned char)(rec->failures >> (24 - 8 * i));
    for (i = 0; i < 8; i++)
        out[5 + i] = (unsigned char)(start >> (56 - 8 * i));
}

int pp_throttle_decode(const unsigned char *in, apr_size_t len,
                       pp_throttle_rec_t *rec)
{
    apr_uint64_t start = 0;
    apr_uint32_t failures = 0;
    int i;

    if (in == NULL || len != PP_THROTTLE_REC_LEN || in[0] != RECORD_VERSION)
        return 0;
    for (i = 0; i < 4; i++)
        failures = (failures << 8) | in[1 + i];
    for (i = 0; i < 8; i++)
        start = (start << 8) | in[5 + i];
    if (start > (apr_uint64_t)APR_INT64_MAX)
        return 0;
    rec->failures = failures;
    rec->start = (apr_int64_t)start;
    return 1;
}

static int window_open(const pp_throttle_limit_t *limit,
                       const pp_throttle_rec_t *rec, apr_int64_t now)
{
    return rec != NULL && now >= rec->start - limit->seconds
           && now < rec->start + limit->seconds;
}

int pp_throttle_refuses(const pp_throttle_limit_t *limit,
                        const pp_throttle_rec_t *rec, apr_int64_t now,
                        apr_int64_t *until)
{
    if (limit->failures <= 0 || !window_open(limit, rec, now))
        return 0;
    *until = rec->start + limit->seconds;
    return (apr_int64_t)rec->failures >= limit->failures;
}

void pp_throttle_count(const pp_throttle_limit_t *limit,
                       const pp_throttle_rec_t *rec, apr_int64_t now,
                       pp_throttle_rec_t *out, apr_int64_t *until)
{
    if (window_open(limit, rec, now)) {
        out->start = rec->start;
        out->failures = rec->failures < 0xffffffffu ? rec->failures + 1
                                                    : rec->failures;
    }
    else {
        out->start = now;
        out->failures = 1;
    }
    *until = out->start + limit->seconds;
}
