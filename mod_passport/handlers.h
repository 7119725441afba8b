/*
 * handlers.h - the endpoints, one file each, registered by mod_passport.c.
 */
#ifndef PP_HANDLERS_H
#define PP_HANDLERS_H

#include <httpd.h>

int pp_nexus_handler(request_rec *r);
int pp_login2_handler(request_rec *r);
int pp_logout_handler(request_rec *r);
int pp_rst_handler(request_rec *r);

#endif
