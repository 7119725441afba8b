/*
 * pp_kept.h - an object each thread keeps from one request to the next
 * (a parser context, a keyed HMAC): made once a thread, not once a
 * request. Apache-free (APR's thread keys).
 */
#ifndef PP_KEPT_H
#define PP_KEPT_H

#include <apr_pools.h>

typedef struct pp_kept pp_kept_t;

/* A slot for one object a thread, in *where unless it holds one (a
 * process's slot is made once): freed with free_fn when its thread
 * ends, or, for the thread that clears p, when p is cleared, and *where
 * is NULL again then. *where stays NULL if no slot can be made (no
 * thread keys left, no threads): callers then make their object each
 * time. */
void pp_kept_make(apr_pool_t *p, void (*free_fn)(void *), pp_kept_t **where);

/* This thread's object, now the caller's (the slot is empty until
 * pp_kept_put), or NULL. k may be NULL. */
void *pp_kept_take(pp_kept_t *k);

/* Keep obj for this thread (its slot empty: taken first). k is not
 * NULL; should the slot refuse it, obj is freed. */
void pp_kept_put(pp_kept_t *k, void *obj);

#endif
