/*
 * pp_xml.c - XML helpers the renderers share.
 */
#include "pp_xml.h"

#include <string.h>

const char *pp_xml_escape(apr_pool_t *p, const char *s)
{
    apr_size_t plain = strcspn(s, "&<>\""), n = plain;
    const char *c;
    char *out, *o;

    if (s[plain] == '\0')
        return s;                   /* most text: nothing to escape */
    for (c = s + plain; *c; c++)
        n += (*c == '&') ? 5 : (*c == '<' || *c == '>') ? 4
           : (*c == '"') ? 6 : 1;
    out = o = apr_palloc(p, n + 1);
    memcpy(o, s, plain);
    o += plain;
    for (c = s + plain; *c; c++) {
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
