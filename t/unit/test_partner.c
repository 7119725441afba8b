/* Unit tests for pp_partner.c: the Partner Server Challenge (with and
 * without a site id, each default and each setting), the audience a
 * location wants, and the Set Token message. */
#include "tap.h"
#include "realm.h"
#include "pp_partner.h"

int main(void)
{
    apr_pool_t *p = tap_start();
    const pp_realm_t *realm = test_realm(p);
    pp_partner_conf_t conf;
    pp_partner_token_t tok;
    pp_verify_result_t v;
    const char *www = NULL, *loc = NULL, *ticket;

    /* ---- the challenge with every default ------------------------------ */
    memset(&conf, 0, sizeof(conf));
    pp_partner_challenge(p, realm, &conf, "http://www.example.com/a b?x=1",
                         TEST_NOW, &www, &loc);
    is_str(www, "Passport1.4 ru=http%3A%2F%2Fwww.example.com%2Fa%20b%3Fx%3D1,"
           "ct=1700000000,lc=1033", "defaults: no id=, ru= the requested URL "
           "(escaped), ct= now, lc=1033");
    is_str(loc, "https://login.example.net/login2.srf?ru=http%3A%2F%2Fwww."
           "example.com%2Fa%20b%3Fx%3D1&ct=1700000000&lc=1033",
           "defaults: Location is https:// + DALogin, the same parameters as "
           "a query");

    /* ---- every setting ------------------------------------------------- */
    conf.site_id = "42";
    conf.return_url = "https://partner.example.com/";
    conf.params = "lc=1033,tw=40,fs=1,kpp=1,kv=5";
    conf.login_url = "https://login.partner.example/login2.srf";
    pp_partner_challenge(p, realm, &conf, "http://ignored.example/",
                         TEST_NOW + 1, &www, &loc);
    is_str(www, "Passport1.4 id=42,ru=https%3A%2F%2Fpartner.example.com%2F,"
           "ct=1700000001,lc=1033,tw=40,fs=1,kpp=1,kv=5",
           "site id first, the configured return URL, the configured "
           "parameters");
    is_str(loc, "https://login.partner.example/login2.srf?id=42&ru=https%3A%2F"
           "%2Fpartner.example.com%2F&ct=1700000001&lc=1033&tw=40&fs=1&kpp=1&"
           "kv=5", "the configured login URL, '?' then the parameters");

    conf.login_url = "https://login.partner.example/login2.srf?lc=1036";
    pp_partner_challenge(p, realm, &conf, "http://ignored.example/",
                         TEST_NOW, &www, &loc);
    is_str(loc, "https://login.partner.example/login2.srf?lc=1036&id=42&ru="
           "https%3A%2F%2Fpartner.example.com%2F&ct=1700000000&lc=1033&tw=40&"
           "fs=1&kpp=1&kv=5", "a login URL with a query: joined with '&'");

    conf.login_url = NULL;
    conf.return_url = NULL;
    conf.params = NULL;
    pp_partner_challenge(p, realm, &conf, "https://partner.example.com/p",
                         TEST_NOW, &www, &loc);
    is_str(www, "Passport1.4 id=42,ru=https%3A%2F%2Fpartner.example.com%2Fp,"
           "ct=1700000000,lc=1033", "a site id alone: the other defaults");
    is_str(loc, "https://login.example.net/login2.srf?id=42&ru=https%3A%2F%2F"
           "partner.example.com%2Fp&ct=1700000000&lc=1033",
           "and their Location");

    /* ---- the audience -------------------------------------------------- */
    memset(&conf, 0, sizeof(conf));
    is_str(pp_partner_audience(realm, &conf), "login.example.net",
           "audience default: the realm's partner audience (ServerName)");
    conf.audience = "partner.example.com";
    is_str(pp_partner_audience(realm, &conf), "partner.example.com",
           "audience configured: PassportPartnerAudience");

    /* ---- the Set Token message ----------------------------------------- */
    ticket = test_seal(p, realm->keyring, realm->name, "partner.example.com",
                       TEST_NOW - 60, TEST_NOW + 600);
    ok(pp_verify(p, realm->keyring, realm->name, ticket, "partner.example.com",
                 TEST_NOW, NULL, NULL, &v) == PP_TICKET_OK, "a partner ticket");
    pp_partner_set_token(p, apr_pstrcat(p, "t=", ticket, "&p=0123456789ABCDEF",
                                        NULL), &v, TEST_NOW, &tok);
    is_str(tok.authentication_info, "Passport1.4 tname=MSPAuth,tname=MSPProf",
           "Set Token: Authentication-Info");
    is_str(tok.auth, ticket, "MSPAuth: the bare ticket out of t=...&p=...");
    is_str(tok.prof, "0123456789ABCDEF", "MSPProf: the PUID the ticket holds");
    is_int(tok.max_age, 600, "Max-Age: the ticket's remaining life");
    pp_partner_set_token(p, ticket, &v, TEST_NOW + 100, &tok);
    is_str(tok.auth, ticket, "a bare ticket is kept as it is");
    is_int(tok.max_age, 500, "and the remaining life follows now");
    return tap_done();
}
