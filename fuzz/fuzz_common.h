/*
 * fuzz_common.h - shared by the fuzz targets: the libFuzzer entry point and
 * the bundled knowledge base, loaded once per process.
 */
#ifndef AIP_FUZZ_COMMON_H
#define AIP_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include <aipolicy.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The knowledge in $AIPOLICY_DATA (or the installed one); aborts when it
 * cannot be loaded, since every input would then be uninteresting. */
aip_kb *fuzz_bundled_kb(void);

#endif
