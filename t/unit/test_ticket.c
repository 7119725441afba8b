/* Unit tests for pp_keys.c and pp_ticket.c: the seal. */
#include "tap.h"
#include "pp_keys.h"
#include "pp_ticket.h"
#include "pp_b64.h"
#include "pp_mbi.h"

#include <openssl/evp.h>
#include <apr_hash.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define KEY_A "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
#define KEY_B "Hx4dHBsaGRgXFhUUExIREA8ODQwLCgkIBwYFBAMCAQA="

/* What a cleanup registered on the keyring's pool before the keyring
 * sees of its keys. Cleanups run in the reverse order they were
 * registered (apr_pools.h), and all of them before the pool's memory is
 * released: this one runs after the keyring's own, while the keys'
 * memory is still the pool's, so looking at it is well-defined. */
typedef struct {
    const unsigned char *keys;      /* the ring's key array */
    size_t len;                     /* its size in bytes */
    int ran, wiped;
} probe_t;

static apr_status_t probe_keys(void *data)
{
    probe_t *pr = data;
    size_t i;

    pr->ran = 1;
    pr->wiped = pr->keys != NULL && pr->len > 0;
    for (i = 0; pr->keys && i < pr->len; i++)
        if (pr->keys[i] != 0)
            pr->wiped = 0;
    return APR_SUCCESS;
}

static int nonzero(const void *b, size_t n)
{
    const unsigned char *c = b;
    size_t i;

    for (i = 0; i < n; i++)
        if (c[i] != 0)
            return 1;
    return 0;
}

static const char *flip(apr_pool_t *p, const char *t, size_t at)
{
    char *c = apr_pstrdup(p, t);

    c[at] = c[at] == 'A' ? 'B' : 'A';
    return c;
}


/* A ticket sealed by hand, from the format docs/tickets.md writes down
 * (not through pp_ticket_seal): version byte, a fixed nonce, AES-256-GCM
 * under seal_key with the associated data label || realm. */
static const char *craft(apr_pool_t *p, const pp_key_t *key, int version,
                         const char *label, const char *realm,
                         const unsigned char *plain, int n)
{
    unsigned char *buf = apr_pcalloc(p, (apr_size_t)n + 29);
    const char *aad = apr_pstrcat(p, label, realm, NULL);
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int len = 0, ok_ = 0;

    buf[0] = (unsigned char)version;
    memset(buf + 1, 0x5a, 12);
    if (ctx && EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key->seal,
                                  buf + 1) == 1
        && EVP_EncryptUpdate(ctx, NULL, &len, (const unsigned char *)aad,
                             (int)strlen(aad)) == 1
        && EVP_EncryptUpdate(ctx, buf + 13, &len, plain, n) == 1
        && EVP_EncryptFinal_ex(ctx, buf + 13 + len, &len) == 1
        && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16,
                               buf + 13 + n) == 1)
        ok_ = 1;
    EVP_CIPHER_CTX_free(ctx);
    return ok_ ? pp_b64url_encode(p, buf, (apr_size_t)n + 29) : "";
}

/* A plaintext: puid 3, issued 1700000000, expires 1700086400, the sign-in
 * "a@b.c", then the rest as given (count and audiences). */
static int plain_of(unsigned char *b, const unsigned char *rest, int n)
{
    static const unsigned char head[] = {
        0, 0, 0, 0, 0, 0, 0, 3, 0x65, 0x53, 0xf1, 0x00, 0x65, 0x55, 0x42,
        0x80, 5, 'a', '@', 'b', '.', 'c' };

    memcpy(b, head, sizeof(head));
    memcpy(b + sizeof(head), rest, (size_t)n);
    return (int)sizeof(head) + n;
}

/* A version 2 ticket of the plaintext plain_of(rest), sealed by hand
 * with key, opened with ring at 1700000001 for audience. */
static pp_ticket_status_t open_v2(apr_pool_t *p, const pp_keyring_t *ring,
                                  const pp_key_t *key, const char *rest,
                                  int n, const char *audience,
                                  pp_ticket_t *o)
{
    unsigned char plain[64];
    int len = plain_of(plain, (const unsigned char *)rest, n);

    return pp_ticket_open(p, ring, "Passport.Net",
                          craft(p, key, 2, "PP2", "Passport.Net", plain, len),
                          1700000001, audience, o);
}

/* The same sealed bytes with another first (version) byte. */
static const char *with_version(apr_pool_t *p, const char *ticket, int v)
{
    apr_size_t n = 0;
    unsigned char *b = pp_b64url_decode(p, ticket, &n);

    if (b == NULL || n == 0)
        return "";
    b[0] = (unsigned char)v;
    return pp_b64url_encode(p, b, n);
}

int main(void)
{
    apr_pool_t *p = tap_start();
    const char *err = NULL, *sealed, *s;
    pp_keyring_t *a, *b, *ab, *ba;
    pp_ticket_t t = { 0 }, o;
    size_t i;
    int clean = 1;

    a = pp_keyring_parse(p, "# realm A\n" KEY_A "\n\n", &err);
    ok(a && a->keys->nelts == 1, "key file with a comment and blank line");
    b = pp_keyring_parse(p, KEY_B, &err);
    ab = pp_keyring_parse(p, KEY_A "\n" KEY_B "\n", &err);
    ba = pp_keyring_parse(p, KEY_B "\n" KEY_A "\n", &err);
    ok(ab && ab->keys->nelts == 2, "two keys");
    ok(pp_keyring_parse(p, "AAAA\n", &err) == NULL
       && strstr(err, "line 1") != NULL, "short key refused, line named");
    ok(pp_keyring_parse(p, KEY_A "\nnot base64!\n", &err) == NULL
       && strstr(err, "line 2") != NULL, "junk on line 2 refused");
    ok(pp_keyring_parse(p, "\n# nothing\n", &err) == NULL, "no key refused");
    {
        /* the derivations of docs/tickets.md, for KEY_A (computed with
         * openssl dgst -sha256 -mac HMAC) */
        static const unsigned char seal_a[32] = {
            0xcd, 0xcb, 0x11, 0xfa, 0xb4, 0x1b, 0x01, 0x3a, 0x33, 0x40, 0xb0,
            0x4e, 0x4f, 0xa3, 0x9e, 0xc1, 0xf8, 0x6f, 0x6e, 0x80, 0x8b, 0x61,
            0x06, 0xa5, 0x87, 0x07, 0x69, 0x96, 0x7b, 0x65, 0x85, 0x4b };
        static const unsigned char mbi_a[32] = {
            0x0a, 0x99, 0x42, 0xd6, 0x0e, 0x20, 0x29, 0x9a, 0x59, 0x6d, 0x2b,
            0x82, 0xeb, 0x0d, 0x2c, 0xce, 0x35, 0xf2, 0xe9, 0x13, 0xaf, 0x1d,
            0x90, 0x0f, 0x9a, 0x32, 0xc9, 0xaf, 0x8d, 0xcb, 0x46, 0xd0 };
        const pp_key_t *ka = &APR_ARRAY_IDX(a->keys, 0, pp_key_t);
        const pp_key_t *kb = &APR_ARRAY_IDX(b->keys, 0, pp_key_t);

        ok(memcmp(ka->seal, seal_a, 32) == 0,
           "the seal key is HMAC-SHA256(raw, \"mod_passport ticket seal v1\")");
        ok(memcmp(ka->mbi, mbi_a, 32) == 0,
           "the MBI key is HMAC-SHA256(raw, \"mod_passport mbi secret v1\")");
        ok(memcmp(ka->seal, ka->raw, 32) != 0 && memcmp(ka->mbi, ka->raw, 32)
           && memcmp(ka->seal, ka->mbi, 32) != 0,
           "one raw key, three different keys: raw, seal and MBI");
        ok(memcmp(ka->seal, kb->seal, 32) != 0 && memcmp(ka->mbi, kb->mbi, 32),
           "two raw keys, different derived keys");
    }
    ok(pp_keyring_new_line(p, &err) != NULL
       && pp_keyring_parse(p, pp_keyring_new_line(p, &err), &err) != NULL,
       "a generated key line parses");

    t.puid = APR_UINT64_C(0x0123456789ABCDEF);
    t.signin = "alice@example.com";
    t.audience = "messenger.msn.com";
    t.issued = 1700000000;
    t.expires = 1700086400;
    sealed = pp_ticket_seal(p, a, "Passport.Net", &t, &err);
    ok(sealed != NULL, "sealed");
    for (i = 0; sealed && sealed[i]; i++)
        if (strchr("'&,=+/ ", sealed[i]))
            clean = 0;
    ok(clean, "no ' & , = + / or space in the ticket");
    ok(sealed && strlen(sealed) < 140, "compact (%d chars)",
       sealed ? (int)strlen(sealed) : -1);

    ok(pp_ticket_open(p, a, "Passport.Net", sealed, 1700000001,
                      "messenger.msn.com", &o) == PP_TICKET_OK,
       "opens for its audience");
    ok(o.puid == t.puid && strcmp(o.signin, t.signin) == 0
       && strcmp(o.audience, t.audience) == 0 && o.issued == t.issued
       && o.expires == t.expires, "round trip keeps every field");
    ok(pp_ticket_open(p, a, "Passport.Net", sealed, 1700000001,
                      "contacts.msn.com", &o) == PP_TICKET_BAD_AUDIENCE,
       "another audience refused");
    ok(pp_ticket_open(p, a, "Passport.Net", sealed, 1700086400, NULL, &o)
       == PP_TICKET_EXPIRED, "expired at expiry");
    ok(pp_ticket_open(p, b, "Passport.Net", sealed, 1700000001, NULL, &o)
       == PP_TICKET_BAD_SIGNATURE, "wrong key refused");
    ok(pp_ticket_open(p, a, "Other.Realm", sealed, 1700000001, NULL, &o)
       == PP_TICKET_BAD_SIGNATURE, "same key, other realm refused");
    ok(pp_ticket_open(p, ba, "Passport.Net", sealed, 1700000001, NULL, &o)
       == PP_TICKET_OK && o.key_index == 1,
       "rotated ring (old key second) still verifies, with key 1");
    s = flip(p, sealed, 20);
    ok(pp_ticket_open(p, a, "Passport.Net", s, 1700000001, NULL, &o)
       == PP_TICKET_BAD_SIGNATURE, "tampered body refused");
    s = flip(p, sealed, strlen(sealed) - 3);
    ok(pp_ticket_open(p, a, "Passport.Net", s, 1700000001, NULL, &o)
       == PP_TICKET_BAD_SIGNATURE, "tampered tag refused");
    ok(pp_ticket_open(p, a, "Passport.Net", "", 1, NULL, &o)
       == PP_TICKET_MALFORMED, "empty is malformed");
    ok(pp_ticket_open(p, a, "Passport.Net", "t=abc&p=x", 1, NULL, &o)
       == PP_TICKET_MALFORMED, "junk is malformed");
    ok(pp_ticket_open(p, a, "Passport.Net", apr_pstrcat(p, "B", sealed + 1,
                      NULL), 1, NULL, &o) == PP_TICKET_MALFORMED,
       "another version byte: not a ticket of ours (malformed)");
    is_str(pp_ticket_from_compact(p, apr_pstrcat(p, "t=", sealed, "&p=00AB",
                                                 NULL)), sealed,
           "ticket taken out of t=...&p=...");
    is_str(pp_ticket_from_compact(p, sealed), sealed, "bare ticket kept");
    is_str(pp_ticket_status_word(PP_TICKET_BAD_AUDIENCE), "bad-audience",
           "reason words");

    /* The worked example of docs/tickets.md must keep opening. */
    {
        pp_keyring_t *doc = pp_keyring_parse(p,
            "tuMCvq6DQhzwt1HKEs/r2A5acRUOYvDRFHR569fBvTg=", &err);
        const char *ex = pp_ticket_from_compact(p, "t=AVDCUmvG084QOgXWjzM3kp"
            "GLGXhWrgys3QqydLLYpboXnNQCLXfNqOZcfacQhBSKBO_f9ZzjfXIOmh9la2ruJ1"
            "sJT6nrYjYPKbbkMxCGlQ&p=0000000000000003");

        ok(pp_ticket_open(p, doc, "Passport.Net", ex, 1795313600,
                          "messenger.msn.com", &o) == PP_TICKET_OK
           && o.puid == 3 && strcmp(o.signin, "sha@example.com") == 0
           && o.issued == 1795313556 && o.expires == 1795317156,
           "docs/tickets.md worked example opens");
        ok(pp_ticket_open(p, doc, "Passport.Net", ex, 1795317156,
                          "messenger.msn.com", &o) == PP_TICKET_EXPIRED,
           "and expires when it says");
        ex = pp_ticket_from_compact(p, "t=ApWlZb_OlQBD1I4fer56tHHm53hnxIgP0"
            "QIFgp1S3ufVla970xC8YofEiH3PWYJ-pn4wou1He25WMzSoQv2fI_q4F4eMy2vVP"
            "ZnDM3buedeDMKXbWxhkCPNwo6hBbG0ieEfMI_-YBh6jn3JCJ1jszgxDi0UM0ZRCa"
            "w&p=0000000000000003");
        ok(pp_ticket_open(p, doc, "Passport.Net", ex, 1795313600,
                          "contacts.msn.com", &o) == PP_TICKET_OK
           && o.version == 2 && o.puid == 3 && o.naudiences == 3
           && strcmp(o.audiences[0], "messengerclear.live.com") == 0
           && strcmp(o.audiences[1], "messenger.msn.com") == 0
           && strcmp(o.audiences[2], "contacts.msn.com") == 0
           && strcmp(o.signin, "sha@example.com") == 0
           && o.issued == 1795313556 && o.expires == 1795317156,
           "docs/tickets.md shared (version 2) example opens");
        ok(pp_ticket_open(p, doc, "Passport.Net", ex, 1795313600,
                          "storage.msn.com", &o) == PP_TICKET_BAD_AUDIENCE,
           "and not for storage.msn.com");
        {
            unsigned char ms[PP_MBI_SECRET_LEN];

            ok(pp_mbi_secret(&APR_ARRAY_IDX(doc->keys, 0, pp_key_t), ex, ms)
               && strcmp(pp_b64_encode(p, ms, sizeof(ms)),
                         "YHt6YGpEpNjTAIW1Rsu/plGXBVL8Cvn3") == 0,
               "its MBI secret is the one the doc gives");
        }
        /* One sealer seals ticket after ticket with its key schedule made
         * once: each is what a fresh sealing gives, byte for byte. With
         * the nonces of the doc's two examples, the doc's two tickets
         * come back, in either order and again (the additional data
         * follows the version). */
        {
            const char *v1 = pp_ticket_from_compact(p, "t=AVDCUmvG084QOgXWjz"
                "M3kpGLGXhWrgys3QqydLLYpboXnNQCLXfNqOZcfacQhBSKBO_f9ZzjfXIOmh"
                "9la2ruJ1sJT6nrYjYPKbbkMxCGlQ&p=0000000000000003");
            static const char *const aud3[] = { "messengerclear.live.com",
                "messenger.msn.com", "contacts.msn.com" };
            pp_ticket_t d1, d2;
            apr_size_t l1 = 0, l2 = 0;
            unsigned char *r1 = pp_b64url_decode(p, v1, &l1);
            unsigned char *r2 = pp_b64url_decode(p, ex, &l2);
            pp_sealer_t *sl = pp_sealer_make(p, doc, "Passport.Net", &err);
            const char *a1, *a2, *a3, *a4;

            memset(&d1, 0, sizeof(d1));
            d1.puid = 3;
            d1.signin = "sha@example.com";
            d1.audience = "messenger.msn.com";
            d1.issued = 1795313556;
            d1.expires = 1795317156;
            d2 = d1;
            d2.version = PP_TICKET_VERSION_SHARED;
            d2.audiences = aud3;
            d2.naudiences = 3;
            a1 = sl ? pp_sealer_seal(p, sl, &d1, r1 + 1, &err) : NULL;
            a2 = sl ? pp_sealer_seal(p, sl, &d2, r2 + 1, &err) : NULL;
            a3 = sl ? pp_sealer_seal(p, sl, &d1, r1 + 1, &err) : NULL;
            a4 = sl ? pp_sealer_seal(p, sl, &d2, r2 + 1, &err) : NULL;
            ok(sl != NULL && a1 && strcmp(a1, v1) == 0,
               "a sealer with the doc's nonce seals the doc's ticket");
            ok(a2 && strcmp(a2, ex) == 0,
               "the same sealer, next: the doc's shared ticket");
            ok(a3 && a4 && strcmp(a3, v1) == 0 && strcmp(a4, ex) == 0,
               "and both again, unchanged by what it sealed before");
            ok(pp_sealer_make(p, NULL, "Passport.Net", &err) == NULL
               && strcmp(err, "no key to seal with") == 0,
               "no ring, no sealer, and the error says so");
        }
    }

    /* ---- version 2: one ticket, several audiences ---------------------- */
    {
        static const char *const three[] = {
            "messengerclear.live.com", "contacts.msn.com", "storage.msn.com" };
        const char *many[PP_MAX_AUDIENCES + 1], *v1 = sealed, *err2 = NULL;
        char long_aud[PP_MAX_AUDIENCE + 1];
        pp_ticket_t sh = t;
        unsigned char plain[64];
        const pp_key_t *ka = &APR_ARRAY_IDX(a->keys, 0, pp_key_t);
        int n, k;

        sh.version = PP_TICKET_VERSION_SHARED;
        sh.audiences = three;
        sh.naudiences = 3;
        sealed = pp_ticket_seal(p, a, "Passport.Net", &sh, &err);
        ok(sealed != NULL && sealed[0] == 'A', "version 2 sealed (%s)",
           sealed ? "" : err);
        {
            apr_size_t len = 0;
            unsigned char *raw = pp_ticket_seal(p, a, "Passport.Net", &sh, &err)
                ? pp_b64url_decode(p, sealed, &len) : NULL;

            ok(raw != NULL && raw[0] == 0x02, "its first byte is 0x02");
        }
        for (k = 0; k < 3; k++) {
            ok(pp_ticket_open(p, a, "Passport.Net", sealed, 1700000001,
                              three[k], &o) == PP_TICKET_OK
               && strcmp(o.audience, three[k]) == 0,
               "opens for its audience %s, and says it is that one",
               three[k]);
        }
        ok(o.version == 2 && o.naudiences == 3
           && strcmp(o.audiences[0], three[0]) == 0
           && strcmp(o.audiences[2], three[2]) == 0 && o.puid == t.puid
           && strcmp(o.signin, t.signin) == 0 && o.issued == t.issued
           && o.expires == t.expires, "every field and audience round trip");
        ok(pp_ticket_open(p, a, "Passport.Net", sealed, 1700000001,
                          "messenger.msn.com", &o) == PP_TICKET_BAD_AUDIENCE,
           "an audience it does not list: bad-audience");
        ok(pp_ticket_open(p, a, "Passport.Net", sealed, 1700000001,
                          "Contacts.msn.com", &o) == PP_TICKET_BAD_AUDIENCE,
           "audiences compare exactly, as in version 1");
        ok(pp_ticket_open(p, a, "Passport.Net", sealed, 1700000001, NULL, &o)
           == PP_TICKET_OK && strcmp(o.audience, three[0]) == 0,
           "no audience asked: the first");
        ok(pp_ticket_has_audience(&o, "CONTACTS.msn.com", 1)
           && !pp_ticket_has_audience(&o, "CONTACTS.msn.com", 0)
           && !pp_ticket_has_audience(&o, NULL, 1),
           "pp_ticket_has_audience, with and without case");
        ok(pp_ticket_open(p, a, "Passport.Net", sealed, 1700086400,
                          three[1], &o) == PP_TICKET_EXPIRED,
           "expires like version 1");
        ok(pp_ticket_open(p, a, "Other.Realm", sealed, 1700000001, NULL, &o)
           == PP_TICKET_BAD_SIGNATURE, "another realm: bad-signature");
        ok(pp_ticket_open(p, a, "Passport.Net", flip(p, sealed, 30),
                          1700000001, NULL, &o) == PP_TICKET_BAD_SIGNATURE,
           "tampered: bad-signature");

        /* the version byte is authenticated (AAD "PP1"/"PP2") */
        ok(pp_ticket_open(p, a, "Passport.Net", with_version(p, sealed, 1),
                          1700000001, NULL, &o) == PP_TICKET_BAD_SIGNATURE,
           "version 2 relabelled as 1 does not open");
        ok(pp_ticket_open(p, a, "Passport.Net", with_version(p, v1, 2),
                          1700000001, NULL, &o) == PP_TICKET_BAD_SIGNATURE,
           "version 1 relabelled as 2 does not open");
        ok(pp_ticket_open(p, a, "Passport.Net", with_version(p, sealed, 3),
                          1700000001, NULL, &o) == PP_TICKET_MALFORMED,
           "version 3: malformed");
        ok(pp_ticket_open(p, a, "Passport.Net", v1, 1700000001, NULL, &o)
           == PP_TICKET_OK && o.version == 1 && o.naudiences == 1
           && strcmp(o.audiences[0], "messenger.msn.com") == 0,
           "a version 1 ticket opens with its one audience listed");

        /* the format as documented, sealed by hand */
        n = plain_of(plain, (const unsigned char *)"\2\3a.b\1c", 7);
        ok(pp_ticket_open(p, a, "Passport.Net",
                          craft(p, ka, 2, "PP2", "Passport.Net", plain, n),
                          1700000001, "c", &o) == PP_TICKET_OK
           && o.puid == 3 && strcmp(o.signin, "a@b.c") == 0
           && o.naudiences == 2 && strcmp(o.audiences[0], "a.b") == 0
           && o.expires == 1700086400,
           "a hand-sealed version 2 ticket (docs/tickets.md) opens");
        ok(pp_ticket_open(p, a, "Passport.Net",
                          craft(p, ka, 2, "PP1", "Passport.Net", plain, n),
                          1700000001, NULL, &o) == PP_TICKET_BAD_SIGNATURE,
           "sealed with version 1's AAD: does not open");
        ok(open_v2(p, a, ka, "\0", 1, NULL, &o) == PP_TICKET_MALFORMED,
           "a count of 0: malformed");
        ok(open_v2(p, a, ka, "\1\1cX", 4, NULL, &o) == PP_TICKET_MALFORMED,
           "a byte after the last audience: malformed");
        ok(open_v2(p, a, ka, "\2\1c", 3, NULL, &o) == PP_TICKET_MALFORMED,
           "fewer audiences than the count: malformed");
        ok(open_v2(p, a, ka, "\41\1c", 3, NULL, &o) == PP_TICKET_MALFORMED,
           "a count over 32: malformed");

        /* limits at sealing */
        sh.naudiences = 0;
        ok(pp_ticket_seal(p, a, "Passport.Net", &sh, &err2) == NULL,
           "no audience: refused (%s)", err2 ? err2 : "");
        for (k = 0; k <= PP_MAX_AUDIENCES; k++)
            many[k] = apr_psprintf(p, "service%02d.example.com", k);
        sh.audiences = many;
        sh.naudiences = PP_MAX_AUDIENCES;
        sealed = pp_ticket_seal(p, a, "Passport.Net", &sh, &err2);
        ok(sealed != NULL && strlen(sealed) <= PP_TICKET_MAX_CHARS
           && pp_ticket_open(p, a, "Passport.Net", sealed, 1700000001,
                             many[31], &o) == PP_TICKET_OK,
           "32 audiences: sealed, %d characters, and opens",
           sealed ? (int)strlen(sealed) : -1);
        sh.naudiences = PP_MAX_AUDIENCES + 1;
        ok(pp_ticket_seal(p, a, "Passport.Net", &sh, &err2) == NULL,
           "33 audiences: refused (%s)", err2 ? err2 : "");
        memset(long_aud, 'x', PP_MAX_AUDIENCE);
        long_aud[PP_MAX_AUDIENCE] = '\0';
        for (k = 0; k < 8; k++)
            many[k] = long_aud;
        sh.naudiences = 8;
        err2 = NULL;
        ok(pp_ticket_seal(p, a, "Passport.Net", &sh, &err2) == NULL
           && err2 && strstr(err2, "longer than 2048 characters"),
           "8 audiences of 255 bytes: refused, too long (%s)",
           err2 ? err2 : "");
        many[0] = "";
        sh.naudiences = 1;
        ok(pp_ticket_seal(p, a, "Passport.Net", &sh, &err2) == NULL,
           "an empty audience: refused");
        {
            char *big = apr_palloc(p, PP_TICKET_MAX_CHARS + 2);

            memset(big, 'A', PP_TICKET_MAX_CHARS + 1);
            big[PP_TICKET_MAX_CHARS + 1] = '\0';
            ok(pp_ticket_open(p, a, "Passport.Net", big, 1, NULL, &o)
               == PP_TICKET_MALFORMED, "a text over 2048 characters: "
               "malformed");
        }
    }

    /* Nonces come from a per-thread stock: none is handed out twice,
     * across many answers, and a forked child does not hand out its
     * parent's next bytes. */
    {
        apr_hash_t *seen = apr_hash_make(p);
        unsigned char *all = apr_palloc(p, 2000 * 96), mine[12], theirs[12];
        int fd[2], dup = 0, got = 0, k;
        pid_t pid;

        for (k = 0; k < 2000; k++)
            got += pp_ticket_nonces(all + 96 * k, 96);
        for (k = 0; k < 2000 * 8; k++) {
            if (apr_hash_get(seen, all + 12 * k, 12) != NULL)
                dup++;
            apr_hash_set(seen, all + 12 * k, 12, "");
        }
        ok(got == 2000 && dup == 0, "16000 nonces of 2000 answers, no two "
           "alike (%d repeated)", dup);
        ok(pp_ticket_nonces(all, 4000) == 1, "more than a stock at once");
        pid = pipe(fd) == 0 ? fork() : -1;
        if (pid == 0) {
            ssize_t w;

            close(fd[0]);
            w = pp_ticket_nonces(mine, sizeof(mine)) ? write(fd[1], mine, 12)
                                                     : -1;
            _exit(w == 12 ? 0 : 1);
        }
        {
            int status = 1;
            ssize_t r = -1;

            if (pid > 0) {
                close(fd[1]);
                r = read(fd[0], theirs, sizeof(theirs));
                close(fd[0]);
                waitpid(pid, &status, 0);
            }
            ok(r == 12 && pp_ticket_nonces(mine, sizeof(mine))
               && memcmp(mine, theirs, 12) != 0 && status == 0,
               "after a fork, the child's nonce is not the parent's next");
        }
    }

    t.signin = "";
    ok(pp_ticket_seal(p, a, "Passport.Net", &t, &err) == NULL,
       "empty sign-in refused");
    t.signin = "alice@example.com";

    /* key material is wiped: by pp_keyring_wipe, and when the keyring's
     * pool is cleared */
    {
        pp_keyring_t *w = pp_keyring_parse(p, KEY_A "\n" KEY_B "\n", &err);
        const unsigned char *bytes = (const unsigned char *)w->keys->elts;
        size_t len = (size_t)w->keys->nelts * sizeof(pp_key_t);

        ok(nonzero(bytes, len), "a parsed ring holds its keys");
        pp_keyring_wipe(w);
        ok(!nonzero(bytes, len), "pp_keyring_wipe zeroes every key");
        ok(w->keys->nelts == 0
           && pp_ticket_seal(p, w, "Passport.Net", &t, &err) == NULL,
           "and a wiped ring seals nothing (%s)", err);
    }
    {
        apr_pool_t *sp;
        probe_t *pr = apr_pcalloc(p, sizeof(*pr));
        pp_keyring_t *w;
        int n;

        apr_pool_create(&sp, p);
        apr_pool_cleanup_register(sp, pr, probe_keys, apr_pool_cleanup_null);
        /* three keys: more than the array's first allocation, so a ring
         * that grew by copying would leave a copy behind */
        w = pp_keyring_parse(sp, KEY_A "\n" KEY_B "\n" KEY_A "\n", &err);
        n = w ? w->keys->nelts : 0;
        pr->keys = w ? (const unsigned char *)w->keys->elts : NULL;
        pr->len = (size_t)n * sizeof(pp_key_t);
        ok(n == 3 && nonzero(pr->keys, pr->len), "a ring in a sub-pool");
        apr_pool_clear(sp);
        ok(pr->ran && pr->wiped, "clearing its pool wipes all %d keys", n);
        apr_pool_destroy(sp);
    }
    return tap_done();
}
