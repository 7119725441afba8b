/*
 * pp_renew.c - token renewal with the legacy token: the key, the
 * signature check, the checks of a request, and the encrypted answer.
 */
#include "pp_renew.h"
#include "pp_legacy.h"
#include "pp_b64.h"
#include "pp_str.h"
#include "pp_xml.h"

#include <apr_strings.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/crypto.h>
#include <string.h>

#define MAGIC_LEN (sizeof(PP_RENEW_MAGIC) - 1)

#define NS_S    "http://schemas.xmlsoap.org/soap/envelope/"
#define NS_WSSE "http://schemas.xmlsoap.org/ws/2003/06/secext"
#define NS_WSSC "http://schemas.xmlsoap.org/ws/2004/04/sc"
#define NS_XENC "http://www.w3.org/2001/04/xmlenc#"
#define NS_DS   "http://www.w3.org/2000/09/xmldsig#"

int pp_renew_key(const unsigned char *secret, apr_size_t secret_len,
                 const unsigned char *nonce, apr_size_t nonce_len,
                 unsigned char key[24])
{
    unsigned char m[MAGIC_LEN + PP_RENEW_MAX_NONCE];
    int ok;

    if (nonce_len == 0 || nonce_len > PP_RENEW_MAX_NONCE)
        return 0;
    memcpy(m, PP_RENEW_MAGIC, MAGIC_LEN);
    memcpy(m + MAGIC_LEN, nonce, nonce_len);
    ok = pp_mbi_derive_bytes(secret, secret_len, m, MAGIC_LEN + nonce_len,
                             key);
    OPENSSL_cleanse(m, sizeof(m));
    return ok;
}

int pp_renew_signature_ok(const unsigned char *secret, apr_size_t secret_len,
                          const unsigned char *nonce, apr_size_t nonce_len,
                          const char *signed_info, apr_size_t signed_info_len,
                          const unsigned char *sig, apr_size_t sig_len)
{
    unsigned char key[24], mac[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    int ok;

    if (!pp_renew_key(secret, secret_len, nonce, nonce_len, key))
        return 0;
    ok = HMAC(EVP_sha1(), key, sizeof(key),
              (const unsigned char *)signed_info, signed_info_len, mac, &n)
         != NULL
         && n == 20 && sig_len == 20 && CRYPTO_memcmp(mac, sig, 20) == 0;
    OPENSSL_cleanse(key, sizeof(key));
    return ok;
}

const char *pp_renew_encrypt(apr_pool_t *p, const unsigned char key[24],
                             const char *plain, apr_size_t len)
{
    static const unsigned char zero_iv[8] = { 0 };
    apr_size_t padded = (len / 8 + 1) * 8;     /* 1 to 8 zero bytes */
    unsigned char *in = apr_pcalloc(p, padded), *out = apr_palloc(p, padded);

    memcpy(in, plain, len);
    if (!pp_mbi_3des(1, key, zero_iv, in, padded, out))
        return NULL;
    return pp_b64_encode(p, out, padded);
}

static int refuse(pp_rst_refusal_t *no, pp_fault_t kind, const char *why)
{
    no->kind = kind;
    no->why = why;
    return 0;
}

/* The authentication failure, with its reason logged at notice. */
static int refuse_auth(apr_pool_t *p, pp_renewal_t *out,
                       pp_rst_refusal_t *no, const char *why)
{
    out->note.level = PP_NOTE_NOTICE;
    out->note.text = apr_psprintf(p, "PP0510: RST.srf: renewal refused%s%s%s:"
                                  " %s", out->legacy.signin ? " for '" : "",
                                  out->legacy.signin
                                  ? pp_log_escape(p, out->legacy.signin) : "",
                                  out->legacy.signin ? "'" : "", why);
    return refuse(no, PP_FAULT_AUTH, why);
}

/* The request's own window: both times, at most PP_RENEW_MAX_SPAN apart,
 * and now within them (give or take PassportClockSkew). */
static int check_window(apr_pool_t *p, const pp_realm_t *realm,
                        const pp_rst_req_t *req, apr_int64_t now,
                        pp_renewal_t *out, pp_rst_refusal_t *no)
{
    apr_int64_t created, expires;
    const char *why;

    if (req->ts_created == NULL || req->ts_expires == NULL)
        return refuse(no, PP_FAULT_CLIENT, "a renewal needs a wsu:Timestamp "
                      "with Created and Expires");
    created = pp_iso8601_parse(req->ts_created);
    expires = pp_iso8601_parse(req->ts_expires);
    if (created < 0 || expires < 0)
        return refuse(no, PP_FAULT_CLIENT, "the wsu:Timestamp is not two "
                      "ISO 8601 UTC times");
    if (expires < created || expires - created > PP_RENEW_MAX_SPAN)
        return refuse_auth(p, out, no, apr_psprintf(p, "the wsu:Timestamp "
                           "spans more than %d s, or ends before it begins",
                           PP_RENEW_MAX_SPAN));
    if ((why = pp_rst_skew_why(realm, created, expires, now)) != NULL)
        return refuse_auth(p, out, no, why);
    return 1;
}

/* The requested items, led by the legacy token (so that the client can
 * renew again past this token's lifetime) unless they already start
 * with it or the realm does not issue it. */
static const apr_array_header_t *led_by_legacy(apr_pool_t *p,
                                               const pp_realm_t *realm,
                                               const apr_array_header_t *items)
{
    apr_array_header_t *all;
    pp_rst_item_t *lead;

    if ((items->nelts > 0
         && strcasecmp(APR_ARRAY_IDX(items, 0, pp_rst_item_t).address,
                       PP_ADDRESS_LEGACY) == 0)
        || pp_realm_service(realm, PP_ADDRESS_LEGACY) == NULL)
        return items;
    all = apr_array_make(p, items->nelts + 1, sizeof(pp_rst_item_t));
    lead = apr_array_push(all);
    lead->address = PP_ADDRESS_LEGACY;
    apr_array_cat(all, items);
    return all;
}

/* Open the legacy token and derive its proof key. */
static int open_legacy(apr_pool_t *p, const pp_realm_t *realm,
                       const char *cipher, apr_int64_t now,
                       pp_renewal_t *out, pp_rst_refusal_t *no)
{
    const char *canonical = pp_legacy_canonical(p, cipher);
    pp_ticket_status_t st = PP_TICKET_MALFORMED;

    if (canonical != NULL)
        st = pp_ticket_open(p, realm->keyring, realm->name, canonical, now,
                            NULL, &out->legacy);
    switch (st) {
    case PP_TICKET_OK:
        break;
    case PP_TICKET_EXPIRED:
        return refuse_auth(p, out, no, apr_pstrcat(p, "the legacy token "
                           "expired at ", pp_iso8601(p, out->legacy.expires),
                           NULL));
    default:
        /* memset by pp_ticket_open: no account to name */
        return refuse_auth(p, out, no, "the legacy token does not open in "
                           "this realm (another realm's, sealed with a key "
                           "no longer in PassportKeyFile, or not a token)");
    }
    /* any spelling of the address (PassportService may configure one);
     * a shared ticket (version 2) only if it lists it */
    if (!pp_ticket_has_audience(&out->legacy, PP_ADDRESS_LEGACY, 1))
        return refuse_auth(p, out, no, apr_pstrcat(p, "the token is not a "
                           "legacy token (it is for '",
                           pp_log_escape(p, out->legacy.audience), "'",
                           out->legacy.naudiences > 1 ? ", ..." : "", ")",
                           NULL));
    if (!pp_mbi_secret(&APR_ARRAY_IDX(realm->keyring->keys,
                                      out->legacy.key_index, pp_key_t),
                       canonical, out->secret)) {
        OPENSSL_cleanse(out->secret, sizeof(out->secret));
        no->kind = PP_FAULT_SERVER;
        no->why = "the legacy token's proof key could not be derived";
        return 0;
    }
    return 1;
}

int pp_renew_plan(apr_pool_t *p, const pp_realm_t *realm,
                  const pp_rst_req_t *req, apr_int64_t now, int https,
                  pp_rst_plan_t *plan, pp_renewal_t *out,
                  pp_rst_refusal_t *no)
{
    const pp_rst_renew_t *rr = req->renew;
    pp_rst_req_t led = *req;
    unsigned char *nonce, *sig;
    apr_size_t nl = 0, sl = 0;
    const char *what = "";
    int i;

    memset(out, 0, sizeof(*out));
    memset(plan, 0, sizeof(*plan));
    plan->dialect = pp_rst_dialect_of(req);
    if (plan->dialect != &pp_dialect_rst)
        return refuse(no, PP_FAULT_CLIENT, "renewal with the legacy token is "
                      "served on RST.srf (SOAP 1.1, WS-Trust 2004/04) only; "
                      "sign in with the password");
    if (realm->keyring == NULL) {
        out->note.level = PP_NOTE_ERROR;
        out->note.text = "PP0512: RST.srf: cannot renew: PassportKeyFile is "
                         "not set for this server";
        return refuse(no, PP_FAULT_SERVER, "Tokens could not be issued");
    }
    nonce = pp_b64_decode(p, rr->nonce, &nl);
    if (nonce == NULL || nl == 0 || nl > PP_RENEW_MAX_NONCE)
        return refuse(no, PP_FAULT_CLIENT, apr_psprintf(p, "the wssc:Nonce "
                      "is not base64 of 1 to %d bytes", PP_RENEW_MAX_NONCE));
    sig = pp_b64_decode(p, rr->signature, &sl);
    if (sig == NULL)
        return refuse(no, PP_FAULT_CLIENT, "the SignatureValue is not base64");
    if (!check_window(p, realm, req, now, out, no))
        return 0;

    /* the sign-in's rules for the addresses, the legacy token first */
    led.items = (apr_array_header_t *)led_by_legacy(p, realm, req->items);
    if (!pp_rst_plan(p, realm, &led, now, https, plan, no))
        return 0;
    for (i = 0; i < plan->wants->nelts; i++) {
        const pp_rst_want_t *w = &APR_ARRAY_IDX(plan->wants, i,
                                                pp_rst_want_t);

        if (w->kind == PP_TOKEN_X509)
            return refuse(no, PP_FAULT_CLIENT, PP_ADDRESS_P2PSLC " "
                          "certificates (MBI_X509_CID) are not issued on "
                          "renewal: sign in with the password");
        if (w->kind != PP_TOKEN_LEGACY || i > 0)
            what = apr_pstrcat(p, what, *what ? ", " : "",
                               pp_log_escape(p, w->audience), NULL);
    }

    /* the credential: the legacy token, and the proof of its key */
    if (!open_legacy(p, realm, rr->cipher, now, out, no))
        return 0;
    if (!pp_renew_signature_ok(out->secret, sizeof(out->secret), nonce, nl,
                               rr->signed_info, rr->signed_info_len, sig, sl))
        return refuse_auth(p, out, no, "the signature does not verify under "
                           "the legacy token's proof key");
    out->note.level = PP_NOTE_INFO;
    out->note.text = apr_psprintf(p, "PP0511: RST.srf: '%s' (PUID %s) renewed "
                                  "%s with the legacy token",
                                  pp_log_escape(p, out->legacy.signin),
                                  pp_hex16(p, out->legacy.puid), what);
    return 1;
}

const char *pp_renew_signin(apr_pool_t *p, const pp_renewal_t *rn)
{
    return pp_signin_normalize(p, rn->legacy.signin);
}

int pp_renew_account(apr_pool_t *p, pp_renewal_t *rn,
                     const pp_account_t *acct, pp_rst_refusal_t *no)
{
    if (acct == NULL)
        return refuse_auth(p, rn, no, "the legacy token's account no longer "
                           "exists");
    if (acct->puid != rn->legacy.puid)
        return refuse_auth(p, rn, no, apr_pstrcat(p, "the account now has "
                           "PUID ", pp_hex16(p, acct->puid), ", not the "
                           "legacy token's ", pp_hex16(p, rn->legacy.puid),
                           NULL));
    return 1;
}

const char *pp_renew_answer(apr_pool_t *p, const pp_rst_plan_t *plan,
                            const pp_account_t *acct, apr_int64_t now,
                            const pp_rst_tokens_t *tokens,
                            const pp_renewal_t *rn, const pp_rst_renew_t *req)
{
    pp_rstr_ctx_t c;
    unsigned char nonce[PP_RENEW_NONCE_LEN], key[24];
    const char *plain, *cipher = NULL;

    pp_rst_context(p, plan, acct, now, tokens, &c);
    plain = pp_rstr_collection(p, &c, tokens->items);
    if (plain == NULL)
        return NULL;
    if (RAND_bytes(nonce, sizeof(nonce)) == 1
        && pp_renew_key(rn->secret, sizeof(rn->secret), nonce, sizeof(nonce),
                        key))
        cipher = pp_renew_encrypt(p, key, plain, strlen(plain));
    OPENSSL_cleanse(key, sizeof(key));
    if (cipher == NULL)
        return NULL;
    return apr_pstrcat(p,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
        "<S:Envelope xmlns:S=\"" NS_S "\" xmlns:wsse=\"" NS_WSSE "\""
        " xmlns:wssc=\"" NS_WSSC "\"><S:Header>",
        pp_rstr_pp(p, &c, "0x48803", "0x0", 1),
        "<wsse:Security><wssc:DerivedKeyToken Id=\"EncKey\">"
        "<wsse:RequestedTokenReference><wsse:Reference URI=\"#",
        pp_xml_escape(p, req->token_id), "\"/></wsse:RequestedTokenReference>"
        "<wssc:Nonce>", pp_b64_encode(p, nonce, sizeof(nonce)),
        "</wssc:Nonce></wssc:DerivedKeyToken></wsse:Security></S:Header>"
        "<S:Body><EncryptedData xmlns=\"" NS_XENC "\""
        " Type=\"" NS_XENC "Element\">"
        "<EncryptionMethod Algorithm=\"" NS_XENC "tripledes-cbc\"/>"
        "<ds:KeyInfo xmlns:ds=\"" NS_DS "\"><wsse:SecurityTokenReference>"
        "<wsse:Reference URI=\"#EncKey\"/></wsse:SecurityTokenReference>"
        "</ds:KeyInfo><CipherData><CipherValue>", cipher,
        "</CipherValue></CipherData></EncryptedData></S:Body></S:Envelope>",
        NULL);
}
