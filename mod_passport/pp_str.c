/*
 * pp_str.c - string helpers shared by the protocol layers: checks,
 * numbers, URL escapes, sign-in names, JSON strings.
 */
#include "pp_str.h"

#include <strings.h>

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

int pp_id_format_parse(const char *s, pp_id_format_t *out)
{
    if (s != NULL && strcasecmp(s, "decimal") == 0)
        *out = PP_ID_DECIMAL;
    else if (s != NULL && strcasecmp(s, "hex") == 0)
        *out = PP_ID_HEX;
    else
        return 0;
    return 1;
}

const char *pp_id_format_word(pp_id_format_t fmt)
{
    return fmt == PP_ID_HEX ? "hex" : "decimal";
}

/* A hex digit's value, or -1. */
static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int pp_parse_id(apr_pool_t *p, const char *s, pp_id_format_t fmt,
                apr_uint64_t *out, const char **why)
{
    apr_uint64_t v = 0;
    apr_size_t i, n;

    if (s == NULL) {
        *why = "is NULL";
        return 0;
    }
    if (fmt != PP_ID_HEX) {
        if (pp_parse_u64(s, out))
            return 1;
        *why = "is not a decimal 64-bit integer";
        return 0;
    }
    n = strlen(s);
    if (n != 16) {
        *why = apr_psprintf(p, "is %" APR_SIZE_T_FMT " characters, not 16 hex "
                            "digits", n);
        return 0;
    }
    for (i = 0; i < 16; i++) {
        int d = hexval((unsigned char)s[i]);

        if (d < 0) {
            *why = apr_psprintf(p, "has a character that is no hex digit "
                                "at position %" APR_SIZE_T_FMT, i + 1);
            return 0;
        }
        v = v << 4 | (apr_uint64_t)d;
    }
    *out = v;
    return 1;
}

const EVP_MD *pp_digest(const char *name)
{
    /* fetched once, kept for the process: EVP_sha256() and EVP_sha1()
     * make EVP_Digest look theirs up again on every call */
    static EVP_MD *kept[2];
    int i = strcmp(name, "SHA256") == 0 ? 0 : strcmp(name, "SHA1") == 0 ? 1
                                                                       : -1;
    EVP_MD *md, *none = NULL;

    if (i < 0)
        return NULL;
    md = __atomic_load_n(&kept[i], __ATOMIC_ACQUIRE);
    if (md == NULL && (md = EVP_MD_fetch(NULL, name, NULL)) != NULL
        && !__atomic_compare_exchange_n(&kept[i], &none, md, 0,
                                        __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        EVP_MD_free(md);            /* another thread's came first */
        md = none;
    }
    return md != NULL ? md : i == 0 ? EVP_sha256() : EVP_sha1();
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
    if (EVP_Digest(in, sizeof(in), md, &n, pp_digest("SHA256"), NULL) != 1
        || n < 8)
        return 0;                   /* SHA-256 failed: see pp_str.h */
    for (i = 0; i < 8; i++)
        cid = cid << 8 | md[i];
    return cid & APR_UINT64_C(0x7fffffffffffffff);
}

/* ---- URL escapes and sign-in names --------------------------------- */

char *pp_url_decode(apr_pool_t *p, const char *s)
{
    char *out = apr_palloc(p, strlen(s) + 1), *o = out;

    while (*s) {
        if (*s == '%') {
            int hi = hexval((unsigned char)s[1]), lo;

            if (hi < 0)
                return NULL;
            lo = hexval((unsigned char)s[2]);
            if (lo < 0 || (hi == 0 && lo == 0))
                return NULL;
            *o++ = (char)(hi << 4 | lo);
            s += 3;
        }
        else
            *o++ = *s++;
    }
    *o = '\0';
    return out;
}

char *pp_url_encode(apr_pool_t *p, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    char *out = apr_palloc(p, strlen(s) * 3 + 1), *o = out;

    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;

        if (apr_isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~')
            *o++ = (char)c;
        else {
            *o++ = '%';
            *o++ = hex[c >> 4];
            *o++ = hex[c & 15];
        }
    }
    *o = '\0';
    return out;
}

int pp_signin_valid(const char *signin)
{
    const char *c, *at;

    if (signin == NULL || *signin == '\0' || strlen(signin) > 255)
        return 0;
    for (c = signin; *c; c++)
        if ((unsigned char)*c <= 0x20 || *c == 0x7f || *c == ','
            || *c == '\'' || *c == '"')
            return 0;
    at = strchr(signin, '@');
    return at != NULL && at != signin && at[1] != '\0'
        && strchr(at + 1, '@') == NULL;
}

const char *pp_signin_normalize(apr_pool_t *p, const char *signin)
{
    char *s, *c;

    if (!pp_signin_valid(signin))
        return NULL;
    s = apr_pstrdup(p, signin);
    for (c = s; *c; c++)
        *c = (char)apr_tolower(*c);
    return s;
}

const char *pp_json_escape(apr_pool_t *p, const char *s)
{
    char *out = apr_palloc(p, strlen(s) * 6 + 1), *o = out;

    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;

        if (c == '"' || c == '\\') {
            *o++ = '\\';
            *o++ = (char)c;
        }
        else if (c < 0x20) {
            apr_snprintf(o, 7, "\\u%04x", c);
            o += 6;
        }
        else
            *o++ = (char)c;
    }
    *o = '\0';
    return out;
}

const char *pp_log_escape(apr_pool_t *p, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    char *out, *o;
    const char *c;

    if (s == NULL)
        return "-";
    for (c = s; *c; c++)
        if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f
            || *c == '\\' || *c == '"')
            break;
    if (*c == '\0')
        return s;
    out = o = apr_palloc(p, strlen(s) * 4 + 1);
    for (c = s; *c; c++) {
        unsigned char ch = (unsigned char)*c;

        if (ch < 0x20 || ch >= 0x7f || ch == '\\' || ch == '"') {
            *o++ = '\\';
            *o++ = 'x';
            *o++ = hex[ch >> 4];
            *o++ = hex[ch & 15];
        }
        else
            *o++ = (char)ch;
    }
    *o = '\0';
    return out;
}

int pp_is_host_name(const char *s)
{
    const char *label, *c;
    apr_size_t n;

    if (s == NULL || *s == '\0' || strlen(s) > 253)
        return 0;
    for (label = c = s;; c++) {
        if (*c == '.' || *c == '\0') {
            n = (apr_size_t)(c - label);
            if (n == 0 || n > 63 || label[0] == '-' || c[-1] == '-')
                return 0;
            if (*c == '\0')
                return apr_isalpha(label[0]);
            label = c + 1;
        }
        else if (!apr_isalnum(*c) && *c != '-')
            return 0;
    }
}
