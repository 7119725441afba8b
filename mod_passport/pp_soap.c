/*
 * pp_soap.c - safe libxml2 parsing of RST envelopes.
 */
#include "pp_soap.h"

#include <apr_strings.h>
#include <apr_lib.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/c14n.h>
#include <string.h>

/* Namespaces, by URI. Each list covers the versions clients send. */
static const char *const NS_SOAP[] = {
    "http://schemas.xmlsoap.org/soap/envelope/",
    "http://www.w3.org/2003/05/soap-envelope", NULL };
#define NS_SOAP12 "http://www.w3.org/2003/05/soap-envelope"
static const char *const NS_WSSE[] = {
    "http://schemas.xmlsoap.org/ws/2003/06/secext",
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd",
    NULL };
static const char *const NS_WSU[] = {
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd",
    NULL };
static const char *const NS_WST[] = {
    "http://schemas.xmlsoap.org/ws/2004/04/trust",
    "http://schemas.xmlsoap.org/ws/2005/02/trust", NULL };
#define NS_WST2005 "http://schemas.xmlsoap.org/ws/2005/02/trust"
static const char *const NS_WSP[] = {
    "http://schemas.xmlsoap.org/ws/2002/12/policy",
    "http://schemas.xmlsoap.org/ws/2004/09/policy", NULL };
static const char *const NS_WSA[] = {
    "http://schemas.xmlsoap.org/ws/2004/03/addressing",
    "http://www.w3.org/2005/08/addressing", NULL };
static const char *const NS_PS[] = {
    "http://schemas.microsoft.com/Passport/SoapServices/PPCRL", NULL };
/* renewal (pp_rst_renew_t) */
static const char *const NS_XENC[] = {
    "http://www.w3.org/2001/04/xmlenc#", NULL };
static const char *const NS_DS[] = {
    "http://www.w3.org/2000/09/xmldsig#", NULL };
static const char *const NS_WSSC[] = {
    "http://schemas.xmlsoap.org/ws/2004/04/sc", NULL };
#define ALG_EXC_C14N "http://www.w3.org/2001/10/xml-exc-c14n#"
#define ALG_HMAC_SHA1 "http://www.w3.org/2000/09/xmldsig#hmac-sha1"
/* wsp:PolicyReference (RST2) or wsse:PolicyReference (RST.srf) */
static const char *const NS_POLICY_REF[] = {
    "http://schemas.xmlsoap.org/ws/2003/06/secext",
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd",
    "http://schemas.xmlsoap.org/ws/2002/12/policy",
    "http://schemas.xmlsoap.org/ws/2004/09/policy", NULL };

void pp_soap_init(void)
{
    xmlInitParser();
}

/* libxml2 reports some errors (encoding conversion) through its generic
 * handler, whatever the parse options: keep them off stderr (Apache's
 * error log); the parse status carries the reason. */
static void silent(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

static int in_ns(const xmlNode *n, const char *const *ns)
{
    if (n->ns == NULL || n->ns->href == NULL)
        return 0;
    for (; *ns; ns++)
        if (strcmp((const char *)n->ns->href, *ns) == 0)
            return 1;
    return 0;
}

static int is(const xmlNode *n, const char *const *ns, const char *name)
{
    return n != NULL && n->type == XML_ELEMENT_NODE
        && strcmp((const char *)n->name, name) == 0 && in_ns(n, ns);
}

/* The first element child named ns:name. */
static xmlNode *child(const xmlNode *parent, const char *const *ns,
                      const char *name)
{
    xmlNode *c;

    for (c = parent ? parent->children : NULL; c; c = c->next)
        if (is(c, ns, name))
            return c;
    return NULL;
}

/* Trimmed text content, copied into the pool; NULL when absent. */
static const char *text_of(apr_pool_t *p, const xmlNode *n)
{
    xmlChar *t;
    const char *s, *e;
    char *out;

    if (n == NULL)
        return NULL;
    t = xmlNodeGetContent(n);
    if (t == NULL)
        return NULL;
    for (s = (const char *)t; apr_isspace(*s); s++)
        ;
    for (e = s + strlen(s); e > s && apr_isspace(e[-1]); e--)
        ;
    out = apr_pstrmemdup(p, s, (apr_size_t)(e - s));
    xmlFree(t);
    return out;
}

static const char *attr_of(apr_pool_t *p, xmlNode *n, const char *name)
{
    xmlChar *v = n ? xmlGetProp(n, (const xmlChar *)name) : NULL;
    const char *out;

    if (v == NULL)
        return NULL;
    out = apr_pstrdup(p, (const char *)v);
    xmlFree(v);
    return out;
}

/* What the SAX callbacks below tell parse_doc, through ctxt->_private.
 * The reasons a parse stops come from these flags, set by our own code,
 * never from libxml2's error messages (whose words change between
 * versions). */
typedef struct {
    int doctype;                    /* a DOCTYPE or entity declaration */
    int too_deep;                   /* an element below PP_SOAP_MAX_DEPTH */
    int depth;                      /* elements open now; the root is 1 */
    startElementNsSAX2Func start;   /* libxml2's tree builders, wrapped */
    endElementNsSAX2Func end;
} guard_t;

/* A DOCTYPE (internal or external subset) or an entity declaration
 * stops the parser: nothing in an RST needs one, and refusing it
 * closes the door on entity expansion and external fetches. */
static void stop_on_subset(void *vctx, const xmlChar *name,
                           const xmlChar *ext, const xmlChar *sys)
{
    xmlParserCtxtPtr ctxt = vctx;

    (void)name; (void)ext; (void)sys;
    ((guard_t *)ctxt->_private)->doctype = 1;
    xmlStopParser(ctxt);
}

/* Our depth limit, enforced while the document is read: the element
 * that would open level PP_SOAP_MAX_DEPTH + 1 stops the parser before
 * it is built, whatever follows it. */
static void start_element(void *vctx, const xmlChar *localname,
                          const xmlChar *prefix, const xmlChar *uri,
                          int nb_namespaces, const xmlChar **namespaces,
                          int nb_attributes, int nb_defaulted,
                          const xmlChar **attributes)
{
    xmlParserCtxtPtr ctxt = vctx;
    guard_t *g = ctxt->_private;

    if (g->too_deep)
        return;
    if (++g->depth > PP_SOAP_MAX_DEPTH) {
        g->too_deep = 1;
        xmlStopParser(ctxt);
        return;
    }
    g->start(vctx, localname, prefix, uri, nb_namespaces, namespaces,
             nb_attributes, nb_defaulted, attributes);
}

static void end_element(void *vctx, const xmlChar *localname,
                        const xmlChar *prefix, const xmlChar *uri)
{
    xmlParserCtxtPtr ctxt = vctx;
    guard_t *g = ctxt->_private;

    if (g->too_deep)
        return;                     /* nothing more is built */
    g->depth--;
    g->end(vctx, localname, prefix, uri);
}

static void stop_on_entity(void *vctx, const xmlChar *name, int type,
                           const xmlChar *pub, const xmlChar *sys,
                           xmlChar *content)
{
    (void)name; (void)type; (void)pub; (void)sys; (void)content;
    stop_on_subset(vctx, NULL, NULL, NULL);
}

static pp_soap_status_t parse_item(apr_pool_t *p, xmlNode *rst,
                                   pp_rst_item_t *it, const char **err)
{
    xmlNode *applies = child(rst, NS_WSP, "AppliesTo");
    xmlNode *epr = child(applies, NS_WSA, "EndpointReference");
    xmlNode *addr = child(epr, NS_WSA, "Address");
    xmlNode *svc = child(epr, NS_WSA, "ServiceName");
    xmlNode *pol = child(rst, NS_POLICY_REF, "PolicyReference");
    xmlNode *sup = child(rst, NS_WST, "Supporting");
    xmlNode *bst = child(sup, NS_WSSE, "BinarySecurityToken");

    memset(it, 0, sizeof(*it));
    if (addr != NULL)
        it->address = text_of(p, addr);
    else if (svc != NULL) {
        it->address = text_of(p, svc);
        it->by_service_name = 1;
    }
    if (it->address == NULL || *it->address == '\0') {
        *err = "a RequestSecurityToken has no wsp:AppliesTo/"
               "wsa:EndpointReference/wsa:Address";
        return PP_SOAP_BAD_TOKEN;
    }
    if (strlen(it->address) > 255) {
        *err = "a requested address is longer than 255 characters";
        return PP_SOAP_BAD_TOKEN;
    }
    if (pol != NULL)
        it->policy = attr_of(p, pol, "URI");
    if (bst != NULL) {
        it->supporting = text_of(p, bst);
        it->supporting_type = attr_of(p, bst, "ValueType");
    }
    else if (sup != NULL)
        it->supporting = "";
    return PP_SOAP_OK;
}

static pp_soap_status_t parse_renewal(apr_pool_t *p, xmlNode *sec,
                                      pp_rst_req_t *out, const char **err);

static pp_soap_status_t walk(apr_pool_t *p, xmlNode *env, pp_rst_req_t *out,
                             const char **err)
{
    xmlNode *header, *body, *first, *c, *sec, *ut, *ts;

    if (!is(env, NS_SOAP, "Envelope")) {
        *err = "the document is not a SOAP Envelope";
        return PP_SOAP_NOT_ENVELOPE;
    }
    out->soap12 = strcmp((const char *)env->ns->href, NS_SOAP12) == 0;
    header = child(env, NS_SOAP, "Header");
    body = child(env, NS_SOAP, "Body");
    if (body == NULL) {
        *err = "the Envelope has no Body";
        return PP_SOAP_NO_BODY;
    }

    sec = child(header, NS_WSSE, "Security");
    ut = child(sec, NS_WSSE, "UsernameToken");
    out->username = text_of(p, child(ut, NS_WSSE, "Username"));
    out->password = text_of(p, child(ut, NS_WSSE, "Password"));
    ts = child(sec, NS_WSU, "Timestamp");
    out->ts_created = text_of(p, child(ts, NS_WSU, "Created"));
    out->ts_expires = text_of(p, child(ts, NS_WSU, "Expires"));
    /* with a password it is a sign-in, whatever else the header holds */
    if (ut == NULL) {
        pp_soap_status_t st = parse_renewal(p, sec, out, err);

        if (st != PP_SOAP_OK)
            return st;
    }

    for (first = body->children; first && first->type != XML_ELEMENT_NODE;
         first = first->next)
        ;
    out->items = apr_array_make(p, 8, sizeof(pp_rst_item_t));
    if (is(first, NS_PS, "RequestMultipleSecurityTokens")) {
        for (c = first->children; c; c = c->next) {
            pp_soap_status_t st;

            if (!is(c, NS_WST, "RequestSecurityToken"))
                continue;
            if (out->items->nelts >= PP_SOAP_MAX_TOKENS) {
                *err = "too many RequestSecurityToken elements";
                return PP_SOAP_TOO_MANY_TOKENS;
            }
            out->trust2005 = strcmp((const char *)c->ns->href, NS_WST2005) == 0;
            st = parse_item(p, c, apr_array_push(out->items), err);
            if (st != PP_SOAP_OK)
                return st;
        }
    }
    else if (is(first, NS_WST, "RequestSecurityToken")) {
        out->trust2005 = strcmp((const char *)first->ns->href, NS_WST2005) == 0;
        return parse_item(p, first, apr_array_push(out->items), err);
    }
    if (out->items->nelts == 0) {
        *err = "no token requested (no wst:RequestSecurityToken in the Body)";
        return PP_SOAP_NO_TOKENS;
    }
    return PP_SOAP_OK;
}

/* Parse safely into *doc (the caller frees it); PP_SOAP_OK or why not. */
static pp_soap_status_t parse_doc(apr_pool_t *p, const char *buf,
                                  apr_size_t len, xmlDocPtr *doc,
                                  const char **err)
{
    xmlParserCtxtPtr ctxt;
    guard_t guard;
    pp_soap_status_t st = PP_SOAP_OK;

    *doc = NULL;
    if (buf == NULL || len == 0) {
        *err = "empty request body";
        return PP_SOAP_EMPTY;
    }
    if (len > 0x7fffffff) {
        *err = "request body too large";
        return PP_SOAP_MALFORMED;
    }
    xmlSetGenericErrorFunc(NULL, silent);   /* this thread's handler */
    ctxt = xmlNewParserCtxt();
    if (ctxt == NULL) {
        *err = "out of memory";
        return PP_SOAP_MALFORMED;
    }
    memset(&guard, 0, sizeof(guard));
    guard.start = ctxt->sax->startElementNs;
    guard.end = ctxt->sax->endElementNs;
    if (guard.start == NULL || guard.end == NULL) {
        xmlFreeParserCtxt(ctxt);
        *err = "the XML parser has no SAX2 element handlers";
        return PP_SOAP_MALFORMED;
    }
    ctxt->_private = &guard;
    ctxt->sax->internalSubset = stop_on_subset;
    ctxt->sax->externalSubset = stop_on_subset;
    ctxt->sax->entityDecl = stop_on_entity;
    ctxt->sax->startElementNs = start_element;
    ctxt->sax->endElementNs = end_element;
    /* NONET: no network; no NOENT (entities are not substituted), no
     * DTDLOAD/DTDATTR; no HUGE, so libxml2's own size limits stay on
     * (its depth limit, 256, is never reached: ours is lower). Errors
     * are reported through the status, not stderr. COMPACT: short text
     * is kept in its node, one allocation fewer each (about a tenth of
     * the parse); the tree is only ever read. */
    *doc = xmlCtxtReadMemory(ctxt, buf, (int)len, "rst.xml", NULL,
                             XML_PARSE_NONET | XML_PARSE_NOERROR
                             | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA
                             | XML_PARSE_COMPACT);
    if (guard.doctype) {
        *err = "a DOCTYPE is not allowed";
        st = PP_SOAP_DOCTYPE;
    }
    else if (guard.too_deep) {
        *err = apr_psprintf(p, "elements nested deeper than %d",
                            PP_SOAP_MAX_DEPTH);
        st = PP_SOAP_TOO_DEEP;
    }
    else if (*doc == NULL || !ctxt->wellFormed) {
        const xmlError *e = xmlCtxtGetLastError(ctxt);
        char *msg = apr_pstrdup(p, e && e->message ? e->message : ""), *m;

        /* one line; and libxml2 quotes input bytes after "Bytes:" (a
         * password with bad UTF-8, say): never pass those on */
        if ((m = strstr(msg, "Bytes:")) != NULL)
            *m = '\0';
        for (m = msg; *m; m++)
            if (*m == '\n' || *m == '\r')
                *m = *(m + 1) ? ' ' : '\0';
        *err = apr_psprintf(p, "malformed XML%s%s", *msg ? ": " : "", msg);
        st = PP_SOAP_MALFORMED;
    }
    else if (xmlDocGetRootElement(*doc) == NULL) {
        *err = "no root element";
        st = PP_SOAP_MALFORMED;
    }
    xmlFreeParserCtxt(ctxt);
    if (st != PP_SOAP_OK && *doc != NULL) {
        xmlFreeDoc(*doc);
        *doc = NULL;
    }
    return st;
}

pp_soap_status_t pp_soap_parse_rst(apr_pool_t *p, const char *buf,
                                   apr_size_t len, pp_rst_req_t *out,
                                   const char **err)
{
    xmlDocPtr doc;
    pp_soap_status_t st;

    memset(out, 0, sizeof(*out));
    st = parse_doc(p, buf, len, &doc, err);
    if (st == PP_SOAP_OK)
        st = walk(p, xmlDocGetRootElement(doc), out, err);
    if (doc)
        xmlFreeDoc(doc);
    return st;
}

/* Depth-first search for a TicketToken or ticket element. */
static const xmlNode *find_ticket(const xmlNode *n)
{
    const xmlNode *c, *hit;

    for (c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (strcmp((const char *)c->name, "TicketToken") == 0
            || strcmp((const char *)c->name, "ticket") == 0)
            return c;
        if ((hit = find_ticket(c)) != NULL)
            return hit;
    }
    return NULL;
}

pp_soap_status_t pp_soap_find_ticket(apr_pool_t *p, const char *buf,
                                     apr_size_t len, const char **ticket,
                                     const char **err)
{
    xmlDocPtr doc;
    xmlNode *root, *header;
    const xmlNode *hit = NULL;
    pp_soap_status_t st;

    *ticket = NULL;
    st = parse_doc(p, buf, len, &doc, err);
    if (st != PP_SOAP_OK)
        return st;
    root = xmlDocGetRootElement(doc);
    if (!is(root, NS_SOAP, "Envelope")) {
        *err = "the document is not a SOAP Envelope";
        st = PP_SOAP_NOT_ENVELOPE;
    }
    else if ((header = child(root, NS_SOAP, "Header")) == NULL
             || (hit = find_ticket(header)) == NULL) {
        *err = "no TicketToken or ticket element in the SOAP Header";
        st = PP_SOAP_NO_TOKENS;
    }
    else
        *ticket = text_of(p, hit);
    xmlFreeDoc(doc);
    return st;
}

/* ---- renewal ------------------------------------------------------------ */

/* The Id of an element: Id, or wsu:Id (xmlGetProp ignores namespaces). */
static int has_id(apr_pool_t *p, xmlNode *n, const char *id)
{
    const char *v = attr_of(p, n, "Id");

    return v != NULL && strcmp(v, id) == 0;
}

/* What the wsse:Reference child of parent points at (URI="#id"): the
 * id, or NULL. */
static const char *reference(apr_pool_t *p, xmlNode *parent)
{
    const char *uri = attr_of(p, child(parent, NS_WSSE, "Reference"), "URI");

    return uri != NULL && uri[0] == '#' && uri[1] != '\0' ? uri + 1 : NULL;
}

/* Only SignedInfo and what lies inside it is visible: its exclusive
 * canonical form is what the client signed. For a namespace or an
 * attribute, libxml2 passes the element that carries it as parent. */
static int in_signed_info(void *top, xmlNodePtr node, xmlNodePtr parent)
{
    const xmlNode *n = (node->type == XML_NAMESPACE_DECL
                        || node->type == XML_ATTRIBUTE_NODE) ? parent : node;

    for (; n != NULL; n = n->parent)
        if (n == top)
            return 1;
    return 0;
}

/* Exclusive XML C14N 1.0 (no comments) of one element, into the pool. */
static int canonical(apr_pool_t *p, xmlNode *el, const char **out,
                     apr_size_t *len)
{
    xmlOutputBufferPtr buf = xmlAllocOutputBuffer(NULL);
    int n;

    *out = NULL;
    if (buf == NULL)
        return 0;
    n = xmlC14NExecute(el->doc, in_signed_info, el, XML_C14N_EXCLUSIVE_1_0,
                       NULL, 0, buf);
    if (n >= 0 && xmlOutputBufferGetContent(buf) != NULL) {
        *len = xmlOutputBufferGetSize(buf);
        *out = apr_pstrmemdup(p, (const char *)xmlOutputBufferGetContent(buf),
                              *len);
    }
    xmlOutputBufferClose(buf);
    return n >= 0 && *out != NULL;
}

static pp_soap_status_t bad_renewal(const char **err, const char *why)
{
    *err = why;
    return PP_SOAP_BAD_RENEWAL;
}

/* A wsse:Security with an xmlenc EncryptedData is a renewal: the legacy
 * token, the DerivedKeyToken the signature's key comes from (it must
 * name that token), and the signature. Anything missing is malformed. */
static pp_soap_status_t parse_renewal(apr_pool_t *p, xmlNode *sec,
                                      pp_rst_req_t *out, const char **err)
{
    xmlNode *enc = child(sec, NS_XENC, "EncryptedData"), *sig, *si, *dkt;
    const char *key_id, *token_id, *enc_id, *alg;
    pp_rst_renew_t *r;

    if (enc == NULL)
        return PP_SOAP_OK;             /* not a renewal */
    r = apr_pcalloc(p, sizeof(*r));
    r->cipher = text_of(p, child(child(enc, NS_XENC, "CipherData"), NS_XENC,
                                 "CipherValue"));
    if (r->cipher == NULL || *r->cipher == '\0')
        return bad_renewal(err, "the legacy token (xenc:EncryptedData) has "
                           "no CipherData/CipherValue");
    sig = child(sec, NS_DS, "Signature");
    si = child(sig, NS_DS, "SignedInfo");
    r->signature = text_of(p, child(sig, NS_DS, "SignatureValue"));
    if (si == NULL || r->signature == NULL || *r->signature == '\0')
        return bad_renewal(err, "a renewal needs a ds:Signature with "
                           "SignedInfo and SignatureValue");
    alg = attr_of(p, child(si, NS_DS, "CanonicalizationMethod"), "Algorithm");
    if (alg == NULL || strcmp(alg, ALG_EXC_C14N) != 0)
        return bad_renewal(err, "the signature's CanonicalizationMethod is "
                           "not exclusive C14N (" ALG_EXC_C14N ")");
    alg = attr_of(p, child(si, NS_DS, "SignatureMethod"), "Algorithm");
    if (alg == NULL || strcmp(alg, ALG_HMAC_SHA1) != 0)
        return bad_renewal(err, "the signature's SignatureMethod is not "
                           ALG_HMAC_SHA1);
    key_id = reference(p, child(child(sig, NS_DS, "KeyInfo"), NS_WSSE,
                                "SecurityTokenReference"));
    for (dkt = sec->children; key_id != NULL && dkt != NULL; dkt = dkt->next)
        if (is(dkt, NS_WSSC, "DerivedKeyToken") && has_id(p, dkt, key_id))
            break;
    if (key_id == NULL || dkt == NULL)
        return bad_renewal(err, "the signature's KeyInfo names no "
                           "wssc:DerivedKeyToken of the wsse:Security header");
    token_id = reference(p, child(dkt, NS_WSSE, "RequestedTokenReference"));
    enc_id = attr_of(p, enc, "Id");
    if (token_id == NULL || enc_id == NULL || strcmp(token_id, enc_id) != 0)
        return bad_renewal(err, "the signing wssc:DerivedKeyToken does not "
                           "refer to the legacy token (EncryptedData Id)");
    r->token_id = enc_id;
    r->nonce = text_of(p, child(dkt, NS_WSSC, "Nonce"));
    if (r->nonce == NULL || *r->nonce == '\0')
        return bad_renewal(err, "the signing wssc:DerivedKeyToken has no "
                           "wssc:Nonce");
    if (!canonical(p, si, &r->signed_info, &r->signed_info_len))
        return bad_renewal(err, "ds:SignedInfo cannot be canonicalised");
    out->renew = r;
    return PP_SOAP_OK;
}
