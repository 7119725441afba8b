/*
 * pp_keys.c - loads PassportKeyFile and derives the per-purpose keys:
 *   seal = HMAC-SHA256(raw, "mod_passport ticket seal v1")
 *   mbi  = HMAC-SHA256(raw, "mod_passport mbi secret v1")
 * (docs/tickets.md documents both derivations). Reading and writing the
 * file itself: pp_keyfile.c.
 */
#include "pp_keys.h"
#include "pp_keyfile.h"
#include "pp_b64.h"

#include <apr_strings.h>
#include <apr_file_io.h>
#include <apr_lib.h>
#include <openssl/hmac.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/crypto.h>
#include <openssl/core_names.h>


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
    apr_size_t n = 0;
    char *buf = pp_key_file_read(p, path, &n, err);
    pp_keyring_t *ring;

    if (buf == NULL)
        return NULL;
    ring = pp_keyring_parse(p, buf, err);
    OPENSSL_cleanse(buf, n);
    if (ring == NULL)
        *err = apr_psprintf(p, "'%s': %s", path, *err);
    return ring;
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

