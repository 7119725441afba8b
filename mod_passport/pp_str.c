/*
 * pp_str.c - small string checks shared by the protocol layers.
 */
#include "pp_str.h"

#include <apr_strings.h>
#include <apr_uri.h>
#include <apr_lib.h>
#include <string.h>
#include <openssl/evp.h>

/* Characters a Passport1.4 header parameter can carry verbatim. */
static int header_safe_char(unsigned char c)
{
    return c > 0x20 && c < 0x7f && c != ',' && c != '"' && c != '\'';
}

int pp_is_ptoken(const char *s)
{
    if (s == NULL || *s == '\0')
        return 0;
    for (; *s; s++)
        if (!header_safe_char((unsigned char)*s))
            return 0;
    return 1;
}

int pp_parse_uint(const char *s, apr_int64_t max, apr_int64_t *out)
{
    apr_int64_t v = 0;

    if (s == NULL || *s == '\0')
        return 0;
    for (; *s; s++) {
        if (!apr_isdigit(*s))
            return 0;
        v = v * 10 + (*s - '0');
        if (v > max)
            return 0;
    }
    *out = v;
    return 1;
}

int pp_is_header_url(apr_pool_t *p, const char *s)
{
    apr_uri_t uri;

    if (!pp_is_ptoken(s))
        return 0;
    if (apr_uri_parse(p, s, &uri) != APR_SUCCESS)
        return 0;
    if (uri.scheme == NULL || uri.hostname == NULL || *uri.hostname == '\0')
        return 0;
    return strcasecmp(uri.scheme, "http") == 0
        || strcasecmp(uri.scheme, "https") == 0;
}

int pp_is_dalogin(const char *s)
{
    const char *slash;

    if (!pp_is_ptoken(s) || strstr(s, "://") != NULL)
        return 0;
    slash = strchr(s, '/');
    /* a host before the first slash, and a path after it */
    return slash != NULL && slash != s && slash[1] != '\0';
}

const char *pp_hex16(apr_pool_t *p, apr_uint64_t v)
{
    static const char hex[] = "0123456789ABCDEF";
    char *out = apr_palloc(p, 17);
    int i;

    for (i = 15; i >= 0; i--, v >>= 4)
        out[i] = hex[v & 15];
    out[16] = '\0';
    return out;
}

int pp_parse_u64(const char *s, apr_uint64_t *out)
{
    int neg = 0;
    apr_uint64_t v = 0;

    if (s == NULL)
        return 0;
    if (*s == '-') {
        neg = 1;
        s++;
    }
    if (*s == '\0')
        return 0;
    for (; *s; s++) {
        apr_uint64_t d;

        if (!apr_isdigit(*s))
            return 0;
        d = (apr_uint64_t)(*s - '0');
        if (v > (APR_UINT64_MAX - d) / 10)
            return 0;
        v = v * 10 + d;
    }
    if (neg) {
        if (v > APR_UINT64_C(9223372036854775808))
            return 0;
        v = (apr_uint64_t)0 - v;
    }
    *out = v;
    return 1;
}

apr_uint64_t pp_cid_from_puid(apr_uint64_t puid)
{
    static const char label[] = "mod_passport cid v1";
    unsigned char in[sizeof(label) - 1 + 8], md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    apr_uint64_t cid = 0;
    size_t i;

    memcpy(in, label, sizeof(label) - 1);
    for (i = 0; i < 8; i++)
        in[sizeof(label) - 1 + i] = (unsigned char)(puid >> (56 - 8 * i));
    if (EVP_Digest(in, sizeof(in), md, &n, EVP_sha256(), NULL) != 1
        || n < 8)
        return 0;                   /* SHA-256 failed: see pp_str.h */
    for (i = 0; i < 8; i++)
        cid = cid << 8 | md[i];
    return cid & APR_UINT64_C(0x7fffffffffffffff);
}
