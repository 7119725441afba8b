/*
 * mod_passport_sni.h - the HTTP/0.9 Nexus request over TLS with SNI
 * (mod_passport_sni.c), registered by mod_passport.c.
 */
#ifndef MOD_PASSPORT_SNI_H
#define MOD_PASSPORT_SNI_H

#include <httpd.h>

/* optional_fn_retrieve: mod_ssl's ssl_is_https and ssl_var_lookup. */
void pp_sni_retrieve_fns(void);

/* post_read_request, before mod_ssl's: a true HTTP/0.9 request on a TLS
 * connection with SNI gets the SNI name as its host, and the virtual
 * host that name selects. Every other request is left as it is.
 * Always DECLINED: it refuses nothing. */
int pp_sni_http09_host(request_rec *r);

#endif
