/*
 * pp_ticket.c - seals and opens tickets with AES-256-GCM (OpenSSL EVP).
 */
#include "pp_ticket.h"
#include "pp_b64.h"

#include <apr_strings.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/crypto.h>
#include <limits.h>
#include <pthread.h>
#include <string.h>
#include <strings.h>

#define TAG_LEN   16
#define FIXED_LEN (8 + 4 + 4)            /* puid, issued, expires */
/* version, nonce and tag around the ciphertext */
#define OVERHEAD  (1 + PP_TICKET_NONCE_LEN + TAG_LEN)
/* the most plaintext a ticket of PP_TICKET_MAX_CHARS characters holds */
#define MAX_PLAIN (PP_TICKET_MAX_CHARS / 4 * 3 - OVERHEAD)

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

/* The associated data: the version's label, then the realm. */
static const char *aad_of(apr_pool_t *p, int version, const char *realm)
{
    return apr_pstrcat(p, version == PP_TICKET_VERSION_SHARED ? "PP2" : "PP1",
                       realm, NULL);
}

/* the ring's cipher, fetched once; EVP_aes_256_gcm() looks it up each
 * time */
static const EVP_CIPHER *cipher_of(const pp_keyring_t *ring)
{
    return ring->aes_gcm ? ring->aes_gcm : EVP_aes_256_gcm();
}

/* One message through ctx, keyed already: the nonce is set here, so a
 * keyed context serves message after message without its key schedule
 * made again. enc: 1 seals (tag out), 0 opens (tag checked). */
static int gcm_run(EVP_CIPHER_CTX *ctx, int enc, const unsigned char *nonce,
                   const char *aad, const unsigned char *in, int inlen,
                   unsigned char *out, unsigned char *tag)
{
    int n = 0, fin = 0;

    return EVP_CipherInit_ex(ctx, NULL, NULL, NULL, nonce, enc) == 1
        && EVP_CipherUpdate(ctx, NULL, &n, (const unsigned char *)aad,
                            (int)strlen(aad)) == 1
        && EVP_CipherUpdate(ctx, out, &n, in, inlen) == 1
        && (enc || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, TAG_LEN,
                                       tag) == 1)
        && EVP_CipherFinal_ex(ctx, out + n, &fin) == 1
        && (!enc || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, TAG_LEN,
                                        tag) == 1);
}

/* A context keyed with key for enc, or NULL. */
static EVP_CIPHER_CTX *gcm_keyed(const pp_keyring_t *ring, int enc,
                                 const unsigned char *key)
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();

    if (ctx != NULL
        && EVP_CipherInit_ex(ctx, cipher_of(ring), NULL, key, NULL, enc) != 1) {
        EVP_CIPHER_CTX_free(ctx);
        ctx = NULL;
    }
    return ctx;
}

/* One AES-256-GCM pass under key, in a context of its own. enc: 1 seals
 * (writes tag), 0 opens (checks tag). Returns 1 on success. The context
 * is freed on every path. */
static int gcm(const pp_keyring_t *ring, int enc, const unsigned char *key,
               const unsigned char *nonce, const char *aad,
               const unsigned char *in, int inlen, unsigned char *out,
               unsigned char *tag)
{
    EVP_CIPHER_CTX *ctx = gcm_keyed(ring, enc, key);
    int ok = ctx != NULL && gcm_run(ctx, enc, nonce, aad, in, inlen, out, tag);

    EVP_CIPHER_CTX_free(ctx);
    return ok;
}

/* A string of 1 to max bytes. */
static int field_ok(const char *s, apr_size_t max)
{
    apr_size_t n = s ? strlen(s) : 0;

    return n > 0 && n <= max;
}

/* The plaintext of t for its version, in *plain (pool memory the caller
 * wipes): its length, or 0 and *err. */
static apr_size_t plaintext(apr_pool_t *p, const pp_ticket_t *t, int version,
                            unsigned char **plain, const char **err)
{
    apr_size_t n = 0, size, l;
    unsigned char *b;
    int i, count = version == PP_TICKET_VERSION_SHARED ? t->naudiences : 1;

    if (!field_ok(t->signin, PP_MAX_SIGNIN)) {
        *err = "sign-in name empty or longer than 255 bytes";
        return 0;
    }
    if (version == PP_TICKET_VERSION_SHARED
        && (t->audiences == NULL || count < 1 || count > PP_MAX_AUDIENCES)) {
        *err = "a shared ticket needs 1 to 32 audiences";
        return 0;
    }
    size = FIXED_LEN + 1 + strlen(t->signin) + 1;
    for (i = 0; i < count; i++) {
        const char *a = version == PP_TICKET_VERSION_SHARED ? t->audiences[i]
                                                             : t->audience;

        if (!field_ok(a, PP_MAX_AUDIENCE)) {
            *err = "an audience is empty or longer than 255 bytes";
            return 0;
        }
        size += 1 + strlen(a);
    }
    if (size > MAX_PLAIN) {
        *err = apr_psprintf(p, "its %d audiences would make the ticket "
                            "longer than %d characters", count,
                            PP_TICKET_MAX_CHARS);
        return 0;
    }
    *plain = b = apr_palloc(p, size);
    for (i = 7; i >= 0; i--)
        b[n++] = (unsigned char)(t->puid >> (8 * i));
    put32(b + n, (apr_uint32_t)t->issued); n += 4;
    put32(b + n, (apr_uint32_t)t->expires); n += 4;
    l = strlen(t->signin);
    b[n++] = (unsigned char)l;
    memcpy(b + n, t->signin, l); n += l;
    if (version == PP_TICKET_VERSION_SHARED)
        b[n++] = (unsigned char)count;
    for (i = 0; i < count; i++) {
        const char *a = version == PP_TICKET_VERSION_SHARED ? t->audiences[i]
                                                             : t->audience;

        l = strlen(a);
        b[n++] = (unsigned char)l;
        memcpy(b + n, a, l); n += l;
    }
    return n;
}

/* ---- nonces ------------------------------------------------------------ */

/* A sign-in seals eight tickets, each with a nonce of its own. Nonces
 * are public (they open the ticket) and must only never repeat under a
 * key: random bytes from OpenSSL's generator, each handed out once. A
 * call to the generator costs about the same for 12 bytes as for 1,536
 * (a microsecond and more in a busy server), so they are drawn
 * NONCE_STOCK at a time into a stock of the thread's own, and an
 * answer's nonces cost a copy. A fork would give the child the parent's
 * stock, to hand out a second time: a fork starts a new generation, and
 * a stock of an older one is thrown away unused. */
#define NONCE_STOCK 1536
static _Thread_local struct {
    unsigned char b[NONCE_STOCK];
    apr_size_t left;              /* the last left bytes are unused */
    unsigned int generation;
} stock;
static unsigned int generation = 1;
static pthread_once_t watching = PTHREAD_ONCE_INIT;

static void forked(void)
{
    generation++;                 /* in the child, its only thread */
}

static void watch_forks(void)
{
    pthread_atfork(NULL, NULL, forked);
}

int pp_ticket_nonces(unsigned char *out, apr_size_t n)
{
    pthread_once(&watching, watch_forks);
    if (n > NONCE_STOCK)
        return n <= INT_MAX && RAND_bytes(out, (int)n) == 1;
    if (stock.generation != generation) {
        memset(stock.b, 0, sizeof(stock.b));
        stock.left = 0;
        stock.generation = generation;
    }
    if (stock.left < n) {
        if (RAND_bytes(stock.b, NONCE_STOCK) != 1) {
            stock.left = 0;
            return 0;
        }
        stock.left = NONCE_STOCK;
    }
    memcpy(out, stock.b + NONCE_STOCK - stock.left, n);
    memset(stock.b + NONCE_STOCK - stock.left, 0, n);   /* handed out */
    stock.left -= n;
    return 1;
}

struct pp_sealer_t {
    const char *aad[2];      /* "PP1" || realm and "PP2" || realm */
    EVP_CIPHER_CTX *ctx;     /* AES-256-GCM under the ring's first key */
};

static apr_status_t free_cipher(void *ctx)
{
    EVP_CIPHER_CTX_free(ctx);
    return APR_SUCCESS;
}

pp_sealer_t *pp_sealer_make(apr_pool_t *p, const pp_keyring_t *ring,
                            const char *realm, const char **err)
{
    pp_sealer_t *s;

    if (ring == NULL || ring->keys->nelts == 0) {
        *err = "no key to seal with";
        return NULL;
    }
    s = apr_pcalloc(p, sizeof(*s));
    s->aad[0] = aad_of(p, PP_TICKET_VERSION, realm);
    s->aad[1] = aad_of(p, PP_TICKET_VERSION_SHARED, realm);
    s->ctx = gcm_keyed(ring, 1, APR_ARRAY_IDX(ring->keys, 0, pp_key_t).seal);
    if (s->ctx == NULL) {
        *err = "AES-256-GCM failed";
        return NULL;
    }
    apr_pool_cleanup_register(p, s->ctx, free_cipher, apr_pool_cleanup_null);
    return s;
}

const char *pp_sealer_seal(apr_pool_t *p, pp_sealer_t *s,
                           const pp_ticket_t *t, const unsigned char *nonce,
                           const char **err)
{
    unsigned char *plain = NULL, *buf;
    apr_size_t n, total;
    const char *sealed = NULL;
    int version = t->version == PP_TICKET_VERSION_SHARED
                  ? PP_TICKET_VERSION_SHARED : PP_TICKET_VERSION;
    const char *aad = s->aad[version == PP_TICKET_VERSION_SHARED];

    if (t->issued < 0 || t->expires < 0 || t->issued > 0xffffffffLL
        || t->expires > 0xffffffffLL) {
        *err = "time out of range";
        return NULL;
    }
    if ((n = plaintext(p, t, version, &plain, err)) == 0)
        return NULL;
    total = OVERHEAD + n;
    buf = apr_palloc(p, total);
    buf[0] = (unsigned char)version;
    if (nonce != NULL)
        memcpy(buf + 1, nonce, PP_TICKET_NONCE_LEN);
    if (nonce == NULL && !pp_ticket_nonces(buf + 1, PP_TICKET_NONCE_LEN))
        *err = "the random generator failed";
    else if (!gcm_run(s->ctx, 1, buf + 1, aad, plain, (int)n,
                      buf + 1 + PP_TICKET_NONCE_LEN,
                      buf + 1 + PP_TICKET_NONCE_LEN + n))
        *err = "AES-256-GCM failed";
    else
        sealed = pp_b64url_encode(p, buf, total);
    /* the plaintext, on every way out */
    OPENSSL_cleanse(plain, n);
    return sealed;
}

const char *pp_ticket_seal(apr_pool_t *p, const pp_keyring_t *ring,
                           const char *realm, const pp_ticket_t *t,
                           const char **err)
{
    pp_sealer_t *s = pp_sealer_make(p, ring, realm, err);

    return s != NULL ? pp_sealer_seal(p, s, t, NULL, err) : NULL;
}

/* A length-prefixed string at b[*pos] (no NUL inside, 1 or more
 * bytes, within n): a copy, or NULL. */
static const char *take(apr_pool_t *p, const unsigned char *b, apr_size_t n,
                        apr_size_t *pos)
{
    apr_size_t l;
    const char *s;

    if (*pos >= n)
        return NULL;
    l = b[(*pos)++];
    if (l == 0 || *pos + l > n)
        return NULL;
    s = apr_pstrmemdup(p, (const char *)b + *pos, l);
    *pos += l;
    return strlen(s) == l ? s : NULL;
}

/* Parse the plaintext of a version; 0 if its lengths do not add up. */
static int parse_plain(apr_pool_t *p, int version, const unsigned char *b,
                       apr_size_t n, pp_ticket_t *out)
{
    apr_size_t pos = FIXED_LEN, i;
    const char **list;
    int count = 1, k;

    if (n < FIXED_LEN + 2)
        return 0;
    out->puid = 0;
    for (i = 0; i < 8; i++)
        out->puid = out->puid << 8 | b[i];
    out->issued = get32(b + 8);
    out->expires = get32(b + 12);
    if ((out->signin = take(p, b, n, &pos)) == NULL)
        return 0;
    if (version == PP_TICKET_VERSION_SHARED) {
        if (pos >= n)
            return 0;
        count = b[pos++];
        if (count < 1 || count > PP_MAX_AUDIENCES)
            return 0;
    }
    list = apr_palloc(p, sizeof(*list) * (apr_size_t)count);
    for (k = 0; k < count; k++)
        if ((list[k] = take(p, b, n, &pos)) == NULL)
            return 0;
    out->audiences = list;
    out->naudiences = count;
    out->audience = list[0];
    out->version = version;
    return pos == n;
}

int pp_ticket_has_audience(const pp_ticket_t *t, const char *audience,
                           int nocase)
{
    int i;

    for (i = 0; audience != NULL && i < t->naudiences; i++)
        if ((nocase ? strcasecmp(t->audiences[i], audience)
                    : strcmp(t->audiences[i], audience)) == 0)
            return 1;
    return 0;
}

pp_ticket_status_t pp_ticket_open(apr_pool_t *p, const pp_keyring_t *ring,
                                  const char *realm, const char *ticket,
                                  apr_int64_t now, const char *audience,
                                  pp_ticket_t *out)
{
    unsigned char *buf, *plain;
    apr_size_t len = 0, n;
    int key_index;
    const char *aad;
    int i, opened = 0, parsed, version;

    memset(out, 0, sizeof(*out));
    if (ticket == NULL || strlen(ticket) > PP_TICKET_MAX_CHARS)
        return PP_TICKET_MALFORMED;
    buf = pp_b64url_decode(p, ticket, &len);
    if (buf == NULL || len < OVERHEAD + FIXED_LEN + 2
        || (buf[0] != PP_TICKET_VERSION && buf[0] != PP_TICKET_VERSION_SHARED))
        return PP_TICKET_MALFORMED;
    if (ring == NULL)
        return PP_TICKET_BAD_SIGNATURE;

    version = buf[0];
    n = len - OVERHEAD;
    plain = apr_palloc(p, n + 16);
    aad = aad_of(p, version, realm);
    for (i = 0; i < ring->keys->nelts && !opened; i++) {
        const pp_key_t *k = &APR_ARRAY_IDX(ring->keys, i, pp_key_t);

        opened = gcm(ring, 0, k->seal, buf + 1, aad,
                     buf + 1 + PP_TICKET_NONCE_LEN, (int)n, plain,
                     buf + 1 + PP_TICKET_NONCE_LEN + n);
    }
    if (!opened) {
        OPENSSL_cleanse(plain, n + 16);
        return PP_TICKET_BAD_SIGNATURE;
    }
    out->key_index = i - 1;
    /* Sealed by us: a parse failure here would mean a bug or a key
     * leak; refuse it all the same. The fields are copied out, so the
     * plaintext goes either way. */
    parsed = parse_plain(p, version, plain, n, out);
    OPENSSL_cleanse(plain, n + 16);
    if (!parsed) {
        key_index = out->key_index;
        memset(out, 0, sizeof(*out));
        out->key_index = key_index;
        return PP_TICKET_MALFORMED;
    }
    if (now >= out->expires)
        return PP_TICKET_EXPIRED;
    if (audience != NULL) {
        if (!pp_ticket_has_audience(out, audience, 0))
            return PP_TICKET_BAD_AUDIENCE;
        /* the one asked for, as the ticket spells it */
        for (i = 0; strcmp(out->audiences[i], audience) != 0; i++)
            ;
        out->audience = out->audiences[i];
    }
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
