/* Unit tests for pp_str.c: the value checks behind the directives. */
#include "tap.h"
#include "pp_str.h"

int main(void)
{
    apr_pool_t *p = tap_start();
    apr_int64_t v = -1;

    ok(pp_is_ptoken("Passport.Net"), "realm is a ptoken");
    ok(!pp_is_ptoken(""), "empty is not a ptoken");
    ok(!pp_is_ptoken(NULL), "NULL is not a ptoken");
    ok(!pp_is_ptoken("a,b"), "comma refused");
    ok(!pp_is_ptoken("a b"), "space refused");
    ok(!pp_is_ptoken("a\tb"), "CTL refused");
    ok(!pp_is_ptoken("a'b"), "quote refused");
    ok(!pp_is_ptoken("caf\xc3\xa9"), "non-ASCII refused");

    ok(pp_parse_uint("0", 100, &v) && v == 0, "0 parses");
    ok(pp_parse_uint("15", 100, &v) && v == 15, "15 parses");
    ok(!pp_parse_uint("101", 100, &v), "over max refused");
    ok(!pp_parse_uint("-1", 100, &v), "negative refused");
    ok(!pp_parse_uint("1x", 100, &v), "trailing junk refused");
    ok(!pp_parse_uint("", 100, &v), "empty refused");
    ok(!pp_parse_uint("99999999999999999999999", APR_INT64_C(2147483647), &v),
       "overflow refused");

    ok(pp_is_header_url(p, "https://accountservices.passport.net/UIXPWiz.srf"),
       "https URL accepted");
    ok(pp_is_header_url(p, "http://nexusrdr.passport.com/redirect.asp"),
       "http URL accepted");
    ok(!pp_is_header_url(p, "ftp://example.com/"), "ftp refused");
    ok(!pp_is_header_url(p, "example.com/x"), "no scheme refused");
    ok(!pp_is_header_url(p, "https://a.example/x,y"), "comma in URL refused");
    ok(!pp_is_header_url(p, "https:///path"), "no host refused");

    ok(pp_is_dalogin("login.example.net/login2.srf"), "HOST/PATH accepted");
    ok(!pp_is_dalogin("https://login.example.net/login2.srf"),
       "scheme refused in DALogin");
    ok(!pp_is_dalogin("login.example.net"), "no path refused");
    ok(!pp_is_dalogin("/login2.srf"), "no host refused");
    ok(!pp_is_dalogin("login.example.net/"), "empty path refused");

    ok(pp_cid_from_puid(APR_UINT64_C(0x0123456789ABCDEF))
       == APR_UINT64_C(0x1b0a26fd753c50da), "CID derived from a PUID (vector)");
    ok(pp_cid_from_puid(3) == APR_UINT64_C(0x494afd67a35c2a83), "another PUID");
    ok(pp_cid_from_puid(0) >> 63 == 0, "a positive 64-bit integer");
    ok(pp_digest("SHA256") != NULL && pp_digest("SHA256") == pp_digest("SHA256")
       && EVP_MD_get_size(pp_digest("SHA256")) == 32,
       "SHA-256 is fetched once and kept");
    ok(pp_digest("SHA1") != NULL && EVP_MD_get_size(pp_digest("SHA1")) == 20
       && pp_digest("SHA1") != pp_digest("SHA256"), "and SHA-1 beside it");
    ok(pp_digest("MD5") == NULL, "another name: none");
    is_str(pp_hex16(p, APR_UINT64_C(0xAB)), "00000000000000AB", "hex16");
    {
        apr_uint64_t u = 0;

        ok(pp_parse_u64("-1", &u) && u == APR_UINT64_MAX,
           "a negative PUID is two's complement");
        ok(!pp_parse_u64("18446744073709551616", &u), "2^64 overflows");
        ok(pp_parse_u64("18446744073709551615", &u) && u == APR_UINT64_MAX,
           "2^64-1 fits");
    }
    /* SNI names (the HTTP/0.9 Nexus over TLS) */
    {
        char name[300];

        ok(pp_is_host_name("nexus.passport.com"), "a host name");
        ok(pp_is_host_name("localhost"), "one label");
        ok(pp_is_host_name("Nexus-B.Example.TEST"), "mixed case");
        ok(pp_is_host_name("a1.x-y.example"), "digits and inner hyphens");
        ok(!pp_is_host_name(NULL), "NULL refused");
        ok(!pp_is_host_name(""), "empty refused");
        ok(!pp_is_host_name("nexus.example.net."), "trailing dot refused");
        ok(!pp_is_host_name(".example.net"), "leading dot refused");
        ok(!pp_is_host_name("a..example"), "empty label refused");
        ok(!pp_is_host_name("-a.example"), "label starting with - refused");
        ok(!pp_is_host_name("a-.example"), "label ending with - refused");
        ok(!pp_is_host_name("bad_name.example"), "underscore refused");
        ok(!pp_is_host_name("a.example:443"), "port refused");
        ok(!pp_is_host_name("a b.example"), "space refused");
        ok(!pp_is_host_name("caf\xc3\xa9.example"), "non-ASCII refused");
        ok(!pp_is_host_name("127.0.0.1"), "IPv4 literal refused");
        ok(!pp_is_host_name("example.123"), "numeric last label refused");
        ok(!pp_is_host_name("[::1]"), "IPv6 literal refused");
        memset(name, 'a', 63);
        memcpy(name + 63, ".example", 9);
        ok(pp_is_host_name(name), "63-byte label accepted");
        memset(name, 'a', 64);
        memcpy(name + 64, ".example", 9);
        ok(!pp_is_host_name(name), "64-byte label refused");
        /* 4 x (62 + '.') + 'a' = 253 bytes: the longest name */
        memset(name, 'a', sizeof(name));
        name[62] = name[125] = name[188] = name[251] = '.';
        name[253] = '\0';
        ok(pp_is_host_name(name), "253 bytes accepted");
        name[253] = 'a';
        name[254] = '\0';
        ok(!pp_is_host_name(name), "254 bytes refused");
    }

    /* JSON strings */
    is_str(pp_json_escape(p, "plain"), "plain", "JSON: plain text kept");
    is_str(pp_json_escape(p, ""), "", "JSON: empty");
    is_str(pp_json_escape(p, "a\"b\\c\n\x01\x1f\x7f"),
           "a\\\"b\\\\c\\u000a\\u0001\\u001f\x7f",
           "JSON: quote, backslash and controls escaped, DEL kept");
    is_str(pp_json_escape(p, "caf\xc3\xa9/x"), "caf\xc3\xa9/x",
           "JSON: UTF-8 and '/' kept as they are");

    /* log lines */
    {
        const char *s = "alice@example.com";

        ok(pp_log_escape(p, s) == s, "log: clean input returned as it is");
    }
    is_str(pp_log_escape(p, NULL), "-", "log: NULL is '-'");
    is_str(pp_log_escape(p, "a\"b\\c\nd\te\x7f\xc3\xa9"),
           "a\\x22b\\x5cc\\x0ad\\x09e\\x7f\\xc3\\xa9",
           "log: quote, backslash, controls, DEL and non-ASCII as \\xhh");
    is_str(pp_log_escape(p, "\x1b[31mred"), "\\x1b[31mred",
           "log: a terminal escape is defused");

    /* sign-in names */
    ok(pp_signin_valid("a@b"), "sign-in: a@b");
    ok(pp_signin_valid("alice.smith+tag@example.co.uk"), "sign-in: dots, plus");
    ok(pp_signin_valid("jos\xc3\xa9@example.com"), "sign-in: UTF-8 allowed");
    ok(!pp_signin_valid(NULL), "sign-in: NULL refused");
    ok(!pp_signin_valid(""), "sign-in: empty refused");
    ok(!pp_signin_valid("alice"), "sign-in: no @ refused");
    ok(!pp_signin_valid("@example.com"), "sign-in: no local part refused");
    ok(!pp_signin_valid("alice@"), "sign-in: no domain refused");
    ok(!pp_signin_valid("a@b@c"), "sign-in: two @ refused");
    ok(!pp_signin_valid("a b@c"), "sign-in: space refused");
    ok(!pp_signin_valid("a\tb@c"), "sign-in: tab refused");
    ok(!pp_signin_valid("a\x7f@c"), "sign-in: DEL refused");
    ok(!pp_signin_valid("a,b@c"), "sign-in: comma refused");
    ok(!pp_signin_valid("a'b@c"), "sign-in: single quote refused");
    ok(!pp_signin_valid("a\"b@c"), "sign-in: double quote refused");
    {
        char name[300];

        memset(name, 'a', sizeof(name));
        memcpy(name + 200, "@example.com", 12);
        name[255] = '\0';
        ok(pp_signin_valid(name), "sign-in: 255 bytes accepted");
        name[255] = 'a';
        name[256] = '\0';
        ok(!pp_signin_valid(name), "sign-in: 256 bytes refused");
    }
    is_str(pp_signin_normalize(p, "Alice.Smith@EXAMPLE.com"),
           "alice.smith@example.com", "normalize: ASCII lower-cased");
    is_str(pp_signin_normalize(p, "JOS\xc3\x89@EXAMPLE.COM"),
           "jos\xc3\x89@example.com", "normalize: non-ASCII bytes untouched");
    ok(pp_signin_normalize(p, "Alice") == NULL, "normalize: invalid is NULL");
    ok(pp_signin_normalize(p, "a,b@c") == NULL, "normalize: a comma is NULL");

    /* ---- PassportIdFormat: PUID and CID columns ------------------------ */
    {
        pp_id_format_t f = PP_ID_HEX;
        apr_uint64_t u = 7;
        const char *why = NULL;

        ok(pp_id_format_parse("decimal", &f) && f == PP_ID_DECIMAL,
           "format: decimal");
        ok(pp_id_format_parse("HEX", &f) && f == PP_ID_HEX,
           "format: hex, in any case");
        ok(!pp_id_format_parse("hexadecimal", &f)
           && !pp_id_format_parse("", &f) && !pp_id_format_parse(NULL, &f)
           && !pp_id_format_parse("dec", &f), "format: nothing else");
        is_str(pp_id_format_word(PP_ID_HEX), "hex", "format word: hex");
        is_str(pp_id_format_word(PP_ID_DECIMAL), "decimal",
               "format word: decimal");

        /* Escargot's PUID and CID of uuid 0f8fad5b-d9cb-469f-a165-70867728950e
         * (escargot.md, section 2) */
        ok(pp_parse_id(p, "0F8FAD5B7728950E", PP_ID_HEX, &u, &why)
           && u == APR_UINT64_C(0x0F8FAD5B7728950E), "hex: upper case");
        ok(pp_parse_id(p, "a16570867728950e", PP_ID_HEX, &u, &why)
           && u == APR_UINT64_C(0xa16570867728950e), "hex: lower case, top "
           "bit set (a CID)");
        ok(pp_parse_id(p, "a16570867728950E", PP_ID_HEX, &u, &why)
           && u == APR_UINT64_C(0xa16570867728950e), "hex: mixed case");
        ok(pp_parse_id(p, "0000000000000000", PP_ID_HEX, &u, &why) && u == 0
           && pp_parse_id(p, "FFFFFFFFFFFFFFFF", PP_ID_HEX, &u, &why)
           && u == APR_UINT64_MAX, "hex: 0 and 2^64 - 1");
        u = 7;
        ok(!pp_parse_id(p, "0F8FAD5B7728950", PP_ID_HEX, &u, &why) && u == 7,
           "hex: 15 digits refused, *out untouched");
        is_str(why, "is 15 characters, not 16 hex digits", "and why");
        ok(!pp_parse_id(p, "0F8FAD5B7728950E0", PP_ID_HEX, &u, &why),
           "hex: 17 digits refused, never truncated");
        is_str(why, "is 17 characters, not 16 hex digits", "and why");
        ok(!pp_parse_id(p, "0F8FAD5B-728950E", PP_ID_HEX, &u, &why),
           "hex: a dash refused");
        is_str(why, "has a character that is no hex digit at position 9",
               "and where");
        ok(!pp_parse_id(p, "0x8FAD5B7728950E", PP_ID_HEX, &u, &why)
           && !pp_parse_id(p, " F8FAD5B7728950E", PP_ID_HEX, &u, &why)
           && !pp_parse_id(p, "0F8FAD5B7728950g", PP_ID_HEX, &u, &why),
           "hex: no 0x, no space, no g");
        ok(!pp_parse_id(p, "1234", PP_ID_HEX, &u, &why),
           "hex: a decimal number is not 16 hex digits");
        ok(!pp_parse_id(p, NULL, PP_ID_HEX, &u, &why), "hex: NULL refused");
        is_str(why, "is NULL", "and why");
        ok(!pp_parse_id(p, "", PP_ID_HEX, &u, &why), "hex: empty refused");
        ok(pp_parse_id(p, "81985529216486895", PP_ID_DECIMAL, &u, &why)
           && u == APR_UINT64_C(0x0123456789ABCDEF), "decimal: as ever");
        ok(pp_parse_id(p, "-1", PP_ID_DECIMAL, &u, &why)
           && u == APR_UINT64_MAX, "decimal: two's complement, as ever");
        ok(!pp_parse_id(p, "0F8FAD5B7728950E", PP_ID_DECIMAL, &u, &why),
           "decimal: hex digits refused");
        is_str(why, "is not a decimal 64-bit integer", "and why");
        ok(!pp_parse_id(p, "18446744073709551616", PP_ID_DECIMAL, &u, &why),
           "decimal: 2^64 refused, not wrapped");
        ok(!pp_parse_id(p, NULL, PP_ID_DECIMAL, &u, &why),
           "decimal: NULL refused");
    }
    return tap_done();
}
