/* Unit tests for pp_nexus.c: the PassportURLs value. */
#include "tap.h"
#include "pp_nexus.h"

int main(void)
{
    apr_pool_t *p = tap_start();
    pp_nexus_urls_t u = { 0 };

    u.realm = "Passport.Net";
    u.dalogin = "login.passport.com/login2.srf";
    u.config_version = 15;
    is_str(pp_nexus_header(p, &u),
           "DARealm=Passport.Net,DALogin=login.passport.com/login2.srf,"
           "ConfigVersion=15",
           "minimal header matches the Tweener reference");

    u.dareg = "https://accountservices.passport.net/UIXPWiz.srf";
    u.properties = "https://accountservices.msn.com/editprof.srf";
    u.privacy = "https://accountservices.passport.net/PPPrivacyStatement.srf";
    u.general_redir = "http://nexusrdr.passport.com/redirect.asp";
    u.help = "https://accountservices.passport.net";
    u.config_version = 14;
    is_str(pp_nexus_header(p, &u),
           "DARealm=Passport.Net,DALogin=login.passport.com/login2.srf,"
           "DAReg=https://accountservices.passport.net/UIXPWiz.srf,"
           "Properties=https://accountservices.msn.com/editprof.srf,"
           "Privacy=https://accountservices.passport.net/PPPrivacyStatement.srf,"
           "GeneralRedir=http://nexusrdr.passport.com/redirect.asp,"
           "Help=https://accountservices.passport.net,ConfigVersion=14",
           "full header in grammar order");

    u.dareg = NULL;
    u.general_redir = NULL;
    u.config_version = 0;
    is_str(pp_nexus_header(p, &u),
           "DARealm=Passport.Net,DALogin=login.passport.com/login2.srf,"
           "Properties=https://accountservices.msn.com/editprof.srf,"
           "Privacy=https://accountservices.passport.net/PPPrivacyStatement.srf,"
           "Help=https://accountservices.passport.net,ConfigVersion=0",
           "unset optional fields left out, order kept");

    return tap_done();
}
