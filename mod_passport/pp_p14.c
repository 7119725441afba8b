/*
 * pp_p14.c - Passport1.4 header parsing and rendering.
 *
 * Parameters are comma-separated, with an optional space after each
 * comma; names are matched case-insensitively (clients send both OrgURL
 * and OrgUrl). sign-in, pwd, OrgURL and ru are URL-decoded (a comma in a
 * password arrives as %2C); everything else is kept exactly as sent.
 */
#include "pp_p14.h"
#include "pp_str.h"

#include <apr_strings.h>
#include <apr_lib.h>
#include <string.h>

/* Store a decoded known parameter once; a repeat is an error. */
static int take(apr_pool_t *p, const char **slot, const char *value,
                int decode, const char *name, const char **err)
{
    if (*slot != NULL) {
        *err = apr_psprintf(p, "parameter %s given twice", name);
        return 0;
    }
    if (value == NULL) {
        *err = apr_psprintf(p, "parameter %s has no value", name);
        return 0;
    }
    *slot = decode ? pp_url_decode(p, value) : value;
    if (*slot == NULL) {
        *err = apr_psprintf(p, "parameter %s has a bad %%-escape", name);
        return 0;
    }
    return 1;
}

int pp_p14_parse(apr_pool_t *p, const char *header, pp_p14_request_t *out,
                 const char **err)
{
    const char *s;
    char *rest, *elem, *next;

    memset(out, 0, sizeof(*out));
    out->params = apr_array_make(p, 16, sizeof(pp_p14_param_t));
    if (header == NULL || *header == '\0') {
        *err = "no Authorization header";
        return 0;
    }
    if (strlen(header) > PP_P14_MAX_HEADER) {
        *err = "Authorization header too long";
        return 0;
    }
    for (s = header; *s; s++)
        if ((unsigned char)*s < 0x20 && *s != '\t') {
            *err = "control character in the Authorization header";
            return 0;
        }
    s = header;
    if (strncasecmp(s, "Passport1.4", 11) != 0
        || (s[11] != ' ' && s[11] != '\t')) {
        *err = "not a Passport1.4 Authorization header";
        return 0;
    }
    /* the scheme, repeated by some clients ("Passport1.4 Passport1.4") */
    do {
        s += 11;
        while (*s == ' ' || *s == '\t')
            s++;
    } while (strncasecmp(s, "Passport1.4", 11) == 0
             && (s[11] == ' ' || s[11] == '\t'));
    if (*s == '\0') {
        *err = "no parameters after Passport1.4";
        return 0;
    }

    rest = apr_pstrdup(p, s);
    for (elem = rest; elem != NULL; elem = next) {
        pp_p14_param_t *pm;
        char *eq;
        int ok = 1;

        next = strchr(elem, ',');
        if (next)
            *next++ = '\0';
        while (*elem == ' ' || *elem == '\t')
            elem++;
        if (*elem == '\0')
            continue;                       /* ",," or a trailing comma */
        if (out->params->nelts >= PP_P14_MAX_PARAMS) {
            *err = "too many parameters";
            return 0;
        }
        pm = apr_array_push(out->params);
        eq = strchr(elem, '=');
        if (eq) {
            *eq = '\0';
            pm->value = eq + 1;
        }
        pm->name = elem;

        if (strcasecmp(pm->name, "sign-in") == 0) {
            out->credentials = 1;
            ok = take(p, &out->signin, pm->value, 1, "sign-in", err);
        }
        else if (strcasecmp(pm->name, "pwd") == 0) {
            out->credentials = 1;
            ok = take(p, &out->pwd, pm->value, 1, "pwd", err);
            if (ok && strlen(out->pwd) > PP_P14_MAX_PWD) {
                *err = "password too long";
                ok = 0;
            }
        }
        else if (strcasecmp(pm->name, "OrgVerb") == 0)
            ok = take(p, &out->org_verb, pm->value, 0, "OrgVerb", err);
        else if (strcasecmp(pm->name, "OrgURL") == 0)
            ok = take(p, &out->org_url, pm->value, 1, "OrgURL", err);
        else if (strcasecmp(pm->name, "ru") == 0)
            ok = take(p, &out->ru, pm->value, 1, "ru", err);
        else if (strcasecmp(pm->name, "id") == 0)
            ok = take(p, &out->id, pm->value, 0, "id", err);
        else if (strcasecmp(pm->name, "tname") == 0)
            out->tname = 1;
        if (!ok)
            return 0;
    }
    if (out->params->nelts == 0) {
        *err = "no parameters after Passport1.4";
        return 0;
    }
    return 1;
}

const char *pp_p14_success(apr_pool_t *p, const char *const *tnames, int n,
                           const char *compact, const char *ru)
{
    const char *h = "Passport1.4 da-status=success";
    int i;

    for (i = 0; i < n; i++)
        h = apr_pstrcat(p, h, ",tname=", tnames[i], NULL);
    return apr_pstrcat(p, h, ",from-PP='", compact, "',ru=", ru, NULL);
}

const char *pp_p14_challenge(apr_pool_t *p, int noretry, int prompt,
                             const char *realm, const char *cburl,
                             const char *cbtxt)
{
    return apr_pstrcat(p, "Passport1.4 da-status=",
                       noretry ? "failed-noretry" : "failed",
                       ",srealm=", realm, ",ts=-1",
                       !noretry && prompt ? ",prompt" : "",
                       cburl ? ",cburl=" : "", cburl ? cburl : "",
                       cbtxt ? ",cbtxt=" : "", cbtxt ? cbtxt : "", NULL);
}

const char *pp_p14_from_pp(apr_pool_t *p, const char *header)
{
    pp_p14_request_t q;
    const char *err = NULL;
    int i;

    if (!pp_p14_parse(p, header, &q, &err))
        return NULL;
    for (i = 0; i < q.params->nelts; i++) {
        const pp_p14_param_t *pm = &APR_ARRAY_IDX(q.params, i, pp_p14_param_t);
        apr_size_t n;

        if (strcasecmp(pm->name, "from-PP") != 0 || pm->value == NULL)
            continue;
        /* from-PP='...' as the Token Response quoted it, or bare */
        n = strlen(pm->value);
        if (n >= 2 && pm->value[0] == '\'' && pm->value[n - 1] == '\'')
            return apr_pstrmemdup(p, pm->value + 1, n - 2);
        return pm->value;
    }
    return NULL;
}
