/* Unit tests for pp_b64.c: both alphabets, strict decoding. */
#include "tap.h"
#include "pp_b64.h"

int main(void)
{
    apr_pool_t *p = tap_start();
    const unsigned char bytes[] = { 0xfb, 0xff, 0xbf, 0x00, 0x10 };
    unsigned char *out;
    apr_size_t n = 0;

    is_str(pp_b64_encode(p, (const unsigned char *)"foobar", 6), "Zm9vYmFy",
           "RFC 4648 foobar");
    is_str(pp_b64_encode(p, (const unsigned char *)"fo", 2), "Zm8=",
           "padding");
    is_str(pp_b64_encode(p, bytes, 3), "+/+/", "standard alphabet");
    is_str(pp_b64url_encode(p, bytes, 3), "-_-_", "URL-safe alphabet");
    is_str(pp_b64url_encode(p, bytes, 5), "-_-_ABA", "URL-safe, no padding");

    out = pp_b64url_decode(p, "-_-_ABA", &n);
    ok(out && n == 5 && memcmp(out, bytes, 5) == 0, "URL-safe round trip");
    out = pp_b64_decode(p, "Zm9vYg==", &n);
    ok(out && n == 4 && memcmp(out, "foob", 4) == 0, "standard decode");
    ok(pp_b64_decode(p, "Zm9vYg=", &n) == NULL, "bad padding refused");
    ok(pp_b64_decode(p, "Zm9v=mFy", &n) == NULL, "'=' inside refused");
    ok(pp_b64_decode(p, "Zm9v YmFy", &n) == NULL, "space refused");
    ok(pp_b64url_decode(p, "Zm9v+mFy", &n) == NULL,
       "'+' refused in the URL-safe alphabet");
    ok(pp_b64_decode(p, "Zm9v-mFy", &n) == NULL && pp_b64_decode(p, "Zm9v_mFy", &n) == NULL,
       "URL-safe characters refused by the standard decoder");
    ok(pp_b64url_decode(p, "Zm9v/mFy", &n) == NULL, "'/' refused by the URL-safe decoder");
    ok(pp_b64url_decode(p, "Zm9\xc3\x80mFy", &n) == NULL && pp_b64_decode(p, "\xffm9vYmFy", &n) == NULL,
       "bytes above 127 refused");
    ok(pp_b64url_decode(p, "Zm9vY", &n) == NULL, "impossible length refused");
    ok(pp_b64url_decode(p, "Zh", &n) == NULL, "non-canonical tail refused");
    ok(pp_b64url_decode(p, "", &n) != NULL && n == 0, "empty is empty");
    ok(pp_b64url_decode(p, NULL, &n) == NULL, "NULL refused");
    /* one alphabet to the other, character by character: the same as
     * decoding and encoding again, for every length */
    {
        unsigned char b[48];
        int k, len, same = 1, back = 1;

        for (k = 0; k < 48; k++)
            b[k] = (unsigned char)(k * 37 + 11);
        for (len = 1; len <= 48; len++) {
            const char *url = pp_b64url_encode(p, b, (apr_size_t)len);
            const char *std = pp_b64_encode(p, b, (apr_size_t)len);
            const char *a = pp_b64url_to_b64(p, url), *c = pp_b64_to_b64url(p, std);

            same &= a != NULL && strcmp(a, std) == 0;
            back &= c != NULL && strcmp(c, url) == 0
                    && strcmp(pp_b64url_canonical(p, url), url) == 0;
        }
        ok(same, "URL-safe to standard: as decoding and encoding, 1 to 48 bytes");
        ok(back, "standard to URL-safe, and URL-safe checked, likewise");
        is_str(pp_b64url_to_b64(p, "-_-_ABA"), "+/+/ABA=", "the two characters and the padding");
        ok(pp_b64url_to_b64(p, "Zh") == NULL && pp_b64url_canonical(p, "Zh") == NULL,
           "a non-canonical tail refused");
        ok(pp_b64url_to_b64(p, "Zm9v+mFy") == NULL && pp_b64_to_b64url(p, "Zm9v-mFy") == NULL,
           "the other alphabet's characters refused");
        ok(pp_b64_to_b64url(p, "Zm9vYg=") == NULL && pp_b64_to_b64url(p, "Zm9v=mFy") == NULL
           && pp_b64url_to_b64(p, "Zm9vY") == NULL && pp_b64url_to_b64(p, NULL) == NULL,
           "bad padding, '=' inside, an impossible length, NULL: refused");
    }
    return tap_done();
}
