/*
 * pp_rstr.c - what RST.srf and RST2.srf answers share: psf:pp, the
 * collection, each response and its token. The dialect files say what
 * differs.
 */
#include "pp_rstr.h"
#include "pp_soap.h"
#include "pp_str.h"
#include "pp_b64.h"

#include <apr_strings.h>
#include <apr_time.h>
#include <apr_lib.h>
#include <openssl/evp.h>
#include <string.h>

#define CONFIG_VERSION "3.0.869.0"
#define BASE64_BINARY "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd#Base64Binary"

const char *pp_iso8601(apr_pool_t *p, apr_int64_t t)
{
    apr_time_exp_t x;

    apr_time_exp_gmt(&x, apr_time_from_sec(t));
    return apr_psprintf(p, "%04d-%02d-%02dT%02d:%02d:%02dZ", x.tm_year + 1900,
                        x.tm_mon + 1, x.tm_mday, x.tm_hour, x.tm_min,
                        x.tm_sec);
}

/* YYYY-MM-DDTHH:MM:SS[.fff]Z */
apr_int64_t pp_iso8601_parse(const char *s)
{
    apr_time_exp_t x = { 0 };
    apr_time_t t;
    int n[6], i, j = 0;
    static const char seps[] = "--T::";

    if (s == NULL)
        return -1;
    for (i = 0; i < 6; i++) {
        int digits = i == 0 ? 4 : 2, v = 0, k;

        for (k = 0; k < digits; k++, j++) {
            if (!apr_isdigit(s[j]))
                return -1;
            v = v * 10 + (s[j] - '0');
        }
        n[i] = v;
        if (i < 5 && s[j++] != seps[i])
            return -1;
    }
    if (s[j] == '.')
        for (j++; apr_isdigit(s[j]); j++)
            ;
    if (s[j] != 'Z' || s[j + 1] != '\0')
        return -1;
    x.tm_year = n[0] - 1900;
    x.tm_mon = n[1] - 1;
    x.tm_mday = n[2];
    x.tm_hour = n[3];
    x.tm_min = n[4];
    x.tm_sec = n[5];
    if (n[1] < 1 || n[1] > 12 || n[2] < 1 || n[2] > 31 || n[3] > 23
        || n[4] > 59 || n[5] > 60
        || apr_time_exp_gmt_get(&t, &x) != APR_SUCCESS)
        return -1;
    return apr_time_sec(t);
}

const char *pp_token_digest(apr_pool_t *p, const char *token)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;

    if (EVP_Digest(token, strlen(token), md, &n, pp_digest("SHA1"), NULL) != 1
        || n != 20)
        return NULL;
    return pp_b64_encode(p, md, n);
}

const char *pp_rstr_pp(apr_pool_t *p, const pp_rstr_ctx_t *c,
                       const char *authstate, const char *reqstatus,
                       int with_account)
{
    const pp_dialect_t *d = c->dialect;

    return apr_pstrcat(p,
        "<psf:pp xmlns:psf=\"" PP_NS_PSF "\">"
        "<psf:serverVersion>1</psf:serverVersion>",
        with_account ? "<psf:PUID>" : "",
        with_account ? pp_hex16(p, c->puid) : "",
        with_account ? "</psf:PUID>" : "",
        "<psf:configVersion>" CONFIG_VERSION "</psf:configVersion>"
        "<psf:uiVersion>" CONFIG_VERSION "</psf:uiVersion>",
        d->pp_versions ? d->pp_versions : "",
        "<psf:authstate>", authstate, "</psf:authstate>"
        "<psf:reqstatus>", reqstatus, "</psf:reqstatus>"
        "<psf:serverInfo Path=\"Live1\" RollingUpgradeState=\"ExclusiveNew\" "
        "LocVersion=\"0\" ServerTime=\"", pp_iso8601(p, c->now), "\">",
        pp_xml_escape(p, c->server_info), "</psf:serverInfo>"
        "<psf:cookies/>",
        with_account && d->pp_account ? d->pp_account(p, c) : "",
        "<psf:response/></psf:pp>", NULL);
}

static const char *one_response(apr_pool_t *p, const pp_rstr_ctx_t *c,
                                const pp_rstr_item_t *it, int n,
                                const char *created, const char *expires)
{
    const pp_dialect_t *d = c->dialect;
    const char *id, *token, *ref_type, *refs, *until, *secret = it->secret;
    const char *token_type = "urn:passport:compact";
    const char *where = it->by_service_name ? "wsa:ServiceName"
                                            : "wsa:Address";

    if (it->refused) {
        /* a response without a token, in a shape the clients tolerate:
         * AppliesTo, LifeTime and an empty RequestedSecurityToken (the
         * ones that map responses by address need both), no Id (those
         * that look tokens up by Id find none), and the reason as a
         * fault of this response alone (not FailedAuthentication, which
         * aMSN reads as a refused sign-in) */
        token = "<wsse:BinarySecurityToken/>";
        until = created;
        refs = d->refusal(p, it->refused);
        secret = NULL;
    }
    else {
        if (it->x509) {
            /* MS-WSTEP: the certificate as an X.509v3 BinarySecurityToken */
            id = apr_psprintf(p, "PPToken%d", n);
            ref_type = PP_X509V3;
            token_type = PP_X509V3;
            token = apr_pstrcat(p, "<wsse:BinarySecurityToken Id=\"", id,
                                "\" ValueType=\"" PP_X509V3 "\" "
                                "EncodingType=\"" BASE64_BINARY "\">",
                                it->token, "</wsse:BinarySecurityToken>",
                                NULL);
        }
        else if (it->legacy) {
            token_type = "urn:passport:legacy";
            id = apr_psprintf(p, "BinaryDAToken%d", n);
            ref_type = "urn:passport";
            token = apr_pstrcat(p,
                "<EncryptedData xmlns=\"http://www.w3.org/2001/04/xmlenc#\" "
                "Id=\"", id, "\" Type=\"http://www.w3.org/2001/04/xmlenc#"
                "Element\"><EncryptionMethod Algorithm=\"http://www.w3.org/"
                "2001/04/xmlenc#tripledes-cbc\"/>"
                "<ds:KeyInfo xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\">"
                "<ds:KeyName>http://Passport.NET/STS</ds:KeyName></ds:KeyInfo>"
                "<CipherData><CipherValue>", pp_xml_escape(p, it->token),
                "</CipherValue></CipherData></EncryptedData>", NULL);
        }
        else {
            id = apr_psprintf(p, "Compact%d", n);
            ref_type = "urn:passport:compact";
            token = apr_pstrcat(p, "<wsse:BinarySecurityToken Id=\"", id,
                                "\">", pp_xml_escape(p, it->token),
                                "</wsse:BinarySecurityToken>", NULL);
        }
        /* most expire with the answer: its time is formatted once */
        until = it->expires && it->expires != c->expires
                ? pp_iso8601(p, it->expires) : expires;
        /* NULL: a part could not be computed (RST2's token digest) */
        if ((refs = d->references(p, it, id, ref_type)) == NULL)
            return NULL;
    }
    return apr_pstrcat(p,
        "<wst:RequestSecurityTokenResponse>"
        "<wst:TokenType>", token_type, "</wst:TokenType>"
        "<wsp:AppliesTo xmlns:wsa=\"", d->wsa_ns, "\"><wsa:EndpointReference>"
        "<", where, ">", pp_xml_escape(p, it->address), "</", where, ">"
        "</wsa:EndpointReference></wsp:AppliesTo>"
        "<wst:", d->lifetime, "><wsu:Created>", created, "</wsu:Created>"
        "<wsu:Expires>", until, "</wsu:Expires></wst:", d->lifetime, ">"
        "<wst:RequestedSecurityToken>", token, "</wst:RequestedSecurityToken>",
        refs,
        secret ? "<wst:RequestedProofToken><wst:BinarySecret>" : "",
        secret ? secret : "",
        secret ? "</wst:BinarySecret></wst:RequestedProofToken>" : "",
        "</wst:RequestSecurityTokenResponse>", NULL);
}

const char *pp_rstr_collection(apr_pool_t *p, const pp_rstr_ctx_t *c,
                               const apr_array_header_t *items)
{
    const pp_dialect_t *d = c->dialect;
    const char *created = pp_iso8601(p, c->now);
    const char *expires = pp_iso8601(p, c->expires);
    /* nelts is an int and never negative */
    apr_size_t n = (apr_size_t)items->nelts + 2, total;
    struct iovec *v = apr_palloc(p, sizeof(*v) * n);
    int i;

    v[0].iov_base = apr_pstrcat(p,
        "<wst:RequestSecurityTokenResponseCollection"
        " xmlns:wst=\"", d->wst_ns, "\" xmlns:wsse=\"", d->wsse_ns, "\""
        " xmlns:wsu=\"" PP_NS_WSU "\" xmlns:saml=\"" PP_NS_SAML "\""
        " xmlns:wsp=\"", d->wsp_ns, "\" xmlns:psf=\"" PP_NS_PSF "\">", NULL);
    for (i = 0; i < items->nelts; i++) {
        const char *r = one_response(p, c,
            &APR_ARRAY_IDX(items, i, pp_rstr_item_t), i, created, expires);

        /* NULL: a part could not be computed (the token digest) */
        if (r == NULL)
            return NULL;
        v[i + 1].iov_base = (void *)r;
    }
    v[i + 1].iov_base = "</wst:RequestSecurityTokenResponseCollection>";
    for (i = 0; i < items->nelts + 2; i++)
        v[i].iov_len = strlen(v[i].iov_base);
    return apr_pstrcatv(p, v, n, &total);
}

const char *pp_rstr_render(apr_pool_t *p, const pp_rstr_ctx_t *c,
                           const apr_array_header_t *items)
{
    const pp_dialect_t *d = c->dialect;
    const char *collection = pp_rstr_collection(p, c, items);

    /* never a document with a part missing: our side failed */
    if (collection == NULL)
        return pp_rst_fault(p, c, PP_FAULT_SERVER, "the token digest could "
                            "not be computed");
    return apr_pstrcat(p,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
        "<S:Envelope xmlns:S=\"", d->envelope_ns, "\"><S:Header>",
        d->header_lead ? d->header_lead(p, c) : "",
        pp_rstr_pp(p, c, "0x48803", "0x0", 1), "</S:Header><S:Body>",
        collection, "</S:Body></S:Envelope>", NULL);
}

const char *pp_rst_fault(apr_pool_t *p, const pp_rstr_ctx_t *c,
                         pp_fault_t kind, const char *detail)
{
    return c->dialect->fault(p, c, kind, detail);
}
