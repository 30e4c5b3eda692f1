/*
 * tests/check_api.c - the public API as a caller sees it (black box):
 * versions, status texts, NULL arguments, query setters, profiles (YAML and
 * JSON) and their errors, reference counting, ownership of strings and
 * errors, concurrent classification.
 */
#include <check.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aipolicy.h"
#include "common.h"

#define KB_FILE "tests/fixtures/api/kb.yaml"

static aip_kb *api_kb(const aip_allocator *alloc)
{
    aip_error *err = NULL;
    aip_kb *kb = test_load_kb(alloc, &err, KB_FILE, NULL);
    ck_assert_msg(kb != NULL, "%s", test_error_str(err));
    return kb;
}

/* The "facts" object of the query's classification, e.g. {"flag":true}:
 * what the query holds, as seen through the public API. */
static char *facts_of(const aip_query *q)
{
    aip_result *r = NULL;
    aip_error *err = NULL;
    int rc = aip_classify(q, &r, &err);
    ck_assert_msg(rc == AIP_OK, "%s", test_error_str(err));
    char *j = test_json(r, "en", 0);
    aip_result_free(r);
    const char *p = strstr(j, ",\"facts\":{");
    ck_assert_ptr_nonnull(p);
    p += strlen(",\"facts\":");
    const char *e = strstr(p, "},\"regulations\":");
    ck_assert_ptr_nonnull(e);
    char *out = strndup(p, (size_t)(e - p) + 1);
    free(j);
    return out;
}

/* as_of of the query's classification */
static char *as_of_of(const aip_query *q)
{
    aip_result *r = NULL;
    ck_assert_int_eq(aip_classify(q, &r, NULL), AIP_OK);
    char *s = strdup(aip_result_as_of(r));
    aip_result_free(r);
    return s;
}

/* ======================================================================== */
/* versions and status texts                                                 */
/* ======================================================================== */

START_TEST(versions)
{
    ck_assert_str_eq(aip_version(), AIP_VERSION);
    ck_assert_int_eq(aip_version_number(), AIP_VERSION_NUMBER);
    ck_assert_int_eq(AIP_VERSION_NUMBER, AIP_VERSION_MAJOR * 10000
                                             + AIP_VERSION_MINOR * 100
                                             + AIP_VERSION_PATCH);
    char want[32];
    snprintf(want, sizeof want, "%d.%d.%d", AIP_VERSION_MAJOR,
             AIP_VERSION_MINOR, AIP_VERSION_PATCH);
    ck_assert_str_eq(aip_version(), want);
    ck_assert_int_eq(aip_schema_version(), AIP_SCHEMA_VERSION);
    ck_assert_int_eq(aip_schema_version(), 1);
    ck_assert(AIP_VERSION_AT_LEAST(0, 0, 0));
    ck_assert(AIP_VERSION_AT_LEAST(AIP_VERSION_MAJOR, AIP_VERSION_MINOR,
                                   AIP_VERSION_PATCH));
    ck_assert(!AIP_VERSION_AT_LEAST(AIP_VERSION_MAJOR + 1, 0, 0));
}
END_TEST

START_TEST(status_texts)
{
    static const int codes[] = {
        AIP_OK,        AIP_ENOMEM,    AIP_EINVAL,   AIP_EIO,
        AIP_EYAML,     AIP_ESCHEMA,   AIP_EVERSION, AIP_EDUPLICATE,
        AIP_ENOTFOUND, AIP_ERANGE,    AIP_ELIMIT,   AIP_EPROFILE,
        AIP_EINTERNAL,
    };
    /* the values are part of the ABI */
    ck_assert_int_eq(AIP_ENOMEM, -1);
    ck_assert_int_eq(AIP_EPROFILE, -11);
    ck_assert_int_eq(AIP_EINTERNAL, -99);
    const char *unknown = aip_strerror(-50);
    ck_assert_ptr_nonnull(unknown);
    size_t n = sizeof codes / sizeof codes[0];
    for (size_t i = 0; i < n; i++) {
        const char *s = aip_strerror(codes[i]);
        ck_assert_msg(s != NULL && *s, "code %d has no text", codes[i]);
        ck_assert_msg(strcmp(s, unknown) != 0, "code %d reads as unknown",
                      codes[i]);
        for (size_t k = 0; k < i; k++)
            ck_assert_msg(strcmp(s, aip_strerror(codes[k])) != 0,
                          "codes %d and %d share '%s'", codes[i], codes[k], s);
    }
    ck_assert_ptr_nonnull(aip_strerror(1));
    ck_assert_ptr_nonnull(aip_strerror(INT_MIN));
    ck_assert_ptr_nonnull(aip_strerror(INT_MAX));
}
END_TEST

/* ======================================================================== */
/* NULL arguments                                                              */
/* ======================================================================== */

START_TEST(null_errors_and_strings)
{
    ck_assert_int_eq(aip_error_code(NULL), AIP_EINVAL);
    ck_assert_ptr_nonnull(aip_error_message(NULL));
    ck_assert_ptr_null(aip_error_file(NULL));
    ck_assert_ptr_null(aip_error_path(NULL));
    ck_assert_uint_eq(aip_error_line(NULL), 0);
    ck_assert_uint_eq(aip_error_column(NULL), 0);
    aip_error_free(NULL);
    aip_string_free(NULL);
    ck_assert_ptr_nonnull(aip_default_data_dir());
}
END_TEST

START_TEST(null_builder)
{
    aip_error *err = NULL;
    ck_assert_int_eq(aip_kb_builder_new(NULL, NULL), AIP_EINVAL);
    aip_kb_builder_free(NULL);
    char path[4096];
    snprintf(path, sizeof path, "%s", test_path(KB_FILE));
    const char *paths[1] = { path };
    ck_assert_int_eq(aip_kb_builder_add_file(NULL, path, &err), AIP_EINVAL);
    ck_assert_int_eq(aip_error_code(err), AIP_EINVAL);
    aip_error_free(err);
    ck_assert_int_eq(aip_kb_builder_add_file(NULL, path, NULL), AIP_EINVAL);
    ck_assert_int_eq(aip_kb_builder_add_files(NULL, paths, 1, NULL),
                     AIP_EINVAL);
    ck_assert_int_eq(aip_kb_builder_add_dir(NULL, path, NULL), AIP_EINVAL);
    ck_assert_int_eq(aip_kb_builder_add_buffer(NULL, "x", "a", 1, NULL),
                     AIP_EINVAL);
    aip_kb *kb = (aip_kb *)0x1;
    ck_assert_int_eq(aip_kb_builder_build(NULL, &kb, NULL), AIP_EINVAL);
    ck_assert_ptr_eq(kb, (aip_kb *)0x1);

    aip_kb_builder *b = NULL;
    ck_assert_int_eq(aip_kb_builder_new(NULL, &b), AIP_OK);
    err = NULL;
    ck_assert_int_eq(aip_kb_builder_add_file(b, NULL, &err), AIP_EINVAL);
    ck_assert_int_eq(aip_error_code(err), AIP_EINVAL);
    aip_error_free(err);
    ck_assert_int_eq(aip_kb_builder_add_dir(b, NULL, NULL), AIP_EINVAL);
    ck_assert_int_eq(aip_kb_builder_add_files(b, NULL, 2, NULL), AIP_EINVAL);
    const char *with_null[] = { path, NULL };
    ck_assert_int_eq(aip_kb_builder_add_files(b, with_null, 2, NULL),
                     AIP_EINVAL);
    ck_assert_int_eq(aip_kb_builder_add_buffer(b, "x", NULL, 3, NULL),
                     AIP_EINVAL);
    ck_assert_int_eq(aip_kb_builder_build(b, NULL, NULL), AIP_EINVAL);
    /* nothing was added by the failed calls */
    ck_assert_int_eq(aip_kb_builder_build(b, &kb, NULL), AIP_OK);
    ck_assert_uint_eq(aip_kb_fact_count(kb), 0);
    aip_kb_release(kb);
    aip_kb_builder_free(b);

    kb = (aip_kb *)0x1;
    ck_assert_int_eq(aip_kb_load_path(NULL, path, NULL, NULL), AIP_EINVAL);
    ck_assert_int_eq(aip_kb_load_default(NULL, NULL, NULL), AIP_EINVAL);
    err = NULL;
    ck_assert_int_eq(aip_kb_load_path(NULL, path, NULL, &err), AIP_EINVAL);
    ck_assert_int_eq(aip_error_code(err), AIP_EINVAL);
    aip_error_free(err);
}
END_TEST

START_TEST(null_kb)
{
    ck_assert_ptr_null(aip_kb_retain(NULL));
    aip_kb_release(NULL);
    ck_assert_ptr_null(aip_kb_fingerprint(NULL));
    ck_assert_uint_eq(aip_kb_regulation_count(NULL), 0);
    ck_assert_ptr_null(aip_kb_regulation_id(NULL, 0));
    ck_assert_ptr_null(aip_kb_regulation_title(NULL, 0, "en"));
    ck_assert_uint_eq(aip_kb_rule_count(NULL, 0), 0);
    ck_assert_ptr_null(aip_kb_rule_id(NULL, 0, 0));
    ck_assert_ptr_null(aip_kb_rule_citation(NULL, 0, 0));
    ck_assert_uint_eq(aip_kb_fact_count(NULL), 0);
    ck_assert_ptr_null(aip_kb_fact_id(NULL, 0));
    ck_assert_ptr_null(aip_kb_fact_type(NULL, 0));
    ck_assert_ptr_null(aip_kb_fact_label(NULL, 0, "en"));
    ck_assert_ptr_null(aip_kb_fact_question(NULL, 0, "fr"));
    /* out of range on a real one */
    aip_kb *kb = api_kb(NULL);
    ck_assert_ptr_null(aip_kb_regulation_id(kb, SIZE_MAX));
    ck_assert_ptr_null(aip_kb_rule_id(kb, 0, SIZE_MAX));
    ck_assert_ptr_null(aip_kb_fact_id(kb, SIZE_MAX));
    ck_assert_ptr_null(aip_kb_fact_label(kb, 5, "en"));
    /* an unknown language falls back to English */
    ck_assert_str_eq(aip_kb_fact_label(kb, 0, "de"), "Flag");
    ck_assert_str_eq(aip_kb_fact_label(kb, 0, NULL), "Flag");
    aip_kb_release(kb);
}
END_TEST

START_TEST(null_query)
{
    aip_query *q = (aip_query *)0x1;
    ck_assert_int_eq(aip_query_new(NULL, &q), AIP_EINVAL);
    ck_assert_ptr_eq(q, (aip_query *)0x1);
    aip_kb *kb = api_kb(NULL);
    ck_assert_int_eq(aip_query_new(kb, NULL), AIP_EINVAL);
    aip_query_free(NULL);
    ck_assert_int_eq(aip_query_set_bool(NULL, "flag", 1), AIP_EINVAL);
    ck_assert_int_eq(aip_query_set_enum(NULL, "colour", "red"), AIP_EINVAL);
    ck_assert_int_eq(aip_query_add_to_set(NULL, "roles", "maker"), AIP_EINVAL);
    ck_assert_int_eq(aip_query_set_empty(NULL, "roles"), AIP_EINVAL);
    ck_assert_int_eq(aip_query_set_number(NULL, "count", 1), AIP_EINVAL);
    ck_assert_int_eq(aip_query_set_date(NULL, "since", "2020-01-01"),
                     AIP_EINVAL);
    ck_assert_int_eq(aip_query_unset(NULL, "flag"), AIP_EINVAL);
    ck_assert_int_eq(aip_query_set_as_of(NULL, "2020-01-01"), AIP_EINVAL);
    ck_assert_int_eq(aip_query_parse(NULL, "p", "facts: {}", 9, NULL),
                     AIP_EINVAL);
    ck_assert_int_eq(aip_query_load_file(NULL, "p.yaml", NULL), AIP_EINVAL);

    ck_assert_int_eq(aip_query_new(kb, &q), AIP_OK);
    ck_assert_int_eq(aip_query_set_bool(q, NULL, 1), AIP_EINVAL);
    ck_assert_int_eq(aip_query_set_enum(q, NULL, "red"), AIP_EINVAL);
    ck_assert_int_eq(aip_query_set_enum(q, "colour", NULL), AIP_EINVAL);
    ck_assert_int_eq(aip_query_add_to_set(q, NULL, "maker"), AIP_EINVAL);
    ck_assert_int_eq(aip_query_add_to_set(q, "roles", NULL), AIP_EINVAL);
    ck_assert_int_eq(aip_query_set_empty(q, NULL), AIP_EINVAL);
    ck_assert_int_eq(aip_query_set_number(q, NULL, 1), AIP_EINVAL);
    ck_assert_int_eq(aip_query_set_date(q, NULL, "2020-01-01"), AIP_EINVAL);
    ck_assert_int_eq(aip_query_set_date(q, "since", NULL), AIP_EINVAL);
    ck_assert_int_eq(aip_query_unset(q, NULL), AIP_EINVAL);
    ck_assert_int_eq(aip_query_set_as_of(q, NULL), AIP_EINVAL);
    aip_error *err = NULL;
    ck_assert_int_eq(aip_query_parse(q, "p", NULL, 4, &err), AIP_EINVAL);
    ck_assert_int_eq(aip_error_code(err), AIP_EINVAL);
    aip_error_free(err);
    err = NULL;
    ck_assert_int_eq(aip_query_load_file(q, NULL, &err), AIP_EINVAL);
    ck_assert_int_eq(aip_error_code(err), AIP_EINVAL);
    aip_error_free(err);
    char *facts = facts_of(q);
    ck_assert_str_eq(facts, "{}");
    free(facts);

    aip_result *r = (aip_result *)0x1;
    err = NULL;
    ck_assert_int_eq(aip_classify(NULL, &r, &err), AIP_EINVAL);
    ck_assert_ptr_eq(r, (aip_result *)0x1);
    ck_assert_int_eq(aip_error_code(err), AIP_EINVAL);
    aip_error_free(err);
    err = NULL;
    ck_assert_int_eq(aip_classify(q, NULL, &err), AIP_EINVAL);
    ck_assert_int_eq(aip_error_code(err), AIP_EINVAL);
    aip_error_free(err);
    ck_assert_int_eq(aip_classify(NULL, NULL, NULL), AIP_EINVAL);
    aip_query_free(q);
    aip_kb_release(kb);
}
END_TEST

START_TEST(null_result)
{
    double d = 7;
    const char *cur = "x";
    char *s = (char *)0x1;
    size_t len = 3;
    aip_result_free(NULL);
    ck_assert_ptr_null(aip_result_as_of(NULL));
    ck_assert_uint_eq(aip_result_regulation_count(NULL), 0);
    ck_assert_ptr_null(aip_result_regulation_id(NULL, 0));
    ck_assert_ptr_null(aip_result_law_version(NULL, 0));
    ck_assert_int_eq(aip_result_applicability(NULL, 0), AIP_ERANGE);
    ck_assert_ptr_null(aip_result_dimension(NULL, 0, "tier", NULL));
    ck_assert_uint_eq(aip_result_obligation_count(NULL, 0), 0);
    ck_assert_ptr_null(aip_result_obligation_id(NULL, 0, 0));
    ck_assert_ptr_null(aip_result_obligation_role(NULL, 0, 0));
    ck_assert_ptr_null(aip_result_obligation_citation(NULL, 0, 0));
    ck_assert_ptr_null(aip_result_obligation_applies_from(NULL, 0, 0));
    ck_assert_int_eq(aip_result_obligation_status(NULL, 0, 0), AIP_ERANGE);
    ck_assert_int_eq(aip_result_obligation_certain(NULL, 0, 0), AIP_ERANGE);
    ck_assert_uint_eq(aip_result_fired_count(NULL, 0), 0);
    ck_assert_ptr_null(aip_result_fired_rule(NULL, 0, 0));
    ck_assert_ptr_null(aip_result_fired_citation(NULL, 0, 0));
    ck_assert_uint_eq(aip_result_missing_count(NULL), 0);
    ck_assert_ptr_null(aip_result_missing_fact(NULL, 0));
    ck_assert_int_eq(aip_result_penalty_ceiling(NULL, 0, &d, &cur),
                     AIP_EINVAL);
    ck_assert(d == 7);
    ck_assert_str_eq(cur, "x");
    ck_assert_int_eq(aip_result_to_json(NULL, "en", 0, &s, &len), AIP_EINVAL);
    ck_assert_int_eq(aip_result_to_text(NULL, "en", &s, &len), AIP_EINVAL);
    ck_assert_ptr_eq(s, (char *)0x1);
    ck_assert_uint_eq(len, 3);
}
END_TEST

START_TEST(result_bad_arguments)
{
    aip_kb *kb = api_kb(NULL);
    static const char p[] =
        "profile: 1\ndate: 2026-01-01\nfacts: {flag: true, colour: red, "
        "count: 500, since: 2020-05-05, roles: [maker]}\n";
    aip_error *err = NULL;
    aip_result *r = test_classify(kb, p, NULL, &err);
    ck_assert_msg(r != NULL, "%s", test_error_str(err));
    ck_assert_uint_eq(aip_result_regulation_count(r), 1);
    ck_assert_uint_eq(aip_result_obligation_count(r, 0), 1);
    ck_assert_uint_eq(aip_result_fired_count(r, 0), 1);
    ck_assert_str_eq(aip_result_fired_rule(r, 0, 0), "big-red");
    ck_assert_str_eq(aip_result_fired_citation(r, 0, 0), "Art. 1");
    ck_assert_str_eq(aip_result_obligation_citation(r, 0, 0), "Art. 2");
    /* indexes out of range */
    ck_assert_ptr_null(aip_result_regulation_id(r, 1));
    ck_assert_ptr_null(aip_result_law_version(r, 1));
    ck_assert_int_eq(aip_result_applicability(r, 1), AIP_ERANGE);
    ck_assert_ptr_null(aip_result_dimension(r, 1, "tier", NULL));
    ck_assert_uint_eq(aip_result_obligation_count(r, 1), 0);
    ck_assert_ptr_null(aip_result_obligation_id(r, 0, 1));
    ck_assert_ptr_null(aip_result_obligation_id(r, 1, 0));
    ck_assert_ptr_null(aip_result_obligation_role(r, 0, 1));
    ck_assert_ptr_null(aip_result_obligation_citation(r, 0, 1));
    ck_assert_ptr_null(aip_result_obligation_applies_from(r, 0, 1));
    ck_assert_int_eq(aip_result_obligation_status(r, 0, 1), AIP_ERANGE);
    ck_assert_int_eq(aip_result_obligation_certain(r, 0, 1), AIP_ERANGE);
    ck_assert_int_eq(aip_result_obligation_status(r, 1, 0), AIP_ERANGE);
    ck_assert_uint_eq(aip_result_fired_count(r, 1), 0);
    ck_assert_ptr_null(aip_result_fired_rule(r, 0, 1));
    ck_assert_ptr_null(aip_result_fired_citation(r, 0, 1));
    ck_assert_ptr_null(aip_result_missing_fact(r, 0));
    double d = 7;
    ck_assert_int_eq(aip_result_penalty_ceiling(r, 0, NULL, NULL), AIP_EINVAL);
    ck_assert_int_eq(aip_result_penalty_ceiling(r, 0, &d, NULL),
                     AIP_ENOTFOUND);
    ck_assert(d == 7);
    /* serialisation arguments */
    char *s = (char *)0x1;
    size_t len = 3;
    ck_assert_int_eq(aip_result_to_json(r, "de", 0, &s, &len), AIP_EINVAL);
    ck_assert_int_eq(aip_result_to_json(r, "EN", 0, &s, &len), AIP_EINVAL);
    ck_assert_int_eq(aip_result_to_json(r, "en", 0x100, &s, &len), AIP_EINVAL);
    ck_assert_int_eq(aip_result_to_json(r, "en", 0, NULL, &len), AIP_EINVAL);
    ck_assert_int_eq(aip_result_to_text(r, "de", &s, &len), AIP_EINVAL);
    ck_assert_int_eq(aip_result_to_text(r, "en", NULL, &len), AIP_EINVAL);
    ck_assert_ptr_eq(s, (char *)0x1);
    ck_assert_uint_eq(len, 3);
    /* len is optional */
    ck_assert_int_eq(aip_result_to_json(r, NULL, 0, &s, NULL), AIP_OK);
    aip_string_free(s);
    ck_assert_int_eq(aip_result_to_text(r, NULL, &s, NULL), AIP_OK);
    aip_string_free(s);
    aip_result_free(r);
    aip_kb_release(kb);
}
END_TEST

START_TEST(penalty_ceiling_bad_index_is_erange)
{
    /* AIP_ERANGE is "index or value out of range": the other indexed
     * accessors returning a status use it for a bad index. */
    aip_kb *kb = api_kb(NULL);
    aip_result *r = test_classify(kb, "facts: {}", "2026-01-01", NULL);
    ck_assert_ptr_nonnull(r);
    double d = 7;
    ck_assert_int_eq(aip_result_penalty_ceiling(r, 1, &d, NULL), AIP_ERANGE);
    ck_assert(d == 7);
    aip_result_free(r);
    aip_kb_release(kb);
}
END_TEST

/* ======================================================================== */
/* query setters                                                               */
/* ======================================================================== */

START_TEST(setters)
{
    aip_kb *kb = api_kb(NULL);
    aip_query *q = NULL;
    ck_assert_int_eq(aip_query_new(kb, &q), AIP_OK);
    ck_assert_int_eq(aip_query_set_bool(q, "flag", 5), AIP_OK);
    ck_assert_int_eq(aip_query_set_enum(q, "colour", "blue"), AIP_OK);
    ck_assert_int_eq(aip_query_set_enum(q, "colour", "red"), AIP_OK);
    ck_assert_int_eq(aip_query_add_to_set(q, "roles", "user"), AIP_OK);
    ck_assert_int_eq(aip_query_add_to_set(q, "roles", "maker"), AIP_OK);
    ck_assert_int_eq(aip_query_add_to_set(q, "roles", "user"), AIP_OK);
    ck_assert_int_eq(aip_query_set_number(q, "count", 150.5), AIP_OK);
    ck_assert_int_eq(aip_query_set_number(q, "count", 0), AIP_OK);     /* min */
    ck_assert_int_eq(aip_query_set_number(q, "count", 1000), AIP_OK);  /* max */
    ck_assert_int_eq(aip_query_set_date(q, "since", "2024-02-29"), AIP_OK);
    ck_assert_int_eq(aip_query_set_as_of(q, "2026-01-01"), AIP_OK);
    char *before = facts_of(q);
    ck_assert_str_eq(before, "{\"flag\":true,\"colour\":\"red\",\"roles\":"
                             "[\"maker\",\"user\"],\"count\":1000,"
                             "\"since\":\"2024-02-29\"}");

    /* every refused call leaves the query as it was */
    ck_assert_int_eq(aip_query_set_bool(q, "colour", 1), AIP_EINVAL);
    ck_assert_int_eq(aip_query_set_bool(q, "nofact", 1), AIP_EINVAL);
    ck_assert_int_eq(aip_query_set_bool(q, "", 1), AIP_EINVAL);
    ck_assert_int_eq(aip_query_set_enum(q, "colour", "green"), AIP_EINVAL);
    ck_assert_int_eq(aip_query_set_enum(q, "colour", ""), AIP_EINVAL);
    ck_assert_int_eq(aip_query_set_enum(q, "colour", "RED"), AIP_EINVAL);
    ck_assert_int_eq(aip_query_set_enum(q, "roles", "maker"), AIP_EINVAL);
    ck_assert_int_eq(aip_query_set_enum(q, "nofact", "red"), AIP_EINVAL);
    ck_assert_int_eq(aip_query_add_to_set(q, "roles", "nobody"), AIP_EINVAL);
    ck_assert_int_eq(aip_query_add_to_set(q, "colour", "red"), AIP_EINVAL);
    ck_assert_int_eq(aip_query_add_to_set(q, "nofact", "red"), AIP_EINVAL);
    ck_assert_int_eq(aip_query_set_empty(q, "flag"), AIP_EINVAL);
    ck_assert_int_eq(aip_query_set_empty(q, "nofact"), AIP_EINVAL);
    ck_assert_int_eq(aip_query_set_number(q, "count", -1), AIP_EINVAL);
    ck_assert_int_eq(aip_query_set_number(q, "count", -0.001), AIP_EINVAL);
    ck_assert_int_eq(aip_query_set_number(q, "count", 1000.5), AIP_EINVAL);
    ck_assert_int_eq(aip_query_set_number(q, "count", NAN), AIP_EINVAL);
    ck_assert_int_eq(aip_query_set_number(q, "count", INFINITY), AIP_EINVAL);
    ck_assert_int_eq(aip_query_set_number(q, "flag", 1), AIP_EINVAL);
    ck_assert_int_eq(aip_query_set_number(q, "nofact", 1), AIP_EINVAL);
    ck_assert_int_eq(aip_query_set_date(q, "since", "2026-02-30"), AIP_EINVAL);
    ck_assert_int_eq(aip_query_set_date(q, "since", "2023-02-29"), AIP_EINVAL);
    ck_assert_int_eq(aip_query_set_date(q, "since", "1899-12-31"), AIP_EINVAL);
    ck_assert_int_eq(aip_query_set_date(q, "since", "tomorrow"), AIP_EINVAL);
    ck_assert_int_eq(aip_query_set_date(q, "count", "2020-01-01"), AIP_EINVAL);
    ck_assert_int_eq(aip_query_unset(q, "nofact"), AIP_EINVAL);
    ck_assert_int_eq(aip_query_set_as_of(q, "2026-13-01"), AIP_EINVAL);
    ck_assert_int_eq(aip_query_set_as_of(q, "2026-1-01"), AIP_EINVAL);
    char *after = facts_of(q);
    ck_assert_str_eq(after, before);
    char *as_of = as_of_of(q);
    ck_assert_str_eq(as_of, "2026-01-01");
    free(as_of);
    free(after);

    /* unset and empty set */
    ck_assert_int_eq(aip_query_unset(q, "flag"), AIP_OK);
    ck_assert_int_eq(aip_query_unset(q, "flag"), AIP_OK);
    ck_assert_int_eq(aip_query_set_empty(q, "roles"), AIP_OK);
    ck_assert_int_eq(aip_query_unset(q, "since"), AIP_OK);
    after = facts_of(q);
    ck_assert_str_eq(after, "{\"colour\":\"red\",\"roles\":[],\"count\":1000}");
    free(after);
    /* after unset, add_to_set starts from an empty set */
    ck_assert_int_eq(aip_query_unset(q, "roles"), AIP_OK);
    ck_assert_int_eq(aip_query_add_to_set(q, "roles", "user"), AIP_OK);
    after = facts_of(q);
    ck_assert_str_eq(after, "{\"colour\":\"red\",\"roles\":[\"user\"],"
                            "\"count\":1000}");
    free(after);
    free(before);
    aip_query_free(q);
    aip_kb_release(kb);
}
END_TEST

/* ======================================================================== */
/* profiles                                                                    */
/* ======================================================================== */

static const char yaml_profile[] =
    "# a comment\n"
    "profile: 1\n"
    "name: Test system\n"
    "description: >\n"
    "  Folded text.\n"
    "date: 2026-02-03\n"
    "facts:\n"
    "  flag: true\n"
    "  colour: red\n"
    "  roles: [maker, user]\n"
    "  count: 1.5e2\n"
    "  since: 2024-01-01\n";

static const char json_profile[] =
    "{\n"
    "  \"profile\": 1,\n"
    "  \"name\": \"Test system\",\n"
    "  \"date\": \"2026-02-03\",\n"
    "  \"facts\": {\n"
    "    \"flag\": true,\n"
    "    \"colour\": \"red\",\n"
    "    \"roles\": [\"maker\", \"user\"],\n"
    "    \"count\": 150,\n"
    "    \"since\": \"2024-01-01\"\n"
    "  }\n"
    "}\n";

static const char expected_facts[] =
    "{\"flag\":true,\"colour\":\"red\",\"roles\":[\"maker\",\"user\"],"
    "\"count\":150,\"since\":\"2024-01-01\"}";

START_TEST(parse_yaml_and_json_profiles)
{
    aip_kb *kb = api_kb(NULL);
    const char *const docs[] = { yaml_profile, json_profile };
    char *results[2];
    for (int k = 0; k < 2; k++) {
        aip_query *q = NULL;
        ck_assert_int_eq(aip_query_new(kb, &q), AIP_OK);
        aip_error *err = NULL;
        int rc = aip_query_parse(q, k ? "p.json" : "p.yaml", docs[k],
                                 strlen(docs[k]), &err);
        ck_assert_msg(rc == AIP_OK, "%s", test_error_str(err));
        char *facts = facts_of(q);
        ck_assert_str_eq(facts, expected_facts);
        free(facts);
        char *as_of = as_of_of(q);
        ck_assert_str_eq(as_of, "2026-02-03");
        free(as_of);
        aip_result *r = NULL;
        ck_assert_int_eq(aip_classify(q, &r, NULL), AIP_OK);
        ck_assert_str_eq(aip_result_dimension(r, 0, "tier", NULL), "high");
        results[k] = test_json(r, "en", AIP_JSON_PRETTY);
        aip_result_free(r);
        aip_query_free(q);
    }
    ck_assert_str_eq(results[0], results[1]);
    free(results[0]);
    free(results[1]);
    aip_kb_release(kb);
}
END_TEST

START_TEST(parse_replaces_facts_keeps_date)
{
    aip_kb *kb = api_kb(NULL);
    aip_query *q = NULL;
    ck_assert_int_eq(aip_query_new(kb, &q), AIP_OK);
    ck_assert_int_eq(aip_query_parse(q, "a", yaml_profile,
                                     strlen(yaml_profile), NULL),
                     AIP_OK);
    static const char second[] = "profile: 1\nfacts:\n  count: 3\n";
    ck_assert_int_eq(aip_query_parse(q, "b", second, sizeof second - 1, NULL),
                     AIP_OK);
    char *facts = facts_of(q);
    ck_assert_str_eq(facts, "{\"count\":3}");
    free(facts);
    char *as_of = as_of_of(q);
    ck_assert_str_eq(as_of, "2026-02-03");
    free(as_of);
    /* a profile with no facts at all, and without "profile:" */
    ck_assert_int_eq(aip_query_parse(q, "c", "name: x\n", 8, NULL), AIP_OK);
    facts = facts_of(q);
    ck_assert_str_eq(facts, "{}");
    free(facts);
    aip_query_free(q);
    aip_kb_release(kb);
}
END_TEST

START_TEST(unknown_keyword)
{
    aip_kb *kb = api_kb(NULL);
    aip_query *q = NULL;
    ck_assert_int_eq(aip_query_new(kb, &q), AIP_OK);
    ck_assert_int_eq(aip_query_parse(q, "a", yaml_profile,
                                     strlen(yaml_profile), NULL),
                     AIP_OK);
    static const char unknowns[] =
        "profile: 1\n"
        "facts:\n"
        "  flag: unknown\n"
        "  colour: null\n"
        "  roles: ~\n"
        "  count:\n"
        "  since: unknown\n";
    aip_error *err = NULL;
    ck_assert_msg(aip_query_parse(q, "u", unknowns, sizeof unknowns - 1, &err)
                      == AIP_OK,
                  "%s", test_error_str(err));
    char *facts = facts_of(q);
    ck_assert_str_eq(facts, "{}");
    free(facts);
    /* JSON null too */
    static const char json[] = "{\"facts\": {\"flag\": null, \"count\": 4}}";
    ck_assert_int_eq(aip_query_parse(q, "j", json, sizeof json - 1, NULL),
                     AIP_OK);
    facts = facts_of(q);
    ck_assert_str_eq(facts, "{\"count\":4}");
    free(facts);
    /* a quoted "unknown" is a string, not the keyword */
    static const char quoted[] = "facts:\n  colour: \"unknown\"\n";
    err = NULL;
    ck_assert_int_eq(aip_query_parse(q, "q", quoted, sizeof quoted - 1, &err),
                     AIP_EPROFILE);
    ck_assert_msg(strstr(aip_error_message(err), "colour") != NULL, "%s",
                  test_error_str(err));
    aip_error_free(err);
    aip_query_free(q);
    aip_kb_release(kb);
}
END_TEST

typedef struct profile_error {
    const char *name;
    const char *text;
    int code;
    unsigned line, column;
    const char *path;
    const char *word1, *word2;   /* both must be in the message */
} profile_error;

static const profile_error profile_errors[] = {
    { "unknown fact", "profile: 1\nfacts:\n  flag: true\n  nofact: true\n",
      AIP_EPROFILE, 4, 3, "/facts/nofact", "nofact", "unknown fact" },
    { "wrong type (bool)", "facts:\n  flag: yes\n", AIP_EPROFILE, 2, 9,
      "/facts/flag", "flag", "true or false" },
    { "quoted bool", "facts:\n  flag: \"true\"\n", AIP_EPROFILE, 2, 9,
      "/facts/flag", "flag", "true or false" },
    { "wrong type (list for bool)", "facts:\n  flag: [true]\n", AIP_EPROFILE,
      2, 9, "/facts/flag", "flag", "true or false" },
    { "enum value outside", "facts:\n  colour: green\n", AIP_EPROFILE, 2, 11,
      "/facts/colour", "colour", "green" },
    { "enum given a list", "facts:\n  colour: [red]\n", AIP_EPROFILE, 2, 11,
      "/facts/colour", "colour", "value" },
    { "set value outside", "facts:\n  roles: [maker, nobody]\n", AIP_EPROFILE,
      2, 18, "/facts/roles/1", "roles", "nobody" },
    { "set given a scalar", "facts:\n  roles: maker\n", AIP_EPROFILE, 2, 10,
      "/facts/roles", "roles", "list" },
    { "negative number, min 0", "facts:\n  count: -1\n", AIP_EPROFILE, 2, 10,
      "/facts/count", "count", "range" },
    { "number above max", "facts:\n  count: 1001\n", AIP_EPROFILE, 2, 10,
      "/facts/count", "count", "range" },
    { "quoted number", "facts:\n  count: \"12\"\n", AIP_EPROFILE, 2, 10,
      "/facts/count", "count", "number" },
    { "hex number", "facts:\n  count: 0x10\n", AIP_EPROFILE, 2, 10,
      "/facts/count", "count", "number" },
    { "infinite number", "facts:\n  count: .inf\n", AIP_EPROFILE, 2, 10,
      "/facts/count", "count", "number" },
    { "bad date", "facts:\n  since: 2026-02-30\n", AIP_EPROFILE, 2, 10,
      "/facts/since", "since", "date" },
    { "bad as-of date", "date: tomorrow\nfacts: {}\n", AIP_EPROFILE, 1, 7,
      "/date", "date", "YYYY-MM-DD" },
    { "unknown top-level key", "profile: 1\nfatcs: {}\n", AIP_EPROFILE, 2, 1,
      "/fatcs", "fatcs", "unknown key" },
    { "facts not a mapping", "facts: [flag]\n", AIP_EPROFILE, 1, 8, "/facts",
      "facts", "mapping" },
    { "not a mapping", "- flag\n- colour\n", AIP_EPROFILE, 1, 1, "/",
      "profile", "mapping" },
    { "profile version 2", "profile: 2\nfacts: {}\n", AIP_EVERSION, 1, 10,
      "/profile", "2", "not supported" },
    { "malformed YAML", "facts:\n  flag: [true\n", AIP_EYAML, 3, 1, NULL,
      "flow", "" },
    { "malformed JSON", "{\"facts\": {\"flag\" true}}", AIP_EYAML, 1, 19,
      NULL, "flow mapping", "" },
};

START_TEST(profile_errors_named)
{
    const profile_error *c = &profile_errors[_i];
    aip_kb *kb = api_kb(NULL);
    aip_query *q = NULL;
    ck_assert_int_eq(aip_query_new(kb, &q), AIP_OK);
    ck_assert_int_eq(aip_query_set_bool(q, "flag", 0), AIP_OK);
    ck_assert_int_eq(aip_query_set_as_of(q, "2025-05-05"), AIP_OK);
    char *before = facts_of(q);
    aip_error *err = NULL;
    int rc = aip_query_parse(q, "bad-profile.yaml", c->text, strlen(c->text),
                             &err);
    const char *e = test_error_str(err);
    ck_assert_msg(rc == c->code, "%s: rc %d, expected %d: %s", c->name, rc,
                  c->code, e);
    ck_assert_msg(err != NULL, "%s: no error", c->name);
    ck_assert_int_eq(aip_error_code(err), c->code);
    ck_assert_msg(aip_error_file(err)
                      && strcmp(aip_error_file(err), "bad-profile.yaml") == 0,
                  "%s: file: %s", c->name, e);
    ck_assert_msg(aip_error_line(err) == c->line
                      && aip_error_column(err) == c->column,
                  "%s: expected %u:%u: %s", c->name, c->line, c->column, e);
    if (c->path)
        ck_assert_msg(aip_error_path(err)
                          && strcmp(aip_error_path(err), c->path) == 0,
                      "%s: path, expected %s: %s", c->name, c->path, e);
    ck_assert_msg(strstr(aip_error_message(err), c->word1) != NULL
                      && strstr(aip_error_message(err), c->word2) != NULL,
                  "%s: message should name '%s' and '%s': %s", c->name,
                  c->word1, c->word2, e);
    aip_error_free(err);
    /* the query is unchanged */
    char *after = facts_of(q);
    ck_assert_str_eq(after, before);
    char *as_of = as_of_of(q);
    ck_assert_str_eq(as_of, "2025-05-05");
    free(as_of);
    free(after);
    free(before);
    aip_query_free(q);
    aip_kb_release(kb);
}
END_TEST

START_TEST(load_profile_file)
{
    aip_kb *kb = api_kb(NULL);
    aip_query *q = NULL;
    ck_assert_int_eq(aip_query_new(kb, &q), AIP_OK);
    char *dir = test_tmpdir_new();
    char *path = strdup(test_fmt("%s/p.json", dir));
    ck_assert_int_eq(test_write_string(path, json_profile), 0);
    aip_error *err = NULL;
    ck_assert_msg(aip_query_load_file(q, path, &err) == AIP_OK, "%s",
                  test_error_str(err));
    char *facts = facts_of(q);
    ck_assert_str_eq(facts, expected_facts);
    free(facts);
    /* errors name the file */
    ck_assert_int_eq(test_write_string(path, "facts:\n  colour: green\n"), 0);
    err = NULL;
    ck_assert_int_eq(aip_query_load_file(q, path, &err), AIP_EPROFILE);
    ck_assert_str_eq(aip_error_file(err), path);
    ck_assert_uint_eq(aip_error_line(err), 2);
    aip_error_free(err);
    err = NULL;
    char *missing = strdup(test_fmt("%s/none.yaml", dir));
    ck_assert_int_eq(aip_query_load_file(q, missing, &err), AIP_EIO);
    ck_assert_str_eq(aip_error_file(err), missing);
    aip_error_free(err);
    facts = facts_of(q);
    ck_assert_str_eq(facts, expected_facts);
    free(facts);
    free(missing);
    free(path);
    test_tmpdir_remove(dir);
    aip_query_free(q);
    aip_kb_release(kb);
}
END_TEST

/* ======================================================================== */
/* ownership                                                                   */
/* ======================================================================== */

START_TEST(refcounting)
{
    test_alloc ta;
    test_alloc_init(&ta);
    aip_kb *kb = api_kb(&ta.hook);
    ck_assert_ptr_eq(aip_kb_retain(kb), kb);
    aip_kb_release(kb);                       /* back to one reference */
    aip_query *q = NULL;
    ck_assert_int_eq(aip_query_new(kb, &q), AIP_OK);
    ck_assert_int_eq(aip_query_set_bool(q, "flag", 1), AIP_OK);
    ck_assert_int_eq(aip_query_set_as_of(q, "2026-01-01"), AIP_OK);
    aip_result *r = NULL;
    ck_assert_int_eq(aip_classify(q, &r, NULL), AIP_OK);
    /* the caller's references go; the query and result keep the kb */
    aip_kb_release(kb);
    ck_assert_uint_eq(aip_kb_fact_count(kb), 5);   /* still alive */
    aip_query_free(q);
    ck_assert_uint_gt(ta.live_bytes, 0);
    ck_assert_str_eq(aip_result_regulation_id(r, 0), "api-reg");
    ck_assert_str_eq(aip_result_as_of(r), "2026-01-01");
    char *json = NULL;
    ck_assert_int_eq(aip_result_to_json(r, "fr", 0, &json, NULL), AIP_OK);
    ck_assert_ptr_nonnull(strstr(json, "Règlement API"));
    aip_result_free(r);                       /* the last reference */
    /* the string outlives everything; its allocator is the kb's */
    ck_assert_uint_eq(ta.live_blocks, 1);
    aip_string_free(json);
    ck_assert_uint_eq(ta.live_blocks, 0);
    ck_assert_uint_eq(ta.live_bytes, 0);
    ck_assert_uint_eq(ta.mismatches, 0);
}
END_TEST

START_TEST(many_references)
{
    aip_kb *kb = api_kb(NULL);
    for (int i = 0; i < 1000; i++)
        ck_assert_ptr_eq(aip_kb_retain(kb), kb);
    for (int i = 0; i < 1000; i++)
        aip_kb_release(kb);
    ck_assert_uint_eq(aip_kb_regulation_count(kb), 1);
    aip_kb_release(kb);
}
END_TEST

START_TEST(strings_and_errors_use_the_allocator)
{
    test_alloc ta;
    test_alloc_init(&ta);
    aip_kb_builder *b = NULL;
    ck_assert_int_eq(aip_kb_builder_new(&ta.hook, &b), AIP_OK);
    size_t blocks = ta.live_blocks;
    ck_assert_uint_eq(blocks, 1);              /* the builder */
    aip_error *err = NULL;
    ck_assert_int_eq(aip_kb_builder_add_file(b, test_path("tests/fixtures/none"),
                                             &err),
                     AIP_EIO);
    ck_assert_ptr_nonnull(err);
    ck_assert_uint_eq(ta.live_blocks, blocks + 1);   /* the error */
    aip_kb_builder_free(b);
    /* the error outlives the builder */
    ck_assert_int_eq(aip_error_code(err), AIP_EIO);
    ck_assert_ptr_nonnull(aip_error_message(err));
    ck_assert_uint_eq(ta.live_blocks, 1);
    aip_error_free(err);
    ck_assert_uint_eq(ta.live_blocks, 0);

    /* strings from knowledge bases with different allocators */
    test_alloc tb;
    test_alloc_init(&tb);
    aip_kb *ka = api_kb(&ta.hook), *kb = api_kb(&tb.hook);
    aip_result *ra = test_classify(ka, "facts: {}", "2026-01-01", NULL);
    aip_result *rb = test_classify(kb, "facts: {}", "2026-01-01", NULL);
    char *sa = NULL, *sb = NULL;
    ck_assert_int_eq(aip_result_to_text(ra, "en", &sa, NULL), AIP_OK);
    ck_assert_int_eq(aip_result_to_json(rb, "en", 0, &sb, NULL), AIP_OK);
    aip_result_free(ra);
    aip_result_free(rb);
    aip_kb_release(ka);
    aip_kb_release(kb);
    ck_assert_uint_eq(ta.live_blocks, 1);
    ck_assert_uint_eq(tb.live_blocks, 1);
    aip_string_free(sb);
    aip_string_free(sa);
    ck_assert_uint_eq(ta.live_bytes, 0);
    ck_assert_uint_eq(tb.live_bytes, 0);
    ck_assert_uint_eq(ta.mismatches + tb.mismatches, 0);
    ck_assert_uint_eq(ta.bad_pointers + tb.bad_pointers, 0);
}
END_TEST

START_TEST(allocator_without_function_is_default)
{
    aip_allocator none = { NULL, NULL };
    aip_kb *kb = NULL;
    ck_assert_int_eq(aip_kb_load_path(&none, test_path(KB_FILE), &kb, NULL),
                     AIP_OK);
    aip_result *r = test_classify(kb, "facts: {}", "2026-01-01", NULL);
    ck_assert_ptr_nonnull(r);
    char *s = NULL;
    ck_assert_int_eq(aip_result_to_json(r, "en", 0, &s, NULL), AIP_OK);
    aip_string_free(s);
    aip_result_free(r);
    aip_kb_release(kb);
}
END_TEST

/* ======================================================================== */
/* threads                                                                     */
/* ======================================================================== */

typedef struct worker {
    aip_kb *kb;
    const char *expected;
    int failures;
} worker;

static void *classify_many(void *arg)
{
    worker *w = arg;
    for (int i = 0; i < 40; i++) {
        aip_query *q = NULL;
        aip_result *r = NULL;
        char *json = NULL;
        aip_kb *kb = aip_kb_retain(w->kb);
        if (aip_query_new(kb, &q) != AIP_OK
            || aip_query_parse(q, "p", yaml_profile, strlen(yaml_profile),
                               NULL) != AIP_OK
            || aip_classify(q, &r, NULL) != AIP_OK
            || aip_result_to_json(r, "en", 0, &json, NULL) != AIP_OK
            || strcmp(json, w->expected) != 0)
            w->failures++;
        aip_string_free(json);
        aip_result_free(r);
        aip_query_free(q);
        aip_kb_release(kb);
    }
    return NULL;
}

START_TEST(concurrent_classification)
{
    aip_kb *kb = api_kb(NULL);
    aip_result *r = test_classify(kb, yaml_profile, NULL, NULL);
    ck_assert_ptr_nonnull(r);
    char *expected = test_json(r, "en", 0);
    aip_result_free(r);
    enum { N = 4 };
    pthread_t th[N];
    worker w[N];
    for (int i = 0; i < N; i++) {
        w[i] = (worker){ kb, expected, 0 };
        ck_assert_int_eq(pthread_create(&th[i], NULL, classify_many, &w[i]), 0);
    }
    for (int i = 0; i < N; i++) {
        ck_assert_int_eq(pthread_join(th[i], NULL), 0);
        ck_assert_msg(w[i].failures == 0, "thread %d: %d failures", i,
                      w[i].failures);
    }
    free(expected);
    aip_kb_release(kb);
}
END_TEST

/* ======================================================================== */

static Suite *api_suite(void)
{
    Suite *s = suite_create("api");
    TCase *tc = tcase_create("basics");
    tcase_add_test(tc, versions);
    tcase_add_test(tc, status_texts);
    suite_add_tcase(s, tc);

    tc = tcase_create("null");
    tcase_add_test(tc, null_errors_and_strings);
    tcase_add_test(tc, null_builder);
    tcase_add_test(tc, null_kb);
    tcase_add_test(tc, null_query);
    tcase_add_test(tc, null_result);
    tcase_add_test(tc, result_bad_arguments);
    tcase_add_test(tc, penalty_ceiling_bad_index_is_erange);
    suite_add_tcase(s, tc);

    tc = tcase_create("query");
    tcase_add_test(tc, setters);
    tcase_add_test(tc, parse_yaml_and_json_profiles);
    tcase_add_test(tc, parse_replaces_facts_keeps_date);
    tcase_add_test(tc, unknown_keyword);
    tcase_add_loop_test(tc, profile_errors_named, 0,
                        (int)(sizeof profile_errors / sizeof profile_errors[0]));
    tcase_add_test(tc, load_profile_file);
    suite_add_tcase(s, tc);

    tc = tcase_create("ownership");
    tcase_add_test(tc, refcounting);
    tcase_add_test(tc, many_references);
    tcase_add_test(tc, strings_and_errors_use_the_allocator);
    tcase_add_test(tc, allocator_without_function_is_default);
    tcase_add_test(tc, concurrent_classification);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(api_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
