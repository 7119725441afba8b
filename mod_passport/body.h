/*
 * body.h - bounded request bodies, and replaying one to the next reader.
 */
#ifndef PP_BODY_H
#define PP_BODY_H

#include <httpd.h>

/* Read at most limit bytes (NUL-terminated). NULL and *why on failure;
 * a body over the limit closes the connection rather than being read. */
char *pp_read_body(request_rec *r, apr_size_t limit, apr_size_t *len,
                   const char **why);

/* After pp_read_body: let the handler (CGI, proxy, ...) read the same
 * body again, through the PASSPORT_REPLAY input filter. */
void pp_replay_body(request_rec *r, const char *data, apr_size_t len);

#endif
