/* Unit tests for pp_issue.c (the tickets of one answer: one issue time,
 * one expiry, the first key, the MBI secret, the compact form), the
 * account's CID, and pp_realm.c's defaults. */
#include "tap.h"
#include "realm.h"
#include "pp_issue.h"
#include "pp_mbi.h"
#include "pp_b64.h"
#include "pp_str.h"

static const char *secret_of(apr_pool_t *p, const pp_keyring_t *ring, int k,
                             const char *ticket)
{
    unsigned char s[PP_MBI_SECRET_LEN];

    pp_mbi_secret(&APR_ARRAY_IDX(ring->keys, k, pp_key_t), ticket, s);
    return pp_b64_encode(p, s, sizeof(s));
}

int main(void)
{
    apr_pool_t *p = tap_start();
    pp_realm_t *realm = test_realm(p);
    pp_account_t acct;
    pp_grant_t g[3];
    pp_ticket_t t;
    apr_int64_t expires = -1;
    const char *err = NULL, *names[3] = { "messengerclear.live.com",
                                          "contacts.msn.com", "MSPAuth" };
    const pp_site_t *site;
    char *big;
    int i, all = 1;

    memset(&acct, 0, sizeof(acct));
    acct.puid = TEST_PUID;
    acct.signin = "alice@example.com";

    /* ---- one answer, three audiences ----------------------------------- */
    memset(g, 0, sizeof(g));
    for (i = 0; i < 3; i++)
        g[i].audience = names[i];
    ok(pp_issue(p, realm, &acct, TEST_NOW, g, 3, &expires, &err),
       "three grants issued");
    {
        /* their nonces are drawn together, and each is its own */
        apr_size_t l0 = 0, l1 = 0, l2 = 0;
        unsigned char *b0 = pp_b64url_decode(p, g[0].ticket, &l0);
        unsigned char *b1 = pp_b64url_decode(p, g[1].ticket, &l1);
        unsigned char *b2 = pp_b64url_decode(p, g[2].ticket, &l2);

        ok(b0 && b1 && b2 && l0 > 13 && l1 > 13 && l2 > 13
           && memcmp(b0 + 1, b1 + 1, PP_TICKET_NONCE_LEN) != 0
           && memcmp(b0 + 1, b2 + 1, PP_TICKET_NONCE_LEN) != 0
           && memcmp(b1 + 1, b2 + 1, PP_TICKET_NONCE_LEN) != 0,
           "the three tickets have three different nonces");
    }
    is_int(expires, TEST_NOW + TEST_LIFETIME, "*expires: now + the realm's "
           "ticket lifetime");
    for (i = 0; i < 3; i++) {
        ok(pp_ticket_open(p, realm->keyring, realm->name, g[i].ticket,
                          TEST_NOW, names[i], &t) == PP_TICKET_OK,
           "grant %d opens for %s", i, names[i]);
        ok(t.issued == TEST_NOW && t.expires == expires && t.puid == TEST_PUID
           && strcmp(t.signin, "alice@example.com") == 0,
           "grant %d: issued now, the one expiry, the account", i);
        ok(pp_ticket_open(p, realm->keyring, realm->name, g[i].ticket,
                          TEST_NOW, names[(i + 1) % 3], &t)
           == PP_TICKET_BAD_AUDIENCE, "grant %d: not for %s", i,
           names[(i + 1) % 3]);
        is_str(g[i].compact, apr_pstrcat(p, "t=", g[i].ticket,
                                         "&p=0123456789ABCDEF", NULL),
               "compact form: t=<ticket>&p=<PUID in hex>");
        is_str(g[i].secret, secret_of(p, realm->keyring, 0, g[i].ticket),
               "MBI secret: pp_mbi_secret of this ticket, base64");
        is_int(strlen(g[i].secret), 32, "24 bytes of secret");
        is_str(g[i].audience, names[i], "the audience is left as given");
    }
    ok(strcmp(g[0].ticket, g[1].ticket) != 0
       && strcmp(g[1].ticket, g[2].ticket) != 0
       && strcmp(g[0].secret, g[1].secret) != 0, "distinct tickets and "
       "secrets");

    /* the lifetime is the realm's */
    realm->ticket_lifetime = 60;
    ok(pp_issue(p, realm, &acct, TEST_NOW + 5, g, 1, &expires, &err)
       && expires == TEST_NOW + 65, "lifetime 60: expires now + 60");

    /* the first key seals, and the secret comes from it */
    realm->keyring = test_keyring(p, TEST_KEY_OTHER "\n" TEST_KEY_MAIN);
    ok(pp_issue(p, realm, &acct, TEST_NOW, g, 1, &expires, &err),
       "a rotated ring");
    ok(pp_ticket_open(p, realm->keyring, realm->name, g[0].ticket, TEST_NOW,
                      NULL, &t) == PP_TICKET_OK && t.key_index == 0,
       "sealed with the first key");
    ok(pp_ticket_open(p, test_keyring(p, TEST_KEY_MAIN), realm->name,
                      g[0].ticket, TEST_NOW, NULL, &t)
       == PP_TICKET_BAD_SIGNATURE, "not with the second");
    is_str(g[0].secret, secret_of(p, realm->keyring, 0, g[0].ticket),
           "the secret from the first key");
    ok(strcmp(g[0].secret, secret_of(p, realm->keyring, 1, g[0].ticket)) != 0,
       "which differs from the second key's");

    /* the realm name binds the ticket */
    realm->name = "Realm.B";
    ok(pp_issue(p, realm, &acct, TEST_NOW, g, 1, &expires, &err)
       && pp_ticket_open(p, realm->keyring, "Realm.B", g[0].ticket, TEST_NOW,
                         NULL, &t) == PP_TICKET_OK
       && pp_ticket_open(p, realm->keyring, "Passport.Net", g[0].ticket,
                         TEST_NOW, NULL, &t) == PP_TICKET_BAD_SIGNATURE,
       "sealed for the realm's own name");

    /* ---- one shared ticket (version 2) --------------------------------- */
    realm = test_realm(p);
    {
        static const char *const auds[] = {
            "messengerclear.live.com", "contacts.msn.com" };
        pp_grant_t sg;

        ok(pp_issue_shared(p, realm, &acct, TEST_NOW, auds, 2, &sg, &err),
           "a shared ticket issued");
        is_str(sg.audience, "messengerclear.live.com contacts.msn.com",
               "its audience: the list, space-separated");
        for (i = 0; i < 2; i++)
            ok(pp_ticket_open(p, realm->keyring, realm->name, sg.ticket,
                              TEST_NOW, auds[i], &t) == PP_TICKET_OK
               && t.version == 2 && t.issued == TEST_NOW
               && t.expires == TEST_NOW + TEST_LIFETIME
               && strcmp(t.signin, "alice@example.com") == 0,
               "it opens for %s, issued now, the realm's lifetime", auds[i]);
        is_int(sg.expires, TEST_NOW + TEST_LIFETIME, "the grant's expiry");
        is_str(sg.compact, apr_pstrcat(p, "t=", sg.ticket,
                                       "&p=0123456789ABCDEF", NULL),
               "compact form");
        is_str(sg.secret, secret_of(p, realm->keyring, 0, sg.ticket),
               "its MBI secret, of the ticket as for version 1");
        ok(!pp_issue_shared(p, realm, &acct, TEST_NOW, auds, 0, &sg, &err)
           && err != NULL, "no audience: refused (%s)", err ? err : "");
        realm->keyring = NULL;
        err = NULL;
        ok(!pp_issue_shared(p, realm, &acct, TEST_NOW, auds, 2, &sg, &err)
           && err && strcmp(err, "PassportKeyFile is not set for this server")
           == 0, "no keyring: refused");
    }

    /* ---- errors -------------------------------------------------------- */
    realm->keyring = NULL;
    err = NULL;
    ok(!pp_issue(p, realm, &acct, TEST_NOW, g, 1, &expires, &err),
       "no keyring: nothing issued");
    is_str(err, "PassportKeyFile is not set for this server",
           "and the reason");
    realm = test_realm(p);
    big = apr_palloc(p, 300);
    memset(big, 'a', 299);
    big[299] = '\0';
    big[3] = '\n';
    g[0].audience = "messenger.msn.com";
    g[1].audience = big;
    err = NULL;
    ok(!pp_issue(p, realm, &acct, TEST_NOW, g, 2, &expires, &err),
       "an audience over 255 bytes cannot be sealed");
    ok(err != NULL && strncmp(err, "cannot seal a ticket for 'aaa\\x0aaaa",
                              36) == 0, "the reason names it, escaped (%s)",
       err ? apr_pstrndup(p, err, 40) : "(null)");

    /* ---- pp_compact, pp_account_cid ------------------------------------ */
    is_str(pp_compact(p, "TICKET", APR_UINT64_C(0xAB)),
           "t=TICKET&p=00000000000000AB", "pp_compact");
    ok(pp_account_cid(&acct) == APR_UINT64_C(0x1b0a26fd753c50da),
       "no CID from the database: derived from the PUID");
    ok(pp_account_cid(&acct) == pp_cid_from_puid(TEST_PUID),
       "(pp_cid_from_puid)");
    acct.has_cid = 1;
    acct.cid = 0x1234;
    ok(pp_account_cid(&acct) == 0x1234, "the database's CID");
    acct.cid = 0;
    ok(pp_account_cid(&acct) == 0, "the database's CID, even 0");

    /* ---- the realm: its sites and addresses ----------------------------- */
    site = pp_realm_messenger_site();
    is_str(site->id, "507", "Messenger's site: id 507");
    is_str(site->return_url, "http://messenger.msn.com",
           "Messenger's site: its return URL");
    is_str(site->host, "messenger.msn.com", "Messenger's site: its host");
    {
        pp_realm_t *r = test_realm(p);

        ok(pp_realm_site(r, "42") == &APR_ARRAY_IDX(r->sites, 1, pp_site_t),
           "a configured site by id");
        ok(pp_realm_site(r, "1") == NULL, "an id no PassportSite names");
        ok(pp_realm_site(r, NULL) == NULL, "no id, sites configured: none");
        r->sites = NULL;
        ok(pp_realm_site(r, "1") == pp_realm_messenger_site()
           && pp_realm_site(r, NULL) == pp_realm_messenger_site(),
           "no PassportSite: any id (or none) is Messenger");
        is_str(pp_realm_service(r, "Any.Address.example"),
               "Any.Address.example", "no PassportService: any address");
        {
            apr_array_header_t *list = apr_array_make(p, 2,
                                                      sizeof(const char *));

            APR_ARRAY_PUSH(list, const char *) = "Messenger.MSN.com";
            r->services = list;
        }
        is_str(pp_realm_service(r, "messenger.msn.com"), "Messenger.MSN.com",
               "a listed address, in its configured spelling");
        ok(pp_realm_service(r, "contacts.msn.com") == NULL,
           "an address the list lacks");
    }
    (void)all;
    (void)i;
    return tap_done();
}
