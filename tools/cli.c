/*
 * cli.c - option and query helpers shared by the commands of the aipolicy
 * tool (cli.h).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

int cli_option_value(int argc, char **argv, int *i, const char **value)
{
    if (*i + 1 >= argc)
        return usage_error("%s needs a value", argv[*i]);
    *value = argv[++*i];
    return 0;
}

int cli_check_lang(const char *lang)
{
    if (strcmp(lang, "en") != 0 && strcmp(lang, "fr") != 0)
        return usage_error("--lang must be en or fr, not %s", lang);
    return 0;
}

int cli_set_date(aip_query *q, const char *date)
{
    if (aip_query_set_as_of(q, date) != AIP_OK)
        return usage_error("--date must be a real date YYYY-MM-DD, not %s",
                           date);
    return 0;
}

int cli_load_query(aip_kb *kb, const char *profile, const char *date,
                   aip_query **out)
{
    aip_query *q = NULL;
    aip_error *err = NULL;
    int rc = aip_query_new(kb, &q);
    if (rc == AIP_OK && profile)
        rc = aip_query_load_file(q, profile, &err);
    if (rc != AIP_OK) {
        aip_query_free(q);
        return fail_with(rc, err);
    }
    int code = date ? cli_set_date(q, date) : 0;
    if (code) {
        aip_query_free(q);
        return code;
    }
    *out = q;
    return 0;
}

int cli_classify(const aip_query *q, aip_result **out)
{
    aip_error *err = NULL;
    int rc = aip_classify(q, out, &err);
    return rc == AIP_OK ? 0 : fail_with(rc, err);
}

int cli_print_owned(int rc, char *text, size_t len)
{
    if (rc != AIP_OK)
        return fail_with(rc, NULL);
    fwrite(text, 1, len, stdout);
    aip_string_free(text);
    return 0;
}
