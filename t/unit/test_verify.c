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

    /* ---- pp_verify_answer: the endpoint's status and JSON -------------- */
    {
        pp_realm_t realm;
        pp_verify_answer_t a;
        const char *exp_tk = pp_ticket_seal(p, old, "Passport.Net", &t, &err);
        const char *all[32];
        int n = 0, i, echoed = 0;

        memset(&realm, 0, sizeof(realm));
        realm.name = "Passport.Net";
        realm.keyring = old;

        pp_verify_answer(p, &realm, compact, "messengerclear.live.com", NULL,
                         NULL, 2000, &a);
        is_int(a.status, 200, "valid: 200");
        is_str(a.json, "{\"valid\":true,\"puid\":\"000000000000002A\","
               "\"signin\":\"alice@example.com\",\"audience\":"
               "\"messengerclear.live.com\",\"realm\":\"Passport.Net\","
               "\"issued\":1000,\"expires\":5000}", "valid: every field");
        ok(a.note.level == PP_NOTE_NONE && a.note.text == NULL,
           "valid: nothing logged");
        all[n++] = a.json;

        pp_verify_answer(p, &realm, sealed, "messengerclear.live.com", nonce,
                         blob, 2000, &a);
        is_int(a.status, 200, "valid with a good MBI answer: 200");
        ok(strstr(a.json, ",\"expires\":5000,\"mbi\":\"ok\"}") != NULL,
           "and \"mbi\":\"ok\" last (%s)", a.json);
        all[n++] = a.json;

        /* a shared (version 2) ticket: valid for each of its audiences,
         * the answer naming the one asked for and listing them all; its
         * MBI secret is the shared ticket's */
        {
            static const char *const auds[] = {
                "messengerclear.live.com", "contacts.msn.com" };
            pp_ticket_t st = t;
            const char *shared, *sblob;
            unsigned char ss[PP_MBI_SECRET_LEN];

            st.version = PP_TICKET_VERSION_SHARED;
            st.audiences = auds;
            st.naudiences = 2;
            shared = pp_ticket_seal(p, old, "Passport.Net", &st, &err);
            pp_verify_answer(p, &realm, shared, "contacts.msn.com", NULL,
                             NULL, 2000, &a);
            is_int(a.status, 200, "shared ticket, a listed audience: 200");
            is_str(a.json, "{\"valid\":true,\"puid\":\"000000000000002A\","
                   "\"signin\":\"alice@example.com\",\"audience\":"
                   "\"contacts.msn.com\",\"audiences\":["
                   "\"messengerclear.live.com\",\"contacts.msn.com\"],"
                   "\"realm\":\"Passport.Net\",\"issued\":1000,"
                   "\"expires\":5000}", "the audience asked, then all of them");
            all[n++] = a.json;
            pp_verify_answer(p, &realm, shared, "messenger.msn.com", NULL,
                             NULL, 2000, &a);
            is_str(a.json, "{\"valid\":false,\"reason\":\"bad-audience\"}",
                   "an audience it does not list: bad-audience");
            pp_mbi_secret(&APR_ARRAY_IDX(old->keys, 0, pp_key_t), shared, ss);
            sblob = pp_mbi_blob(p, ss, sizeof(ss), nonce, NULL, 0);
            pp_verify_answer(p, &realm, apr_pstrcat(p, "t=", shared, "&p=2A",
                             NULL), "messengerclear.live.com", nonce, sblob,
                             2000, &a);
            ok(a.status == 200 && strstr(a.json, "\"mbi\":\"ok\"") != NULL,
               "the MBI answer checks against the shared ticket's secret");
            pp_verify_answer(p, &realm, shared, "messengerclear.live.com",
                             nonce, blob, 2000, &a);
            is_str(a.json, "{\"valid\":false,\"reason\":\"bad-mbi\"}",
                   "and not against another ticket's");
        }

#define REFUSED(tk, aud, nc, mb, now, reason, name) do { \
            pp_verify_answer(p, &realm, tk, aud, nc, mb, now, &a); \
            is_int(a.status, 403, name ": 403"); \
            is_str(a.json, "{\"valid\":false,\"reason\":\"" reason "\"}", \
                   name ": the reason"); \
            is_str(a.note.text, apr_pstrcat(p, "PP0603: verify: ticket " \
                   "refused for audience '", aud, "': " reason, NULL), \
                   name ": the note"); \
            ok(a.note.level == PP_NOTE_INFO, name ": at info"); \
            all[n++] = a.json; \
        } while (0)

        REFUSED(sealed, "contacts.msn.com", NULL, NULL, 2000, "bad-audience",
                "another audience");
        REFUSED(sealed, "messengerclear.live.com", NULL, NULL, 5000,
                "expired", "at its expiry");
        REFUSED(apr_pstrcat(p, "t=", exp_tk, NULL), "messengerclear.live.com",
                NULL, NULL, 6000, "expired", "compact, expired");
        REFUSED(sealed, "messengerclear.live.com", "X123", blob, 2000,
                "bad-mbi", "a wrong nonce");
        REFUSED("t=bm90LWEtdGlja2V0&p=X", "messengerclear.live.com", NULL,
                NULL, 2000, "malformed", "junk");
        realm.name = "Realm.B";
        REFUSED(sealed, "messengerclear.live.com", NULL, NULL, 2000,
                "bad-signature", "another realm");
        realm.name = "Passport.Net";
        pp_verify_answer(p, &realm, sealed, "a\"b\n", NULL, NULL, 2000, &a);
        is_str(a.note.text, "PP0603: verify: ticket refused for audience "
               "'a\\x22b\\x0a': bad-audience", "the audience is escaped in "
               "the note");

#define BAD(tk, aud, nc, mb, detail, name) do { \
            pp_verify_answer(p, &realm, tk, aud, nc, mb, 2000, &a); \
            is_int(a.status, 400, name ": 400"); \
            is_str(a.json, "{\"valid\":false,\"reason\":\"bad-request\"," \
                   "\"detail\":\"" detail "\"}", name ": detail"); \
            is_str(a.note.text, "PP0601: verify: " detail, name ": note"); \
            all[n++] = a.json; \
        } while (0)

        BAD(NULL, "messengerclear.live.com", NULL, NULL, "no ticket field",
            "no ticket");
        BAD("", "messengerclear.live.com", NULL, NULL, "no ticket field",
            "an empty ticket");
        BAD(sealed, NULL, NULL, NULL, "no audience field (the address the "
            "ticket must be for, e.g. messengerclear.live.com)",
            "no audience");
        BAD(sealed, "", NULL, NULL, "no audience field (the address the "
            "ticket must be for, e.g. messengerclear.live.com)",
            "an empty audience");
        BAD(sealed, "messengerclear.live.com", nonce, NULL, "nonce and mbi go "
            "together", "a nonce without mbi");
        BAD(sealed, "messengerclear.live.com", NULL, blob, "nonce and mbi go "
            "together", "mbi without a nonce");
        pp_verify_bad_request(p, "field \"x\" given twice", &a);
        is_str(a.json, "{\"valid\":false,\"reason\":\"bad-request\","
               "\"detail\":\"field \\\"x\\\" given twice\"}",
               "pp_verify_bad_request: the detail is JSON-escaped");

        realm.keyring = NULL;
        pp_verify_answer(p, &realm, sealed, "messengerclear.live.com", NULL,
                         NULL, 2000, &a);
        is_int(a.status, 500, "no keys: 500");
        is_str(a.json, "{\"valid\":false,\"reason\":\"server-error\"}",
               "no keys: server-error");
        is_str(a.note.text, "PP0602: verify: PassportKeyFile is not set for "
               "this server", "no keys: the note");
        ok(a.note.level == PP_NOTE_ERROR, "no keys: at error");
        all[n++] = a.json;

        /* JSON strings escaped: a sign-in name and a realm that need it */
        realm.keyring = old;
        realm.name = "Pass\\port";
        t.signin = "al\"ice@example.com";
        pp_verify_answer(p, &realm, pp_ticket_seal(p, old, "Pass\\port", &t,
                                                   &err),
                         "messengerclear.live.com", NULL, NULL, 2000, &a);
        ok(a.status == 200 && strstr(a.json, "\"signin\":\"al\\\"ice@"
                                     "example.com\",") != NULL
           && strstr(a.json, "\"realm\":\"Pass\\\\port\",") != NULL,
           "sign-in name and realm JSON-escaped (%s)", a.json);

        for (i = 0; i < n; i++)
            if (strstr(all[i], sealed) || strstr(all[i], exp_tk))
                echoed = 1;
        ok(!echoed && n == 16, "no answer echoes the ticket (%d answers)", n);
    }
    return tap_done();
}
