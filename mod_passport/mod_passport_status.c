/*
 * mod_passport_status.c - the live counters and their mod_status
 * section (mod_passport_status.h).
 */
#include "mod_passport_status.h"
#include "mod_passport_config.h"
#include "mod_passport_cache.h"

#include <http_log.h>
#include <http_main.h>
#include <http_protocol.h>
#include <mod_status.h>
#include <apr_atomic.h>
#include <apr_optional_hooks.h>
#include <apr_shm.h>
#include <apr_strings.h>

APLOG_USE_MODULE(passport);

/* The ?auto names: a contract with monitoring tools (docs). */
static const char *const NAMES[PP_STAT_COUNT] = {
    "PassportSignInsOK", "PassportSignInsFailed", "PassportSignInsThrottled",
    "PassportRenewals", "PassportFaults", "PassportCertificates",
    "PassportCacheHits"
};
static const char *const LABELS[PP_STAT_COUNT] = {
    "Sign-ins OK", "Sign-ins failed", "Throttled", "Renewals", "Faults",
    "Certificates", "Cache hits"
};

typedef struct {
    volatile apr_uint64_t count[PP_STAT_COUNT];
} counters_t;

typedef struct {
    counters_t all;
    volatile apr_uint32_t warned;   /* the last rationed warning (s) */
} totals_t;

#define TOTALS_KEY "mod_passport-status-totals"

static totals_t *totals;            /* in the process pool's segment */
static counters_t *servers;         /* in this configuration's segment */
static int nservers;

static apr_status_t forget(void *data)
{
    (void)data;
    servers = NULL;
    nservers = 0;
    return APR_SUCCESS;
}

/* An anonymous shared segment (inherited by every child), zeroed. */
static void *segment(apr_pool_t *p, apr_size_t size, apr_shm_t **shm,
                     server_rec *s)
{
    void *base;

    if (apr_shm_create(shm, size, NULL, p) != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, "PP0008: cannot create "
                     "the shared memory of mod_passport's counters");
        return NULL;
    }
    base = apr_shm_baseaddr_get(*shm);
    memset(base, 0, size);
    return base;
}

int pp_status_post_config(apr_pool_t *pconf, server_rec *s)
{
    apr_pool_t *proc = s->process->pool;
    apr_shm_t *shm = NULL;
    void *data = NULL;
    server_rec *sp;
    int n = 0;

    /* the totals: once per server process, kept across restarts */
    apr_pool_userdata_get(&data, TOTALS_KEY, proc);
    if (data == NULL) {
        if (segment(proc, sizeof(totals_t), &shm, s) == NULL)
            return HTTP_INTERNAL_SERVER_ERROR;
        apr_pool_userdata_set(shm, TOTALS_KEY, apr_pool_cleanup_null, proc);
        data = shm;
    }
    totals = apr_shm_baseaddr_get(data);

    /* a slot per server, for this configuration */
    for (sp = s; sp != NULL; sp = sp->next)
        pp_srv_cfg(sp)->stat_slot = n++;
    servers = segment(pconf, (apr_size_t)n * sizeof(counters_t), &shm, s);
    if (servers == NULL)
        return HTTP_INTERNAL_SERVER_ERROR;
    nservers = n;
    apr_pool_cleanup_register(pconf, NULL, forget, apr_pool_cleanup_null);
    return OK;
}

void pp_stat_add(const server_rec *s, pp_stat_t which, apr_uint64_t n)
{
    int slot = pp_srv_cfg(s)->stat_slot;

    if (totals != NULL)
        apr_atomic_add64(&totals->all.count[which], n);
    if (servers != NULL && slot >= 0 && slot < nservers)
        apr_atomic_add64(&servers[slot].count[which], n);
}

int pp_status_warning_due(apr_uint32_t now)
{
    apr_uint32_t last;

    if (totals == NULL)
        return 1;
    last = apr_atomic_read32(&totals->warned);
    if (last != 0 && now >= last && now - last < 60)
        return 0;
    return apr_atomic_cas32(&totals->warned, now, last) == last;
}

static void html_row(request_rec *r, const char *name,
                     volatile apr_uint64_t *count)
{
    int i;

    ap_rprintf(r, "<tr><td>%s</td>", name);
    for (i = 0; i < PP_STAT_COUNT; i++)
        ap_rprintf(r, "<td>%" APR_UINT64_T_FMT "</td>",
                   apr_atomic_read64(&count[i]));
    ap_rputs("</tr>\n", r);
}

static int status_hook(request_rec *r, int flags)
{
    server_rec *sp;
    int i;

    if (totals == NULL)
        return OK;
    if (flags & AP_STATUS_SHORT) {
        for (i = 0; i < PP_STAT_COUNT; i++)
            ap_rprintf(r, "%s: %" APR_UINT64_T_FMT "\n", NAMES[i],
                       apr_atomic_read64(&totals->all.count[i]));
        return OK;
    }
    ap_rputs("<hr />\n<h2><a name=\"passport\">mod_passport</a></h2>\n"
             "<table border=\"0\"><tr><th>Server</th>", r);
    for (i = 0; i < PP_STAT_COUNT; i++)
        ap_rprintf(r, "<th title=\"%s\">%s</th>", NAMES[i], LABELS[i]);
    ap_rputs("</tr>\n", r);
    html_row(r, "All, since start", totals->all.count);
    for (sp = ap_server_conf, i = 0;
         sp != NULL && servers != NULL && i < nservers; sp = sp->next, i++) {
        const pp_srv_cfg_t *c = pp_srv_cfg(sp);

        if (c->keyring == NULL || c->stat_slot != i)
            continue;
        html_row(r, apr_psprintf(r->pool, "%s%s%s, since restart",
                                 ap_escape_html(r->pool, sp->server_hostname
                                                ? sp->server_hostname : ""),
                                 sp->port ? apr_psprintf(r->pool, ":%u",
                                            (unsigned)sp->port) : "",
                                 sp == ap_server_conf ? " (main server)" : ""),
                 servers[i].count);
    }
    ap_rputs("</table>\n", r);
    pp_store_status(r);
    return OK;
}

void pp_status_register(apr_pool_t *p)
{
    (void)p;
    APR_OPTIONAL_HOOK(ap, status_hook, status_hook, NULL, NULL,
                      APR_HOOK_MIDDLE);
}
