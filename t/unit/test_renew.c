/* Unit tests for the renewal (pp_renew.c, and its parse in pp_soap.c):
 * known answers computed apart from the module (Python's hmac for the
 * key and the signature, the openssl command for 3DES), the libpurple
 * capture of the spec canonicalised to what the client signed, and the
 * checks of pp_renew_plan on requests built from that capture. */
#include "tap.h"
#include "pp_renew.h"
#include "pp_legacy.h"
#include "pp_soap.h"
#include "pp_b64.h"
#include "pp_ticket.h"

#include <apr_file_io.h>
#include <libxml/parser.h>
#include <openssl/hmac.h>

/* key(S, N) and HMAC-SHA1(key, TEMPLATE), computed in Python */
#define S_B64 "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcY"           /* bytes 1..24 */
#define N_B64 "oKGio6SlpqeoqaqrrK2ur7CxsrO0tba3"           /* 0xa0..0xb7 */
#define K_HEX "9c36edcdb848a5de508eded1685f523a99d91bae56083a51"
#define SIG_B64 "ArlXu2fqSwP6f1X7RmabUV+RoSo="

/* The SignedInfo libpurple signs (its template, filled in with the
 * capture's digests): what the capture's SignedInfo must canonicalise to */
#define TRANSFORMS "<Transforms><Transform Algorithm=\"http://www.w3.org/" \
    "2001/10/xml-exc-c14n#\"></Transform></Transforms><DigestMethod " \
    "Algorithm=\"http://www.w3.org/2000/09/xmldsig#sha1\"></DigestMethod>"
#define TEMPLATE "<SignedInfo xmlns=\"http://www.w3.org/2000/09/xmldsig#\">" \
    "<CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-" \
    "c14n#\"></CanonicalizationMethod><SignatureMethod Algorithm=\"http://" \
    "www.w3.org/2000/09/xmldsig#hmac-sha1\"></SignatureMethod>" \
    "<Reference URI=\"#RST2\">" TRANSFORMS \
    "<DigestValue>YTY91phuJkRKhHVymoFFPGd6LvA=</DigestValue></Reference>" \
    "<Reference URI=\"#Timestamp\">" TRANSFORMS \
    "<DigestValue>fbuU+tZvZLJhLGVZgbzwxkO3ypA=</DigestValue></Reference>" \
    "<Reference URI=\"#PPAuthInfo\">" TRANSFORMS \
    "<DigestValue>d2IeTF4DAkPEa/tVETHznsivEpc=</DigestValue></Reference>" \
    "</SignedInfo>"

/* In the capture, to be replaced */
#define CAP_CIPHER "AcNyRJxnltPWoF556JmZIZjtjM_bPh8CPnMfgnrUQQEcg005eEnYSIuR" \
    "x2Y48VO7RxpDE2hi0KEsuuNq1XC2CylrDbqWQO2DytpCwMTcecIoRsAF9bMH"
#define CAP_NONCE "VAggEvgnsU0bIxYC6OkWH+fNkBGNQ+9m"
#define CAP_CREATED "2026-11-23T14:51:19Z"
#define CAP_EXPIRES "2026-11-23T14:56:19Z"
#define CAP_SIG "AhykZye7so4tiFNbD11ThqvTrUs="

#define KEY_A "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
#define KEY_B "Hx4dHBsaGRgXFhUUExIREA8ODQwLCgkIBwYFBAMCAQA="
#define NOW 1795313600

static char *slurp(apr_pool_t *p, const char *path)
{
    apr_file_t *f;
    apr_finfo_t fi;
    apr_size_t n;
    char *buf;

    if (apr_file_open(&f, path, APR_FOPEN_READ, 0, p) != APR_SUCCESS
        || apr_file_info_get(&fi, APR_FINFO_SIZE, f) != APR_SUCCESS)
        return NULL;
    n = (apr_size_t)fi.size;
    buf = apr_palloc(p, n + 1);
    apr_file_read_full(f, buf, n, &n);
    buf[n] = '\0';
    apr_file_close(f);
    return buf;
}

/* s with its one occurrence of from replaced (the capture's values) */
static char *replace(apr_pool_t *p, const char *s, const char *from,
                     const char *to)
{
    const char *at = s ? strstr(s, from) : NULL;

    if (at == NULL)
        return NULL;
    return apr_pstrcat(p, apr_pstrmemdup(p, s, (apr_size_t)(at - s)), to,
                       at + strlen(from), NULL);
}

/* The parse status of doc, and its reason in *err. */
static pp_soap_status_t parse(apr_pool_t *p, const char *doc,
                              pp_rst_req_t *req, const char **err)
{
    *err = "";
    if (doc == NULL)
        return PP_SOAP_EMPTY;
    return pp_soap_parse_rst(p, doc, strlen(doc), req, err);
}

static unsigned char *unb64(apr_pool_t *p, const char *s, apr_size_t *n)
{
    return pp_b64_decode(p, s, n);
}

static const char *hex(apr_pool_t *p, const unsigned char *b, apr_size_t n)
{
    char *s = apr_palloc(p, 2 * n + 1);
    apr_size_t i;

    for (i = 0; i < n; i++)
        apr_snprintf(s + 2 * i, 3, "%02x", b[i]);
    return s;
}

typedef struct {
    const char *cipher;
    const unsigned char *secret;      /* 24 bytes: the signing proof key */
    const char *nonce;                /* base64 */
    apr_int64_t created;
    const char *address, *policy;
    const char *signature;            /* NULL: compute it */
} renewal_t;

/* A renewal in the capture's shape with these values. The SignedInfo is
 * the capture's (its digests are not checked), so the signature is the
 * HMAC of TEMPLATE under key(secret, nonce). */
static const char *request(apr_pool_t *p, const char *capture,
                           const renewal_t *r)
{
    const char *sig = r->signature;
    char *d;

    if (sig == NULL) {
        unsigned char key[24], mac[20], *n;
        unsigned int ml = 20;
        apr_size_t nl = 0;

        memset(key, 0, sizeof(key));      /* a nonce that does not decode */
        n = unb64(p, r->nonce, &nl);
        pp_renew_key(r->secret, 24, n, nl, key);
        HMAC(EVP_sha1(), key, 24, (const unsigned char *)TEMPLATE,
             strlen(TEMPLATE), mac, &ml);
        sig = pp_b64_encode(p, mac, 20);
    }
    d = replace(p, capture, CAP_CIPHER, r->cipher);
    d = replace(p, d, CAP_NONCE, r->nonce);
    d = replace(p, d, CAP_CREATED, pp_iso8601(p, r->created));
    d = replace(p, d, CAP_EXPIRES, pp_iso8601(p, r->created + 300));
    d = replace(p, d, CAP_SIG, sig);
    d = replace(p, d, "contacts.msn.com", r->address);
    return replace(p, d, "URI='MBI'", apr_psprintf(p, "URI='%s'", r->policy));
}

typedef struct {
    int ok;
    pp_rst_plan_t plan;
    pp_renewal_t rn;
    pp_rst_refusal_t no;
    pp_rst_req_t req;
} outcome_t;

static void renew(apr_pool_t *p, const pp_realm_t *realm, const char *doc,
                  apr_int64_t now, int https, outcome_t *o)
{
    const char *err = NULL;

    memset(o, 0, sizeof(*o));
    if (pp_soap_parse_rst(p, doc, strlen(doc), &o->req, &err) != PP_SOAP_OK
        || o->req.renew == NULL) {
        o->no.kind = PP_FAULT_CLIENT;
        o->no.why = err ? err : "not a renewal";
        return;
    }
    o->ok = pp_renew_plan(p, realm, &o->req, now, https, &o->plan, &o->rn,
                          &o->no);
}

/* A sealed legacy token (the CipherValue) and its proof key. */
static const char *legacy(apr_pool_t *p, const pp_keyring_t *ring,
                          const char *realm, const char *audience,
                          apr_int64_t issued, apr_int64_t lifetime,
                          unsigned char secret[24])
{
    pp_ticket_t t = { 0 };
    const char *err = NULL, *sealed;

    t.puid = APR_UINT64_C(0x0123456789ABCDEF);
    t.signin = "alice@example.com";
    t.audience = audience;
    t.issued = issued;
    t.expires = issued + lifetime;
    sealed = pp_ticket_seal(p, ring, realm, &t, &err);
    pp_mbi_secret(&APR_ARRAY_IDX(ring->keys, 0, pp_key_t), sealed, secret);
    return pp_legacy_cipher(p, sealed);
}

static void known_answers(apr_pool_t *p)
{
    unsigned char key[24], *s, *n, *sig;
    apr_size_t sl = 0, nl = 0, gl = 0;
    unsigned char k[24];

    s = unb64(p, S_B64, &sl);
    n = unb64(p, N_B64, &nl);
    sig = unb64(p, SIG_B64, &gl);
    ok(pp_renew_key(s, sl, n, nl, key), "key(secret, nonce)");
    is_str(hex(p, key, 24), K_HEX, "key(secret, nonce): the known answer");
    ok(!pp_renew_key(s, sl, n, 0, key)
       && !pp_renew_key(s, sl, n, PP_RENEW_MAX_NONCE + 1, key),
       "an empty or oversized nonce gives no key");
    ok(pp_renew_signature_ok(s, sl, n, nl, TEMPLATE, strlen(TEMPLATE), sig,
                             gl), "HMAC-SHA1 of the template: known answer");
    ok(!pp_renew_signature_ok(s, sl, n, nl, TEMPLATE, strlen(TEMPLATE) - 1,
                              sig, gl), "one byte less does not verify");
    sig[0] ^= 1;
    ok(!pp_renew_signature_ok(s, sl, n, nl, TEMPLATE, strlen(TEMPLATE), sig,
                              gl), "a flipped bit does not verify");
    ok(!pp_renew_signature_ok(s, sl, n, nl, TEMPLATE, strlen(TEMPLATE), sig,
                              19), "a short signature does not verify");

    /* 3DES-EDE-CBC, zero IV, zero padding (openssl enc -nopad) */
    memcpy(k, key, 24);
    is_str(pp_renew_encrypt(p, k, "<a/>", 4), "/bFkJYC+d20=",
           "4 bytes: 4 zero bytes of padding (known answer)");
    is_str(pp_renew_encrypt(p, k, "<b>12345678</b>", 15),
           "0+RrnWNAdY/z/lwknIWvsw==", "15 bytes: one zero byte");
    is_str(pp_renew_encrypt(p, k, "12345678", 8), "/s+vxGQmmUJ2OnwtK9ZhLg==",
           "a whole block: a whole block of zeros, so it ends in NUL");
}

static void capture(apr_pool_t *p, const char *cap)
{
    pp_rst_req_t req;
    const char *err = NULL, *doc;
    pp_soap_status_t st;

    ok(cap != NULL, "read t/data/renew-libpurple.xml");
    ok(pp_soap_parse_rst(p, cap, strlen(cap), &req, &err) == PP_SOAP_OK,
       "the libpurple capture parses (%s)", err ? err : "ok");
    ok(req.renew != NULL && req.username == NULL, "as a renewal");
    if (req.renew == NULL)
        return;
    is_str(req.renew->cipher, CAP_CIPHER, "the legacy token, as sent");
    is_str(req.renew->token_id, "BinaryDAToken0", "its Id");
    is_str(req.renew->nonce, CAP_NONCE, "the SignKey nonce");
    is_str(req.renew->signature, CAP_SIG, "the SignatureValue");
    is_str(req.renew->signed_info, TEMPLATE,
           "exclusive C14N of the received SignedInfo = the signed template");
    ok(req.renew->signed_info_len == strlen(TEMPLATE), "and its length");
    is_str(req.ts_created, CAP_CREATED, "the timestamp");
    ok(req.items->nelts == 1, "one token asked for");
    is_str(APR_ARRAY_IDX(req.items, 0, pp_rst_item_t).address,
           "contacts.msn.com", "contacts.msn.com");
    is_str(APR_ARRAY_IDX(req.items, 0, pp_rst_item_t).policy, "MBI", "MBI");

    /* the capture's own SignedInfo, with the known-answer nonce and
     * signature: the whole check, from the wire bytes */
    doc = replace(p, replace(p, cap, CAP_NONCE, N_B64), CAP_SIG, SIG_B64);
    ok(pp_soap_parse_rst(p, doc, strlen(doc), &req, &err) == PP_SOAP_OK,
       "with the known-answer values");
    {
        apr_size_t sl = 0, nl = 0, gl = 0;
        unsigned char *s = unb64(p, S_B64, &sl), *n = unb64(p, N_B64, &nl);
        unsigned char *g = unb64(p, req.renew->signature, &gl);

        ok(pp_renew_signature_ok(s, sl, n, nl, req.renew->signed_info,
                                 req.renew->signed_info_len, g, gl),
           "the signature over the canonical SignedInfo verifies");
    }

    /* the same SignedInfo with other prefixes and quotes canonicalises
     * the same: namespaces decide, never prefixes */
    doc = replace(p, cap, "<Signature xmlns='http://www.w3.org/2000/09/"
                  "xmldsig#'><SignedInfo xmlns='http://www.w3.org/2000/09/"
                  "xmldsig#'>", "<ds:Signature xmlns:ds=\"http://www.w3.org/"
                  "2000/09/xmldsig#\"><SignedInfo xmlns=\"http://www.w3.org/"
                  "2000/09/xmldsig#\" >");
    doc = replace(p, doc, "</Signature>", "</ds:Signature>");
    doc = replace(p, doc, "<SignatureValue>", "<ds:SignatureValue>");
    doc = replace(p, doc, "</SignatureValue><KeyInfo>",
                  "</ds:SignatureValue><ds:KeyInfo>");
    doc = replace(p, doc, "</KeyInfo>", "</ds:KeyInfo>");
    doc = replace(p, doc, "<Transform Algorithm='http://www.w3.org/2001/10/"
                  "xml-exc-c14n#'/>", "<Transform Algorithm=\"http://www.w3."
                  "org/2001/10/xml-exc-c14n#\"></Transform>");
    ok(doc && pp_soap_parse_rst(p, doc, strlen(doc), &req, &err) == PP_SOAP_OK
       && req.renew && strcmp(req.renew->signed_info, TEMPLATE) == 0,
       "a prefixed Signature, double quotes, an end tag: the same canonical "
       "bytes");

    /* white space, a comment and a processing instruction around
     * SignedInfo change nothing: the element signed is found again in
     * a tree that has them; white space inside it is signed with it */
    doc = replace(p, cap, "<Signature xmlns='http://www.w3.org/2000/09/"
                  "xmldsig#'><SignedInfo", "\n  <!-- c --><?pi x?>\n  "
                  "<Signature xmlns='http://www.w3.org/2000/09/xmldsig#'>"
                  "\n    <!-- before --><SignedInfo");
    ok(doc && pp_soap_parse_rst(p, doc, strlen(doc), &req, &err) == PP_SOAP_OK
       && req.renew && strcmp(req.renew->signed_info, TEMPLATE) == 0,
       "blanks, a comment and a PI outside SignedInfo: the same canonical "
       "bytes");
    doc = replace(p, cap, "<SignatureMethod ", "\n  <SignatureMethod ");
    ok(doc && pp_soap_parse_rst(p, doc, strlen(doc), &req, &err) == PP_SOAP_OK
       && req.renew && strstr(req.renew->signed_info,
                              "></CanonicalizationMethod>\n  <Signature"
                              "Method ") != NULL
       && req.renew->signed_info_len == strlen(TEMPLATE) + 3,
       "white space inside SignedInfo is in its canonical form");

    /* what makes a renewal malformed */
    doc = replace(p, cap, "<CipherValue>" CAP_CIPHER "</CipherValue>",
                  "<CipherValue/>");
    st = parse(p, doc, &req, &err);
    ok(st == PP_SOAP_BAD_RENEWAL && strstr(err, "CipherValue"),
       "no CipherValue (%s)", err);
    doc = replace(p, cap, "<SignatureValue>" CAP_SIG "</SignatureValue>", "");
    st = parse(p, doc, &req, &err);
    ok(st == PP_SOAP_BAD_RENEWAL, "no SignatureValue (%s)", err);
    doc = replace(p, cap, "URI='#SignKey'", "URI='#Other'");
    st = parse(p, doc, &req, &err);
    ok(st == PP_SOAP_BAD_RENEWAL && strstr(err, "DerivedKeyToken"),
       "the signature names no DerivedKeyToken (%s)", err);
    doc = replace(p, cap, "URI='#BinaryDAToken0'", "URI='#Elsewhere'");
    st = parse(p, doc, &req, &err);
    ok(st == PP_SOAP_BAD_RENEWAL, "the key is not the legacy token's (%s)", err);
    doc = replace(p, cap, "<wssc:Nonce>" CAP_NONCE "</wssc:Nonce>", "");
    st = parse(p, doc, &req, &err);
    ok(st == PP_SOAP_BAD_RENEWAL && strstr(err, "Nonce"), "no nonce (%s)", err);
    doc = replace(p, cap, "xmldsig#hmac-sha1", "xmldsig#rsa-sha1");
    st = parse(p, doc, &req, &err);
    ok(st == PP_SOAP_BAD_RENEWAL && strstr(err, "SignatureMethod"),
       "another signature method (%s)", err);
    doc = replace(p, cap, "<CanonicalizationMethod Algorithm='http://www.w3.org"
                  "/2001/10/xml-exc-c14n#'/>", "<CanonicalizationMethod "
                  "Algorithm='http://www.w3.org/TR/2001/REC-xml-c14n-"
                  "20010315'/>");
    st = parse(p, doc, &req, &err);
    ok(st == PP_SOAP_BAD_RENEWAL, "inclusive C14N refused (%s)", err);
    doc = replace(p, cap, "xmlns='http://www.w3.org/2001/04/xmlenc#'",
                  "xmlns='urn:not-xmlenc'");
    ok(pp_soap_parse_rst(p, doc, strlen(doc), &req, &err) == PP_SOAP_OK
       && req.renew == NULL, "EncryptedData in another namespace: no "
       "renewal (then no credentials, as for any request)");
    doc = replace(p, cap, "<wsse:Security xmlns='http://schemas.xmlsoap.org/"
                  "ws/2003/06/secext'>", "<wsse:Security xmlns='http://schemas"
                  ".xmlsoap.org/ws/2003/06/secext'><wsse:UsernameToken><wsse:"
                  "Username>a@b.c</wsse:Username><wsse:Password>x</wsse:"
                  "Password></wsse:UsernameToken>");
    ok(pp_soap_parse_rst(p, doc, strlen(doc), &req, &err) == PP_SOAP_OK
       && req.renew == NULL && req.password != NULL,
       "with a UsernameToken it is a sign-in");
    doc = apr_pstrcat(p, "<!DOCTYPE x [<!ENTITY e 'x'>]>", cap, NULL);
    ok(pp_soap_parse_rst(p, doc, strlen(doc), &req, &err) == PP_SOAP_DOCTYPE,
       "a DOCTYPE is still refused");
}

/* pp_renew_answer decrypts (with the client's key) to a NUL-padded
 * collection that parses on its own. */
static void answer(apr_pool_t *p, const pp_realm_t *realm, outcome_t *o)
{
    pp_account_t acct = { 0 };
    pp_rst_tokens_t tokens;
    pp_rst_refusal_t no;
    const char *doc, *n64, *c64, *e;
    unsigned char key[24], *nonce, *cipher, *plain;
    apr_size_t nl = 0, cl = 0, len;
    static const unsigned char iv[8] = { 0 };
    xmlDocPtr x;

    acct.puid = o->rn.legacy.puid;
    acct.signin = o->rn.legacy.signin;
    ok(pp_rst_issue(p, realm, &o->plan, &acct, NOW, &tokens, &no),
       "the plan's tokens are issued");
    doc = pp_renew_answer(p, &o->plan, &acct, NOW, &tokens, &o->rn,
                          o->req.renew);
    ok(doc != NULL && strstr(doc, "<wssc:DerivedKeyToken Id=\"EncKey\">"),
       "the answer has the EncKey DerivedKeyToken");
    n64 = doc ? strstr(doc, "<wssc:Nonce>") : NULL;
    c64 = doc ? strstr(doc, "<CipherValue>") : NULL;
    if (n64 == NULL || c64 == NULL) {
        ok(0, "nonce and cipher found");
        return;
    }
    n64 += strlen("<wssc:Nonce>");
    c64 += strlen("<CipherValue>");
    nonce = unb64(p, apr_pstrndup(p, n64, strcspn(n64, "<")), &nl);
    cipher = unb64(p, apr_pstrndup(p, c64, strcspn(c64, "<")), &cl);
    ok(nonce && nl == PP_RENEW_NONCE_LEN, "a 24-byte nonce");
    ok(cipher && cl % 8 == 0, "the cipher is whole blocks");
    pp_renew_key(o->rn.secret, 24, nonce, nl, key);
    plain = apr_pcalloc(p, cl + 1);
    ok(pp_mbi_3des(0, key, iv, cipher, cl, plain), "it decrypts");
    len = strlen((const char *)plain);
    ok(len < cl && cl - len <= 8, "NUL-terminated, 1 to 8 zero bytes");
    for (e = (const char *)plain + len; e < (const char *)plain + cl; e++)
        if (*e != '\0')
            break;
    ok(e == (const char *)plain + cl, "padding all zeros");
    x = xmlReadMemory((const char *)plain, (int)len, "rstr.xml", NULL,
                      XML_PARSE_NONET | XML_PARSE_NOERROR
                      | XML_PARSE_NOWARNING);
    ok(x != NULL, "the plaintext parses on its own");
    ok(x && strcmp((const char *)xmlDocGetRootElement(x)->name,
                   "RequestSecurityTokenResponseCollection") == 0,
       "a RequestSecurityTokenResponseCollection");
    if (x)
        xmlFreeDoc(x);
    ok(strncmp((const char *)plain, "<wst:RequestSecurityTokenResponseCollection"
               " xmlns:wst=\"http://schemas.xmlsoap.org/ws/2004/04/trust\"", 96)
       == 0, "in WS-Trust 2004/04");
    ok(strstr((const char *)plain, "<wst:RequestSecurityTokenResponse><wst:"
              "TokenType>urn:passport:legacy</wst:TokenType>") != NULL
       && strstr((const char *)plain, "Id=\"BinaryDAToken0\"") != NULL
       && strstr((const char *)plain, "<wsse:BinarySecurityToken Id=\""
                 "Compact1\">t=") != NULL,
       "a fresh legacy token first, then Compact1");
}

int main(void)
{
    apr_pool_t *p = tap_start();
    const char *err = NULL, *cap, *cipher, *doc;
    pp_realm_t realm = { 0 };
    unsigned char secret[24], other[24];
    outcome_t o;
    renewal_t r;

    pp_soap_init(p);
    known_answers(p);
    cap = slurp(p, tap_srcpath(p, "t/data/renew-libpurple.xml"));
    capture(p, cap);

    realm.name = "Passport.Net";
    realm.ticket_lifetime = 3600;
    realm.legacy_lifetime = 7 * 3600;
    realm.keyring = pp_keyring_parse(p, KEY_A, &err);
    realm.services = NULL;          /* any address */
    realm.clock_skew = 300;         /* PassportClockSkew 300 */

    cipher = legacy(p, realm.keyring, realm.name, PP_ADDRESS_LEGACY,
                    NOW - 4000, 7 * 3600, secret);
    memset(&r, 0, sizeof(r));
    r.cipher = cipher;
    r.secret = secret;
    r.nonce = N_B64;
    r.created = NOW - 10;
    r.address = "contacts.msn.com";
    r.policy = "MBI";
    renew(p, &realm, request(p, cap, &r), NOW, 0, &o);
    ok(o.ok, "a good renewal is accepted (%s)", o.ok ? "ok" : o.no.why);
    ok(o.ok && o.rn.legacy.puid == APR_UINT64_C(0x0123456789ABCDEF)
       && strcmp(o.rn.legacy.signin, "alice@example.com") == 0,
       "for the account the legacy token names");
    ok(o.ok && memcmp(o.rn.secret, secret, 24) == 0,
       "with the proof key derived from the token");
    ok(o.ok && o.plan.wants->nelts == 2
       && APR_ARRAY_IDX(o.plan.wants, 0, pp_rst_want_t).kind == PP_TOKEN_LEGACY
       && APR_ARRAY_IDX(o.plan.wants, 0, pp_rst_want_t).with_secret
       && strcmp(APR_ARRAY_IDX(o.plan.wants, 1, pp_rst_want_t).audience,
                 "contacts.msn.com") == 0,
       "plan: a fresh legacy token (with its secret), then contacts.msn.com");
    ok(o.rn.note.level == PP_NOTE_INFO
       && strstr(o.rn.note.text, "PP0511: RST.srf: 'alice@example.com'")
       && strstr(o.rn.note.text, "contacts.msn.com")
       && !strstr(o.rn.note.text, cipher), "the note says who and what, "
       "not the token");
    if (o.ok)
        answer(p, &realm, &o);
    {
        pp_account_t now_acct = { 0 };
        pp_rst_refusal_t no;
        outcome_t k = o;

        is_str(pp_renew_signin(p, &k.rn), "alice@example.com",
               "the account is looked up by the token's sign-in name");
        now_acct.puid = k.rn.legacy.puid;
        ok(pp_renew_account(p, &k.rn, &now_acct, &no),
           "the account still exists, same PUID: it renews");
        ok(!pp_renew_account(p, &k.rn, NULL, &no) && no.kind == PP_FAULT_AUTH
           && strstr(k.rn.note.text, "no longer exists"),
           "a removed account: FailedAuthentication");
        now_acct.puid = 42;
        ok(!pp_renew_account(p, &k.rn, &now_acct, &no)
           && no.kind == PP_FAULT_AUTH && strstr(no.why, "PUID"),
           "the name now has another PUID: FailedAuthentication");
    }

    r.address = "messengerclear.live.com";
    r.policy = "MBI_KEY_OLD";
    renew(p, &realm, request(p, cap, &r), NOW, 0, &o);
    ok(o.ok && APR_ARRAY_IDX(o.plan.wants, 1, pp_rst_want_t).with_secret,
       "MBI_KEY_OLD: the sign-in's rule, a BinarySecret");
    r.address = "messengersecure.live.com";
    r.policy = "MBI_SSL";
    renew(p, &realm, request(p, cap, &r), NOW, 0, &o);
    ok(!o.ok && o.no.kind == PP_FAULT_CLIENT && strstr(o.no.why, "HTTPS"),
       "MBI_SSL over plain HTTP: S:Client (%s)", o.no.why);
    renew(p, &realm, request(p, cap, &r), NOW, 1, &o);
    ok(o.ok, "MBI_SSL over HTTPS: renewed");
    r.address = "evil.example.com";
    r.policy = "MBI";
    {
        apr_array_header_t *list = apr_array_make(p, 2, sizeof(const char *));

        APR_ARRAY_PUSH(list, const char *) = PP_ADDRESS_LEGACY;
        APR_ARRAY_PUSH(list, const char *) = "contacts.msn.com";
        realm.services = list;
        renew(p, &realm, request(p, cap, &r), NOW, 0, &o);
        ok(o.ok, "an address PassportService lacks fails nothing: renewed, "
           "its response without a token (as at sign-in)");
        realm.services = NULL;
    }
    r.address = PP_ADDRESS_P2PSLC;
    r.policy = "MBI_X509_CID";
    realm.ca = (const pp_ca_t *)&realm;        /* any non-NULL: a CA */
    renew(p, &realm, request(p, cap, &r), NOW, 1, &o);
    realm.ca = NULL;
    ok(!o.ok && o.no.kind == PP_FAULT_CLIENT && strstr(o.no.why, "renewal"),
       "p2pslc: not on renewal, S:Client (%s)", o.no.why);
    r.address = PP_ADDRESS_LEGACY;
    r.policy = "MBI";
    renew(p, &realm, request(p, cap, &r), NOW, 0, &o);
    ok(o.ok && o.plan.wants->nelts == 1, "asking for the legacy token "
       "itself: one legacy token, no second");
    r.address = "contacts.msn.com";

    /* failures: the authentication fault, with the reason logged */
    r.created = NOW + 7 * 3600 - 10;           /* its own timestamp fresh */
    renew(p, &realm, request(p, cap, &r), NOW + 7 * 3600, 0, &o);
    ok(!o.ok && o.no.kind == PP_FAULT_AUTH && strstr(o.no.why, "expired"),
       "an expired legacy token: FailedAuthentication (%s)", o.no.why);
    ok(o.rn.note.level == PP_NOTE_NOTICE
       && strstr(o.rn.note.text, "PP0510: RST.srf: renewal refused for "
                 "'alice@example.com': the legacy token expired"),
       "logged at notice, with the account");
    r.created = NOW + 7 * 3600 - 4011;
    renew(p, &realm, request(p, cap, &r), NOW + 7 * 3600 - 4001, 0, &o);
    ok(o.ok, "the same token a second before it expires: renewed");
    r.created = NOW - 10;

    r.signature = "ArlXu2fqSwP6f1X7RmabUV+RoSo=";   /* another key's */
    renew(p, &realm, request(p, cap, &r), NOW, 0, &o);
    ok(!o.ok && o.no.kind == PP_FAULT_AUTH && strstr(o.no.why, "signature"),
       "a wrong signature: FailedAuthentication (%s)", o.no.why);
    r.signature = NULL;
    memset(other, 7, sizeof(other));
    r.secret = other;
    renew(p, &realm, request(p, cap, &r), NOW, 0, &o);
    ok(!o.ok && o.no.kind == PP_FAULT_AUTH,
       "signed with another proof key: FailedAuthentication");
    r.secret = secret;

    r.created = NOW - 1000;
    renew(p, &realm, request(p, cap, &r), NOW, 0, &o);
    ok(!o.ok && o.no.kind == PP_FAULT_AUTH && strstr(o.no.why, "Timestamp"),
       "a timestamp long past: FailedAuthentication (%s)", o.no.why);
    r.created = NOW + 1000;
    renew(p, &realm, request(p, cap, &r), NOW, 0, &o);
    ok(!o.ok && o.no.kind == PP_FAULT_AUTH && strstr(o.no.why, "future"),
       "a timestamp in the future: FailedAuthentication (%s)", o.no.why);
    r.created = NOW - 10;
    doc = replace(p, request(p, cap, &r), pp_iso8601(p, NOW + 290),
                  pp_iso8601(p, NOW + 86400));
    renew(p, &realm, doc, NOW, 0, &o);
    ok(!o.ok && o.no.kind == PP_FAULT_AUTH && strstr(o.no.why, "spans"),
       "a timestamp spanning a day: FailedAuthentication (%s)", o.no.why);
    doc = replace(p, request(p, cap, &r), pp_iso8601(p, NOW - 10), "yesterday");
    renew(p, &realm, doc, NOW, 0, &o);
    ok(!o.ok && o.no.kind == PP_FAULT_CLIENT, "a timestamp that is no time: "
       "S:Client (%s)", o.no.why);

    {
        pp_keyring_t *b = pp_keyring_parse(p, KEY_B, &err);
        unsigned char sb[24];

        r.cipher = legacy(p, realm.keyring, "Realm.B", PP_ADDRESS_LEGACY,
                          NOW - 10, 7 * 3600, sb);
        r.secret = sb;
        renew(p, &realm, request(p, cap, &r), NOW, 0, &o);
        ok(!o.ok && o.no.kind == PP_FAULT_AUTH && strstr(o.no.why, "open"),
           "another realm's token (same key): FailedAuthentication (%s)",
           o.no.why);
        r.cipher = legacy(p, b, "Passport.Net", PP_ADDRESS_LEGACY, NOW - 10,
                          7 * 3600, sb);
        renew(p, &realm, request(p, cap, &r), NOW, 0, &o);
        ok(!o.ok && o.no.kind == PP_FAULT_AUTH,
           "a token sealed with another key: FailedAuthentication");
        r.cipher = legacy(p, realm.keyring, "Passport.Net", "contacts.msn.com",
                          NOW - 10, 3600, sb);
        renew(p, &realm, request(p, cap, &r), NOW, 0, &o);
        ok(!o.ok && o.no.kind == PP_FAULT_AUTH && strstr(o.no.why,
                                                         "not a legacy"),
           "a contacts ticket, signed with its own secret: refused (%s)",
           o.no.why);
        {
            /* a shared (version 2) ticket: only if it lists the legacy
             * address, in any spelling */
            static const char *const compact_only[] = {
                "messengerclear.live.com", "contacts.msn.com" };
            static const char *const with_tb[] = {
                "contacts.msn.com", "http://passport.net/tb" };
            pp_ticket_t st = { 0 };
            const char *sealed;

            st.puid = APR_UINT64_C(0x0123456789ABCDEF);
            st.signin = "alice@example.com";
            st.version = PP_TICKET_VERSION_SHARED;
            st.audiences = compact_only;
            st.naudiences = 2;
            st.issued = NOW - 10;
            st.expires = NOW + 3600;
            sealed = pp_ticket_seal(p, realm.keyring, "Passport.Net", &st,
                                    &err);
            pp_mbi_secret(&APR_ARRAY_IDX(realm.keyring->keys, 0, pp_key_t),
                          sealed, sb);
            r.cipher = pp_legacy_cipher(p, sealed);
            renew(p, &realm, request(p, cap, &r), NOW, 0, &o);
            ok(!o.ok && o.no.kind == PP_FAULT_AUTH
               && strstr(o.no.why, "not a legacy token (it is for "
                         "'messengerclear.live.com', ...)"),
               "a shared ticket of compact tokens: refused (%s)", o.no.why);
            st.audiences = with_tb;
            sealed = pp_ticket_seal(p, realm.keyring, "Passport.Net", &st,
                                    &err);
            pp_mbi_secret(&APR_ARRAY_IDX(realm.keyring->keys, 0, pp_key_t),
                          sealed, sb);
            r.cipher = pp_legacy_cipher(p, sealed);
            renew(p, &realm, request(p, cap, &r), NOW, 0, &o);
            ok(o.ok, "one that lists http://passport.net/tb renews (%s)",
               o.ok ? "ok" : o.no.why);
        }
        r.cipher = "bm90IGEgdGlja2V0";
        renew(p, &realm, request(p, cap, &r), NOW, 0, &o);
        ok(!o.ok && o.no.kind == PP_FAULT_AUTH && o.rn.note.level
           == PP_NOTE_NOTICE && !strstr(o.rn.note.text, "bm90"),
           "junk for a token: FailedAuthentication, not logged");
        r.cipher = cipher;
        r.secret = secret;
    }

    r.nonce = "!!!!";
    renew(p, &realm, request(p, cap, &r), NOW, 0, &o);
    ok(!o.ok && o.no.kind == PP_FAULT_CLIENT && strstr(o.no.why, "Nonce"),
       "a nonce that is not base64: S:Client (%s)", o.no.why);
    r.nonce = N_B64;
    r.signature = "not base64";
    renew(p, &realm, request(p, cap, &r), NOW, 0, &o);
    ok(!o.ok && o.no.kind == PP_FAULT_CLIENT, "a SignatureValue that is not "
       "base64: S:Client (%s)", o.no.why);
    r.signature = NULL;
    doc = replace(p, request(p, cap, &r), "<wsu:Timestamp", "<wsu:Stamp");
    doc = replace(p, doc, "</wsu:Timestamp>", "</wsu:Stamp>");
    renew(p, &realm, doc, NOW, 0, &o);
    ok(!o.ok && o.no.kind == PP_FAULT_CLIENT && strstr(o.no.why, "Timestamp"),
       "no timestamp: S:Client (%s)", o.no.why);
    doc = replace(p, request(p, cap, &r), "http://schemas.xmlsoap.org/soap/"
                  "envelope/", "http://www.w3.org/2003/05/soap-envelope");
    renew(p, &realm, doc, NOW, 0, &o);
    ok(!o.ok && o.no.kind == PP_FAULT_CLIENT && strstr(o.no.why, "RST.srf"),
       "SOAP 1.2 (RST2): not served, S:Client (%s)", o.no.why);
    realm.keyring = NULL;
    renew(p, &realm, request(p, cap, &r), NOW, 0, &o);
    ok(!o.ok && o.no.kind == PP_FAULT_SERVER && o.rn.note.level
       == PP_NOTE_ERROR, "no key file: S:Server, logged as an error");
    return tap_done();
}
