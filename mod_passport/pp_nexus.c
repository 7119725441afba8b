/*
 * pp_nexus.c - builds the PassportURLs header value.
 */
#include "pp_nexus.h"

#include <apr_strings.h>

const char *pp_nexus_header(apr_pool_t *p, const pp_nexus_urls_t *u)
{
    /* Order fixed by MS-PASS 2.2.12; names case-sensitive. */
    const struct { const char *name; const char *value; } opt[] = {
        { "DAReg", u->dareg },
        { "Properties", u->properties },
        { "Privacy", u->privacy },
        { "GeneralRedir", u->general_redir },
        { "Help", u->help },
    };
    const char *h = apr_pstrcat(p, "DARealm=", u->realm,
                                ",DALogin=", u->dalogin, NULL);
    size_t i;

    for (i = 0; i < sizeof(opt) / sizeof(opt[0]); i++)
        if (opt[i].value != NULL)
            h = apr_pstrcat(p, h, ",", opt[i].name, "=", opt[i].value, NULL);
    return apr_psprintf(p, "%s,ConfigVersion=%" APR_INT64_T_FMT, h, u->config_version);
}
