/*
 * auth.c - password checks and ticket issuance shared by the endpoints.
 */
#include "auth.h"
#include "pp_hash.h"
#include "pp_ticket.h"
#include "pp_str.h"
#include "pp_mbi.h"
#include "pp_b64.h"

#include <http_log.h>
#include <apr_strings.h>

APLOG_USE_MODULE(passport);

/* Checked when the account does not exist, so an unknown sign-in name
 * costs as much as a wrong password (no enumeration by timing). */
#define DUMMY_HASH "$2y$10$dPF7pVwnuaHpUc7QRN7RPOHRI.5yXe79DnNGZFbYm3pirr/lwjrza"

pp_auth_status_t pp_authenticate(request_rec *r, const char *signin,
                                 const char *password, pp_account_t *acct)
{
    const char *who = ap_escape_logitem(r->pool, signin);

    switch (pp_db_find_account(r, signin, acct)) {
    case PP_DB_ERROR:
        return PP_AUTH_UNAVAILABLE;
    case PP_DB_NOT_FOUND:
        (void)pp_password_check(r->pool, password, DUMMY_HASH);
        ap_log_rerror(APLOG_MARK, APLOG_NOTICE, 0, r,
                      "PP0401: sign-in failed for '%s': no such account", who);
        return PP_AUTH_FAILED;
    case PP_DB_FOUND:
        break;
    }
    if (!pp_password_check(r->pool, password, acct->hash)) {
        ap_log_rerror(APLOG_MARK, APLOG_NOTICE, 0, r,
                      "PP0402: sign-in failed for '%s': wrong password", who);
        return PP_AUTH_FAILED;
    }
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                  "PP0403: '%s' signed in (PUID %s)", who,
                  pp_hex16(r->pool, acct->puid));
    return PP_AUTH_OK;
}

const char *pp_issue_ticket(request_rec *r, apr_uint64_t puid,
                            const char *signin, const char *audience,
                            apr_int64_t *expires)
{
    const pp_srv_cfg_t *c = pp_srv_cfg(r->server);
    const char *ticket, *err = NULL;
    pp_ticket_t t;

    if (c->keyring == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "PP0404: cannot issue a "
                      "ticket: PassportKeyFile is not set for this server");
        return NULL;
    }
    t.puid = puid;
    t.signin = signin;
    t.audience = audience;
    t.issued = apr_time_sec(r->request_time);
    t.expires = t.issued + pp_cfg_ticket_lifetime(c);
    ticket = pp_ticket_seal(r->pool, c->keyring, pp_cfg_realm(c), &t, &err);
    if (ticket == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "PP0405: cannot seal a "
                      "ticket for '%s': %s",
                      ap_escape_logitem(r->pool, audience), err);
        return NULL;
    }
    if (c->record_query != NULL) {
        unsigned char secret[PP_MBI_SECRET_LEN];

        pp_mbi_secret(&APR_ARRAY_IDX(c->keyring->keys, 0, pp_key_t), ticket,
                      secret);
        if (!pp_db_record_ticket(r, ticket, pp_hex16(r->pool, puid), signin,
                                 audience, apr_psprintf(r->pool, "%"
                                 APR_INT64_T_FMT, t.expires),
                                 pp_b64_encode(r->pool, secret,
                                               sizeof(secret))))
            return NULL;
    }
    if (expires)
        *expires = t.expires;
    return ticket;
}

const char *pp_compact(apr_pool_t *p, const char *ticket, apr_uint64_t puid)
{
    return apr_pstrcat(p, "t=", ticket, "&p=", pp_hex16(p, puid), NULL);
}
