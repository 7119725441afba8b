/*
 * pp_partner.h - a partner location (AuthType Passport1.4, MS-PASS
 * 3.2): the Partner Server Challenge, the ticket check and the Set Token
 * message, from plain inputs. Apache-free.
 */
#ifndef PP_PARTNER_H
#define PP_PARTNER_H

#include <apr_pools.h>

#include "pp_realm.h"
#include "pp_verify.h"
#include "pp_note.h"

/* A location's settings (PassportPartner*), NULL where unset. */
typedef struct {
    const char *site_id;         /* id= in the challenge */
    const char *audience;        /* default: the realm's partner_audience */
    const char *login_url;       /* default: https:// + DALogin */
    const char *return_url;      /* default: the requested URL */
    const char *params;          /* default: lc=1033 */
} pp_partner_conf_t;

/* The Partner Server Challenge for a request of requested_url: the
 * WWW-Authenticate value and the login server's Location. */
void pp_partner_challenge(apr_pool_t *p, const pp_realm_t *realm,
                          const pp_partner_conf_t *conf,
                          const char *requested_url, apr_int64_t now,
                          const char **www_authenticate,
                          const char **location);

/* The audience a location's tickets must carry. */
const char *pp_partner_audience(const pp_realm_t *realm,
                                const pp_partner_conf_t *conf);

/* The Set Token message for a First Authenticated Request whose ticket
 * (bare or compact) verified as v: Authentication-Info, and the
 * partner's cookies MSPAuth (the ticket) and MSPProf (the PUID), for the
 * ticket's remaining life. */
typedef struct {
    const char *authentication_info;
    const char *auth;            /* MSPAuth */
    const char *prof;            /* MSPProf */
    apr_int64_t max_age;
} pp_partner_token_t;

void pp_partner_set_token(apr_pool_t *p, const char *ticket,
                          const pp_verify_result_t *v, apr_int64_t now,
                          pp_partner_token_t *out);

#endif
