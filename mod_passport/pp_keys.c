/*
 * pp_keys.c - loads PassportKeyFile and derives the per-purpose keys:
 *   seal = HMAC-SHA256(raw, "mod_passport ticket seal v1")
 *   mbi  = HMAC-SHA256(raw, "mod_passport mbi secret v1")
 * (docs/tickets.md documents both derivations); and writes key files
 * so that a failure never leaves a partial one.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE                 /* renameat2, RENAME_NOREPLACE */
#endif
#include "pp_keys.h"
#include "pp_b64.h"

#include <apr_strings.h>
#include <apr_file_io.h>
#include <apr_lib.h>
#include <openssl/hmac.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/crypto.h>
#include <openssl/core_names.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>


/* 1 on success; 0 (and out wiped) if HMAC failed: a key that was not
 * derived must never be used, least of all as zeros. */
static int derive(const unsigned char raw[PP_KEY_LEN], const char *label,
                  unsigned char out[PP_KEY_LEN])
{
    unsigned int n = PP_KEY_LEN;

    if (HMAC(EVP_sha256(), raw, PP_KEY_LEN, (const unsigned char *)label,
             strlen(label), out, &n) == NULL || n != PP_KEY_LEN) {
        OPENSSL_cleanse(out, PP_KEY_LEN);
        return 0;
    }
    return 1;
}

EVP_MAC_CTX *pp_keys_hmac_sha256(const unsigned char *key, apr_size_t len)
{
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    EVP_MAC_CTX *ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
    OSSL_PARAM params[2];

    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                                 (char *)"SHA256", 0);
    params[1] = OSSL_PARAM_construct_end();
    EVP_MAC_free(mac);         /* the context keeps its own reference */
    if (ctx != NULL && EVP_MAC_init(ctx, key, len, params) != 1) {
        EVP_MAC_CTX_free(ctx);
        ctx = NULL;
    }
    return ctx;
}

void pp_keyring_wipe(pp_keyring_t *ring)
{
    int i;

    if (ring == NULL || ring->keys == NULL)
        return;
    for (i = 0; i < ring->keys->nelts; i++) {
        pp_key_t *k = &APR_ARRAY_IDX(ring->keys, i, pp_key_t);

        EVP_MAC_CTX_free(k->mbi_mac);   /* wipes its copy of the key */
        k->mbi_mac = NULL;
    }
    EVP_CIPHER_free(ring->aes_gcm);
    ring->aes_gcm = NULL;
    OPENSSL_cleanse(ring->keys->elts,
                    (size_t)ring->keys->nalloc * sizeof(pp_key_t));
    ring->keys->nelts = 0;
}

static apr_status_t wipe_ring(void *ring)
{
    pp_keyring_wipe(ring);
    return APR_SUCCESS;
}

/* The parse proper: the ring and copy are the caller's to wipe. */
static int parse_lines(apr_pool_t *p, pp_keyring_t *ring, char *copy,
                       const char **err)
{
    char *line, *state = NULL;
    int lineno = 0;

    /* split on '\n' by hand: apr_strtok would skip empty lines and
     * lose the line numbers */
    for (line = copy; line != NULL; line = state) {
        char *end = strchr(line, '\n'), *s;
        unsigned char *raw;
        apr_size_t len = 0;
        pp_key_t *k;

        state = end ? end + 1 : NULL;
        if (end)
            *end = '\0';
        lineno++;
        while (apr_isspace(*line))
            line++;
        for (s = line + strlen(line); s > line && apr_isspace(s[-1]); s--)
            s[-1] = '\0';
        if (*line == '\0' || *line == '#')
            continue;
        raw = pp_b64_decode(p, line, &len);
        if (raw == NULL || len != PP_KEY_LEN) {
            if (raw != NULL)
                OPENSSL_cleanse(raw, len);
            *err = apr_psprintf(p, "line %d: not a key (want base64 of "
                                "exactly %d bytes%s)", lineno, PP_KEY_LEN,
                                raw ? apr_psprintf(p, ", got %lu",
                                                   (unsigned long)len) : "");
            return 0;
        }
        k = apr_array_push(ring->keys);
        k->mbi_mac = NULL;
        memcpy(k->raw, raw, PP_KEY_LEN);
        OPENSSL_cleanse(raw, len);
        if (!derive(k->raw, "mod_passport ticket seal v1", k->seal)
            || !derive(k->raw, "mod_passport mbi secret v1", k->mbi)) {
            *err = apr_psprintf(p, "line %d: deriving its keys failed "
                                "(HMAC-SHA256)", lineno);
            return 0;
        }
        k->mbi_mac = pp_keys_hmac_sha256(k->mbi, PP_KEY_LEN);
    }
    if (ring->keys->nelts == 0) {
        *err = "no key in the file (want one base64 line of 32 bytes)";
        return 0;
    }
    return 1;
}

pp_keyring_t *pp_keyring_parse(apr_pool_t *p, const char *text,
                               const char **err)
{
    pp_keyring_t *ring = apr_pcalloc(p, sizeof(*ring));
    apr_size_t len = strlen(text);
    char *copy = apr_pstrmemdup(p, text, len);
    const char *c;
    int lines = 1, ok;

    /* room for every line up front: an array that grew would leave a
     * copy of the keys behind in the pool, out of the wipe's reach */
    for (c = text; *c; c++)
        if (*c == '\n')
            lines++;
    ring->keys = apr_array_make(p, lines, sizeof(pp_key_t));
    ring->aes_gcm = EVP_CIPHER_fetch(NULL, "AES-256-GCM", NULL);
    /* the keys are wiped when their pool goes, wherever the ring went */
    apr_pool_cleanup_register(p, ring, wipe_ring, apr_pool_cleanup_null);
    ok = parse_lines(p, ring, copy, err);
    OPENSSL_cleanse(copy, len);
    if (!ok) {
        pp_keyring_wipe(ring);
        return NULL;
    }
    return ring;
}

pp_keyring_t *pp_keyring_load(apr_pool_t *p, const char *path,
                              const char **err)
{
    apr_file_t *f;
    apr_finfo_t fi;
    apr_status_t rv;
    char *buf, ebuf[128];
    apr_size_t n;

    rv = apr_file_open(&f, path, APR_FOPEN_READ, APR_OS_DEFAULT, p);
    if (rv == APR_SUCCESS)
        rv = apr_file_info_get(&fi, APR_FINFO_SIZE, f);
    if (rv != APR_SUCCESS) {
        *err = apr_psprintf(p, "cannot read '%s': %s", path,
                            apr_strerror(rv, ebuf, sizeof(ebuf)));
        return NULL;
    }
    if (fi.size > PP_KEY_FILE_MAX) {
        apr_file_close(f);
        *err = apr_psprintf(p, "'%s' is too large for a key file", path);
        return NULL;
    }
    n = (apr_size_t)fi.size;
    buf = apr_palloc(p, n + 1);
    rv = apr_file_read_full(f, buf, n, &n);
    apr_file_close(f);
    if (rv != APR_SUCCESS && rv != APR_EOF) {
        OPENSSL_cleanse(buf, n);
        *err = apr_psprintf(p, "cannot read '%s': %s", path,
                            apr_strerror(rv, ebuf, sizeof(ebuf)));
        return NULL;
    }
    buf[n] = '\0';
    {
        pp_keyring_t *ring = pp_keyring_parse(p, buf, err);

        OPENSSL_cleanse(buf, n);
        if (ring == NULL)
            *err = apr_psprintf(p, "'%s': %s", path, *err);
        return ring;
    }
}

const char *pp_keyring_new_line(apr_pool_t *p, const char **err)
{
    unsigned char raw[PP_KEY_LEN];
    const char *line;

    if (RAND_bytes(raw, sizeof(raw)) != 1) {
        *err = "the random generator failed";
        return NULL;
    }
    line = apr_pstrcat(p, pp_b64_encode(p, raw, sizeof(raw)), "\n", NULL);
    OPENSSL_cleanse(raw, sizeof(raw));
    return line;
}

/* ---- writing key files ------------------------------------------------ */

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
