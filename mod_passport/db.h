/*
 * db.h - account look-ups through mod_dbd (the only SQL in the module).
 */
#ifndef PP_DB_H
#define PP_DB_H

#include <httpd.h>

typedef struct {
    const char *hash;          /* the stored password hash */
    apr_uint64_t puid;
    int has_cid;               /* a third column was returned */
    apr_uint64_t cid;
} pp_account_t;

typedef enum {
    PP_DB_FOUND,
    PP_DB_NOT_FOUND,
    PP_DB_ERROR                /* database unavailable or query failed */
} pp_db_status_t;

/* Called at start-up (post_config), after every module is loaded. */
void pp_db_init(void);

/* Look up a (lower-cased) sign-in name with the server's prepared
 * PassportAccountQuery. Every failure is logged with its reason. */
pp_db_status_t pp_db_find_account(request_rec *r, const char *signin,
                                  pp_account_t *out);

/* Run PassportTicketRecordQuery with its six parameters. 1 on success;
 * 0 (logged) when the write failed. */
int pp_db_record_ticket(request_rec *r, const char *ticket, const char *puid,
                        const char *signin, const char *audience,
                        const char *expires, const char *mbi_secret);

#endif
