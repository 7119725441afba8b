/*
 * pp_str.h - string helpers shared by the protocol layers.
 *
 * Apache-free: depends on APR only, so the unit tests link it directly.
 */
#ifndef PP_STR_H
#define PP_STR_H

#include <apr_pools.h>
#include <openssl/evp.h>


/* A "ptoken" of MS-PASS 2.2.1: one or more CHARs, no CTL, no comma.
 * We also refuse spaces, quotes and non-ASCII, which clients cannot
 * carry inside a Passport1.4 header parameter. */
int pp_is_ptoken(const char *s);

/* Strict non-negative decimal integer that fits in [0, max].
 * Returns 1 and stores the value on success, 0 otherwise. */
int pp_parse_uint(const char *s, apr_int64_t max, apr_int64_t *out);

/* An absolute http:// or https:// URL, usable inside a
 * comma-separated Passport header (no comma, space or CTL). */
int pp_is_header_url(apr_pool_t *p, const char *s);

/* HOST/PATH with no scheme, as clients expect DALogin. */
int pp_is_dalogin(const char *s);

/* 16 upper-case hex digits (PUID, CID). */
const char *pp_hex16(apr_pool_t *p, apr_uint64_t v);

/* A decimal 64-bit integer as databases return it; negative values
 * are taken as two's complement. 1 on success. */
int pp_parse_u64(const char *s, apr_uint64_t *out);

/* How PassportAccountQuery gives the PUID and CID (PassportIdFormat). */
typedef enum {
    PP_ID_DECIMAL = 0,           /* a decimal 64-bit integer (pp_parse_u64) */
    PP_ID_HEX                    /* exactly 16 hex digits, in either case */
} pp_id_format_t;

/* The directive's word ("decimal", "hex"; any case): 1 and *out. */
int pp_id_format_parse(const char *s, pp_id_format_t *out);

/* The word of a format, as the directive spells it. */
const char *pp_id_format_word(pp_id_format_t fmt);

/* A PUID or CID column in format fmt: 1 and *out; or 0 and *why, what is
 * wrong with it ("is 15 characters, not 16 hex digits"), for a log line.
 * Nothing is ever truncated or padded: a value is its format exactly. */
int pp_parse_id(apr_pool_t *p, const char *s, pp_id_format_t fmt,
                apr_uint64_t *out, const char **why);

/* An account's CID when the database has none: the first 8 bytes of
 * SHA-256("mod_passport cid v1" || PUID as 8 big-endian bytes), top bit
 * cleared (a positive 64-bit integer). Documented in docs/accounts.md.
 * 0 if SHA-256 failed: the signature stays as it was (callers need no
 * change to compile), and 0 is a value a caller can test for, where an
 * unchecked digest would have given a CID made of stack bytes. (A
 * derived CID is 0 by chance once in 2^63 PUIDs.) */
apr_uint64_t pp_cid_from_puid(apr_uint64_t puid);

/* "SHA256" or "SHA1" for EVP_Digest, fetched once for the process and
 * kept (the implicit EVP_sha256() is looked up on every call); NULL for
 * another name. */
const EVP_MD *pp_digest(const char *name);

/* Strict %XX decoding: a bad escape or a %00 fails (NULL). */
char *pp_url_decode(apr_pool_t *p, const char *s);

/* Escape everything but unreserved characters (RFC 3986). */
char *pp_url_encode(apr_pool_t *p, const char *s);

/* A sign-in name as tickets and headers carry it: local@domain, at most
 * 255 bytes, no spaces, controls, commas or quotes. */
int pp_signin_valid(const char *signin);

/* Lower-case ASCII copy; NULL unless pp_signin_valid. */
const char *pp_signin_normalize(apr_pool_t *p, const char *signin);

/* JSON string content: quotes, backslashes and controls escaped (the
 * surrounding quotes are the caller's). */
const char *pp_json_escape(apr_pool_t *p, const char *s);

/* Client input fit for a log line: control characters, non-ASCII bytes,
 * backslashes and double quotes as \xhh (as ap_escape_logitem does).
 * NULL gives "-". */
const char *pp_log_escape(apr_pool_t *p, const char *s);

/* A DNS host name as TLS SNI carries it (RFC 6066 3, RFC 1123 2.1):
 * dot-separated labels of 1 to 63 letters, digits and hyphens, no label
 * starting or ending with a hyphen, at most 253 bytes, no empty label
 * (so no leading or trailing dot) and a last label that starts with a
 * letter (so no IPv4 literal). */
int pp_is_host_name(const char *s);
#endif
