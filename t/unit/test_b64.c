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
    return tap_done();
}
