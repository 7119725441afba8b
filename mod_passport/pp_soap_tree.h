/*
 * pp_soap_tree.h - the safe parse of a SOAP request into a tree of its
 * elements in an APR pool (pp_soap_tree.c), and the exclusive canonical
 * form of one of them. Apache-free.
 */
#ifndef PP_SOAP_TREE_H
#define PP_SOAP_TREE_H

#include "pp_soap.h"

typedef struct pp_xnode pp_xnode_t;

/* An element (name set) or a run of text (name NULL). Strings are NUL
 * terminated and live in the pool. */
struct pp_xnode {
    const char *name;             /* the element's local name */
    const char *ns;               /* its namespace URI, or NULL */
    const char *const *attrs;     /* local name, value, ...; NULL ends */
    const char *text;             /* text: the characters, */
    apr_size_t len;               /* and how many */
    pp_xnode_t *parent, *children, *last, *next;
};

/* Parse len bytes of buf: no network, no DOCTYPE or entity declaration,
 * no entity substitution, elements nested PP_SOAP_MAX_DEPTH deep at
 * most. PP_SOAP_OK and *root, or the status and *err in words fit for a
 * faultstring. */
pp_soap_status_t pp_xtree_parse(apr_pool_t *p, const char *buf,
                                apr_size_t len, pp_xnode_t **root,
                                const char **err);

/* The exclusive XML C14N 1.0 form (no comments) of el, an element of
 * the tree pp_xtree_parse made of the same buf: 1 and *out, *outlen;
 * or 0. */
int pp_xtree_canonical(apr_pool_t *p, const char *buf, apr_size_t len,
                       const pp_xnode_t *el, const char **out,
                       apr_size_t *outlen);

#endif
