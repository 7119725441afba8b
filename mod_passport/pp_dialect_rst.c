/*
 * pp_dialect_rst.c - RST.srf (MSNP12 to MSNP15): SOAP 1.1, WS-Trust
 * 2004/04, RequestedTokenReference, and faults as libpurple parses
 * them: S:Fault a direct child of S:Envelope.
 */
#include "pp_rstr.h"
#include "pp_soap.h"

#include <apr_strings.h>

#define NS_S    "http://schemas.xmlsoap.org/soap/envelope/"
#define NS_WSSE "http://schemas.xmlsoap.org/ws/2003/06/secext"

static const char *references(apr_pool_t *p, const pp_rstr_item_t *it,
                              const char *id, const char *value_type)
{
    (void)it;
    return apr_pstrcat(p, "<wst:RequestedTokenReference><wsse:KeyIdentifier "
                       "ValueType=\"", value_type, "\"/><wsse:Reference URI=\"#",
                       id, "\"/></wst:RequestedTokenReference>", NULL);
}

static const char *fault(apr_pool_t *p, const pp_rstr_ctx_t *c,
                         pp_fault_t kind, const char *detail)
{
    const char *code, *string, *reqstatus;

    switch (kind) {
    case PP_FAULT_AUTH:
        code = "wsse:FailedAuthentication";
        string = "Authentication Failure";
        reqstatus = "0x80048823";
        break;
    case PP_FAULT_CLIENT:
        code = "S:Client";
        string = apr_pstrcat(p, "Invalid Request: ", detail, NULL);
        reqstatus = "0x80048820";
        break;
    default:
        code = "S:Server";
        string = detail;
        reqstatus = "0x80004005";
    }
    return apr_pstrcat(p,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
        "<S:Envelope xmlns:S=\"" NS_S "\" xmlns:wsse=\"" NS_WSSE "\""
        " xmlns:psf=\"" PP_NS_PSF "\"><S:Header>",
        pp_rstr_pp(p, c, "0x80048800", reqstatus, 0), "</S:Header>"
        "<S:Fault><faultcode>", code, "</faultcode>"
        "<faultstring>", pp_xml_escape(p, string), "</faultstring>"
        "</S:Fault></S:Envelope>", NULL);
}

static const char *refusal(apr_pool_t *p, const char *why)
{
    return apr_pstrcat(p, "<S:Fault><faultcode>wst:InvalidScope</faultcode>"
                       "<faultstring>", pp_xml_escape(p, why),
                       "</faultstring></S:Fault>", NULL);
}

const pp_dialect_t pp_dialect_rst = {
    "RST.srf",
    "text/xml; charset=utf-8",
    NS_S,
    "http://schemas.xmlsoap.org/ws/2004/04/trust",
    NS_WSSE,
    "http://schemas.xmlsoap.org/ws/2002/12/policy",
    "http://schemas.xmlsoap.org/ws/2004/03/addressing",
    "LifeTime",
    NULL,
    NULL,
    NULL,
    references,
    fault,
    refusal
};
