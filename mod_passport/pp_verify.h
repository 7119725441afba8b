/*
 * pp_verify.h - what a messenger server asks: is this ticket good for
 * this audience in this realm, and (MBI_KEY_OLD) is the client's answer
 * to my nonce right? Shared by the passport-verify endpoint and
 * `passport-admin ticket`. Apache-free.
 */
#ifndef PP_VERIFY_H
#define PP_VERIFY_H

#include "pp_ticket.h"
#include "pp_mbi.h"
#include "pp_realm.h"
#include "pp_note.h"

typedef struct {
    pp_ticket_status_t status;
    pp_ticket_t ticket;              /* filled when the seal verified */
    int sealed;                      /* the seal verified */
    int mbi_checked;                 /* a nonce and blob were given */
    int mbi_secret_ok;               /* mbi_secret could be derived */
    unsigned char mbi_secret[PP_MBI_SECRET_LEN];  /* when mbi_secret_ok,
                                                     else zeros */
} pp_verify_result_t;

/* ticket may be bare or "t=...&p=...". audience NULL skips that check;
 * nonce and blob NULL skip the MBI check (both or neither). If the
 * ticket's MBI secret cannot be derived (HMAC failed), mbi_secret_ok is
 * 0, and an MBI question gets PP_TICKET_BAD_MBI: an answer that cannot
 * be checked is not a good one. */
pp_ticket_status_t pp_verify(apr_pool_t *p, const pp_keyring_t *ring,
                             const char *realm, const char *ticket,
                             const char *audience, apr_int64_t now,
                             const char *nonce, const char *blob,
                             pp_verify_result_t *out);

/* The passport-verify endpoint's answer (docs/tickets.md): the fields
 * of the request (NULL where absent) in, the HTTP status and the JSON
 * document out. 200 valid, 403 refused with a reason, 400 for a request
 * that is not a question, 500 when this server has no key. The ticket
 * is never echoed. */
typedef struct {
    int status;
    const char *json;
    pp_note_t note;
} pp_verify_answer_t;

void pp_verify_answer(apr_pool_t *p, const pp_realm_t *realm,
                      const char *ticket, const char *audience,
                      const char *nonce, const char *mbi, apr_int64_t now,
                      pp_verify_answer_t *out);

/* A 400 answer for a request that could not be read (why is logged and
 * shown in "detail"). */
void pp_verify_bad_request(apr_pool_t *p, const char *why,
                           pp_verify_answer_t *out);

#endif
