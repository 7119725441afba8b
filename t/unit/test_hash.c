/* Unit tests for pp_hash.c: every stored-hash format. */
#include "tap.h"
#include "pp_hash.h"

int main(void)
{
    apr_pool_t *p = tap_start();
    const char *err = NULL, *h;

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

    /* apr_password_validate formats */
    ok(pp_password_check(p, "x", "{SHA}EfatjsUqKYSrqv18O1FlA3hcIHI="),
       "{SHA}");
    ok(pp_password_check(p, "mod_passport dummy password",
       "$2y$10$dPF7pVwnuaHpUc7QRN7RPOHRI.5yXe79DnNGZFbYm3pirr/lwjrza"),
       "bcrypt $2y$");
    ok(!pp_password_check(p, "nope",
       "$2y$10$dPF7pVwnuaHpUc7QRN7RPOHRI.5yXe79DnNGZFbYm3pirr/lwjrza"),
       "bcrypt wrong password");
    ok(!pp_password_check(p, "x", ""), "empty hash never matches");
    ok(!pp_password_check(p, "x", NULL), "NULL hash never matches");

    h = pp_password_hash(p, "s3cret", "bcrypt", &err);
    ok(h && strncmp(h, "$2y$10$", 7) == 0 && pp_password_check(p, "s3cret", h),
       "new bcrypt hash verifies");
    h = pp_password_hash(p, "s3cret", "pbkdf2", &err);
    ok(h && strncmp(h, "pbkdf2_sha256$600000$", 21) == 0
       && pp_password_check(p, "s3cret", h) && !pp_password_check(p, "x", h),
       "new pbkdf2 hash verifies");
    h = pp_password_hash(p, "s3cret", "sha1", &err);
    ok(h && strncmp(h, "{SHA}", 5) == 0 && pp_password_check(p, "s3cret", h),
       "new {SHA} hash verifies");
    ok(pp_password_hash(p, "s3cret", "md4", &err) == NULL, "unknown format");
    return tap_done();
}
