/* Replays every input of fuzz/corpus/<target>/ through the fuzz entry
 * points (fuzz/targets.c): a crash or an abort fails the suite. The
 * corpus holds seeds and whatever fuzz/run found worth keeping. */
#include "tap.h"
#include "targets.h"

#include <apr_file_io.h>

int main(void)
{
    apr_pool_t *p = tap_start();
    const pp_fuzz_target_t *t;

    for (t = pp_fuzz_targets; t->name != NULL; t++) {
        const char *dir = apr_pstrcat(p, "fuzz/corpus/", t->name, NULL);
        apr_dir_t *d;
        apr_finfo_t fi;
        int n = 0;

        if (apr_dir_open(&d, dir, p) != APR_SUCCESS) {
            ok(0, "%s: cannot open %s", t->name, dir);
            continue;
        }
        while (apr_dir_read(&fi, APR_FINFO_NAME | APR_FINFO_TYPE, d)
               == APR_SUCCESS) {
            apr_file_t *f;
            apr_finfo_t size;
            char *buf;
            apr_size_t len;

            if (fi.filetype != APR_REG)
                continue;
            if (apr_file_open(&f, apr_pstrcat(p, dir, "/", fi.name, NULL),
                              APR_FOPEN_READ, 0, p) != APR_SUCCESS
                || apr_file_info_get(&size, APR_FINFO_SIZE, f) != APR_SUCCESS)
                continue;
            len = (apr_size_t)size.size;
            buf = apr_palloc(p, len + 1);
            apr_file_read_full(f, buf, len, &len);
            apr_file_close(f);
            t->run((const uint8_t *)buf, len);
            n++;
        }
        apr_dir_close(d);
        ok(n > 0, "%s: %d corpus inputs replayed without a crash", t->name,
           n);
    }
    return tap_done();
}
