/*
 * pp_legacy.h - the legacy token (http://Passport.NET/tb) on the wire.
 *
 * A legacy token is a sealed ticket like any other (pp_ticket.h), but it
 * travels as the CipherValue of an xmlenc EncryptedData, whose type is
 * xs:base64Binary: the standard alphabet with padding. Compact tickets
 * (t=...&p=...) stay base64url without padding, which is also every
 * ticket's canonical text: what pp_ticket_open reads and what its MBI
 * secret is derived from (docs/tickets.md). Apache-free.
 */
#ifndef PP_LEGACY_H
#define PP_LEGACY_H

#include <apr_pools.h>

/* The CipherValue of a sealed ticket: standard base64 of its bytes, with
 * padding. NULL if ticket is not canonical base64url text. */
const char *pp_legacy_cipher(apr_pool_t *p, const char *ticket);

/* The canonical text (base64url, no padding) of a ticket given in either
 * form: a compact ticket's t= value or a legacy CipherValue. Text in the
 * characters both alphabets share decodes the same either way. NULL if
 * the text is neither, or mixes the two alphabets. */
const char *pp_legacy_canonical(apr_pool_t *p, const char *text);

#endif
