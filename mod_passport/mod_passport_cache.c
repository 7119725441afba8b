/*
 * mod_passport_cache.c - PassportCache (an ap_socache provider) and what
 * the sign-in guard keeps in it: PassportThrottle's and
 * PassportThrottleAccount's counts, PassportCredentialCache's entries.
 *
 * Concurrency. socache has no atomic increment: a count is read, added
 * to and written back. On one machine a global mutex (Mutex type
 * "passport-cache") makes that read-add-write exact, whatever the
 * provider; it also serialises every call to a provider flagged
 * AP_SOCACHE_FLAG_NOTMPSAFE (shmcb). Across machines sharing one Redis
 * or memcached, two front ends counting a failure for the same id at the
 * same moment may both read n and both write n + 1: one failure is lost
 * (docs/directives.md, PassportThrottle, says how far that goes).
 */
#include "mod_passport_cache.h"
#include "mod_passport_status.h"
#include "pp_str.h"

#include <ap_socache.h>
#include <ap_provider.h>
#include <http_log.h>
#include <http_protocol.h>
#include <util_mutex.h>
#include <apr_atomic.h>
#include <apr_strings.h>

APLOG_USE_MODULE(passport);

/* One instance of a provider, for every server with the same
 * PassportCache value. */
struct pp_store {
    const char *spec;                   /* PassportCache, or the default */
    const ap_socache_provider_t *provider;
    ap_socache_instance_t *inst;
    int notmpsafe;                      /* every call under the mutex */
    server_rec *s;                      /* the first server using it */
    volatile apr_uint32_t down_until;   /* this process leaves it alone
                                           until then (seconds) */
    volatile apr_uint32_t was_down;     /* a failure since it last worked */
};

/* This configuration's stores and mutex: set at check_config and
 * post_config, gone with pconf (a restart reads the configuration
 * again). */
static apr_array_header_t *stores;      /* of struct pp_store * */
static apr_global_mutex_t *mutex;
static const char *const MUTEX_TYPE = "passport-cache";
/* the consumer's name providers see: redis and memcache prefix their
 * keys with it ("mod_passport:<hex id>"), shmcb names its file after it;
 * the same on every front end, so that they share their entries */
static const char *const CONSUMER = "mod_passport";

static apr_status_t forget_stores(void *data)
{
    (void)data;
    stores = NULL;
    mutex = NULL;
    return APR_SUCCESS;
}

int pp_store_pre_config(apr_pool_t *pconf, apr_pool_t *plog,
                        apr_pool_t *ptemp)
{
    apr_status_t rv = ap_mutex_register(pconf, MUTEX_TYPE, NULL,
                                        APR_LOCK_DEFAULT, 0);

    (void)ptemp;
    if (rv != APR_SUCCESS) {
        ap_log_perror(APLOG_MARK, APLOG_CRIT, rv, plog, "PP0007: cannot "
                      "register the %s mutex", MUTEX_TYPE);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    stores = NULL;
    mutex = NULL;
    return OK;
}

/* Whether a server uses a store: it signs people in, and throttles or
 * caches credentials. */
static int needs_store(const pp_srv_cfg_t *c)
{
    return c->keyring != NULL
           && (c->throttle.failures > 0 || c->throttle_account.failures > 0
               || c->credential_seconds > 0);
}

static struct pp_store *store_for(apr_pool_t *pconf, apr_pool_t *ptemp,
                                  server_rec *sp, const char *spec)
{
    const char *colon = strchr(spec, ':'), *name, *err;
    struct pp_store *st;
    int i;

    for (i = 0; i < stores->nelts; i++) {
        st = APR_ARRAY_IDX(stores, i, struct pp_store *);
        if (strcmp(st->spec, spec) == 0)
            return st;
    }
    st = apr_pcalloc(pconf, sizeof(*st));
    st->spec = spec;
    st->s = sp;
    name = colon ? apr_pstrndup(ptemp, spec, (apr_size_t)(colon - spec))
                 : spec;
    st->provider = ap_lookup_provider(AP_SOCACHE_PROVIDER_GROUP, name,
                                      AP_SOCACHE_PROVIDER_VERSION);
    if (st->provider == NULL) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, sp, "PP0005: PassportCache: "
                     "'%s' for %s:%u: no socache provider '%s' is loaded "
                     "(LoadModule socache_%s_module%s)", spec,
                     sp->server_hostname, (unsigned)sp->port, name, name,
                     pp_srv_cfg(sp)->cache_spec == NULL
                     ? "; shmcb is PassportCache's default, for "
                       "PassportThrottle's default 10 300, unless "
                       "PassportThrottle is off" : "");
        return NULL;
    }
    err = st->provider->create(&st->inst, colon ? colon + 1 : NULL, ptemp,
                               pconf);
    if (err != NULL) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, sp, "PP0006: PassportCache: "
                     "'%s' for %s:%u: %s", spec, sp->server_hostname,
                     (unsigned)sp->port, err);
        return NULL;
    }
    st->notmpsafe = (st->provider->flags & AP_SOCACHE_FLAG_NOTMPSAFE) != 0;
    APR_ARRAY_PUSH(stores, struct pp_store *) = st;
    return st;
}

int pp_store_check_config(apr_pool_t *pconf, apr_pool_t *plog,
                          apr_pool_t *ptemp, server_rec *s)
{
    server_rec *sp;

    (void)plog;
    stores = apr_array_make(pconf, 2, sizeof(struct pp_store *));
    mutex = NULL;
    apr_pool_cleanup_register(pconf, NULL, forget_stores,
                              apr_pool_cleanup_null);
    for (sp = s; sp != NULL; sp = sp->next) {
        pp_srv_cfg_t *c = pp_srv_cfg(sp);

        c->store = NULL;
        if (!needs_store(c))
            continue;
        c->store = store_for(pconf, ptemp, sp, c->cache_spec
                                               ? c->cache_spec
                                               : PP_DEFAULT_CACHE);
        if (c->store == NULL)
            return HTTP_INTERNAL_SERVER_ERROR;
    }
    return OK;
}

typedef struct {
    struct pp_store *st;
    server_rec *s;
} destroy_t;

static apr_status_t destroy_store(void *data)
{
    destroy_t *d = data;

    d->st->provider->destroy(d->st->inst, d->s);
    return APR_SUCCESS;
}

int pp_store_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                         apr_pool_t *ptemp, server_rec *s)
{
    /* ids of 16 bytes, records of 13; a check of expired entries every
     * 30 s */
    static const struct ap_socache_hints hints = { PP_GUARD_ID_LEN, 16,
                                                   30000000 };
    server_rec *sp;
    apr_status_t rv;
    int i;

    (void)plog;
    (void)ptemp;
    if (stores == NULL || stores->nelts == 0)
        return OK;
    rv = ap_global_mutex_create(&mutex, NULL, MUTEX_TYPE, NULL, s, pconf, 0);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s, "PP0007: cannot create "
                     "the %s mutex (see the Mutex directive)", MUTEX_TYPE);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    for (i = 0; i < stores->nelts; i++) {
        struct pp_store *st = APR_ARRAY_IDX(stores, i, struct pp_store *);
        destroy_t *d = apr_palloc(pconf, sizeof(*d));

        /* the main server: the provider's own directives (RedisTimeout,
         * say) are read from there */
        rv = st->provider->init(st->inst, CONSUMER, &hints, s, pconf);
        if (rv != APR_SUCCESS) {
            ap_log_error(APLOG_MARK, APLOG_CRIT, rv, st->s, "PP0006: "
                         "PassportCache: '%s' cannot be initialised",
                         st->spec);
            return HTTP_INTERNAL_SERVER_ERROR;
        }
        d->st = st;
        d->s = s;
        apr_pool_cleanup_register(pconf, d, destroy_store,
                                  apr_pool_cleanup_null);
    }
    for (sp = s; sp != NULL; sp = sp->next) {
        pp_srv_cfg_t *c = pp_srv_cfg(sp);
        const char *err = NULL;

        c->guard_key = NULL;
        if (c->store == NULL)
            continue;
        c->guard_key = pp_guard_key(pconf, c->keyring, c->realm->name, &err);
        if (c->guard_key == NULL) {
            ap_log_error(APLOG_MARK, APLOG_CRIT, 0, sp, "PP0006: cannot "
                         "derive the PassportCache key for %s:%u: %s",
                         sp->server_hostname, (unsigned)sp->port, err);
            return HTTP_INTERNAL_SERVER_ERROR;
        }
    }
    return OK;
}

void pp_store_child_init(apr_pool_t *p, server_rec *s)
{
    apr_status_t rv;

    if (mutex == NULL)
        return;
    rv = apr_global_mutex_child_init(&mutex, apr_global_mutex_lockfile(mutex),
                                     p);
    if (rv != APR_SUCCESS)
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s, "PP0007: cannot reopen "
                     "the %s mutex in this child", MUTEX_TYPE);
}

/* ---- calls to the store ------------------------------------------------- */

typedef enum {
    ST_FOUND,
    ST_NONE,                   /* no such entry */
    ST_DOWN                    /* the store failed, or is being let be */
} st_result_t;

static apr_uint32_t now_sec(void)
{
    return (apr_uint32_t)apr_time_sec(apr_time_now());
}

static int usable(struct pp_store *st)
{
    return now_sec() >= apr_atomic_read32(&st->down_until);
}

static void failed(request_rec *r, struct pp_store *st, const char *what,
                   apr_status_t rv)
{
    apr_uint32_t now = now_sec();

    apr_atomic_set32(&st->down_until, now + PP_STORE_RETRY);
    apr_atomic_set32(&st->was_down, 1);
    if (pp_status_warning_due(now))
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, rv, r, "PP0420: "
                      "PassportCache '%s': %s failed; sign-ins go on without "
                      "PassportThrottle and PassportCredentialCache until it "
                      "answers again (this warning: at most once a minute)",
                      st->spec, what);
}

static void worked(request_rec *r, struct pp_store *st)
{
    if (apr_atomic_read32(&st->was_down)
        && apr_atomic_xchg32(&st->was_down, 0))
        ap_log_rerror(APLOG_MARK, APLOG_NOTICE, 0, r, "PP0421: "
                      "PassportCache '%s' answers again: throttling and the "
                      "credential cache resume", st->spec);
}

static int lock(request_rec *r)
{
    apr_status_t rv = apr_global_mutex_lock(mutex);

    if (rv != APR_SUCCESS)
        ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, r, "PP0422: cannot lock "
                      "the %s mutex", MUTEX_TYPE);
    return rv == APR_SUCCESS;
}

static void unlock(void)
{
    apr_global_mutex_unlock(mutex);
}

/* locked: the caller holds the mutex already */
static st_result_t get(request_rec *r, struct pp_store *st,
                       const unsigned char *id, unsigned char *buf,
                       unsigned int *len, int locked)
{
    int mine = st->notmpsafe && !locked;
    apr_status_t rv;

    if (!usable(st) || (mine && !lock(r)))
        return ST_DOWN;
    rv = st->provider->retrieve(st->inst, r->server, id, PP_GUARD_ID_LEN,
                                buf, len, r->pool);
    if (mine)
        unlock();
    if (rv != APR_SUCCESS && !APR_STATUS_IS_NOTFOUND(rv)) {
        failed(r, st, "a look-up", rv);
        return ST_DOWN;
    }
    /* an answer, found or not: a store that had failed works again */
    worked(r, st);
    return rv == APR_SUCCESS ? ST_FOUND : ST_NONE;
}

static int put(request_rec *r, struct pp_store *st, const unsigned char *id,
               unsigned char *data, unsigned int len, apr_int64_t until,
               int locked)
{
    int mine = st->notmpsafe && !locked;
    apr_int64_t soonest = apr_time_sec(apr_time_now()) + 2;
    apr_status_t rv;

    if (!usable(st) || (mine && !lock(r)))
        return 0;
    /* redis counts whole seconds and refuses an expiry that has passed */
    if (until < soonest)
        until = soonest;
    rv = st->provider->store(st->inst, r->server, id, PP_GUARD_ID_LEN,
                             apr_time_from_sec(until), data, len, r->pool);
    if (mine)
        unlock();
    if (rv != APR_SUCCESS) {
        failed(r, st, "a write", rv);
        return 0;
    }
    worked(r, st);
    return 1;
}

static void del(request_rec *r, struct pp_store *st, const unsigned char *id)
{
    apr_status_t rv;

    if (!usable(st) || (st->notmpsafe && !lock(r)))
        return;
    rv = st->provider->remove(st->inst, r->server, id, PP_GUARD_ID_LEN,
                              r->pool);
    if (st->notmpsafe)
        unlock();
    if (rv != APR_SUCCESS && !APR_STATUS_IS_NOTFOUND(rv))
        failed(r, st, "a removal", rv);
}

void pp_store_status(request_rec *r)
{
    int i;

    for (i = 0; stores != NULL && i < stores->nelts; i++) {
        struct pp_store *st = APR_ARRAY_IDX(stores, i, struct pp_store *);
        const char *state = usable(st) ? "in use"
                            : "failing: left alone for a few seconds";

        ap_rprintf(r, "<p>PassportCache <code>%s</code>: %s in this "
                   "process</p>\n", ap_escape_html(r->pool, st->spec), state);
    }
}

/* ---- the throttle ------------------------------------------------------- */

static int guarded(const pp_srv_cfg_t *c)
{
    return c->store != NULL && c->guard_key != NULL;
}

/* A count from the store, or 0 when there is none (or junk). */
static int read_count(request_rec *r, struct pp_store *st,
                      const unsigned char *id, pp_throttle_rec_t *rec,
                      int locked)
{
    unsigned char buf[64];
    unsigned int len = sizeof(buf);

    return get(r, st, id, buf, &len, locked) == ST_FOUND
           && pp_throttle_decode(buf, len, rec);
}

static const char *when(request_rec *r, apr_int64_t t)
{
    char *s = apr_palloc(r->pool, APR_RFC822_DATE_LEN);

    apr_rfc822_date(s, apr_time_from_sec(t));
    return s;
}

/* The limits, each with its log words. */
typedef struct {
    const char *directive;
    const char *scope;
} scope_t;

static const scope_t PAIR = { "PassportThrottle", "from this address" };
static const scope_t ACCOUNT = { "PassportThrottleAccount",
                                 "from any address" };

static int refused(request_rec *r, const pp_throttle_t *t, const char *what,
                   const scope_t *sc, const pp_throttle_limit_t *lim,
                   const pp_throttle_rec_t *rec, apr_int64_t until)
{
    ap_log_rerror(APLOG_MARK, APLOG_NOTICE, 0, r, "PP0410: %s refused for "
                  "'%s' from %s: throttled by %s (%u failed sign-ins %s "
                  "within %" APR_INT64_T_FMT " s) until %s; the credential "
                  "was not checked", what,
                  ap_escape_logitem(r->pool, t->signin), t->address,
                  sc->directive, (unsigned)rec->failures, sc->scope,
                  lim->seconds, when(r, until));
    pp_stat_inc(r->server, PP_STAT_SIGNINS_THROTTLED);
    return 1;
}

int pp_throttle_check(request_rec *r, const pp_srv_cfg_t *c,
                      const char *signin, const char *what,
                      pp_throttle_t *t)
{
    apr_int64_t now = apr_time_sec(apr_time_now()), until = 0;
    pp_throttle_rec_t rec;

    memset(t, 0, sizeof(*t));
    t->signin = signin;
    t->address = r->useragent_ip ? r->useragent_ip : "";
    if (!guarded(c) || signin == NULL
        || (c->throttle.failures == 0 && c->throttle_account.failures == 0))
        return 0;
    t->active = 1;
    if (c->throttle.failures > 0) {
        t->pair_id = pp_guard_pair_id(c->guard_key, signin, t->address,
                                      t->pair);
        if (t->pair_id && read_count(r, c->store, t->pair, &rec, 0)) {
            t->have_pair = 1;
            if (pp_throttle_refuses(&c->throttle, &rec, now, &until))
                return refused(r, t, what, &PAIR, &c->throttle, &rec, until);
        }
    }
    if (c->throttle_account.failures > 0) {
        t->account_id = pp_guard_account_id(c->guard_key, signin, t->account);
        if (t->account_id && read_count(r, c->store, t->account, &rec, 0)
            && pp_throttle_refuses(&c->throttle_account, &rec, now, &until))
            return refused(r, t, what, &ACCOUNT, &c->throttle_account, &rec,
                           until);
    }
    if ((c->throttle.failures > 0 && !t->pair_id)
        || (c->throttle_account.failures > 0 && !t->account_id))
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "PP0412: the throttle "
                      "cannot make its id for '%s' (HMAC-SHA256 failed): "
                      "this sign-in is neither throttled nor counted",
                      pp_log_escape(r->pool, signin));
    return 0;
}

/* Read, add one, write: under the mutex, so that this machine's
 * concurrent failures all count. */
static void count(request_rec *r, const pp_srv_cfg_t *c,
                  const pp_throttle_t *t, const unsigned char *id,
                  const pp_throttle_limit_t *lim, const scope_t *sc)
{
    apr_int64_t now = apr_time_sec(apr_time_now()), until = 0;
    unsigned char buf[PP_THROTTLE_REC_LEN];
    pp_throttle_rec_t old, rec;
    int had, stored;

    if (!usable(c->store) || !lock(r))
        return;
    had = read_count(r, c->store, id, &old, 1);
    pp_throttle_count(lim, had ? &old : NULL, now, &rec, &until);
    pp_throttle_encode(&rec, buf);
    stored = put(r, c->store, id, buf, sizeof(buf), until, 1);
    unlock();
    if (stored && (apr_int64_t)rec.failures == lim->failures)
        ap_log_rerror(APLOG_MARK, APLOG_NOTICE, 0, r, "PP0411: '%s' from %s "
                      "reached %s: %u failed sign-ins %s within %"
                      APR_INT64_T_FMT " s; refused until %s",
                      ap_escape_logitem(r->pool, t->signin), t->address,
                      sc->directive, (unsigned)rec.failures, sc->scope,
                      lim->seconds, when(r, until));
}

void pp_throttle_failed(request_rec *r, const pp_srv_cfg_t *c,
                        const pp_throttle_t *t)
{
    if (!t->active)
        return;
    if (c->throttle.failures > 0 && t->pair_id)
        count(r, c, t, t->pair, &c->throttle, &PAIR);
    if (c->throttle_account.failures > 0 && t->account_id)
        count(r, c, t, t->account, &c->throttle_account, &ACCOUNT);
}

void pp_throttle_succeeded(request_rec *r, const pp_srv_cfg_t *c,
                           const pp_throttle_t *t)
{
    if (t->active && t->have_pair)
        del(r, c->store, t->pair);
}

/* ---- the credential cache ----------------------------------------------- */

int pp_credcache_hit(request_rec *r, const pp_srv_cfg_t *c,
                     const char *stored, const char *password)
{
    unsigned char id[PP_GUARD_ID_LEN], buf[16];
    unsigned int len = sizeof(buf);

    if (!guarded(c) || c->credential_seconds <= 0 || stored == NULL
        || password == NULL
        || !pp_guard_credential_id(c->guard_key, stored, password, id))
        return 0;
    return get(r, c->store, id, buf, &len, 0) == ST_FOUND && len == 1
           && buf[0] == '1';
}

void pp_credcache_remember(request_rec *r, const pp_srv_cfg_t *c,
                           const char *stored, const char *password)
{
    unsigned char id[PP_GUARD_ID_LEN], one = '1';

    if (!guarded(c) || c->credential_seconds <= 0
        || !pp_guard_credential_id(c->guard_key, stored, password, id))
        return;
    (void)put(r, c->store, id, &one, 1,
              apr_time_sec(apr_time_now()) + c->credential_seconds, 0);
}
