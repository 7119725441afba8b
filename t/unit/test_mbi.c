/* Unit tests for pp_mbi.c: the CLIENTS.md known-answer vector, both
 * paddings, and the server-side check and secret derivation. */
#include "tap.h"
#include "pp_mbi.h"
#include "pp_b64.h"

#define KAT_BLOB "HAAAAAEAAAADZgAABIAAAAgAAAAUAAAASAAAAAAAAAAAAAAA7XgT5ohvaZdoXdrWUUcMF2G8OK2JohyYcK5l5MJSitab33scxJeK/RQXcUr0L+R2ZA9CEAzn0izmUzSMp2LZdxSbHtnuxCmptgtoScHp9E26HjQVkA9YJxgK/HM="

int main(void)
{
    apr_pool_t *p = tap_start();
    const unsigned char zero_iv[8] = { 0 };
    unsigned char *secret, other[24], s1[24], s2[24];
    apr_size_t sl = 0;
    const char *nonce, *blob, *err = NULL;
    char *bad;
    pp_keyring_t *ring;

    secret = pp_b64_decode(p, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", &sl);
    nonce = apr_pstrcat(p, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
                           "AAAAAAAAAAAAAAA", "=", NULL);
    ok(strlen(nonce) == 64 && sl == 23, "vector inputs");

    blob = pp_mbi_blob(p, secret, sl, nonce, zero_iv, 0);
    is_str(blob, KAT_BLOB, "libpurple padding: the known-answer blob");
    blob = pp_mbi_blob(p, secret, sl, nonce, zero_iv, 1);
    is_str(blob, KAT_BLOB, "aMSN padding agrees for a 64-character nonce");

    ok(pp_mbi_check(p, secret, sl, nonce, KAT_BLOB), "the vector checks");
    ok(!pp_mbi_check(p, secret, sl, "B", KAT_BLOB), "wrong nonce refused");
    /* base64 character i holds bits 6i..6i+5 of the blob: 28 bytes of
     * header, the iv (28-35), the hash (36-55), then the cipher */
    bad = apr_pstrdup(p, KAT_BLOB);
    bad[100] = bad[100] == 'A' ? 'B' : 'A';          /* byte 75 */
    ok(!pp_mbi_check(p, secret, sl, nonce, bad), "tampered cipher refused");
    bad = apr_pstrdup(p, KAT_BLOB);
    bad[50] = bad[50] == 'A' ? 'B' : 'A';            /* byte 37 */
    ok(!pp_mbi_check(p, secret, sl, nonce, bad), "tampered hash refused");
    bad = apr_pstrdup(p, KAT_BLOB);
    bad[40] = bad[40] == 'A' ? 'B' : 'A';            /* byte 30 */
    ok(!pp_mbi_check(p, secret, sl, nonce, bad), "tampered iv refused");
    memset(other, 1, sizeof(other));
    ok(!pp_mbi_check(p, other, 24, nonce, KAT_BLOB), "other secret refused");
    ok(!pp_mbi_check(p, secret, sl, nonce, "HAAAAA=="), "short blob refused");
    ok(!pp_mbi_check(p, secret, sl, nonce, "not base64!"), "junk refused");
    ok(!pp_mbi_check(p, secret, sl, nonce, NULL), "no blob refused");

    /* a short nonce: the paddings differ, and each checks */
    ok(pp_mbi_check(p, secret, sl, "sixteen-char-nce",
                    pp_mbi_blob(p, secret, sl, "sixteen-char-nce", NULL, 0)),
       "libpurple blob for a 16-character nonce checks");
    ok(pp_mbi_blob(p, secret, sl, "short", NULL, 0) == NULL,
       "libpurple padding of a 5-character nonce is not a whole block");
    ok(pp_mbi_check(p, secret, sl, "short",
                    pp_mbi_blob(p, secret, sl, "short", NULL, 1)),
       "aMSN blob for a short nonce checks");

    /* the server's secret: deterministic per ticket and key */
    ring = pp_keyring_parse(p, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n"
                               "Hx4dHBsaGRgXFhUUExIREA8ODQwLCgkIBwYFBAMCAQA=\n",
                            &err);
    pp_mbi_secret(&APR_ARRAY_IDX(ring->keys, 0, pp_key_t), "ticketA", s1);
    pp_mbi_secret(&APR_ARRAY_IDX(ring->keys, 0, pp_key_t), "ticketA", s2);
    ok(memcmp(s1, s2, 24) == 0, "secret re-derivable from the ticket");
    /* docs/tickets.md: the first 24 bytes of HMAC-SHA256(mbi_key,
     * ticket), computed with openssl dgst -mac HMAC from the key line */
    is_str(pp_b64_encode(p, s1, 24), "rcy/sE+u+dNARPdJGMpZJnfJYDeQKldk",
           "the secret as docs/tickets.md derives it (known answer)");
    pp_mbi_secret(&APR_ARRAY_IDX(ring->keys, 0, pp_key_t), "ticketB", s2);
    ok(memcmp(s1, s2, 24) != 0, "another ticket, another secret");
    pp_mbi_secret(&APR_ARRAY_IDX(ring->keys, 1, pp_key_t), "ticketA", s2);
    ok(memcmp(s1, s2, 24) != 0, "another key, another secret");
    ok(pp_mbi_check(p, s1, 24, nonce, pp_mbi_blob(p, s1, 24, nonce, NULL, 0)),
       "a client answer with the derived secret checks");
    /* one HMAC for the tickets of an answer: each secret as alone */
    {
        pp_mbi_hmac_t *h = pp_mbi_hmac_make(p, &APR_ARRAY_IDX(ring->keys, 0,
                                                              pp_key_t));
        unsigned char a[24], b[24], b1[24];

        pp_mbi_secret(&APR_ARRAY_IDX(ring->keys, 0, pp_key_t), "ticketB", b1);
        ok(pp_mbi_hmac_secret(h, "ticketA", a) && memcmp(a, s1, 24) == 0,
           "an answer's HMAC: the first secret is the ticket's own");
        ok(pp_mbi_hmac_secret(h, "ticketB", b) && memcmp(b, b1, 24) == 0,
           "the next is the next ticket's, not one of both");
        ok(pp_mbi_hmac_secret(h, "ticketA", a) && memcmp(a, s1, 24) == 0,
           "and the first again");
    }
    return tap_done();
}
