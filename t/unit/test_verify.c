/* Unit tests for pp_verify.c and pp_soap_find_ticket: what a messenger
 * server or a partner location asks. */
#include "tap.h"
#include "pp_verify.h"
#include "pp_soap.h"
#include "pp_b64.h"

#define KEY_OLD "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
#define KEY_NEW "Hx4dHBsaGRgXFhUUExIREA8ODQwLCgkIBwYFBAMCAQA="

int main(void)
{
    apr_pool_t *p = tap_start();
    const char *err = NULL, *sealed, *compact, *nonce, *blob, *ticket;
    pp_keyring_t *old = pp_keyring_parse(p, KEY_OLD, &err);
    pp_keyring_t *rotated = pp_keyring_parse(p, KEY_NEW "\n" KEY_OLD, &err);
    pp_ticket_t t = { 0 };
    pp_verify_result_t v;
    unsigned char direct[PP_MBI_SECRET_LEN];

    t.puid = 42;
    t.signin = "alice@example.com";
    t.audience = "messengerclear.live.com";
    t.issued = 1000;
    t.expires = 5000;
    sealed = pp_ticket_seal(p, old, "Passport.Net", &t, &err);
    compact = apr_pstrcat(p, "t=", sealed, "&p=000000000000002A", NULL);

    ok(pp_verify(p, old, "Passport.Net", compact, "messengerclear.live.com",
                 2000, NULL, NULL, &v) == PP_TICKET_OK && v.sealed
       && !v.mbi_checked && v.ticket.puid == 42, "compact form verifies");
    pp_mbi_secret(&APR_ARRAY_IDX(old->keys, 0, pp_key_t), sealed, direct);
    ok(memcmp(direct, v.mbi_secret, sizeof(direct)) == 0,
       "the MBI secret is the one RST.srf hands out");

    /* after rotation the old key, now second, opens it and gives the
     * same secret */
    ok(pp_verify(p, rotated, "Passport.Net", sealed, NULL, 2000, NULL, NULL,
                 &v) == PP_TICKET_OK && v.ticket.key_index == 1
       && memcmp(direct, v.mbi_secret, sizeof(direct)) == 0,
       "after key rotation: same ticket, same secret");

    nonce = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    blob = pp_mbi_blob(p, direct, sizeof(direct), nonce, NULL, 0);
    ok(pp_verify(p, old, "Passport.Net", sealed, "messengerclear.live.com",
                 2000, nonce, blob, &v) == PP_TICKET_OK && v.mbi_checked,
       "a good MBI answer");
    ok(pp_verify(p, old, "Passport.Net", sealed, NULL, 2000, nonce,
                 pp_mbi_blob(p, direct, sizeof(direct), nonce, NULL, 1), &v)
       == PP_TICKET_OK, "aMSN padding too");
    ok(pp_verify(p, old, "Passport.Net", sealed, NULL, 2000,
                 "X123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                 blob, &v) == PP_TICKET_BAD_MBI, "wrong nonce: bad-mbi");
    ok(pp_verify(p, old, "Passport.Net", sealed, NULL, 2000, nonce, NULL, &v)
       == PP_TICKET_BAD_MBI, "a nonce without a blob: bad-mbi");
    ok(pp_verify(p, old, "Passport.Net", sealed, NULL, 6000, nonce, blob, &v)
       == PP_TICKET_EXPIRED, "expired wins over the MBI check");
    ok(pp_verify(p, old, "Passport.Net", sealed, "contacts.msn.com", 2000,
                 NULL, NULL, &v) == PP_TICKET_BAD_AUDIENCE && v.sealed,
       "bad-audience, fields still read");
    ok(pp_verify(p, old, "Realm.B", sealed, NULL, 2000, NULL, NULL, &v)
       == PP_TICKET_BAD_SIGNATURE && !v.sealed, "another realm");
    is_str(pp_ticket_status_word(PP_TICKET_BAD_MBI), "bad-mbi", "reason word");

    {
        const char *doc = "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\">"
            "<s:Header><ABAuthHeader xmlns=\"http://www.msn.com/webservices/AddressBook\">"
            "<TicketToken> t=abc&amp;p=def </TicketToken></ABAuthHeader></s:Header>"
            "<s:Body/></s:Envelope>";
        ok(pp_soap_find_ticket(p, doc, strlen(doc), &ticket, &err) == PP_SOAP_OK,
           "address book TicketToken found");
    }
    is_str(ticket, "t=abc&p=def", "and decoded, trimmed");
    {
        const char *doc = "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\">"
            "<s:Header><StorageUserHeader xmlns=\"http://www.msn.com/webservices/storage/2008\">"
            "<Puid>0</Puid><ticket>T2</ticket></StorageUserHeader></s:Header>"
            "<s:Body/></s:Envelope>";
        ok(pp_soap_find_ticket(p, doc, strlen(doc), &ticket, &err) == PP_SOAP_OK
           && strcmp(ticket, "T2") == 0, "storage ticket in SOAP 1.2");
    }
    {
        const char *doc = "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\">"
            "<s:Body><TicketToken>in the body</TicketToken></s:Body></s:Envelope>";
        ok(pp_soap_find_ticket(p, doc, strlen(doc), &ticket, &err)
           == PP_SOAP_NO_TOKENS && ticket == NULL,
           "a ticket in the Body does not count");
    }
    {
        const char *doc = "<!DOCTYPE x [<!ENTITY e \"t\">]><x>&e;</x>";
        ok(pp_soap_find_ticket(p, doc, strlen(doc), &ticket, &err)
           == PP_SOAP_DOCTYPE, "same safety: DOCTYPE refused");
    }
    return tap_done();
}
