/* Unit tests for pp_hash.c: every stored-hash format, with known vectors
 * (made by openssl passwd, htpasswd and the system's crypt), wrong
 * passwords and malformed stored hashes of each kind.
 *
 * This test is linked with -Wl,--wrap=CRYPTO_memcmp (Makefile.am): the
 * core's calls to CRYPTO_memcmp land in __wrap_CRYPTO_memcmp below, which
 * counts them and records the length compared before calling OpenSSL's.
 * That is how the test sees that a stored hash of every format is
 * compared in constant time over its whole length, and not by strcmp
 * (apr_password_validate's way, invisible from here). */
#include "tap.h"
#include "pp_hash.h"

#include <stddef.h>

int __real_CRYPTO_memcmp(const void *a, const void *b, size_t len);
int __wrap_CRYPTO_memcmp(const void *a, const void *b, size_t len);

static int memcmp_calls;
static size_t memcmp_len;

int __wrap_CRYPTO_memcmp(const void *a, const void *b, size_t len)
{
    memcmp_calls++;
    memcmp_len = len;
    return __real_CRYPTO_memcmp(a, b, len);
}

/* The check's answer, and whether it compared all of stored with
 * CRYPTO_memcmp, exactly once. */
static int checked(apr_pool_t *p, const char *pw, const char *stored,
                   int *constant_time)
{
    int r;

    memcmp_calls = 0;
    memcmp_len = 0;
    r = pp_password_check(p, pw, stored);
    *constant_time = memcmp_calls == 1 && memcmp_len == strlen(stored);
    return r;
}

typedef struct {
    const char *name, *password, *stored;
} vector_t;

static const vector_t GOOD[] = {
    { "bcrypt $2y$", "mod_passport dummy password",
      "$2y$10$dPF7pVwnuaHpUc7QRN7RPOHRI.5yXe79DnNGZFbYm3pirr/lwjrza" },
    { "bcrypt $2y$ cost 5", "bcrypt-pw",
      "$2y$05$abcdefghijklmnopqrstuufhXdHJtkiUiNQ6n8/s9Kw6bfnPI6Ytq" },
    { "bcrypt $2b$", "bcrypt-pw",
      "$2b$05$abcdefghijklmnopqrstuufhXdHJtkiUiNQ6n8/s9Kw6bfnPI6Ytq" },
    { "bcrypt $2a$", "bcrypt-pw",
      "$2a$05$abcdefghijklmnopqrstuufhXdHJtkiUiNQ6n8/s9Kw6bfnPI6Ytq" },
    { "$apr1$", "apr1-pw", "$apr1$aprsalt1$3vCXujlN/mlA5UHLDl9FY0" },
    { "{SHA}", "sha-pw", "{SHA}O/MvdjOwOQpt8I9HBSVZugThPMw=" },
    { "{SHA} of x", "x", "{SHA}EfatjsUqKYSrqv18O1FlA3hcIHI=" },
    { "crypt $6$", "six-pw", "$6$mod.pass$jBXOXsyeDU6sdPS/ejRX1UM6OLn3DaBOuXz"
      "DCqUDGdpm6X3cMk0McmBTdlsHKWxpv3B4ctwqLazxgHlie05lU." },
    { "crypt $5$", "five-pw",
      "$5$mod.pass$DEQqiIEYq43XYKb8BIrAzyk0Hxasbkk.QpOkU/IKQTD" },
    { "crypt $1$", "one-pw", "$1$md5salt$4cH3TVsOL0cJQMh.7fc9T." },
    { "crypt DES", "des-pw", "abHmYwzWPQJxg" },
};

/* Stored hashes that are broken in one way each: none may match. */
static const vector_t MALFORMED[] = {
    { "bcrypt without its hash", "bcrypt-pw", "$2y$05$abcdefghijklmnopqrstuu" },
    { "bcrypt one character short", "bcrypt-pw",
      "$2y$05$abcdefghijklmnopqrstuufhXdHJtkiUiNQ6n8/s9Kw6bfnPI6Yt" },
    { "bcrypt one character long", "bcrypt-pw",
      "$2y$05$abcdefghijklmnopqrstuufhXdHJtkiUiNQ6n8/s9Kw6bfnPI6Ytqq" },
    { "bcrypt cost 99", "bcrypt-pw",
      "$2y$99$abcdefghijklmnopqrstuufhXdHJtkiUiNQ6n8/s9Kw6bfnPI6Ytq" },
    { "bcrypt salt outside its alphabet", "bcrypt-pw",
      "$2y$05$abcdefghijklmnopqrs!!ufhXdHJtkiUiNQ6n8/s9Kw6bfnPI6Ytq" },
    { "bare $2y$", "bcrypt-pw", "$2y$" },
    { "$apr1$ alone", "apr1-pw", "$apr1$" },
    { "$apr1$ without its hash", "apr1-pw", "$apr1$aprsalt1$" },
    { "$apr1$ truncated", "apr1-pw", "$apr1$aprsalt1$3vCXujlN/mlA5UHLDl9FY" },
    { "$apr1$ with junk after", "apr1-pw",
      "$apr1$aprsalt1$3vCXujlN/mlA5UHLDl9FY0x" },
    { "{SHA} empty", "sha-pw", "{SHA}" },
    { "{SHA} truncated", "sha-pw", "{SHA}O/MvdjOwOQpt8I9HBSVZugThPMw" },
    { "{SHA} not base64", "sha-pw", "{SHA}!!!!!!!!!!!!!!!!!!!!!!!!!!!=" },
    { "{sha} in lower case", "sha-pw", "{sha}O/MvdjOwOQpt8I9HBSVZugThPMw=" },
    { "$6$ alone", "six-pw", "$6$" },
    { "$6$ without its hash", "six-pw", "$6$mod.pass$" },
    { "$6$ truncated", "six-pw", "$6$mod.pass$jBXOXsyeDU6sdPS/ejRX1UM6OLn3DaBO"
      "uXzDCqUDGdpm6X3cMk0McmBTdlsHKWxpv3B4ctwqLazxgHlie05l" },
    { "$6$ bad rounds", "six-pw", "$6$rounds=abc$mod.pass$jBXOXsyeDU6sdPS/ejRX1"
      "UM6OLn3DaBOuXzDCqUDGdpm6X3cMk0McmBTdlsHKWxpv3B4ctwqLazxgHlie05lU." },
    { "DES truncated", "des-pw", "abHmYwzWPQJx" },
    { "a locked account (!)", "des-pw", "!" },
    { "the password itself", "plain-pw", "plain-pw" },
};

int main(void)
{
    apr_pool_t *p = tap_start();
    const char *err = NULL, *h;
    size_t i;
    int ct;

    /* PBKDF2-HMAC-SHA256 known answers (password/salt, c=1 and 4096) in
     * the Django/Escargot storage format, and Django's own vector. */
    ok(pp_password_check(p, "password", "pbkdf2_sha256$1$salt$"
       "Eg+2z/z4syxD5yJSVsT4N6hlSMkszDVICAWYfLcL4Xs="), "PBKDF2 c=1 vector");
    ok(pp_password_check(p, "password", "pbkdf2_sha256$4096$salt$"
       "xeR41ZKIyEGqUw22hFxMjZYok6ABzk4RpJY4c6qYE0o="), "PBKDF2 c=4096 vector");
    ok(pp_password_check(p, "l\xc3\xa8tmein", "pbkdf2_sha256$260000$seasalt$"
       "YlZ2Vggtqdc61YjArZuoApoBh9JNGYoDRBUGu6tcJQo="), "Django's vector");
    ok(pp_password_check(p, "hunter2,x", "pbkdf2_sha256$1000$Xy12abcd$"
       "9Hsk7MA6XgvYMI2bWox/BkKYNX6v7tgbhuEArbE6EGc="), "comma in password");
    ok(!pp_password_check(p, "Password", "pbkdf2_sha256$1$salt$"
       "Eg+2z/z4syxD5yJSVsT4N6hlSMkszDVICAWYfLcL4Xs="), "wrong password");
    ok(!pp_password_check(p, "password", "pbkdf2_sha256$0$salt$"
       "Eg+2z/z4syxD5yJSVsT4N6hlSMkszDVICAWYfLcL4Xs="), "0 iterations refused");
    ok(!pp_password_check(p, "password", "pbkdf2_sha256$99999999999$salt$"
       "Eg+2z/z4syxD5yJSVsT4N6hlSMkszDVICAWYfLcL4Xs="),
       "absurd iteration count refused");
    ok(!pp_password_check(p, "password", "pbkdf2_sha256$1$salt"),
       "truncated hash refused");
    ok(!pp_password_check(p, "password", "pbkdf2_sha256$1$salt$!!!"),
       "bad base64 refused");

    /* every other format: the vector verifies, compared in constant time
     * over the whole stored string; a wrong password does not, and is
     * compared the same way */
    for (i = 0; i < sizeof(GOOD) / sizeof(GOOD[0]); i++) {
        const vector_t *v = &GOOD[i];
        char *wrong = apr_pstrcat(p, v->password, "!", NULL);

        ok(checked(p, v->password, v->stored, &ct), "%s: the vector verifies",
           v->name);
        ok(ct, "%s: compared with CRYPTO_memcmp over all %d characters",
           v->name, (int)strlen(v->stored));
        ok(!checked(p, wrong, v->stored, &ct) && ct,
           "%s: a wrong password is refused, in constant time too", v->name);
        wrong[strlen(wrong) - 2] = '\0';
        ok(!pp_password_check(p, wrong, v->stored),
           "%s: the password minus its last character is refused", v->name);
    }
    for (i = 0; i < sizeof(MALFORMED) / sizeof(MALFORMED[0]); i++)
        ok(!pp_password_check(p, MALFORMED[i].password, MALFORMED[i].stored),
           "malformed: %s never matches", MALFORMED[i].name);

    ok(!pp_password_check(p, "x", ""), "empty hash never matches");
    ok(!pp_password_check(p, "x", NULL), "NULL hash never matches");
    ok(!pp_password_check(p, NULL, "{SHA}EfatjsUqKYSrqv18O1FlA3hcIHI="),
       "NULL password never matches");

    h = pp_password_hash(p, "s3cret", "bcrypt", &err);
    ok(h && strncmp(h, "$2y$10$", 7) == 0 && pp_password_check(p, "s3cret", h)
       && !pp_password_check(p, "s3cret ", h), "new bcrypt hash verifies");
    h = pp_password_hash(p, "s3cret", "pbkdf2", &err);
    ok(h && strncmp(h, "pbkdf2_sha256$600000$", 21) == 0
       && pp_password_check(p, "s3cret", h) && !pp_password_check(p, "x", h),
       "new pbkdf2 hash verifies");
    h = pp_password_hash(p, "s3cret", "sha1", &err);
    ok(h && strncmp(h, "{SHA}", 5) == 0 && pp_password_check(p, "s3cret", h)
       && !pp_password_check(p, "s3cre", h), "new {SHA} hash verifies");
    ok(pp_password_hash(p, "s3cret", "md4", &err) == NULL
       && strstr(err, "unknown hash format 'md4'") != NULL, "unknown format");
    return tap_done();
}
