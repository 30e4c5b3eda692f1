/*
 * tests/check_export.c - aip_kb_export_jsonlogic and "aipolicy export
 * --jsonlogic" (doc/jsonlogic-export.md): the output is valid JSON for the
 * bundled knowledge, every condition form is written as documented, the
 * command's options and errors, allocation failures. No node needed: the
 * agreement with json-logic-js itself is checked by bench/compare.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aipolicy.h"
#include "common.h"

static char *export_of(aip_kb *kb, size_t *len)
{
    char *out = NULL;
    size_t n = 0;
    ck_assert_int_eq(aip_kb_export_jsonlogic(kb, &out, &n), AIP_OK);
    ck_assert_ptr_nonnull(out);
    ck_assert_uint_eq(strlen(out), n);
    if (len)
        *len = n;
    return out;
}

static void assert_json(const char *text)
{
    size_t where = 0;
    ck_assert_msg(test_json_valid(text, &where),
                  "not valid JSON at byte %zu: ...%.80s", where,
                  text + (where > 40 ? where - 40 : 0));
}

START_TEST(bundled_is_valid_json)
{
    aip_kb *kb = NULL;
    aip_error *err = NULL;
    ck_assert_msg(aip_kb_load_path(NULL, test_datadir(), &kb, &err) == AIP_OK,
                  "%s", test_error_str(err));
    char *out = export_of(kb, NULL);
    assert_json(out);
    ck_assert(test_contains(out, "{\"format\":\"aipolicy-jsonlogic\","
                                 "\"format_version\":1,"));
    ck_assert(test_contains(out, aip_kb_fingerprint(kb)));
    /* every rule of every regulation, once */
    size_t rules = 0;
    for (size_t r = 0; r < aip_kb_regulation_count(kb); r++) {
        rules += aip_kb_rule_count(kb, r);
        for (size_t i = 0; i < aip_kb_rule_count(kb, r); i++) {
            char needle[128];
            snprintf(needle, sizeof needle, "\n{\"id\":\"%s\",",
                     aip_kb_rule_id(kb, r, i));
            ck_assert_msg(test_contains(out, needle), "rule %s missing",
                          aip_kb_rule_id(kb, r, i));
        }
    }
    ck_assert_uint_eq(test_count(out, "\"applies_from_day\""), rules);
    /* every fact, with its type */
    ck_assert_uint_eq(test_count(out, ",\"type\":"), aip_kb_fact_count(kb));
    aip_string_free(out);
    aip_kb_release(kb);
}
END_TEST

/* Every condition form, written out exactly. */
static const char forms_yaml[] =
    "schema_version: 1\n"
    "facts:\n"
    "  - {id: b, type: bool, label: {en: b, fr: b}, question: {en: b, fr: b}}\n"
    "  - {id: e, type: enum, label: {en: e, fr: e}, question: {en: e, fr: e},\n"
    "     values: [{id: a, label: {en: a, fr: a}}, {id: b, label: {en: b, fr: b}},\n"
    "              {id: c, label: {en: c, fr: c}}]}\n"
    "  - {id: s, type: set, label: {en: s, fr: s}, question: {en: s, fr: s},\n"
    "     values: [{id: x, label: {en: x, fr: x}}, {id: y, label: {en: y, fr: y}}]}\n"
    "  - {id: n, type: number, min: 0, label: {en: n, fr: n}, question: {en: n, fr: n}}\n"
    "  - {id: m, type: number, min: 0, max: 10, label: {en: m, fr: m}, question: {en: m, fr: m}}\n"
    "  - {id: d, type: date, label: {en: d, fr: d}, question: {en: d, fr: d}}\n"
    "  - {id: x.y, type: bool, label: {en: x, fr: x}, question: {en: x, fr: x}}\n"
    "regulation:\n"
    "  id: forms\n"
    "  title: {en: Forms, fr: Formes}\n"
    "  jurisdiction: XX\n"
    "  source: https://example.org/\n"
    "  versions:\n"
    "    - {id: v1, title: {en: v1, fr: v1}, in_force: 2024-01-01}\n"
    "    - {id: v2, title: {en: v2, fr: v2}, in_force: 2026-01-01}\n"
    "  dimensions:\n"
    "    - {id: tier, title: {en: t, fr: t}, values: [{id: low, label: {en: l, fr: l}},\n"
    "       {id: high, label: {en: h, fr: h}}]}\n"
    "  rules:\n"
    "    - id: reader\n"
    "      title: {en: r, fr: r}\n"
    "      citation: {ref: A, url: https://example.org/a}\n"
    "      when: {all: [{dimension: tier, gte: high}, {dimension: tier, in: [high]}]}\n"
    "      note: {en: n, fr: n}\n"
    "    - id: r1\n"
    "      title: {en: r, fr: r}\n"
    "      citation: {ref: A, url: https://example.org/a}\n"
    "      when:\n"
    "        all:\n"
    "          - {fact: b, eq: true}\n"
    "          - {fact: e, in: [a, c]}\n"
    "          - not: {fact: s, contains: y}\n"
    "          - {fact: e, ne: b}\n"
    "          - {fact: x.y, eq: false}\n"
    "      raise: {tier: high}\n"
    "      applies_from: 2025-01-01\n"
    "    - id: r2\n"
    "      title: {en: r, fr: r}\n"
    "      citation: {ref: A, url: https://example.org/a}\n"
    "      when:\n"
    "        any:\n"
    "          - {sum: [n, m], gt: 1.5}\n"
    "          - {fact: d, lt: 2020-01-02}\n"
    "          - {known: n}\n"
    "          - {fact: n, lte: 3e24}\n"
    "          - {all: []}\n"
    "          - {any: []}\n"
    "      law: {from: v2}\n"
    "      note: {en: n, fr: n}\n";

START_TEST(every_form_exactly)
{
    aip_error *err = NULL;
    aip_kb *kb = test_load_kb_buffer(NULL, "forms", forms_yaml, &err);
    ck_assert_msg(kb != NULL, "%s", test_error_str(err));
    char *out = export_of(kb, NULL);
    assert_json(out);
    /* facts: the id with a "." gets "#N" as its variable */
    ck_assert(test_contains(out, "{\"id\":\"b\",\"var\":\"b\",\"type\":\"bool\"}"));
    ck_assert(test_contains(out, "{\"id\":\"e\",\"var\":\"e\",\"type\":\"enum\","
                                 "\"values\":[\"a\",\"b\",\"c\"]}"));
    ck_assert(test_contains(out, "{\"id\":\"m\",\"var\":\"m\",\"type\":\"number\","
                                 "\"min\":0,\"max\":10}"));
    ck_assert(test_contains(out, "{\"id\":\"x.y\",\"var\":\"#6\",\"type\":\"bool\"}"));
    ck_assert(test_contains(out,
        "\"versions\":[{\"id\":\"v1\",\"in_force\":\"2024-01-01\","
        "\"in_force_day\":19723},{\"id\":\"v2\",\"in_force\":\"2026-01-01\","
        "\"in_force_day\":20454}],\"dimensions\":[{\"id\":\"tier\","
        "\"var\":\"@tier\",\"values\":[\"low\",\"high\"]}]"));
    /* r1 before reader (it raises what reader reads) */
    const char *r1 =
        "{\"id\":\"r1\",\"law\":[0,null],\"applies_from_day\":[20089,20089],"
        "\"raise\":{\"tier\":\"high\"},\"when\":{\"and\":["
        "{\"==\":[{\"var\":\"b\"},true]},"
        "{\"in\":[{\"var\":\"e\"},[\"a\",\"c\"]]},"
        "{\"!\":[{\"in\":[\"y\",{\"var\":\"s\"}]}]},"
        "{\"!=\":[{\"var\":\"e\"},\"b\"]},"
        "{\"==\":[{\"var\":\"#6\"},false]}]}}";
    const char *reader =
        "{\"id\":\"reader\",\"law\":[0,null],\"applies_from_day\":[19723,19723],"
        "\"raise\":{},\"when\":{\"and\":[{\">=\":[{\"var\":\"@tier\"},1]},"
        "{\"in\":[{\"var\":\"@tier\"},[1]]}]}}";
    const char *r2 =
        "{\"id\":\"r2\",\"law\":[1,null],\"applies_from_day\":[20454,20454],"
        "\"raise\":{},\"when\":{\"or\":["
        "{\">\":[{\"+\":[{\"var\":\"n\"},{\"var\":\"m\"}]},1.5]},"
        "{\"<\":[{\"var\":\"d\"},18263]},"
        "true,"
        "{\"<=\":[{\"var\":\"n\"},3e+24]},"
        "true,false]}}";
    const char *p1 = strstr(out, r1), *p2 = strstr(out, reader);
    ck_assert_msg(p1 != NULL, "r1 not as expected in:\n%s", out);
    ck_assert_msg(p2 != NULL, "reader not as expected in:\n%s", out);
    ck_assert_msg(p1 < p2, "r1 must come before reader (evaluation order)");
    ck_assert_msg(test_contains(out, r2), "r2 not as expected in:\n%s", out);
    aip_string_free(out);
    aip_kb_release(kb);
}
END_TEST

START_TEST(bad_arguments)
{
    char *out = (char *)"unchanged";
    size_t len = 7;
    ck_assert_int_eq(aip_kb_export_jsonlogic(NULL, &out, &len), AIP_EINVAL);
    ck_assert_str_eq(out, "unchanged");
    ck_assert_uint_eq(len, 7);
    aip_error *err = NULL;
    aip_kb *kb = test_load_kb_buffer(NULL, "forms", forms_yaml, &err);
    ck_assert_ptr_nonnull(kb);
    ck_assert_int_eq(aip_kb_export_jsonlogic(kb, NULL, &len), AIP_EINVAL);
    out = NULL;
    ck_assert_int_eq(aip_kb_export_jsonlogic(kb, &out, NULL), AIP_OK);
    aip_string_free(out);
    aip_kb_release(kb);
}
END_TEST

/* Every allocation failure gives AIP_ENOMEM, leaves *out alone and leaks
 * nothing. */
START_TEST(allocation_failures)
{
    test_alloc ta;
    test_alloc_init(&ta);
    aip_error *err = NULL;
    aip_kb *kb = test_load_kb_buffer(&ta.hook, "forms", forms_yaml, &err);
    ck_assert_ptr_nonnull(kb);
    size_t before = ta.live_bytes;
    int rc = AIP_ENOMEM;
    for (size_t i = 0; rc == AIP_ENOMEM && i < 10000; i++) {
        char *out = NULL;
        test_alloc_fail_after(&ta, i, 0);
        rc = aip_kb_export_jsonlogic(kb, &out, NULL);
        test_alloc_disarm(&ta);
        if (rc == AIP_ENOMEM) {
            ck_assert_ptr_null(out);
            ck_assert_uint_eq(ta.live_bytes, before);
        } else {
            ck_assert_int_eq(rc, AIP_OK);
            aip_string_free(out);
        }
    }
    ck_assert_int_eq(rc, AIP_OK);
    aip_kb_release(kb);
    ck_assert_uint_eq(ta.live_bytes, 0);
    ck_assert_uint_eq(ta.mismatches, 0);
}
END_TEST

#define DATA "--data", test_datadir()

START_TEST(cli_export)
{
    test_run r;
    test_run_tool(&r, DATA, "export", "--jsonlogic", NULL);
    ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
    assert_json(r.out);
    ck_assert(!test_contains(r.out, "\"as_of\""));
    test_run_free(&r);

    test_run_tool(&r, DATA, "export", "--jsonlogic", "--date", "2027-12-02",
                  NULL);
    ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
    assert_json(r.out);
    ck_assert(test_contains(r.out, ",\"as_of\":\"2027-12-02\","
                                   "\"as_of_day\":21154}\n"));
    test_run_free(&r);

    test_run_tool(&r, "export", "--help", NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert(test_contains(r.out, "export --jsonlogic"));
    test_run_free(&r);

    /* usage errors: exit 2 */
    test_run_tool(&r, DATA, "export", NULL);
    ck_assert_int_eq(r.status, 2);
    ck_assert(test_contains(r.err, "--jsonlogic"));
    test_run_free(&r);
    test_run_tool(&r, DATA, "export", "--jsonlogic", "--date", "2026-02-30",
                  NULL);
    ck_assert_int_eq(r.status, 2);
    ck_assert(test_contains(r.err, "2026-02-30"));
    test_run_free(&r);
    test_run_tool(&r, DATA, "export", "--jsonlogic", "--date", NULL);
    ck_assert_int_eq(r.status, 2);
    test_run_free(&r);
    test_run_tool(&r, DATA, "export", "--yaml", NULL);
    ck_assert_int_eq(r.status, 2);
    test_run_free(&r);
    /* unreadable knowledge: exit 3 */
    test_run_tool(&r, "--data", "/nonexistent/aipolicy", "export",
                  "--jsonlogic", NULL);
    ck_assert_int_eq(r.status, 3);
    test_run_free(&r);
}
END_TEST

static Suite *export_suite(void)
{
    Suite *s = suite_create("export");
    TCase *tc = tcase_create("jsonlogic");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, bundled_is_valid_json);
    tcase_add_test(tc, every_form_exactly);
    tcase_add_test(tc, bad_arguments);
    tcase_add_test(tc, allocation_failures);
    tcase_add_test(tc, cli_export);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(export_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
