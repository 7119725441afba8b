/* Unit tests for pp_legacy.c: the legacy token's xs:base64Binary form,
 * the canonical text, and that both verify and derive the same secret
 * (docs/tickets.md's worked example; the values were computed apart
 * from the module, with Python's base64 and hmac). */
#include "tap.h"
#include "pp_legacy.h"
#include "pp_verify.h"
#include "pp_b64.h"

#define KEY "tuMCvq6DQhzwt1HKEs/r2A5acRUOYvDRFHR569fBvTg="
#define TICKET "AVDCUmvG084QOgXWjzM3kpGLGXhWrgys3QqydLLYpboXnNQCLXfNqOZcfacQ" \
    "hBSKBO_f9ZzjfXIOmh9la2ruJ1sJT6nrYjYPKbbkMxCGlQ"
#define CIPHER "AVDCUmvG084QOgXWjzM3kpGLGXhWrgys3QqydLLYpboXnNQCLXfNqOZcfacQ" \
    "hBSKBO/f9ZzjfXIOmh9la2ruJ1sJT6nrYjYPKbbkMxCGlQ=="
#define SECRET "V5vO2heoCIJUUaldSc/PJsn/OK2sTAtD"

int main(void)
{
    apr_pool_t *p = tap_start();
    const char *err = NULL;
    pp_keyring_t *ring = pp_keyring_parse(p, KEY, &err);
    pp_verify_result_t v;
    apr_size_t n = 0;

    is_str(pp_legacy_cipher(p, TICKET), CIPHER,
           "the CipherValue: standard alphabet, padded");
    ok(pp_b64_decode(p, pp_legacy_cipher(p, TICKET), &n) != NULL && n == 79,
       "and strict base64 of the sealed bytes");
    is_str(pp_legacy_canonical(p, CIPHER), TICKET,
           "the CipherValue's canonical text is the compact ticket");
    is_str(pp_legacy_canonical(p, TICKET), TICKET,
           "a compact ticket is its own canonical text");
    is_str(pp_legacy_canonical(p, "AAAA"), "AAAA",
           "shared characters decode the same in both alphabets");
    ok(pp_legacy_canonical(p, "AB-/") == NULL, "mixed alphabets refused");
    ok(pp_legacy_canonical(p, "ABC=D") == NULL, "padding inside refused");
    ok(pp_legacy_canonical(p, "ABCDE===") == NULL, "bad padding refused");
    ok(pp_legacy_canonical(p, "") == NULL && pp_legacy_canonical(p, NULL)
       == NULL, "empty refused");
    ok(pp_legacy_cipher(p, CIPHER) == NULL,
       "pp_legacy_cipher wants the canonical text");

    /* both forms verify, and both give the BinarySecret of the contract */
    ok(pp_verify(p, ring, "Passport.Net", CIPHER, "messenger.msn.com",
                 1795313600, NULL, NULL, &v) == PP_TICKET_OK
       && strcmp(v.ticket.signin, "sha@example.com") == 0,
       "the legacy form verifies");
    is_str(pp_b64_encode(p, v.mbi_secret, sizeof(v.mbi_secret)), SECRET,
           "its secret is derived from the canonical text");
    ok(pp_verify(p, ring, "Passport.Net", "t=" TICKET "&p=0000000000000003",
                 "messenger.msn.com", 1795313600, NULL, NULL, &v)
       == PP_TICKET_OK, "the compact form verifies");
    is_str(pp_b64_encode(p, v.mbi_secret, sizeof(v.mbi_secret)), SECRET,
           "with the same secret");
    ok(pp_verify(p, ring, "Passport.Net", "AVDC+mvG", NULL, 1795313600, NULL,
                 NULL, &v) == PP_TICKET_MALFORMED, "junk is still malformed");
    return tap_done();
}
