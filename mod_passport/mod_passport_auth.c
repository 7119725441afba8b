/*
 * mod_passport_auth.c - the password check the sign-in endpoints share.
 */
#include "mod_passport_auth.h"
#include "mod_passport_db.h"
#include "pp_hash.h"
#include "pp_str.h"

#include <http_log.h>

APLOG_USE_MODULE(passport);

/* Checked when the account does not exist, so an unknown sign-in name
 * costs a bcrypt check like a wrong password (with bcrypt accounts). */
#define DUMMY_HASH "$2y$10$dPF7pVwnuaHpUc7QRN7RPOHRI.5yXe79DnNGZFbYm3pirr/lwjrza"

pp_auth_status_t pp_authenticate(request_rec *r, const pp_srv_cfg_t *c,
                                 const char *signin, const char *password,
                                 pp_account_t *acct)
{
    const char *who = ap_escape_logitem(r->pool, signin);

    switch (pp_db_find_account(r, c, signin, acct)) {
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
