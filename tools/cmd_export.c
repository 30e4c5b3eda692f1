/*
 * cmd_export.c - "aipolicy export --jsonlogic [--date YYYY-MM-DD]": writes
 * the loaded rules as JsonLogic (aip_kb_export_jsonlogic, format in
 * doc/jsonlogic-export.md) on stdout.
 *
 * The export covers every version of every regulation. --date adds the
 * members "as_of" (the date) and "as_of_day" (its day number) to the
 * document: the date a driver evaluates for when it is given none.
 *
 * Exit codes as for the other commands: 0 success, 1 invalid knowledge,
 * 2 usage error, 3 unreadable file, 4 out of memory or internal error.
 */
#include <stdio.h>
#include <string.h>

#include <aipolicy.h>

#include "cmd_export.h"

static const char export_usage[] =
    "Usage: aipolicy [--data DIR] export --jsonlogic [--date YYYY-MM-DD]\n"
    "\n"
    "Writes the rules of the loaded knowledge as JsonLogic (two-valued:\n"
    "every fact known), see doc/jsonlogic-export.md. --date records the date\n"
    "a driver evaluates for (\"as_of\", \"as_of_day\").\n";

static int usage(const char *msg, const char *arg)
{
    fprintf(stderr, "aipolicy: ");
    fprintf(stderr, msg, arg);
    fprintf(stderr, "\nTry 'aipolicy export --help'.\n");
    return 2;
}

static int exit_code(int status)
{
    switch (status) {
    case AIP_OK:        return 0;
    case AIP_EIO:       return 3;
    case AIP_ENOMEM:
    case AIP_EINTERNAL: return 4;
    case AIP_EINVAL:    return 2;
    default:            return 1;
    }
}

/* Days since 1970-01-01 of a valid proleptic Gregorian date (H. Hinnant's
 * days_from_civil). */
static long day_number(int y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* The date is checked by the library (aip_query_set_as_of), the same test
 * as for "classify --date". */
static int check_date(aip_kb *kb, const char *date, long *day)
{
    aip_query *q = NULL;
    int rc = aip_query_new(kb, &q);
    if (rc == AIP_OK)
        rc = aip_query_set_as_of(q, date);
    aip_query_free(q);
    int y, m, d;
    if (rc == AIP_OK && sscanf(date, "%4d-%2d-%2d", &y, &m, &d) == 3) {
        *day = day_number(y, m, d);
        return AIP_OK;
    }
    return rc == AIP_OK ? AIP_EINVAL : rc;
}

int aipolicy_cmd_export(const char *data, int argc, char **argv)
{
    const char *date = NULL;
    int jsonlogic = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(export_usage, stdout);
            return 0;
        }
        if (strcmp(argv[i], "--jsonlogic") == 0)
            jsonlogic = 1;
        else if (strcmp(argv[i], "--date") == 0) {
            if (i + 1 >= argc)
                return usage("%s needs a value", argv[i]);
            date = argv[++i];
        } else
            return usage("unknown argument for export: %s", argv[i]);
    }
    if (!jsonlogic)
        return usage("%s", "export needs a format: --jsonlogic");

    aip_kb *kb = NULL;
    aip_error *err = NULL;
    int rc = aip_kb_load_path(NULL, data, &kb, &err);
    if (rc != AIP_OK) {
        const char *file = err ? aip_error_file(err) : NULL;
        if (file)
            fprintf(stderr, "%s:%u:%u: ", file, aip_error_line(err),
                    aip_error_column(err));
        fprintf(stderr, "%s\n",
                err ? aip_error_message(err) : aip_strerror(rc));
        aip_error_free(err);
        return exit_code(rc);
    }
    long day = 0;
    if (date && check_date(kb, date, &day) != AIP_OK) {
        aip_kb_release(kb);
        return usage("--date must be a real date YYYY-MM-DD, not %s", date);
    }
    char *out = NULL;
    size_t len = 0;
    rc = aip_kb_export_jsonlogic(kb, &out, &len);
    if (rc != AIP_OK) {
        fprintf(stderr, "aipolicy: export failed: %s\n", aip_strerror(rc));
        aip_kb_release(kb);
        return exit_code(rc);
    }
    /* The document is one object: with --date, two members go before its
     * closing brace. */
    size_t end = len;
    while (date && end > 0 && out[end - 1] != '}')
        end--;
    if (date && end > 0) {
        fwrite(out, 1, end - 1, stdout);
        printf(",\"as_of\":\"%s\",\"as_of_day\":%ld}\n", date, day);
    } else {
        fwrite(out, 1, len, stdout);
    }
    aip_string_free(out);
    aip_kb_release(kb);
    return ferror(stdout) ? 3 : 0;
}
