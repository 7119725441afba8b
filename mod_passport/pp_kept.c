/*
 * pp_kept.c - per-thread objects kept between requests (pp_kept.h).
 */
#include "pp_kept.h"

#include <apr_thread_proc.h>

struct pp_kept {
#if APR_HAS_THREADS
    apr_threadkey_t *key;
#endif
    void (*free_fn)(void *);
    pp_kept_t **where;              /* the caller's pointer to it */
};

#if APR_HAS_THREADS
/* At the pool's end, the object of the thread that ends it (a thread
 * that exits frees its own through the key's destructor); and the
 * caller's pointer forgets the slot. */
static apr_status_t drop_own(void *data)
{
    pp_kept_t *k = data;
    void *obj = pp_kept_take(k);

    if (obj != NULL)
        k->free_fn(obj);
    *k->where = NULL;
    return APR_SUCCESS;
}
#endif

void pp_kept_make(apr_pool_t *p, void (*free_fn)(void *), pp_kept_t **where)
{
#if APR_HAS_THREADS
    pp_kept_t *k;

    if (p == NULL || *where != NULL)
        return;
    k = apr_pcalloc(p, sizeof(*k));
    k->free_fn = free_fn;
    k->where = where;
    if (apr_threadkey_private_create(&k->key, free_fn, p) != APR_SUCCESS)
        return;
    /* after the key's own cleanup, so it runs first (LIFO) */
    apr_pool_cleanup_register(p, k, drop_own, apr_pool_cleanup_null);
    *where = k;
#else
    (void)p;
    (void)free_fn;
    (void)where;
#endif
}

void *pp_kept_take(pp_kept_t *k)
{
#if APR_HAS_THREADS
    void *obj = NULL;

    if (k != NULL && apr_threadkey_private_get(&obj, k->key) == APR_SUCCESS
        && obj != NULL) {
        apr_threadkey_private_set(NULL, k->key);
        return obj;
    }
#else
    (void)k;
#endif
    return NULL;
}

void pp_kept_put(pp_kept_t *k, void *obj)
{
#if APR_HAS_THREADS
    if (apr_threadkey_private_set(obj, k->key) == APR_SUCCESS)
        return;
#endif
    k->free_fn(obj);
}
