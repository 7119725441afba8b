/*
 * pp_soap.h - parsing a WS-Trust RequestSecurityToken envelope (RST.srf
 * and RST2.srf) with libxml2, safely: no network, no DTD, no entities
 * (a DOCTYPE is refused), a depth limit. Elements are matched by
 * namespace URI, never by prefix. Apache-free.
 */
#ifndef PP_SOAP_H
#define PP_SOAP_H

#include <apr_pools.h>
#include <apr_tables.h>

#include "pp_xml.h"

#define PP_SOAP_MAX_DEPTH  32
#define PP_SOAP_MAX_TOKENS 32

typedef struct {
    const char *address;          /* wsa:Address or wsa:ServiceName */
    int by_service_name;
    const char *policy;           /* PolicyReference URI, or NULL */
    const char *supporting;       /* wst:Supporting BinarySecurityToken */
    const char *supporting_type;  /* its ValueType attribute */
} pp_rst_item_t;

/* A renewal (libpurple's token update, docs/tickets.md): no
 * UsernameToken, but the legacy token and a signature in wsse:Security.
 * What pp_renew.c checks, as received; the signed SignedInfo bytes are
 * its exclusive canonical form, computed here while the document is
 * alive. */
typedef struct {
    const char *cipher;           /* EncryptedData/CipherData/CipherValue */
    const char *token_id;         /* that EncryptedData's Id */
    const char *nonce;            /* the signing wssc:DerivedKeyToken's
                                     wssc:Nonce (base64) */
    const char *signature;        /* ds:SignatureValue (base64) */
    const char *signed_info;      /* exc-c14n of ds:SignedInfo */
    apr_size_t signed_info_len;
} pp_rst_renew_t;

typedef struct {
    int soap12;                   /* SOAP 1.2 envelope */
    int trust2005;                /* WS-Trust 2005/02 (RST2 dialect) */
    const char *username;         /* NULL when absent */
    const char *password;
    const char *ts_created;       /* wsu:Timestamp, NULL when absent */
    const char *ts_expires;
    apr_array_header_t *items;    /* of pp_rst_item_t, in request order */
    const pp_rst_renew_t *renew;  /* a renewal, or NULL for a sign-in */
} pp_rst_req_t;

typedef enum {
    PP_SOAP_OK = 0,
    PP_SOAP_EMPTY,
    PP_SOAP_DOCTYPE,
    PP_SOAP_MALFORMED,
    PP_SOAP_TOO_DEEP,
    PP_SOAP_NOT_ENVELOPE,
    PP_SOAP_NO_BODY,
    PP_SOAP_NO_TOKENS,
    PP_SOAP_TOO_MANY_TOKENS,
    PP_SOAP_BAD_TOKEN,
    PP_SOAP_BAD_RENEWAL           /* a renewal without what it needs */
} pp_soap_status_t;

/* Call once per process before parsing (initialises libxml2). With a
 * pool (a process's, or a test's), each thread keeps its parser context
 * between parses until the thread ends or the pool does; NULL: none is
 * kept. */
void pp_soap_init(apr_pool_t *p);

/* Parse len bytes. On anything but PP_SOAP_OK, *err says what is wrong
 * in words fit for a faultstring. */
pp_soap_status_t pp_soap_parse_rst(apr_pool_t *p, const char *buf,
                                   apr_size_t len, pp_rst_req_t *out,
                                   const char **err);

/* The text of the first TicketToken or ticket element (any namespace)
 * in the SOAP Header: how MSNP13+ address book and storage requests
 * carry their ticket. Same safety rules as pp_soap_parse_rst. */
pp_soap_status_t pp_soap_find_ticket(apr_pool_t *p, const char *buf,
                                     apr_size_t len, const char **ticket,
                                     const char **err);

#endif
