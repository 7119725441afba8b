/*
 * fuzz/targets.h - one entry point per parser of hostile input. Each is
 * called by its libFuzzer harness (fuzz/fuzz_*.c, built by fuzz/run)
 * and by the corpus replay in the unit tests (t/unit/test_fuzz_replay).
 */
#ifndef PP_FUZZ_TARGETS_H
#define PP_FUZZ_TARGETS_H

#include <stddef.h>
#include <stdint.h>

int pp_fuzz_p14(const uint8_t *data, size_t size);     /* Passport1.4 header */
int pp_fuzz_soap(const uint8_t *data, size_t size);    /* RST envelopes */
int pp_fuzz_ticket(const uint8_t *data, size_t size);  /* ticket open */
int pp_fuzz_mbi(const uint8_t *data, size_t size);     /* MBI blob check */
int pp_fuzz_csr(const uint8_t *data, size_t size);     /* PKCS#10 */

typedef struct {
    const char *name;
    int (*run)(const uint8_t *data, size_t size);
} pp_fuzz_target_t;

extern const pp_fuzz_target_t pp_fuzz_targets[];

#endif
