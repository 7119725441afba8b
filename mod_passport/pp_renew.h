/*
 * pp_renew.h - renewing a token without the password, as libpurple
 * (Pidgin 2.5 to 2.11) does once a service refuses an expired ticket
 * (shared/specs/passport-3.0-token-renewal.md; the contract is in
 * docs/tickets.md, "Renewing a token").
 *
 * The client sends back the legacy token (http://Passport.NET/tb) of its
 * sign-in and proves that it holds that token's proof key (its
 * BinarySecret) with an HMAC-SHA1 over its SignedInfo, under
 *
 *     key(secret, nonce) = derive(secret, "WS-SecureConversation" || nonce)
 *
 * (derive() is pp_mbi_derive_bytes; nonce raw bytes). The answer holds
 * the requested tokens, led by a fresh legacy token, encrypted under
 * key(secret, a fresh nonce): only the holder of the secret reads it.
 * Apache-free.
 */
#ifndef PP_RENEW_H
#define PP_RENEW_H

#include <apr_pools.h>

#include "pp_rst.h"
#include "pp_ticket.h"
#include "pp_mbi.h"
#include "pp_note.h"

#define PP_RENEW_MAGIC     "WS-SecureConversation"
#define PP_RENEW_MAX_NONCE 64     /* raw bytes of a client's nonce */
#define PP_RENEW_NONCE_LEN 24     /* the EncKey nonce this server picks */
#define PP_RENEW_MAX_SPAN  3600   /* the longest wsu:Timestamp accepted */

/* key(secret, nonce): 24 bytes. 0 if the nonce is empty or longer than
 * PP_RENEW_MAX_NONCE. */
int pp_renew_key(const unsigned char *secret, apr_size_t secret_len,
                 const unsigned char *nonce, apr_size_t nonce_len,
                 unsigned char key[24]);

/* 1 if sig is HMAC-SHA1(key(secret, nonce), signed_info), compared in
 * constant time. */
int pp_renew_signature_ok(const unsigned char *secret, apr_size_t secret_len,
                          const unsigned char *nonce, apr_size_t nonce_len,
                          const char *signed_info, apr_size_t signed_info_len,
                          const unsigned char *sig, apr_size_t sig_len);

/* base64 of 3DES-EDE-CBC(key, IV of eight zero bytes, plain || padding),
 * where the padding is 1 to 8 zero bytes up to a whole block: the client
 * decrypts in place and parses a NUL-terminated string. plain holds no
 * NUL. NULL on failure. */
const char *pp_renew_encrypt(apr_pool_t *p, const unsigned char key[24],
                             const char *plain, apr_size_t len);

typedef struct {
    pp_ticket_t legacy;          /* the legacy token the request came with:
                                    whose account is renewed */
    unsigned char secret[PP_MBI_SECRET_LEN];   /* its proof key */
    pp_note_t note;              /* why it was refused, or what it renews
                                    (log it once the answer is sent) */
} pp_renewal_t;

/* Check a renewal (req->renew != NULL): RST.srf's dialect, a nonce and
 * signature that decode, a wsu:Timestamp within the window, the
 * sign-in's rules for the addresses (pp_rst_plan, with a fresh legacy
 * token first; p2pslc refused), then the legacy token: it opens in this
 * realm, is a legacy token, has not expired, and the signature verifies
 * under its proof key. 1, the plan and the account (out->legacy); or 0
 * and why: wsse:FailedAuthentication for a token or signature that does
 * not hold, S:Client for a malformed request. */
int pp_renew_plan(apr_pool_t *p, const pp_realm_t *realm,
                  const pp_rst_req_t *req, apr_int64_t now, int https,
                  pp_rst_plan_t *plan, pp_renewal_t *out,
                  pp_rst_refusal_t *no);

/* The sign-in name to look the account up by (normalized): renewal
 * needs no password, but the account must still exist. */
const char *pp_renew_signin(apr_pool_t *p, const pp_renewal_t *rn);

/* acct: what the database holds now for that name (NULL: nothing). 1 if
 * it may renew: it exists and has the legacy token's PUID. 0, the
 * authentication failure and a note otherwise. */
int pp_renew_account(apr_pool_t *p, pp_renewal_t *rn,
                     const pp_account_t *acct, pp_rst_refusal_t *no);

/* The answer: psf:pp and the EncKey DerivedKeyToken (a fresh nonce) in
 * the header, the tokens' collection encrypted in the body. NULL when
 * the random generator failed. */
const char *pp_renew_answer(apr_pool_t *p, const pp_rst_plan_t *plan,
                            const pp_account_t *acct, apr_int64_t now,
                            const pp_rst_tokens_t *tokens,
                            const pp_renewal_t *rn,
                            const pp_rst_renew_t *req);

#endif
