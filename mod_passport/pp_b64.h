/*
 * pp_b64.h - base64 in the two alphabets mod_passport uses:
 * URL-safe without padding (tickets: no '+', '/', '=') and standard
 * with padding (key files, SOAP BinarySecret). Apache-free.
 */
#ifndef PP_B64_H
#define PP_B64_H

#include <apr_pools.h>

/* Encode len bytes; the result is NUL-terminated, pool-allocated. */
char *pp_b64url_encode(apr_pool_t *p, const unsigned char *in, apr_size_t len);
char *pp_b64_encode(apr_pool_t *p, const unsigned char *in, apr_size_t len);

/* Decode strictly: only the alphabet's characters (and, for standard
 * base64, correct '=' padding); anything else fails. Returns the byte
 * buffer (pool) and stores its length, or NULL on bad input. */
unsigned char *pp_b64url_decode(apr_pool_t *p, const char *in, apr_size_t *len);
unsigned char *pp_b64_decode(apr_pool_t *p, const char *in, apr_size_t *len);

/* The same bytes in the other alphabet (or, _canonical, the same text
 * checked), converted character by character without decoding them:
 * NULL for text the strict decoder of the input's alphabet refuses. */
char *pp_b64url_to_b64(apr_pool_t *p, const char *in);
char *pp_b64_to_b64url(apr_pool_t *p, const char *in);
char *pp_b64url_canonical(apr_pool_t *p, const char *in);

#endif
