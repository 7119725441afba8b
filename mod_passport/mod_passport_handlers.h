/*
 * mod_passport_handlers.h - the endpoints, one file each, registered by
 * mod_passport.c. Each reads the request, asks the core, and writes the
 * answer it is given.
 */
#ifndef MOD_PASSPORT_HANDLERS_H
#define MOD_PASSPORT_HANDLERS_H

#include <httpd.h>

/* The handler names SetHandler takes (docs/directives.md, Handlers). */
#define PP_HANDLER_NEXUS  "passport-nexus"
#define PP_HANDLER_LOGIN2 "passport-login2"
#define PP_HANDLER_LOGOUT "passport-logout"
#define PP_HANDLER_RST    "passport-rst"
#define PP_HANDLER_VERIFY "passport-verify"

int pp_nexus_handler(request_rec *r);     /* mod_passport_nexus.c */
int pp_login2_handler(request_rec *r);    /* mod_passport_login2.c */
int pp_logout_handler(request_rec *r);    /* mod_passport_logout.c */
int pp_rst_handler(request_rec *r);       /* mod_passport_rst.c */
int pp_verify_handler(request_rec *r);    /* mod_passport_verify.c */

/* mod_passport_partner.c: AuthType Passport1.4 (MS-PASS 3.2) */
int pp_partner_check_authn(request_rec *r);

/* The log level of a core note. */
int pp_note_level(int pp_level);

/* Write a core note to the error log (nothing for PP_NOTE_NONE). */
#define PP_LOG_NOTE(r, n)                                                  \
    do {                                                                   \
        if ((n).level != PP_NOTE_NONE && (n).text != NULL)                 \
            ap_log_rerror(APLOG_MARK, pp_note_level((n).level), 0, (r),    \
                          "%s", (n).text);                                 \
    } while (0)

#endif
