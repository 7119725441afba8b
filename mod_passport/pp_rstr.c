/*
 * pp_rstr.c - RST.srf response and fault documents.
 */
#include "pp_rstr.h"
#include "pp_soap.h"
#include "pp_str.h"

#include <apr_strings.h>
#include <apr_time.h>

#define NS_S    "http://schemas.xmlsoap.org/soap/envelope/"
#define NS_PSF  "http://schemas.microsoft.com/Passport/SoapServices/SOAPFault"
#define NS_WST  "http://schemas.xmlsoap.org/ws/2004/04/trust"
#define NS_WSSE "http://schemas.xmlsoap.org/ws/2003/06/secext"
#define NS_WSU  "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
#define NS_SAML "urn:oasis:names:tc:SAML:1.0:assertion"
#define NS_WSP  "http://schemas.xmlsoap.org/ws/2002/12/policy"
#define NS_WSA  "http://schemas.xmlsoap.org/ws/2004/03/addressing"
#define CONFIG_VERSION "3.0.869.0"
#define X509V3 "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3"
#define BASE64_BINARY "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd#Base64Binary"

const char *pp_iso8601(apr_pool_t *p, apr_int64_t t)
{
    apr_time_exp_t x;

    apr_time_exp_gmt(&x, apr_time_from_sec(t));
    return apr_psprintf(p, "%04d-%02d-%02dT%02d:%02d:%02dZ", x.tm_year + 1900,
                        x.tm_mon + 1, x.tm_mday, x.tm_hour, x.tm_min,
                        x.tm_sec);
}

static const char *server_info(apr_pool_t *p, const pp_rstr_ctx_t *c)
{
    return apr_pstrcat(p, "<psf:serverInfo Path=\"Live1\" "
                       "RollingUpgradeState=\"ExclusiveNew\" LocVersion=\"0\" "
                       "ServerTime=\"", pp_iso8601(p, c->now), "\">",
                       pp_xml_escape(p, c->server_info), "</psf:serverInfo>",
                       NULL);
}

static const char *one_response(apr_pool_t *p, const pp_rstr_ctx_t *c,
                                const pp_rstr_item_t *it, int n,
                                const char *created, const char *expires)
{
    const char *id, *token, *ref_type, *token_type = "urn:passport:compact";
    const char *where = it->by_service_name ? "wsa:ServiceName"
                                            : "wsa:Address";

    if (it->x509) {
        /* MS-WSTEP: the certificate as an X.509v3 BinarySecurityToken */
        id = apr_psprintf(p, "PPToken%d", n);
        ref_type = X509V3;
        token_type = X509V3;
        token = apr_pstrcat(p, "<wsse:BinarySecurityToken Id=\"", id,
                            "\" ValueType=\"" X509V3 "\" EncodingType=\""
                            BASE64_BINARY "\">", it->token,
                            "</wsse:BinarySecurityToken>", NULL);
    }
    else if (it->legacy) {
        token_type = "urn:passport:legacy";
        id = apr_psprintf(p, "BinaryDAToken%d", n);
        ref_type = "urn:passport";
        token = apr_pstrcat(p,
            "<EncryptedData xmlns=\"http://www.w3.org/2001/04/xmlenc#\" Id=\"",
            id, "\" Type=\"http://www.w3.org/2001/04/xmlenc#Element\">"
            "<EncryptionMethod Algorithm=\"http://www.w3.org/2001/04/"
            "xmlenc#tripledes-cbc\"/>"
            "<ds:KeyInfo xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\">"
            "<ds:KeyName>http://Passport.NET/STS</ds:KeyName></ds:KeyInfo>"
            "<CipherData><CipherValue>", pp_xml_escape(p, it->token),
            "</CipherValue></CipherData></EncryptedData>", NULL);
    }
    else {
        id = apr_psprintf(p, "Compact%d", n);
        ref_type = "urn:passport:compact";
        token = apr_pstrcat(p, "<wsse:BinarySecurityToken Id=\"", id, "\">",
                            pp_xml_escape(p, it->token),
                            "</wsse:BinarySecurityToken>", NULL);
    }
    (void)c;
    return apr_pstrcat(p,
        "<wst:RequestSecurityTokenResponse>"
        "<wst:TokenType>", token_type, "</wst:TokenType>"
        "<wsp:AppliesTo xmlns:wsa=\"" NS_WSA "\"><wsa:EndpointReference>"
        "<", where, ">", pp_xml_escape(p, it->address), "</", where, ">"
        "</wsa:EndpointReference></wsp:AppliesTo>"
        "<wst:LifeTime><wsu:Created>", created, "</wsu:Created>"
        "<wsu:Expires>", expires, "</wsu:Expires></wst:LifeTime>"
        "<wst:RequestedSecurityToken>", token, "</wst:RequestedSecurityToken>"
        "<wst:RequestedTokenReference><wsse:KeyIdentifier ValueType=\"",
        ref_type, "\"/><wsse:Reference URI=\"#", id, "\"/>"
        "</wst:RequestedTokenReference>",
        it->secret ? "<wst:RequestedProofToken><wst:BinarySecret>" : "",
        it->secret ? it->secret : "",
        it->secret ? "</wst:BinarySecret></wst:RequestedProofToken>" : "",
        "</wst:RequestSecurityTokenResponse>", NULL);
}

const char *pp_rstr_render(apr_pool_t *p, const pp_rstr_ctx_t *c,
                           const apr_array_header_t *items)
{
    const char *created = pp_iso8601(p, c->now);
    const char *expires = pp_iso8601(p, c->expires);
    struct iovec *v = apr_palloc(p, sizeof(*v) * (items->nelts + 2));
    apr_size_t total;
    int i;

    v[0].iov_base = apr_pstrcat(p,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
        "<S:Envelope xmlns:S=\"" NS_S "\">"
        "<S:Header><psf:pp xmlns:psf=\"" NS_PSF "\">"
        "<psf:serverVersion>1</psf:serverVersion>"
        "<psf:PUID>", pp_hex16(p, c->puid), "</psf:PUID>"
        "<psf:configVersion>" CONFIG_VERSION "</psf:configVersion>"
        "<psf:uiVersion>" CONFIG_VERSION "</psf:uiVersion>"
        "<psf:authstate>0x48803</psf:authstate>"
        "<psf:reqstatus>0x0</psf:reqstatus>", server_info(p, c),
        "<psf:cookies/><psf:response/></psf:pp></S:Header>"
        "<S:Body><wst:RequestSecurityTokenResponseCollection"
        " xmlns:wst=\"" NS_WST "\" xmlns:wsse=\"" NS_WSSE "\""
        " xmlns:wsu=\"" NS_WSU "\" xmlns:saml=\"" NS_SAML "\""
        " xmlns:wsp=\"" NS_WSP "\" xmlns:psf=\"" NS_PSF "\">", NULL);
    for (i = 0; i < items->nelts; i++)
        v[i + 1].iov_base = (void *)one_response(p, c,
            &APR_ARRAY_IDX(items, i, pp_rstr_item_t), i, created, expires);
    v[i + 1].iov_base = "</wst:RequestSecurityTokenResponseCollection>"
                        "</S:Body></S:Envelope>";
    for (i = 0; i < items->nelts + 2; i++)
        v[i].iov_len = strlen(v[i].iov_base);
    return apr_pstrcatv(p, v, items->nelts + 2, &total);
}

const char *pp_rst_fault(apr_pool_t *p, const pp_rstr_ctx_t *c,
                         const char *faultcode, const char *faultstring,
                         const char *authstate, const char *reqstatus)
{
    return apr_pstrcat(p,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
        "<S:Envelope xmlns:S=\"" NS_S "\" xmlns:wsse=\"" NS_WSSE "\""
        " xmlns:psf=\"" NS_PSF "\">"
        "<S:Header><psf:pp xmlns:psf=\"" NS_PSF "\">"
        "<psf:serverVersion>1</psf:serverVersion>"
        "<psf:authstate>", authstate, "</psf:authstate>"
        "<psf:reqstatus>", reqstatus, "</psf:reqstatus>", server_info(p, c),
        "<psf:cookies/><psf:response/></psf:pp></S:Header>"
        "<S:Fault><faultcode>", faultcode, "</faultcode>"
        "<faultstring>", pp_xml_escape(p, faultstring), "</faultstring>"
        "</S:Fault></S:Envelope>", NULL);
}
