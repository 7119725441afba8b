/*
 * pp_xml.c - XML helpers the renderers share.
 */
#include "pp_xml.h"

#include <string.h>

const char *pp_xml_escape(apr_pool_t *p, const char *s)
{
    apr_size_t n = 0;
    const char *c;
    char *out, *o;

    for (c = s; *c; c++)
        n += (*c == '&') ? 5 : (*c == '<' || *c == '>') ? 4
           : (*c == '"') ? 6 : 1;
    if (n == (apr_size_t)(c - s))
        return s;
    out = o = apr_palloc(p, n + 1);
    for (c = s; *c; c++) {
        switch (*c) {
        case '&': memcpy(o, "&amp;", 5); o += 5; break;
        case '<': memcpy(o, "&lt;", 4); o += 4; break;
        case '>': memcpy(o, "&gt;", 4); o += 4; break;
        case '"': memcpy(o, "&quot;", 6); o += 6; break;
        default: *o++ = *c;
        }
    }
    *o = '\0';
    return out;
}
