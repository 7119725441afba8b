/* Unit tests for pp_keyfile.c: a key file is read whole or not at all,
 * and written so that it is either as it was or complete, whatever fails.
 *
 * This test is linked with --wrap for write, fsync, close, rename,
 * renameat2 and fchmod (Makefile.am): the core's calls land in the
 * __wrap_ functions below, which fail with a chosen errno when told to
 * (write also after a short first write, as on a disk that fills up),
 * and otherwise call the real ones. That reaches the fsync and close
 * error paths, which no unprivileged test can provoke on a real file
 * system; t/16-admin-keyfiles.t does the full disk (a file-size limit)
 * and the read-only directory with passport-admin itself. */
#include "tap.h"
#include "pp_keys.h"
#include "pp_keyfile.h"

#include <apr_file_io.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

/* errno for the next call to fail with (0: let it through) */
static int fail_write, fail_fsync, fail_close, fail_rename, fail_fchmod;
static int short_write;             /* let this many bytes through first */
static int eintr_once;              /* one EINTR before the real write */

ssize_t __real_write(int fd, const void *buf, size_t n);
ssize_t __wrap_write(int fd, const void *buf, size_t n);
int __real_fsync(int fd);
int __wrap_fsync(int fd);
int __real_close(int fd);
int __wrap_close(int fd);
int __real_rename(const char *from, const char *to);
int __wrap_rename(const char *from, const char *to);
int __real_renameat2(int fd1, const char *from, int fd2, const char *to,
                     unsigned int flags);
int __wrap_renameat2(int fd1, const char *from, int fd2, const char *to,
                     unsigned int flags);
int __real_fchmod(int fd, mode_t mode);
int __wrap_fchmod(int fd, mode_t mode);

ssize_t __wrap_write(int fd, const void *buf, size_t n)
{
    if (eintr_once) {
        eintr_once = 0;
        errno = EINTR;
        return -1;
    }
    if (short_write > 0 && (size_t)short_write < n) {
        size_t allowed = (size_t)short_write;

        short_write = 0;
        return __real_write(fd, buf, allowed);
    }
    if (fail_write) {
        errno = fail_write;
        return -1;
    }
    return __real_write(fd, buf, n);
}

int __wrap_fsync(int fd)
{
    if (fail_fsync) {
        errno = fail_fsync;
        fail_fsync = 0;             /* the file's sync, not the directory's */
        return -1;
    }
    return __real_fsync(fd);
}

int __wrap_close(int fd)
{
    if (fail_close) {
        errno = fail_close;
        fail_close = 0;
        __real_close(fd);           /* closed all the same, as close(2) does */
        return -1;
    }
    return __real_close(fd);
}

int __wrap_rename(const char *from, const char *to)
{
    if (fail_rename) {
        errno = fail_rename;
        return -1;
    }
    return __real_rename(from, to);
}

int __wrap_renameat2(int fd1, const char *from, int fd2, const char *to,
                     unsigned int flags)
{
    if (fail_rename) {
        errno = fail_rename;
        return -1;
    }
    return __real_renameat2(fd1, from, fd2, to, flags);
}

int __wrap_fchmod(int fd, mode_t mode)
{
    if (fail_fchmod) {
        errno = fail_fchmod;
        return -1;
    }
    return __real_fchmod(fd, mode);
}

static void reset(void)
{
    fail_write = fail_fsync = fail_close = fail_rename = fail_fchmod = 0;
    short_write = eintr_once = 0;
}

static char *slurp(apr_pool_t *p, const char *path)
{
    apr_file_t *f;
    apr_finfo_t fi;
    apr_size_t n;
    char *buf;

    if (apr_file_open(&f, path, APR_FOPEN_READ, 0, p) != APR_SUCCESS)
        return NULL;
    apr_file_info_get(&fi, APR_FINFO_SIZE, f);
    n = (apr_size_t)fi.size;
    buf = apr_palloc(p, n + 1);
    apr_file_read_full(f, buf, n, &n);
    apr_file_close(f);
    buf[n] = '\0';
    return buf;
}

/* The names in dir, sorted, space-separated. */
static const char *names(apr_pool_t *p, const char *dir)
{
    apr_array_header_t *a = apr_array_make(p, 4, sizeof(const char *));
    apr_dir_t *d;
    apr_finfo_t fi;
    const char *out = "";
    int i, j;

    if (apr_dir_open(&d, dir, p) != APR_SUCCESS)
        return "(no directory)";
    while (apr_dir_read(&fi, APR_FINFO_NAME, d) == APR_SUCCESS)
        if (strcmp(fi.name, ".") != 0 && strcmp(fi.name, "..") != 0)
            APR_ARRAY_PUSH(a, const char *) = apr_pstrdup(p, fi.name);
    apr_dir_close(d);
    for (i = 0; i < a->nelts; i++)
        for (j = i + 1; j < a->nelts; j++)
            if (strcmp(APR_ARRAY_IDX(a, j, const char *),
                       APR_ARRAY_IDX(a, i, const char *)) < 0) {
                const char *t = APR_ARRAY_IDX(a, i, const char *);

                APR_ARRAY_IDX(a, i, const char *) =
                    APR_ARRAY_IDX(a, j, const char *);
                APR_ARRAY_IDX(a, j, const char *) = t;
            }
    for (i = 0; i < a->nelts; i++)
        out = apr_pstrcat(p, out, i ? " " : "",
                          APR_ARRAY_IDX(a, i, const char *), NULL);
    return out;
}

static unsigned int mode_of(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 ? (unsigned int)(st.st_mode & 07777) : 0;
}

#define OLD "old key line\n"
#define NEW "new key line\nold key line\n"

int main(void)
{
    apr_pool_t *p = tap_start();
    const char *tmpdir = NULL, *dir, *key, *err;
    struct {
        const char *name, *step, *reason;
        int *knob, value;
    } faults[] = {
        { "a full disk at the first write", "writing", "No space left",
          &fail_write, ENOSPC },
        { "a short write, then a full disk", "writing", "No space left",
          &short_write, 5 },
        { "a file too large", "writing", "File too large",
          &fail_write, EFBIG },
        { "fsync failing", "syncing", "Input/output error",
          &fail_fsync, EIO },
        { "close failing", "closing", "Input/output error",
          &fail_close, EIO },
        { "the rename failing", "moving into place", "Invalid cross-device",
          &fail_rename, EXDEV },
        { "the mode refused", "setting the mode of", "Operation not permitted",
          &fail_fchmod, EPERM },
    };
    size_t i;
    int r;

    apr_temp_dir_get(&tmpdir, p);
    dir = apr_psprintf(p, "%s/pp-keyfile-%ld", tmpdir, (long)getpid());
    apr_dir_make(dir, APR_FPROT_OS_DEFAULT, p);
    key = apr_pstrcat(p, dir, "/realm.key", NULL);

    ok(pp_key_file_write(p, key, OLD, strlen(OLD), 0600, 0, &err),
       "a new file is written");
    is_str(slurp(p, key), OLD, "with what was given");
    ok(mode_of(key) == 0600, "mode 0600");
    is_str(names(p, dir), "realm.key", "and no temporary file is left");

    err = NULL;
    r = pp_key_file_write(p, key, NEW, strlen(NEW), 0600, 0, &err);
    ok(!r && err && strstr(err, "exists and is left as it was"),
       "without replace, an existing file is not touched (%s)",
       err ? err : "no error");
    is_str(slurp(p, key), OLD, "it is as it was");
    is_str(names(p, dir), "realm.key", "no temporary file");

    eintr_once = 1;
    ok(pp_key_file_write(p, key, NEW, strlen(NEW), 0600, 1, &err),
       "replace, through an interrupted write");
    reset();
    is_str(slurp(p, key), NEW, "the file is replaced");
    is_str(names(p, dir), "realm.key", "no temporary file");
    ok(pp_key_file_write(p, key, OLD, strlen(OLD), 0644, 1, &err)
       && mode_of(key) == 0644, "the mode given, whatever the umask");
    ok(pp_key_file_write(p, key, OLD, strlen(OLD), 0600, 1, &err)
       && mode_of(key) == 0600, "and back to 0600");

    for (i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
        const char *fresh = apr_pstrcat(p, dir, "/fresh.key", NULL);

        err = NULL;
        *faults[i].knob = faults[i].value;
        if (faults[i].knob == &short_write)
            fail_write = ENOSPC;
        ok(!pp_key_file_write(p, key, NEW, strlen(NEW), 0600, 1, &err),
           "%s: replacing fails", faults[i].name);
        reset();
        ok(err && strstr(err, apr_psprintf(p, "cannot write '%s': %s ", key,
                                           faults[i].step))
           && strstr(err, faults[i].reason) && strstr(err, "is unchanged"),
           "%s: the message names the file, the step and the error (%s)",
           faults[i].name, err ? err : "none");
        is_str(slurp(p, key), OLD, "the old file is byte for byte as it was");
        ok(mode_of(key) == 0600, "with its mode");
        is_str(names(p, dir), "realm.key", "no temporary file is left");

        *faults[i].knob = faults[i].value;
        if (faults[i].knob == &short_write)
            fail_write = ENOSPC;
        ok(!pp_key_file_write(p, fresh, NEW, strlen(NEW), 0600, 0, &err)
           && strstr(err, "was not created"),
           "%s: a new file fails too", faults[i].name);
        reset();
        is_str(names(p, dir), "realm.key", "and leaves nothing behind");
    }

    err = NULL;
    r = pp_key_file_write(p, apr_pstrcat(p, dir, "/no/such/dir/k", NULL),
                          OLD, strlen(OLD), 0600, 0, &err);
    ok(!r && err && strstr(err, "cannot create a temporary file")
       && strstr(err, "No such file or directory"),
       "a missing directory: no temporary file can be made (%s)", err);

    /* reading: whole, bounded, with the reason when not */
    {
        apr_size_t len = 1;
        char *big = apr_palloc(p, PP_KEY_FILE_MAX + 2);
        const char *text, *large = apr_pstrcat(p, dir, "/large.key", NULL);

        text = pp_key_file_read(p, key, &len, &err);
        ok(text != NULL && strcmp(text, OLD) == 0 && len == strlen(OLD),
           "a key file is read whole, its length given");
        memset(big, 'A', PP_KEY_FILE_MAX + 1);
        big[PP_KEY_FILE_MAX + 1] = '\0';
        ok(pp_key_file_write(p, large, big, PP_KEY_FILE_MAX + 1, 0600, 0,
                             &err), "(a file of 64 KiB and one byte)");
        err = NULL;
        ok(pp_key_file_read(p, large, &len, &err) == NULL && err
           && strstr(err, "is too large for a key file") && len == 0,
           "a bigger file than the module loads is refused");
        ok(pp_key_file_write(p, large, big, PP_KEY_FILE_MAX, 0600, 1, &err)
           && (text = pp_key_file_read(p, large, &len, &err)) != NULL
           && len == PP_KEY_FILE_MAX, "64 KiB exactly is read");
        apr_file_remove(large, p);
        err = NULL;
        ok(pp_key_file_read(p, large, &len, &err) == NULL && err
           && strstr(err, "cannot read '") && strstr(err, "No such file"),
           "a missing file: the reason names it");
        err = NULL;
        ok(pp_key_file_read(p, dir, &len, &err) == NULL && err
           && strstr(err, "cannot read '"),
           "a directory is not a key file");
    }

    apr_file_remove(key, p);
    apr_dir_remove(dir, p);
    return tap_done();
}
