/*
 * mod_passport_auth.c - the password check the sign-in endpoints share
 * (login2.srf, RST.srf, RST2.srf), with the sign-in guard around it:
 *
 *   throttle (PassportThrottle, PassportThrottleAccount: a refusal costs
 *   no hashing) -> account row -> credential cache -> the hash -> count.
 *
 * Failures that take the same time. An unknown name is checked against
 * a dummy hash of the shape (scheme and cost, pp_hash_shape) the realm's
 * accounts have: with PassportTimingHash auto (the default), the shape
 * of the last account this server looked up in this process, so a realm
 * whose accounts share one format answers an unknown name and a wrong
 * password in the same time; with PassportTimingHash FORMAT, that
 * format's, and a wrong password for an account of another shape is
 * also checked against it, so every failure costs at least one check of
 * FORMAT. Either way the unknown name goes through the same steps as a
 * known one (throttle, credential-cache look-up, check, count).
 */
#include "mod_passport_auth.h"
#include "mod_passport_cache.h"
#include "mod_passport_db.h"
#include "mod_passport_status.h"
#include "pp_hash.h"
#include "pp_str.h"

#include <http_core.h>
#include <http_log.h>
#include <apr_hash.h>
#include <apr_strings.h>
#if APR_HAS_THREADS
#include <apr_thread_mutex.h>
#endif

APLOG_USE_MODULE(passport);

#define SHAPE_MAX 64                /* a shape's characters */
#define DUMMY_MAX 320               /* a dummy hash's characters */
#define LEARNED 8                   /* shapes a server remembers */

typedef struct {
    char shape[SHAPE_MAX];
    char dummy[DUMMY_MAX];
} learned_t;

/* Per server, in each process's own memory. */
struct pp_timing {
    const char *spec;               /* PassportTimingHash */
    int fixed;                      /* a FORMAT, not auto */
    const char *first_shape;        /* auto: until an account is seen; or
                                       FORMAT's */
    const char *first_dummy;
#if APR_HAS_THREADS
    apr_thread_mutex_t *lock;       /* child_init */
#endif
    learned_t seen[LEARNED];        /* auto: the shapes seen, */
    int nseen, last, next;          /* the last one seen, the next slot */
};

/* Dummies made at start-up, one per distinct format (vhosts with the
 * same one share it): one hash each, paid once. */
static const char *dummy_of(apr_pool_t *pconf, apr_hash_t *made,
                            server_rec *s, const char *spec)
{
    const char *template, *d, *err = NULL;

    d = apr_hash_get(made, spec, APR_HASH_KEY_STRING);
    if (d != NULL)
        return d;
    template = pp_hash_template(pconf, spec, &err);
    d = template ? pp_hash_dummy(pconf, template, &err) : NULL;
    if (d == NULL) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, "PP0009: "
                     "PassportTimingHash: '%s' for %s:%u: no dummy hash can "
                     "be made: %s", spec, s->server_hostname,
                     (unsigned)s->port, err);
        return NULL;
    }
    apr_hash_set(made, spec, APR_HASH_KEY_STRING, d);
    return d;
}

int pp_auth_post_config(apr_pool_t *pconf, apr_pool_t *ptemp, server_rec *s)
{
    apr_hash_t *made = apr_hash_make(ptemp);
    /* the first of the two start-up passes only checks the
     * configuration: no request is served from it, no hash is paid */
    int checking = ap_state_query(AP_SQ_MAIN_STATE)
                   == AP_SQ_MS_CREATE_PRE_CONFIG;
    server_rec *sp;

    for (sp = s; sp != NULL; sp = sp->next) {
        pp_srv_cfg_t *c = pp_srv_cfg(sp);
        struct pp_timing *t;

        c->timing = NULL;
        if (c->keyring == NULL)
            continue;
        t = apr_pcalloc(pconf, sizeof(*t));
        t->spec = c->timing_hash ? c->timing_hash : PP_DEFAULT_TIMING_HASH;
        t->fixed = strcasecmp(t->spec, "auto") != 0;
        if (!checking) {
            t->first_dummy = dummy_of(pconf, made, sp, t->fixed
                                      ? t->spec : PP_TIMING_HASH_FIRST);
            if (t->first_dummy == NULL)
                return HTTP_INTERNAL_SERVER_ERROR;
            t->first_shape = pp_hash_shape(pconf, t->first_dummy);
        }
        c->timing = t;
    }
    return OK;
}

void pp_auth_child_init(apr_pool_t *p, server_rec *s)
{
#if APR_HAS_THREADS
    server_rec *sp;

    for (sp = s; sp != NULL; sp = sp->next) {
        struct pp_timing *t = pp_srv_cfg(sp)->timing;

        if (t != NULL && !t->fixed
            && apr_thread_mutex_create(&t->lock, APR_THREAD_MUTEX_DEFAULT,
                                       p) != APR_SUCCESS)
            t->lock = NULL;
    }
#else
    (void)p;
    (void)s;
#endif
}

static int lock(struct pp_timing *t)
{
#if APR_HAS_THREADS
    return t->lock != NULL && apr_thread_mutex_lock(t->lock) == APR_SUCCESS;
#else
    (void)t;
    return 1;
#endif
}

static void unlock(struct pp_timing *t)
{
#if APR_HAS_THREADS
    apr_thread_mutex_unlock(t->lock);
#else
    (void)t;
#endif
}

/* The dummy an unknown name is checked against, and its shape: the
 * last shape seen (auto), or the first one. */
static const char *dummy_for_unknown(request_rec *r, struct pp_timing *t,
                                     const char **shape)
{
    const char *d = t->first_dummy;

    *shape = t->first_shape;
    if (!t->fixed && lock(t)) {
        if (t->nseen > 0) {
            d = apr_pstrdup(r->pool, t->seen[t->last].dummy);
            *shape = apr_pstrdup(r->pool, t->seen[t->last].shape);
        }
        unlock(t);
    }
    return d;
}

/* Where t has seen shape, or -1. Under t's lock. */
static int find_shape(const struct pp_timing *t, const char *shape)
{
    int i;

    for (i = 0; i < t->nseen; i++)
        if (strcmp(t->seen[i].shape, shape) == 0)
            return i;
    return -1;
}

/* After the answer is sent: a new shape's dummy, paid by no request
 * anybody times. */
typedef struct {
    struct pp_timing *t;
    const char *like;
    const char *shape;
    apr_pool_t *parent;
} learn_t;

static apr_status_t learn_later(void *data)
{
    learn_t *l = data;
    apr_pool_t *p;
    const char *d, *err = NULL;
    int i;

    if (apr_pool_create(&p, l->parent) != APR_SUCCESS)
        return APR_SUCCESS;
    d = pp_hash_dummy(p, l->like, &err);
    if (d != NULL && strlen(d) < DUMMY_MAX && lock(l->t)) {
        if ((i = find_shape(l->t, l->shape)) < 0) {
            i = l->t->next;
            l->t->next = (l->t->next + 1) % LEARNED;
            if (l->t->nseen < LEARNED)
                l->t->nseen++;
            apr_cpystrn(l->t->seen[i].shape, l->shape, SHAPE_MAX);
            apr_cpystrn(l->t->seen[i].dummy, d, DUMMY_MAX);
        }
        l->t->last = i;
        unlock(l->t);
    }
    apr_pool_destroy(p);
    return APR_SUCCESS;
}

/* An account was looked up: its shape becomes the one unknown names
 * imitate (auto). Returns the shape. */
static const char *learn(request_rec *r, struct pp_timing *t,
                         const char *hash)
{
    const char *shape = pp_hash_shape(r->pool, hash);
    learn_t *l;
    int i, known = 0;

    if (shape == NULL || t->fixed || strlen(shape) >= SHAPE_MAX)
        return shape;
    if (lock(t)) {
        if ((i = find_shape(t, shape)) >= 0) {
            t->last = i;
            known = 1;
        }
        unlock(t);
    }
    if (!known && strlen(hash) < DUMMY_MAX) {
        l = apr_palloc(r->pool, sizeof(*l));
        l->t = t;
        l->like = hash;
        l->shape = shape;
        l->parent = r->connection->pool;
        apr_pool_cleanup_register(r->pool, l, learn_later,
                                  apr_pool_cleanup_null);
    }
    return shape;
}

pp_auth_status_t pp_authenticate(request_rec *r, const pp_srv_cfg_t *c,
                                 const char *signin, const char *password,
                                 pp_account_t *acct)
{
    const char *who = ap_escape_logitem(r->pool, signin), *own, *shape;
    struct pp_timing *t = c->timing;
    pp_throttle_t th;

    /* throttled: refused before the database or the hash is touched */
    if (pp_throttle_check(r, c, signin, "sign-in", &th))
        return PP_AUTH_FAILED;
    switch (pp_db_find_account(r, c, signin, acct)) {
    case PP_DB_ERROR:
        return PP_AUTH_UNAVAILABLE;
    case PP_DB_NOT_FOUND: {
        /* the steps a known name takes, against a dummy */
        const char *dummy = t ? dummy_for_unknown(r, t, &shape) : NULL;

        if (dummy == NULL) {
            dummy = "$2y$10$dPF7pVwnuaHpUc7QRN7RPOHRI.5yXe79DnNGZFbYm3pirr/"
                    "lwjrza";
            shape = "bcrypt:10";
        }
        (void)pp_credcache_hit(r, c, dummy, password);
        (void)pp_password_check(r->pool, password, dummy);
        pp_throttle_failed(r, c, &th);
        pp_stat_inc(r->server, PP_STAT_SIGNINS_FAILED);
        ap_log_rerror(APLOG_MARK, APLOG_NOTICE, 0, r,
                      "PP0401: sign-in failed for '%s': no such account "
                      "(a dummy %s hash was checked)", who, shape);
        return PP_AUTH_FAILED;
    }
    case PP_DB_FOUND:
        break;
    }
    /* found under another spelling (a looser collation): the account's
     * own name, normalized as sign-in names are, is what counts */
    own = pp_signin_normalize(r->pool, acct->signin);
    if (own != NULL && strcmp(own, signin) != 0
        && pp_throttle_check(r, c, own, "sign-in", &th))
        return PP_AUTH_FAILED;
    if (pp_credcache_hit(r, c, acct->hash, password)) {
        pp_throttle_succeeded(r, c, &th);
        pp_stat_inc(r->server, PP_STAT_SIGNINS_OK);
        pp_stat_inc(r->server, PP_STAT_CACHE_HITS);
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                      "PP0403: '%s' signed in (PUID %s), from the "
                      "credential cache", who, pp_hex16(r->pool, acct->puid));
        return PP_AUTH_OK;
    }
    shape = t ? learn(r, t, acct->hash) : NULL;
    if (!pp_password_check(r->pool, password, acct->hash)) {
        /* PassportTimingHash FORMAT: every failure costs one check of it */
        if (t && t->fixed && t->first_dummy
            && (shape == NULL || strcmp(shape, t->first_shape) != 0)) {
            (void)pp_password_check(r->pool, password, t->first_dummy);
            ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, "PP0404: '%s' has a "
                          "%s hash: the wrong password was also checked "
                          "against PassportTimingHash %s", who,
                          shape ? shape : "unknown", t->spec);
        }
        pp_throttle_failed(r, c, &th);
        pp_stat_inc(r->server, PP_STAT_SIGNINS_FAILED);
        ap_log_rerror(APLOG_MARK, APLOG_NOTICE, 0, r,
                      "PP0402: sign-in failed for '%s': wrong password", who);
        return PP_AUTH_FAILED;
    }
    pp_credcache_remember(r, c, acct->hash, password);
    pp_throttle_succeeded(r, c, &th);
    pp_stat_inc(r->server, PP_STAT_SIGNINS_OK);
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                  "PP0403: '%s' signed in (PUID %s)", who,
                  pp_hex16(r->pool, acct->puid));
    return PP_AUTH_OK;
}
