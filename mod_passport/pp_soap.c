/*
 * pp_soap.c - what an RST envelope asks for, read from its tree
 * (pp_soap_tree.c parses it safely).
 */
#include "pp_soap.h"
#include "pp_soap_tree.h"

#include <apr_strings.h>
#include <apr_lib.h>
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

static int in_ns(const pp_xnode_t *n, const char *const *ns)
{
    if (n->ns == NULL)
        return 0;
    for (; *ns; ns++)
        if (strcmp(n->ns, *ns) == 0)
            return 1;
    return 0;
}

static int is(const pp_xnode_t *n, const char *const *ns, const char *name)
{
    return n != NULL && n->name != NULL && strcmp(n->name, name) == 0
        && in_ns(n, ns);
}

/* The first element child named ns:name. */
static pp_xnode_t *child(const pp_xnode_t *parent, const char *const *ns,
                         const char *name)
{
    pp_xnode_t *c;

    for (c = parent ? parent->children : NULL; c; c = c->next)
        if (is(c, ns, name))
            return c;
    return NULL;
}

/* The length of the text of n and of every element inside it; with
 * out, that text too, in document order, at *at. */
static apr_size_t gather(const pp_xnode_t *n, char *out, apr_size_t at)
{
    const pp_xnode_t *c;

    for (c = n->children; c; c = c->next)
        if (c->name != NULL)
            at = gather(c, out, at);
        else {
            if (out != NULL)
                memcpy(out + at, c->text, c->len);
            at += c->len;
        }
    return at;
}

/* Trimmed text content, copied into the pool; NULL when absent. */
static const char *text_of(apr_pool_t *p, const pp_xnode_t *n)
{
    const char *s, *e;

    if (n == NULL)
        return NULL;
    if (n->children != NULL && n->children->next == NULL
        && n->children->name == NULL)
        s = n->children->text;          /* one run of text: as it is */
    else {
        apr_size_t len = gather(n, NULL, 0);
        char *all = apr_palloc(p, len + 1);

        all[gather(n, all, 0)] = '\0';
        s = all;
    }
    for (; apr_isspace(*s); s++)
        ;
    for (e = s + strlen(s); e > s && apr_isspace(e[-1]); e--)
        ;
    return apr_pstrmemdup(p, s, (apr_size_t)(e - s));
}

/* The first attribute called name, whatever its namespace. */
static const char *attr_of(const pp_xnode_t *n, const char *name)
{
    const char *const *a;

    for (a = n ? n->attrs : NULL; a && *a; a += 2)
        if (strcmp(a[0], name) == 0)
            return a[1];
    return NULL;
}

static pp_soap_status_t parse_item(apr_pool_t *p, pp_xnode_t *rst,
                                   pp_rst_item_t *it, const char **err)
{
    pp_xnode_t *applies = child(rst, NS_WSP, "AppliesTo");
    pp_xnode_t *epr = child(applies, NS_WSA, "EndpointReference");
    pp_xnode_t *addr = child(epr, NS_WSA, "Address");
    pp_xnode_t *svc = child(epr, NS_WSA, "ServiceName");
    pp_xnode_t *pol = child(rst, NS_POLICY_REF, "PolicyReference");
    pp_xnode_t *sup = child(rst, NS_WST, "Supporting");
    pp_xnode_t *bst = child(sup, NS_WSSE, "BinarySecurityToken");

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
        it->policy = attr_of(pol, "URI");
    if (bst != NULL) {
        it->supporting = text_of(p, bst);
        it->supporting_type = attr_of(bst, "ValueType");
    }
    else if (sup != NULL)
        it->supporting = "";
    return PP_SOAP_OK;
}

static pp_soap_status_t parse_renewal(apr_pool_t *p, const char *buf,
                                      apr_size_t len, pp_xnode_t *sec,
                                      pp_rst_req_t *out, const char **err);

/* What the envelope env (parsed from buf) asks for. */
static pp_soap_status_t walk(apr_pool_t *p, const char *buf, apr_size_t len,
                             pp_xnode_t *env, pp_rst_req_t *out,
                             const char **err)
{
    pp_xnode_t *header, *body, *first, *c, *sec, *ut, *ts;

    if (!is(env, NS_SOAP, "Envelope")) {
        *err = "the document is not a SOAP Envelope";
        return PP_SOAP_NOT_ENVELOPE;
    }
    out->soap12 = strcmp(env->ns, NS_SOAP12) == 0;
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
        pp_soap_status_t st = parse_renewal(p, buf, len, sec, out, err);

        if (st != PP_SOAP_OK)
            return st;
    }

    for (first = body->children; first && first->name == NULL;
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
            out->trust2005 = strcmp(c->ns, NS_WST2005) == 0;
            st = parse_item(p, c, apr_array_push(out->items), err);
            if (st != PP_SOAP_OK)
                return st;
        }
    }
    else if (is(first, NS_WST, "RequestSecurityToken")) {
        out->trust2005 = strcmp(first->ns, NS_WST2005) == 0;
        return parse_item(p, first, apr_array_push(out->items), err);
    }
    if (out->items->nelts == 0) {
        *err = "no token requested (no wst:RequestSecurityToken in the Body)";
        return PP_SOAP_NO_TOKENS;
    }
    return PP_SOAP_OK;
}

pp_soap_status_t pp_soap_parse_rst(apr_pool_t *p, const char *buf,
                                   apr_size_t len, pp_rst_req_t *out,
                                   const char **err)
{
    pp_xnode_t *root;
    pp_soap_status_t st;

    memset(out, 0, sizeof(*out));
    st = pp_xtree_parse(p, buf, len, &root, err);
    return st == PP_SOAP_OK ? walk(p, buf, len, root, out, err) : st;
}

/* Depth-first search for a TicketToken or ticket element. */
static const pp_xnode_t *find_ticket(const pp_xnode_t *n)
{
    const pp_xnode_t *c, *hit;

    for (c = n->children; c; c = c->next) {
        if (c->name == NULL)
            continue;
        if (strcmp(c->name, "TicketToken") == 0
            || strcmp(c->name, "ticket") == 0)
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
    pp_xnode_t *root, *header;
    const pp_xnode_t *hit = NULL;
    pp_soap_status_t st;

    *ticket = NULL;
    st = pp_xtree_parse(p, buf, len, &root, err);
    if (st != PP_SOAP_OK)
        return st;
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
    return st;
}

/* ---- renewal ------------------------------------------------------------ */

/* The Id of an element: Id, or wsu:Id (attr_of ignores namespaces). */
static int has_id(const pp_xnode_t *n, const char *id)
{
    const char *v = attr_of(n, "Id");

    return v != NULL && strcmp(v, id) == 0;
}

/* What the wsse:Reference child of parent points at (URI="#id"): the
 * id, or NULL. */
static const char *reference(const pp_xnode_t *parent)
{
    const char *uri = attr_of(child(parent, NS_WSSE, "Reference"), "URI");

    return uri != NULL && uri[0] == '#' && uri[1] != '\0' ? uri + 1 : NULL;
}

static pp_soap_status_t bad_renewal(const char **err, const char *why)
{
    *err = why;
    return PP_SOAP_BAD_RENEWAL;
}

/* A wsse:Security with an xmlenc EncryptedData is a renewal: the legacy
 * token, the DerivedKeyToken the signature's key comes from (it must
 * name that token), and the signature. Anything missing is malformed. */
static pp_soap_status_t parse_renewal(apr_pool_t *p, const char *buf,
                                      apr_size_t len, pp_xnode_t *sec,
                                      pp_rst_req_t *out, const char **err)
{
    pp_xnode_t *enc = child(sec, NS_XENC, "EncryptedData"), *sig, *si, *dkt;
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
    alg = attr_of(child(si, NS_DS, "CanonicalizationMethod"), "Algorithm");
    if (alg == NULL || strcmp(alg, ALG_EXC_C14N) != 0)
        return bad_renewal(err, "the signature's CanonicalizationMethod is "
                           "not exclusive C14N (" ALG_EXC_C14N ")");
    alg = attr_of(child(si, NS_DS, "SignatureMethod"), "Algorithm");
    if (alg == NULL || strcmp(alg, ALG_HMAC_SHA1) != 0)
        return bad_renewal(err, "the signature's SignatureMethod is not "
                           ALG_HMAC_SHA1);
    key_id = reference(child(child(sig, NS_DS, "KeyInfo"), NS_WSSE,
                                "SecurityTokenReference"));
    for (dkt = sec->children; key_id != NULL && dkt != NULL; dkt = dkt->next)
        if (is(dkt, NS_WSSC, "DerivedKeyToken") && has_id(dkt, key_id))
            break;
    if (key_id == NULL || dkt == NULL)
        return bad_renewal(err, "the signature's KeyInfo names no "
                           "wssc:DerivedKeyToken of the wsse:Security header");
    token_id = reference(child(dkt, NS_WSSE, "RequestedTokenReference"));
    enc_id = attr_of(enc, "Id");
    if (token_id == NULL || enc_id == NULL || strcmp(token_id, enc_id) != 0)
        return bad_renewal(err, "the signing wssc:DerivedKeyToken does not "
                           "refer to the legacy token (EncryptedData Id)");
    r->token_id = enc_id;
    r->nonce = text_of(p, child(dkt, NS_WSSC, "Nonce"));
    if (r->nonce == NULL || *r->nonce == '\0')
        return bad_renewal(err, "the signing wssc:DerivedKeyToken has no "
                           "wssc:Nonce");
    if (!pp_xtree_canonical(p, buf, len, si, &r->signed_info,
                            &r->signed_info_len))
        return bad_renewal(err, "ds:SignedInfo cannot be canonicalised");
    out->renew = r;
    return PP_SOAP_OK;
}
