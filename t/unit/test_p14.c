/* Unit tests for pp_p14.c: the Passport1.4 header grammar, with
 * hostile input. */
#include "tap.h"
#include "pp_p14.h"

static const pp_p14_param_t *param(const pp_p14_request_t *q, int i)
{
    return &APR_ARRAY_IDX(q->params, i, pp_p14_param_t);
}

/* Refused, and for the reason given (a refusal for another reason is a
 * failure). */
static int refused(apr_pool_t *p, const char *header, const char *why,
                   const char *name)
{
    pp_p14_request_t q;
    const char *err = NULL;
    int parsed = pp_p14_parse(p, header, &q, &err);

    return tap_ok(!parsed && err && strstr(err, why), __FILE__, __LINE__,
                  "%s (%s)", name, parsed ? "accepted" : err);
}

int main(void)
{
    apr_pool_t *p = tap_start();
    pp_p14_request_t q;
    const char *err = NULL;
    char *huge, *many;
    int i;

    /* libpurple's request, from CLIENTS.md */
    ok(pp_p14_parse(p, "Passport1.4 OrgVerb=GET,OrgURL=http%3A%2F%2Fmessenger"
       "%2Emsn%2Ecom,sign-in=alice%40example.com,pwd=p%2Cw%25d,lc=1033,id=507,"
       "tw=40,fs=1,ru=http%3A%2F%2Fmessenger%2Emsn%2Ecom,ct=1062764229,kpp=1,"
       "kv=5,ver=2.1.0173.1,tpf=43f8a4c8ed940c04e3740be46c4d1619", &q, &err),
       "libpurple sign-in request parses");
    is_str(q.signin, "alice@example.com", "sign-in decoded");
    is_str(q.pwd, "p,w%d", "a comma and a percent in the password decoded");
    is_str(q.org_verb, "GET", "OrgVerb");
    is_str(q.org_url, "http://messenger.msn.com", "OrgURL decoded");
    is_str(q.ru, "http://messenger.msn.com", "ru decoded");
    is_str(q.id, "507", "id");
    ok(q.params->nelts == 14, "every parameter kept (%d)", q.params->nelts);
    is_str(param(&q, 13)->value, "43f8a4c8ed940c04e3740be46c4d1619",
           "challenge parameters kept as sent");
    ok(!q.tname, "no tname");

    ok(pp_p14_parse(p, "Passport1.4 sign-in=bob@example.com, pwd=x y, "
                    "OrgUrl=https://partner.example.com/auth.asp, param1,param2",
                    &q, &err), "aMSN style: raw sign-in, spaces after commas");
    is_str(q.signin, "bob@example.com", "raw sign-in kept");
    is_str(q.pwd, "x y", "space inside the value kept");
    is_str(q.org_url, "https://partner.example.com/auth.asp", "OrgUrl spelling");
    ok(param(&q, 3)->value == NULL && strcmp(param(&q, 3)->name, "param1") == 0,
       "bare token kept");

    ok(pp_p14_parse(p, "Passport1.4 Passport1.4 sign-in=a%40b.c,pwd=x", &q,
                    &err) && strcmp(q.signin, "a@b.c") == 0,
       "repeated scheme (Tweener page) accepted");
    ok(pp_p14_parse(p, "Passport1.4 tname=,OrgVerb=GET,OrgUrl=http://m.example/,"
                    "p1", &q, &err) && q.tname && q.signin == NULL,
       "token request");

    refused(p, NULL, "no Authorization header", "missing header");
    refused(p, "", "no Authorization header", "empty header");
    refused(p, "Basic dXNlcjpwYXNz", "not a Passport1.4 Authorization header",
            "another scheme");
    refused(p, "Passport1.4", "not a Passport1.4 Authorization header",
            "scheme only");
    refused(p, "Passport1.4   ", "no parameters after Passport1.4",
            "scheme and spaces");
    refused(p, "Passport1.4 ,,,", "no parameters after Passport1.4",
            "commas only");
    ok(!pp_p14_parse(p, "Passport1.4 sign-in=a%40b.c,pwd=abc%", &q, &err)
       && strstr(err, "parameter pwd has a bad %-escape") && !strstr(err, "abc"),
       "'%%' at the end refused, password not quoted");
    refused(p, "Passport1.4 sign-in=a%40b.c,pwd=ab%4",
            "parameter pwd has a bad %-escape", "truncated escape refused");
    refused(p, "Passport1.4 sign-in=a%40b.c,pwd=ab%zz",
            "parameter pwd has a bad %-escape", "non-hex escape refused");
    refused(p, "Passport1.4 sign-in=a%40b.c,pwd=ab%00cd",
            "parameter pwd has a bad %-escape", "%00 (NUL) refused");
    refused(p, "Passport1.4 sign-in=a@b.c,pwd=a\x01z",
            "control character in the Authorization header",
            "control character refused");
    refused(p, "Passport1.4 sign-in=a@b.c,pwd=x,pwd=y",
            "parameter pwd given twice", "repeated pwd refused");
    refused(p, "Passport1.4 sign-in,pwd=y", "parameter sign-in has no value",
            "sign-in without a value refused");

    huge = apr_palloc(p, PP_P14_MAX_HEADER + 64);
    strcpy(huge, "Passport1.4 sign-in=a@b.c,pwd=");
    memset(huge + strlen(huge), 'x', PP_P14_MAX_HEADER);
    huge[PP_P14_MAX_HEADER + 30] = '\0';
    refused(p, huge, "Authorization header too long", "huge header refused");
    huge[600] = '\0';
    refused(p, huge, "password too long", "password over 256 bytes refused");
    huge[30 + PP_P14_MAX_PWD] = '\0';
    ok(pp_p14_parse(p, huge, &q, &err) && strlen(q.pwd) == PP_P14_MAX_PWD,
       "a password of exactly %d bytes is taken", PP_P14_MAX_PWD);

    many = apr_pstrdup(p, "Passport1.4 a=1");
    for (i = 0; i < PP_P14_MAX_PARAMS - 1; i++)
        many = apr_pstrcat(p, many, ",x", NULL);
    ok(pp_p14_parse(p, many, &q, &err) && q.params->nelts == PP_P14_MAX_PARAMS,
       "%d parameters are taken", PP_P14_MAX_PARAMS);
    many = apr_pstrcat(p, many, ",x", NULL);
    refused(p, many, "too many parameters", "one more is refused");

    is_str(pp_signin_normalize(p, "Alice@Example.COM"), "alice@example.com",
           "sign-in lower-cased");
    ok(pp_signin_normalize(p, "alice") == NULL, "no @ refused");
    ok(pp_signin_normalize(p, "@example.com") == NULL, "no local part refused");
    ok(pp_signin_normalize(p, "a@") == NULL, "no domain refused");
    ok(pp_signin_normalize(p, "a b@c.d") == NULL, "space refused");
    ok(pp_signin_normalize(p, "a@b@c") == NULL, "two @ refused");

    is_str(pp_url_encode(p, "Hi, you & me"), "Hi%2C%20you%20%26%20me",
           "URL encoding");
    {
        static const char *const tnames[] = { "PPAuth", "PPProf", "PPSec" };

        is_str(pp_p14_success(p, tnames, 3, "t=T&p=P",
                              "http://messenger.msn.com"),
               "Passport1.4 da-status=success,tname=PPAuth,tname=PPProf,"
               "tname=PPSec,from-PP='t=T&p=P',ru=http://messenger.msn.com",
               "Token Response: a tname per cookie set");
        is_str(pp_p14_success(p, tnames, 0, "t=T&p=P", "http://a.example/"),
               "Passport1.4 da-status=success,from-PP='t=T&p=P',"
               "ru=http://a.example/", "Token Response without cookies");
    }
    is_str(pp_p14_challenge(p, 0, 1, "Passport.Net", NULL, NULL),
           "Passport1.4 da-status=failed,srealm=Passport.Net,ts=-1,prompt",
           "challenge with prompt");
    is_str(pp_p14_challenge(p, 0, 0, "Passport.Net", NULL, NULL),
           "Passport1.4 da-status=failed,srealm=Passport.Net,ts=-1",
           "challenge without prompt (a client may use cached credentials)");
    is_str(pp_p14_challenge(p, 1, 1, "R", "http://x.example/logo.gif", "Hi%20there"),
           "Passport1.4 da-status=failed-noretry,srealm=R,ts=-1,"
           "cburl=http://x.example/logo.gif,cbtxt=Hi%20there",
           "no-retry challenge with co-branding");

    /* the from-PP of a First Authenticated Request */
    is_str(pp_p14_from_pp(p, "Passport1.4 from-PP='t=T1&p=0123456789ABCDEF'"),
           "t=T1&p=0123456789ABCDEF", "from-PP quoted as the Token Response "
           "gives it: quotes removed");
    is_str(pp_p14_from_pp(p, "Passport1.4 from-PP=t=T1&p=P"), "t=T1&p=P",
           "from-PP bare: kept whole, '=' and all");
    is_str(pp_p14_from_pp(p, "Passport1.4 lc=1033,FROM-pp='T2', ru=x"), "T2",
           "among other parameters, any case");
    is_str(pp_p14_from_pp(p, "Passport1.4 from-PP='T3"), "'T3",
           "an unbalanced quote is not a quoted value");
    is_str(pp_p14_from_pp(p, "Passport1.4 from-PP=''"), "",
           "two quotes: an empty ticket");
    ok(pp_p14_from_pp(p, "Passport1.4 tname=MSPAuth,ru=x") == NULL,
       "absent: NULL");
    ok(pp_p14_from_pp(p, "Passport1.4 from-PP,lc=1033") == NULL,
       "without a value: NULL");
    ok(pp_p14_from_pp(p, "Basic from-PP='x'") == NULL,
       "another scheme: NULL");
    ok(pp_p14_from_pp(p, NULL) == NULL, "no header: NULL");
    return tap_done();
}
