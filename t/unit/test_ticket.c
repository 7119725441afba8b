/* Unit tests for pp_keys.c and pp_ticket.c: the seal. */
#include "tap.h"
#include "pp_keys.h"
#include "pp_ticket.h"
#include "pp_b64.h"

#define KEY_A "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
#define KEY_B "Hx4dHBsaGRgXFhUUExIREA8ODQwLCgkIBwYFBAMCAQA="

static const char *flip(apr_pool_t *p, const char *t, size_t at)
{
    char *c = apr_pstrdup(p, t);

    c[at] = c[at] == 'A' ? 'B' : 'A';
    return c;
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
    ok(memcmp(a->keys->elts, b->keys->elts, 32) != 0, "keys differ");
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
                      NULL), 1, NULL, &o) != PP_TICKET_OK,
       "another version byte refused");
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
    }

    t.signin = "";
    ok(pp_ticket_seal(p, a, "Passport.Net", &t, &err) == NULL,
       "empty sign-in refused");
    return tap_done();
}
