/*
 * pp_rstr.h - rendering RST.srf answers: the
 * RequestSecurityTokenResponseCollection and the SOAP faults, byte for
 * byte as real Passport sent them (S: prefix, no whitespace between
 * elements). Apache-free.
 */
#ifndef PP_RSTR_H
#define PP_RSTR_H

#include <apr_pools.h>
#include <apr_tables.h>

typedef struct {
    const char *address;      /* as requested (escaped on output) */
    int by_service_name;      /* requested as wsa:ServiceName */
    int legacy;               /* urn:passport:legacy (http://Passport.NET/tb) */
    int x509;                 /* an X.509v3 certificate (p2pslc) */
    const char *token;        /* compact "t=..&p=..", the legacy cipher, or
                                 the certificate (base64 DER) */
    const char *secret;       /* BinarySecret (base64), or NULL */
} pp_rstr_item_t;

typedef struct {
    apr_uint64_t puid;
    apr_int64_t now;          /* seconds since the epoch */
    apr_int64_t expires;
    const char *server_info;  /* text of psf:serverInfo */
} pp_rstr_ctx_t;

/* ISO 8601 UTC, "2024-11-22T14:45:20Z". */
const char *pp_iso8601(apr_pool_t *p, apr_int64_t t);

/* The whole success document, one response per item, in order. */
const char *pp_rstr_render(apr_pool_t *p, const pp_rstr_ctx_t *c,
                           const apr_array_header_t *items);

/* A fault: psf:pp in the header with authstate/reqstatus, and S:Fault
 * as a direct child of S:Envelope (where libpurple looks for it). */
const char *pp_rst_fault(apr_pool_t *p, const pp_rstr_ctx_t *c,
                         const char *faultcode, const char *faultstring,
                         const char *authstate, const char *reqstatus);

#endif
