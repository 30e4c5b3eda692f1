/*
 * classify.c - the smallest complete use of libaipolicy: load the bundled
 * knowledge, read a profile, classify it, print the result as JSON.
 *
 *   cc classify.c $(pkg-config --cflags --libs aipolicy) -o classify
 *   ./classify profile.yaml [YYYY-MM-DD]
 *
 * The knowledge is found in $AIPOLICY_DATA, else where it was installed.
 */
#include <stdio.h>

#include <aipolicy.h>

static int report(const char *what, int rc, aip_error *err)
{
    if (err)
        fprintf(stderr, "%s: %s:%u:%u: %s\n", what,
                aip_error_file(err) ? aip_error_file(err) : "-",
                aip_error_line(err), aip_error_column(err),
                aip_error_message(err));
    else
        fprintf(stderr, "%s: %s\n", what, aip_strerror(rc));
    aip_error_free(err);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: %s PROFILE [YYYY-MM-DD]\n", argv[0]);
        return 2;
    }
    if (aip_version_number() != AIP_VERSION_NUMBER)
        fprintf(stderr, "warning: built with aipolicy %s, running with %s\n",
                AIP_VERSION, aip_version());

    aip_kb *kb = NULL;          /* shared, immutable: one per program is enough */
    aip_query *query = NULL;    /* one per request */
    aip_result *result = NULL;
    aip_error *err = NULL;
    char *json = NULL;
    int status = 0, rc;

    if ((rc = aip_kb_load_default(NULL, &kb, &err)) != AIP_OK)
        return report("loading knowledge", rc, err);
    if ((rc = aip_query_new(kb, &query)) != AIP_OK
        || (rc = aip_query_load_file(query, argv[1], &err)) != AIP_OK
        || (argc == 3 && (rc = aip_query_set_as_of(query, argv[2])) != AIP_OK)
        || (rc = aip_classify(query, &result, &err)) != AIP_OK
        || (rc = aip_result_to_json(result, "en", AIP_JSON_PRETTY, &json,
                                    NULL)) != AIP_OK)
        status = report(argv[1], rc, err);
    else
        fputs(json, stdout);

    aip_string_free(json);      /* every object has its own free function */
    aip_result_free(result);
    aip_query_free(query);
    aip_kb_release(kb);
    return status;
}
