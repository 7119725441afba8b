/*
 * pp_mbi.c - MBI_KEY_OLD key derivation, blob and check (OpenSSL EVP).
 */
#include "pp_mbi.h"
#include "pp_b64.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/crypto.h>
#include <limits.h>
#include <string.h>

#define HASH_MAGIC "WS-SecureConversationSESSION KEY HASH"
#define ENC_MAGIC  "WS-SecureConversationSESSION KEY ENCRYPTION"
#define MAX_NONCE  256


/* 1 on success, 0 if HMAC failed (out is then not to be used). */
static int hmac_sha1(const unsigned char *k, apr_size_t kl,
                     const unsigned char *m, apr_size_t ml,
                     unsigned char out[20])
{
    unsigned int n = 20;

    return kl <= INT_MAX
        && HMAC(EVP_sha1(), k, (int)kl, m, ml, out, &n) != NULL && n == 20;
}

int pp_mbi_derive_bytes(const unsigned char *key, apr_size_t keylen,
                        const unsigned char *m, apr_size_t ml,
                        unsigned char out[24])
{
    unsigned char h1[20], h2[20], h3[20], h4[20];
    unsigned char buf[20 + PP_MBI_MAX_MESSAGE];
    int ok;

    if (ml > PP_MBI_MAX_MESSAGE) {
        OPENSSL_cleanse(out, 24);
        return 0;
    }
    memcpy(buf + 20, m, ml);
    ok = hmac_sha1(key, keylen, m, ml, h1);
    if (ok) {
        memcpy(buf, h1, 20);
        ok = hmac_sha1(key, keylen, buf, 20 + ml, h2)
            && hmac_sha1(key, keylen, h1, 20, h3);
    }
    if (ok) {
        memcpy(buf, h3, 20);
        ok = hmac_sha1(key, keylen, buf, 20 + ml, h4);
    }
    if (ok) {
        memcpy(out, h2, 20);
        memcpy(out + 20, h4, 4);
    }
    else
        OPENSSL_cleanse(out, 24);
    /* every intermediate is key material */
    OPENSSL_cleanse(h1, sizeof(h1));
    OPENSSL_cleanse(h2, sizeof(h2));
    OPENSSL_cleanse(h3, sizeof(h3));
    OPENSSL_cleanse(h4, sizeof(h4));
    OPENSSL_cleanse(buf, sizeof(buf));
    return ok;
}

int pp_mbi_derive(const unsigned char *key, apr_size_t keylen,
                  const char *magic, unsigned char out[24])
{
    return pp_mbi_derive_bytes(key, keylen, (const unsigned char *)magic,
                               strlen(magic), out);
}

/* 3DES-EDE-CBC without padding (the input is a multiple of 8). */
static int des3(int enc, const unsigned char key[24], const unsigned char iv[8],
                const unsigned char *in, int len, unsigned char *out)
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int n = 0, fin = 0, ok = 0;

    if (ctx == NULL)
        return 0;
    if (EVP_CipherInit_ex(ctx, EVP_des_ede3_cbc(), NULL, key, iv, enc) == 1
        && EVP_CIPHER_CTX_set_padding(ctx, 0) == 1
        && EVP_CipherUpdate(ctx, out, &n, in, len) == 1
        && EVP_CipherFinal_ex(ctx, out + n, &fin) == 1)
        ok = (n + fin == len);
    EVP_CIPHER_CTX_free(ctx);
    return ok;
}

static void put_le32(unsigned char *b, apr_uint32_t v)
{
    b[0] = (unsigned char)v;
    b[1] = (unsigned char)(v >> 8);
    b[2] = (unsigned char)(v >> 16);
    b[3] = (unsigned char)(v >> 24);
}

static apr_uint32_t get_le32(const unsigned char *b)
{
    return b[0] | (apr_uint32_t)b[1] << 8 | (apr_uint32_t)b[2] << 16
         | (apr_uint32_t)b[3] << 24;
}

const char *pp_mbi_blob(apr_pool_t *p, const unsigned char *secret,
                        apr_size_t secret_len, const char *nonce,
                        const unsigned char *iv_in, int amsn_padding)
{
    unsigned char key2[24], key3[24], iv[8], hash[20];
    unsigned char plain[MAX_NONCE + 80], *blob;
    apr_size_t nl = strlen(nonce), pl;
    static const apr_uint32_t head[7] = { 28, 1, 0x6603, 0x8004, 8, 20, 0 };
    const char *out = NULL;
    int i;

    /* everything that can be refused is refused before a key exists */
    if (nl == 0 || nl > MAX_NONCE)
        return NULL;
    memcpy(plain, nonce, nl);
    if (amsn_padding) {
        /* PKCS#5 to a multiple of 8, and at least 72 bytes */
        unsigned char pad = (unsigned char)(8 - nl % 8);

        pl = nl + pad;
        memset(plain + nl, pad, pad);
        while (pl < 72)
            plain[pl++] = pad;
    }
    else {
        memset(plain + nl, 0x08, 8);
        pl = nl + 8;
    }
    if (pl % 8 != 0)
        return NULL;
    if (iv_in)
        memcpy(iv, iv_in, 8);
    else if (RAND_bytes(iv, 8) != 1)
        return NULL;

    /* from here on, one way out, which wipes the keys */
    if (pp_mbi_derive(secret, secret_len, HASH_MAGIC, key2)
        && pp_mbi_derive(secret, secret_len, ENC_MAGIC, key3)
        && hmac_sha1(key2, 24, (const unsigned char *)nonce, nl, hash)) {
        blob = apr_palloc(p, PP_MBI_BLOB_HEADER + 8 + 20 + pl);
        for (i = 0; i < 6; i++)
            put_le32(blob + 4 * i, head[i]);
        put_le32(blob + 24, (apr_uint32_t)pl);
        memcpy(blob + 28, iv, 8);
        memcpy(blob + 36, hash, 20);
        if (des3(1, key3, iv, plain, (int)pl, blob + 56))
            out = pp_b64_encode(p, blob, 56 + pl);
    }
    OPENSSL_cleanse(key2, sizeof(key2));
    OPENSSL_cleanse(key3, sizeof(key3));
    OPENSSL_cleanse(plain, sizeof(plain));
    return out;
}

int pp_mbi_check(apr_pool_t *p, const unsigned char *secret,
                 apr_size_t secret_len, const char *nonce,
                 const char *blob_b64)
{
    unsigned char key2[24], key3[24], hash[20], *blob, *plain;
    apr_size_t len = 0, nl = nonce ? strlen(nonce) : 0, cl;
    int ok;

    if (nl == 0 || nl > MAX_NONCE || blob_b64 == NULL)
        return 0;
    blob = pp_b64_decode(p, blob_b64, &len);
    if (blob == NULL || len < 56 + 8)
        return 0;
    cl = get_le32(blob + 24);
    if (get_le32(blob) != 28 || get_le32(blob + 4) != 1
        || get_le32(blob + 8) != 0x6603 || get_le32(blob + 12) != 0x8004
        || get_le32(blob + 16) != 8 || get_le32(blob + 20) != 20
        || cl != len - 56 || cl % 8 != 0 || cl < nl)
        return 0;
    plain = apr_palloc(p, cl);
    /* a key or hash that could not be computed refuses the answer */
    ok = pp_mbi_derive(secret, secret_len, HASH_MAGIC, key2)
        && pp_mbi_derive(secret, secret_len, ENC_MAGIC, key3)
        && des3(0, key3, blob + 28, blob + 56, (int)cl, plain)
        && CRYPTO_memcmp(plain, nonce, nl) == 0
        && hmac_sha1(key2, 24, (const unsigned char *)nonce, nl, hash)
        && CRYPTO_memcmp(hash, blob + 36, 20) == 0;
    OPENSSL_cleanse(key2, sizeof(key2));
    OPENSSL_cleanse(key3, sizeof(key3));
    OPENSSL_cleanse(plain, cl);
    return ok;
}

/* HMAC-SHA256(key->mbi, ticket) truncated into out, through mac (the
 * key's keyed HMAC, started afresh if restart) or, with no mac, a
 * one-shot HMAC (which looks the algorithm up and keys it every time). */
static int secret_of(EVP_MAC_CTX *mac, int restart, const pp_key_t *key,
                     const char *ticket, unsigned char out[PP_MBI_SECRET_LEN])
{
    unsigned char full[32];
    unsigned int n = sizeof(full);
    size_t got = 0;
    int ok;

    if (mac != NULL)
        ok = (!restart || EVP_MAC_init(mac, NULL, 0, NULL) == 1)
             && EVP_MAC_update(mac, (const unsigned char *)ticket,
                               strlen(ticket)) == 1
             && EVP_MAC_final(mac, full, &got, sizeof(full)) == 1
             && got == sizeof(full);
    else
        ok = HMAC(EVP_sha256(), key->mbi, PP_KEY_LEN,
                  (const unsigned char *)ticket, strlen(ticket), full, &n)
             != NULL && n == sizeof(full);

    if (ok)
        memcpy(out, full, PP_MBI_SECRET_LEN);
    /* Failed: a caller that does not look at the result must still not
     * hand out a secret anyone can guess (zeros, or what the stack
     * held). Random bytes are a secret nobody can derive again, so an
     * answer made with it fails every check. Should the generator fail
     * too, a fixed pattern: guessable, but then no ticket can be sealed
     * either (sealing draws its nonce from the same generator) and the
     * glue seals before it derives. */
    else if (RAND_bytes(out, PP_MBI_SECRET_LEN) != 1)
        memset(out, 0xa5, PP_MBI_SECRET_LEN);
    OPENSSL_cleanse(full, sizeof(full));
    return ok;
}

int pp_mbi_secret(const pp_key_t *key, const char *ticket,
                  unsigned char out[PP_MBI_SECRET_LEN])
{
    EVP_MAC_CTX *mac = key->mbi_mac ? EVP_MAC_CTX_dup(key->mbi_mac) : NULL;
    int ok = secret_of(mac, 0, key, ticket, out);

    EVP_MAC_CTX_free(mac);
    return ok;
}

struct pp_mbi_hmac_t {
    const pp_key_t *key;
    EVP_MAC_CTX *mac;        /* a copy of the key's, or NULL: one-shot */
    int used;                /* a secret was made: start afresh */
};

static apr_status_t free_mac(void *mac)
{
    EVP_MAC_CTX_free(mac);
    return APR_SUCCESS;
}

pp_mbi_hmac_t *pp_mbi_hmac_make(apr_pool_t *p, const pp_key_t *key)
{
    pp_mbi_hmac_t *h = apr_pcalloc(p, sizeof(*h));

    h->key = key;
    h->mac = key->mbi_mac ? EVP_MAC_CTX_dup(key->mbi_mac) : NULL;
    if (h->mac != NULL)
        apr_pool_cleanup_register(p, h->mac, free_mac, apr_pool_cleanup_null);
    return h;
}

int pp_mbi_hmac_secret(pp_mbi_hmac_t *h, const char *ticket,
                       unsigned char out[PP_MBI_SECRET_LEN])
{
    int ok = secret_of(h->mac, h->used, h->key, ticket, out);

    h->used = 1;
    return ok;
}

int pp_mbi_3des(int enc, const unsigned char key[24],
                const unsigned char iv[8], const unsigned char *in,
                apr_size_t len, unsigned char *out)
{
    if (len % 8 != 0 || len > 0x7ffffff8)
        return 0;
    return des3(enc, key, iv, in, (int)len, out);
}
