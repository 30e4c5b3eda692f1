/*
 * fuzz_classify.c - parse a fuzzed profile, classify it against the bundled
 * knowledge and serialise the result both ways. The JSON must stay within
 * the shape's basic invariants.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    aip_query *q = NULL;
    aip_result *r = NULL;
    if (aip_query_new(fuzz_bundled_kb(), &q) != AIP_OK)
        return 0;
    if (aip_query_parse(q, "fuzz-profile", (const char *)data, size, NULL)
            == AIP_OK
        && aip_query_set_as_of(q, "2026-11-24") == AIP_OK
        && aip_classify(q, &r, NULL) == AIP_OK) {
        char *json = NULL, *text = NULL;
        size_t len = 0;
        if (aip_result_to_json(r, "en", AIP_JSON_PRETTY, &json, &len) == AIP_OK) {
            if (len < 2 || json[0] != '{' || strlen(json) != len)
                abort();
            aip_string_free(json);
        }
        if (aip_result_to_text(r, "fr", &text, NULL) == AIP_OK)
            aip_string_free(text);
        for (size_t i = 0; i < aip_result_regulation_count(r); i++)
            if (aip_result_applicability(r, i) < 0)
                abort();
    }
    aip_result_free(r);
    aip_query_free(q);
    return 0;
}
