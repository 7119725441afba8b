/* Unit tests for pp_soap.c: the reference requests, namespace (not
 * prefix) matching, and hostile bodies. */
#include "tap.h"
#include "pp_soap.h"

#include <apr_file_io.h>

static char *slurp(apr_pool_t *p, const char *path, apr_size_t *len)
{
    apr_file_t *f;
    apr_finfo_t fi;
    char *buf;

    if (apr_file_open(&f, path, APR_FOPEN_READ, 0, p) != APR_SUCCESS
        || apr_file_info_get(&fi, APR_FINFO_SIZE, f) != APR_SUCCESS)
        return NULL;
    buf = apr_palloc(p, (apr_size_t)fi.size + 1);
    *len = (apr_size_t)fi.size;
    apr_file_read_full(f, buf, *len, len);
    buf[*len] = '\0';
    apr_file_close(f);
    return buf;
}

static pp_soap_status_t parse(apr_pool_t *p, const char *doc,
                              pp_rst_req_t *req, const char **err)
{
    return pp_soap_parse_rst(p, doc, strlen(doc), req, err);
}

static const pp_rst_item_t *item(const pp_rst_req_t *r, int i)
{
    return &APR_ARRAY_IDX(r->items, i, pp_rst_item_t);
}

#define ENV_OPEN "<S:Envelope xmlns:S=\"http://schemas.xmlsoap.org/soap/envelope/\">"
#define RST(addr) "<wst:RequestSecurityToken xmlns:wst=\"http://schemas.xmlsoap.org/ws/2004/04/trust\"><wsp:AppliesTo xmlns:wsp=\"http://schemas.xmlsoap.org/ws/2002/12/policy\"><wsa:EndpointReference xmlns:wsa=\"http://schemas.xmlsoap.org/ws/2004/03/addressing\"><wsa:Address>" addr "</wsa:Address></wsa:EndpointReference></wsp:AppliesTo></wst:RequestSecurityToken>"

int main(void)
{
    apr_pool_t *p = tap_start();
    pp_rst_req_t req;
    const char *err = NULL, *ticket = NULL;
    pp_soap_status_t st;
    char *doc, *deep;
    apr_size_t len = 0;
    int i;

    pp_soap_init(p);

    doc = slurp(p, tap_srcpath(p, "t/data/rst-msnp15.xml"), &len);
    if (!ok(doc != NULL, "read t/data/rst-msnp15.xml"))
        return tap_done();
    ok(pp_soap_parse_rst(p, doc, len, &req, &err) == PP_SOAP_OK,
       "MSNP15 reference request parses");
    is_str(req.username, "@USER@", "Username");
    is_str(req.password, "@PASSWORD@", "Password");
    ok(req.items->nelts == 4 && !req.soap12 && !req.trust2005,
       "four tokens, SOAP 1.1, trust 2004/04");
    is_str(item(&req, 0)->address, "http://Passport.NET/tb", "RST0 address");
    ok(item(&req, 0)->policy == NULL, "RST0 has no policy");
    is_str(item(&req, 1)->address, "messengerclear.live.com", "RST1 address");
    is_str(item(&req, 1)->policy, "MBI_KEY_OLD", "RST1 policy");
    is_str(item(&req, 2)->policy, "?id=507", "RST2 policy");
    is_str(item(&req, 3)->address, "contacts.msn.com", "RST3 address");

    doc = slurp(p, tap_srcpath(p, "t/data/rst-msnp12.xml"), &len);
    ok(doc && pp_soap_parse_rst(p, doc, len, &req, &err) == PP_SOAP_OK
       && req.items->nelts == 2 && strncmp(item(&req, 1)->policy,
                                           "?ct=1062764229&rver=", 20) == 0,
       "MSNP12 request: entities in the policy URI decoded");

    /* prefixes are free; namespaces decide */
    ok(parse(p, "<Envelope xmlns=\"http://schemas.xmlsoap.org/soap/envelope/\">"
             "<Header><x:Security xmlns:x=\"http://schemas.xmlsoap.org/ws/2003/06/secext\">"
             "<x:UsernameToken><x:Username> bob@example.com </x:Username>"
             "<x:Password>p&amp;w</x:Password></x:UsernameToken></x:Security></Header>"
             "<Body>" RST("contacts.msn.com") "</Body></Envelope>",
             &req, &err) == PP_SOAP_OK, "default namespace and odd prefixes");
    is_str(req.username, "bob@example.com", "text trimmed");
    is_str(req.password, "p&w", "entities decoded");
    /* text is all of an element's text, in order, CDATA and references
     * included; an attribute's '&' comes back as itself */
    ok(parse(p, "<Envelope xmlns=\"http://schemas.xmlsoap.org/soap/envelope/\">"
             "<Header><x:Security xmlns:x=\"http://schemas.xmlsoap.org/ws/2003/06/secext\">"
             "<x:UsernameToken><x:Username>al<i>ic</i>e&#64;exa<![CDATA[mple]]>.com"
             "</x:Username><x:Password>  </x:Password></x:UsernameToken>"
             "</x:Security></Header><Body><wst:RequestSecurityToken "
             "xmlns:wst=\"http://schemas.xmlsoap.org/ws/2004/04/trust\">"
             "<wsp:AppliesTo xmlns:wsp=\"http://schemas.xmlsoap.org/ws/2002/12/policy\">"
             "<wsa:EndpointReference xmlns:wsa=\"http://schemas.xmlsoap.org/ws/2004/03/addressing\">"
             "<wsa:Address>contacts.msn.com</wsa:Address></wsa:EndpointReference>"
             "</wsp:AppliesTo><p:PolicyReference xmlns:p=\"http://schemas.xmlsoap.org/ws/2003/06/secext\" "
             "URI=\"?a=1&amp;b=&#38;&lt;&#x26;\"/></wst:RequestSecurityToken></Body></Envelope>",
             &req, &err) == PP_SOAP_OK, "mixed content and references");
    is_str(req.username, "alice@example.com", "text across a child, a "
           "reference and CDATA");
    is_str(req.password, "", "a password of blanks is there, trimmed");
    is_str(item(&req, 0)->policy, "?a=1&b=&<&", "attribute references "
           "decoded");
    {
        /* a long text comes from libxml2 in pieces: joined whole */
        apr_size_t n = 100000, k;
        char *big = apr_palloc(p, n + 1), *got;
        int same = 1;

        for (k = 0; k < n; k++)
            big[k] = (char)('a' + k % 26);
        big[n] = '\0';
        ok(parse(p, apr_pstrcat(p, "<Envelope xmlns=\"http://schemas.xmlsoap.org/soap/envelope/\">"
                 "<Header><x:Security xmlns:x=\"http://schemas.xmlsoap.org/ws/2003/06/secext\">"
                 "<x:UsernameToken><x:Username>u@example.com</x:Username><x:Password>",
                 big, "</x:Password></x:UsernameToken></x:Security></Header>"
                 "<Body>" RST("contacts.msn.com") "</Body></Envelope>", NULL),
                 &req, &err) == PP_SOAP_OK, "a 100000-character password parses");
        got = (char *)req.password;
        for (k = 0; got && k < n && same; k++)
            same = got[k] == big[k];
        ok(got && strlen(got) == n && same, "and comes back whole, in order");
    }
    ok(req.items->nelts == 1, "a single RequestSecurityToken in the Body");

    st = parse(p, "<S:Envelope xmlns:S=\"urn:not-soap\"><S:Body>" RST("x")
               "</S:Body></S:Envelope>", &req, &err);
    ok(st == PP_SOAP_NOT_ENVELOPE, "wrong envelope namespace refused (%s)",
       err);
    st = parse(p, ENV_OPEN "<S:Body><wst:RequestSecurityToken xmlns:wst=\"urn:x\"/>"
               "</S:Body></S:Envelope>", &req, &err);
    ok(st == PP_SOAP_NO_TOKENS, "RST in a wrong namespace is no token (%s)",
       err);
    ok(parse(p, ENV_OPEN "<S:Header/></S:Envelope>", &req, &err)
       == PP_SOAP_NO_BODY, "no Body");
    ok(parse(p, ENV_OPEN "<S:Body/></S:Envelope>", &req, &err)
       == PP_SOAP_NO_TOKENS, "empty Body: no token requested");
    ok(parse(p, ENV_OPEN "<S:Body>" RST("") "</S:Body></S:Envelope>", &req,
             &err) == PP_SOAP_BAD_TOKEN, "empty address refused");
    ok(pp_soap_parse_rst(p, "", 0, &req, &err) == PP_SOAP_EMPTY, "empty body");
    st = parse(p, "<S:Envelope", &req, &err);
    ok(st == PP_SOAP_MALFORMED, "truncated XML (%s)", err);
    st = parse(p, "<a>\xff\xfe</a>", &req, &err);
    ok(st == PP_SOAP_MALFORMED, "invalid UTF-8 refused (%s)", err);
    ok(strstr(err, "0xFF") == NULL && strstr(err, "Bytes") == NULL,
       "the reason quotes none of the input's bytes");
    ok(parse(p, "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
             "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]>"
             "<lolz>&lol2;</lolz>", &req, &err) == PP_SOAP_DOCTYPE,
       "billion laughs refused as a DOCTYPE");
    ok(parse(p, "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "
             "\"file:///etc/passwd\">]><x>&xxe;</x>", &req, &err)
       == PP_SOAP_DOCTYPE, "external entity refused");
    ok(parse(p, "<!DOCTYPE x SYSTEM \"http://127.0.0.1:1/x.dtd\"><x/>", &req,
             &err) == PP_SOAP_DOCTYPE, "external DTD refused");

    deep = apr_pstrdup(p, ENV_OPEN "<S:Body>");
    for (i = 0; i < 40; i++)
        deep = apr_pstrcat(p, deep, "<a>", NULL);
    for (i = 0; i < 40; i++)
        deep = apr_pstrcat(p, deep, "</a>", NULL);
    deep = apr_pstrcat(p, deep, "</S:Body></S:Envelope>", NULL);
    ok(parse(p, deep, &req, &err) == PP_SOAP_TOO_DEEP, "40 levels: too deep");
    is_str(err, "elements nested deeper than 32", "and the reason says so");
    {
        apr_size_t n = 10000, k = 0;
        char *d = apr_palloc(p, n * 7 + 1);

        for (i = 0; i < (int)n; i++) { memcpy(d + k, "<a>", 3); k += 3; }
        for (i = 0; i < (int)n; i++) { memcpy(d + k, "</a>", 4); k += 4; }
        d[k] = '\0';
        st = parse(p, d, &req, &err);
        ok(st == PP_SOAP_TOO_DEEP, "10,000 levels: too deep, not malformed "
           "(%s)", err);
        is_str(err, "elements nested deeper than 32",
               "by our limit, not libxml2's");
    }
    /* the limit is ours, exact, and met while reading: the root is level
     * 1, level PP_SOAP_MAX_DEPTH is fine, one more is too deep even when
     * the document would be malformed further on */
    {
        char *d = apr_pstrdup(p, ENV_OPEN "<S:Body>");

        for (i = 2; i < PP_SOAP_MAX_DEPTH; i++)
            d = apr_pstrcat(p, d, "<a>", NULL);
        for (i = 2; i < PP_SOAP_MAX_DEPTH; i++)
            d = apr_pstrcat(p, d, "</a>", NULL);
        d = apr_pstrcat(p, d, "</S:Body></S:Envelope>", NULL);
        st = parse(p, d, &req, &err);
        ok(st == PP_SOAP_NO_TOKENS, "exactly %d levels are not too deep (%s)",
           PP_SOAP_MAX_DEPTH, err);
        d = apr_pstrdup(p, ENV_OPEN "<S:Body>");
        for (i = 2; i < PP_SOAP_MAX_DEPTH + 1; i++)
            d = apr_pstrcat(p, d, "<a>", NULL);
        d = apr_pstrcat(p, d, "<unclosed", NULL);
        st = parse(p, d, &req, &err);
        ok(st == PP_SOAP_TOO_DEEP, "%d levels, then truncated: too deep (%s)",
           PP_SOAP_MAX_DEPTH + 1, err);
        ok(pp_soap_find_ticket(p, d, strlen(d), &ticket, &err)
           == PP_SOAP_TOO_DEEP, "pp_soap_find_ticket has the same limit");
    }
    {
        char *many = apr_pstrdup(p, ENV_OPEN "<S:Body><ps:RequestMultipleSecurityTokens "
                                 "xmlns:ps=\"http://schemas.microsoft.com/Passport/SoapServices/PPCRL\">");
        for (i = 0; i < PP_SOAP_MAX_TOKENS + 1; i++)
            many = apr_pstrcat(p, many, RST("contacts.msn.com"), NULL);
        many = apr_pstrcat(p, many, "</ps:RequestMultipleSecurityTokens></S:Body></S:Envelope>", NULL);
        ok(parse(p, many, &req, &err) == PP_SOAP_TOO_MANY_TOKENS,
           "too many tokens refused");
    }

    /* Each thread keeps its parser context from one parse to the next
     * (pp_soap_init): after every failure above (stopped, truncated, bad
     * bytes, too deep), after another encoding, and after a document of
     * more names than a kept context may hold, a request parses as the
     * first one did. */
    {
        char *names = apr_pstrdup(p, ENV_OPEN "<S:Body>");
        const char *head = "<Envelope xmlns=\"http://schemas.xmlsoap.org/soap/envelope/\">"
            "<Header><x:Security xmlns:x=\"http://schemas.xmlsoap.org/ws/2003/06/secext\">"
            "<x:UsernameToken><x:Username>";
        const char *tail = "</x:Username><x:Password>pw</x:Password></x:UsernameToken>"
            "</x:Security></Header><Body>" RST("contacts.msn.com") "</Body></Envelope>";

        for (i = 0; i < 600; i++)
            names = apr_psprintf(p, "%s<n%d/>", names, i);
        names = apr_pstrcat(p, names, "</S:Body></S:Envelope>", NULL);
        ok(parse(p, names, &req, &err) == PP_SOAP_NO_TOKENS,
           "a document of 600 names parses");
        ok(parse(p, apr_pstrcat(p, "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>",
                                head, "caf\xe9@example.com", tail, NULL),
                 &req, &err) == PP_SOAP_OK
           && strcmp(req.username, "caf\xc3\xa9@example.com") == 0,
           "a Latin-1 request: its name in UTF-8");
        ok(parse(p, apr_pstrcat(p, head, "again@example.com", tail, NULL),
                 &req, &err) == PP_SOAP_OK
           && strcmp(req.username, "again@example.com") == 0,
           "the next, in UTF-8 with no declaration, is read as UTF-8");
        doc = slurp(p, tap_srcpath(p, "t/data/rst-msnp15.xml"), &len);
        ok(doc && pp_soap_parse_rst(p, doc, len, &req, &err) == PP_SOAP_OK
           && strcmp(req.username, "@USER@") == 0
           && strcmp(req.password, "@PASSWORD@") == 0
           && req.items->nelts == 4
           && strcmp(item(&req, 3)->address, "contacts.msn.com") == 0,
           "and the reference request parses as the first time");
        /* the same, in one context after another: each thread's own */
        pp_soap_init(NULL);
        ok(doc && pp_soap_parse_rst(p, doc, len, &req, &err) == PP_SOAP_OK
           && strcmp(req.username, "@USER@") == 0,
           "pp_soap_init again changes nothing");
    }

    is_str(pp_xml_escape(p, "a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c'",
           "XML escaping");
    is_str(pp_xml_escape(p, "plain"), "plain", "nothing to escape");
    return tap_done();
}
