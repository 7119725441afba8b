/*
 * pp_rstr.h - rendering the token service's answers: the
 * RequestSecurityTokenResponseCollection and the faults, byte for byte
 * as clients expect them (S: prefix, no whitespace between elements),
 * in either dialect:
 *   RST.srf  (MSNP12-15): SOAP 1.1, WS-Trust 2004/04  - pp_dialect_rst.c
 *   RST2.srf (MSNP16-18): SOAP 1.2, WS-Trust 2005/02  - pp_dialect_rst2.c
 * What the dialects share is in pp_rstr.c. Apache-free.
 */
#ifndef PP_RSTR_H
#define PP_RSTR_H

#include <apr_pools.h>
#include <apr_tables.h>

typedef struct pp_dialect pp_dialect_t;

extern const pp_dialect_t pp_dialect_rst;    /* RST.srf */
extern const pp_dialect_t pp_dialect_rst2;   /* RST2.srf */

typedef struct {
    const char *address;      /* as requested (escaped on output) */
    int by_service_name;      /* requested as wsa:ServiceName */
    int legacy;               /* urn:passport:legacy (http://Passport.NET/tb) */
    int x509;                 /* an X.509v3 certificate (p2pslc) */
    const char *token;        /* compact "t=..&p=..", the legacy cipher, or
                                 the certificate (base64 DER) */
    const char *secret;       /* BinarySecret (base64), or NULL */
    const char *refused;      /* no token for this address: why (the
                                 response's own fault), or NULL */
    apr_int64_t expires;      /* its own LifeTime/Expires; 0: the answer's */
} pp_rstr_item_t;

typedef struct {
    const pp_dialect_t *dialect;
    apr_uint64_t puid;
    apr_uint64_t cid;         /* RST2's credProperties */
    const char *signin;       /* RST2's AuthMembername */
    apr_int64_t now;          /* seconds since the epoch */
    apr_int64_t expires;
    const char *server_info;  /* text of psf:serverInfo */
} pp_rstr_ctx_t;

typedef enum {
    PP_FAULT_AUTH,            /* wrong password or unknown account */
    PP_FAULT_CLIENT,          /* the request is wrong (detail says how) */
    PP_FAULT_SERVER           /* our side (database, signing) */
} pp_fault_t;

/* ISO 8601 UTC, "2024-11-22T14:45:20Z"; and back (-1 if not one). */
const char *pp_iso8601(apr_pool_t *p, apr_int64_t t);
apr_int64_t pp_iso8601_parse(const char *s);

/* The whole success document, one response per item, in order. Never
 * NULL: should a part fail to compute (a token's SHA-1 digest, when the
 * crypto library fails), the dialect's server fault instead, saying so,
 * rather than a document with a reference missing. */
const char *pp_rstr_render(apr_pool_t *p, const pp_rstr_ctx_t *c,
                           const apr_array_header_t *items);

/* Its wst:RequestSecurityTokenResponseCollection alone: it declares every
 * namespace it uses, so it parses on its own (the renewal encrypts it,
 * pp_renew.c). NULL when a part could not be computed (a digest). */
const char *pp_rstr_collection(apr_pool_t *p, const pp_rstr_ctx_t *c,
                               const apr_array_header_t *items);

/* A fault document in the context's dialect. */
const char *pp_rst_fault(apr_pool_t *p, const pp_rstr_ctx_t *c,
                         pp_fault_t kind, const char *detail);

/* base64 of SHA-1 over a token's text: RST2's token references. NULL
 * if SHA-1 failed. */
const char *pp_token_digest(apr_pool_t *p, const char *token);

/* ---- for the dialect files ---------------------------------------------- */

#define PP_NS_PSF  "http://schemas.microsoft.com/Passport/SoapServices/SOAPFault"
#define PP_NS_WSU  "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
#define PP_NS_SAML "urn:oasis:names:tc:SAML:1.0:assertion"
#define PP_X509V3  "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3"

/* What differs between the dialects, and nothing else. */
struct pp_dialect {
    const char *name;              /* for logs: "RST.srf", "RST2.srf" */
    const char *content_type;      /* of every answer */
    const char *envelope_ns;       /* S: */
    const char *wst_ns, *wsse_ns, *wsp_ns, *wsa_ns;
    const char *lifetime;          /* "LifeTime" or "Lifetime" */
    const char *pp_versions;       /* psf:pp extras after uiVersion */
    /* S:Header children before psf:pp */
    const char *(*header_lead)(apr_pool_t *p, const pp_rstr_ctx_t *c);
    /* psf:pp children after psf:cookies (success only) */
    const char *(*pp_account)(apr_pool_t *p, const pp_rstr_ctx_t *c);
    /* how a response points at its token; NULL if it cannot be made */
    const char *(*references)(apr_pool_t *p, const pp_rstr_item_t *it,
                              const char *id, const char *value_type);
    /* the fault document */
    const char *(*fault)(apr_pool_t *p, const pp_rstr_ctx_t *c,
                         pp_fault_t kind, const char *detail);
    /* the fault inside one response that carries no token (its address
     * is not served): WS-Trust's InvalidScope */
    const char *(*refusal)(apr_pool_t *p, const char *why);
};

/* psf:pp, shared: with_account adds PUID and the dialect's extras. */
const char *pp_rstr_pp(apr_pool_t *p, const pp_rstr_ctx_t *c,
                       const char *authstate, const char *reqstatus,
                       int with_account);

#endif
