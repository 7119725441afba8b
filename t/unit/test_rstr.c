/* Unit tests for pp_rstr.c: the response and fault documents. */
#include "tap.h"
#include "pp_rstr.h"

int main(void)
{
    apr_pool_t *p = tap_start();
    pp_rstr_ctx_t c = { 0 };
    apr_array_header_t *items = apr_array_make(p, 2, sizeof(pp_rstr_item_t));
    pp_rstr_item_t *it;
    const char *doc;

    is_str(pp_iso8601(p, 1732286720), "2024-11-22T14:45:20Z", "ISO 8601");
    c.puid = APR_UINT64_C(0x0000000100000002);
    c.now = 1732286720;
    c.expires = 1732373120;
    c.server_info = "mod_passport 2024.11.22.14.45.20";
    c.dialect = &pp_dialect_rst;
    c.cid = APR_UINT64_C(0x00AB00CD00EF0012);
    c.signin = "alice@example.com";

    it = apr_array_push(items);
    it->address = "http://Passport.NET/tb";
    it->legacy = 1;
    it->token = "TICKET0";
    it->secret = "SECRET0";
    it = apr_array_push(items);
    it->address = "messenger.msn.com";
    it->token = "t=T1&p=P1";
    doc = pp_rstr_render(p, &c, items);

#define HEAD_OPEN "<?xml version=\"1.0\" encoding=\"utf-8\"?><S:Envelope " \
    "xmlns:S=\"http://schemas.xmlsoap.org/soap/envelope/\"><S:Header>" \
    "<psf:pp xmlns:psf=\"http://schemas.microsoft.com/Passport/" \
    "SoapServices/SOAPFault\"><psf:serverVersion>1</psf:serverVersion>" \
    "<psf:PUID>0000000100000002</psf:PUID>"
    ok(strncmp(doc, HEAD_OPEN, strlen(HEAD_OPEN)) == 0,
       "envelope and header open as the reference");
    ok(strstr(doc, "<psf:authstate>0x48803</psf:authstate><psf:reqstatus>0x0"
              "</psf:reqstatus><psf:serverInfo Path=\"Live1\" RollingUpgradeState"
              "=\"ExclusiveNew\" LocVersion=\"0\" ServerTime=\"2024-11-22T14:45:20Z\">"
              "mod_passport 2024.11.22.14.45.20</psf:serverInfo><psf:cookies/>"
              "<psf:response/></psf:pp></S:Header>") != NULL,
       "authstate, reqstatus, serverInfo, cookies, response");
    ok(strstr(doc, "Id=\"BinaryDAToken0\"") && strstr(doc, "<CipherValue>TICKET0"
              "</CipherValue>") && strstr(doc, "<wsse:Reference URI=\"#BinaryDAToken0\"/>")
       && strstr(doc, "<wst:BinarySecret>SECRET0</wst:BinarySecret>"),
       "legacy token, reference and proof");
    ok(strstr(doc, "<wsse:BinarySecurityToken Id=\"Compact1\">t=T1&amp;p=P1"
              "</wsse:BinarySecurityToken>") != NULL, "compact token escaped, Id by index");
    ok(strstr(doc, "<wsu:Created>2024-11-22T14:45:20Z</wsu:Created><wsu:Expires>"
              "2024-11-23T14:45:20Z</wsu:Expires>") != NULL, "LifeTime");
    ok(strstr(doc, ">\n") == NULL && strstr(doc, "> <") == NULL
       && strstr(doc, ">\t") == NULL, "no whitespace between elements");
    ok(strstr(doc, "</wst:RequestSecurityTokenResponse><wst:RequestSecurityTokenResponse>")
       != NULL, "responses back to back");

    it = apr_array_push(items);
    it->address = "<evil&>";
    it->token = "t";
    doc = pp_rstr_render(p, &c, items);
    ok(strstr(doc, "<wsa:Address>&lt;evil&amp;&gt;</wsa:Address>") != NULL,
       "requested address escaped");

    doc = pp_rst_fault(p, &c, PP_FAULT_AUTH, "wrong password");
    ok(strstr(doc, "<psf:authstate>0x80048800</psf:authstate><psf:reqstatus>"
              "0x80048823</psf:reqstatus>") != NULL, "fault psf:pp");
    ok(strstr(doc, "</S:Header><S:Fault><faultcode>wsse:FailedAuthentication"
              "</faultcode><faultstring>Authentication Failure</faultstring>"
              "</S:Fault></S:Envelope>") != NULL,
       "S:Fault a direct child of S:Envelope");
    ok(strstr(doc, "xmlns:wsse=\"http://schemas.xmlsoap.org/ws/2003/06/secext\"")
       != NULL, "the wsse prefix of the faultcode is declared");
    ok(strstr(doc, "wrong password") == NULL, "the log's detail stays out");
    doc = pp_rst_fault(p, &c, PP_FAULT_CLIENT, "no token requested");
    ok(strstr(doc, "<faultcode>S:Client</faultcode><faultstring>Invalid "
              "Request: no token requested</faultstring>") != NULL
       && strstr(doc, "<psf:reqstatus>0x80048820</psf:reqstatus>") != NULL,
       "client fault");

    /* ---- RST2 ---- */
    c.dialect = &pp_dialect_rst2;
    items->nelts = 2;
    doc = pp_rstr_render(p, &c, items);
    ok(strstr(doc, "<S:Envelope xmlns:S=\"http://www.w3.org/2003/05/soap-"
              "envelope\"><S:Header><wsa:Action ") != NULL,
       "RST2: SOAP 1.2 envelope, header opens with wsa:Action");
    ok(strstr(doc, "wsu:Id=\"Action\" S:mustUnderstand=\"1\">http://schemas."
              "xmlsoap.org/ws/2005/02/trust/RSTR/Issue</wsa:Action>") != NULL,
       "RST2: Action");
    ok(strstr(doc, "<wsu:Timestamp xmlns:wsu=\"http://docs.oasis-open.org/"
              "wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd\" "
              "wsu:Id=\"TS\"><wsu:Created>2024-11-22T14:45:20Z</wsu:Created>"
              "<wsu:Expires>2024-11-22T14:50:20Z</wsu:Expires>") != NULL,
       "RST2: timestamp, five minutes");
    ok(strstr(doc, "<psf:credProperty Name=\"CID\">00ab00cd00ef0012"
              "</psf:credProperty><psf:credProperty Name=\"AuthMembername\">"
              "alice@example.com</psf:credProperty>") != NULL,
       "RST2: CID and AuthMembername");
    ok(strstr(doc, "<wst:Lifetime><wsu:Created>") != NULL
       && strstr(doc, "LifeTime") == NULL, "RST2: wst:Lifetime");
    ok(strstr(doc, "<wst:RequestedAttachedReference><wsse:SecurityTokenReference>"
              "<wsse:Reference URI=\"" ) != NULL
       && strstr(doc, "RequestedTokenReference") == NULL,
       "RST2: attached references instead of RequestedTokenReference");
    /* the digest computed elsewhere (openssl sha1 -binary | base64), not
     * by the function under test */
    ok(strstr(doc, "<wsse:Reference URI=\"DCs9cKYPKGKKGa0Zl4oqAUPUX70=\"/>"
              "</wsse:SecurityTokenReference></wst:RequestedAttachedReference>")
       != NULL, "RST2: the reference is the token's SHA-1 digest");
    is_str(pp_token_digest(p, "t=T1&p=P1"), "DCs9cKYPKGKKGa0Zl4oqAUPUX70=",
           "SHA-1 of a compact token");
    is_str(pp_token_digest(p, ""), "2jmj7l5rSw0yVb/vlWAYkK/YBwk=",
           "SHA-1 of the empty string, as revival servers send");
    ok(strstr(doc, ">\n") == NULL && strstr(doc, "> <") == NULL,
       "RST2: no whitespace between elements");

    doc = pp_rst_fault(p, &c, PP_FAULT_AUTH, "x");
    ok(strstr(doc, "<S:Body><S:Fault><S:Code><S:Value>S:Sender</S:Value>"
              "<S:Subcode><S:Value>wst:FailedAuthentication</S:Value></S:Subcode>"
              "</S:Code><S:Reason><S:Text xml:lang=\"en-US\">Authentication "
              "Failure</S:Text></S:Reason><S:Detail><psf:error><psf:value>"
              "0x80048821</psf:value><psf:internalerror><psf:code>0x80041012"
              "</psf:code><psf:text>The entered and stored passwords do not "
              "match.&#x000D;&#x000A;</psf:text></psf:internalerror>"
              "</psf:error></S:Detail>"
              "</S:Fault></S:Body>") != NULL, "RST2: authentication fault");
    ok(strstr(doc, "<psf:authstate>0x80048800</psf:authstate><psf:reqstatus>"
              "0x80048821</psf:reqstatus>") != NULL, "RST2: fault psf:pp");
    doc = pp_rst_fault(p, &c, PP_FAULT_CLIENT, "no token requested");
    ok(strstr(doc, "<S:Value>wst:InvalidRequest</S:Value>") != NULL
       && strstr(doc, ">Invalid Request</S:Text>") != NULL
       && strstr(doc, "<psf:value>0x80048820</psf:value><psf:internalerror>"
                 "<psf:code>0x80045c01</psf:code><psf:text>Invalid STS "
                 "request. no token requested</psf:text>") != NULL,
       "RST2: invalid request fault");

    ok(pp_iso8601_parse("2024-11-22T14:45:20Z") == 1732286720, "ISO 8601 back");
    ok(pp_iso8601_parse("2024-11-22T14:45:20.123Z") == 1732286720,
       "with fractions");
    ok(pp_iso8601_parse("2024-11-22 14:45:20") == -1
       && pp_iso8601_parse("2024-13-22T14:45:20Z") == -1
       && pp_iso8601_parse("") == -1 && pp_iso8601_parse(NULL) == -1,
       "junk refused");
    return tap_done();
}
