/*
 * pp_realm.c - what a realm serves: its sites and its addresses.
 */
#include "pp_realm.h"

#include <string.h>
#include <strings.h>

const pp_site_t *pp_realm_messenger_site(void)
{
    static const pp_site_t messenger = {
        "507", "http://messenger.msn.com", "messenger.msn.com"
    };

    return &messenger;
}

const pp_site_t *pp_realm_site(const pp_realm_t *realm, const char *id)
{
    int i;

    if (realm->sites == NULL)
        return pp_realm_messenger_site();
    for (i = 0; id != NULL && i < realm->sites->nelts; i++)
        if (strcmp(APR_ARRAY_IDX(realm->sites, i, pp_site_t).id, id) == 0)
            return &APR_ARRAY_IDX(realm->sites, i, pp_site_t);
    return NULL;
}

const char *pp_realm_service(const pp_realm_t *realm, const char *address)
{
    const apr_array_header_t *s = realm->services;
    int i;

    if (s == NULL)
        return address;
    for (i = 0; i < s->nelts; i++)
        if (strcasecmp(APR_ARRAY_IDX(s, i, const char *), address) == 0)
            return APR_ARRAY_IDX(s, i, const char *);
    return NULL;
}
