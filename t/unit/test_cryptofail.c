/* When OpenSSL fails: HMAC() (or EVP_MAC_final(), which the keyed MBI
 * HMAC of a keyring ends with) and EVP_Digest() returning failure must
 * never leave zero or half-made keys in use, and every caller in the
 * core must say so.
 *
 * This test is linked with -Wl,--wrap=HMAC -Wl,--wrap=EVP_MAC_final
 * -Wl,--wrap=EVP_Digest (Makefile.am): the core's calls land in the
 * __wrap_ functions below,
 * which pass them on to OpenSSL until told to fail, and then return
 * failure without writing their output, as a failing OpenSSL may. */
#include "tap.h"
#include "pp_keys.h"
#include "pp_mbi.h"
#include "pp_verify.h"
#include "pp_rstr.h"
#include "pp_str.h"
#include "pp_b64.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#define KEY_A "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
#define NONCE "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* How many more calls succeed; -1: all of them. */
static int hmac_ok = -1, digest_ok = -1;

unsigned char *__real_HMAC(const EVP_MD *md, const void *key, int key_len,
                           const unsigned char *data, size_t data_len,
                           unsigned char *out, unsigned int *out_len);
unsigned char *__wrap_HMAC(const EVP_MD *md, const void *key, int key_len,
                           const unsigned char *data, size_t data_len,
                           unsigned char *out, unsigned int *out_len);
int __real_EVP_MAC_final(EVP_MAC_CTX *ctx, unsigned char *out,
                         size_t *outl, size_t outsize);
int __wrap_EVP_MAC_final(EVP_MAC_CTX *ctx, unsigned char *out,
                         size_t *outl, size_t outsize);
int __real_EVP_Digest(const void *data, size_t count, unsigned char *md,
                      unsigned int *size, const EVP_MD *type, ENGINE *impl);
int __wrap_EVP_Digest(const void *data, size_t count, unsigned char *md,
                      unsigned int *size, const EVP_MD *type, ENGINE *impl);

unsigned char *__wrap_HMAC(const EVP_MD *md, const void *key, int key_len,
                           const unsigned char *data, size_t data_len,
                           unsigned char *out, unsigned int *out_len)
{
    if (hmac_ok == 0)
        return NULL;
    if (hmac_ok > 0)
        hmac_ok--;
    return __real_HMAC(md, key, key_len, data, data_len, out, out_len);
}

/* one HMAC, counted as HMAC() is */
int __wrap_EVP_MAC_final(EVP_MAC_CTX *ctx, unsigned char *out,
                         size_t *outl, size_t outsize)
{
    if (hmac_ok == 0)
        return 0;
    if (hmac_ok > 0)
        hmac_ok--;
    return __real_EVP_MAC_final(ctx, out, outl, outsize);
}

int __wrap_EVP_Digest(const void *data, size_t count, unsigned char *md,
                      unsigned int *size, const EVP_MD *type, ENGINE *impl)
{
    if (digest_ok == 0)
        return 0;
    if (digest_ok > 0)
        digest_ok--;
    return __real_EVP_Digest(data, count, md, size, type, impl);
}

static int all_zero(const unsigned char *b, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (b[i] != 0)
            return 0;
    return 1;
}

int main(void)
{
    apr_pool_t *p = tap_start();
    const char *err = NULL, *blob, *good_blob;
    pp_keyring_t *ring = pp_keyring_parse(p, KEY_A, &err);
    const pp_key_t *key = &APR_ARRAY_IDX(ring->keys, 0, pp_key_t);
    unsigned char secret[PP_MBI_SECRET_LEN], good[PP_MBI_SECRET_LEN];
    pp_ticket_t t = { 0 };
    pp_verify_result_t v;
    const char *sealed;
    int i;

    /* the key file: either derivation failing fails the whole parse */
    for (i = 0; i < 2; i++) {
        hmac_ok = i;
        err = NULL;
        ok(pp_keyring_parse(p, "# one key\n" KEY_A "\n", &err) == NULL,
           "HMAC call %d of the key derivation fails: no keyring", i + 1);
        hmac_ok = -1;
        ok(err && strstr(err, "line 2") && strstr(err, "HMAC-SHA256"),
           "and the error names the line and what failed (%s)",
           err ? err : "none");
    }

    /* the server's secret */
    ok(pp_mbi_secret(key, "ticketA", good) == 1, "the secret derives");
    {
        /* a key whose keyed HMAC could not be made keys its own */
        pp_key_t bare = *key;

        bare.mbi_mac = NULL;
        ok(pp_mbi_secret(&bare, "ticketA", secret) == 1
           && memcmp(secret, good, sizeof(good)) == 0,
           "a key without its keyed HMAC derives the same secret");
        hmac_ok = 0;
        ok(pp_mbi_secret(&bare, "ticketA", secret) == 0,
           "and reports HMAC()'s failure");
        hmac_ok = -1;
    }
    memset(secret, 0, sizeof(secret));
    hmac_ok = 0;
    ok(pp_mbi_secret(key, "ticketA", secret) == 0,
       "HMAC fails: pp_mbi_secret reports it");
    hmac_ok = -1;
    ok(!all_zero(secret, sizeof(secret))
       && memcmp(secret, good, sizeof(good)) != 0,
       "and leaves neither zeros nor the real secret behind");

    /* the client's blob and the server's check: each of their HMACs */
    good_blob = pp_mbi_blob(p, good, sizeof(good), NONCE, NULL, 0);
    ok(good_blob && pp_mbi_check(p, good, sizeof(good), NONCE, good_blob),
       "a blob and its check");
    for (i = 0; i < 9; i++) {
        hmac_ok = i;
        blob = pp_mbi_blob(p, good, sizeof(good), NONCE, NULL, 0);
        hmac_ok = -1;
        ok(blob == NULL, "HMAC call %d of the blob fails: no blob", i + 1);
    }
    for (i = 0; i < 9; i++) {
        hmac_ok = i;
        ok(!pp_mbi_check(p, good, sizeof(good), NONCE, good_blob),
           "HMAC call %d of the check fails: not accepted", i + 1);
        hmac_ok = -1;
    }
    {
        unsigned char k[24];

        for (i = 0; i < 4; i++) {
            hmac_ok = i;
            ok(pp_mbi_derive(good, sizeof(good), "magic", k) == 0,
               "HMAC call %d of derive() fails: reported", i + 1);
            hmac_ok = -1;
        }
        ok(pp_mbi_derive(good, sizeof(good), "magic", k) == 1,
           "derive() works again");
    }

    /* pp_verify: a ticket whose secret cannot be derived */
    t.puid = 42;
    t.signin = "alice@example.com";
    t.audience = "messengerclear.live.com";
    t.issued = 1000;
    t.expires = 5000;
    sealed = pp_ticket_seal(p, ring, "Passport.Net", &t, &err);
    pp_mbi_secret(key, sealed, good);
    good_blob = pp_mbi_blob(p, good, sizeof(good), NONCE, NULL, 0);
    ok(pp_verify(p, ring, "Passport.Net", sealed, NULL, 2000, NONCE,
                 good_blob, &v) == PP_TICKET_OK && v.mbi_secret_ok,
       "the MBI answer checks");
    hmac_ok = 0;
    ok(pp_verify(p, ring, "Passport.Net", sealed, NULL, 2000, NONCE,
                 good_blob, &v) == PP_TICKET_BAD_MBI,
       "HMAC fails: the same answer is bad-mbi");
    hmac_ok = -1;
    ok(v.sealed && !v.mbi_secret_ok && all_zero(v.mbi_secret,
                                                sizeof(v.mbi_secret)),
       "no secret is handed out");
    hmac_ok = 0;
    ok(pp_verify(p, ring, "Passport.Net", sealed, NULL, 2000, NULL, NULL, &v)
       == PP_TICKET_OK && !v.mbi_secret_ok,
       "without an MBI question the ticket is good, without a secret");
    hmac_ok = -1;

    /* EVP_Digest: the token digest of RST2, and the derived CID */
    ok(pp_token_digest(p, "") != NULL, "a token digest");
    digest_ok = 0;
    ok(pp_token_digest(p, "t=T1&p=P1") == NULL,
       "EVP_Digest fails: no token digest (NULL)");
    ok(pp_cid_from_puid(APR_UINT64_C(0x0123456789ABCDEF)) == 0,
       "EVP_Digest fails: CID 0, never a CID made of stack bytes");
    digest_ok = -1;
    ok(pp_cid_from_puid(APR_UINT64_C(0x0123456789ABCDEF))
       == APR_UINT64_C(0x1b0a26fd753c50da), "and the CID is back after");
    {
        apr_array_header_t *items = apr_array_make(p, 1,
                                                    sizeof(pp_rstr_item_t));
        pp_rstr_item_t *it = apr_array_push(items);
        pp_rstr_ctx_t c = { 0 };
        const char *doc;

        it->address = "messenger.msn.com";
        it->token = "t=T1&p=P1";
        c.dialect = &pp_dialect_rst2;
        c.now = 1732286720;
        c.expires = c.now + 3600;
        c.server_info = "x";
        c.signin = "alice@example.com";
        digest_ok = 0;
        doc = pp_rstr_render(p, &c, items);
        digest_ok = -1;
        ok(doc != NULL && strstr(doc, "RequestSecurityTokenResponseCollection")
           == NULL && strstr(doc, "<S:Value>S:Receiver</S:Value>") != NULL,
           "RST2 response without its digest: a server fault instead");
        ok(doc != NULL && strstr(doc, "the token digest could not be "
                                 "computed") != NULL,
           "which says why");
    }
    return tap_done();
}
