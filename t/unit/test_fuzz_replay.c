/* Replays every input of fuzz/corpus/<target>/ through the fuzz entry
 * points (fuzz/targets.c). The corpus holds seeds and whatever fuzz/run
 * found worth keeping.
 *
 * What makes it a test is the sanitizer build (./configure
 * --enable-sanitizers, run by scripts/test): each input is handed over
 * in a heap block of exactly its size, as libFuzzer does, so reading one
 * byte past it, a use after free or undefined behaviour in a parser
 * stops this program with a report and a non-zero exit, which fails the
 * run. In a plain build it catches crashes only.
 *
 * The corpus is found through $srcdir (exported by automake's test
 * harness, so VPATH builds and make distcheck work), else ./fuzz/corpus;
 * PP_FUZZ_CORPUS names another directory. */
#include "tap.h"
#include "targets.h"

#include <apr_file_io.h>

#if defined(__SANITIZE_ADDRESS__)
#define PP_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PP_ASAN 1
#endif
#endif
#ifndef PP_ASAN
#define PP_ASAN 0
#endif

static const char *corpus_dir(apr_pool_t *p)
{
    const char *dir = getenv("PP_FUZZ_CORPUS");

    return dir != NULL && *dir != '\0' ? dir
                                        : tap_srcpath(p, "fuzz/corpus");
}

/* One input, read whole; NULL when it cannot be read. */
static char *slurp(apr_pool_t *p, const char *path, apr_size_t *len)
{
    apr_file_t *f;
    apr_finfo_t fi;
    char *buf;

    if (apr_file_open(&f, path, APR_FOPEN_READ | APR_FOPEN_BINARY, 0, p)
        != APR_SUCCESS)
        return NULL;
    if (apr_file_info_get(&fi, APR_FINFO_SIZE, f) != APR_SUCCESS) {
        apr_file_close(f);
        return NULL;
    }
    *len = (apr_size_t)fi.size;
    buf = apr_palloc(p, *len + 1);
    if (*len > 0 && apr_file_read_full(f, buf, *len, len) != APR_SUCCESS) {
        apr_file_close(f);
        return NULL;
    }
    apr_file_close(f);
    return buf;
}

int main(void)
{
    apr_pool_t *p = tap_start();
    const char *top = corpus_dir(p), *want = getenv("PP_EXPECT_SANITIZERS");
    const pp_fuzz_target_t *t;

    /* scripts/test's sanitizer run sets PP_EXPECT_SANITIZERS: a build
     * that lost its -fsanitize flags must not pass as a sanitizer run */
    if (want != NULL && *want != '\0')
        ok(PP_ASAN, "built with AddressSanitizer, as the sanitizer run "
           "expects");
    for (t = pp_fuzz_targets; t->name != NULL; t++) {
        const char *dir = apr_pstrcat(p, top, "/", t->name, NULL);
        apr_dir_t *d;
        apr_finfo_t fi;
        int n = 0, unreadable = 0;

        if (apr_dir_open(&d, dir, p) != APR_SUCCESS) {
            ok(0, "%s: cannot open %s", t->name, dir);
            continue;
        }
        while (apr_dir_read(&fi, APR_FINFO_NAME | APR_FINFO_TYPE, d)
               == APR_SUCCESS) {
            apr_pool_t *q;
            apr_size_t len = 0;
            char *buf;
            uint8_t *exact;

            if (fi.filetype != APR_REG)
                continue;
            apr_pool_create(&q, p);
            buf = slurp(q, apr_pstrcat(q, dir, "/", fi.name, NULL), &len);
            if (buf == NULL) {
                diag("%s: cannot read %s/%s", t->name, dir, fi.name);
                unreadable++;
                apr_pool_destroy(q);
                continue;
            }
            /* not a pool: a block of exactly len bytes, so the sanitizer
             * sees a read past the input's end (a pool would hide it) */
            exact = malloc(len > 0 ? len : 1);
            if (exact == NULL) {
                apr_pool_destroy(q);
                unreadable++;
                continue;
            }
            memcpy(exact, buf, len);
            t->run(exact, len);
            free(exact);
            apr_pool_destroy(q);
            n++;
        }
        apr_dir_close(d);
        ok(n > 0 && unreadable == 0, "%s: %d corpus inputs replayed, %d "
           "unreadable%s", t->name, n, unreadable,
           PP_ASAN ? " (under ASan/UBSan)" : " (plain build: crashes only)");
    }
    return tap_done();
}
