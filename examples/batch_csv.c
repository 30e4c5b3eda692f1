/*
 * batch_csv.c - classify every profile of a directory and write a CSV
 * report to stdout: one row per profile and regulation.
 *
 *   cc batch_csv.c $(pkg-config --cflags --libs aipolicy) -o batch_csv
 *   ./batch_csv examples/profiles [YYYY-MM-DD] > report.csv
 *
 * Columns: file, regulation, applicability, one column per dimension of
 * every regulation ("eu-ai-act.tier"; empty on the rows of the other
 * regulations; a value still undetermined ends with "?"), obligations in
 * force, obligations upcoming, penalty ceiling and its currency (empty when
 * none is engaged). Fields are quoted as RFC 4180 says.
 *
 * One knowledge base serves every profile: it is loaded once and is
 * immutable, only the query and the result are made per profile. A profile
 * that cannot be read is reported on stderr and the others still go in the
 * report (exit status 1). Uses only <aipolicy.h> and POSIX.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <aipolicy.h>

/* ---- CSV ------------------------------------------------------------------ */

static void csv_field(const char *s, int first)
{
    if (!first)
        putchar(',');
    if (!s || !strpbrk(s, ",\"\r\n")) {
        fputs(s ? s : "", stdout);
        return;
    }
    putchar('"');
    for (; *s; s++) {
        if (*s == '"')
            putchar('"');
        putchar(*s);
    }
    putchar('"');
}

static void csv_header(const aip_kb *kb)
{
    char name[256];
    csv_field("file", 1);
    csv_field("regulation", 0);
    csv_field("applicability", 0);
    for (size_t g = 0; g < aip_kb_regulation_count(kb); g++)
        for (size_t d = 0; d < aip_kb_dimension_count(kb, g); d++) {
            snprintf(name, sizeof name, "%s.%s", aip_kb_regulation_id(kb, g),
                     aip_kb_dimension_id(kb, g, d));
            csv_field(name, 0);
        }
    csv_field("obligations_in_force", 0);
    csv_field("obligations_upcoming", 0);
    csv_field("penalty_ceiling", 0);
    csv_field("currency", 0);
    putchar('\n');
}

/* ---- one row ----------------------------------------------------------------- */

static void dimension_fields(const aip_kb *kb, const aip_result *r,
                             size_t reg)
{
    for (size_t g = 0; g < aip_kb_regulation_count(kb); g++)
        for (size_t d = 0; d < aip_kb_dimension_count(kb, g); d++) {
            char value[128] = "";
            int determined = 1;
            const char *v = g == reg
                ? aip_result_dimension(r, reg, aip_kb_dimension_id(kb, g, d),
                                       &determined)
                : NULL;
            if (v)
                snprintf(value, sizeof value, "%s%s", v,
                         determined ? "" : "?");
            csv_field(value, 0);
        }
}

static void csv_row(const aip_kb *kb, const char *file, const aip_result *r,
                    size_t reg)
{
    static const char *const applicability[] = { "does_not_apply", "applies",
                                                 "undetermined" };
    size_t n = aip_result_obligation_count(r, reg), now = 0;
    for (size_t i = 0; i < n; i++)
        now += aip_result_obligation_status(r, reg, i) == AIP_IN_FORCE;
    char count[32], ceiling[64] = "";
    double amount;
    const char *currency = NULL;
    csv_field(file, 1);
    csv_field(aip_result_regulation_id(r, reg), 0);
    csv_field(applicability[aip_result_applicability(r, reg)], 0);
    dimension_fields(kb, r, reg);
    snprintf(count, sizeof count, "%zu", now);
    csv_field(count, 0);
    snprintf(count, sizeof count, "%zu", n - now);
    csv_field(count, 0);
    if (aip_result_penalty_ceiling(r, reg, &amount, &currency) == AIP_OK)
        snprintf(ceiling, sizeof ceiling, "%.0f", amount);
    csv_field(ceiling, 0);
    csv_field(ceiling[0] ? currency : "", 0);
    putchar('\n');
}

/* ---- profiles ------------------------------------------------------------------- */

static int report_error(const char *path, int rc, aip_error *err)
{
    fprintf(stderr, "%s: %s\n", path, err ? aip_error_message(err)
                                          : aip_strerror(rc));
    aip_error_free(err);
    return 1;
}

/* Classifies one profile and writes its rows; 0 or 1 (reported). */
static int classify_file(aip_kb *kb, const char *dir, const char *name,
                         const char *date)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    aip_query *q = NULL;
    aip_result *r = NULL;
    aip_error *err = NULL;
    int rc = aip_query_new(kb, &q);
    if (rc == AIP_OK)
        rc = aip_query_load_file(q, path, &err);
    if (rc == AIP_OK && date)
        rc = aip_query_set_as_of(q, date);
    if (rc == AIP_OK)
        rc = aip_classify(q, &r, &err);
    int status = rc == AIP_OK ? 0 : report_error(path, rc, err);
    for (size_t g = 0; rc == AIP_OK && g < aip_result_regulation_count(r); g++)
        csv_row(kb, name, r, g);
    aip_result_free(r);
    aip_query_free(q);
    return status;
}

static int is_profile(const char *name)
{
    size_t n = strlen(name);
    return name[0] != '.'
        && ((n > 5 && strcmp(name + n - 5, ".yaml") == 0)
            || (n > 4 && strcmp(name + n - 4, ".yml") == 0)
            || (n > 5 && strcmp(name + n - 5, ".json") == 0));
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The profile file names of dir, sorted so that the report is the same on
 * every file system; NULL on error. */
static char **list_profiles(const char *dir, size_t *count)
{
    DIR *d = opendir(dir);
    if (!d)
        return NULL;
    size_t n = 0, cap = 64;
    char **names = malloc(cap * sizeof *names);
    struct dirent *e;
    while (names && (e = readdir(d)) != NULL) {
        if (!is_profile(e->d_name))
            continue;
        if (n == cap) {
            char **more = realloc(names, 2 * cap * sizeof *names);
            if (!more)
                break;
            names = more;
            cap *= 2;
        }
        if ((names[n] = strdup(e->d_name)) != NULL)
            n++;
    }
    closedir(d);
    if (names)
        qsort(names, n, sizeof *names, compare_names);
    *count = n;
    return names;
}

/* 1 when date is a real date the library accepts. */
static int valid_date(aip_kb *kb, const char *date)
{
    aip_query *q = NULL;
    int ok = aip_query_new(kb, &q) == AIP_OK
          && aip_query_set_as_of(q, date) == AIP_OK;
    aip_query_free(q);
    return ok;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: %s DIRECTORY [YYYY-MM-DD]\n", argv[0]);
        return 2;
    }
    aip_kb *kb = NULL;
    aip_error *err = NULL;
    int rc = aip_kb_load_default(NULL, &kb, &err);
    if (rc != AIP_OK)
        return report_error("loading knowledge", rc, err) + 2;
    if (argc == 3 && !valid_date(kb, argv[2])) {
        fprintf(stderr, "%s: not a date YYYY-MM-DD\n", argv[2]);
        aip_kb_release(kb);
        return 2;
    }
    size_t n = 0;
    char **names = list_profiles(argv[1], &n);
    if (!names) {
        fprintf(stderr, "%s: cannot read the directory\n", argv[1]);
        aip_kb_release(kb);
        return 3;
    }
    int status = 0;
    csv_header(kb);
    for (size_t i = 0; i < n; i++) {
        status |= classify_file(kb, argv[1], names[i], argc == 3 ? argv[2]
                                                                 : NULL);
        free(names[i]);
    }
    free(names);
    aip_kb_release(kb);
    return status;
}
