/*
 * run_scenarios.c - runs the scenario files under tests/cases/ (format:
 * tests/cases/README.md). Each file describes a system as facts, a date
 * and the expected answer; the runner builds the query through the public
 * API, classifies it against the bundled knowledge ($AIPOLICY_DATA), and
 * checks the expectations against the JSON result, read back with the
 * library's own YAML reader (JSON is YAML).
 *
 * One Check loop iteration per file. Unknown keys in a scenario are errors,
 * so a misspelt expectation cannot pass silently.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <aipolicy.h>
#include "ydoc.h"

#define MAX_CASES 4096

static char *cases[MAX_CASES];
static int ncases;
static aip_kb *kb;

/* ---- collecting the files ------------------------------------------------ */

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void collect(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && ncases < MAX_CASES) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(path, &st) != 0)
            continue;
        size_t n = strlen(e->d_name);
        if (S_ISDIR(st.st_mode))
            collect(path);
        else if (n > 5 && strcmp(e->d_name + n - 5, ".yaml") == 0)
            cases[ncases++] = strdup(path);
    }
    closedir(d);
}

/* ---- small YAML helpers -------------------------------------------------------- */

static const ydoc_node *get(const ydoc_node *map, const char *key)
{
    return aipi_ydoc_get(map, key);
}

static const char *str(const ydoc_node *n)
{
    return n && n->kind == YD_SCALAR ? n->str : NULL;
}

static int str_is(const ydoc_node *n, const char *s)
{
    return str(n) && strcmp(str(n), s) == 0;
}

static void check_keys(const char *file, const ydoc_node *map,
                       const char *const *allowed, const char *where)
{
    ck_assert_msg(map && map->kind == YD_MAP, "%s: %s must be a mapping", file,
                  where);
    for (size_t i = 0; i < map->count; i++) {
        int ok = 0;
        for (const char *const *a = allowed; *a; a++)
            ok |= strcmp(map->keys[i]->str, *a) == 0;
        ck_assert_msg(ok, "%s:%u: unknown key '%s' in %s", file,
                      map->keys[i]->line, map->keys[i]->str, where);
    }
}

/* Finds the element of a JSON array of objects whose "id" (or `key`) is s. */
static const ydoc_node *find_by(const ydoc_node *arr, const char *key,
                                const char *s)
{
    for (size_t i = 0; arr && i < arr->count; i++)
        if (str_is(get(arr->items[i], key), s))
            return arr->items[i];
    return NULL;
}

/* ---- building the query -------------------------------------------------------- */

static size_t fact_index(const char *id)
{
    for (size_t i = 0; i < aip_kb_fact_count(kb); i++)
        if (strcmp(aip_kb_fact_id(kb, i), id) == 0)
            return i;
    return (size_t)-1;
}

static void set_fact(const char *file, aip_query *q, const ydoc_node *key,
                     const ydoc_node *val)
{
    size_t i = fact_index(key->str);
    ck_assert_msg(i != (size_t)-1, "%s:%u: unknown fact '%s'", file, key->line,
                  key->str);
    const char *type = aip_kb_fact_type(kb, i);
    int rc = AIP_OK;
    if (str_is(val, "unknown"))
        rc = aip_query_unset(q, key->str);
    else if (strcmp(type, "bool") == 0)
        rc = str_is(val, "true") || str_is(val, "false")
                 ? aip_query_set_bool(q, key->str, str_is(val, "true"))
                 : AIP_EINVAL;
    else if (strcmp(type, "enum") == 0)
        rc = aip_query_set_enum(q, key->str, str(val));
    else if (strcmp(type, "number") == 0)
        rc = str(val) ? aip_query_set_number(q, key->str, strtod(str(val), NULL))
                      : AIP_EINVAL;
    else if (strcmp(type, "date") == 0)
        rc = aip_query_set_date(q, key->str, str(val));
    else if (val->kind == YD_SEQ) {
        rc = aip_query_set_empty(q, key->str);
        for (size_t k = 0; rc == AIP_OK && k < val->count; k++)
            rc = aip_query_add_to_set(q, key->str, str(val->items[k]));
    } else
        rc = AIP_EINVAL;
    ck_assert_msg(rc == AIP_OK, "%s:%u: cannot set fact '%s' (%s)", file,
                  val->line, key->str, aip_strerror(rc));
}

static aip_query *build_query(const char *file, const ydoc_node *root)
{
    aip_query *q = NULL;
    ck_assert_int_eq(aip_query_new(kb, &q), AIP_OK);
    const ydoc_node *profile = get(root, "profile");
    if (profile) {
        char path[4096];
        const char *slash = strrchr(file, '/');
        int dirlen = slash ? (int)(slash - file) : 0;
        snprintf(path, sizeof path, "%.*s/%s", dirlen, file, str(profile));
        aip_error *err = NULL;
        int rc = aip_query_load_file(q, path, &err);
        ck_assert_msg(rc == AIP_OK, "%s: profile %s: %s", file, path,
                      err ? aip_error_message(err) : aip_strerror(rc));
    }
    const ydoc_node *facts = get(root, "facts");
    for (size_t i = 0; facts && i < facts->count; i++)
        set_fact(file, q, facts->keys[i], facts->items[i]);
    const char *date = str(get(root, "date"));
    ck_assert_msg(date, "%s: 'date' is required", file);
    ck_assert_msg(aip_query_set_as_of(q, date) == AIP_OK, "%s: bad date %s",
                  file, date);
    return q;
}

/* ---- expectations ---------------------------------------------------------------- */

typedef struct scenario {
    const char *file;
    const char *reg;             /* regulation id being checked */
    const ydoc_node *result;     /* the regulation's JSON object */
    const ydoc_node *root;       /* the whole JSON result */
} scenario;

static void expect_applies(const scenario *s, const ydoc_node *want)
{
    const char *w = str(want);
    const char *map = !w ? NULL
                    : strcmp(w, "yes") == 0 || strcmp(w, "true") == 0 ? "applies"
                    : strcmp(w, "no") == 0 || strcmp(w, "false") == 0 ? "does_not_apply"
                    : strcmp(w, "undetermined") == 0 ? "undetermined" : NULL;
    ck_assert_msg(map, "%s:%u: applies must be yes, no or undetermined",
                  s->file, want->line);
    const char *got = str(get(get(s->result, "applicability"), "status"));
    ck_assert_msg(got && strcmp(got, map) == 0,
                  "%s:%u: %s: expected applicability %s, got %s", s->file,
                  want->line, s->reg, map, got ? got : "(none)");
}

static void expect_dimensions(const scenario *s, const ydoc_node *want)
{
    static const char *const keys[] = { "value", "determined", NULL };
    const ydoc_node *dims = get(s->result, "dimensions");
    for (size_t i = 0; i < want->count; i++) {
        const char *id = want->keys[i]->str;
        const ydoc_node *w = want->items[i], *got = find_by(dims, "id", id);
        ck_assert_msg(got, "%s:%u: %s has no dimension '%s'", s->file,
                      w->line, s->reg, id);
        const char *value = str(w);
        const char *determined = "true";
        if (w->kind == YD_MAP) {
            check_keys(s->file, w, keys, "a dimension expectation");
            value = str(get(w, "value"));
            determined = get(w, "determined") ? str(get(w, "determined")) : NULL;
        }
        const char *gv = str(get(got, "value")), *gd = str(get(got, "determined"));
        ck_assert_msg(!value || (gv && strcmp(gv, value) == 0),
                      "%s:%u: %s: dimension %s: expected %s, got %s (ceiling %s)",
                      s->file, w->line, s->reg, id, value, gv,
                      str(get(got, "ceiling")));
        ck_assert_msg(!determined || (gd && strcmp(gd, determined) == 0),
                      "%s:%u: %s: dimension %s: expected determined=%s, got %s "
                      "(value %s, ceiling %s)", s->file, w->line, s->reg, id,
                      determined, gd, gv, str(get(got, "ceiling")));
    }
}

static void expect_upcoming(const scenario *s, const ydoc_node *want)
{
    static const char *const keys[] = { "dimension", "value", "from", NULL };
    const ydoc_node *dims = get(s->result, "dimensions");
    for (size_t i = 0; i < want->count; i++) {
        const ydoc_node *w = want->items[i];
        check_keys(s->file, w, keys, "an upcoming expectation");
        const ydoc_node *dim = find_by(dims, "id", str(get(w, "dimension")));
        ck_assert_msg(dim, "%s:%u: no dimension %s", s->file, w->line,
                      str(get(w, "dimension")));
        const ydoc_node *up = get(dim, "upcoming");
        int found = 0;
        for (size_t k = 0; up && k < up->count; k++)
            found |= str_is(get(up->items[k], "value"), str(get(w, "value")))
                  && (!get(w, "from")
                      || str_is(get(up->items[k], "from"), str(get(w, "from"))));
        ck_assert_msg(found, "%s:%u: %s: expected %s to become %s from %s",
                      s->file, w->line, s->reg, str(get(w, "dimension")),
                      str(get(w, "value")), str(get(w, "from")));
    }
}

static void expect_obligations(const scenario *s, const ydoc_node *want)
{
    static const char *const keys[] = { "id", "status", "from", "certain",
                                        NULL };
    const ydoc_node *obs = get(s->result, "obligations");
    for (size_t i = 0; i < want->count; i++) {
        const ydoc_node *w = want->items[i];
        const char *id = str(w);
        if (w->kind == YD_MAP) {
            check_keys(s->file, w, keys, "an obligation expectation");
            id = str(get(w, "id"));
        }
        const ydoc_node *got = find_by(obs, "id", id);
        ck_assert_msg(got, "%s:%u: %s: obligation %s not reported", s->file,
                      w->line, s->reg, id);
        if (w->kind != YD_MAP)
            continue;
        const struct { const char *want_key, *got_key; } pairs[] = {
            { "status", "status" }, { "from", "applies_from" },
            { "certain", "certain" } };
        for (int k = 0; k < 3; k++) {
            const char *wv = str(get(w, pairs[k].want_key));
            const char *gv = str(get(got, pairs[k].got_key));
            ck_assert_msg(!wv || (gv && strcmp(wv, gv) == 0),
                          "%s:%u: %s: obligation %s: expected %s %s, got %s",
                          s->file, w->line, s->reg, id, pairs[k].want_key, wv,
                          gv);
        }
    }
}

static void expect_ids(const scenario *s, const ydoc_node *want,
                       const char *array, int present, const char *what)
{
    const ydoc_node *arr = get(s->result, array);
    ck_assert_msg(want->kind == YD_SEQ, "%s:%u: expected a list", s->file,
                  want->line);
    for (size_t i = 0; i < want->count; i++) {
        const char *id = str(want->items[i]);
        int found = find_by(arr, "id", id) != NULL;
        ck_assert_msg(found == present, "%s:%u: %s: %s %s %s", s->file,
                      want->items[i]->line, s->reg, what, id,
                      present ? "expected but missing" : "present but must not be");
    }
}

static int has_citation(const ydoc_node *arr, const char *ref)
{
    for (size_t i = 0; arr && i < arr->count; i++)
        if (str_is(get(get(arr->items[i], "citation"), "ref"), ref))
            return 1;
    return 0;
}

static void expect_citations(const scenario *s, const ydoc_node *want)
{
    for (size_t i = 0; i < want->count; i++) {
        const char *ref = str(want->items[i]);
        ck_assert_msg(has_citation(get(s->result, "fired_rules"), ref)
                          || has_citation(get(s->result, "obligations"), ref),
                      "%s:%u: %s: citation '%s' not among fired rules or "
                      "obligations", s->file, want->items[i]->line, s->reg, ref);
    }
}

static void expect_missing(const scenario *s, const ydoc_node *want)
{
    const ydoc_node *got = get(s->result, "missing_facts");
    for (size_t i = 0; i < want->count; i++) {
        int found = 0;
        for (size_t k = 0; got && k < got->count; k++)
            found |= str_is(got->items[k], str(want->items[i]));
        ck_assert_msg(found, "%s:%u: %s: fact %s not listed as missing",
                      s->file, want->items[i]->line, s->reg,
                      str(want->items[i]));
    }
}

static void expect_penalty(const scenario *s, const ydoc_node *want)
{
    static const char *const keys[] = { "ceiling", "currency", "certain", NULL };
    const ydoc_node *got = get(s->result, "penalty");
    if (str_is(want, "none")) {
        ck_assert_msg(str_is(got, "null") || str_is(get(got, "ceiling"), "null"),
                      "%s:%u: %s: expected no penalty, got ceiling %s", s->file,
                      want->line, s->reg, str(get(got, "ceiling")));
        return;
    }
    check_keys(s->file, want, keys, "a penalty expectation");
    ck_assert_msg(got && got->kind == YD_MAP, "%s:%u: %s: no penalty reported",
                  s->file, want->line, s->reg);
    const char *wc = str(get(want, "ceiling")), *gc = str(get(got, "ceiling"));
    ck_assert_msg(!wc || (gc && strtod(wc, NULL) == strtod(gc, NULL)),
                  "%s:%u: %s: expected ceiling %s, got %s", s->file, want->line,
                  s->reg, wc, gc);
    const char *pairs[] = { "currency", "certain" };
    for (int k = 0; k < 2; k++) {
        const char *wv = str(get(want, pairs[k])), *gv = str(get(got, pairs[k]));
        ck_assert_msg(!wv || (gv && strcmp(wv, gv) == 0),
                      "%s:%u: %s: penalty %s: expected %s, got %s", s->file,
                      want->line, s->reg, pairs[k], wv, gv);
    }
}

static void check_regulation(scenario *s, const ydoc_node *want)
{
    static const char *const keys[] = { "applies", "law_version",
                                        "dimensions", "upcoming",
                                        "obligations", "absent_obligations",
                                        "fired", "not_fired", "citations",
                                        "missing_facts", "penalty", NULL };
    check_keys(s->file, want, keys, "a regulation's expectations");
    const ydoc_node *w;
    if ((w = get(want, "applies")))
        expect_applies(s, w);
    if ((w = get(want, "law_version")))
        ck_assert_msg(str_is(get(s->result, "law_version"), str(w)),
                      "%s:%u: %s: expected law version %s, got %s", s->file,
                      w->line, s->reg, str(w),
                      str(get(s->result, "law_version")));
    if ((w = get(want, "dimensions")))
        expect_dimensions(s, w);
    if ((w = get(want, "upcoming")))
        expect_upcoming(s, w);
    if ((w = get(want, "obligations")))
        expect_obligations(s, w);
    if ((w = get(want, "absent_obligations")))
        expect_ids(s, w, "obligations", 0, "obligation");
    if ((w = get(want, "fired")))
        expect_ids(s, w, "fired_rules", 1, "fired rule");
    if ((w = get(want, "not_fired")))
        expect_ids(s, w, "fired_rules", 0, "fired rule");
    if ((w = get(want, "citations")))
        expect_citations(s, w);
    if ((w = get(want, "missing_facts")))
        expect_missing(s, w);
    if ((w = get(want, "penalty")))
        expect_penalty(s, w);
}

static ydoc parse_or_fail(const char *name, const char *data, size_t len)
{
    ydoc doc;
    aipi_err e;
    aipi_err_clear(&e);
    int rc = aipi_ydoc_parse(&doc, &aipi_default_allocator, name, data, len,
                             NULL, &e);
    ck_assert_msg(rc == AIP_OK, "%s:%u:%u: %s", e.file, e.line, e.column,
                  e.message);
    return doc;
}

START_TEST(test_scenario)
{
    const char *file = cases[_i];
    static const char *const keys[] = { "description", "profile", "facts",
                                        "date", "expect", NULL };
    char *text;
    size_t len;
    aipi_err e;
    aipi_err_clear(&e);
    ck_assert_msg(aipi_read_file(&aipi_default_allocator, file, &text, &len,
                                 &e) == AIP_OK, "%s: %s", file, e.message);
    ydoc sc = parse_or_fail(file, text, len);
    check_keys(file, sc.root, keys, "a scenario");
    const ydoc_node *expect = get(sc.root, "expect");
    ck_assert_msg(expect && expect->kind == YD_MAP && expect->count > 0,
                  "%s: 'expect' must map regulation ids to expectations", file);

    aip_query *q = build_query(file, sc.root);
    aip_result *res = NULL;
    aip_error *err = NULL;
    ck_assert_msg(aip_classify(q, &res, &err) == AIP_OK, "%s: classify: %s",
                  file, err ? aip_error_message(err) : "?");
    char *json;
    size_t jlen;
    ck_assert_int_eq(aip_result_to_json(res, "en", 0, &json, &jlen), AIP_OK);
    ydoc out = parse_or_fail("result", json, jlen);

    for (size_t i = 0; i < expect->count; i++) {
        const char *reg = expect->keys[i]->str;
        scenario s = { file, reg,
                       find_by(get(out.root, "regulations"), "id", reg),
                       out.root };
        ck_assert_msg(s.result, "%s:%u: no regulation '%s' in the result",
                      file, expect->keys[i]->line, reg);
        check_regulation(&s, expect->items[i]);
    }
    aipi_ydoc_free(&out);
    aip_string_free(json);
    aip_result_free(res);
    aip_query_free(q);
    aipi_ydoc_free(&sc);
    free(text);
}
END_TEST

int main(void)
{
    const char *src = getenv("AIP_TEST_SRCDIR");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/tests/cases", src ? src : ".");
    collect(dir);
    qsort(cases, (size_t)ncases, sizeof *cases, by_name);
    aip_error *err = NULL;
    if (aip_kb_load_default(NULL, &kb, &err) != AIP_OK) {
        fprintf(stderr, "cannot load knowledge from %s: %s\n",
                aip_default_data_dir(), err ? aip_error_message(err) : "?");
        return 1;
    }
    if (ncases == 0) {
        fprintf(stderr, "no scenario under %s\n", dir);
        return 1;
    }
    printf("%d scenario files under %s\n", ncases, dir);
    Suite *s = suite_create("scenarios");
    TCase *tc = tcase_create("cases");
    tcase_add_loop_test(tc, test_scenario, 0, ncases);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    aip_kb_release(kb);
    for (int i = 0; i < ncases; i++)
        free(cases[i]);
    return failed ? 1 : 0;
}
