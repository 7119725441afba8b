/* Unit tests for pp_rst.c: the dialect of a request, its Content-Type,
 * pp_rst_plan's every refusal and choice (timestamp, addresses, MBI_SSL,
 * p2pslc, token kinds, secrets, credentials), pp_rst_issue's tickets
 * and certificates, and the answer documents in both dialects. */
#include "tap.h"
#include "realm.h"
#include "pp_rst.h"
#include "pp_legacy.h"
#include "pp_ticket.h"
#include "pp_mbi.h"
#include "pp_b64.h"
#include "pp_str.h"

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <apr_file_io.h>
#include <unistd.h>

#define SOAP12 "http://www.w3.org/2003/05/soap-envelope"

static pp_rst_req_t *request(apr_pool_t *p, const char *user,
                             const char *password)
{
    pp_rst_req_t *r = apr_pcalloc(p, sizeof(*r));

    r->username = user;
    r->password = password;
    r->items = apr_array_make(p, 4, sizeof(pp_rst_item_t));
    return r;
}

static pp_rst_item_t *want(pp_rst_req_t *r, const char *address,
                           const char *policy)
{
    pp_rst_item_t *it = apr_array_push(r->items);

    memset(it, 0, sizeof(*it));
    it->address = address;
    it->policy = policy;
    return it;
}

static const pp_rst_want_t *want_at(const pp_rst_plan_t *plan, int i)
{
    return &APR_ARRAY_IDX(plan->wants, i, pp_rst_want_t);
}

static const pp_rstr_item_t *item_at(const pp_rst_tokens_t *t, int i)
{
    return &APR_ARRAY_IDX(t->items, i, pp_rstr_item_t);
}

static const char *secret_of(apr_pool_t *p, const pp_realm_t *realm,
                             const char *ticket)
{
    unsigned char s[PP_MBI_SECRET_LEN];

    pp_mbi_secret(&APR_ARRAY_IDX(realm->keyring->keys, 0, pp_key_t), ticket,
                  s);
    return pp_b64_encode(p, s, sizeof(s));
}

/* A refusal of this kind with exactly this reason. */
static pp_rst_plan_t plan;
static pp_rst_refusal_t no;

static void is_refused(int got, pp_fault_t kind, const char *why,
                       const char *name)
{
    ok(!got && no.kind == kind, "%s: refused as %s (got %d, %s)", name,
       pp_rst_fault_word(kind), got, got ? "-" : pp_rst_fault_word(no.kind));
    is_str(got ? NULL : no.why, why, name);
}

static const char *iso(apr_pool_t *p, apr_int64_t t)
{
    return pp_iso8601(p, t);
}

/* ---- a CA and a certificate request, for p2pslc ------------------------ */
static const char *write_tmp(apr_pool_t *p, const char *name, const char *s)
{
    const char *dir = NULL, *path;
    apr_file_t *f;

    apr_temp_dir_get(&dir, p);
    path = apr_psprintf(p, "%s/pp-test-rst-%ld-%s", dir, (long)getpid(), name);
    apr_file_open(&f, path, APR_FOPEN_WRITE | APR_FOPEN_CREATE
                  | APR_FOPEN_TRUNCATE, APR_FPROT_UREAD | APR_FPROT_UWRITE, p);
    apr_file_puts(s, f);
    apr_file_close(f);
    return path;
}

static pp_ca_t *make_ca(apr_pool_t *p)
{
    const char *cert, *key, *err = NULL, *cp, *kp;
    pp_ca_t *ca = pp_ca_new(p);

    if (!pp_ca_generate(p, "Test CA", 2, &cert, &key, &err)) {
        printf("Bail out! no CA: %s\n", err);
        exit(255);
    }
    cp = write_tmp(p, "ca.pem", cert);
    kp = write_tmp(p, "ca.key", key);
    if (!pp_ca_load_cert(p, ca, cp, &err) || !pp_ca_load_key(p, ca, kp, &err)) {
        printf("Bail out! CA does not load: %s\n", err);
        exit(255);
    }
    apr_file_remove(cp, p);
    apr_file_remove(kp, p);
    return ca;
}

static const char *make_csr(apr_pool_t *p)
{
    EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
    X509_REQ *req = X509_REQ_new();
    unsigned char *der = NULL;
    const char *b64;
    int len;

    X509_NAME_add_entry_by_txt(X509_REQ_get_subject_name(req), "CN",
                               MBSTRING_ASC,
                               (const unsigned char *)"MSIDCRL", -1, -1, 0);
    X509_REQ_set_pubkey(req, k);
    X509_REQ_sign(req, k, EVP_sha256());
    len = i2d_X509_REQ(req, &der);
    b64 = pp_b64_encode(p, der, (apr_size_t)len);
    OPENSSL_free(der);
    X509_REQ_free(req);
    EVP_PKEY_free(k);
    return b64;
}

static int is_certificate(apr_pool_t *p, const char *b64)
{
    apr_size_t n = 0;
    const unsigned char *der = b64 ? pp_b64_decode(p, b64, &n) : NULL;
    X509 *x = der ? d2i_X509(NULL, &der, (long)n) : NULL;

    X509_free(x);
    return x != NULL;
}

int main(void)
{
    apr_pool_t *p = tap_start();
    pp_realm_t *realm = test_realm(p);
    pp_rst_req_t *r;
    pp_rst_item_t *it;
    pp_rst_tokens_t tok;
    pp_account_t acct;
    pp_ticket_t t;
    pp_rstr_ctx_t c;
    const char *doc, *want_doc, *long_pw;
    char *pw;
    int i;

    /* ---- the dialect --------------------------------------------------- */
    ok(pp_rst_dialect_guess("<x xmlns=\"" SOAP12 "\"/>", "/RST.srf")
       == &pp_dialect_rst2, "a body naming SOAP 1.2: RST2, whatever the path");
    ok(pp_rst_dialect_guess("<soap:Envelope xmlns:soap=\"http://schemas."
                            "xmlsoap.org/soap/envelope/\">", "/RST2.srf")
       == &pp_dialect_rst, "a body without it: RST.srf, whatever the path");
    ok(pp_rst_dialect_guess("", "/RST2.srf") == &pp_dialect_rst,
       "an empty body is a body: RST.srf");
    ok(pp_rst_dialect_guess(NULL, "/RST2.srf") == &pp_dialect_rst2,
       "no body: by the path, RST2");
    ok(pp_rst_dialect_guess(NULL, "//RST.srf") == &pp_dialect_rst,
       "no body: by the path, RST.srf");
    ok(pp_rst_dialect_guess(NULL, NULL) == &pp_dialect_rst,
       "nothing at all: RST.srf");
    r = request(p, NULL, NULL);
    ok(pp_rst_dialect_of(r) == &pp_dialect_rst, "SOAP 1.1, WS-Trust 2004: "
       "RST.srf");
    r->soap12 = 1;
    ok(pp_rst_dialect_of(r) == &pp_dialect_rst2, "SOAP 1.2: RST2");
    r->soap12 = 0;
    r->trust2005 = 1;
    ok(pp_rst_dialect_of(r) == &pp_dialect_rst2, "WS-Trust 2005/02: RST2");
    is_str(pp_dialect_rst.name, "RST.srf", "dialect name for the log");
    is_str(pp_dialect_rst2.name, "RST2.srf", "dialect name for the log (2)");

    /* ---- Content-Type -------------------------------------------------- */
    ok(pp_rst_content_type_ok(NULL), "no Content-Type: accepted");
    ok(pp_rst_content_type_ok("text/xml"), "text/xml");
    ok(pp_rst_content_type_ok("text/xml; charset=utf-8"), "text/xml; charset");
    ok(pp_rst_content_type_ok("TEXT/XML;charset=utf-8"), "any case, no space");
    ok(pp_rst_content_type_ok("application/soap+xml; charset=utf-8"),
       "application/soap+xml");
    ok(pp_rst_content_type_ok("application/xml"), "application/xml");
    ok(pp_rst_content_type_ok("text/xml\t; charset=utf-8"), "a tab before ;");
    ok(!pp_rst_content_type_ok("text/xmlx"), "text/xmlx refused");
    ok(!pp_rst_content_type_ok("text/html"), "text/html refused");
    ok(!pp_rst_content_type_ok("application/soap+xml2"), "a longer type "
       "refused");
    ok(!pp_rst_content_type_ok("image/png; x=text/xml"), "image/png refused");
    ok(!pp_rst_content_type_ok(""), "an empty Content-Type refused");
    is_str(apr_pstrcat(p, pp_rst_fault_word(PP_FAULT_AUTH), ",",
                       pp_rst_fault_word(PP_FAULT_CLIENT), ",",
                       pp_rst_fault_word(PP_FAULT_SERVER), ",",
                       pp_rst_fault_word((pp_fault_t)7), NULL),
           "authentication,client,server,server", "fault words");

    /* ---- pp_rst_plan: a good request ----------------------------------- */
    r = request(p, "Alice@Example.COM", "alice-pw,1");
    want(r, "http://Passport.NET/tb", NULL);
    want(r, "MESSENGERCLEAR.live.com", "MBI_KEY_OLD");
    want(r, "messenger.msn.com", "?id=507");
    it = want(r, "contacts.msn.com", "MBI");
    it->by_service_name = 1;
    ok(pp_rst_plan(p, realm, r, TEST_NOW, 0, &plan, &no), "a good request "
       "plans");
    ok(plan.dialect == &pp_dialect_rst, "in the request's dialect");
    is_str(plan.signin, "alice@example.com", "the sign-in name, lower-cased");
    is_str(plan.password, "alice-pw,1", "the password as sent");
    is_int(plan.wants->nelts, 4, "one want per requested token");
    for (i = 0; i < 4; i++)
        ok(want_at(&plan, i)->item == &APR_ARRAY_IDX(r->items, i,
                                                     pp_rst_item_t),
           "want %d points at request item %d (request order)", i, i);
    ok(want_at(&plan, 0)->kind == PP_TOKEN_LEGACY
       && want_at(&plan, 0)->with_secret, "http://Passport.NET/tb: the "
       "legacy token, with its secret");
    ok(want_at(&plan, 1)->kind == PP_TOKEN_COMPACT
       && want_at(&plan, 1)->with_secret, "MBI_KEY_OLD: compact, with the "
       "secret");
    is_str(want_at(&plan, 1)->audience, "messengerclear.live.com",
           "the audience is the configured spelling");
    ok(want_at(&plan, 2)->kind == PP_TOKEN_COMPACT
       && !want_at(&plan, 2)->with_secret, "?id=507: compact, no secret");
    ok(want_at(&plan, 3)->kind == PP_TOKEN_COMPACT
       && !want_at(&plan, 3)->with_secret, "MBI: compact, no secret");
    r->trust2005 = 1;
    ok(pp_rst_plan(p, realm, r, TEST_NOW, 0, &plan, &no)
       && plan.dialect == &pp_dialect_rst2, "an RST2 request plans in RST2");
    r->trust2005 = 0;

    /* ---- the timestamp ------------------------------------------------- */
    r->ts_created = iso(p, TEST_NOW - 10);
    r->ts_expires = iso(p, TEST_NOW + 290);
    ok(pp_rst_plan(p, realm, r, TEST_NOW, 0, &plan, &no), "a current "
       "timestamp");
    r->ts_created = iso(p, TEST_NOW - 900);
    r->ts_expires = iso(p, TEST_NOW - realm->clock_skew);
    ok(pp_rst_plan(p, realm, r, TEST_NOW, 0, &plan, &no),
       "expired by exactly the allowed skew: accepted");
    r->ts_expires = iso(p, TEST_NOW - realm->clock_skew - 1);
    is_refused(pp_rst_plan(p, realm, r, TEST_NOW, 0, &plan, &no),
               PP_FAULT_CLIENT, "the request's wsu:Timestamp has expired "
               "(PassportClockSkew)", "expired timestamp");
    r->ts_created = iso(p, TEST_NOW + realm->clock_skew);
    r->ts_expires = iso(p, TEST_NOW + 900);
    ok(pp_rst_plan(p, realm, r, TEST_NOW, 0, &plan, &no),
       "ahead by exactly the allowed skew: accepted");
    r->ts_created = iso(p, TEST_NOW + realm->clock_skew + 1);
    is_refused(pp_rst_plan(p, realm, r, TEST_NOW, 0, &plan, &no),
               PP_FAULT_CLIENT, "the request's wsu:Timestamp is in the "
               "future (PassportClockSkew)", "future timestamp");
    realm->clock_skew = 0;
    r->ts_created = iso(p, TEST_NOW + 30 * 86400);
    r->ts_expires = iso(p, TEST_NOW - 30 * 86400);
    ok(pp_rst_plan(p, realm, r, TEST_NOW, 0, &plan, &no), "PassportClockSkew "
       "0: no check, a month either way");
    realm->clock_skew = 300;
    r->ts_created = iso(p, TEST_NOW - 900);
    r->ts_expires = iso(p, TEST_NOW - 301);
    is_refused(pp_rst_plan(p, realm, r, TEST_NOW, 0, &plan, &no),
               PP_FAULT_CLIENT, "the request's wsu:Timestamp has expired "
               "(PassportClockSkew)", "PassportClockSkew 300: 301 s late");
    realm->clock_skew = 86400;
    r->ts_created = iso(p, TEST_NOW + 1);
    r->ts_created = "yesterday";
    is_refused(pp_rst_plan(p, realm, r, TEST_NOW, 0, &plan, &no),
               PP_FAULT_CLIENT, "the wsu:Timestamp is not two ISO 8601 UTC "
               "times", "a bad Created");
    r->ts_created = iso(p, TEST_NOW);
    r->ts_expires = NULL;
    is_refused(pp_rst_plan(p, realm, r, TEST_NOW, 0, &plan, &no),
               PP_FAULT_CLIENT, "the wsu:Timestamp is not two ISO 8601 UTC "
               "times", "Created without Expires");
    r->ts_created = NULL;
    r->username = NULL;
    r->ts_expires = iso(p, TEST_NOW - 3600);
    is_refused(pp_rst_plan(p, realm, r, TEST_NOW, 0, &plan, &no),
               PP_FAULT_CLIENT, "the wsu:Timestamp is not two ISO 8601 UTC "
               "times", "the timestamp is checked first (before credentials)");
    r->ts_expires = NULL;
    r->username = "alice@example.com";

    /* ---- addresses ----------------------------------------------------- */
    it = want(r, "Directory.Services.Live.com", "MBI");
    ok(pp_rst_plan(p, realm, r, TEST_NOW, 0, &plan, &no)
       && want_at(&plan, 4)->kind == PP_TOKEN_COMPACT, "no PassportService: "
       "any address gets a token");
    is_str(want_at(&plan, 4)->audience, "directory.services.live.com",
           "its audience: the address, lower-cased");
    it->policy = "MBI_KEY";
    ok(pp_rst_plan(p, realm, r, TEST_NOW, 0, &plan, &no)
       && want_at(&plan, 4)->with_secret, "MBI_KEY: with the secret");
    it->policy = "mbi_key_old";
    ok(pp_rst_plan(p, realm, r, TEST_NOW, 0, &plan, &no)
       && want_at(&plan, 4)->with_secret, "mbi_key_old (any case): with the "
       "secret");
    ok(plan.notes == NULL, "known policies: nothing to log");
    it->policy = "MBI_FUTURE";
    ok(pp_rst_plan(p, realm, r, TEST_NOW, 0, &plan, &no)
       && want_at(&plan, 4)->kind == PP_TOKEN_COMPACT
       && !want_at(&plan, 4)->with_secret, "an unknown policy: as MBI");
    ok(plan.notes && plan.notes->nelts == 1
       && APR_ARRAY_IDX(plan.notes, 0, pp_note_t).level == PP_NOTE_INFO,
       "an unknown policy: one note at info");
    is_str(plan.notes ? APR_ARRAY_IDX(plan.notes, 0, pp_note_t).text : NULL,
           "PP0507: RST: unknown policy 'MBI_FUTURE' for "
           "'Directory.Services.Live.com'; issued as MBI", "the note");
    it->address = "messengersecure.live.com";
    it->policy = "mbi_ssl";
    is_refused(pp_rst_plan(p, realm, r, TEST_NOW, 0, &plan, &no),
               PP_FAULT_CLIENT, "'messengersecure.live.com' with policy MBI_SSL "
               "is only issued over HTTPS", "MBI_SSL over plain HTTP");
    ok(pp_rst_plan(p, realm, r, TEST_NOW, 1, &plan, &no)
       && want_at(&plan, 4)->kind == PP_TOKEN_COMPACT
       && !want_at(&plan, 4)->with_secret, "MBI_SSL over HTTPS: compact, no "
       "secret");
    it->address = "p2pslc.messenger.msn.com";
    it->policy = "MBI_X509_CID";
    is_refused(pp_rst_plan(p, realm, r, TEST_NOW, 0, &plan, &no),
               PP_FAULT_CLIENT, "p2pslc.messenger.msn.com (MBI_X509_CID "
               "certificates) needs a CA, and this realm has none "
               "(PassportCACertificateFile, PassportCAKeyFile)",
               "p2pslc without a CA");
    realm->ca = make_ca(p);
    is_refused(pp_rst_plan(p, realm, r, TEST_NOW, 0, &plan, &no),
               PP_FAULT_CLIENT, "p2pslc.messenger.msn.com certificates are "
               "only issued over HTTPS", "p2pslc over plain HTTP (MS-WSTEP "
               "2.1)");
    ok(pp_rst_plan(p, realm, r, TEST_NOW, 1, &plan, &no)
       && want_at(&plan, 4)->kind == PP_TOKEN_X509
       && !want_at(&plan, 4)->with_secret, "p2pslc with a CA over HTTPS: a "
       "certificate");
    it->address = "P2PSLC.Messenger.MSN.com";
    ok(pp_rst_plan(p, realm, r, TEST_NOW, 1, &plan, &no)
       && want_at(&plan, 4)->kind == PP_TOKEN_X509, "p2pslc asked for in "
       "another case: still a certificate");

    /* the configured spelling decides the audience, and the kind */
    {
        pp_realm_t *own = test_realm(p);
        apr_array_header_t *s = apr_array_make(p, 3, sizeof(const char *));
        pp_rst_req_t *q = request(p, "a@b.c", "x");

        APR_ARRAY_PUSH(s, const char *) = "http://passport.net/tb";
        APR_ARRAY_PUSH(s, const char *) = "Messenger.MSN.com";
        APR_ARRAY_PUSH(s, const char *) = "P2PSLC.messenger.msn.com";
        own->services = s;
        own->ca = realm->ca;
        want(q, "http://Passport.NET/tb", NULL);
        want(q, "messenger.msn.com", NULL);
        want(q, "p2pslc.messenger.msn.com", "MBI_X509_CID");
        ok(pp_rst_plan(p, own, q, TEST_NOW, 1, &plan, &no), "PassportService "
           "spelled in another case still serves the addresses");
        is_str(want_at(&plan, 1)->audience, "Messenger.MSN.com",
               "the audience is the configured spelling");
        ok(want_at(&plan, 0)->kind == PP_TOKEN_LEGACY
           && want_at(&plan, 0)->with_secret, "a configured "
           "http://passport.net/tb is still the legacy token");
        ok(want_at(&plan, 2)->kind == PP_TOKEN_X509, "a configured "
           "P2PSLC.messenger.msn.com is still a certificate");
        want(q, "contacts.msn.com", NULL);
        ok(pp_rst_plan(p, own, q, TEST_NOW, 1, &plan, &no),
           "an unlisted address fails no other");
        ok(want_at(&plan, 3)->kind == PP_TOKEN_NONE, "it gets no token");
        ok(plan.notes && plan.notes->nelts == 1, "and is noted");
        is_str(plan.notes ? APR_ARRAY_IDX(plan.notes, 0, pp_note_t).text
               : NULL, "PP0508: RST: 'contacts.msn.com' is not a "
               "PassportService of this realm; answered without a token",
               "the note");
        {
            pp_rst_req_t *q2 = request(p, "a@b.c", "x");
            pp_account_t who;

            memset(&who, 0, sizeof(who));
            who.puid = TEST_PUID;
            who.signin = "a@b.c";
            want(q2, "http://Passport.NET/tb", NULL);
            want(q2, "contacts.msn.com", "MBI");
            want(q2, "messenger.msn.com", NULL);
            ok(pp_rst_plan(p, own, q2, TEST_NOW, 0, &plan, &no)
               && pp_rst_issue(p, own, &plan, &who, TEST_NOW, &tok, &no),
               "issued around the unlisted address");
            is_int(tok.grants->nelts, 2, "two tickets: none for it");
            ok(item_at(&tok, 1)->token == NULL
               && item_at(&tok, 1)->secret == NULL, "its item: no token");
            is_str(item_at(&tok, 1)->refused, "this realm does not serve "
                   "'contacts.msn.com' (PassportService)", "and why");
            ok(item_at(&tok, 2)->token != NULL
               && item_at(&tok, 2)->refused == NULL, "the next one has its "
               "token");
        }
    }
    r->items->nelts = 4;

    /* ---- credentials --------------------------------------------------- */
    r->username = NULL;
    is_refused(pp_rst_plan(p, realm, r, TEST_NOW, 0, &plan, &no),
               PP_FAULT_CLIENT, "no credentials (wsse:Security/"
               "wsse:UsernameToken with Username and Password)",
               "no user name");
    r->username = "alice@example.com";
    r->password = NULL;
    is_refused(pp_rst_plan(p, realm, r, TEST_NOW, 0, &plan, &no),
               PP_FAULT_CLIENT, "no credentials (wsse:Security/"
               "wsse:UsernameToken with Username and Password)",
               "no password");
    r->password = "";
    is_refused(pp_rst_plan(p, realm, r, TEST_NOW, 0, &plan, &no),
               PP_FAULT_AUTH, "malformed user name or password",
               "an empty password");
    r->password = "x";
    r->username = "alice";
    is_refused(pp_rst_plan(p, realm, r, TEST_NOW, 0, &plan, &no),
               PP_FAULT_AUTH, "malformed user name or password",
               "a user name without @");
    r->username = "alice@example.com";
    pw = apr_palloc(p, 258);
    memset(pw, 'x', 257);
    pw[257] = '\0';
    r->password = pw;
    is_refused(pp_rst_plan(p, realm, r, TEST_NOW, 0, &plan, &no),
               PP_FAULT_AUTH, "malformed user name or password",
               "a password over 256 bytes");
    long_pw = apr_pstrndup(p, pw, 256);
    r->password = long_pw;
    ok(pp_rst_plan(p, realm, r, TEST_NOW, 0, &plan, &no), "256 bytes: "
       "accepted");
    r->password = "alice-pw,1";

    /* ---- after the password check -------------------------------------- */
    pp_rst_password_refused(0, &no);
    ok(no.kind == PP_FAULT_AUTH, "a refused password: the authentication "
       "fault");
    is_str(no.why, "wrong password or unknown account", "and why (logged)");
    pp_rst_password_refused(1, &no);
    ok(no.kind == PP_FAULT_SERVER, "an outage: the server fault");
    is_str(no.why, "The account service is temporarily unavailable",
           "and its faultstring");

    /* ---- pp_rst_issue -------------------------------------------------- */
    memset(&acct, 0, sizeof(acct));
    acct.puid = TEST_PUID;
    acct.signin = "alice@example.com";
    ok(pp_rst_plan(p, realm, r, TEST_NOW, 0, &plan, &no), "plan of four");
    ok(pp_rst_issue(p, realm, &plan, &acct, TEST_NOW, &tok, &no), "issued");
    is_int(tok.items->nelts, 4, "four answer items");
    is_int(tok.grants->nelts, 4, "four tickets");
    is_int(tok.expires, TEST_NOW + TEST_LIFETIME, "expires: now + lifetime");
    ok(tok.notes == NULL, "nothing to log");
    for (i = 0; i < 4; i++) {
        const pp_grant_t *gr = &APR_ARRAY_IDX(tok.grants, i, pp_grant_t);
        const pp_rstr_item_t *o = item_at(&tok, i);
        const char *aud = want_at(&plan, i)->audience;

        ok(pp_ticket_open(p, realm->keyring, realm->name, gr->ticket, TEST_NOW,
                          aud, &t) == PP_TICKET_OK && t.issued == TEST_NOW
           && t.expires == tok.expires && t.puid == TEST_PUID,
           "ticket %d opens for %s, one issue time and expiry", i, aud);
        is_str(o->address, APR_ARRAY_IDX(r->items, i, pp_rst_item_t).address,
               "the answer names the address as requested");
        ok(o->by_service_name == (i == 3), "by_service_name carried (%d)", i);
        ok(!o->x509, "not a certificate (%d)", i);
    }
    ok(item_at(&tok, 0)->legacy, "item 0: legacy");
    is_str(item_at(&tok, 0)->token, pp_legacy_cipher(p,
           APR_ARRAY_IDX(tok.grants, 0, pp_grant_t).ticket),
           "legacy: the ticket, as xs:base64Binary");
    is_str(item_at(&tok, 0)->secret, secret_of(p, realm,
           APR_ARRAY_IDX(tok.grants, 0, pp_grant_t).ticket),
           "legacy: the ticket's MBI secret");
    ok(!item_at(&tok, 1)->legacy, "item 1: compact");
    is_str(item_at(&tok, 1)->token, apr_pstrcat(p, "t=",
           APR_ARRAY_IDX(tok.grants, 1, pp_grant_t).ticket,
           "&p=0123456789ABCDEF", NULL), "compact: t=...&p=...");
    is_str(item_at(&tok, 1)->secret, secret_of(p, realm,
           APR_ARRAY_IDX(tok.grants, 1, pp_grant_t).ticket),
           "MBI_KEY_OLD: the secret of its own ticket");
    ok(item_at(&tok, 2)->secret == NULL && item_at(&tok, 3)->secret == NULL,
       "no secret where none is wanted");
    is_str(item_at(&tok, 3)->token, APR_ARRAY_IDX(tok.grants, 3,
           pp_grant_t).compact, "item 3: its own compact ticket");

    /* a certificate in the middle: the tickets after it keep their own */
    it = want(r, "p2pslc.messenger.msn.com", "MBI_X509_CID");
    it->supporting = make_csr(p);
    it->by_service_name = 1;
    want(r, "messengersecure.live.com", "MBI_KEY_OLD");
    ok(pp_rst_plan(p, realm, r, TEST_NOW, 1, &plan, &no)
       && pp_rst_issue(p, realm, &plan, &acct, TEST_NOW, &tok, &no),
       "with p2pslc (over HTTPS): issued");
    is_int(tok.items->nelts, 6, "six answer items");
    is_int(tok.grants->nelts, 5, "five tickets: none for the certificate");
    ok(item_at(&tok, 4)->x509 && is_certificate(p, item_at(&tok, 4)->token)
       && item_at(&tok, 4)->secret == NULL, "item 4: a certificate");
    ok(tok.notes && tok.notes->nelts == 1
       && APR_ARRAY_IDX(tok.notes, 0, pp_note_t).level == PP_NOTE_INFO,
       "one note, at info");
    is_str(tok.notes ? APR_ARRAY_IDX(tok.notes, 0, pp_note_t).text : NULL,
           "PP0503: RST: certificate issued for 'alice@example.com'",
           "the note");
    ok(pp_ticket_open(p, realm->keyring, realm->name,
                      pp_ticket_from_compact(p, item_at(&tok, 5)->token),
                      TEST_NOW, "messengersecure.live.com", &t) == PP_TICKET_OK,
       "item 5 after the certificate: its own ticket");
    is_str(item_at(&tok, 5)->secret, secret_of(p, realm,
           pp_ticket_from_compact(p, item_at(&tok, 5)->token)),
           "and its own secret");

    it->supporting = "";
    ok(pp_rst_plan(p, realm, r, TEST_NOW, 1, &plan, &no), "an empty "
       "PKCS#10 plans");
    is_refused(pp_rst_issue(p, realm, &plan, &acct, TEST_NOW, &tok, &no),
               PP_FAULT_CLIENT, "the PKCS#10 certificate request is missing "
               "or empty", "but is refused at issue, saying why");
    r->items->nelts = 4;

    realm->keyring = NULL;
    ok(pp_rst_plan(p, realm, r, TEST_NOW, 0, &plan, &no), "a realm without "
       "keys still plans");
    is_refused(pp_rst_issue(p, realm, &plan, &acct, TEST_NOW, &tok, &no),
               PP_FAULT_SERVER, "Tokens could not be issued",
               "no keyring: issue refused");
    is_str(tok.notes ? APR_ARRAY_IDX(tok.notes, 0, pp_note_t).text : NULL,
           "PP0505: RST: PassportKeyFile is not set for this server",
           "and the note says why");
    ok(tok.notes && APR_ARRAY_IDX(tok.notes, 0, pp_note_t).level
       == PP_NOTE_ERROR, "at error");
    realm = test_realm(p);

    /* ---- PassportSharedTicket: one ticket for the compact tokens ------- */
    realm->shared_ticket = 1;
    realm->legacy_lifetime = 7 * TEST_LIFETIME;
    want(r, "contacts.msn.com", "MBI");          /* asked twice */
    want(r, "messengersecure.live.com", "MBI_KEY_OLD");
    ok(pp_rst_plan(p, realm, r, TEST_NOW, 0, &plan, &no)
       && pp_rst_issue(p, realm, &plan, &acct, TEST_NOW, &tok, &no),
       "shared: issued");
    is_int(tok.items->nelts, 6, "shared: six answer items");
    is_int(tok.grants->nelts, 2, "shared: two tickets, the legacy token and "
           "the shared one (recorded once each)");
    {
        const pp_grant_t *lg = &APR_ARRAY_IDX(tok.grants, 0, pp_grant_t);
        const pp_grant_t *sg = &APR_ARRAY_IDX(tok.grants, 1, pp_grant_t);
        static const char *const auds[] = {
            "messengerclear.live.com", "messenger.msn.com",
            "contacts.msn.com", "messengersecure.live.com" };

        is_str(sg->audience, "messengerclear.live.com messenger.msn.com "
               "contacts.msn.com messengersecure.live.com",
               "the shared grant's audience: every address once, in order, "
               "space-separated");
        ok(pp_ticket_open(p, realm->keyring, realm->name, lg->ticket,
                          TEST_NOW, PP_ADDRESS_LEGACY, &t) == PP_TICKET_OK
           && t.version == 1 && t.expires == TEST_NOW + realm->legacy_lifetime,
           "the legacy token stays its own version 1 ticket, its own "
           "lifetime");
        is_str(item_at(&tok, 0)->token, pp_legacy_cipher(p, lg->ticket),
               "item 0: the legacy token");
        for (i = 1; i < 6; i++)
            ok(strcmp(item_at(&tok, i)->token, sg->compact) == 0,
               "item %d: the one shared compact ticket", i);
        for (i = 0; i < 4; i++)
            ok(pp_ticket_open(p, realm->keyring, realm->name, sg->ticket,
                              TEST_NOW, auds[i], &t) == PP_TICKET_OK
               && t.version == 2 && t.naudiences == 4
               && t.expires == tok.expires && t.issued == TEST_NOW,
               "it opens for %s", auds[i]);
        ok(pp_ticket_open(p, realm->keyring, realm->name, sg->ticket,
                          TEST_NOW, PP_ADDRESS_LEGACY, &t)
           == PP_TICKET_BAD_AUDIENCE
           && pp_ticket_open(p, realm->keyring, realm->name, sg->ticket,
                             TEST_NOW, "spaces.live.com", &t)
           == PP_TICKET_BAD_AUDIENCE,
           "and for no other (not the legacy token's, not one not asked)");
        is_str(item_at(&tok, 1)->secret, secret_of(p, realm, sg->ticket),
               "MBI_KEY_OLD (messengerclear): the shared ticket's secret");
        is_str(item_at(&tok, 5)->secret, item_at(&tok, 1)->secret,
               "the same for every MBI_KEY_OLD address");
        is_str(sg->secret, item_at(&tok, 1)->secret,
               "and what is recorded");
        ok(item_at(&tok, 2)->secret == NULL && item_at(&tok, 3)->secret == NULL,
           "no secret where none is wanted");
        ok(item_at(&tok, 1)->expires == tok.expires
           && item_at(&tok, 0)->expires == TEST_NOW + realm->legacy_lifetime,
           "each token its expiry");
    }
    /* only the legacy token, or only unlisted addresses: no shared grant */
    r->items->nelts = 1;
    ok(pp_rst_plan(p, realm, r, TEST_NOW, 0, &plan, &no)
       && pp_rst_issue(p, realm, &plan, &acct, TEST_NOW, &tok, &no)
       && tok.grants->nelts == 1 && item_at(&tok, 0)->legacy,
       "shared, only the legacy token asked: one ticket");
    r->items->nelts = 4;
    realm->shared_ticket = 0;

    /* ---- the answers --------------------------------------------------- */
    ok(pp_rst_plan(p, realm, r, TEST_NOW, 0, &plan, &no)
       && pp_rst_issue(p, realm, &plan, &acct, TEST_NOW, &tok, &no),
       "four tokens for the answer");
    memset(&c, 0, sizeof(c));
    c.dialect = &pp_dialect_rst;
    c.puid = TEST_PUID;
    c.cid = APR_UINT64_C(0x1b0a26fd753c50da);
    c.signin = "alice@example.com";
    c.now = TEST_NOW;
    c.expires = TEST_NOW + TEST_LIFETIME;
    c.server_info = "mod_passport 2023.11.14.22.13.20";
    doc = pp_rst_answer(p, &plan, &acct, TEST_NOW, &tok);
    want_doc = pp_rstr_render(p, &c, tok.items);
    is_str(doc, want_doc, "RST.srf answer: the tokens rendered with the "
           "account, now, the expiry and serverInfo");
    ok(strstr(doc, "<psf:PUID>0123456789ABCDEF</psf:PUID>")
       && strstr(doc, "<wsu:Expires>2023-11-14T23:13:20Z</wsu:Expires>")
       && strstr(doc, ">mod_passport 2023.11.14.22.13.20</psf:serverInfo>"),
       "PUID, Expires and serverInfo in the document");
    ok(strstr(doc, apr_pstrcat(p, "<wst:BinarySecret>",
                               item_at(&tok, 1)->secret, "</wst:BinarySecret>",
                               NULL)) != NULL, "the MBI_KEY_OLD secret in it");

    r->soap12 = 1;
    acct.has_cid = 1;
    acct.cid = 0x1234;
    ok(pp_rst_plan(p, realm, r, TEST_NOW, 0, &plan, &no)
       && pp_rst_issue(p, realm, &plan, &acct, TEST_NOW, &tok, &no),
       "RST2 tokens");
    c.dialect = &pp_dialect_rst2;
    c.cid = 0x1234;
    doc = pp_rst_answer(p, &plan, &acct, TEST_NOW, &tok);
    is_str(doc, pp_rstr_render(p, &c, tok.items), "RST2 answer: the same, "
           "with the database's CID");
    ok(strstr(doc, "<psf:credProperty Name=\"CID\">0000000000001234"
              "</psf:credProperty>") != NULL, "the CID in the document");

    no.kind = PP_FAULT_CLIENT;
    no.why = "no token requested";
    memset(&c, 0, sizeof(c));
    c.dialect = &pp_dialect_rst;
    c.now = TEST_NOW + 1;
    c.server_info = "mod_passport 2023.11.14.22.13.21";
    doc = pp_rst_fault_answer(p, &pp_dialect_rst, TEST_NOW + 1, &no);
    is_str(doc, pp_rst_fault(p, &c, PP_FAULT_CLIENT, "no token requested"),
           "RST.srf fault answer");
    ok(strstr(doc, "<faultcode>S:Client</faultcode><faultstring>Invalid "
              "Request: no token requested</faultstring>") != NULL
       && strstr(doc, "ServerTime=\"2023-11-14T22:13:21Z\"") != NULL,
       "S:Client with the reason, at now");
    c.dialect = &pp_dialect_rst2;
    doc = pp_rst_fault_answer(p, &pp_dialect_rst2, TEST_NOW + 1, &no);
    is_str(doc, pp_rst_fault(p, &c, PP_FAULT_CLIENT, "no token requested"),
           "RST2 fault answer");
    ok(strstr(doc, "<psf:text>Invalid STS request. no token requested"
              "</psf:text>") != NULL, "RST2: the reason in psf:text");
    no.kind = PP_FAULT_AUTH;
    doc = pp_rst_fault_answer(p, &pp_dialect_rst, TEST_NOW, &no);
    ok(strstr(doc, "<faultcode>wsse:FailedAuthentication</faultcode>") != NULL
       && strstr(doc, "no token requested") == NULL,
       "an authentication fault keeps its detail out");
    no.kind = PP_FAULT_SERVER;
    no.why = "Tokens could not be issued";
    doc = pp_rst_fault_answer(p, &pp_dialect_rst2, TEST_NOW, &no);
    ok(strstr(doc, "<S:Value>S:Receiver</S:Value>") != NULL,
       "RST2 server fault: S:Receiver");
    return tap_done();
}
