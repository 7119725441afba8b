/*
 * tap.h - a tiny TAP producer for the C unit tests, run by prove.
 */
#ifndef PP_TAP_H
#define PP_TAP_H

#include <stdarg.h>
#include <apr_strings.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <apr_general.h>
#include <apr_pools.h>

static int tap_n, tap_failed;

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define is_str(got, want, ...) \
    tap_is_str((got), (want), __FILE__, __LINE__, __VA_ARGS__)
#define is_int(got, want, ...) \
    tap_is_int((apr_int64_t)(got), (apr_int64_t)(want), __FILE__, __LINE__, \
               __VA_ARGS__)

static inline int tap_ok(int pass, const char *file, int line,
                         const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static inline int tap_ok(int pass, const char *file, int line,
                         const char *fmt, ...)
{
    va_list ap;

    printf("%s %d - ", pass ? "ok" : "not ok", ++tap_n);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    if (!pass) {
        tap_failed++;
        printf("#   Failed at %s line %d\n", file, line);
    }
    return pass;
}

static inline int tap_is_str(const char *got, const char *want,
                             const char *file, int line, const char *name)
{
    int pass = (got == NULL && want == NULL)
        || (got != NULL && want != NULL && strcmp(got, want) == 0);

    tap_ok(pass, file, line, "%s", name);
    if (!pass)
        printf("#          got: '%s'\n#     expected: '%s'\n",
               got ? got : "(null)", want ? want : "(null)");
    return pass;
}

/* A comment line in the TAP stream (prove shows it with -v). */
static inline void diag(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static inline void diag(const char *fmt, ...)
{
    va_list ap;

    printf("# ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}

/* A file of the source tree: automake's test harness exports srcdir
 * (VPATH builds, make distcheck); run by hand or by prove, the tests
 * run from the top of the source tree. */
static inline const char *tap_srcpath(apr_pool_t *p, const char *rel)
{
    const char *srcdir = getenv("srcdir");

    return apr_pstrcat(p, srcdir != NULL && *srcdir != '\0' ? srcdir : ".",
                       "/", rel, NULL);
}

static inline int tap_is_int(apr_int64_t got, apr_int64_t want,
                             const char *file, int line, const char *name)
{
    int pass = got == want;

    tap_ok(pass, file, line, "%s", name);
    if (!pass)
        printf("#          got: %" APR_INT64_T_FMT "\n#     expected: %"
               APR_INT64_T_FMT "\n", got, want);
    return pass;
}

/* Start: initialise APR and hand back a pool. */
static inline apr_pool_t *tap_start(void)
{
    apr_pool_t *p;

    setvbuf(stdout, NULL, _IONBF, 0);
    apr_initialize();
    apr_pool_create(&p, NULL);
    return p;
}

static inline int tap_done(void)
{
    printf("1..%d\n", tap_n);
    apr_terminate();
    return tap_failed ? 1 : 0;
}

#endif
