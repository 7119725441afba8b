/* Unit tests for pp_login.c: every decision of login2.srf (each action
 * and each PP02xx note), the Token Response with its cookies, and the
 * Authentication Server Challenge. No server: a plain realm. */
#include "tap.h"
#include "realm.h"
#include "pp_login.h"
#include "pp_ticket.h"
#include "pp_mbi.h"
#include "pp_b64.h"
#include "pp_str.h"

/* libpurple's sign-in request (CLIENTS.md) around the given parameters */
#define MSGR "OrgVerb=GET,OrgURL=http%3A%2F%2Fmessenger%2Emsn%2Ecom,"
#define TAIL ",lc=1033,tw=40,fs=1,ct=1062764229,kpp=1,kv=5"

static pp_login_decision_t d;

/* The decision's last note (the one that says why), or none. */
static pp_note_t last_note(void)
{
    static const pp_note_t none = { PP_NOTE_NONE, NULL };

    return d.nnotes > 0 ? d.notes[d.nnotes - 1] : none;
}

static void decide(apr_pool_t *p, const pp_realm_t *realm,
                   const char *authorization, const char *auth_cookie,
                   const char *sec_cookie)
{
    pp_login_request_t in;

    in.authorization = authorization;
    in.auth_cookie = auth_cookie;
    in.sec_cookie = sec_cookie;
    in.now = TEST_NOW;
    /* dirty the answer: pp_login_decide must set every field itself */
    memset(&d, 0x5a, sizeof(d));
    pp_login_decide(p, realm, &in, &d);
}

/* A challenge with this noretry, prompt, level and note text. */
static void is_challenge_p(int noretry, int prompt, pp_note_level_t level,
                           const char *note, const char *name)
{
    ok(d.action == PP_LOGIN_CHALLENGE && d.noretry == noretry
       && d.prompt == prompt && last_note().level == level,
       "%s: CHALLENGE, noretry=%d, prompt=%d, level %d (got action %d, "
       "noretry %d, prompt %d, level %d)", name, noretry, prompt, (int)level,
       (int)d.action, d.noretry, d.prompt, (int)last_note().level);
    is_str(last_note().text, note, name);
}

/* failed-noretry never prompts */
#define is_challenge(noretry, level, note, name) \
    is_challenge_p(noretry, 0, level, note, name)

static int cookie_opens(apr_pool_t *p, const pp_realm_t *realm,
                        const char *ticket, const char *audience,
                        pp_ticket_t *t)
{
    return pp_ticket_open(p, realm->keyring, realm->name, ticket, TEST_NOW,
                          audience, t) == PP_TICKET_OK;
}

int main(void)
{
    apr_pool_t *p = tap_start();
    pp_realm_t *realm = test_realm(p), *bare = test_realm(p);
    pp_login_grant_t g;
    pp_account_t acct;
    pp_ticket_t t1, t2;
    const char *err = NULL, *cookie, *tr, *want;
    unsigned char secret[PP_MBI_SECRET_LEN];

    /* ---- PP0201: the header does not parse ---------------------------- */
    decide(p, realm, NULL, NULL, NULL);
    is_challenge(0, PP_NOTE_INFO, "PP0201: login2: no Authorization header; "
                 "answering the challenge", "no header");
    decide(p, realm, "Basic YWxpY2U6cHc=", NULL, NULL);
    is_challenge(0, PP_NOTE_INFO, "PP0201: login2: not a Passport1.4 "
                 "Authorization header; answering the challenge",
                 "another scheme");
    decide(p, realm, "Passport1.4 sign-in=alice%40example.com,pwd=secret%zz",
           NULL, NULL);
    is_challenge_p(0, 1, PP_NOTE_INFO, "PP0201: login2: parameter pwd has a bad "
                 "%-escape; answering the challenge",
                 "bad escape (the password is not quoted)");

    /* ---- PP0205: neither credentials nor tname= ----------------------- */
    decide(p, realm, "Passport1.4 " MSGR "id=507" TAIL, NULL, NULL);
    is_challenge(0, PP_NOTE_INFO, "PP0205: login2: neither credentials nor "
                 "tname=; answering the challenge", "no credentials");

    /* ---- PP0206: bad sign-in name, missing or empty pwd --------------- */
    decide(p, realm, "Passport1.4 " MSGR "sign-in=alice,pwd=x,id=507" TAIL,
           NULL, NULL);
    is_challenge_p(0, 1, PP_NOTE_NOTICE, "PP0206: login2: missing or malformed "
                 "sign-in name", "sign-in without @");
    decide(p, realm, "Passport1.4 " MSGR "pwd=x,id=507" TAIL, NULL, NULL);
    is_challenge_p(0, 1, PP_NOTE_NOTICE, "PP0206: login2: missing or malformed "
                 "sign-in name", "pwd without sign-in");
    decide(p, realm, "Passport1.4 sign-in=a%20b%40example.com,pwd=x", NULL,
           NULL);
    is_challenge_p(0, 1, PP_NOTE_NOTICE, "PP0206: login2: missing or malformed "
                 "sign-in name", "a space in the sign-in name");
    decide(p, realm, "Passport1.4 " MSGR "sign-in=alice%40example.com,pwd=,"
           "id=507" TAIL, NULL, NULL);
    is_challenge_p(0, 1, PP_NOTE_NOTICE, "PP0206: login2: missing or empty pwd",
                 "empty pwd");
    decide(p, realm, "Passport1.4 " MSGR "sign-in=alice%40example.com,id=507"
           TAIL, NULL, NULL);
    is_challenge_p(0, 1, PP_NOTE_NOTICE, "PP0206: login2: missing or empty pwd",
                 "no pwd");

    /* ---- PP0207: a redirected domain, before any site check ----------- */
    decide(p, realm, "Passport1.4 " MSGR "sign-in=Bob%40Other-Realm.example,"
           "pwd=x,id=507" TAIL, NULL, NULL);
    ok(d.action == PP_LOGIN_REDIRECT, "redirected domain: REDIRECT");
    is_str(d.location, "https://login.other-realm.example/login2.srf",
           "redirect: Location is the domain's URL");
    ok(last_note().level == PP_NOTE_INFO, "redirect: noted at info");
    is_str(last_note().text, "PP0207: login2: 'bob@other-realm.example' "
           "redirected to https://login.other-realm.example/login2.srf",
           "redirect: the note names the lower-cased sign-in name");
    decide(p, realm, "Passport1.4 OrgURL=http%3A%2F%2Fevil.example%2F,"
           "sign-in=bob%40other-realm.example,pwd=x,id=999", NULL, NULL);
    ok(d.action == PP_LOGIN_REDIRECT, "redirect comes before the site check "
       "(unknown id and OrgURL)");
    decide(p, realm, "Passport1.4 " MSGR "sign-in=bob%40sub.other-realm."
           "example,pwd=x,id=507" TAIL, NULL, NULL);
    ok(d.action == PP_LOGIN_CHECK_PASSWORD, "a sub-domain is not the "
       "redirected domain (exact match)");
    bare->domain_redirects = NULL;
    decide(p, bare, "Passport1.4 " MSGR "sign-in=bob%40other-realm.example,"
           "pwd=x,id=507" TAIL, NULL, NULL);
    ok(d.action == PP_LOGIN_CHECK_PASSWORD,
       "no PassportDomainRedirect (NULL list): nothing redirected");

    /* ---- CHECK_PASSWORD: which site ------------------------------------ */
    decide(p, realm, "Passport1.4 " MSGR "sign-in=Alice%40Example.COM,"
           "pwd=p%2Cw%25d,id=507" TAIL, NULL, NULL);
    ok(d.action == PP_LOGIN_CHECK_PASSWORD, "good request: CHECK_PASSWORD");
    is_str(d.signin, "alice@example.com", "the sign-in name, lower-cased");
    is_str(d.password, "p,w%d", "the password, URL-decoded");
    ok(d.site != NULL && strcmp(d.site->id, "507") == 0, "site by id=507");
    ok(last_note().level == PP_NOTE_NONE && last_note().text == NULL,
       "nothing to log on the way to a password check");

    decide(p, realm, "Passport1.4 OrgVerb=GET,OrgURL=https%3A%2F%2Fpartner."
           "example.com%2Fauth.asp,sign-in=a%40b.c,pwd=x,id=42,"
           "ru=https%3A%2F%2Fpartner.example.com%2F", NULL, NULL);
    ok(d.action == PP_LOGIN_CHECK_PASSWORD && d.site
       && strcmp(d.site->id, "42") == 0, "site by id=42, OrgURL and ru on "
       "its host");
    decide(p, realm, "Passport1.4 OrgURL=https%3A%2F%2FPARTNER.Example.com"
           "%2Fx,sign-in=a%40b.c,pwd=x", NULL, NULL);
    ok(d.action == PP_LOGIN_CHECK_PASSWORD && d.site
       && strcmp(d.site->id, "42") == 0,
       "site by the host of OrgURL (no id), case-insensitively");
    decide(p, realm, "Passport1.4 sign-in=a%40b.c,pwd=x,"
           "ru=https%3A%2F%2Fpartner.example.com%2Fback", NULL, NULL);
    ok(d.action == PP_LOGIN_CHECK_PASSWORD && d.site
       && strcmp(d.site->id, "42") == 0, "site by the host of ru (no id, no "
       "OrgURL)");
    decide(p, realm, "Passport1.4 sign-in=a%40b.c,pwd=x", NULL, NULL);
    ok(d.action == PP_LOGIN_CHECK_PASSWORD && d.site
       && strcmp(d.site->id, "507") == 0,
       "neither id, OrgURL nor ru: the first site");

    /* ---- PP0202 / PP0203: no site fits: failed-noretry ---------------- */
    decide(p, realm, "Passport1.4 " MSGR "sign-in=a%40b.c,pwd=x,id=999" TAIL,
           NULL, NULL);
    is_challenge(1, PP_NOTE_NOTICE, "PP0202: login2: no PassportSite for "
                 "site id 999 (OrgURL http://messenger.msn.com); to serve "
                 "it, add \"PassportSite 999 RETURN-URL\"", "unknown id: the "
                 "note names the line to add");
    decide(p, realm, "Passport1.4 OrgURL=http%3A%2F%2Fevil.example%2F,"
           "sign-in=a%40b.c,pwd=x", NULL, NULL);
    is_challenge(1, PP_NOTE_NOTICE, "PP0202: login2: no PassportSite on "
                 "the host of OrgURL http://evil.example/ or ru -",
                 "OrgURL of no site's host, no id");
    decide(p, realm, "Passport1.4 OrgURL=http%3A%2F%2Fe%22vil%0A.example%2F,"
           "sign-in=a%40b.c,pwd=x,id=9\"9", NULL, NULL);
    is_challenge(1, PP_NOTE_NOTICE, "PP0202: login2: no PassportSite for "
                 "site id 9\\x229 (OrgURL http://e\\x22vil\\x0a.example/); "
                 "to serve it, add \"PassportSite 9\\x229 RETURN-URL\"",
                 "client input in the note is escaped");
    decide(p, realm, "Passport1.4 OrgURL=http%3A%2F%2Fevil.example%2F,"
           "sign-in=a%40b.c,pwd=x,id=507", NULL, NULL);
    is_challenge(1, PP_NOTE_NOTICE, "PP0203: login2: OrgURL or ru is not "
                 "allowed for site 507 (want host messenger.msn.com)",
                 "id=507 with an OrgURL of another host");
    decide(p, realm, "Passport1.4 " MSGR "sign-in=a%40b.c,pwd=x,id=507,"
           "ru=http%3A%2F%2Fevil.example%2F", NULL, NULL);
    is_challenge(1, PP_NOTE_NOTICE, "PP0203: login2: OrgURL or ru is not "
                 "allowed for site 507 (want host messenger.msn.com)",
                 "id=507 with an ru of another host");
    /* Pidgin 2.0-2.2 relay a missing ru (and OrgURL) as "(null)" */
    decide(p, realm, "Passport1.4 OrgURL=not-a-url,sign-in=a%40b.c,pwd=x,"
           "id=42", NULL, NULL);
    ok(d.action == PP_LOGIN_CHECK_PASSWORD && d.site
       && strcmp(d.site->id, "42") == 0, "an OrgURL without a host counts "
       "as not sent");
    ok(d.nnotes == 1 && d.notes[0].level == PP_NOTE_INFO, "noted at info");
    is_str(d.notes[0].text, "PP0209: login2: OrgURL 'not-a-url' is not a URL "
           "with a host; taken as not sent", "the note");
    is_str(d.return_url, "https://partner.example.com/", "ru: the site's");
    decide(p, realm, "Passport1.4 OrgVerb=GET,OrgURL=(null),sign-in=a%40b.c,"
           "pwd=x,lc=1033,id=507,ru=(null),ct=1", NULL, NULL);
    ok(d.action == PP_LOGIN_CHECK_PASSWORD && d.nnotes == 2,
       "OrgURL=(null),ru=(null): signs in, both noted");
    is_str(d.return_url, "http://messenger.msn.com", "and the answer's ru "
           "is the site's return URL");

    /* the Token Response sends the user back where the partner asked */
    decide(p, realm, "Passport1.4 OrgVerb=GET,OrgURL=https%3A%2F%2Fpartner."
           "example.com%2Fdeep%2Fpage%3Fa%3D1,sign-in=a%40b.c,pwd=x,id=42,"
           "ru=https%3A%2F%2Fpartner.example.com%2Fdeep%2Flink%3Fx%3D2", NULL,
           NULL);
    is_str(d.return_url, "https://partner.example.com/deep/link?x=2",
           "return URL: the request's ru (a deep link)");
    decide(p, realm, "Passport1.4 OrgVerb=GET,OrgURL=https%3A%2F%2Fpartner."
           "example.com%2Fdeep%2Fpage,sign-in=a%40b.c,pwd=x,id=42", NULL,
           NULL);
    is_str(d.return_url, "https://partner.example.com/deep/page",
           "return URL: OrgURL when there is no ru");
    decide(p, realm, "Passport1.4 OrgVerb=GET,sign-in=a%40b.c,pwd=x,id=42,"
           "ru=https%3A%2F%2Fpartner.example.com%2Fa%2Cb", NULL, NULL);
    is_str(d.return_url, "https://partner.example.com/",
           "a deep link a header cannot carry: the site's return URL");

    /* no PassportSite at all: any site id, to Messenger */
    bare = test_realm(p);
    bare->sites = NULL;
    decide(p, bare, "Passport1.4 OrgVerb=GET,OrgURL=http%3A%2F%2Fmessenger%2E"
           "msn%2Ecom,sign-in=a%40b.c,pwd=x,ct=1,rver=1,"
           "wp=FS_40SEC_0_COMPACT,lc=1,id=1", NULL, NULL);
    ok(d.action == PP_LOGIN_CHECK_PASSWORD && d.site
       && strcmp(d.site->host, "messenger.msn.com") == 0,
       "no PassportSite: Escargot's id=1 signs in, as Messenger");
    decide(p, bare, "Passport1.4 OrgVerb=GET,OrgURL=http%3A%2F%2Fevil."
           "example,sign-in=a%40b.c,pwd=x,id=1", NULL, NULL);
    is_challenge(1, PP_NOTE_NOTICE, "PP0203: login2: OrgURL or ru is not "
                 "allowed for site 507 (want host messenger.msn.com)",
                 "no PassportSite: OrgURL must still be Messenger's");

    /* ---- Token Requests (tname=): the login cookie --------------------- */
    tr = "Passport1.4 tname=,OrgVerb=GET,OrgUrl=http%3A%2F%2Fmessenger%2Emsn"
         "%2Ecom,lc=1033,id=507,tw=40";
    cookie = test_seal(p, realm->keyring, realm->name, PP_AUDIENCE_AUTH,
                       TEST_NOW - 10, TEST_NOW + 100);
    decide(p, realm, tr, cookie, NULL);
    ok(d.action == PP_LOGIN_GRANT, "token request, good PPAuth: GRANT");
    ok(d.account.puid == TEST_PUID, "GRANT: the cookie's PUID");
    is_str(d.account.signin, "alice@example.com", "GRANT: the cookie's "
           "sign-in name");
    ok(d.site && strcmp(d.site->id, "507") == 0, "GRANT: for site 507");
    ok(last_note().level == PP_NOTE_NONE, "GRANT: nothing to log");
    decide(p, realm, tr, NULL, cookie);
    ok(d.action == PP_LOGIN_GRANT && d.account.puid == TEST_PUID,
       "token request with only PPSec: GRANT");

    decide(p, realm, tr, test_flip(p, cookie, 20), NULL);
    is_challenge(0, PP_NOTE_NOTICE, "PP0204: login2: token request without "
                 "a valid PPAuth or PPSec cookie (bad-signature, none)",
                 "tampered cookie");
    decide(p, realm, tr, test_seal(p, realm->keyring, realm->name,
                                   PP_AUDIENCE_AUTH, TEST_NOW - 100,
                                   TEST_NOW), NULL);
    is_challenge(0, PP_NOTE_NOTICE, "PP0204: login2: token request without "
                 "a valid PPAuth or PPSec cookie (expired, none)",
                 "a cookie that expires now");
    decide(p, realm, tr, test_seal(p, realm->keyring, realm->name,
                                   "messenger.msn.com", TEST_NOW,
                                   TEST_NOW + 100), NULL);
    is_challenge(0, PP_NOTE_NOTICE, "PP0204: login2: token request without "
                 "a valid PPAuth or PPSec cookie (bad-audience, none)",
                 "a partner ticket is not a login cookie");
    decide(p, realm, tr, test_seal(p, realm->keyring, "Realm.B",
                                   PP_AUDIENCE_AUTH, TEST_NOW,
                                   TEST_NOW + 100), NULL);
    is_challenge(0, PP_NOTE_NOTICE, "PP0204: login2: token request without "
                 "a valid PPAuth or PPSec cookie (bad-signature, none)",
                 "a cookie of another realm, same key");
    decide(p, realm, tr, "junk", NULL);
    is_challenge(0, PP_NOTE_NOTICE, "PP0204: login2: token request without "
                 "a valid PPAuth or PPSec cookie (malformed, none)",
                 "a junk cookie");
    decide(p, realm, tr, NULL, NULL);
    is_challenge(0, PP_NOTE_NOTICE, "PP0204: login2: token request without "
                 "a valid PPAuth or PPSec cookie (none, none)", "no cookie: "
                 "failed without prompt (MS-PASS 3.1.5.2, note <8>)");
    bare->keyring = NULL;
    decide(p, bare, tr, cookie, NULL);
    is_challenge(0, PP_NOTE_NOTICE, "PP0204: login2: token request without "
                 "a valid PPAuth or PPSec cookie (bad-signature, none)",
                 "a realm without keys takes no cookie");
    decide(p, realm, "Passport1.4 tname=,OrgVerb=GET,OrgUrl=http%3A%2F%2F"
           "evil.example,id=999", cookie, NULL);
    is_challenge(1, PP_NOTE_NOTICE, "PP0202: login2: no PassportSite for "
                 "site id 999 (OrgURL http://evil.example); to serve it, add "
                 "\"PassportSite 999 RETURN-URL\"",
                 "a good cookie for no configured site: failed-noretry");
    decide(p, realm, tr, test_flip(p, cookie, 20), cookie);
    ok(d.action == PP_LOGIN_GRANT && d.account.puid == TEST_PUID,
       "an invalid PPAuth falls back to a valid PPSec");

    /* ---- after the password check -------------------------------------- */
    pp_login_password_refused(&d, 0);
    ok(d.action == PP_LOGIN_CHALLENGE && !d.noretry && d.prompt,
       "a refused password: failed, with prompt");
    pp_login_password_refused(&d, 1);
    ok(d.action == PP_LOGIN_CHALLENGE && d.noretry && !d.prompt,
       "an outage: failed-noretry, no prompt");

    /* ---- pp_login_grant: the Token Response ---------------------------- */
    memset(&acct, 0, sizeof(acct));
    acct.puid = TEST_PUID;
    acct.signin = "alice@example.com";
    memset(&d, 0, sizeof(d));
    d.site = &APR_ARRAY_IDX(realm->sites, 1, pp_site_t);
    d.return_url = "https://partner.example.com/";
    ok(pp_login_grant(p, realm, &d, &acct, TEST_NOW, 0, &g, &err),
       "grant for site 42");
    is_int(g.expires, TEST_NOW + TEST_LIFETIME, "expires: now + lifetime");
    is_int(g.cookie_max_age, TEST_LIFETIME, "cookies' Max-Age: the lifetime");
    is_str(g.partner.audience, "partner.example.com",
           "the site's ticket: audience is the site's host");
    ok(cookie_opens(p, realm, g.partner.ticket, "partner.example.com", &t1),
       "the site's ticket opens for partner.example.com");
    is_str(g.partner.compact, apr_pstrcat(p, "t=", g.partner.ticket,
                                          "&p=0123456789ABCDEF", NULL),
           "its compact form");
    pp_mbi_secret(&APR_ARRAY_IDX(realm->keyring->keys, 0, pp_key_t),
                  g.partner.ticket, secret);
    is_str(g.partner.secret, pp_b64_encode(p, secret, sizeof(secret)),
           "its MBI secret (for the record query)");
    is_int(g.ncookies, 2, "plain HTTP: two cookies");
    is_str(g.cookies[0].name, "PPAuth", "cookie 1: PPAuth (MS-PASS 4)");
    ok(cookie_opens(p, realm, g.cookies[0].value, PP_AUDIENCE_AUTH, &t2),
       "PPAuth opens for the login cookie's audience");
    ok(strcmp(g.cookies[0].value, g.partner.ticket) != 0
       && !cookie_opens(p, realm, g.cookies[0].value, "partner.example.com",
                        &t2), "and is not the site's ticket");
    cookie_opens(p, realm, g.cookies[0].value, PP_AUDIENCE_AUTH, &t2);
    ok(t1.issued == TEST_NOW && t2.issued == TEST_NOW
       && t1.expires == g.expires && t2.expires == g.expires
       && t1.puid == TEST_PUID && t2.puid == TEST_PUID
       && strcmp(t2.signin, "alice@example.com") == 0,
       "both tickets: one issue time, one expiry, the account");
    is_str(g.cookies[1].name, "PPProf", "cookie 2: PPProf");
    is_str(g.cookies[1].value, "0123456789ABCDEF", "PPProf: the PUID");
    is_str(g.authentication_info, apr_pstrcat(p, "Passport1.4 da-status="
           "success,tname=PPAuth,tname=PPProf,from-PP='t=",
           g.partner.ticket, "&p=0123456789ABCDEF',ru=https://partner."
           "example.com/", NULL), "Authentication-Info: the Token Response, "
           "tname naming only the cookies set");
    is_str(g.passport_config, "ConfigVersion=15", "PassportConfig");

    realm->config_version = 0;
    d.site = &APR_ARRAY_IDX(realm->sites, 0, pp_site_t);
    d.return_url = NULL;
    ok(pp_login_grant(p, realm, &d, &acct, TEST_NOW, 1, &g, &err),
       "grant over HTTPS");
    is_int(g.ncookies, 3, "HTTPS: three cookies");
    is_str(g.cookies[2].name, "PPSec", "cookie 3: PPSec");
    is_str(g.cookies[2].value, g.cookies[0].value, "PPSec holds PPAuth's "
           "ticket");
    ok(cookie_opens(p, realm, g.partner.ticket, "messenger.msn.com", &t1),
       "site 507's ticket is for messenger.msn.com");
    is_str(g.authentication_info, apr_pstrcat(p, "Passport1.4 da-status="
           "success,tname=PPAuth,tname=PPProf,tname=PPSec,from-PP='",
           g.partner.compact, "',ru=http://messenger.msn.com", NULL),
           "ru is site 507's return URL (no deep link asked for)");
    is_str(g.passport_config, "ConfigVersion=0", "PassportConfig follows the "
           "realm's ConfigVersion");

    err = NULL;
    bare->keyring = NULL;
    ok(!pp_login_grant(p, bare, &d, &acct, TEST_NOW, 0, &g, &err),
       "no keyring: no grant");
    is_str(err, "PassportKeyFile is not set for this server",
           "and the reason");

    /* ---- the Authentication Server Challenge --------------------------- */
    realm = test_realm(p);
    is_str(pp_login_challenge(p, realm, 0, 1), "Passport1.4 da-status=failed,"
           "srealm=Passport.Net,ts=-1,prompt", "challenge with prompt");
    is_str(pp_login_challenge(p, realm, 0, 0), "Passport1.4 da-status=failed,"
           "srealm=Passport.Net,ts=-1", "challenge without prompt");
    is_str(pp_login_challenge(p, realm, 1, 1), "Passport1.4 da-status="
           "failed-noretry,srealm=Passport.Net,ts=-1", "noretry challenge: "
           "never a prompt");
    realm->name = "Realm.B";
    realm->cobrand_url = "http://images.example/logo.gif";
    realm->cobrand_text = "Welcome%2C%20friend";
    is_str(pp_login_challenge(p, realm, 0, 1), "Passport1.4 da-status=failed,"
           "srealm=Realm.B,ts=-1,prompt,cburl=http://images.example/logo.gif,"
           "cbtxt=Welcome%2C%20friend", "challenge with the realm's name and "
           "co-branding");
    realm->cobrand_url = NULL;
    is_str(pp_login_challenge(p, realm, 1, 0), "Passport1.4 da-status="
           "failed-noretry,srealm=Realm.B,ts=-1,cbtxt=Welcome%2C%20friend",
           "co-branding text alone");
    is_str(pp_login_challenge_body(p, realm), "<HTML><HEAD><META HTTP-EQUIV="
           "\"REFRESH\" CONTENT=\"0; URL=https://login.example.net/login2.srf"
           "?f=11\"><script>function OnBack(){}</script></HEAD></HTML>",
           "the challenge body points at DALogin");
    realm->dalogin = "login.example.net/a\"b&c";
    want = "CONTENT=\"0; URL=https://login.example.net/a&quot;b&amp;c?f=11\"";
    ok(strstr(pp_login_challenge_body(p, realm), want) != NULL,
       "DALogin is XML-escaped in the body");
    is_str(apr_pstrcat(p, pp_login_cookie_names[0], ",",
                       pp_login_cookie_names[1], ",", pp_login_cookie_names[2],
                       NULL), "PPAuth,PPProf,PPSec", "the cookie names (MS-PASS 4's PPAuth: "
           "never a partner's MSPAuth)");
    return tap_done();
}
