/*
 * pp_partner.c - the partner side of Passport 1.4.
 */
#include "pp_partner.h"
#include "pp_str.h"
#include "pp_ticket.h"

#include <apr_strings.h>

#define DEFAULT_CHALLENGE "lc=1033"

void pp_partner_challenge(apr_pool_t *p, const pp_realm_t *realm,
                          const pp_partner_conf_t *conf,
                          const char *requested_url, apr_int64_t now,
                          const char **www_authenticate,
                          const char **location)
{
    const char *ru = conf->return_url ? conf->return_url : requested_url;
    const char *params, *login;
    char *query, *q;

    params = apr_psprintf(p, "%s%s%sru=%s,ct=%" APR_INT64_T_FMT ",%s",
                          conf->site_id ? "id=" : "",
                          conf->site_id ? conf->site_id : "",
                          conf->site_id ? "," : "", pp_url_encode(p, ru), now,
                          conf->params ? conf->params : DEFAULT_CHALLENGE);
    login = conf->login_url ? conf->login_url
                            : apr_pstrcat(p, "https://", realm->dalogin, NULL);
    /* the same parameters as a query string (MS-PASS 4, step 2) */
    query = apr_pstrdup(p, params);
    for (q = query; *q; q++)
        if (*q == ',')
            *q = '&';
    *www_authenticate = apr_pstrcat(p, "Passport1.4 ", params, NULL);
    *location = apr_pstrcat(p, login, strchr(login, '?') ? "&" : "?", query,
                            NULL);
}

const char *pp_partner_audience(const pp_realm_t *realm,
                                const pp_partner_conf_t *conf)
{
    return conf->audience ? conf->audience : realm->partner_audience;
}

void pp_partner_set_token(apr_pool_t *p, const char *ticket,
                          const pp_verify_result_t *v, apr_int64_t now,
                          pp_partner_token_t *out)
{
    out->authentication_info = "Passport1.4 tname=MSPAuth,tname=MSPProf";
    out->auth = pp_ticket_from_compact(p, ticket);
    out->prof = pp_hex16(p, v->ticket.puid);
    out->max_age = v->ticket.expires - now;
}
