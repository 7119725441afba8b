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

/* ---- equal-time failures: shapes, dummies, templates ---------------- */

typedef struct {
    const char *stored, *shape;
} shape_t;

static const shape_t SHAPES[] = {
    { "$2y$10$dPF7pVwnuaHpUc7QRN7RPOHRI.5yXe79DnNGZFbYm3pirr/lwjrza",
      "bcrypt:10" },
    { "$2a$05$abcdefghijklmnopqrstuufhXdHJtkiUiNQ6n8/s9Kw6bfnPI6Ytq",
      "bcrypt:5" },
    { "$apr1$aprsalt1$3vCXujlN/mlA5UHLDl9FY0", "apr1" },
    { "{SHA}O/MvdjOwOQpt8I9HBSVZugThPMw=", "sha1" },
    { "$6$mod.pass$jBXOXsyeDU6sdPS/ejRX1UM6OLn3DaBOuXzDCqUDGdpm6X3cMk0McmBTd"
      "lsHKWxpv3B4ctwqLazxgHlie05lU.", "sha512crypt:5000" },
    { "$5$mod.pass$DEQqiIEYq43XYKb8BIrAzyk0Hxasbkk.QpOkU/IKQTD",
      "sha256crypt:5000" },
    { "$5$rounds=12000$mod.pass$DEQqiIEYq43XYKb8BIrAzyk0Hxasbkk.QpOkU/IKQTD",
      "sha256crypt:12000" },
    { "$6$rounds=10$abc$DEQqiIEYq43XYKb8BIrAzyk0Hxasbkk.QpOkU/IKQTD",
      "sha512crypt:1000" },
    { "$1$md5salt$4cH3TVsOL0cJQMh.7fc9T.", "md5crypt" },
    { "abHmYwzWPQJxg", "des" },
    { "pbkdf2_sha256$600000$pepper42$5CIVCyyCUrAbDieBvgqoweqrpbuKKlVzUZT2LU5"
      "OmCg=", "pbkdf2:600000" },
    { "pbkdf2_sha256$1000$x$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
      "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==", "pbkdf2:1000:64" },
    { "$y$j9T$F5Jx5fExrKuPp53xLKQ..1$X3DX6M94c7o.9agCG9G317fhZg9SqC.5i5rd.RhA"
      "tQ7", "crypt:$y$j9T" },
};

static const char *const NO_SHAPE[] = {
    "", "!", "*", "plain-pw", "$2y$", "$2y$10$short", "{SHA}", "{SHA}abc",
    "$apr1$", "$apr1$aprsalt1$", "$6$", "$6$rounds=abc$salt$hash",
    "pbkdf2_sha256$0$salt$Eg+2z/z4syxD5yJSVsT4N6hlSMkszDVICAWYfLcL4Xs=",
    "pbkdf2_sha256$1$salt", "abHmYwzWPQJx",
};

static void test_shapes(apr_pool_t *p)
{
    size_t i;

    for (i = 0; i < sizeof(SHAPES) / sizeof(SHAPES[0]); i++)
        is_str(pp_hash_shape(p, SHAPES[i].stored), SHAPES[i].shape,
               apr_psprintf(p, "shape of %.12s...", SHAPES[i].stored));
    for (i = 0; i < sizeof(NO_SHAPE) / sizeof(NO_SHAPE[0]); i++)
        ok(pp_hash_shape(p, NO_SHAPE[i]) == NULL, "no shape: '%s'",
           NO_SHAPE[i]);
    ok(pp_hash_shape(p, NULL) == NULL, "no shape: NULL");
}

/* A dummy has the shape of what it imitates, is a hash of the format
 * (checking it computes the whole hash: the comparison covers all of
 * it), matches neither the imitated hash's password nor an empty one,
 * and a second dummy is another hash. */
static void test_dummies(apr_pool_t *p)
{
    size_t i;

    for (i = 0; i < sizeof(GOOD) / sizeof(GOOD[0]); i++) {
        const vector_t *v = &GOOD[i];
        const char *err = NULL, *d = pp_hash_dummy(p, v->stored, &err);
        const char *d2 = pp_hash_dummy(p, v->stored, &err);
        int ct = 0;

        if (!ok(d != NULL && d2 != NULL, "%s: a dummy (%s)", v->name,
                d ? "made" : err))
            continue;
        is_str(pp_hash_shape(p, d), pp_hash_shape(p, v->stored),
               apr_psprintf(p, "%s: the dummy has the same shape", v->name));
        ok(!checked(p, v->password, d, &ct) && ct,
           "%s: the account's password does not match it, and the check "
           "compares all %d characters", v->name, (int)strlen(d));
        ok(strlen(d) == strlen(v->stored), "%s: as long as the stored hash",
           v->name);
        ok(!pp_password_check(p, "", d), "%s: nor the empty password",
           v->name);
        ok(strcmp(d, d2) != 0, "%s: each dummy is a new hash", v->name);
    }
    {
        const char *pb = "pbkdf2_sha256$1000$pepper42$5CIVCyyCUrAbDieBvgqow"
                         "eqrpbuKKlVzUZT2LU5OmCg=";
        const char *err = NULL, *d = pp_hash_dummy(p, pb, &err);

        ok(d != NULL && strncmp(d, "pbkdf2_sha256$1000$", 19) == 0
           && strlen(d) == strlen(pb) && strcmp(d, pb) != 0
           && !pp_password_check(p, "pbkdf2-pw", d),
           "pbkdf2: a dummy with the iterations and lengths of the account");
    }
    {
        const char *err = NULL;

        ok(pp_hash_dummy(p, "plain-pw", &err) == NULL && err != NULL,
           "no dummy of a string with no shape (%s)", err ? err : "");
    }
}

typedef struct {
    const char *spec, *shape;
} spec_t;

static const spec_t SPECS[] = {
    { "bcrypt:10", "bcrypt:10" }, { "bcrypt:4", "bcrypt:4" },
    { "pbkdf2:600000", "pbkdf2:600000" }, { "pbkdf2:1000:64", "pbkdf2:1000:64" },
    { "sha512crypt", "sha512crypt:5000" },
    { "sha512crypt:20000", "sha512crypt:20000" },
    { "sha256crypt:5000", "sha256crypt:5000" }, { "md5crypt", "md5crypt" },
    { "apr1", "apr1" }, { "sha1", "sha1" }, { "des", "des" },
    { "$apr1$aprsalt1$3vCXujlN/mlA5UHLDl9FY0", "apr1" },
};

static const char *const BAD_SPECS[] = {
    "", "bcrypt", "bcrypt:3", "bcrypt:21", "bcrypt:x", "pbkdf2", "pbkdf2:0",
    "pbkdf2:10000001", "pbkdf2:1000:8", "pbkdf2:1000:65", "sha512crypt:999",
    "sha512crypt:10000001", "sha256crypt:", "md5", "SHA1", "auto", "plain-pw",
};

static void test_templates(apr_pool_t *p)
{
    size_t i;

    for (i = 0; i < sizeof(SPECS) / sizeof(SPECS[0]); i++) {
        const char *err = NULL, *t = pp_hash_template(p, SPECS[i].spec, &err);
        const char *d = t ? pp_hash_dummy(p, t, &err) : NULL;

        ok(d != NULL, "template '%s': makes a dummy (%s)", SPECS[i].spec,
           d ? d : err);
        is_str(d ? pp_hash_shape(p, d) : NULL, SPECS[i].shape,
               apr_psprintf(p, "template '%s': its shape", SPECS[i].spec));
    }
    for (i = 0; i < sizeof(BAD_SPECS) / sizeof(BAD_SPECS[0]); i++) {
        const char *err = NULL;

        ok(pp_hash_template(p, BAD_SPECS[i], &err) == NULL && err != NULL
           && strncmp(err, "is ", 3) == 0, "template '%s' refused: %s",
           BAD_SPECS[i], err ? err : "(no reason)");
    }
    {
        /* a realm's own bcrypt setting: its dummy costs what the realm's
         * accounts cost, whatever the salt (the one the accounts have) */
        const char *err = NULL;
        const char *d = pp_hash_dummy(p, pp_hash_template(p, "bcrypt:5", &err),
                                      &err);

        ok(d && strncmp(d, "$2y$05$", 7) == 0 && strlen(d) == 60,
           "bcrypt:5: a full cost-5 bcrypt hash");
    }
}

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

    test_shapes(p);
    test_dummies(p);
    test_templates(p);
    return tap_done();
}
