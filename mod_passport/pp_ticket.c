/*
 * pp_ticket.c - seals and opens tickets with AES-256-GCM (OpenSSL EVP).
 */
#include "pp_ticket.h"
#include "pp_b64.h"

#include <apr_strings.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/crypto.h>
#include <string.h>

#define NONCE_LEN 12
#define TAG_LEN   16
#define FIXED_LEN (8 + 4 + 4)            /* puid, issued, expires */
#define MAX_PLAIN (FIXED_LEN + 1 + PP_MAX_SIGNIN + 1 + PP_MAX_AUDIENCE)
#define MAX_TICKET_CHARS 1024

static const char *STATUS_WORDS[] = {
    "ok", "malformed", "bad-signature", "expired", "bad-audience", "bad-mbi"
};

const char *pp_ticket_status_word(pp_ticket_status_t st)
{
    return (unsigned)st < sizeof(STATUS_WORDS) / sizeof(STATUS_WORDS[0])
        ? STATUS_WORDS[st] : "malformed";
}

static void put32(unsigned char *b, apr_uint32_t v)
{
    b[0] = (unsigned char)(v >> 24);
    b[1] = (unsigned char)(v >> 16);
    b[2] = (unsigned char)(v >> 8);
    b[3] = (unsigned char)v;
}

static apr_uint32_t get32(const unsigned char *b)
{
    return (apr_uint32_t)b[0] << 24 | (apr_uint32_t)b[1] << 16
         | (apr_uint32_t)b[2] << 8 | b[3];
}

static const char *aad_of(apr_pool_t *p, const char *realm)
{
    return apr_pstrcat(p, "PP1", realm, NULL);
}

/* One AES-256-GCM pass. enc: 1 seals (writes tag), 0 opens (checks
 * tag). Returns 1 on success. The context is freed on every path. */
static int gcm(int enc, const unsigned char *key, const unsigned char *nonce,
               const char *aad, const unsigned char *in, int inlen,
               unsigned char *out, unsigned char *tag)
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int n = 0, fin = 0, ok = 0;

    if (ctx == NULL)
        return 0;
    if (EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, nonce, enc) == 1
        && EVP_CipherUpdate(ctx, NULL, &n, (const unsigned char *)aad,
                            (int)strlen(aad)) == 1
        && EVP_CipherUpdate(ctx, out, &n, in, inlen) == 1
        && (enc || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, TAG_LEN,
                                       tag) == 1)
        && EVP_CipherFinal_ex(ctx, out + n, &fin) == 1
        && (!enc || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, TAG_LEN,
                                        tag) == 1))
        ok = 1;
    EVP_CIPHER_CTX_free(ctx);
    return ok;
}

const char *pp_ticket_seal(apr_pool_t *p, const pp_keyring_t *ring,
                           const char *realm, const pp_ticket_t *t,
                           const char **err)
{
    const pp_key_t *key;
    unsigned char plain[MAX_PLAIN], *buf;
    apr_size_t ls, la, n = 0, total;
    const char *sealed = NULL;
    int i;

    if (ring == NULL || ring->keys->nelts == 0) {
        *err = "no key to seal with";
        return NULL;
    }
    ls = strlen(t->signin);
    la = strlen(t->audience);
    if (ls == 0 || ls > PP_MAX_SIGNIN || la == 0 || la > PP_MAX_AUDIENCE) {
        *err = "sign-in name or audience empty or longer than 255 bytes";
        return NULL;
    }
    if (t->issued < 0 || t->expires < 0 || t->issued > 0xffffffffLL
        || t->expires > 0xffffffffLL) {
        *err = "time out of range";
        return NULL;
    }
    key = &APR_ARRAY_IDX(ring->keys, 0, pp_key_t);

    for (i = 7; i >= 0; i--)
        plain[n++] = (unsigned char)(t->puid >> (8 * i));
    put32(plain + n, (apr_uint32_t)t->issued); n += 4;
    put32(plain + n, (apr_uint32_t)t->expires); n += 4;
    plain[n++] = (unsigned char)ls;
    memcpy(plain + n, t->signin, ls); n += ls;
    plain[n++] = (unsigned char)la;
    memcpy(plain + n, t->audience, la); n += la;

    total = 1 + NONCE_LEN + n + TAG_LEN;
    buf = apr_palloc(p, total);
    buf[0] = PP_TICKET_VERSION;
    if (RAND_bytes(buf + 1, NONCE_LEN) != 1)
        *err = "the random generator failed";
    else if (!gcm(1, key->seal, buf + 1, aad_of(p, realm), plain, (int)n,
                  buf + 1 + NONCE_LEN, buf + 1 + NONCE_LEN + n))
        *err = "AES-256-GCM failed";
    else
        sealed = pp_b64url_encode(p, buf, total);
    /* the plaintext, on every way out */
    OPENSSL_cleanse(plain, sizeof(plain));
    return sealed;
}

/* Parse the plaintext; 0 if its lengths do not add up. */
static int parse_plain(apr_pool_t *p, const unsigned char *b, apr_size_t n,
                       pp_ticket_t *out)
{
    apr_size_t ls, la, i;

    if (n < FIXED_LEN + 2)
        return 0;
    out->puid = 0;
    for (i = 0; i < 8; i++)
        out->puid = out->puid << 8 | b[i];
    out->issued = get32(b + 8);
    out->expires = get32(b + 12);
    ls = b[16];
    if (FIXED_LEN + 1 + ls + 1 > n)
        return 0;
    la = b[FIXED_LEN + 1 + ls];
    if (FIXED_LEN + 1 + ls + 1 + la != n || ls == 0 || la == 0)
        return 0;
    out->signin = apr_pstrmemdup(p, (const char *)b + FIXED_LEN + 1, ls);
    out->audience = apr_pstrmemdup(p, (const char *)b + FIXED_LEN + 2 + ls,
                                   la);
    /* no NUL inside the strings */
    return strlen(out->signin) == ls && strlen(out->audience) == la;
}

pp_ticket_status_t pp_ticket_open(apr_pool_t *p, const pp_keyring_t *ring,
                                  const char *realm, const char *ticket,
                                  apr_int64_t now, const char *audience,
                                  pp_ticket_t *out)
{
    unsigned char *buf, *plain;
    apr_size_t len = 0, n;
    const char *aad;
    int i, opened = 0, parsed;

    memset(out, 0, sizeof(*out));
    if (ticket == NULL || strlen(ticket) > MAX_TICKET_CHARS)
        return PP_TICKET_MALFORMED;
    buf = pp_b64url_decode(p, ticket, &len);
    if (buf == NULL || len < 1 + NONCE_LEN + FIXED_LEN + 2 + TAG_LEN
        || buf[0] != PP_TICKET_VERSION)
        return PP_TICKET_MALFORMED;
    if (ring == NULL)
        return PP_TICKET_BAD_SIGNATURE;

    n = len - 1 - NONCE_LEN - TAG_LEN;
    plain = apr_palloc(p, n + 16);
    aad = aad_of(p, realm);
    for (i = 0; i < ring->keys->nelts && !opened; i++) {
        const pp_key_t *k = &APR_ARRAY_IDX(ring->keys, i, pp_key_t);

        opened = gcm(0, k->seal, buf + 1, aad, buf + 1 + NONCE_LEN, (int)n,
                     plain, buf + 1 + NONCE_LEN + n);
    }
    if (!opened) {
        OPENSSL_cleanse(plain, n + 16);
        return PP_TICKET_BAD_SIGNATURE;
    }
    out->key_index = i - 1;
    /* Sealed by us: a parse failure here would mean a bug or a key
     * leak; refuse it all the same. The fields are copied out, so the
     * plaintext goes either way. */
    parsed = parse_plain(p, plain, n, out);
    OPENSSL_cleanse(plain, n + 16);
    if (!parsed)
        return PP_TICKET_MALFORMED;
    if (now >= out->expires)
        return PP_TICKET_EXPIRED;
    if (audience != NULL && strcmp(audience, out->audience) != 0)
        return PP_TICKET_BAD_AUDIENCE;
    return PP_TICKET_OK;
}

const char *pp_ticket_from_compact(apr_pool_t *p, const char *s)
{
    const char *amp;

    if (s == NULL)
        return NULL;
    if (strncmp(s, "t=", 2) != 0)
        return s;
    s += 2;
    amp = strchr(s, '&');
    return amp ? apr_pstrmemdup(p, s, (apr_size_t)(amp - s)) : s;
}
