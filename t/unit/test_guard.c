/* Unit tests for pp_guard.c: the store key and the ids (the documented
 * construction, recomputed here with OpenSSL's one-shot HMAC), what
 * changes them, and the throttle's windows. */
#include "tap.h"
#include "pp_guard.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#define KEY_A "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
#define KEY_B "ISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+P0A="

/* id = HMAC(HMAC(raw, "mod_passport store v1" 0 realm), kind 0 len a len b) */
static void expected_id(const pp_keyring_t *ring, const char *realm,
                        const char *kind, const char *a, const char *b,
                        unsigned char out[PP_GUARD_ID_LEN])
{
    unsigned char skey[32], mac[32], msg[512];
    unsigned int n = 0;
    apr_size_t len = 0, l;

    memcpy(msg, "mod_passport store v1", 22);      /* with its NUL */
    memcpy(msg + 22, realm, strlen(realm));
    HMAC(EVP_sha256(), APR_ARRAY_IDX(ring->keys, 0, pp_key_t).raw, 32, msg,
         22 + strlen(realm), skey, &n);
    memcpy(msg, kind, strlen(kind) + 1);
    len = strlen(kind) + 1;
    for (l = 0; l < 2; l++) {
        const char *s = l == 0 ? a : b;
        apr_size_t sl = s ? strlen(s) : 0;

        msg[len++] = (unsigned char)(sl >> 24);
        msg[len++] = (unsigned char)(sl >> 16);
        msg[len++] = (unsigned char)(sl >> 8);
        msg[len++] = (unsigned char)sl;
        if (sl)
            memcpy(msg + len, s, sl);
        len += sl;
    }
    HMAC(EVP_sha256(), skey, 32, msg, len, mac, &n);
    memcpy(out, mac, PP_GUARD_ID_LEN);
}

static int same(const unsigned char *a, const unsigned char *b)
{
    return memcmp(a, b, PP_GUARD_ID_LEN) == 0;
}

static void test_ids(apr_pool_t *p)
{
    const char *err = NULL;
    pp_keyring_t *a = pp_keyring_parse(p, KEY_A, &err);
    pp_keyring_t *b = pp_keyring_parse(p, KEY_B, &err);
    pp_keyring_t *rotated = pp_keyring_parse(p, KEY_B "\n" KEY_A "\n", &err);
    pp_keyring_t *old_first = pp_keyring_parse(p, KEY_A "\n" KEY_B "\n", &err);
    pp_guard_key_t *ka = pp_guard_key(p, a, "Passport.Net", &err);
    pp_guard_key_t *ka2 = pp_guard_key(p, a, "Passport.Net", &err);
    pp_guard_key_t *kb = pp_guard_key(p, b, "Passport.Net", &err);
    pp_guard_key_t *kr = pp_guard_key(p, a, "Other.Realm", &err);
    pp_guard_key_t *krot = pp_guard_key(p, rotated, "Passport.Net", &err);
    pp_guard_key_t *kold = pp_guard_key(p, old_first, "Passport.Net", &err);
    unsigned char x[PP_GUARD_ID_LEN], y[PP_GUARD_ID_LEN], want[PP_GUARD_ID_LEN];
    static const unsigned char zero[PP_GUARD_ID_LEN];

    ok(ka && ka2 && kb && kr && krot && kold, "store keys derived");

    ok(pp_guard_pair_id(ka, "alice@example.com", "192.0.2.7", x), "pair id");
    expected_id(a, "Passport.Net", "throttle pair", "alice@example.com",
                "192.0.2.7", want);
    ok(same(x, want), "pair id: the documented construction");
    ok(!same(x, zero), "pair id: not zeros");
    ok(pp_guard_account_id(ka, "alice@example.com", x), "account id");
    expected_id(a, "Passport.Net", "throttle account", "alice@example.com",
                NULL, want);
    ok(same(x, want), "account id: the documented construction");
    ok(pp_guard_credential_id(ka, "{SHA}O/MvdjOwOQpt8I9HBSVZugThPMw=",
                              "sha-pw", x), "credential id");
    expected_id(a, "Passport.Net", "credential",
                "{SHA}O/MvdjOwOQpt8I9HBSVZugThPMw=", "sha-pw", want);
    ok(same(x, want), "credential id: the documented construction");

    /* the same inputs, the same id: another front end with the same key
     * file and realm finds the entry */
    pp_guard_pair_id(ka, "alice@example.com", "192.0.2.7", x);
    pp_guard_pair_id(ka2, "alice@example.com", "192.0.2.7", y);
    ok(same(x, y), "same key and realm: same id");
    pp_guard_pair_id(kold, "alice@example.com", "192.0.2.7", y);
    ok(same(x, y), "only the first key counts (the ones after it do not)");
    pp_guard_pair_id(kb, "alice@example.com", "192.0.2.7", y);
    ok(!same(x, y), "another key: another id");
    pp_guard_pair_id(krot, "alice@example.com", "192.0.2.7", y);
    ok(!same(x, y), "a new first key (rotation): another id");
    pp_guard_pair_id(kr, "alice@example.com", "192.0.2.7", y);
    ok(!same(x, y), "another realm: another id");
    pp_guard_pair_id(ka, "alice@example.com", "192.0.2.8", y);
    ok(!same(x, y), "another address: another id");
    pp_guard_pair_id(ka, "bob@example.com", "192.0.2.7", y);
    ok(!same(x, y), "another account: another id");
    pp_guard_pair_id(ka, "a", "bc", x);
    pp_guard_pair_id(ka, "ab", "c", y);
    ok(!same(x, y), "the parts are delimited ('a'+'bc' is not 'ab'+'c')");
    pp_guard_account_id(ka, "alice@example.com", x);
    pp_guard_pair_id(ka, "alice@example.com", NULL, y);
    ok(!same(x, y), "kinds are separate (account is not pair)");

    pp_guard_credential_id(ka, "{SHA}O/MvdjOwOQpt8I9HBSVZugThPMw=", "sha-pw", x);
    pp_guard_credential_id(ka, "{SHA}O/MvdjOwOQpt8I9HBSVZugThPMw=", "sha-pW", y);
    ok(!same(x, y), "credential: another password, another id");
    pp_guard_credential_id(ka, "{SHA}srn7U9LP87q6nedPbXonzPDvGZg=", "sha-pw", y);
    ok(!same(x, y), "credential: a new stored hash, another id");

    ok(pp_guard_key(p, NULL, "Passport.Net", &err) == NULL && err != NULL,
       "no key ring: no store key");
    ok(!pp_guard_pair_id(NULL, "a", "b", x) && same(x, zero),
       "no store key: no id (zeros, and 0)");
}

/* A kept copy is of its own key only: a key made after another's pool
 * is gone (perhaps at its address) gets ids of its own. */
static void test_reused(apr_pool_t *p)
{
    const char *err = NULL;
    unsigned char x[PP_GUARD_ID_LEN], want[PP_GUARD_ID_LEN];
    int i, right = 1;

    for (i = 0; i < 4; i++) {
        apr_pool_t *sp;
        pp_keyring_t *ring;
        pp_guard_key_t *k;

        apr_pool_create(&sp, p);
        ring = pp_keyring_parse(sp, i % 2 ? KEY_B : KEY_A, &err);
        k = pp_guard_key(sp, ring, "Passport.Net", &err);
        right &= k != NULL && pp_guard_pair_id(k, "alice@example.com",
                                                "192.0.2.7", x);
        expected_id(ring, "Passport.Net", "throttle pair",
                    "alice@example.com", "192.0.2.7", want);
        right &= same(x, want);
        apr_pool_destroy(sp);
    }
    ok(right, "keys made and freed in turn: each id is its own key's");
}

static void test_records(void)
{
    pp_throttle_rec_t r = { 7, APR_INT64_C(1700000000) }, back;
    unsigned char buf[PP_THROTTLE_REC_LEN];

    pp_throttle_encode(&r, buf);
    ok(pp_throttle_decode(buf, sizeof(buf), &back) && back.failures == 7
       && back.start == APR_INT64_C(1700000000), "a record round-trips");
    ok(!pp_throttle_decode(buf, sizeof(buf) - 1, &back), "short: not a record");
    buf[0] = 99;
    ok(!pp_throttle_decode(buf, sizeof(buf), &back), "another version: not one");
    ok(!pp_throttle_decode(NULL, 0, &back), "nothing: not one");
}

static void test_windows(void)
{
    pp_throttle_limit_t lim = { 3, 300 }, off = { 0, 300 };
    pp_throttle_rec_t rec, next;
    apr_int64_t until = 0, t0 = 1000000;
    int i;

    ok(!pp_throttle_refuses(&lim, NULL, t0, &until), "no record: no refusal");
    pp_throttle_count(&lim, NULL, t0, &rec, &until);
    ok(rec.failures == 1 && rec.start == t0 && until == t0 + 300,
       "a first failure opens a window of SECONDS");
    for (i = 2; i <= 3; i++) {
        ok(!pp_throttle_refuses(&lim, &rec, t0 + i, &until),
           "%d failure(s): not refused yet", i - 1);
        pp_throttle_count(&lim, &rec, t0 + i, &next, &until);
        rec = next;
    }
    ok(rec.failures == 3 && rec.start == t0 && until == t0 + 300,
       "failures in the window add up, the window does not move");
    ok(pp_throttle_refuses(&lim, &rec, t0 + 10, &until) && until == t0 + 300,
       "FAILURES reached: refused, until the window closes");
    ok(pp_throttle_refuses(&lim, &rec, t0 + 299, &until),
       "still refused a second before it closes");
    ok(!pp_throttle_refuses(&lim, &rec, t0 + 300, &until),
       "not refused once it has closed");
    pp_throttle_count(&lim, &rec, t0 + 301, &next, &until);
    ok(next.failures == 1 && next.start == t0 + 301 && until == t0 + 601,
       "a failure after the window opens a new one");
    ok(!pp_throttle_refuses(&off, &rec, t0 + 10, &until),
       "no limit: never refused");
    rec.start = t0 + 100000;
    pp_throttle_count(&lim, &rec, t0, &next, &until);
    ok(next.failures == 1 && next.start == t0,
       "a window far in the future (a broken clock) is not trusted");
    rec.failures = 0xffffffffu;
    rec.start = t0;
    pp_throttle_count(&lim, &rec, t0 + 1, &next, &until);
    ok(next.failures == 0xffffffffu, "the count saturates, never wraps");
}

int main(void)
{
    apr_pool_t *p = tap_start();

    test_ids(p);
    /* again, each thread keeping its copy of the last key it used: every
     * id as before, whichever key came before it */
    pp_guard_init(p);
    test_ids(p);
    test_reused(p);
    test_records();
    test_windows();
    return tap_done();
}
