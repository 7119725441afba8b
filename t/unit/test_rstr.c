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

    doc = pp_rst_fault(p, &c, "wsse:FailedAuthentication",
                       "Authentication Failure", "0x80048800", "0x80048823");
    ok(strstr(doc, "<psf:authstate>0x80048800</psf:authstate><psf:reqstatus>"
              "0x80048823</psf:reqstatus>") != NULL, "fault psf:pp");
    ok(strstr(doc, "</S:Header><S:Fault><faultcode>wsse:FailedAuthentication"
              "</faultcode><faultstring>Authentication Failure</faultstring>"
              "</S:Fault></S:Envelope>") != NULL,
       "S:Fault a direct child of S:Envelope");
    ok(strstr(doc, "xmlns:wsse=\"http://schemas.xmlsoap.org/ws/2003/06/secext\"")
       != NULL, "the wsse prefix of the faultcode is declared");
    return tap_done();
}
