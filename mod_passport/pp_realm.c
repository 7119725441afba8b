/*
 * pp_realm.c - the defaults of a realm that lists nothing itself.
 */
#include "pp_realm.h"

/* Every address of the references and of real clients (CLIENTS.md). */
static const char *default_services[] = {
    PP_ADDRESS_LEGACY, "messengerclear.live.com", "messenger.msn.com",
    "contacts.msn.com", "messengersecure.live.com", "spaces.msn.com",
    "spaces.live.com", "livecontacts.live.com", "storage.msn.com",
    "storage.live.com", "sup.live.com", PP_ADDRESS_P2PSLC
};

const apr_array_header_t *pp_realm_default_services(void)
{
    static const apr_array_header_t services = {
        NULL, sizeof(const char *),
        sizeof(default_services) / sizeof(default_services[0]),
        sizeof(default_services) / sizeof(default_services[0]),
        (char *)default_services
    };

    return &services;
}

const apr_array_header_t *pp_realm_default_sites(void)
{
    static pp_site_t messenger = {
        "507", "http://messenger.msn.com", "messenger.msn.com"
    };
    static const apr_array_header_t sites = {
        NULL, sizeof(pp_site_t), 1, 1, (char *)&messenger
    };

    return &sites;
}
