/*
 * fuzz_profile.c - the profile parser (YAML and JSON) on arbitrary bytes,
 * against the bundled knowledge.
 */
#include <stdlib.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    aip_query *q = NULL;
    if (aip_query_new(fuzz_bundled_kb(), &q) != AIP_OK)
        return 0;
    aip_error *err = NULL;
    if (aip_query_parse(q, "fuzz-profile", (const char *)data, size, &err)
        != AIP_OK) {
        if (!aip_error_message(err))
            abort();
        aip_error_free(err);
    }
    aip_query_free(q);
    return 0;
}
