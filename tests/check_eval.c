/*
 * tests/check_eval.c - evaluation semantics (doc/knowledge-format.md §3, §5)
 * through the public API, on the small knowledge files of
 * tests/fixtures/eval/:
 *
 *   logic.yaml      Kleene all/any/not, known, every comparison, sum
 *   dims.yaml       dimension conditions, severity, evaluation order
 *   missing.yaml    missing facts: scores (§5.2), ties, relevant_if
 *   scope.yaml      scope in/out/undetermined (+ noscope.yaml)
 *   roles.yaml      obligations filtered by the role fact
 *   dates.yaml      versions, applies_from, obligation dates
 *   penalties.yaml  penalty ceilings
 *
 * In logic.yaml and dims.yaml every probe rule raises its own dimension
 * from f to t: t determined = true, f determined = false, f undetermined =
 * unknown.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aipolicy.h"
#include "common.h"
#include "date.h"

/* ---- helpers ------------------------------------------------------------- */

static aip_kb *load(const char *f1, const char *f2)
{
    aip_error *err = NULL;
    aip_kb *kb = f2 ? test_load_kb(NULL, &err, f1, f2, NULL)
                    : test_load_kb(NULL, &err, f1, NULL);
    ck_assert_msg(kb != NULL, "%s: %s", f1, test_error_str(err));
    return kb;
}

/* Classifies "profile: 1 / facts: <facts>" on date as_of. */
static aip_result *run(aip_kb *kb, const char *facts, const char *as_of)
{
    char profile[4096];
    if (facts && *facts)
        snprintf(profile, sizeof profile, "profile: 1\nfacts:\n%s", facts);
    else
        snprintf(profile, sizeof profile, "profile: 1\nfacts: {}\n");
    aip_error *err = NULL;
    aip_result *r = test_classify(kb, profile, as_of ? as_of : "2026-01-01",
                                  &err);
    ck_assert_msg(r != NULL, "classify failed: %s\nprofile:\n%s",
                  test_error_str(err), profile);
    return r;
}

static size_t reg_index(const aip_result *r, const char *id)
{
    for (size_t i = 0; i < aip_result_regulation_count(r); i++)
        if (strcmp(aip_result_regulation_id(r, i), id) == 0)
            return i;
    ck_abort_msg("regulation %s not in the result", id);
    return 0;
}

/* Truth value of a probe rule from its dimension: 'T', 'F' or 'U'. */
static char tv(const aip_result *r, size_t reg, const char *dim)
{
    int determined = -1;
    const char *v = aip_result_dimension(r, reg, dim, &determined);
    ck_assert_msg(v != NULL, "no dimension %s", dim);
    ck_assert_msg(determined == 0 || determined == 1, "determined not set");
    if (strcmp(v, "t") == 0) {
        ck_assert_msg(determined == 1, "%s: t but not determined", dim);
        return 'T';
    }
    ck_assert_msg(strcmp(v, "f") == 0, "%s: value %s", dim, v);
    return determined ? 'F' : 'U';
}

static long ob_index(const aip_result *r, size_t reg, const char *id)
{
    for (size_t i = 0; i < aip_result_obligation_count(r, reg); i++)
        if (strcmp(aip_result_obligation_id(r, reg, i), id) == 0)
            return (long)i;
    return -1;
}

static int fired(const aip_result *r, size_t reg, const char *rule)
{
    for (size_t i = 0; i < aip_result_fired_count(r, reg); i++)
        if (strcmp(aip_result_fired_rule(r, reg, i), rule) == 0)
            return 1;
    return 0;
}

/* The missing facts as "a,b,c". */
static const char *missing_list(const aip_result *r)
{
    static char buf[1024];
    buf[0] = '\0';
    for (size_t i = 0; i < aip_result_missing_count(r); i++) {
        if (i)
            strcat(buf, ",");
        strcat(buf, aip_result_missing_fact(r, i));
    }
    return buf;
}

/* In compact JSON, the text following `"key":` in the first object that
 * contains `marker` after it (e.g. the score of a missing fact). */
static long json_number_after(const char *json, const char *marker,
                              const char *key)
{
    const char *p = strstr(json, marker);
    ck_assert_msg(p != NULL, "'%s' not in the JSON", marker);
    char k[128];
    snprintf(k, sizeof k, "\"%s\":", key);
    const char *q = strstr(p, k);
    ck_assert_msg(q != NULL, "'%s' not after '%s'", key, marker);
    return strtol(q + strlen(k), NULL, 10);
}

static char *json_of(const aip_result *r)
{
    char *j = test_json(r, "en", 0);
    size_t where = 0;
    ck_assert_msg(test_json_valid(j, &where), "invalid JSON at %zu: %.60s",
                  where, j + where);
    return j;
}

/* ======================================================================== */
/* Kleene logic                                                              */
/* ======================================================================== */

static const char *const tv_fact[3] = { "true", "false", NULL };  /* T F U */

START_TEST(kleene_tables)
{
    /* _i = 3 * a + b over T, F, U */
    static const char all_tab[3][3] = { { 'T', 'F', 'U' },
                                        { 'F', 'F', 'F' },
                                        { 'U', 'F', 'U' } };
    static const char any_tab[3][3] = { { 'T', 'T', 'T' },
                                        { 'T', 'F', 'U' },
                                        { 'T', 'U', 'U' } };
    static const char not_tab[3] = { 'F', 'T', 'U' };
    int a = _i / 3, b = _i % 3;
    char facts[128] = "";
    if (tv_fact[a])
        snprintf(facts + strlen(facts), sizeof facts - strlen(facts),
                 "  a: %s\n", tv_fact[a]);
    if (tv_fact[b])
        snprintf(facts + strlen(facts), sizeof facts - strlen(facts),
                 "  b: %s\n", tv_fact[b]);
    aip_kb *kb = load("tests/fixtures/eval/logic.yaml", NULL);
    aip_result *r = run(kb, facts, NULL);
    ck_assert_msg(tv(r, 0, "all-ab") == all_tab[a][b], "all(%d,%d)=%c", a, b,
                  tv(r, 0, "all-ab"));
    ck_assert_msg(tv(r, 0, "any-ab") == any_tab[a][b], "any(%d,%d)=%c", a, b,
                  tv(r, 0, "any-ab"));
    ck_assert_msg(tv(r, 0, "not-a") == not_tab[a], "not(%d)=%c", a,
                  tv(r, 0, "not-a"));
    ck_assert_int_eq(tv(r, 0, "all-empty"), 'T');
    ck_assert_int_eq(tv(r, 0, "any-empty"), 'F');
    /* the same in the JSON */
    char *j = json_of(r);
    static const char *const val[] = { "t", "f", "f" };
    static const char *const det[] = { "true", "true", "false" };
    int all_i = all_tab[a][b] == 'T' ? 0 : all_tab[a][b] == 'F' ? 1 : 2;
    int any_i = any_tab[a][b] == 'T' ? 0 : any_tab[a][b] == 'F' ? 1 : 2;
    char want[256];
    snprintf(want, sizeof want,
             "{\"id\":\"all-ab\",\"title\":\"all-ab\",\"value\":\"%s\","
             "\"label\":\"%s\",\"determined\":%s,\"ceiling\":\"%s\"",
             val[all_i], all_i ? "No" : "Yes", det[all_i],
             all_i == 1 ? "f" : "t");
    ck_assert_msg(strstr(j, want) != NULL, "JSON lacks %s", want);
    snprintf(want, sizeof want,
             "{\"id\":\"any-ab\",\"title\":\"any-ab\",\"value\":\"%s\","
             "\"label\":\"%s\",\"determined\":%s,\"ceiling\":\"%s\"",
             val[any_i], any_i ? "No" : "Yes", det[any_i],
             any_i == 1 ? "f" : "t");
    ck_assert_msg(strstr(j, want) != NULL, "JSON lacks %s", want);
    free(j);
    aip_result_free(r);
    aip_kb_release(kb);
}
END_TEST

/* ======================================================================== */
/* comparisons, known, sum                                                    */
/* ======================================================================== */

typedef struct probe {
    const char *dim;
    char tv;
} probe;

typedef struct cmp_case {
    const char *name;
    const char *facts;
    probe p[10];
} cmp_case;

static const cmp_case cmp_cases[] = {
    /* number */
    { "n=9", "  n: 9\n",
      { { "num-eq", 'F' }, { "num-ne", 'T' }, { "num-gt", 'F' },
        { "num-gte", 'F' }, { "num-lt", 'T' }, { "num-lte", 'T' },
        { "known-n", 'T' }, { "num-gt-neg", 'T' } } },
    { "n=10", "  n: 10\n",
      { { "num-eq", 'T' }, { "num-ne", 'F' }, { "num-gt", 'F' },
        { "num-gte", 'T' }, { "num-lt", 'F' }, { "num-lte", 'T' } } },
    { "n=1e1", "  n: 1e1\n",
      { { "num-eq", 'T' }, { "num-ne", 'F' }, { "num-gte", 'T' } } },
    { "n=11", "  n: 11\n",
      { { "num-eq", 'F' }, { "num-ne", 'T' }, { "num-gt", 'T' },
        { "num-gte", 'T' }, { "num-lt", 'F' }, { "num-lte", 'F' } } },
    { "n=10.000001", "  n: 10.000001\n",
      { { "num-eq", 'F' }, { "num-gt", 'T' }, { "num-lte", 'F' } } },
    { "n=-2.5", "  n: -2.5\n",
      { { "num-gt-neg", 'F' }, { "num-lt", 'T' } } },
    { "n=-2.4", "  n: -2.4\n", { { "num-gt-neg", 'T' } } },
    { "n unknown", "  n: unknown\n",
      { { "num-eq", 'U' }, { "num-ne", 'U' }, { "num-gt", 'U' },
        { "num-gte", 'U' }, { "num-lt", 'U' }, { "num-lte", 'U' },
        { "known-n", 'F' }, { "num-gt-neg", 'U' } } },
    /* date */
    { "d=2025-06-14", "  d: 2025-06-14\n",
      { { "date-eq", 'F' }, { "date-ne", 'T' }, { "date-gt", 'F' },
        { "date-gte", 'F' }, { "date-lt", 'T' }, { "date-lte", 'T' } } },
    { "d=2025-06-15", "  d: 2025-06-15\n",
      { { "date-eq", 'T' }, { "date-ne", 'F' }, { "date-gt", 'F' },
        { "date-gte", 'T' }, { "date-lt", 'F' }, { "date-lte", 'T' } } },
    { "d=2025-06-16", "  d: 2025-06-16\n",
      { { "date-eq", 'F' }, { "date-ne", 'T' }, { "date-gt", 'T' },
        { "date-gte", 'T' }, { "date-lt", 'F' }, { "date-lte", 'F' } } },
    { "d=2024-12-31", "  d: 2024-12-31\n",
      { { "date-gt", 'F' }, { "date-lt", 'T' } } },
    { "d=2026-01-01", "  d: 2026-01-01\n",
      { { "date-gt", 'T' }, { "date-lt", 'F' } } },
    { "d unknown", "",
      { { "date-eq", 'U' }, { "date-ne", 'U' }, { "date-gt", 'U' },
        { "date-gte", 'U' }, { "date-lt", 'U' }, { "date-lte", 'U' } } },
    /* bool */
    { "a=true", "  a: true\n",
      { { "bool-eq-true", 'T' }, { "bool-ne-true", 'F' },
        { "bool-eq-false", 'F' }, { "bool-ne-false", 'T' } } },
    { "a=false", "  a: false\n",
      { { "bool-eq-true", 'F' }, { "bool-ne-true", 'T' },
        { "bool-eq-false", 'T' }, { "bool-ne-false", 'F' } } },
    { "a unknown", "",
      { { "bool-eq-true", 'U' }, { "bool-ne-true", 'U' },
        { "bool-eq-false", 'U' }, { "bool-ne-false", 'U' } } },
    /* enum */
    { "e=x", "  e: x\n",
      { { "enum-eq", 'F' }, { "enum-ne", 'T' }, { "enum-in", 'T' } } },
    { "e=y", "  e: y\n",
      { { "enum-eq", 'T' }, { "enum-ne", 'F' }, { "enum-in", 'F' } } },
    { "e=z", "  e: z\n",
      { { "enum-eq", 'F' }, { "enum-ne", 'T' }, { "enum-in", 'T' } } },
    { "e unknown", "",
      { { "enum-eq", 'U' }, { "enum-ne", 'U' }, { "enum-in", 'U' } } },
    /* set */
    { "s=[]", "  s: []\n", { { "set-contains", 'F' }, { "known-s", 'T' } } },
    { "s=[q]", "  s: [q]\n", { { "set-contains", 'T' } } },
    { "s=[p,r]", "  s: [p, r]\n", { { "set-contains", 'F' } } },
    { "s=[r,q,p]", "  s: [r, q, p]\n", { { "set-contains", 'T' } } },
    { "s unknown", "",
      { { "set-contains", 'U' }, { "known-s", 'F' } } },
    /* sum: n1 and n2 have min 0, n3 min -5, n no min */
    { "sum 60+40", "  n1: 60\n  n2: 40\n",
      { { "sum-gt", 'F' }, { "sum-gte", 'T' }, { "sum-lt", 'F' },
        { "sum-lte", 'T' }, { "sum-eq", 'T' }, { "sum-ne", 'F' } } },
    { "sum 60+41", "  n1: 60\n  n2: 41\n",
      { { "sum-gt", 'T' }, { "sum-gte", 'T' }, { "sum-lt", 'F' },
        { "sum-lte", 'F' }, { "sum-eq", 'F' }, { "sum-ne", 'T' } } },
    { "sum 0+0", "  n1: 0\n  n2: 0\n",
      { { "sum-gt", 'F' }, { "sum-lt", 'T' }, { "sum-lte", 'T' } } },
    /* the known part alone crosses the bound and the unknown part is
     * non-negative: gt/gte are true, lt/lte false; eq/ne stay unknown */
    { "sum 150+?", "  n1: 150\n",
      { { "sum-gt", 'T' }, { "sum-gte", 'T' }, { "sum-lt", 'F' },
        { "sum-lte", 'F' }, { "sum-eq", 'U' }, { "sum-ne", 'U' } } },
    { "sum 100+?", "  n1: 100\n",
      { { "sum-gt", 'U' }, { "sum-gte", 'T' }, { "sum-lt", 'F' },
        { "sum-lte", 'U' }, { "sum-eq", 'U' } } },
    { "sum 50+?", "  n1: 50\n",
      { { "sum-gt", 'U' }, { "sum-gte", 'U' }, { "sum-lt", 'U' },
        { "sum-lte", 'U' }, { "sum-eq", 'U' }, { "sum-ne", 'U' } } },
    { "sum ?+?", "",
      { { "sum-gt", 'U' }, { "sum-gte", 'U' }, { "sum-lt", 'U' },
        { "sum-lte", 'U' } } },
    /* an unknown part that may be negative: no short-circuit */
    { "sum 150+n3?", "  n1: 150\n",
      { { "sum-neg-gte", 'U' }, { "sum-nomin-gte", 'U' } } },
    { "sum 150+n3=-5", "  n1: 150\n  n3: -5\n", { { "sum-neg-gte", 'T' } } },
    { "sum 103+n3=-5", "  n1: 103\n  n3: -5\n", { { "sum-neg-gte", 'F' } } },
    { "sum 150+n=-60", "  n1: 150\n  n: -60\n", { { "sum-nomin-gte", 'F' } } },
};

START_TEST(comparisons)
{
    const cmp_case *c = &cmp_cases[_i];
    aip_kb *kb = load("tests/fixtures/eval/logic.yaml", NULL);
    aip_result *r = run(kb, c->facts, NULL);
    for (int k = 0; k < 10 && c->p[k].dim; k++) {
        char got = tv(r, 0, c->p[k].dim);
        ck_assert_msg(got == c->p[k].tv, "%s: %s is %c, expected %c", c->name,
                      c->p[k].dim, got, c->p[k].tv);
    }
    aip_result_free(r);
    aip_kb_release(kb);
}
END_TEST

/* ======================================================================== */
/* dimension conditions and severity                                          */
/* ======================================================================== */

typedef struct dim_case {
    const char *facts;
    const char *level;           /* floor */
    const char *ceiling;         /* in the JSON */
    int determined;
    char gte, gt, eq, ne, in, lt, lte, chain;
} dim_case;

static const dim_case dim_cases[] = {
    /* [floor, ceiling] = [l1, l1] */
    { "  up1: true\n  up2: false\n  up3: false\n", "l1", "l1", 1,
      'T', 'F', 'T', 'F', 'T', 'T', 'T', 'T' },
    /* [l1, l2] */
    { "  up1: true\n  up3: false\n", "l1", "l2", 0,
      'T', 'U', 'U', 'U', 'T', 'U', 'U', 'T' },
    /* [l0, l2] */
    { "  up3: false\n", "l0", "l2", 0,
      'U', 'U', 'U', 'U', 'U', 'U', 'U', 'U' },
    /* [l0, l0] */
    { "  up1: false\n  up2: false\n  up3: false\n", "l0", "l0", 1,
      'F', 'F', 'F', 'T', 'F', 'T', 'T', 'F' },
    /* [l3, l3]: the most severe raise wins (raise-l3 is declared before
     * raise-l2, so it is not "the last one") */
    { "  up1: true\n  up2: true\n  up3: true\n", "l3", "l3", 1,
      'T', 'T', 'F', 'T', 'F', 'F', 'F', 'T' },
    /* [l2, l2] */
    { "  up1: true\n  up2: true\n  up3: false\n", "l2", "l2", 1,
      'T', 'T', 'F', 'T', 'T', 'F', 'F', 'T' },
    /* [l2, l3] */
    { "  up1: false\n  up2: true\n", "l2", "l3", 0,
      'T', 'T', 'F', 'T', 'U', 'F', 'F', 'T' },
};

START_TEST(dimension_conditions)
{
    const dim_case *c = &dim_cases[_i];
    aip_kb *kb = load("tests/fixtures/eval/dims.yaml", NULL);
    aip_result *r = run(kb, c->facts, NULL);
    int det = -1;
    const char *level = aip_result_dimension(r, 0, "level", &det);
    ck_assert_str_eq(level, c->level);
    ck_assert_int_eq(det, c->determined);
    const struct {
        const char *dim;
        char want;
    } probes[] = { { "gte-l1", c->gte }, { "gt-l1", c->gt },
                   { "eq-l1", c->eq },   { "ne-l1", c->ne },
                   { "in-l1-l2", c->in }, { "lt-l2", c->lt },
                   { "lte-l1", c->lte }, { "chain", c->chain } };
    for (size_t k = 0; k < sizeof probes / sizeof probes[0]; k++) {
        char got = tv(r, 0, probes[k].dim);
        ck_assert_msg(got == probes[k].want, "case %d: %s is %c, expected %c",
                      _i, probes[k].dim, got, probes[k].want);
    }
    char *j = json_of(r);
    char want[256];
    snprintf(want, sizeof want,
             "{\"id\":\"level\",\"title\":\"Level\",\"value\":\"%s\",", c->level);
    ck_assert_msg(strstr(j, want) != NULL, "JSON lacks %s", want);
    snprintf(want, sizeof want, "\"determined\":%s,\"ceiling\":\"%s\"",
             c->determined ? "true" : "false", c->ceiling);
    ck_assert_msg(strstr(strstr(j, "{\"id\":\"level\""), want) != NULL,
                  "JSON lacks %s", want);
    free(j);
    aip_result_free(r);
    aip_kb_release(kb);
}
END_TEST

START_TEST(unknown_dimension_accessors)
{
    aip_kb *kb = load("tests/fixtures/eval/dims.yaml", NULL);
    aip_result *r = run(kb, "", NULL);
    int det = 42;
    ck_assert_ptr_null(aip_result_dimension(r, 0, "nothing", &det));
    ck_assert_int_eq(det, 42);
    ck_assert_ptr_null(aip_result_dimension(r, 1, "level", &det));
    ck_assert_ptr_null(aip_result_dimension(r, 0, NULL, &det));
    ck_assert_ptr_nonnull(aip_result_dimension(r, 0, "level", NULL));
    aip_result_free(r);
    aip_kb_release(kb);
}
END_TEST

/* Value of a rule of dim-readers.yaml, read from its obligation. */
static char reader_tv(const aip_result *r, const char *ob)
{
    long i = ob_index(r, 0, ob);
    if (i < 0)
        return 'F';
    return aip_result_obligation_certain(r, 0, (size_t)i) == 1 ? 'T' : 'U';
}

static const struct {
    const char *facts;
    char bare, bare_dup, all, any, nested, not_l2;
} reader_cases[] = {
    /* level in [l0, l2]: every reader unknown */
    { "", 'U', 'U', 'U', 'U', 'U', 'U' },
    /* [l1, l1]; gate false decides r-all before its dimension test */
    { "  up1: true\n  up2: false\n  gate: false\n",
      'T', 'T', 'F', 'F', 'T', 'T' },
    /* [l2, l2]; gate true decides r-any */
    { "  up1: false\n  up2: true\n  gate: true\n",
      'T', 'T', 'T', 'T', 'T', 'F' },
    /* [l0, l0], gate unknown */
    { "  up1: false\n  up2: false\n", 'F', 'F', 'F', 'T', 'F', 'T' },
    /* [l0, l1] */
    { "  up2: false\n  gate: true\n", 'U', 'U', 'F', 'T', 'F', 'T' },
};

START_TEST(dimension_readers)
{
    aip_kb *kb = load("tests/fixtures/eval/dim-readers.yaml", NULL);
    aip_result *r = run(kb, reader_cases[_i].facts, NULL);
    const struct {
        const char *ob;
        char want;
    } probes[] = { { "ob-bare", reader_cases[_i].bare },
                   { "ob-bare-dup", reader_cases[_i].bare_dup },
                   { "ob-all", reader_cases[_i].all },
                   { "ob-any", reader_cases[_i].any },
                   { "ob-nested", reader_cases[_i].nested },
                   { "ob-not", reader_cases[_i].not_l2 } };
    for (size_t k = 0; k < sizeof probes / sizeof probes[0]; k++) {
        char got = reader_tv(r, probes[k].ob);
        ck_assert_msg(got == probes[k].want, "case %d: %s is %c, expected %c",
                      _i, probes[k].ob, got, probes[k].want);
    }
    aip_result_free(r);
    aip_kb_release(kb);
}
END_TEST

/* ======================================================================== */
/* missing facts                                                              */
/* ======================================================================== */

START_TEST(missing_facts_ordered_by_score)
{
    aip_kb *kb = load("tests/fixtures/eval/missing.yaml", NULL);
    aip_result *r = run(kb, "", NULL);
    /* scope 1000, two steps 200, one step 100, two obligations 20, ties at
     * 10 in vocabulary order, one penalty 1; `detail` last: its relevance
     * (gate) is unknown */
    ck_assert_str_eq(missing_list(r),
                     "m_scope,m_high,m_base,m_ob,tie_b,tie_a,m_pen,detail");
    ck_assert_int_eq(aip_result_applicability(r, 0), AIP_UNDETERMINED);
    int det = -1;
    ck_assert_str_eq(aip_result_dimension(r, 0, "tier", &det), "minimal");
    ck_assert_int_eq(det, 0);
    char *j = json_of(r);
    /* the scores, in the top-level missing_facts */
    const char *top = strstr(j, "],\"missing_facts\":[{\"id\":\"m_scope\"");
    ck_assert_msg(top != NULL, "top-level missing_facts not found");
    static const struct {
        const char *id;
        long score;
    } scores[] = { { "m_scope", 1000 }, { "m_high", 200 }, { "m_base", 100 },
                   { "m_ob", 20 },      { "tie_b", 10 },   { "tie_a", 10 },
                   { "m_pen", 1 },      { "detail", 10 } };
    for (size_t i = 0; i < sizeof scores / sizeof scores[0]; i++) {
        char m[64];
        snprintf(m, sizeof m, "{\"id\":\"%s\",", scores[i].id);
        long got = json_number_after(top, m, "score");
        ck_assert_msg(got == scores[i].score, "%s: score %ld, expected %ld",
                      scores[i].id, got, scores[i].score);
    }
    ck_assert_msg(strstr(top, "{\"id\":\"detail\",\"label\":\"Detail\","
                              "\"question\":\"Detail?\",\"score\":10,"
                              "\"relevant\":false}") != NULL,
                  "detail should be listed as of unknown relevance");
    ck_assert_msg(strstr(top, "{\"id\":\"m_scope\",\"label\":\"Scope fact\","
                              "\"question\":\"In scope?\",\"score\":1000,"
                              "\"relevant\":true}") != NULL,
                  "m_scope entry");
    /* the regulation's own list */
    ck_assert_msg(strstr(j, "\"missing_facts\":[\"m_scope\",\"m_high\","
                            "\"m_base\",\"m_ob\",\"tie_b\",\"tie_a\","
                            "\"m_pen\",\"detail\"]") != NULL,
                  "per-regulation missing_facts");
    ck_assert_msg(strstr(j, "\"ceiling\":\"high\"") != NULL, "ceiling");
    free(j);
    aip_result_free(r);
    aip_kb_release(kb);
}
END_TEST

START_TEST(missing_facts_score_counts_steps_above_floor)
{
    aip_kb *kb = load("tests/fixtures/eval/missing.yaml", NULL);
    aip_result *r = run(kb, "  m_base: true\n", NULL);
    /* the floor is now `limited`: raising to `high` is one step (100) */
    ck_assert_str_eq(missing_list(r),
                     "m_scope,m_high,m_ob,tie_b,tie_a,m_pen,detail");
    char *j = json_of(r);
    const char *top = strstr(j, "],\"missing_facts\":[");
    ck_assert_ptr_nonnull(top);
    ck_assert_int_eq(json_number_after(top, "{\"id\":\"m_high\",", "score"),
                     100);
    free(j);
    int det = -1;
    ck_assert_str_eq(aip_result_dimension(r, 0, "tier", &det), "limited");
    ck_assert_int_eq(det, 0);
    aip_result_free(r);
    aip_kb_release(kb);
}
END_TEST

START_TEST(relevant_if_hides_missing_fact)
{
    aip_kb *kb = load("tests/fixtures/eval/missing.yaml", NULL);
    /* gate false: detail is not asked */
    aip_result *r = run(kb, "  gate: false\n", NULL);
    ck_assert_str_eq(missing_list(r),
                     "m_scope,m_high,m_base,m_ob,tie_b,tie_a,m_pen");
    aip_result_free(r);
    /* gate true: detail is asked, in vocabulary order among the 10s */
    r = run(kb, "  gate: true\n", NULL);
    ck_assert_str_eq(missing_list(r),
                     "m_scope,m_high,m_base,m_ob,tie_b,tie_a,detail,m_pen");
    aip_result_free(r);
    /* answering facts removes them */
    r = run(kb,
            "  m_scope: true\n  m_high: false\n  m_base: false\n"
            "  m_ob: true\n  tie_a: true\n  m_pen: false\n  gate: false\n",
            NULL);
    ck_assert_str_eq(missing_list(r), "");
    ck_assert_int_eq(aip_result_applicability(r, 0), AIP_APPLIES);
    int det = -1;
    ck_assert_str_eq(aip_result_dimension(r, 0, "tier", &det), "minimal");
    ck_assert_int_eq(det, 1);
    aip_result_free(r);
    aip_kb_release(kb);
}
END_TEST

START_TEST(nothing_missing_when_out_of_scope)
{
    aip_kb *kb = load("tests/fixtures/eval/missing.yaml", NULL);
    aip_result *r = run(kb, "  m_scope: false\n", NULL);
    ck_assert_int_eq(aip_result_applicability(r, 0), AIP_DOES_NOT_APPLY);
    ck_assert_uint_eq(aip_result_missing_count(r), 0);
    ck_assert_uint_eq(aip_result_obligation_count(r, 0), 0);
    ck_assert_ptr_null(aip_result_missing_fact(r, 0));
    aip_result_free(r);
    aip_kb_release(kb);
}
END_TEST

/* ======================================================================== */
/* scope                                                                       */
/* ======================================================================== */

typedef struct scope_case {
    const char *facts;
    int applicability;
    const char *scope_json;      /* the scope_rules array */
} scope_case;

static const scope_case scope_cases[] = {
    { "  x_in: true\n  x_out: false\n", AIP_APPLIES,
      "[{\"id\":\"in-rule\",\"scope\":\"in\",\"value\":\"true\"}]" },
    { "  x_in: true\n  x_out: true\n", AIP_DOES_NOT_APPLY,
      "[{\"id\":\"in-rule\",\"scope\":\"in\",\"value\":\"true\"},"
      "{\"id\":\"out-rule\",\"scope\":\"out\",\"value\":\"true\"}]" },
    { "  x_in: false\n  x_out: false\n", AIP_DOES_NOT_APPLY, "[]" },
    { "  x_in: false\n", AIP_DOES_NOT_APPLY,
      "[{\"id\":\"out-rule\",\"scope\":\"out\",\"value\":\"unknown\"}]" },
    { "  x_out: false\n", AIP_UNDETERMINED,
      "[{\"id\":\"in-rule\",\"scope\":\"in\",\"value\":\"unknown\"}]" },
    { "  x_in: true\n", AIP_UNDETERMINED,
      "[{\"id\":\"in-rule\",\"scope\":\"in\",\"value\":\"true\"},"
      "{\"id\":\"out-rule\",\"scope\":\"out\",\"value\":\"unknown\"}]" },
    { "  x_out: true\n", AIP_DOES_NOT_APPLY,
      "[{\"id\":\"out-rule\",\"scope\":\"out\",\"value\":\"true\"},"
      "{\"id\":\"in-rule\",\"scope\":\"in\",\"value\":\"unknown\"}]" },
    { "", AIP_UNDETERMINED,
      "[{\"id\":\"in-rule\",\"scope\":\"in\",\"value\":\"unknown\"},"
      "{\"id\":\"out-rule\",\"scope\":\"out\",\"value\":\"unknown\"}]" },
};

START_TEST(scope)
{
    const scope_case *c = &scope_cases[_i];
    aip_kb *kb = load("tests/fixtures/eval/scope.yaml",
                      "tests/fixtures/eval/noscope.yaml");
    char facts[256];
    snprintf(facts, sizeof facts, "%s  flag: true\n", c->facts);
    aip_result *r = run(kb, facts, NULL);
    size_t s = reg_index(r, "scoped"), u = reg_index(r, "unscoped");
    ck_assert_int_eq(aip_result_applicability(r, s), c->applicability);
    /* dimensions are reported whatever the scope */
    int det = -1;
    ck_assert_str_eq(aip_result_dimension(r, s, "tier", &det), "high");
    ck_assert_int_eq(det, 1);
    double ceiling = -1;
    const char *cur = NULL;
    if (c->applicability == AIP_DOES_NOT_APPLY) {
        ck_assert_uint_eq(aip_result_obligation_count(r, s), 0);
        ck_assert_int_eq(aip_result_penalty_ceiling(r, s, &ceiling, &cur),
                         AIP_ENOTFOUND);
        ck_assert(ceiling == -1);
    } else {
        ck_assert_uint_eq(aip_result_obligation_count(r, s), 1);
        ck_assert_str_eq(aip_result_obligation_id(r, s, 0), "always");
        ck_assert_int_eq(aip_result_obligation_certain(r, s, 0),
                         c->applicability == AIP_APPLIES);
    }
    if (c->applicability == AIP_APPLIES) {
        ck_assert_int_eq(aip_result_penalty_ceiling(r, s, &ceiling, &cur),
                         AIP_OK);
        ck_assert(ceiling == 5000);
        ck_assert_str_eq(cur, "EUR");
    }
    /* a regulation without scope rules applies */
    ck_assert_int_eq(aip_result_applicability(r, u), AIP_APPLIES);
    ck_assert_uint_eq(aip_result_obligation_count(r, u), 1);
    ck_assert_int_eq(aip_result_obligation_certain(r, u, 0), 1);
    char *j = json_of(r);
    static const char *const names[] = { "does_not_apply", "applies",
                                         "undetermined" };
    char want[512];
    snprintf(want, sizeof want,
             "\"applicability\":{\"status\":\"%s\",\"scope_rules\":%s}",
             names[c->applicability], c->scope_json);
    ck_assert_msg(strstr(j, want) != NULL, "JSON lacks %s", want);
    free(j);
    aip_result_free(r);
    aip_kb_release(kb);
}
END_TEST

START_TEST(scope_rule_not_yet_applicable)
{
    aip_kb *kb = load("tests/fixtures/eval/scope-later.yaml", NULL);
    static const char *const dates[] = { "2024-06-01", "2026-12-31",
                                         "2027-01-01", "2030-01-01" };
    for (size_t i = 0; i < 4; i++) {
        /* outside the scope rule: never applies */
        aip_result *r = run(kb, "  inside: false\n", dates[i]);
        ck_assert_msg(aip_result_applicability(r, 0) == AIP_DOES_NOT_APPLY,
                      "inside=false applies on %s", dates[i]);
        ck_assert_uint_eq(aip_result_obligation_count(r, 0), 0);
        aip_result_free(r);
    }
    aip_result *r = run(kb, "  inside: true\n", "2027-01-01");
    ck_assert_int_eq(aip_result_applicability(r, 0), AIP_APPLIES);
    ck_assert_uint_eq(aip_result_obligation_count(r, 0), 1);
    ck_assert_int_eq(aip_result_obligation_status(r, 0, 0), AIP_IN_FORCE);
    aip_result_free(r);
    aip_kb_release(kb);
}
END_TEST

/* ======================================================================== */
/* roles                                                                       */
/* ======================================================================== */

START_TEST(roles)
{
    aip_kb *kb = load("tests/fixtures/eval/roles.yaml", NULL);
    /* known role: only that role's obligations, certain */
    aip_result *r = run(kb, "  role: [provider]\n", NULL);
    ck_assert_uint_eq(aip_result_obligation_count(r, 0), 1);
    ck_assert_str_eq(aip_result_obligation_id(r, 0, 0), "ob-prov");
    ck_assert_str_eq(aip_result_obligation_role(r, 0, 0), "provider");
    ck_assert_int_eq(aip_result_obligation_certain(r, 0, 0), 1);
    ck_assert_uint_eq(aip_result_missing_count(r), 0);
    aip_result_free(r);
    r = run(kb, "  role: [deployer, provider]\n", NULL);
    ck_assert_uint_eq(aip_result_obligation_count(r, 0), 2);
    ck_assert_int_eq(aip_result_obligation_certain(r, 0, 0), 1);
    ck_assert_int_eq(aip_result_obligation_certain(r, 0, 1), 1);
    aip_result_free(r);
    /* unknown role: every role's obligations, none certain, and the role
     * fact is asked */
    r = run(kb, "", NULL);
    ck_assert_uint_eq(aip_result_obligation_count(r, 0), 2);
    ck_assert_int_ge(ob_index(r, 0, "ob-prov"), 0);
    ck_assert_int_ge(ob_index(r, 0, "ob-dep"), 0);
    ck_assert_int_eq(aip_result_obligation_certain(r, 0, 0), 0);
    ck_assert_int_eq(aip_result_obligation_certain(r, 0, 1), 0);
    ck_assert_str_eq(aip_result_obligation_role(r, 0, (size_t)ob_index(r, 0, "ob-dep")),
                     "deployer");
    ck_assert_str_eq(missing_list(r), "role");
    char *j = json_of(r);
    ck_assert_msg(strstr(j, "\"role\":\"deployer\"") != NULL, "role in JSON");
    ck_assert_msg(strstr(j, "\"certain\":true") == NULL,
                  "nothing is certain: %s", j);
    free(j);
    aip_result_free(r);
    /* a role the obligations do not name, or none at all */
    r = run(kb, "  role: [importer]\n", NULL);
    ck_assert_uint_eq(aip_result_obligation_count(r, 0), 0);
    aip_result_free(r);
    r = run(kb, "  role: []\n", NULL);
    ck_assert_uint_eq(aip_result_obligation_count(r, 0), 0);
    ck_assert_uint_eq(aip_result_missing_count(r), 0);
    aip_result_free(r);
    aip_kb_release(kb);
}
END_TEST

/* ======================================================================== */
/* dates                                                                       */
/* ======================================================================== */

static const char dated_facts[] = "  flag: true\n  hr: true\n";

static void check_ob(const aip_result *r, const char *id, const char *from,
                     int status, int certain)
{
    long i = ob_index(r, 0, id);
    ck_assert_msg(i >= 0, "obligation %s missing (as of %s)", id,
                  aip_result_as_of(r));
    ck_assert_msg(strcmp(aip_result_obligation_applies_from(r, 0, (size_t)i),
                         from) == 0,
                  "%s applies from %s, expected %s (as of %s)", id,
                  aip_result_obligation_applies_from(r, 0, (size_t)i), from,
                  aip_result_as_of(r));
    ck_assert_msg(aip_result_obligation_status(r, 0, (size_t)i) == status,
                  "%s: status %d, expected %d (as of %s)", id,
                  aip_result_obligation_status(r, 0, (size_t)i), status,
                  aip_result_as_of(r));
    ck_assert_msg(aip_result_obligation_certain(r, 0, (size_t)i) == certain,
                  "%s: certain %d", id,
                  aip_result_obligation_certain(r, 0, (size_t)i));
}

START_TEST(dates_before_first_version)
{
    aip_kb *kb = load("tests/fixtures/eval/dates.yaml", NULL);
    aip_result *r = run(kb, dated_facts, "2024-07-31");
    ck_assert_str_eq(aip_result_as_of(r), "2024-07-31");
    ck_assert_str_eq(aip_result_law_version(r, 0), "v1");
    /* everything is upcoming: the tier is not raised yet */
    int det = -1;
    ck_assert_str_eq(aip_result_dimension(r, 0, "tier", &det), "low");
    ck_assert_int_eq(det, 1);
    ck_assert_uint_gt(aip_result_obligation_count(r, 0), 0);
    for (size_t i = 0; i < aip_result_obligation_count(r, 0); i++)
        ck_assert_msg(aip_result_obligation_status(r, 0, i) == AIP_UPCOMING,
                      "%s is in force before the law",
                      aip_result_obligation_id(r, 0, i));
    char *j = json_of(r);
    ck_assert_msg(strstr(j, "\"upcoming\":[{\"value\":\"high\",\"from\":"
                            "\"2024-08-01\",\"rule\":\"old-rule\"}]") != NULL,
                  "upcoming raise");
    ck_assert_msg(strstr(j, "\"law_version_in_force\":\"2024-08-01\"") != NULL,
                  "provenance of the version");
    free(j);
    aip_result_free(r);
    aip_kb_release(kb);
}
END_TEST

START_TEST(dates_amendment_edges)
{
    aip_kb *kb = load("tests/fixtures/eval/dates.yaml", NULL);
    /* the day before the amendment: the old rule set */
    aip_result *r = run(kb, dated_facts, "2026-05-31");
    ck_assert_str_eq(aip_result_law_version(r, 0), "v1");
    ck_assert_int_eq(fired(r, 0, "old-rule"), 1);
    ck_assert_int_eq(fired(r, 0, "new-rule"), 0);
    ck_assert_str_eq(aip_result_dimension(r, 0, "tier", NULL), "high");
    ck_assert_int_lt(ob_index(r, 0, "o-new"), 0);
    check_ob(r, "o-hr", "2026-08-02", AIP_UPCOMING, 1);
    char *j = json_of(r);
    ck_assert_msg(strstr(j, "\"law_version\":\"v1\",\"law_version_title\":"
                            "\"As adopted\"") != NULL,
                  "provenance v1");
    free(j);
    aip_result_free(r);
    /* the day of the amendment: the new rule set */
    r = run(kb, dated_facts, "2026-06-01");
    ck_assert_str_eq(aip_result_law_version(r, 0), "v2");
    ck_assert_int_eq(fired(r, 0, "old-rule"), 0);
    ck_assert_int_eq(fired(r, 0, "new-rule"), 1);
    int det = -1;
    ck_assert_str_eq(aip_result_dimension(r, 0, "tier", &det), "low");
    ck_assert_int_eq(det, 1);
    /* a rule new in v2 applies from v2's entry into force */
    check_ob(r, "o-new", "2026-06-01", AIP_IN_FORCE, 1);
    /* the versioned date of the amendment */
    check_ob(r, "o-hr", "2027-12-02", AIP_UPCOMING, 1);
    j = json_of(r);
    ck_assert_msg(strstr(j, "\"upcoming\":[{\"value\":\"high\",\"from\":"
                            "\"2030-01-01\",\"rule\":\"future-rule\"}]")
                      != NULL,
                  "future-rule upcoming");
    ck_assert_msg(strstr(j, "\"law_version\":\"v2\",\"law_version_title\":"
                            "\"As amended\",\"law_version_in_force\":"
                            "\"2026-06-01\"") != NULL,
                  "provenance v2");
    free(j);
    aip_result_free(r);
    aip_kb_release(kb);
}
END_TEST

START_TEST(dates_obligation_edges)
{
    aip_kb *kb = load("tests/fixtures/eval/dates.yaml", NULL);
    aip_result *r = run(kb, dated_facts, "2025-02-01");
    check_ob(r, "o-edge", "2025-02-02", AIP_UPCOMING, 1);
    aip_result_free(r);
    r = run(kb, dated_facts, "2025-02-02");
    check_ob(r, "o-edge", "2025-02-02", AIP_IN_FORCE, 1);
    /* the rule's override replaces the obligation's own date */
    check_ob(r, "o-over", "2027-01-01", AIP_UPCOMING, 1);
    /* never before the rule itself applies */
    check_ob(r, "o-late", "2025-10-01", AIP_UPCOMING, 1);
    /* two certain triggers: the earliest date */
    check_ob(r, "o-two", "2026-03-03", AIP_UPCOMING, 1);
    /* a certain trigger beats an earlier possible one */
    check_ob(r, "o-cp", "2027-07-07", AIP_UPCOMING, 1);
    aip_result_free(r);
    r = run(kb, dated_facts, "2025-10-01");
    check_ob(r, "o-late", "2025-10-01", AIP_IN_FORCE, 1);
    aip_result_free(r);
    r = run(kb, dated_facts, "2025-09-30");
    check_ob(r, "o-late", "2025-10-01", AIP_UPCOMING, 1);
    ck_assert_int_eq(fired(r, 0, "late-rule"), 1);
    aip_result_free(r);
    /* with only the possible trigger left */
    r = run(kb, "  flag: false\n  hr: false\n", "2025-02-02");
    check_ob(r, "o-cp", "2025-01-05", AIP_IN_FORCE, 0);
    ck_assert_int_lt(ob_index(r, 0, "o-two"), 0);
    ck_assert_str_eq(missing_list(r), "unk");
    aip_result_free(r);
    aip_kb_release(kb);
}
END_TEST

START_TEST(as_of_defaults_to_today)
{
    aip_kb *kb = load("tests/fixtures/eval/dates.yaml", NULL);
    aip_query *q = NULL;
    ck_assert_int_eq(aip_query_new(kb, &q), AIP_OK);
    aip_result *r = NULL;
    aipi_date before = aipi_date_today();
    ck_assert_int_eq(aip_classify(q, &r, NULL), AIP_OK);
    aipi_date after = aipi_date_today();
    char b[11], a[11];
    aipi_date_format(before, b);
    aipi_date_format(after, a);
    ck_assert_msg(strcmp(aip_result_as_of(r), b) == 0
                      || strcmp(aip_result_as_of(r), a) == 0,
                  "as_of %s, today %s", aip_result_as_of(r), a);
    aip_result_free(r);
    /* a profile date is used unless the query's date is set after it */
    static const char p[] = "profile: 1\ndate: 2025-05-05\nfacts: {}\n";
    ck_assert_int_eq(aip_query_parse(q, "p", p, sizeof p - 1, NULL), AIP_OK);
    ck_assert_int_eq(aip_classify(q, &r, NULL), AIP_OK);
    ck_assert_str_eq(aip_result_as_of(r), "2025-05-05");
    aip_result_free(r);
    ck_assert_int_eq(aip_query_set_as_of(q, "2025-06-06"), AIP_OK);
    ck_assert_int_eq(aip_classify(q, &r, NULL), AIP_OK);
    ck_assert_str_eq(aip_result_as_of(r), "2025-06-06");
    aip_result_free(r);
    aip_query_free(q);
    aip_kb_release(kb);
}
END_TEST

/* ======================================================================== */
/* penalties                                                                   */
/* ======================================================================== */

typedef struct pen_case {
    const char *facts;
    double ceiling;              /* < 0: no penalty engaged */
    int certain;
} pen_case;

static const pen_case pen_cases[] = {
    { "  pick: higher\n  turnover: 1000000000\n", 70000000, 1 },
    { "  pick: higher\n  turnover: 100000000\n", 35000000, 1 },
    { "  pick: lower\n  turnover: 1000000000\n", 35000000, 1 },
    { "  pick: lower\n  turnover: 100000000\n", 7000000, 1 },
    { "  pick: variant\n  turnover: 1000000000\n  sme: true\n", 35000000, 1 },
    { "  pick: variant\n  turnover: 100000000\n  sme: true\n", 7000000, 1 },
    { "  pick: variant\n  turnover: 1000000000\n  sme: false\n", 70000000, 1 },
    /* the variant is undecided: the higher figure, not certain */
    { "  pick: variant\n  turnover: 1000000000\n", 70000000, 0 },
    { "  pick: variant\n  turnover: 100000000\n", 35000000, 0 },
    /* the turnover is unknown: the amount, not certain */
    { "  pick: higher\n", 35000000, 0 },
    { "  pick: lower\n", 35000000, 0 },
    { "  pick: percent\n  turnover: 1000000000\n", 40000000, 1 },
    { "  pick: percent\n", 0, 0 },
    /* through a certain obligation in force */
    { "  pick: obligation\n", 500, 1 },
    /* nothing engaged */
    { "", -1, 0 },
};

START_TEST(penalties)
{
    const pen_case *c = &pen_cases[_i];
    aip_kb *kb = load("tests/fixtures/eval/penalties.yaml", NULL);
    aip_result *r = run(kb, c->facts, NULL);
    double ceiling = -12345;
    const char *currency = NULL;
    int rc = aip_result_penalty_ceiling(r, 0, &ceiling, &currency);
    char *j = json_of(r);
    if (c->ceiling < 0) {
        ck_assert_int_eq(rc, AIP_ENOTFOUND);
        ck_assert(ceiling == -12345);
        ck_assert_ptr_null(currency);
        ck_assert_msg(strstr(j, "\"penalty\":null") != NULL, "penalty null");
    } else {
        ck_assert_int_eq(rc, AIP_OK);
        ck_assert_msg(ceiling == c->ceiling, "case %d: ceiling %.17g, "
                      "expected %.17g", _i, ceiling, c->ceiling);
        ck_assert_str_eq(currency, "EUR");
        char want[128];
        snprintf(want, sizeof want,
                 "\"penalty\":{\"ceiling\":%.0f,\"currency\":\"EUR\","
                 "\"certain\":%s,", c->ceiling,
                 c->certain ? "true" : "false");
        ck_assert_msg(strstr(j, want) != NULL, "case %d: JSON lacks %s", _i,
                      want);
    }
    free(j);
    aip_result_free(r);
    aip_kb_release(kb);
}
END_TEST

START_TEST(penalty_details_in_json)
{
    aip_kb *kb = load("tests/fixtures/eval/penalties.yaml", NULL);
    aip_result *r = run(kb, "  pick: variant\n  turnover: 1000000000\n"
                            "  sme: true\n", NULL);
    char *j = json_of(r);
    ck_assert_msg(strstr(j, "\"regimes\":[{\"id\":\"pen-variant\"") != NULL,
                  "regime");
    ck_assert_msg(strstr(j, "\"combine\":\"lower\",\"variant_citation\":"
                            "{\"ref\":\"Art. 3(6)\",\"url\":"
                            "\"https://example.org/fines#3-6\"},"
                            "\"turnover\":1000000000") != NULL,
                  "variant details: %s", j);
    free(j);
    aip_result_free(r);
    /* `per` is a text */
    r = run(kb, "  pick: higher\n  turnover: 1\n", NULL);
    j = json_of(r);
    ck_assert_msg(strstr(j, "\"per\":\"infringement\",") != NULL, "per: %s", j);
    free(j);
    j = test_json(r, "fr", 0);
    ck_assert_msg(strstr(j, "\"per\":\"infraction\",") != NULL, "per: %s", j);
    free(j);
    aip_result_free(r);
    r = run(kb, "  pick: lower\n", NULL);
    j = json_of(r);
    ck_assert_msg(strstr(j, "\"per\":null,") != NULL, "per: %s", j);
    free(j);
    aip_result_free(r);
    /* undecided variant: the turnover fact and the variant's fact are
     * missing */
    r = run(kb, "  pick: variant\n", NULL);
    ck_assert_str_eq(missing_list(r), "turnover,sme");
    j = json_of(r);
    ck_assert_msg(strstr(j, "\"combine\":\"higher\",\"turnover\":null") != NULL,
                  "undecided: %s", j);
    free(j);
    aip_result_free(r);
    aip_kb_release(kb);
}
END_TEST

/* ======================================================================== */
/* output                                                                      */
/* ======================================================================== */

START_TEST(json_top_level_and_provenance)
{
    aip_kb *kb = load("tests/fixtures/eval/scope.yaml",
                      "tests/fixtures/eval/noscope.yaml");
    aip_result *r = run(kb, "  x_in: true\n  x_out: false\n  flag: true\n",
                        "2026-03-04");
    char *j = json_of(r);
    char want[512];
    snprintf(want, sizeof want,
             "{\"format\":\"aipolicy-result\",\"format_version\":1,"
             "\"provenance\":{\"library_version\":\"%s\","
             "\"knowledge_fingerprint\":\"%s\",\"as_of\":\"2026-03-04\","
             "\"lang\":\"en\",\"regulations\":[",
             AIP_VERSION, aip_kb_fingerprint(kb));
    ck_assert_msg(strncmp(j, want, strlen(want)) == 0, "JSON starts %.300s",
                  j);
    ck_assert_str_eq(aip_version(), AIP_VERSION);
    /* the given facts, in vocabulary order */
    ck_assert_msg(strstr(j, "\"facts\":{\"x_in\":true,\"x_out\":false,"
                            "\"flag\":true},\"regulations\":[") != NULL,
                  "given facts");
    ck_assert_msg(strstr(j, "\"notes\":[{\"rule\":\"flag-rule\",\"text\":"
                            "\"The flag is set.\"}]") != NULL,
                  "notes");
    ck_assert_msg(strstr(j, "\"id\":\"scoped\",\"title\":\"Scoped "
                            "regulation\",\"jurisdiction\":\"TEST\","
                            "\"law_version\":\"v1\"") != NULL,
                  "regulation header");
    size_t n = strlen(j);
    ck_assert_int_eq(j[n - 1], '}');
    static const char tail[] = ",\"missing_facts\":[]}";
    ck_assert_msg(n > sizeof tail && strcmp(j + n - (sizeof tail - 1), tail) == 0,
                  "top-level missing_facts last: %s", j + n - 40);
    /* pretty: the same content, indented, newline at the end */
    char *pretty = test_json(r, NULL, AIP_JSON_PRETTY);
    size_t where = 0;
    ck_assert_msg(test_json_valid(pretty, &where), "pretty JSON invalid at %zu",
                  where);
    ck_assert_msg(strncmp(pretty, "{\n  \"format\": \"aipolicy-result\",\n"
                                  "  \"format_version\": 1,\n", 55) == 0,
                  "pretty starts %.80s", pretty);
    ck_assert_int_eq(pretty[strlen(pretty) - 1], '\n');
    ck_assert_int_eq(pretty[strlen(pretty) - 2], '}');
    /* removing the whitespace outside strings gives the compact form */
    char *squeezed = malloc(strlen(pretty) + 1);
    size_t k = 0;
    int in_str = 0;
    for (const char *p = pretty; *p; p++) {
        if (*p == '"' && (p == pretty || p[-1] != '\\'))
            in_str = !in_str;
        if (!in_str && (*p == ' ' || *p == '\n'))
            continue;
        squeezed[k++] = *p;
    }
    squeezed[k] = '\0';
    ck_assert_str_eq(squeezed, j);
    free(squeezed);
    free(pretty);
    /* French titles */
    char *fr = test_json(r, "fr", 0);
    ck_assert_msg(strstr(fr, "\"title\":\"Règlement à champ\"") != NULL,
                  "French title");
    ck_assert_msg(strstr(fr, "\"lang\":\"fr\"") != NULL, "lang fr");
    ck_assert_msg(strstr(fr, "\"label\":\"Risque élevé\"") != NULL,
                  "French label");
    free(fr);
    free(j);
    aip_result_free(r);
    aip_kb_release(kb);
}
END_TEST

START_TEST(json_escapes_strings)
{
    static const char doc[] =
        "schema_version: 1\n"
        "facts:\n"
        "  - {id: f, type: bool, label: {en: F, fr: F}, question: {en: F?, fr: F ?}}\n"
        "regulation:\n"
        "  id: esc\n"
        "  title: {en: \"Quote \\\" back \\\\ tab \\t nl \\n bell \\a\", fr: x}\n"
        "  jurisdiction: TEST\n"
        "  source: https://example.org/esc\n"
        "  versions:\n"
        "    - {id: v1, title: {en: V, fr: V}, in_force: 2000-01-01}\n";
    aip_error *err = NULL;
    aip_kb *kb = test_load_kb_buffer(NULL, "esc", doc, &err);
    ck_assert_msg(kb != NULL, "%s", test_error_str(err));
    aip_result *r = run(kb, "", NULL);
    char *j = json_of(r);
    ck_assert_msg(strstr(j, "\"title\":\"Quote \\\" back \\\\ tab \\t nl \\n "
                            "bell \\u0007\"") != NULL,
                  "escaping: %s", j);
    free(j);
    aip_result_free(r);
    aip_kb_release(kb);
}
END_TEST

START_TEST(deterministic_output)
{
    static const char facts[] = "  x_in: true\n  flag: true\n";
    aip_kb *kb = load("tests/fixtures/eval/scope.yaml",
                      "tests/fixtures/eval/noscope.yaml");
    aip_result *r1 = run(kb, facts, "2026-01-01");
    aip_result *r2 = run(kb, facts, "2026-01-01");
    char *j1 = test_json(r1, "en", AIP_JSON_PRETTY);
    char *j2 = test_json(r2, "en", AIP_JSON_PRETTY);
    char *j1b = test_json(r1, "en", AIP_JSON_PRETTY);
    ck_assert_str_eq(j1, j2);
    ck_assert_str_eq(j1, j1b);
    char *t1 = test_text(r1, "fr"), *t2 = test_text(r2, "fr");
    ck_assert_str_eq(t1, t2);
    /* another knowledge base from the same files */
    aip_kb *kb2 = load("tests/fixtures/eval/scope.yaml",
                       "tests/fixtures/eval/noscope.yaml");
    aip_result *r3 = run(kb2, facts, "2026-01-01");
    char *j3 = test_json(r3, "en", AIP_JSON_PRETTY);
    ck_assert_str_eq(j1, j3);
    free(j1);
    free(j2);
    free(j1b);
    free(j3);
    free(t1);
    free(t2);
    aip_result_free(r1);
    aip_result_free(r2);
    aip_result_free(r3);
    aip_kb_release(kb);
    aip_kb_release(kb2);
}
END_TEST

START_TEST(text_output_en_and_fr)
{
    aip_kb *kb = load("tests/fixtures/eval/scope.yaml",
                      "tests/fixtures/eval/noscope.yaml");
    aip_result *r = run(kb, "  x_in: true\n  x_out: false\n  flag: true\n",
                        "2026-01-01");
    char *en = test_text(r, "en");
    char *en2 = test_text(r, NULL);
    ck_assert_str_eq(en, en2);
    ck_assert_msg(strncmp(en, "As of: 2026-01-01\n", 18) == 0, "%s", en);
    ck_assert_msg(test_contains(en, "Scoped regulation"), "%s", en);
    ck_assert_msg(test_contains(en, "Applies"), "%s", en);
    ck_assert_msg(test_contains(en, "Risk tier: High risk"), "%s", en);
    ck_assert_msg(test_contains(en, "Keep records [Art. 3]"), "%s", en);
    ck_assert_msg(test_contains(en, "The flag is set."), "%s", en);
    ck_assert_msg(test_contains(en, "5 000 EUR"), "%s", en);
    ck_assert_msg(test_contains(en, aip_kb_fingerprint(kb)), "%s", en);
    ck_assert_msg(!test_contains(en, "Règlement"), "%s", en);
    char *fr = test_text(r, "fr");
    ck_assert_msg(strncmp(fr, "À la date du : 2026-01-01\n", 27) == 0
                      || strncmp(fr, "À la date du: 2026-01-01\n", 26) == 0,
                  "%s", fr);
    ck_assert_msg(test_contains(fr, "Règlement à champ"), "%s", fr);
    ck_assert_msg(test_contains(fr, "S'applique"), "%s", fr);
    ck_assert_msg(test_contains(fr, "Niveau de risque: Risque élevé")
                      || test_contains(fr, "Niveau de risque : Risque élevé"),
                  "%s", fr);
    ck_assert_msg(test_contains(fr, "Tenir des registres"), "%s", fr);
    ck_assert_msg(test_contains(fr, "Le drapeau est levé."), "%s", fr);
    ck_assert_msg(test_contains(fr, "Règlement sans champ"), "%s", fr);
    ck_assert_msg(!test_contains(fr, "Keep records"), "%s", fr);
    ck_assert_msg(!test_contains(fr, "Scoped regulation"), "%s", fr);
    free(en);
    free(en2);
    free(fr);
    aip_result_free(r);
    /* undetermined and missing facts, in French */
    r = run(kb, "", "2026-01-01");
    fr = test_text(r, "fr");
    ck_assert_msg(test_contains(fr, "Indéterminé"), "%s", fr);
    ck_assert_msg(test_contains(fr, "Faits encore nécessaires"), "%s", fr);
    ck_assert_msg(test_contains(fr, "Dedans ? (x_in)"), "%s", fr);
    free(fr);
    aip_result_free(r);
    aip_kb_release(kb);
}
END_TEST

START_TEST(result_outlives_query)
{
    aip_kb *kb = load("tests/fixtures/eval/roles.yaml", NULL);
    aip_query *q = NULL;
    ck_assert_int_eq(aip_query_new(kb, &q), AIP_OK);
    ck_assert_int_eq(aip_query_add_to_set(q, "role", "provider"), AIP_OK);
    ck_assert_int_eq(aip_query_set_as_of(q, "2026-01-01"), AIP_OK);
    aip_result *r = NULL;
    ck_assert_int_eq(aip_classify(q, &r, NULL), AIP_OK);
    /* changing or freeing the query does not change the result */
    ck_assert_int_eq(aip_query_add_to_set(q, "role", "deployer"), AIP_OK);
    aip_query_free(q);
    aip_kb_release(kb);
    ck_assert_uint_eq(aip_result_obligation_count(r, 0), 1);
    char *j = json_of(r);
    ck_assert_msg(strstr(j, "\"facts\":{\"role\":[\"provider\"]}") != NULL,
                  "%s", j);
    free(j);
    aip_result_free(r);
}
END_TEST

/* ======================================================================== */

static Suite *eval_suite(void)
{
    Suite *s = suite_create("eval");
    TCase *tc = tcase_create("logic");
    tcase_add_loop_test(tc, kleene_tables, 0, 9);
    tcase_add_loop_test(tc, comparisons, 0,
                        (int)(sizeof cmp_cases / sizeof cmp_cases[0]));
    tcase_add_loop_test(tc, dimension_conditions, 0,
                        (int)(sizeof dim_cases / sizeof dim_cases[0]));
    tcase_add_test(tc, unknown_dimension_accessors);
    tcase_add_loop_test(tc, dimension_readers, 0,
                        (int)(sizeof reader_cases / sizeof reader_cases[0]));
    suite_add_tcase(s, tc);

    tc = tcase_create("missing");
    tcase_add_test(tc, missing_facts_ordered_by_score);
    tcase_add_test(tc, missing_facts_score_counts_steps_above_floor);
    tcase_add_test(tc, relevant_if_hides_missing_fact);
    tcase_add_test(tc, nothing_missing_when_out_of_scope);
    suite_add_tcase(s, tc);

    tc = tcase_create("scope-roles");
    tcase_add_loop_test(tc, scope, 0,
                        (int)(sizeof scope_cases / sizeof scope_cases[0]));
    tcase_add_test(tc, scope_rule_not_yet_applicable);
    tcase_add_test(tc, roles);
    suite_add_tcase(s, tc);

    tc = tcase_create("dates");
    tcase_add_test(tc, dates_before_first_version);
    tcase_add_test(tc, dates_amendment_edges);
    tcase_add_test(tc, dates_obligation_edges);
    tcase_add_test(tc, as_of_defaults_to_today);
    suite_add_tcase(s, tc);

    tc = tcase_create("penalties");
    tcase_add_loop_test(tc, penalties, 0,
                        (int)(sizeof pen_cases / sizeof pen_cases[0]));
    tcase_add_test(tc, penalty_details_in_json);
    suite_add_tcase(s, tc);

    tc = tcase_create("output");
    tcase_add_test(tc, json_top_level_and_provenance);
    tcase_add_test(tc, json_escapes_strings);
    tcase_add_test(tc, deterministic_output);
    tcase_add_test(tc, text_output_en_and_fr);
    tcase_add_test(tc, result_outlives_query);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(eval_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
