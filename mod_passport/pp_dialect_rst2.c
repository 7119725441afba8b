/*
 * pp_dialect_rst2.c - RST2.srf (MSNP16 to MSNP18, WLM 2009+): SOAP 1.2,
 * WS-Trust 2005/02, WS-Security 1.0; a header with wsa:Action, wsa:To
 * and a timestamp; psf:pp with the account's credProperties; attached
 * and unattached references holding the token's SHA-1 digest; SOAP 1.2
 * faults inside S:Body (shared/specs/passport-rst2-srf.md).
 */
#include "pp_rstr.h"
#include "pp_soap.h"
#include "pp_str.h"

#include <apr_strings.h>
#include <apr_lib.h>

#define NS_S    "http://www.w3.org/2003/05/soap-envelope"
#define NS_WSSE "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
#define NS_WSA  "http://www.w3.org/2005/08/addressing"
#define NS_WST  "http://schemas.xmlsoap.org/ws/2005/02/trust"
#define TIMESTAMP_LIFETIME 300

static const char *header_lead(apr_pool_t *p, const pp_rstr_ctx_t *c)
{
    return apr_pstrcat(p,
        "<wsa:Action xmlns:wsa=\"" NS_WSA "\" xmlns:wsu=\"" PP_NS_WSU "\""
        " wsu:Id=\"Action\" S:mustUnderstand=\"1\">"
        NS_WST "/RSTR/Issue</wsa:Action>"
        "<wsa:To xmlns:wsa=\"" NS_WSA "\" xmlns:wsu=\"" PP_NS_WSU "\""
        " wsu:Id=\"To\" S:mustUnderstand=\"1\">"
        "http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous"
        "</wsa:To>"
        "<wsse:Security xmlns:wsse=\"" NS_WSSE "\" S:mustUnderstand=\"1\">"
        "<wsu:Timestamp xmlns:wsu=\"" PP_NS_WSU "\" wsu:Id=\"TS\">"
        "<wsu:Created>", pp_iso8601(p, c->now), "</wsu:Created>"
        "<wsu:Expires>", pp_iso8601(p, c->now + TIMESTAMP_LIFETIME),
        "</wsu:Expires></wsu:Timestamp></wsse:Security>", NULL);
}

/* The 16 hex digits of a CID, as WLM shows them (lower case). */
static const char *cid_hex(apr_pool_t *p, apr_uint64_t cid)
{
    char *s = apr_pstrdup(p, pp_hex16(p, cid)), *c;

    for (c = s; *c; c++)
        *c = (char)apr_tolower(*c);
    return s;
}

static const char *pp_account(apr_pool_t *p, const pp_rstr_ctx_t *c)
{
    const char *cid = cid_hex(p, c->cid);

    return apr_pstrcat(p,
        "<psf:credProperties>"
        "<psf:credProperty Name=\"MainBrandID\">MSFT</psf:credProperty>"
        "<psf:credProperty Name=\"BrandIDList\"></psf:credProperty>"
        "<psf:credProperty Name=\"IsWinLiveUser\">true</psf:credProperty>"
        "<psf:credProperty Name=\"CID\">", cid, "</psf:credProperty>"
        "<psf:credProperty Name=\"AuthMembername\">",
        pp_xml_escape(p, c->signin), "</psf:credProperty>"
        "<psf:credProperty Name=\"Country\">US</psf:credProperty>"
        "<psf:credProperty Name=\"Language\">1033</psf:credProperty>"
        "<psf:credProperty Name=\"FirstName\"></psf:credProperty>"
        "<psf:credProperty Name=\"LastName\"></psf:credProperty>"
        "<psf:credProperty Name=\"ChildFlags\">00000001</psf:credProperty>"
        "<psf:credProperty Name=\"Flags\">40100643</psf:credProperty>"
        "</psf:credProperties>"
        "<psf:extProperties>"
        "<psf:extProperty Name=\"CID\">", cid, "</psf:extProperty>"
        "</psf:extProperties>", NULL);
}

static const char *references(apr_pool_t *p, const pp_rstr_item_t *it,
                              const char *id, const char *value_type)
{
    const char *digest = pp_token_digest(p, it->token), *ref;

    (void)id;
    (void)value_type;
    if (digest == NULL)
        return NULL;
    ref = apr_pstrcat(p, "<wsse:SecurityTokenReference><wsse:Reference "
                      "URI=\"", digest, "\"/></wsse:SecurityTokenReference>",
                      NULL);
    return apr_pstrcat(p, "<wst:RequestedAttachedReference>", ref,
                       "</wst:RequestedAttachedReference>"
                       "<wst:RequestedUnattachedReference>", ref,
                       "</wst:RequestedUnattachedReference>", NULL);
}

static const char *fault(apr_pool_t *p, const pp_rstr_ctx_t *c,
                         pp_fault_t kind, const char *detail)
{
    const char *code = "S:Sender", *subcode, *reason, *value, *internal;
    const char *text, *reqstatus;

    switch (kind) {
    case PP_FAULT_AUTH:
        subcode = "wst:FailedAuthentication";
        reason = "Authentication Failure";
        value = reqstatus = "0x80048821";
        internal = "0x80041012";
        /* the CR LF as character references, as the captured answers
         * carry them (an XML parser would fold a raw CR LF to LF) */
        text = NULL;
        break;
    case PP_FAULT_CLIENT:
        subcode = "wst:InvalidRequest";
        reason = "Invalid Request";
        value = reqstatus = "0x80048820";
        internal = "0x80045c01";
        text = apr_pstrcat(p, "Invalid STS request. ", detail, NULL);
        break;
    default:
        code = "S:Receiver";
        subcode = NULL;
        reason = detail;
        value = reqstatus = "0x80004005";
        internal = "0x80004005";
        text = detail;
    }
    return apr_pstrcat(p,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
        "<S:Envelope xmlns:S=\"" NS_S "\" xmlns:wst=\"" NS_WST "\""
        " xmlns:psf=\"" PP_NS_PSF "\"><S:Header>",
        pp_rstr_pp(p, c, "0x80048800", reqstatus, 0), "</S:Header>"
        "<S:Body><S:Fault><S:Code><S:Value>", code, "</S:Value>",
        subcode ? "<S:Subcode><S:Value>" : "", subcode ? subcode : "",
        subcode ? "</S:Value></S:Subcode>" : "",
        "</S:Code><S:Reason><S:Text xml:lang=\"en-US\">",
        pp_xml_escape(p, reason), "</S:Text></S:Reason>"
        "<S:Detail><psf:error><psf:value>", value, "</psf:value>"
        "<psf:internalerror><psf:code>", internal, "</psf:code>"
        "<psf:text>", text ? pp_xml_escape(p, text)
                           : "The entered and stored passwords do not match."
                             "&#x000D;&#x000A;", "</psf:text>"
        "</psf:internalerror></psf:error></S:Detail>"
        "</S:Fault></S:Body></S:Envelope>", NULL);
}

static const char *refusal(apr_pool_t *p, const char *why)
{
    return apr_pstrcat(p, "<S:Fault><S:Code><S:Value>S:Sender</S:Value>"
                       "<S:Subcode><S:Value>wst:InvalidScope</S:Value>"
                       "</S:Subcode></S:Code><S:Reason><S:Text xml:lang="
                       "\"en-US\">", pp_xml_escape(p, why), "</S:Text>"
                       "</S:Reason></S:Fault>", NULL);
}

const pp_dialect_t pp_dialect_rst2 = {
    "RST2.srf",
    /* SOAP 1.2's own media type (RFC 3902) */
    "application/soap+xml; charset=utf-8",
    NS_S,
    NS_WST,
    NS_WSSE,
    "http://schemas.xmlsoap.org/ws/2004/09/policy",
    NS_WSA,
    "Lifetime",
    "<psf:mobileConfigVersion>16.000.26208.0</psf:mobileConfigVersion>"
    "<psf:appDataVersion>1</psf:appDataVersion>",
    header_lead,
    pp_account,
    references,
    fault,
    refusal
};
