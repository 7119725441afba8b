/*
 * pp_xml.h - XML helpers for the renderers. Apache-free.
 */
#ifndef PP_XML_H
#define PP_XML_H

#include <apr_pools.h>

/* Escape text for XML element content and double-quoted attribute
 * values (& < > "). Returns s itself when nothing needs escaping. */
const char *pp_xml_escape(apr_pool_t *p, const char *s);

#endif
