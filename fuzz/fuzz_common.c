/*
 * fuzz_common.c - the bundled knowledge base for the profile targets.
 */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_common.h"

aip_kb *fuzz_bundled_kb(void)
{
    static aip_kb *kb;
    if (!kb) {
        aip_error *err = NULL;
        if (aip_kb_load_default(NULL, &kb, &err) != AIP_OK) {
            fprintf(stderr, "fuzz: cannot load knowledge from %s: %s\n",
                    aip_default_data_dir(), aip_error_message(err));
            abort();
        }
    }
    return kb;
}
