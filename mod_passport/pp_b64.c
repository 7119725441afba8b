/*
 * pp_b64.c - strict base64 encoders and decoders (RFC 4648).
 */
#include "pp_b64.h"

#include <string.h>

static const char STD[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char URL[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static char *encode(apr_pool_t *p, const unsigned char *in, apr_size_t len,
                    const char *alpha, int pad)
{
    char *out = apr_palloc(p, (len + 2) / 3 * 4 + 1), *o = out;
    apr_size_t i;

    for (i = 0; i + 2 < len; i += 3) {
        *o++ = alpha[in[i] >> 2];
        *o++ = alpha[((in[i] & 3) << 4) | (in[i + 1] >> 4)];
        *o++ = alpha[((in[i + 1] & 15) << 2) | (in[i + 2] >> 6)];
        *o++ = alpha[in[i + 2] & 63];
    }
    if (len - i == 1) {
        *o++ = alpha[in[i] >> 2];
        *o++ = alpha[(in[i] & 3) << 4];
        if (pad) { *o++ = '='; *o++ = '='; }
    }
    else if (len - i == 2) {
        *o++ = alpha[in[i] >> 2];
        *o++ = alpha[((in[i] & 3) << 4) | (in[i + 1] >> 4)];
        *o++ = alpha[(in[i + 1] & 15) << 2];
        if (pad) *o++ = '=';
    }
    *o = '\0';
    return out;
}

char *pp_b64url_encode(apr_pool_t *p, const unsigned char *in, apr_size_t len)
{
    return encode(p, in, len, URL, 0);
}

char *pp_b64_encode(apr_pool_t *p, const unsigned char *in, apr_size_t len)
{
    return encode(p, in, len, STD, 1);
}

/* The value of c in alpha (the two alphabets differ only in their last
 * two characters), or -1. */
static int value_of(char c, const char *alpha)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == alpha[62])
        return 62;
    if (c == alpha[63])
        return 63;
    return -1;
}

/* Decode n alphabet characters (no padding) into bytes. Unused low bits
 * of the last character must be zero (canonical encoding only). */
static unsigned char *decode(apr_pool_t *p, const char *in, apr_size_t n,
                             const char *alpha, apr_size_t *len)
{
    unsigned char *out;
    apr_size_t i, o = 0;
    unsigned int acc = 0;
    int bits = 0;

    if (n % 4 == 1)
        return NULL;
    out = apr_palloc(p, n / 4 * 3 + 3);
    for (i = 0; i < n; i++) {
        int v = value_of(in[i], alpha);

        if (v < 0)
            return NULL;
        acc = (acc << 6) | (unsigned int)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (unsigned char)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    if (acc != 0)
        return NULL;
    *len = o;
    return out;
}

unsigned char *pp_b64url_decode(apr_pool_t *p, const char *in, apr_size_t *len)
{
    if (in == NULL)
        return NULL;
    return decode(p, in, strlen(in), URL, len);
}

/* Standard base64's length without its padding: up to two '=' at the
 * very end of a multiple of four (an '=' elsewhere is no character of
 * the alphabet). 0 for a length that is no multiple of four. */
static int unpadded(const char *in, apr_size_t *n)
{
    *n = strlen(in);
    if (*n % 4 != 0)
        return 0;
    if (*n > 0 && in[*n - 1] == '=') {
        (*n)--;
        if (in[*n - 1] == '=')
            (*n)--;
    }
    return 1;
}

unsigned char *pp_b64_decode(apr_pool_t *p, const char *in, apr_size_t *len)
{
    apr_size_t n;

    if (in == NULL || !unpadded(in, &n))
        return NULL;
    return decode(p, in, n, STD, len);
}

/* in, in alphabet from, spelt in alphabet to (standard base64 padded,
 * URL-safe not, as everywhere here): the same bytes, never decoded.
 * NULL unless in is text the strict decoder of from takes. */
static char *respell(apr_pool_t *p, const char *in, const char *from,
                     const char *to)
{
    apr_size_t n, m, i;
    char *out;
    int v = 0;

    if (in == NULL)
        return NULL;
    if (from != STD)
        n = strlen(in);
    else if (!unpadded(in, &n))
        return NULL;
    if (n % 4 == 1)
        return NULL;
    m = to == STD ? (n + 3) / 4 * 4 : n;
    out = apr_palloc(p, m + 1);
    for (i = 0; i < n; i++) {
        if ((v = value_of(in[i], from)) < 0)
            return NULL;
        out[i] = to[v];
    }
    /* canonical: the last character's unused low bits are zero */
    if ((n % 4 == 2 && (v & 0x0f) != 0) || (n % 4 == 3 && (v & 0x03) != 0))
        return NULL;
    for (; i < m; i++)
        out[i] = '=';
    out[m] = '\0';
    return out;
}

char *pp_b64url_to_b64(apr_pool_t *p, const char *in)
{
    return respell(p, in, URL, STD);
}

char *pp_b64_to_b64url(apr_pool_t *p, const char *in)
{
    return respell(p, in, STD, URL);
}

char *pp_b64url_canonical(apr_pool_t *p, const char *in)
{
    return respell(p, in, URL, URL);
}
