/*
 * pp_keyfile.c - reading key files whole and writing them so that a
 * failure never leaves a partial one.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE                 /* renameat2, RENAME_NOREPLACE */
#endif
#include "pp_keyfile.h"
#include "pp_keys.h"

#include <apr_strings.h>
#include <apr_file_io.h>
#include <openssl/crypto.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- reading ---------------------------------------------------------- */

char *pp_key_file_read(apr_pool_t *p, const char *path, apr_size_t *len,
                       const char **err)
{
    apr_file_t *f;
    apr_finfo_t fi;
    apr_status_t rv, closed;
    char ebuf[128], *buf = NULL;
    apr_size_t n = 0;

    *len = 0;
    rv = apr_file_open(&f, path, APR_FOPEN_READ, APR_OS_DEFAULT, p);
    if (rv != APR_SUCCESS)
        goto fail;
    rv = apr_file_info_get(&fi, APR_FINFO_SIZE, f);
    if (rv == APR_SUCCESS && fi.size > PP_KEY_FILE_MAX) {
        apr_file_close(f);
        *err = apr_psprintf(p, "'%s' is too large for a key file", path);
        return NULL;
    }
    if (rv == APR_SUCCESS) {
        n = (apr_size_t)fi.size;
        buf = apr_palloc(p, n + 1);
        rv = apr_file_read_full(f, buf, n, &n);
        if (rv == APR_EOF)          /* shorter than it was: what it holds */
            rv = APR_SUCCESS;
    }
    closed = apr_file_close(f);
    if (rv == APR_SUCCESS)
        rv = closed;
    if (rv == APR_SUCCESS) {
        buf[n] = '\0';
        *len = n;
        return buf;
    }
    if (buf != NULL)
        OPENSSL_cleanse(buf, n);
fail:
    *err = apr_psprintf(p, "cannot read '%s': %s", path,
                        apr_strerror(rv, ebuf, sizeof(ebuf)));
    return NULL;
}

/* ---- writing ---------------------------------------------------------- */

static const char *os_error(apr_pool_t *p, int e)
{
    char buf[256];

    return apr_pstrdup(p, apr_strerror(APR_FROM_OS_ERROR(e), buf,
                                       sizeof(buf)));
}

/* Move tmp to path unless path exists. */
static int publish_new(const char *tmp, const char *path)
{
#ifdef RENAME_NOREPLACE
    if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) == 0)
        return 1;
    if (errno != EINVAL && errno != ENOSYS)
        return 0;
#endif
    /* a file system without RENAME_NOREPLACE: check, then rename (only
     * a file created in between would be replaced) */
    if (access(path, F_OK) == 0) {
        errno = EEXIST;
        return 0;
    }
    return rename(tmp, path) == 0;
}

/* After the rename, for the new name to survive a power cut. Best
 * effort, and not reported: by now the file is complete and in place,
 * and not every file system syncs a directory. */
static void sync_dir(apr_pool_t *p, const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *dir = slash == NULL ? "."
                    : slash == path ? "/"
                    : apr_pstrmemdup(p, path, (apr_size_t)(slash - path));
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    if (fd >= 0) {
        (void)fsync(fd);            /* nothing to undo: see above */
        (void)close(fd);
    }
}

int pp_key_file_write(apr_pool_t *p, const char *path, const char *data,
                      apr_size_t len, unsigned int mode, int replace,
                      const char **err)
{
    char *tmp = apr_pstrcat(p, path, ".XXXXXX", NULL);
    const char *step, *unchanged;
    apr_size_t done = 0;
    int fd, e;

    unchanged = apr_psprintf(p, replace ? "'%s' is unchanged"
                                        : "'%s' was not created", path);
    fd = mkstemp(tmp);              /* in path's directory, mode 0600 */
    if (fd < 0) {
        *err = apr_psprintf(p, "cannot write '%s': cannot create a "
                            "temporary file beside it: %s; %s", path,
                            os_error(p, errno), unchanged);
        return 0;
    }
    step = "setting the mode of";
    if (fchmod(fd, (mode_t)mode) != 0)
        goto fail;
    step = "writing";
    while (done < len) {
        ssize_t n = write(fd, data + done, len - done);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0)
                errno = EIO;        /* no progress and no reason */
            goto fail;
        }
        done += (apr_size_t)n;
    }
    step = "syncing";
    if (fsync(fd) != 0)
        goto fail;
    step = "closing";
    e = close(fd);
    fd = -1;
    if (e != 0)
        goto fail;
    step = "moving into place";
    if (replace ? rename(tmp, path) != 0 : !publish_new(tmp, path)) {
        e = errno;
        if (e == EEXIST)
            unchanged = apr_psprintf(p, "'%s' exists and is left as it was",
                                     path);
        errno = e;
        goto fail;
    }
    sync_dir(p, path);
    return 1;

fail:
    e = errno;
    if (fd >= 0)
        (void)close(fd);            /* the file is removed anyway */
    if (unlink(tmp) != 0)
        unchanged = apr_psprintf(p, "%s; the temporary file could not be "
                                 "removed either: %s", unchanged,
                                 os_error(p, errno));
    *err = apr_psprintf(p, "cannot write '%s': %s the temporary file '%s' "
                        "failed: %s; %s", path, step, tmp, os_error(p, e),
                        unchanged);
    return 0;
}
