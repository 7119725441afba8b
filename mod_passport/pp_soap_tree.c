/*
 * pp_soap_tree.c - the safe parse of a SOAP request: libxml2 reads the
 * bytes (no network, no entity substitution, no DOCTYPE, a depth limit)
 * and its SAX2 events build a small tree of elements, attributes and
 * text in the request's pool. libxml2's own tree (a malloc for every
 * node, name and attribute, and a free for each afterwards) cost two
 * thirds of the parse of an RST.srf request; it is built only where a
 * signature needs its exclusive canonical form (pp_xtree_canonical).
 */
#include "pp_soap_tree.h"
#include "pp_kept.h"

#include <apr_strings.h>
#include <libxml/parser.h>
#include <libxml/dict.h>
#include <libxml/tree.h>
#include <libxml/SAX2.h>
#include <libxml/c14n.h>
#include <string.h>

/* A thread's parser context, kept from one pool-tree parse to the next:
 * making one (its dictionary, its tables, its SAX handler) and freeing
 * it was a tenth of the parse of an RST.srf request. xmlCtxtReadMemory
 * starts it afresh for each document, and it is reset again after each,
 * so between parses it holds no document, only the dictionary of names
 * seen; one whose dictionary has grown past KEEP_NAMES (documents of
 * many different names) is freed rather than kept. NULL until
 * pp_soap_init is given a pool: then every parse makes its own. */
#define KEEP_NAMES 512
static pp_kept_t *kept;

static void drop(void *ctxt)
{
    xmlFreeParserCtxt(ctxt);
}

void pp_soap_init(apr_pool_t *p)
{
    xmlInitParser();
    pp_kept_make(p, drop, &kept);
}

/* libxml2 reports some errors (encoding conversion) through its generic
 * handler, whatever the parse options: keep them off stderr (Apache's
 * error log); the parse status carries the reason. */
static void silent(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

/* What the SAX callbacks below tell the parse, through ctxt->_private.
 * The reasons a parse stops come from these flags, set by our own code,
 * never from libxml2's error messages (whose words change between
 * versions). */
typedef struct {
    int doctype;                    /* a DOCTYPE or entity declaration */
    int too_deep;                   /* an element below PP_SOAP_MAX_DEPTH */
    int depth;                      /* elements open now; the root is 1 */
    /* the pool tree (pp_xtree_parse), or libxml2's (pp_xtree_canonical) */
    int tree;
    apr_pool_t *p;
    pp_xnode_t *root, *open;        /* the element being read */
    apr_size_t room;                /* what open's last text can hold */
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

static void stop_on_entity(void *vctx, const xmlChar *name, int type,
                           const xmlChar *pub, const xmlChar *sys,
                           xmlChar *content)
{
    (void)name; (void)type; (void)pub; (void)sys; (void)content;
    stop_on_subset(vctx, NULL, NULL, NULL);
}

/* Our depth limit, enforced while the document is read: the element
 * that would open level PP_SOAP_MAX_DEPTH + 1 stops the parser before
 * it is built, whatever follows it. 1: go on and build it. */
static int deeper(xmlParserCtxtPtr ctxt, guard_t *g)
{
    if (g->too_deep)
        return 0;
    if (++g->depth > PP_SOAP_MAX_DEPTH) {
        g->too_deep = 1;
        xmlStopParser(ctxt);
        return 0;
    }
    return 1;
}

static void append(guard_t *g, pp_xnode_t *n)
{
    n->parent = g->open;
    if (g->open == NULL)
        g->root = n;
    else if (g->open->last == NULL)
        g->open->children = g->open->last = n;
    else
        g->open->last = g->open->last->next = n;
}

/* An attribute's value as libxml2 hands it to SAX2: normalised, every
 * reference resolved, except that each '&' comes as "&#38;". */
static const char *attr_value(apr_pool_t *p, const xmlChar *v,
                              const xmlChar *end)
{
    char *out = apr_pstrmemdup(p, (const char *)v, (apr_size_t)(end - v));
    char *r, *w;

    if (strchr(out, '&') == NULL)
        return out;
    for (r = w = out; *r; )
        if (strncmp(r, "&#38;", 5) == 0) {
            *w++ = '&';
            r += 5;
        }
        else
            *w++ = *r++;
    *w = '\0';
    return out;
}

/* A pool-tree element for localname. */
static pp_xnode_t *element(apr_pool_t *p, const xmlChar *localname,
                           const xmlChar *uri, int nb_attributes,
                           const xmlChar **attributes)
{
    pp_xnode_t *n = apr_pcalloc(p, sizeof(*n));
    int i;

    n->name = apr_pstrdup(p, (const char *)localname);
    n->ns = uri ? apr_pstrdup(p, (const char *)uri) : NULL;
    if (nb_attributes > 0) {
        const char **a = apr_palloc(p, (2 * (apr_size_t)nb_attributes + 1)
                                       * sizeof(*a));

        /* five pointers each: local name, prefix, URI, value, its end */
        for (i = 0; i < nb_attributes; i++) {
            const xmlChar **at = attributes + 5 * i;

            a[2 * i] = apr_pstrdup(p, (const char *)at[0]);
            a[2 * i + 1] = attr_value(p, at[3], at[4]);
        }
        a[2 * i] = NULL;
        n->attrs = a;
    }
    return n;
}

/* An element opens: within the depth limit, into the pool tree or
 * libxml2's. */
static void on_start(void *vctx, const xmlChar *localname,
                     const xmlChar *prefix, const xmlChar *uri,
                     int nb_namespaces, const xmlChar **namespaces,
                     int nb_attributes, int nb_defaulted,
                     const xmlChar **attributes)
{
    xmlParserCtxtPtr ctxt = vctx;
    guard_t *g = ctxt->_private;
    pp_xnode_t *n;

    if (!deeper(ctxt, g))
        return;
    if (!g->tree) {
        xmlSAX2StartElementNs(vctx, localname, prefix, uri, nb_namespaces,
                              namespaces, nb_attributes, nb_defaulted,
                              attributes);
        return;
    }
    n = element(g->p, localname, uri, nb_attributes, attributes);
    append(g, n);
    g->open = n;
}

static void on_end(void *vctx, const xmlChar *localname,
                   const xmlChar *prefix, const xmlChar *uri)
{
    guard_t *g = ((xmlParserCtxtPtr)vctx)->_private;

    if (g->too_deep)
        return;                     /* nothing more is built */
    g->depth--;
    if (!g->tree)
        xmlSAX2EndElementNs(vctx, localname, prefix, uri);
    else if (g->open != NULL)
        g->open = g->open->parent;
}

/* Text (and CDATA, XML_PARSE_NOCDATA), joined to the text just before.
 * libxml2 hands a long text over in pieces of a few hundred bytes: the
 * room doubles as it fills, so a text of n bytes costs O(n), never a
 * copy of all of it for every piece. */
static void tree_text(void *vctx, const xmlChar *s, int len)
{
    guard_t *g = ((xmlParserCtxtPtr)vctx)->_private;
    pp_xnode_t *n;
    char *t;

    if (g->too_deep || g->open == NULL || len <= 0)
        return;
    n = g->open->last;
    if (n == NULL || n->name != NULL) {
        /* a new text: only the newest can grow (an element after it
         * ends it), so its room is the parse's */
        n = apr_pcalloc(g->p, sizeof(*n));
        append(g, n);
        g->room = 0;
    }
    if (n->len + (apr_size_t)len + 1 > g->room) {
        apr_size_t room = g->room ? g->room : 64;

        while (room < n->len + (apr_size_t)len + 1)
            room *= 2;
        t = apr_palloc(g->p, room);
        if (n->len > 0)
            memcpy(t, n->text, n->len);
        n->text = t;
        g->room = room;
    }
    t = (char *)n->text;
    memcpy(t + n->len, s, (apr_size_t)len);
    n->len += (apr_size_t)len;
    t[n->len] = '\0';
}

/* A context with our SAX handlers, set once: a kept context keeps
 * them (the reset and the options leave them alone). tree: only our own
 * callbacks build anything; otherwise libxml2's tree builders too. */
static xmlParserCtxtPtr new_ctxt(int tree)
{
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    xmlSAXHandlerPtr sax;

    if (ctxt == NULL)
        return NULL;
    sax = ctxt->sax;
    sax->internalSubset = stop_on_subset;
    sax->externalSubset = stop_on_subset;
    sax->entityDecl = stop_on_entity;
    if (tree) {
        sax->startDocument = NULL;
        sax->endDocument = NULL;
        sax->startElement = NULL;
        sax->endElement = NULL;
        sax->reference = NULL;
        sax->comment = NULL;
        sax->processingInstruction = NULL;
        sax->cdataBlock = NULL;
        sax->characters = tree_text;
        sax->ignorableWhitespace = tree_text;
    }
    sax->startElementNs = on_start;
    sax->endElementNs = on_end;
    return ctxt;
}

/* This thread's kept context (the caller's until give_back), or a new
 * one. */
static xmlParserCtxtPtr take_ctxt(int tree)
{
    xmlParserCtxtPtr ctxt = tree ? pp_kept_take(kept) : NULL;

    return ctxt != NULL ? ctxt : new_ctxt(tree);
}

static void give_back(xmlParserCtxtPtr ctxt, int tree)
{
    ctxt->_private = NULL;          /* the parse's guard, on its stack */
    if (tree && kept != NULL && xmlDictSize(ctxt->dict) <= KEEP_NAMES) {
        xmlCtxtReset(ctxt);         /* the document goes now */
        pp_kept_put(kept, ctxt);
    }
    else
        xmlFreeParserCtxt(ctxt);
}

/* One safe parse of buf. tree: into the pool tree (*root); otherwise
 * into libxml2's (*doc, the caller frees it). PP_SOAP_OK or why not. */
static pp_soap_status_t parse(apr_pool_t *p, const char *buf, apr_size_t len,
                              int tree, pp_xnode_t **root, xmlDocPtr *doc,
                              const char **err)
{
    xmlParserCtxtPtr ctxt;
    xmlDocPtr got;
    guard_t guard;
    pp_soap_status_t st = PP_SOAP_OK;

    if (buf == NULL || len == 0) {
        *err = "empty request body";
        return PP_SOAP_EMPTY;
    }
    if (len > 0x7fffffff) {
        *err = "request body too large";
        return PP_SOAP_MALFORMED;
    }
    xmlSetGenericErrorFunc(NULL, silent);   /* this thread's handler */
    ctxt = take_ctxt(tree);
    if (ctxt == NULL) {
        *err = "out of memory";
        return PP_SOAP_MALFORMED;
    }
    memset(&guard, 0, sizeof(guard));
    guard.p = p;
    guard.tree = tree;
    ctxt->_private = &guard;
    /* NONET: no network; no NOENT (entities are not substituted), no
     * DTDLOAD/DTDATTR; no HUGE, so libxml2's own size limits stay on
     * (its depth limit, 256, is never reached: ours is lower). Errors
     * are reported through the status, not stderr. */
    got = xmlCtxtReadMemory(ctxt, buf, (int)len, "rst.xml", NULL,
                            XML_PARSE_NONET | XML_PARSE_NOERROR
                            | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
    if (guard.doctype) {
        *err = "a DOCTYPE is not allowed";
        st = PP_SOAP_DOCTYPE;
    }
    else if (guard.too_deep) {
        *err = apr_psprintf(p, "elements nested deeper than %d",
                            PP_SOAP_MAX_DEPTH);
        st = PP_SOAP_TOO_DEEP;
    }
    else if (!ctxt->wellFormed || (!tree && got == NULL)) {
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
    else if (tree ? guard.root == NULL : xmlDocGetRootElement(got) == NULL) {
        *err = "no root element";
        st = PP_SOAP_MALFORMED;
    }
    give_back(ctxt, tree);
    if (got != NULL && (tree || st != PP_SOAP_OK)) {
        xmlFreeDoc(got);
        got = NULL;
    }
    if (st == PP_SOAP_OK) {
        if (tree)
            *root = guard.root;
        else
            *doc = got;
    }
    return st;
}

pp_soap_status_t pp_xtree_parse(apr_pool_t *p, const char *buf,
                                apr_size_t len, pp_xnode_t **root,
                                const char **err)
{
    *root = NULL;
    return parse(p, buf, len, 1, root, NULL, err);
}

/* ---- exclusive canonical form ------------------------------------------ */

/* Only the element and what lies inside it is visible. For a namespace
 * or an attribute, libxml2 passes the element that carries it as
 * parent. */
static int inside(void *top, xmlNodePtr node, xmlNodePtr parent)
{
    const xmlNode *n = (node->type == XML_NAMESPACE_DECL
                        || node->type == XML_ATTRIBUTE_NODE) ? parent : node;

    for (; n != NULL; n = n->parent)
        if (n == top)
            return 1;
    return 0;
}

/* The element of doc that el is in the pool tree: the same bytes give
 * the same elements in the same order, so follow el's path from the
 * root by position among element children. */
static xmlNode *same_element(apr_pool_t *p, xmlDocPtr doc,
                             const pp_xnode_t *el)
{
    apr_array_header_t *path = apr_array_make(p, 8, sizeof(int));
    const pp_xnode_t *n, *c;
    xmlNode *x = xmlDocGetRootElement(doc);
    int i, k;

    for (n = el; n->parent != NULL; n = n->parent) {
        for (k = 0, c = n->parent->children; c != n; c = c->next)
            if (c->name != NULL)
                k++;
        APR_ARRAY_PUSH(path, int) = k;
    }
    for (i = path->nelts - 1; x != NULL && i >= 0; i--) {
        k = APR_ARRAY_IDX(path, i, int);
        for (x = x->children; x != NULL; x = x->next)
            if (x->type == XML_ELEMENT_NODE && k-- == 0)
                break;
    }
    return x;
}

int pp_xtree_canonical(apr_pool_t *p, const char *buf, apr_size_t len,
                       const pp_xnode_t *el, const char **out,
                       apr_size_t *outlen)
{
    xmlDocPtr doc = NULL;
    xmlOutputBufferPtr ob;
    xmlNode *x;
    const char *err;
    int n = -1;

    *out = NULL;
    /* every blank between elements kept: the signature covers them */
    if (parse(p, buf, len, 0, NULL, &doc, &err) != PP_SOAP_OK)
        return 0;
    x = same_element(p, doc, el);
    ob = x ? xmlAllocOutputBuffer(NULL) : NULL;
    if (ob != NULL) {
        n = xmlC14NExecute(doc, inside, x, XML_C14N_EXCLUSIVE_1_0, NULL, 0,
                           ob);
        if (n >= 0 && xmlOutputBufferGetContent(ob) != NULL) {
            *outlen = xmlOutputBufferGetSize(ob);
            *out = apr_pstrmemdup(p,
                                  (const char *)xmlOutputBufferGetContent(ob),
                                  *outlen);
        }
        xmlOutputBufferClose(ob);
    }
    xmlFreeDoc(doc);
    return n >= 0 && *out != NULL;
}
