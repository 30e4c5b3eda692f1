/*
 * fuzz_load.c - the knowledge loader on arbitrary bytes: every input must
 * be loaded or refused with an error carrying a message, never crash, hang
 * or leak.
 */
#include <stdlib.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    aip_kb_builder *b = NULL;
    if (aip_kb_builder_new(NULL, &b) != AIP_OK)
        return 0;
    aip_error *err = NULL;
    if (aip_kb_builder_add_buffer(b, "fuzz.yaml", (const char *)data, size,
                                  &err) != AIP_OK) {
        if (!aip_error_message(err))
            abort();   /* every error must say something */
        aip_error_free(err);
    } else {
        aip_kb *kb = NULL;
        if (aip_kb_builder_build(b, &kb, NULL) == AIP_OK) {
            /* A loaded knowledge base must classify an empty profile. */
            aip_query *q = NULL;
            aip_result *r = NULL;
            if (aip_query_new(kb, &q) == AIP_OK
                && aip_query_set_as_of(q, "2027-12-02") == AIP_OK
                && aip_classify(q, &r, NULL) == AIP_OK) {
                char *json = NULL;
                if (aip_result_to_json(r, "fr", 0, &json, NULL) == AIP_OK)
                    aip_string_free(json);
            }
            aip_result_free(r);
            aip_query_free(q);
            aip_kb_release(kb);
        }
    }
    aip_kb_builder_free(b);
    return 0;
}
