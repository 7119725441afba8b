/*
 * pp_rst.c - the token service's decisions, shared by both dialects.
 */
#include "pp_rst.h"
#include "pp_p14.h"
#include "pp_str.h"
#include "pp_legacy.h"

#include <apr_strings.h>
#include <apr_time.h>
#include <apr_lib.h>

const pp_dialect_t *pp_rst_dialect_guess(const char *body, const char *path)
{
    if (body != NULL)
        return strstr(body, "http://www.w3.org/2003/05/soap-envelope")
               ? &pp_dialect_rst2 : &pp_dialect_rst;
    return path != NULL && strstr(path, "RST2") ? &pp_dialect_rst2
                                                : &pp_dialect_rst;
}

const pp_dialect_t *pp_rst_dialect_of(const pp_rst_req_t *req)
{
    return req->soap12 || req->trust2005 ? &pp_dialect_rst2 : &pp_dialect_rst;
}

int pp_rst_content_type_ok(const char *ct)
{
    apr_size_t n;

    if (ct == NULL)
        return 1;         /* some clients send none; the XML decides */
    n = strcspn(ct, "; \t");
    return (n == 8 && strncasecmp(ct, "text/xml", 8) == 0)
        || (n == 20 && strncasecmp(ct, "application/soap+xml", 20) == 0)
        || (n == 15 && strncasecmp(ct, "application/xml", 15) == 0);
}

const char *pp_rst_fault_word(pp_fault_t kind)
{
    static const char *const words[] = { "authentication", "client",
                                         "server" };

    return (unsigned)kind < 3 ? words[kind] : "server";
}

static int refuse(pp_rst_refusal_t *no, pp_fault_t kind, const char *why)
{
    no->kind = kind;
    no->why = why;
    return 0;
}

/* Notes for the glue to log, made on first use: a plan's, or tokens'. */
static void push_note(apr_pool_t *p, apr_array_header_t **notes,
                      pp_note_level_t level, const char *text)
{
    pp_note_t *n;

    if (*notes == NULL)
        *notes = apr_array_make(p, 2, sizeof(pp_note_t));
    n = apr_array_push(*notes);
    n->level = level;
    n->text = text;
}

const char *pp_rst_skew_why(const pp_realm_t *realm, apr_int64_t created,
                            apr_int64_t expires, apr_int64_t now)
{
    if (realm->clock_skew == 0)
        return NULL;
    if (expires + realm->clock_skew < now)
        return "the request's wsu:Timestamp has expired (PassportClockSkew)";
    if (created - realm->clock_skew > now)
        return "the request's wsu:Timestamp is in the future "
               "(PassportClockSkew)";
    return NULL;
}

/* A wsu:Timestamp, when there is one, must be two times within the
 * clock skew. */
static const char *check_timestamp(const pp_realm_t *realm,
                                   const pp_rst_req_t *req, apr_int64_t now)
{
    apr_int64_t created, expires;

    if (req->ts_created == NULL && req->ts_expires == NULL)
        return NULL;
    created = pp_iso8601_parse(req->ts_created);
    expires = pp_iso8601_parse(req->ts_expires);
    if (created < 0 || expires < 0)
        return "the wsu:Timestamp is not two ISO 8601 UTC times";
    return pp_rst_skew_why(realm, created, expires, now);
}

/* Policy names are compared in any case: MBI_KEY_OLD, mbi_key_old. */
static int is_policy(const pp_rst_item_t *it, const char *policy)
{
    return it->policy != NULL && strcasecmp(it->policy, policy) == 0;
}

/* The policies of the references and of real clients; "?..." carries
 * Passport 1.4-style parameters (MSNP12-14's messenger.msn.com). */
static int known_policy(const char *policy)
{
    static const char *const known[] = {
        "MBI", "MBI_SSL", "MBI_KEY_OLD", "MBI_KEY", "MBI_X509_CID", NULL
    };
    int i;

    if (policy == NULL || *policy == '?')
        return 1;
    for (i = 0; known[i]; i++)
        if (strcasecmp(policy, known[i]) == 0)
            return 1;
    return 0;
}

/* The site id= of a "?..." policy, or NULL. */
static const char *policy_site_id(apr_pool_t *p, const char *policy)
{
    const char *s;

    if (policy == NULL || *policy != '?')
        return NULL;
    for (s = policy + 1; *s; ) {
        apr_size_t n = strcspn(s, "&,");

        if (n > 3 && strncasecmp(s, "id=", 3) == 0)
            return apr_pstrmemdup(p, s + 3, n - 3);
        s += n;
        if (*s)
            s++;
    }
    return NULL;
}

/* With sites configured, a Passport 1.4-style policy's id= must be one
 * of them, as at login2.srf. */
static const char *check_site(apr_pool_t *p, const pp_realm_t *realm,
                              const pp_rst_item_t *it, pp_rst_plan_t *plan)
{
    const char *id = policy_site_id(p, it->policy);

    if (realm->sites == NULL || id == NULL || pp_realm_site(realm, id))
        return NULL;
    push_note(p, &plan->notes, PP_NOTE_NOTICE, apr_psprintf(p,
              "PP0506: RST: no PassportSite for site id %s (address %s); "
              "to serve it, add \"PassportSite %s RETURN-URL\"",
              pp_log_escape(p, id), pp_log_escape(p, it->address),
              pp_log_escape(p, id)));
    return apr_psprintf(p, "site id %s is not a PassportSite of this realm",
                        id);
}

/* The audience of a served address, or NULL when the realm lists its
 * addresses and this is not one of them. */
static const char *audience_of(apr_pool_t *p, const pp_realm_t *realm,
                               const char *address)
{
    char *a, *s;

    if (strcasecmp(address, PP_ADDRESS_LEGACY) == 0)
        return realm->services ? pp_realm_service(realm, address)
                               : PP_ADDRESS_LEGACY;
    if (realm->services)
        return pp_realm_service(realm, address);
    a = apr_pstrdup(p, address);
    for (s = a; *s; s++)
        *s = (char)apr_tolower(*s);
    return a;
}

int pp_rst_plan(apr_pool_t *p, const pp_realm_t *realm,
                const pp_rst_req_t *req, apr_int64_t now, int https,
                pp_rst_plan_t *plan, pp_rst_refusal_t *no)
{
    const char *why;
    int i;

    memset(plan, 0, sizeof(*plan));
    plan->dialect = pp_rst_dialect_of(req);
    if ((why = check_timestamp(realm, req, now)) != NULL)
        return refuse(no, PP_FAULT_CLIENT, why);
    plan->wants = apr_array_make(p, req->items->nelts, sizeof(pp_rst_want_t));
    for (i = 0; i < req->items->nelts; i++) {
        const pp_rst_item_t *it = &APR_ARRAY_IDX(req->items, i, pp_rst_item_t);
        pp_rst_want_t *w = apr_array_push(plan->wants);

        w->item = it;
        if (!known_policy(it->policy))
            push_note(p, &plan->notes, PP_NOTE_INFO, apr_psprintf(p,
                      "PP0507: RST: unknown policy '%s' for '%s'; "
                      "issued as MBI",
                      pp_log_escape(p, it->policy),
                      pp_log_escape(p, it->address)));
        if ((w->audience = audience_of(p, realm, it->address)) == NULL) {
            /* one address the realm does not list fails no other */
            push_note(p, &plan->notes, PP_NOTE_INFO, apr_psprintf(p,
                      "PP0508: RST: '%s' is not a PassportService of "
                      "this realm; answered without a token",
                      pp_log_escape(p, it->address)));
            w->audience = it->address;
            w->kind = PP_TOKEN_NONE;
            continue;
        }
        if ((why = check_site(p, realm, it, plan)) != NULL)
            return refuse(no, PP_FAULT_CLIENT, why);
        if (is_policy(it, "MBI_SSL") && !https)
            return refuse(no, PP_FAULT_CLIENT, apr_psprintf(p, "'%s' with "
                          "policy MBI_SSL is only issued over HTTPS",
                          it->address));
        if (strcasecmp(w->audience, PP_ADDRESS_P2PSLC) == 0) {
            if (realm->ca == NULL)
                return refuse(no, PP_FAULT_CLIENT, PP_ADDRESS_P2PSLC
                              " (MBI_X509_CID certificates) needs a CA, and "
                              "this realm has none (PassportCACertificateFile,"
                              " PassportCAKeyFile)");
            if (!https)   /* MS-WSTEP 2.1: MUST be over HTTPS */
                return refuse(no, PP_FAULT_CLIENT, PP_ADDRESS_P2PSLC
                              " certificates are only issued over HTTPS");
            w->kind = PP_TOKEN_X509;
        }
        else if (strcasecmp(w->audience, PP_ADDRESS_LEGACY) == 0) {
            w->kind = PP_TOKEN_LEGACY;
            w->with_secret = 1;
        }
        else {
            w->kind = PP_TOKEN_COMPACT;
            w->with_secret = is_policy(it, "MBI_KEY_OLD")
                          || is_policy(it, "MBI_KEY");
        }
    }
    if (req->renew != NULL)
        return 1;        /* the legacy token is the credential: pp_renew.c */
    if (req->username == NULL || req->password == NULL)
        return refuse(no, PP_FAULT_CLIENT, "no credentials (wsse:Security/"
                      "wsse:UsernameToken with Username and Password)");
    plan->signin = pp_signin_normalize(p, req->username);
    plan->password = req->password;
    if (plan->signin == NULL || *req->password == '\0'
        || strlen(req->password) > PP_P14_MAX_PWD)
        return refuse(no, PP_FAULT_AUTH, "malformed user name or password");
    return 1;
}

void pp_rst_password_refused(int outage, pp_rst_refusal_t *no)
{
    refuse(no, outage ? PP_FAULT_SERVER : PP_FAULT_AUTH,
           outage ? "The account service is temporarily unavailable"
                  : "wrong password or unknown account");
}

/* A certificate for p2pslc (MS-WSTEP): NULL and a refusal for a request
 * the client got wrong, or when signing failed. */
static const char *certificate(apr_pool_t *p, const pp_realm_t *realm,
                               const pp_rst_item_t *it,
                               const pp_account_t *acct, apr_int64_t now,
                               pp_rst_tokens_t *out, pp_rst_refusal_t *no)
{
    pp_cert_subject_t who;
    pp_csr_status_t st;
    const char *cert, *why = NULL;

    who.puid = acct->puid;
    who.signin = acct->signin;
    who.realm = realm->name;
    who.not_before = now;
    who.not_after = now + realm->ticket_lifetime;
    cert = pp_x509_issue(p, realm->ca, it->supporting, &who, &st, &why);
    if (cert != NULL) {
        push_note(p, &out->notes, PP_NOTE_INFO, apr_psprintf(p,
                  "PP0503: RST: certificate issued for '%s'",
                  pp_log_escape(p, acct->signin)));
        return cert;
    }
    if (st == PP_CSR_ISSUE_FAILED) {
        push_note(p, &out->notes, PP_NOTE_ERROR,
                  apr_psprintf(p, "PP0504: RST: %s", why));
        refuse(no, PP_FAULT_SERVER, "Tokens could not be issued");
    }
    else
        refuse(no, PP_FAULT_CLIENT, why);
    return NULL;
}

/* The audiences of the plan's compact tokens, each once, in order. */
static const char **compact_audiences(apr_pool_t *p,
                                      const pp_rst_plan_t *plan, int *n)
{
    const char **list = apr_palloc(p, sizeof(*list)
                                   * (apr_size_t)(plan->wants->nelts + 1));
    int i, k;

    *n = 0;
    for (i = 0; i < plan->wants->nelts; i++) {
        const pp_rst_want_t *w = &APR_ARRAY_IDX(plan->wants, i, pp_rst_want_t);

        if (w->kind != PP_TOKEN_COMPACT)
            continue;
        for (k = 0; k < *n && strcmp(list[k], w->audience) != 0; k++)
            ;
        if (k == *n)
            list[(*n)++] = w->audience;
    }
    return list;
}

int pp_rst_issue(apr_pool_t *p, const pp_realm_t *realm,
                 const pp_rst_plan_t *plan, const pp_account_t *acct,
                 apr_int64_t now, pp_rst_tokens_t *out, pp_rst_refusal_t *no)
{
    int i, g = 0, n = plan->wants->nelts, nshared = 0;
    const char **shared = NULL, *err = NULL;
    pp_grant_t *one = NULL;

    memset(out, 0, sizeof(*out));
    out->items = apr_array_make(p, n, sizeof(pp_rstr_item_t));
    out->grants = apr_array_make(p, n, sizeof(pp_grant_t));
    /* one ticket for every address but p2pslc, sealed together; the
     * legacy token lives longer, so that it can renew the others. With
     * PassportSharedTicket, the compact tokens are one ticket for all
     * their addresses (the legacy token stays its own) */
    if (realm->shared_ticket)
        shared = compact_audiences(p, plan, &nshared);
    for (i = 0; i < n; i++) {
        const pp_rst_want_t *w = &APR_ARRAY_IDX(plan->wants, i, pp_rst_want_t);
        pp_grant_t *gr;

        if (w->kind == PP_TOKEN_LEGACY
            || (w->kind == PP_TOKEN_COMPACT && !realm->shared_ticket)) {
            gr = apr_array_push(out->grants);
            gr->audience = w->audience;
            if (w->kind == PP_TOKEN_LEGACY)
                gr->lifetime = realm->legacy_lifetime;
        }
    }
    if (!pp_issue(p, realm, acct, now, (pp_grant_t *)out->grants->elts,
                  out->grants->nelts, &out->expires, &err)
        || (nshared > 0
            && !pp_issue_shared(p, realm, acct, now, shared, nshared,
                                one = apr_array_push(out->grants), &err))) {
        push_note(p, &out->notes, PP_NOTE_ERROR,
                  apr_pstrcat(p, "PP0505: RST: ", err, NULL));
        return refuse(no, PP_FAULT_SERVER, "Tokens could not be issued");
    }
    for (i = 0; i < n; i++) {
        const pp_rst_want_t *w = &APR_ARRAY_IDX(plan->wants, i, pp_rst_want_t);
        pp_rstr_item_t *o = apr_array_push(out->items);
        const pp_grant_t *gr;

        o->address = w->item->address;
        o->by_service_name = w->item->by_service_name;
        if (w->kind == PP_TOKEN_NONE) {
            o->refused = apr_psprintf(p, "this realm does not serve '%s' "
                                      "(PassportService)", w->item->address);
            continue;
        }
        if (w->kind == PP_TOKEN_X509) {
            o->x509 = 1;
            o->token = certificate(p, realm, w->item, acct, now, out, no);
            if (o->token == NULL)
                return 0;
            continue;
        }
        gr = w->kind == PP_TOKEN_COMPACT && one != NULL
             ? one : &APR_ARRAY_IDX(out->grants, g++, pp_grant_t);
        o->legacy = w->kind == PP_TOKEN_LEGACY;
        /* the legacy token travels as xs:base64Binary (pp_legacy.h) */
        o->token = o->legacy ? pp_legacy_cipher(p, gr->ticket) : gr->compact;
        o->secret = w->with_secret ? gr->secret : NULL;
        o->expires = gr->expires;
    }
    return 1;
}

/* psf:serverInfo's text: this server and the time. */
static const char *server_info(apr_pool_t *p, apr_int64_t now)
{
    apr_time_exp_t x;

    apr_time_exp_gmt(&x, apr_time_from_sec(now));
    return apr_psprintf(p, "mod_passport %04d.%02d.%02d.%02d.%02d.%02d",
                        x.tm_year + 1900, x.tm_mon + 1, x.tm_mday, x.tm_hour,
                        x.tm_min, x.tm_sec);
}

void pp_rst_context(apr_pool_t *p, const pp_rst_plan_t *plan,
                    const pp_account_t *acct, apr_int64_t now,
                    const pp_rst_tokens_t *tokens, pp_rstr_ctx_t *c)
{
    memset(c, 0, sizeof(*c));
    c->dialect = plan->dialect;
    c->puid = acct->puid;
    c->cid = pp_account_cid(acct);
    c->signin = acct->signin;
    c->now = now;
    c->expires = tokens->expires;
    c->server_info = server_info(p, now);
}

const char *pp_rst_answer(apr_pool_t *p, const pp_rst_plan_t *plan,
                          const pp_account_t *acct, apr_int64_t now,
                          const pp_rst_tokens_t *tokens)
{
    pp_rstr_ctx_t c;

    pp_rst_context(p, plan, acct, now, tokens, &c);
    return pp_rstr_render(p, &c, tokens->items);
}

const char *pp_rst_fault_answer(apr_pool_t *p, const pp_dialect_t *dialect,
                                apr_int64_t now, const pp_rst_refusal_t *no)
{
    pp_rstr_ctx_t c;

    memset(&c, 0, sizeof(c));
    c.dialect = dialect;
    c.now = now;
    c.server_info = server_info(p, now);
    return pp_rst_fault(p, &c, no->kind, no->why);
}
