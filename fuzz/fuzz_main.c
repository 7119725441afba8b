/*
 * fuzz/fuzz_main.c - the libFuzzer harness; fuzz/run compiles it once per
 * target with -DPP_FUZZ_TARGET=pp_fuzz_<name>.
 */
#include "targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return PP_FUZZ_TARGET(data, size);
}
