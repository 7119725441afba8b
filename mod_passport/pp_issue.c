/*
 * pp_issue.c - sealing the tickets of one answer.
 */
#include "pp_issue.h"
#include "pp_ticket.h"
#include "pp_b64.h"
#include "pp_str.h"

#include <apr_strings.h>
#include <openssl/crypto.h>

int pp_issue(apr_pool_t *p, const pp_realm_t *realm, const pp_account_t *acct,
             apr_int64_t now, pp_grant_t *grants, int n, apr_int64_t *expires,
             const char **err)
{
    const pp_key_t *key;
    pp_ticket_t t;
    int i;

    if (realm->keyring == NULL) {
        *err = "PassportKeyFile is not set for this server";
        return 0;
    }
    key = &APR_ARRAY_IDX(realm->keyring->keys, 0, pp_key_t);
    t.puid = acct->puid;
    t.signin = acct->signin;
    t.issued = now;
    t.key_index = 0;
    for (i = 0; i < n; i++) {
        unsigned char secret[PP_MBI_SECRET_LEN];
        pp_grant_t *g = &grants[i];

        t.audience = g->audience;
        t.expires = now + (g->lifetime > 0 ? g->lifetime
                                           : realm->ticket_lifetime);
        g->expires = t.expires;
        g->ticket = pp_ticket_seal(p, realm->keyring, realm->name, &t, err);
        if (g->ticket == NULL) {
            *err = apr_psprintf(p, "cannot seal a ticket for '%s': %s",
                                pp_log_escape(p, g->audience), *err);
            return 0;
        }
        g->compact = pp_compact(p, g->ticket, acct->puid);
        if (!pp_mbi_secret(key, g->ticket, secret)) {
            /* never hand out a secret nobody can derive again */
            OPENSSL_cleanse(secret, sizeof(secret));
            *err = "the MBI secret could not be derived (HMAC-SHA256)";
            return 0;
        }
        g->secret = pp_b64_encode(p, secret, sizeof(secret));
        OPENSSL_cleanse(secret, sizeof(secret));
    }
    *expires = now + realm->ticket_lifetime;
    return 1;
}

const char *pp_compact(apr_pool_t *p, const char *ticket, apr_uint64_t puid)
{
    return apr_pstrcat(p, "t=", ticket, "&p=", pp_hex16(p, puid), NULL);
}

apr_uint64_t pp_account_cid(const pp_account_t *acct)
{
    return acct->has_cid ? acct->cid : pp_cid_from_puid(acct->puid);
}
