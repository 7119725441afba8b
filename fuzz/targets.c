/*
 * fuzz/targets.c - the fuzz entry points: each turns bytes into the
 * input of one core parser, in a fresh pool, and returns 0.
 */
#include "targets.h"
#include "pp_p14.h"
#include "pp_soap.h"
#include "pp_ticket.h"
#include "pp_mbi.h"
#include "pp_x509.h"
#include "pp_b64.h"

#include <apr_general.h>
#include <apr_strings.h>
#include <stdlib.h>

/* The process's pool: the parser context this thread keeps from one
 * input to the next (pp_soap_init) lives as long as it, so the inputs
 * are also parsed one after another in one context, as a server thread
 * parses its requests. Destroyed at exit, so that nothing is left. */
static apr_pool_t *life;

static void end_life(void)
{
    apr_pool_destroy(life);
    apr_terminate();
}

static apr_pool_t *fresh_pool(void)
{
    static int ready;
    apr_pool_t *p;

    if (!ready) {
        apr_initialize();
        apr_pool_create(&life, NULL);
        pp_soap_init(life);
        atexit(end_life);
        ready = 1;
    }
    apr_pool_create(&p, NULL);
    return p;
}

/* NUL-terminated copy (the parsers take C strings). */
static const char *as_string(apr_pool_t *p, const uint8_t *d, size_t n)
{
    return apr_pstrmemdup(p, (const char *)d, n);
}

int pp_fuzz_p14(const uint8_t *d, size_t n)
{
    apr_pool_t *p = fresh_pool();
    pp_p14_request_t q;
    const char *err = NULL;

    if (pp_p14_parse(p, as_string(p, d, n), &q, &err) && q.signin)
        (void)pp_signin_normalize(p, q.signin);
    apr_pool_destroy(p);
    return 0;
}

int pp_fuzz_soap(const uint8_t *d, size_t n)
{
    apr_pool_t *p = fresh_pool();
    pp_rst_req_t req;
    const char *err = NULL, *ticket = NULL;

    (void)pp_soap_parse_rst(p, (const char *)d, n, &req, &err);
    (void)pp_soap_find_ticket(p, (const char *)d, n, &ticket, &err);
    apr_pool_destroy(p);
    return 0;
}

int pp_fuzz_ticket(const uint8_t *d, size_t n)
{
    apr_pool_t *p = fresh_pool();
    const char *err = NULL;
    pp_keyring_t *ring = pp_keyring_parse(p,
        "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", &err);
    pp_ticket_t t;

    (void)pp_ticket_open(p, ring, "Passport.Net",
                         pp_ticket_from_compact(p, as_string(p, d, n)),
                         1700000000, "messenger.msn.com", &t);
    apr_pool_destroy(p);
    return 0;
}

int pp_fuzz_mbi(const uint8_t *d, size_t n)
{
    apr_pool_t *p = fresh_pool();
    static const unsigned char secret[24] = { 1, 2, 3 };

    (void)pp_mbi_check(p, secret, sizeof(secret),
                       "0123456789abcdef0123456789abcdef"
                       "0123456789abcdef0123456789abcdef",
                       as_string(p, d, n));
    apr_pool_destroy(p);
    return 0;
}

int pp_fuzz_csr(const uint8_t *d, size_t n)
{
    apr_pool_t *p = fresh_pool();
    pp_cert_subject_t who = { 1, "a@b.c", "R", 0, 60 };
    pp_csr_status_t st;
    const char *err = NULL;

    /* the CA is incomplete on purpose: every path up to signing runs,
     * and signing itself must fail cleanly */
    (void)pp_x509_issue(p, pp_ca_new(p), pp_b64_encode(p, d, n), &who, &st,
                        &err);
    apr_pool_destroy(p);
    return 0;
}

const pp_fuzz_target_t pp_fuzz_targets[] = {
    { "p14", pp_fuzz_p14 },
    { "soap", pp_fuzz_soap },
    { "ticket", pp_fuzz_ticket },
    { "mbi", pp_fuzz_mbi },
    { "csr", pp_fuzz_csr },
    { NULL, NULL }
};
