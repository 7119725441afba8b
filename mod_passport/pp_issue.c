/*
 * pp_issue.c - sealing the tickets of one answer.
 */
#include "pp_issue.h"
#include "pp_ticket.h"
#include "pp_b64.h"
#include "pp_str.h"

#include <apr_strings.h>
#include <openssl/crypto.h>
#include <string.h>

/* What t is, for an error. */
static const char *ticket_name(apr_pool_t *p, const pp_ticket_t *t)
{
    if (t->version == PP_TICKET_VERSION_SHARED)
        return apr_psprintf(p, "one ticket for %d addresses "
                            "(PassportSharedTicket)", t->naudiences);
    return apr_psprintf(p, "a ticket for '%s'",
                        pp_log_escape(p, t->audience));
}

/* What seals the tickets of one answer: the cipher keyed once, the MBI
 * key's HMAC copied once, for all of them. */
typedef struct {
    pp_sealer_t *sealer;
    pp_mbi_hmac_t *mbi;
} issuer_t;

static int issuer_make(apr_pool_t *p, const pp_realm_t *realm, issuer_t *is,
                       const char **err)
{
    if (realm->keyring == NULL) {
        *err = "PassportKeyFile is not set for this server";
        return 0;
    }
    is->sealer = pp_sealer_make(p, realm->keyring, realm->name, err);
    if (is->sealer == NULL) {
        *err = apr_pstrcat(p, "cannot seal the tickets: ", *err, NULL);
        return 0;
    }
    is->mbi = pp_mbi_hmac_make(p, &APR_ARRAY_IDX(realm->keyring->keys, 0,
                                                 pp_key_t));
    return 1;
}

/* Seal t for g: its ticket (a nonce of its own from the thread's stock,
 * pp_ticket_nonces), compact form and MBI secret. */
static int seal_grant(apr_pool_t *p, issuer_t *is, const pp_account_t *acct,
                      const pp_ticket_t *t, pp_grant_t *g, const char **err)
{
    unsigned char secret[PP_MBI_SECRET_LEN];

    g->expires = t->expires;
    g->ticket = pp_sealer_seal(p, is->sealer, t, NULL, err);
    if (g->ticket == NULL) {
        *err = apr_psprintf(p, "cannot seal %s: %s", ticket_name(p, t),
                            *err);
        return 0;
    }
    g->compact = pp_compact(p, g->ticket, acct->puid);
    if (!pp_mbi_hmac_secret(is->mbi, g->ticket, secret)) {
        /* never hand out a secret nobody can derive again */
        OPENSSL_cleanse(secret, sizeof(secret));
        *err = "the MBI secret could not be derived (HMAC-SHA256)";
        return 0;
    }
    g->secret = pp_b64_encode(p, secret, sizeof(secret));
    OPENSSL_cleanse(secret, sizeof(secret));
    return 1;
}

static void ticket_of(const pp_account_t *acct, apr_int64_t now,
                      pp_ticket_t *t)
{
    memset(t, 0, sizeof(*t));
    t->puid = acct->puid;
    t->signin = acct->signin;
    t->issued = now;
}

int pp_issue(apr_pool_t *p, const pp_realm_t *realm, const pp_account_t *acct,
             apr_int64_t now, pp_grant_t *grants, int n, apr_int64_t *expires,
             const char **err)
{
    pp_ticket_t t;
    issuer_t is;
    int i;

    if (!issuer_make(p, realm, &is, err))
        return 0;
    ticket_of(acct, now, &t);
    for (i = 0; i < n; i++) {
        pp_grant_t *g = &grants[i];

        t.audience = g->audience;
        t.expires = now + (g->lifetime > 0 ? g->lifetime
                                           : realm->ticket_lifetime);
        if (!seal_grant(p, &is, acct, &t, g, err))
            return 0;
    }
    *expires = now + realm->ticket_lifetime;
    return 1;
}

int pp_issue_shared(apr_pool_t *p, const pp_realm_t *realm,
                    const pp_account_t *acct, apr_int64_t now,
                    const char *const *audiences, int n, pp_grant_t *out,
                    const char **err)
{
    pp_ticket_t t;
    issuer_t is;
    const char *joined = "";
    int i;

    memset(out, 0, sizeof(*out));
    if (!issuer_make(p, realm, &is, err))
        return 0;
    for (i = 0; i < n; i++)
        joined = apr_pstrcat(p, joined, i ? " " : "", audiences[i], NULL);
    out->audience = joined;
    ticket_of(acct, now, &t);
    t.version = PP_TICKET_VERSION_SHARED;
    t.audiences = audiences;
    t.naudiences = n;
    t.expires = now + realm->ticket_lifetime;
    return seal_grant(p, &is, acct, &t, out, err);
}

const char *pp_compact(apr_pool_t *p, const char *ticket, apr_uint64_t puid)
{
    return apr_pstrcat(p, "t=", ticket, "&p=", pp_hex16(p, puid), NULL);
}

apr_uint64_t pp_account_cid(const pp_account_t *acct)
{
    return acct->has_cid ? acct->cid : pp_cid_from_puid(acct->puid);
}
