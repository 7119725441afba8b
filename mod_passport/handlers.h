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
int pp_verify_handler(request_rec *r);

/* partner.c: AuthType Passport1.4 (MS-PASS 3.2) */
#include <util_filter.h>
#define PP_REPLAY_FILTER "PASSPORT_REPLAY"
int pp_partner_check_authn(request_rec *r);
apr_status_t pp_replay_filter(ap_filter_t *f, apr_bucket_brigade *bb,
                              ap_input_mode_t mode, apr_read_type_e block,
                              apr_off_t readbytes);

#endif
