/*
 * pp_rst.h - RST.srf's and RST2.srf's decisions (Passport 3.0): which
 * dialect to answer in, whether a parsed request is acceptable (its
 * timestamp, its addresses, their policies, its credentials), what
 * token each address gets, and the answer itself. The glue reads the
 * body, checks the password, records the tickets and sends the bytes.
 * Apache-free.
 */
#ifndef PP_RST_H
#define PP_RST_H

#include <apr_pools.h>
#include <apr_tables.h>

#include "pp_realm.h"
#include "pp_issue.h"
#include "pp_soap.h"
#include "pp_rstr.h"
#include "pp_note.h"

/* The dialect of a request that did not parse (for its fault): RST2 if
 * the body names the SOAP 1.2 envelope or, with no body, if the path
 * says RST2; RST.srf otherwise. */
const pp_dialect_t *pp_rst_dialect_guess(const char *body, const char *path);

/* The dialect a parsed request is written in. */
const pp_dialect_t *pp_rst_dialect_of(const pp_rst_req_t *req);

/* text/xml, application/soap+xml or application/xml (or none). */
int pp_rst_content_type_ok(const char *content_type);

typedef enum {
    PP_TOKEN_COMPACT,            /* t=...&p=... */
    PP_TOKEN_LEGACY,             /* http://Passport.NET/tb: EncryptedData */
    PP_TOKEN_X509,               /* p2pslc: a certificate (MS-WSTEP) */
    PP_TOKEN_NONE                /* an address PassportService does not
                                    list: its response carries no token */
} pp_token_kind_t;

typedef struct {
    const pp_rst_item_t *item;   /* as requested */
    const char *audience;        /* the served address: as configured, or
                                    lower-cased when any address goes */
    pp_token_kind_t kind;
    int with_secret;             /* the answer carries the BinarySecret */
} pp_rst_want_t;

/* What an acceptable request asks for. */
typedef struct {
    const pp_dialect_t *dialect;
    const char *signin;          /* normalized */
    const char *password;
    apr_array_header_t *wants;   /* of pp_rst_want_t, in request order */
    apr_array_header_t *notes;   /* of pp_note_t, or NULL */
} pp_rst_plan_t;

typedef struct {
    pp_fault_t kind;
    const char *why;             /* faultstring detail, and the log */
} pp_rst_refusal_t;

/* Why a request stamped created..expires (seconds) is outside the
 * realm's PassportClockSkew at now, or NULL (also when the skew is 0,
 * no check). A client's clock may be off by that much either way. */
const char *pp_rst_skew_why(const pp_realm_t *realm, apr_int64_t created,
                            apr_int64_t expires, apr_int64_t now);

/* Check a parsed request before any password is looked at. 1 and the
 * plan; or 0 and why it is refused. A renewal (req->renew) needs no
 * credentials here: pp_renew_plan() checks its legacy token. */
int pp_rst_plan(apr_pool_t *p, const pp_realm_t *realm,
                const pp_rst_req_t *req, apr_int64_t now, int https,
                pp_rst_plan_t *plan, pp_rst_refusal_t *no);

/* After the password check failed: a refused password (or an unknown
 * account: the same answer) is the authentication fault; an outage (the
 * database) the server fault. */
void pp_rst_password_refused(int outage, pp_rst_refusal_t *no);

/* The tokens of a plan, issued to acct. */
typedef struct {
    apr_array_header_t *items;   /* of pp_rstr_item_t, for the answer */
    apr_array_header_t *grants;  /* of pp_grant_t: the tickets (recorded) */
    apr_int64_t expires;
    apr_array_header_t *notes;   /* of pp_note_t */
} pp_rst_tokens_t;

/* 1, or 0 and why (S:Client for a bad certificate request, S:Server
 * when our side failed). */
int pp_rst_issue(apr_pool_t *p, const pp_realm_t *realm,
                 const pp_rst_plan_t *plan, const pp_account_t *acct,
                 apr_int64_t now, pp_rst_tokens_t *out, pp_rst_refusal_t *no);


/* What the answer documents are rendered with. */
void pp_rst_context(apr_pool_t *p, const pp_rst_plan_t *plan,
                    const pp_account_t *acct, apr_int64_t now,
                    const pp_rst_tokens_t *tokens, pp_rstr_ctx_t *c);

/* The answer documents. */
const char *pp_rst_answer(apr_pool_t *p, const pp_rst_plan_t *plan,
                          const pp_account_t *acct, apr_int64_t now,
                          const pp_rst_tokens_t *tokens);
const char *pp_rst_fault_answer(apr_pool_t *p, const pp_dialect_t *dialect,
                                apr_int64_t now, const pp_rst_refusal_t *no);

/* The words of a fault kind, for the log. */
const char *pp_rst_fault_word(pp_fault_t kind);

#endif
