/*
 * tests/check_loader.c - the knowledge loader through the public API:
 * one test per class of error (tests/fixtures/broken/, each file
 * self-contained), an unknown key, a wrong type and a dangling reference
 * at every place of a file with every construct (copies of
 * tests/fixtures/toy.yaml), limits, transactions, directories, buffers and
 * the knowledge fingerprint.
 */
#include <check.h>
#include <stdio.h>
#include <yaml.h>
#include <stdlib.h>
#include <string.h>

#include "aipolicy.h"
#include "common.h"
#include "sha256.h"

/* ======================================================================== */
/* broken fixtures                                                           */
/* ======================================================================== */

typedef struct broken_case {
    const char *file;            /* in tests/fixtures/broken/ */
    int code;
    unsigned line, column;
    const char *path;            /* NULL: the error has no YAML path (errors
                                    of the YAML reader itself) */
    const char *word;            /* must appear in the message */
} broken_case;

static const broken_case broken[] = {
    /* the YAML reader */
    { "malformed-yaml.yaml", AIP_EYAML, 6, 11, NULL, "mapping values" },
    { "tab-indentation.yaml", AIP_EYAML, 9, 1, NULL, "tab" },
    { "invalid-utf8.yaml", AIP_EYAML, 14, 44, NULL, "UTF-8" },
    /* libyaml places the end of a stream without a final newline at the
     * start of the line after the last one */
    { "truncated.yaml", AIP_EYAML, 18, 1, NULL, "flow mapping" },
    { "duplicate-key.yaml", AIP_EYAML, 6, 5, NULL, "duplicate key 'type'" },
    { "merge-key.yaml", AIP_EYAML, 8, 5, NULL, "merge key" },
    { "multiple-documents.yaml", AIP_EYAML, 52, 1, NULL, "one document" },
    { "explicit-tag.yaml", AIP_EYAML, 18, 17, NULL, "tag" },
    { "alias-bomb.yaml", AIP_ELIMIT, 10, 38, NULL, "aliases" },
    { "deep-nesting.yaml", AIP_ELIMIT, 3, 71, NULL, "nesting deeper than 64" },
    /* the document */
    { "empty-document.yaml", AIP_ESCHEMA, 1, 1, "/", "empty document" },
    { "wrong-schema-version.yaml", AIP_EVERSION, 2, 17, "/schema_version",
      "schema_version 2" },
    /* unknown keys */
    { "unknown-key-top.yaml", AIP_ESCHEMA, 15, 1, "/regulations",
      "unknown key 'regulations'" },
    { "unknown-key-fact.yaml", AIP_ESCHEMA, 6, 5, "/facts/0/colour",
      "unknown key 'colour'" },
    { "unknown-key-rule.yaml", AIP_ESCHEMA, 49, 7,
      "/regulation/rules/0/severity", "unknown key 'severity'" },
    { "unknown-key-condition.yaml", AIP_ESCHEMA, 47, 26,
      "/regulation/rules/0/when/equals", "unknown key 'equals'" },
    { "unknown-key-penalty.yaml", AIP_ESCHEMA, 38, 7,
      "/regulation/penalties/0/maximum", "unknown key 'maximum'" },
    { "unknown-key-obligation.yaml", AIP_ESCHEMA, 43, 7,
      "/regulation/obligations/0/deadline", "unknown key 'deadline'" },
    /* wrong types, missing keys, bad ids */
    { "wrong-type-list.yaml", AIP_ESCHEMA, 45, 14, "/regulation/rules/0/title",
      "expected a mapping, found a list" },
    { "wrong-type-number.yaml", AIP_ESCHEMA, 37, 15,
      "/regulation/penalties/0/amount", "'a thousand' is not a number" },
    { "wrong-type-bool.yaml", AIP_ESCHEMA, 47, 30,
      "/regulation/rules/0/when/eq", "'1' is not true or false" },
    { "missing-required-key.yaml", AIP_ESCHEMA, 44, 7, "/regulation/rules/0",
      "missing required key 'citation'" },
    { "missing-french.yaml", AIP_ESCHEMA, 6, 12, "/facts/0/label",
      "missing required key 'fr'" },
    { "invalid-id.yaml", AIP_ESCHEMA, 8, 9, "/facts/1/id",
      "invalid identifier 'Colour'" },
    /* duplicates */
    { "duplicate-fact.yaml", AIP_EDUPLICATE, 8, 9, "/facts/1/id",
      "duplicate fact 'flag'" },
    { "duplicate-rule.yaml", AIP_EDUPLICATE, 51, 11, "/regulation/rules/1/id",
      "duplicate rule 'r1'" },
    { "duplicate-value.yaml", AIP_EDUPLICATE, 14, 14, "/facts/1/values/1/id",
      "duplicate value 'red'" },
    /* dangling references */
    { "unknown-fact.yaml", AIP_ENOTFOUND, 47, 52,
      "/regulation/rules/0/when/all/1/fact", "unknown fact 'flags'" },
    { "unknown-value.yaml", AIP_ENOTFOUND, 47, 38,
      "/regulation/rules/0/when/in/1", "'green' is not a value of fact" },
    { "unknown-obligation.yaml", AIP_ENOTFOUND, 49, 29,
      "/regulation/rules/0/obligations/1", "unknown obligation 'reporting'" },
    { "unknown-penalty.yaml", AIP_ENOTFOUND, 50, 19,
      "/regulation/rules/0/penalties/0", "unknown penalty 'fines'" },
    { "unknown-dimension.yaml", AIP_ENOTFOUND, 48, 15,
      "/regulation/rules/0/raise/level", "unknown dimension 'level'" },
    { "unknown-dimension-value.yaml", AIP_ENOTFOUND, 48, 21,
      "/regulation/rules/0/raise/tier", "unknown dimension value 'extreme'" },
    { "unknown-version.yaml", AIP_ENOTFOUND, 51, 19,
      "/regulation/rules/0/law/from", "unknown version 'v3'" },
    /* dates and orders */
    { "invalid-date.yaml", AIP_ESCHEMA, 26, 17,
      "/regulation/versions/1/in_force", "'2026-02-30' is not a valid date" },
    { "versions-out-of-order.yaml", AIP_ESCHEMA, 26, 17,
      "/regulation/versions/1/in_force", "must come into force after" },
    { "law-until-before-from.yaml", AIP_ESCHEMA, 51, 12,
      "/regulation/rules/0/law", "'until' must name a version later" },
    /* rules */
    { "rule-cycle.yaml", AIP_ESCHEMA, 59, 13, "/regulation/rules/1/when",
      "cycle" },
    { "rule-no-effect.yaml", AIP_ESCHEMA, 51, 7, "/regulation/rules/1",
      "rule 'r2' has no effect" },
    { "bad-comparison.yaml", AIP_ESCHEMA, 47, 36,
      "/regulation/rules/0/when/not/gt", "'gt' cannot compare a bool fact" },
};

#define NBROKEN (int)(sizeof broken / sizeof broken[0])

/* Checks every part of an error. */
static void check_error(const aip_error *err, const char *what, int code,
                        const char *file, unsigned line, unsigned column,
                        const char *path, const char *word)
{
    ck_assert_msg(err != NULL, "%s: no error object", what);
    const char *e = test_error_str(err);
    ck_assert_msg(aip_error_code(err) == code, "%s: code %d, expected %d: %s",
                  what, aip_error_code(err), code, e);
    ck_assert_msg(aip_error_file(err) && strcmp(aip_error_file(err), file) == 0,
                  "%s: file, expected %s: %s", what, file, e);
    ck_assert_msg(aip_error_line(err) == line
                      && aip_error_column(err) == column,
                  "%s: position, expected %u:%u: %s", what, line, column, e);
    if (path)
        ck_assert_msg(aip_error_path(err)
                          && strcmp(aip_error_path(err), path) == 0,
                      "%s: path, expected %s: %s", what, path, e);
    else
        ck_assert_msg(aip_error_path(err) == NULL,
                      "%s: path, expected none: %s", what, e);
    ck_assert_msg(strstr(aip_error_message(err), word) != NULL,
                  "%s: message lacks '%s': %s", what, word, e);
}

START_TEST(broken_fixture)
{
    const broken_case *c = &broken[_i];
    char *path = strdup(test_path(test_fmt("tests/fixtures/broken/%s",
                                           c->file)));
    test_alloc ta;
    test_alloc_init(&ta);
    aip_kb_builder *b = NULL;
    ck_assert_int_eq(aip_kb_builder_new(&ta.hook, &b), AIP_OK);
    aip_error *err = NULL;
    int rc = aip_kb_builder_add_file(b, path, &err);
    ck_assert_msg(rc == c->code, "%s: rc %d, expected %d: %s", c->file, rc,
                  c->code, test_error_str(err));
    check_error(err, c->file, c->code, path, c->line, c->column, c->path,
                c->word);
    aip_error_free(err);
    /* the builder is unchanged: still empty */
    aip_kb *kb = NULL;
    err = NULL;
    ck_assert_int_eq(aip_kb_builder_build(b, &kb, &err), AIP_OK);
    ck_assert_ptr_null(err);
    ck_assert_uint_eq(aip_kb_regulation_count(kb), 0);
    ck_assert_uint_eq(aip_kb_fact_count(kb), 0);
    aip_kb_release(kb);
    aip_kb_builder_free(b);
    ck_assert_uint_eq(ta.live_bytes, 0);
    ck_assert_msg(ta.mismatches == 0, "%s: %zu size mismatches", c->file,
                  ta.mismatches);
    free(path);
}
END_TEST

START_TEST(broken_fixture_list_is_complete)
{
    /* Every file of tests/fixtures/broken/ is in the table above (so that
     * the CLI test, which lints them all, and this one agree). */
    size_t n = 0;
    char **files = test_list_dir(test_path("tests/fixtures/broken"), ".yaml",
                                 &n);
    ck_assert_ptr_nonnull(files);
    ck_assert_uint_eq(n, (size_t)NBROKEN);
    for (size_t i = 0; i < n; i++) {
        const char *base = strrchr(files[i], '/') + 1;
        int found = 0;
        for (int k = 0; k < NBROKEN; k++)
            found |= strcmp(broken[k].file, base) == 0;
        ck_assert_msg(found, "%s has no entry in the table", base);
    }
    test_free_list(files, n);
}
END_TEST

START_TEST(the_base_of_the_broken_fixtures_is_valid)
{
    aip_error *err = NULL;
    aip_kb *kb = test_load_kb(NULL, &err, "tests/fixtures/loader/base.yaml",
                              NULL);
    ck_assert_msg(kb != NULL, "%s", test_error_str(err));
    ck_assert_uint_eq(aip_kb_regulation_count(kb), 1);
    ck_assert_uint_eq(aip_kb_fact_count(kb), 2);
    aip_kb_release(kb);
}
END_TEST

/* ======================================================================== */
/* generated big inputs                                                       */
/* ======================================================================== */

START_TEST(scalar_of_1mb_refused)
{
    char *dir = test_tmpdir_new();
    char *path = strdup(test_fmt("%s/big-scalar.yaml", dir));
    size_t n = 1024 * 1024;
    const char *head = "schema_version: 1\nfacts:\n  - id: x\n    type: bool\n"
                       "    label: {en: ";
    size_t hl = strlen(head);
    char *text = malloc(hl + n + 64);
    memcpy(text, head, hl);
    memset(text + hl, 'x', n);
    strcpy(text + hl + n, ", fr: y}\n");
    ck_assert_int_eq(test_write_string(path, text), 0);
    aip_kb_builder *b = NULL;
    ck_assert_int_eq(aip_kb_builder_new(NULL, &b), AIP_OK);
    aip_error *err = NULL;
    double t0 = test_now();
    int rc = aip_kb_builder_add_file(b, path, &err);
    double dt = test_now() - t0;
    ck_assert_int_eq(rc, AIP_ELIMIT);
    check_error(err, "1 MB scalar", AIP_ELIMIT, path, 5, 17, NULL,
                "scalar too long");
    ck_assert_msg(dt < 5, "took %.2f s", dt);
    aip_error_free(err);
    aip_kb_builder_free(b);
    free(text);
    free(path);
    test_tmpdir_remove(dir);
}
END_TEST

START_TEST(file_over_16mb_refused)
{
    char *dir = test_tmpdir_new();
    char *path = strdup(test_fmt("%s/huge.yaml", dir));
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    fputs("schema_version: 1\n", f);
    char line[1024];
    memset(line, '#', sizeof line - 1);
    line[sizeof line - 1] = '\n';
    for (int i = 0; i < 17 * 1024; i++)          /* 17 MiB of comments */
        ck_assert_uint_eq(fwrite(line, 1, sizeof line, f), sizeof line);
    ck_assert_int_eq(fclose(f), 0);
    aip_kb_builder *b = NULL;
    ck_assert_int_eq(aip_kb_builder_new(NULL, &b), AIP_OK);
    aip_error *err = NULL;
    ck_assert_int_eq(aip_kb_builder_add_file(b, path, &err), AIP_ELIMIT);
    ck_assert_str_eq(aip_error_file(err), path);
    ck_assert_msg(strstr(aip_error_message(err), "too large") != NULL, "%s",
                  test_error_str(err));
    aip_error_free(err);
    aip_kb_builder_free(b);
    free(path);
    test_tmpdir_remove(dir);
}
END_TEST

/* ======================================================================== */
/* several files                                                               */
/* ======================================================================== */

START_TEST(duplicate_fact_across_files)
{
    char *a = strdup(test_path("tests/fixtures/dup-across/a.yaml"));
    char *bb = strdup(test_path("tests/fixtures/dup-across/b.yaml"));
    /* each alone is fine */
    aip_error *err = NULL;
    aip_kb *kb = test_load_kb_abs(NULL, &err, (const char *const *)&a, 1);
    ck_assert_msg(kb != NULL, "%s", test_error_str(err));
    aip_kb_release(kb);
    kb = test_load_kb_abs(NULL, &err, (const char *const *)&bb, 1);
    ck_assert_msg(kb != NULL, "%s", test_error_str(err));
    aip_kb_release(kb);
    /* together, in one transaction: the second declaration is the error */
    const char *ab[] = { a, bb }, *ba[] = { bb, a };
    err = NULL;
    ck_assert_ptr_null(test_load_kb_abs(NULL, &err, ab, 2));
    check_error(err, "a+b", AIP_EDUPLICATE, bb, 5, 10, "/facts/1/id",
                "duplicate fact 'shared'");
    aip_error_free(err);
    err = NULL;
    ck_assert_ptr_null(test_load_kb_abs(NULL, &err, ba, 2));
    check_error(err, "b+a", AIP_EDUPLICATE, a, 5, 10, "/facts/1/id",
                "duplicate fact 'shared'");
    aip_error_free(err);
    /* in two transactions */
    aip_kb_builder *b = NULL;
    ck_assert_int_eq(aip_kb_builder_new(NULL, &b), AIP_OK);
    ck_assert_int_eq(aip_kb_builder_add_file(b, a, NULL), AIP_OK);
    err = NULL;
    ck_assert_int_eq(aip_kb_builder_add_file(b, bb, &err), AIP_EDUPLICATE);
    check_error(err, "a then b", AIP_EDUPLICATE, bb, 5, 10, "/facts/1/id",
                "duplicate fact 'shared'");
    aip_error_free(err);
    ck_assert_int_eq(aip_kb_builder_build(b, &kb, NULL), AIP_OK);
    ck_assert_uint_eq(aip_kb_fact_count(kb), 2);
    ck_assert_str_eq(aip_kb_fact_id(kb, 0), "only_a");
    aip_kb_release(kb);
    aip_kb_builder_free(b);
    free(a);
    free(bb);
}
END_TEST

START_TEST(later_transaction_sees_earlier_facts)
{
    char *facts = strdup(test_path("tests/fixtures/good-dir/b-facts.yaml"));
    char *reg = strdup(test_path("tests/fixtures/good-dir/a-regulation.yaml"));
    aip_kb_builder *b = NULL;
    ck_assert_int_eq(aip_kb_builder_new(NULL, &b), AIP_OK);
    /* the regulation alone names an unknown fact */
    aip_error *err = NULL;
    ck_assert_int_eq(aip_kb_builder_add_file(b, reg, &err), AIP_ENOTFOUND);
    check_error(err, "regulation alone", AIP_ENOTFOUND, reg, 22, 20,
                "/regulation/rules/0/when/fact", "unknown fact 'dangerous'");
    aip_error_free(err);
    /* after the facts, in a later transaction, it loads */
    ck_assert_int_eq(aip_kb_builder_add_file(b, facts, NULL), AIP_OK);
    err = NULL;
    ck_assert_msg(aip_kb_builder_add_file(b, reg, &err) == AIP_OK, "%s",
                  test_error_str(err));
    aip_kb *kb = NULL;
    ck_assert_int_eq(aip_kb_builder_build(b, &kb, NULL), AIP_OK);
    ck_assert_uint_eq(aip_kb_regulation_count(kb), 1);
    ck_assert_str_eq(aip_kb_regulation_id(kb, 0), "dir-reg");
    aip_kb_release(kb);
    aip_kb_builder_free(b);
    free(facts);
    free(reg);
}
END_TEST

START_TEST(files_in_any_order_in_one_transaction)
{
    const char *const order[2][2] = {
        { "tests/fixtures/good-dir/a-regulation.yaml",
          "tests/fixtures/good-dir/b-facts.yaml" },
        { "tests/fixtures/good-dir/b-facts.yaml",
          "tests/fixtures/good-dir/a-regulation.yaml" },
    };
    for (int k = 0; k < 2; k++) {
        aip_error *err = NULL;
        aip_kb *kb = test_load_kb(NULL, &err, order[k][0], order[k][1], NULL);
        ck_assert_msg(kb != NULL, "order %d: %s", k, test_error_str(err));
        ck_assert_uint_eq(aip_kb_regulation_count(kb), 1);
        ck_assert_uint_eq(aip_kb_fact_count(kb), 1);
        aip_kb_release(kb);
    }
}
END_TEST

/* ======================================================================== */
/* transactions                                                                */
/* ======================================================================== */

static const char txn_profile[] =
    "profile: 1\n"
    "date: 2026-01-01\n"
    "facts:\n"
    "  flag: true\n"
    "  colour: red\n";

static char *classify_json(aip_kb *kb)
{
    aip_error *err = NULL;
    aip_result *r = test_classify(kb, txn_profile, NULL, &err);
    ck_assert_msg(r != NULL, "%s", test_error_str(err));
    char *json = test_json(r, "en", 0);
    aip_result_free(r);
    return json;
}

START_TEST(failed_transaction_changes_nothing)
{
    test_alloc ta;
    test_alloc_init(&ta);
    aip_kb_builder *b = NULL;
    ck_assert_int_eq(aip_kb_builder_new(&ta.hook, &b), AIP_OK);
    aip_error *err = NULL;
    ck_assert_msg(aip_kb_builder_add_file(
                      b, test_path("tests/fixtures/loader/base.yaml"), &err)
                      == AIP_OK,
                  "%s", test_error_str(err));
    aip_kb *kb1 = NULL;
    ck_assert_int_eq(aip_kb_builder_build(b, &kb1, NULL), AIP_OK);
    size_t nregs = aip_kb_regulation_count(kb1), nfacts = aip_kb_fact_count(kb1);
    char *fp = strdup(aip_kb_fingerprint(kb1));
    char *json1 = classify_json(kb1);
    ck_assert_uint_eq(nregs, 1);

    /* a broken file, a broken directory, a broken buffer, a missing file:
     * each fails and leaves the builder as it was */
    static const char *const broken_files[] = {
        "tests/fixtures/broken/unknown-fact.yaml",
        "tests/fixtures/broken/rule-cycle.yaml",
        "tests/fixtures/broken/alias-bomb.yaml",
        "tests/fixtures/good-dir/a-regulation.yaml",   /* dangling fact */
        "tests/fixtures/no-such-file.yaml",
    };
    for (size_t i = 0; i < sizeof broken_files / sizeof broken_files[0]; i++) {
        err = NULL;
        int rc = aip_kb_builder_add_file(b, test_path(broken_files[i]), &err);
        ck_assert_msg(rc != AIP_OK && err != NULL, "%s was accepted",
                      broken_files[i]);
        aip_error_free(err);
    }
    err = NULL;
    ck_assert_int_ne(aip_kb_builder_add_dir(b, test_path("tests/fixtures/broken"),
                                            &err),
                     AIP_OK);
    aip_error_free(err);
    static const char bad[] = "schema_version: 1\nfacts: [{id: flag}]\n";
    err = NULL;
    ck_assert_int_eq(aip_kb_builder_add_buffer(b, "bad", bad, sizeof bad - 1,
                                               &err),
                     AIP_ESCHEMA);
    aip_error_free(err);
    /* a good file that names a fact twice with base.yaml */
    err = NULL;
    ck_assert_int_eq(aip_kb_builder_add_file(
                         b, test_path("tests/fixtures/broken/duplicate-fact.yaml"),
                         &err),
                     AIP_EDUPLICATE);
    aip_error_free(err);

    aip_kb *kb2 = NULL;
    ck_assert_int_eq(aip_kb_builder_build(b, &kb2, NULL), AIP_OK);
    ck_assert_uint_eq(aip_kb_regulation_count(kb2), nregs);
    ck_assert_uint_eq(aip_kb_fact_count(kb2), nfacts);
    ck_assert_str_eq(aip_kb_fingerprint(kb2), fp);
    char *json2 = classify_json(kb2);
    ck_assert_str_eq(json2, json1);

    /* the builder is still usable: a good addition goes through */
    err = NULL;
    ck_assert_msg(aip_kb_builder_add_file(
                      b, test_path("tests/fixtures/good-dir/b-facts.yaml"), &err)
                      == AIP_OK,
                  "%s", test_error_str(err));
    aip_kb *kb3 = NULL;
    ck_assert_int_eq(aip_kb_builder_build(b, &kb3, NULL), AIP_OK);
    ck_assert_uint_eq(aip_kb_fact_count(kb3), nfacts + 1);
    ck_assert_str_ne(aip_kb_fingerprint(kb3), fp);
    /* an earlier knowledge base is not affected by later additions */
    ck_assert_uint_eq(aip_kb_fact_count(kb1), nfacts);
    ck_assert_str_eq(aip_kb_fingerprint(kb1), fp);

    aip_kb_release(kb1);
    aip_kb_release(kb2);
    aip_kb_release(kb3);
    aip_kb_builder_free(b);
    ck_assert_uint_eq(ta.live_bytes, 0);
    ck_assert_uint_eq(ta.mismatches, 0);
    free(fp);
    free(json1);
    free(json2);
}
END_TEST

START_TEST(build_without_sources)
{
    aip_kb_builder *b = NULL;
    ck_assert_int_eq(aip_kb_builder_new(NULL, &b), AIP_OK);
    aip_kb *kb = NULL;
    ck_assert_int_eq(aip_kb_builder_build(b, &kb, NULL), AIP_OK);
    ck_assert_uint_eq(aip_kb_regulation_count(kb), 0);
    ck_assert_uint_eq(aip_kb_fact_count(kb), 0);
    /* the digest of no bytes */
    ck_assert_str_eq(aip_kb_fingerprint(kb),
                     "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934c"
                     "a495991b7852b855");
    /* build twice: the same knowledge base, one more reference */
    aip_kb *again = NULL;
    ck_assert_int_eq(aip_kb_builder_build(b, &again, NULL), AIP_OK);
    ck_assert_ptr_eq(again, kb);
    aip_kb_release(again);
    aip_kb_builder_free(b);
    ck_assert_uint_eq(aip_kb_fact_count(kb), 0);   /* still alive */
    aip_kb_release(kb);
}
END_TEST

/* ======================================================================== */
/* directories and buffers                                                     */
/* ======================================================================== */

START_TEST(add_dir_good)
{
    test_alloc ta;
    test_alloc_init(&ta);
    aip_kb_builder *b = NULL;
    ck_assert_int_eq(aip_kb_builder_new(&ta.hook, &b), AIP_OK);
    aip_error *err = NULL;
    int rc = aip_kb_builder_add_dir(b, test_path("tests/fixtures/good-dir"),
                                    &err);
    ck_assert_msg(rc == AIP_OK, "%s", test_error_str(err));
    aip_kb *kb = NULL;
    ck_assert_int_eq(aip_kb_builder_build(b, &kb, NULL), AIP_OK);
    ck_assert_uint_eq(aip_kb_regulation_count(kb), 1);
    ck_assert_str_eq(aip_kb_regulation_id(kb, 0), "dir-reg");
    ck_assert_uint_eq(aip_kb_fact_count(kb), 1);
    ck_assert_str_eq(aip_kb_fact_id(kb, 0), "dangerous");
    /* the directory's fingerprint is that of its files in name order */
    size_t la = 0, lb = 0;
    char *fa = test_read_file(test_path("tests/fixtures/good-dir/a-regulation.yaml"), &la);
    char *fb = test_read_file(test_path("tests/fixtures/good-dir/b-facts.yaml"), &lb);
    ck_assert_ptr_nonnull(fa);
    ck_assert_ptr_nonnull(fb);
    aipi_sha256 h;
    unsigned char d[32];
    char want[72] = "sha256:";
    aipi_sha256_init(&h);
    aipi_sha256_update(&h, fa, la);
    aipi_sha256_update(&h, fb, lb);
    aipi_sha256_final(&h, d);
    for (int i = 0; i < 32; i++)
        snprintf(want + 7 + 2 * i, 3, "%02x", d[i]);
    ck_assert_str_eq(aip_kb_fingerprint(kb), want);
    free(fa);
    free(fb);
    aip_kb_release(kb);
    aip_kb_builder_free(b);
    ck_assert_uint_eq(ta.live_bytes, 0);
    ck_assert_uint_eq(ta.mismatches, 0);
}
END_TEST

START_TEST(add_dir_errors)
{
    aip_kb_builder *b = NULL;
    ck_assert_int_eq(aip_kb_builder_new(NULL, &b), AIP_OK);
    aip_error *err = NULL;
    const char *missing = test_path("tests/fixtures/no-such-dir");
    ck_assert_int_eq(aip_kb_builder_add_dir(b, missing, &err), AIP_EIO);
    ck_assert_str_eq(aip_error_file(err), missing);
    aip_error_free(err);
    char *empty = test_tmpdir_new();
    test_write_string(test_fmt("%s/readme.txt", empty), "not yaml\n");
    err = NULL;
    ck_assert_int_eq(aip_kb_builder_add_dir(b, empty, &err), AIP_ENOTFOUND);
    ck_assert_str_eq(aip_error_file(err), empty);
    aip_error_free(err);
    /* one broken file fails the whole directory */
    test_write_string(test_fmt("%s/a.yaml", empty),
                      "schema_version: 1\nfacts: []\n");
    test_write_string(test_fmt("%s/b.yaml", empty),
                      "schema_version: 1\nfacts: [x]\n");
    err = NULL;
    ck_assert_int_eq(aip_kb_builder_add_dir(b, empty, &err), AIP_ESCHEMA);
    ck_assert_str_eq(aip_error_file(err), test_fmt("%s/b.yaml", empty));
    ck_assert_str_eq(aip_error_path(err), "/facts/0");
    aip_error_free(err);
    aip_kb *kb = NULL;
    ck_assert_int_eq(aip_kb_builder_build(b, &kb, NULL), AIP_OK);
    ck_assert_uint_eq(aip_kb_fact_count(kb), 0);
    aip_kb_release(kb);
    aip_kb_builder_free(b);
    test_tmpdir_remove(empty);
}
END_TEST

static const char buffer_doc[] =
    "schema_version: 1\n"
    "facts:\n"
    "  - {id: buffered, type: bool, label: {en: B, fr: B}, "
    "question: {en: B?, fr: B ?}}\n";

START_TEST(add_buffer)
{
    test_alloc ta;
    test_alloc_init(&ta);
    aip_kb_builder *b = NULL;
    ck_assert_int_eq(aip_kb_builder_new(&ta.hook, &b), AIP_OK);
    /* the bytes are copied: the caller's buffer may change afterwards */
    char *copy = strdup(buffer_doc);
    aip_error *err = NULL;
    ck_assert_int_eq(aip_kb_builder_add_buffer(b, "mem", copy, strlen(copy),
                                               &err),
                     AIP_OK);
    memset(copy, 'x', strlen(copy));
    free(copy);
    aip_kb *kb = NULL;
    ck_assert_int_eq(aip_kb_builder_build(b, &kb, NULL), AIP_OK);
    ck_assert_uint_eq(aip_kb_fact_count(kb), 1);
    ck_assert_str_eq(aip_kb_fact_id(kb, 0), "buffered");
    /* the name is used in messages */
    static const char bad[] = "schema_version: 1\nfacts: {}\n";
    err = NULL;
    ck_assert_int_eq(aip_kb_builder_add_buffer(b, "my-buffer", bad,
                                               sizeof bad - 1, &err),
                     AIP_ESCHEMA);
    check_error(err, "buffer", AIP_ESCHEMA, "my-buffer", 2, 8, "/facts",
                "must be a list");
    aip_error_free(err);
    /* without a name */
    err = NULL;
    ck_assert_int_eq(aip_kb_builder_add_buffer(b, NULL, bad, sizeof bad - 1,
                                               &err),
                     AIP_ESCHEMA);
    ck_assert_ptr_nonnull(aip_error_file(err));
    ck_assert_str_eq(aip_error_file(err), "<buffer>");
    aip_error_free(err);
    /* only len bytes are read: a document cut short */
    err = NULL;
    ck_assert_int_eq(aip_kb_builder_add_buffer(b, "cut", buffer_doc, 45, &err),
                     AIP_EYAML);
    aip_error_free(err);
    /* an empty buffer is an empty document */
    err = NULL;
    ck_assert_int_eq(aip_kb_builder_add_buffer(b, "empty", "", 0, &err),
                     AIP_ESCHEMA);
    aip_error_free(err);
    aip_kb_release(kb);
    aip_kb_builder_free(b);
    ck_assert_uint_eq(ta.live_bytes, 0);
    ck_assert_uint_eq(ta.mismatches, 0);
}
END_TEST

/* ======================================================================== */
/* unknown keys, wrong types and dangling references at every level         */
/* ======================================================================== */

/* tests/fixtures/toy.yaml holds every construct of the format. Copies of
 * it, written by libyaml's emitter from the parser's events, each with one
 * edit, reach every level a knowledge file has: a key the format does not
 * know added to one mapping, or one scalar value replaced by a mapping or
 * by an id that names nothing. */
#define UNKNOWN_KEY "zz_unknown_key"
#define WRONG_TYPE_KEY "zz_wrong_type"
#define DANGLING_ID "zz_dangling"

typedef enum {
    EDIT_NONE,
    EDIT_ADD_KEY,                /* UNKNOWN_KEY: 1 added to a mapping */
    EDIT_WRONG_TYPE,             /* a scalar value -> {WRONG_TYPE_KEY: 1} */
    EDIT_DANGLING                /* a scalar value -> DANGLING_ID */
} edit_kind;

typedef struct out_buf {
    char *data;
    size_t len, cap;
} out_buf;

static int out_write(void *ctx, unsigned char *bytes, size_t size)
{
    out_buf *o = ctx;
    if (o->len + size + 1 > o->cap) {
        size_t cap = (o->len + size + 1) * 2;
        char *d = realloc(o->data, cap);
        if (!d)
            return 0;
        o->data = d;
        o->cap = cap;
    }
    memcpy(o->data + o->len, bytes, size);
    o->len += size;
    o->data[o->len] = '\0';
    return 1;
}

static void emit(yaml_emitter_t *em, yaml_event_t *ev)
{
    ck_assert_msg(yaml_emitter_emit(em, ev), "emitter: %s", em->problem);
}

static void emit_scalar(yaml_emitter_t *em, const char *text)
{
    yaml_event_t ev;
    ck_assert(yaml_scalar_event_initialize(&ev, NULL, NULL,
                                           (yaml_char_t *)text,
                                           (int)strlen(text), 1, 1,
                                           YAML_PLAIN_SCALAR_STYLE));
    emit(em, &ev);
}

/* The mapping {key: 1}, in flow style. */
static void emit_small_mapping(yaml_emitter_t *em, const char *key)
{
    yaml_event_t ev;
    ck_assert(yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
                                                  YAML_FLOW_MAPPING_STYLE));
    emit(em, &ev);
    emit_scalar(em, key);
    emit_scalar(em, "1");
    ck_assert(yaml_mapping_end_event_initialize(&ev));
    emit(em, &ev);
}

/* Where the copy stands: per open container, whether its next scalar is a
 * key (mappings alternate keys and values, sequences hold values). */
typedef struct walk {
    char in_map[256], at_key[256];
    int depth;
} walk;

static int scalar_is_key(const walk *w)
{
    return w->depth > 0 && w->in_map[w->depth - 1] && w->at_key[w->depth - 1];
}

/* Moves past one event: a node that ends (a scalar, or the end of a
 * container) turns its mapping from key to value or back. */
static void walk_event(walk *w, const yaml_event_t *ev)
{
    if (ev->type == YAML_MAPPING_START_EVENT
        || ev->type == YAML_SEQUENCE_START_EVENT) {
        ck_assert_int_lt(w->depth, (int)sizeof w->in_map);
        w->in_map[w->depth] = ev->type == YAML_MAPPING_START_EVENT;
        w->at_key[w->depth++] = 1;
        return;
    }
    if (ev->type == YAML_MAPPING_END_EVENT
        || ev->type == YAML_SEQUENCE_END_EVENT)
        w->depth--;
    else if (ev->type != YAML_SCALAR_EVENT)
        return;
    if (w->depth > 0)
        w->at_key[w->depth - 1] ^= 1;
}

/* Copies `text` with edit number `index` (from 0, in document order: the
 * mappings for EDIT_ADD_KEY, the scalar values for EDIT_WRONG_TYPE).
 * Returns how many places the edit could go; the copy in *out (malloc'd;
 * NULL when index is past the last place). */
static size_t edited_copy(const char *text, edit_kind kind, size_t index,
                          char **out)
{
    yaml_parser_t parser;
    yaml_emitter_t em;
    out_buf o = { NULL, 0, 0 };
    ck_assert(yaml_parser_initialize(&parser));
    ck_assert(yaml_emitter_initialize(&em));
    yaml_parser_set_input_string(&parser, (const unsigned char *)text,
                                 strlen(text));
    yaml_emitter_set_output(&em, out_write, &o);
    yaml_emitter_set_unicode(&em, 1);
    yaml_emitter_set_width(&em, -1);     /* no folded lines: one search */
    walk w = { .depth = 0 };
    size_t places = 0;
    for (int done = 0; !done;) {
        yaml_event_t ev;
        ck_assert_msg(yaml_parser_parse(&parser, &ev), "toy.yaml: %s",
                      parser.problem);
        done = ev.type == YAML_STREAM_END_EVENT;
        int is_key = ev.type == YAML_SCALAR_EVENT && scalar_is_key(&w);
        walk_event(&w, &ev);
        int here = (kind == EDIT_ADD_KEY && ev.type == YAML_MAPPING_START_EVENT)
                || (kind >= EDIT_WRONG_TYPE && ev.type == YAML_SCALAR_EVENT
                    && !is_key);
        here = here && places++ == index;
        if (here && kind == EDIT_WRONG_TYPE) {
            yaml_event_delete(&ev);
            emit_small_mapping(&em, WRONG_TYPE_KEY);
            continue;
        }
        if (here && kind == EDIT_DANGLING) {
            yaml_event_delete(&ev);
            emit_scalar(&em, DANGLING_ID);
            continue;
        }
        /* a plain scalar the emitter must quote (a URL in a flow mapping)
         * stays a string, without a "!" tag */
        if (ev.type == YAML_SCALAR_EVENT)
            ev.data.scalar.quoted_implicit = 1;
        emit(&em, &ev);
        if (here) {
            emit_scalar(&em, UNKNOWN_KEY);
            emit_scalar(&em, "1");
        }
    }
    yaml_parser_delete(&parser);
    yaml_emitter_delete(&em);
    if (kind != EDIT_NONE && index >= places) {
        free(o.data);
        o.data = NULL;
    }
    *out = o.data;
    return places;
}

/* Line and column (from 1) of the first occurrence of `word` in `text`. */
static void position_of(const char *text, const char *word, unsigned *line,
                        unsigned *column)
{
    const char *at = strstr(text, word);
    ck_assert_msg(at != NULL, "'%s' not in the copy", word);
    *line = 1;
    const char *line_start = text;
    for (const char *p = text; p < at; p++)
        if (*p == '\n') {
            ++*line;
            line_start = p + 1;
        }
    *column = (unsigned)(at - line_start) + 1;
}

/* Loads every copy with one edit of `kind`: each must be refused with an
 * error of one of the codes given, at the edit (where `marker` is). */
static size_t refuse_every_edit(edit_kind kind, const char *marker,
                                int code, int other_code)
{
    char *toy = test_read_file(test_path("tests/fixtures/toy.yaml"), NULL);
    ck_assert_ptr_nonnull(toy);
    char *copy = NULL;
    size_t places = edited_copy(toy, kind, SIZE_MAX, &copy);
    aip_kb_builder *b = NULL;
    ck_assert_int_eq(aip_kb_builder_new(NULL, &b), AIP_OK);
    for (size_t i = 0; i < places; i++) {
        edited_copy(toy, kind, i, &copy);
        ck_assert_ptr_nonnull(copy);
        unsigned line, column;
        position_of(copy, marker, &line, &column);
        aip_error *err = NULL;
        int rc = aip_kb_builder_add_buffer(b, "toy-copy", copy, strlen(copy),
                                           &err);
        ck_assert_msg(rc == code || rc == other_code,
                      "edit %zu (line %u): status %d, expected %d or %d: %s",
                      i, line, rc, code, other_code,
                      err ? aip_error_message(err) : "no error");
        /* where a mapping may stand for the value (an obligation given
         * with its own date), the error is the mapping's key, just inside */
        int inside = kind == EDIT_WRONG_TYPE
                  && aip_error_column(err) == column + 1
                  && strstr(aip_error_message(err), WRONG_TYPE_KEY);
        ck_assert_msg(aip_error_line(err) == line
                          && (aip_error_column(err) == column || inside),
                      "edit %zu: error at %u:%u, the edit is at %u:%u: %s",
                      i, aip_error_line(err), aip_error_column(err), line,
                      column, aip_error_message(err));
        if (kind == EDIT_ADD_KEY)
            ck_assert_msg(strstr(aip_error_message(err), UNKNOWN_KEY) != NULL,
                          "edit %zu: the message does not name the key: %s",
                          i, aip_error_message(err));
        aip_error_free(err);
        free(copy);
    }
    aip_kb_builder_free(b);
    free(toy);
    return places;
}

START_TEST(toy_copy_without_edit_loads)
{
    /* what the two tests below change is their edit alone: the emitter's
     * copy of toy.yaml loads */
    char *toy = test_read_file(test_path("tests/fixtures/toy.yaml"), NULL);
    ck_assert_ptr_nonnull(toy);
    char *copy = NULL;
    edited_copy(toy, EDIT_NONE, 0, &copy);
    ck_assert_ptr_nonnull(copy);
    aip_kb_builder *b = NULL;
    aip_error *err = NULL;
    ck_assert_int_eq(aip_kb_builder_new(NULL, &b), AIP_OK);
    ck_assert_msg(aip_kb_builder_add_buffer(b, "toy-copy", copy, strlen(copy),
                                            &err) == AIP_OK,
                  "%s", err ? aip_error_message(err) : "");
    aip_kb_builder_free(b);
    free(copy);
    free(toy);
}
END_TEST

START_TEST(unknown_key_in_every_mapping)
{
    /* a mapping keyed by ids (raise: {dimension: value}) names the key as
     * a reference to nothing */
    size_t n = refuse_every_edit(EDIT_ADD_KEY, UNKNOWN_KEY, AIP_ESCHEMA,
                                 AIP_ENOTFOUND);
    ck_assert_uint_gt(n, 50);
}
END_TEST

START_TEST(wrong_type_for_every_value)
{
    /* schema_version is checked first, as a version */
    size_t n = refuse_every_edit(EDIT_WRONG_TYPE, "{" WRONG_TYPE_KEY,
                                 AIP_ESCHEMA, AIP_EVERSION);
    ck_assert_uint_gt(n, 200);
}
END_TEST

START_TEST(dangling_reference_of_every_kind)
{
    /* Each scalar value of toy.yaml in turn becomes an id that names
     * nothing. Free text stays valid; everything else must be refused at
     * the value (or, for an id, where it is referred to), and every kind
     * of reference the format has must be among the refusals as a
     * reference to nothing. */
    static const char *const kinds[] = {
        "unknown fact '" DANGLING_ID "'",
        "'" DANGLING_ID "' is not a value of fact",
        "unknown dimension '" DANGLING_ID "'",
        "unknown dimension value '" DANGLING_ID "'",
        "unknown obligation '" DANGLING_ID "'",
        "unknown penalty '" DANGLING_ID "'",
        "unknown version '" DANGLING_ID "'",
    };
    enum { NKINDS = sizeof kinds / sizeof kinds[0] };
    int seen[NKINDS] = { 0 };
    char *toy = test_read_file(test_path("tests/fixtures/toy.yaml"), NULL);
    ck_assert_ptr_nonnull(toy);
    char *copy = NULL;
    size_t places = edited_copy(toy, EDIT_DANGLING, SIZE_MAX, &copy);
    for (size_t i = 0; i < places; i++) {
        edited_copy(toy, EDIT_DANGLING, i, &copy);
        unsigned line, column;
        position_of(copy, DANGLING_ID, &line, &column);
        aip_kb_builder *b = NULL;
        aip_error *err = NULL;
        ck_assert_int_eq(aip_kb_builder_new(NULL, &b), AIP_OK);
        int rc = aip_kb_builder_add_buffer(b, "toy-copy", copy, strlen(copy),
                                           &err);
        /* an id renamed leaves its references dangling, elsewhere */
        int renamed = rc == AIP_ENOTFOUND
                   && !strstr(aip_error_message(err), DANGLING_ID);
        if (rc != AIP_OK && !renamed) {
            ck_assert_msg(aip_error_line(err) == line
                              && aip_error_column(err) == column,
                          "edit %zu: error at %u:%u, the edit is at %u:%u: "
                          "%s", i, aip_error_line(err), aip_error_column(err),
                          line, column, aip_error_message(err));
            for (int k = 0; k < NKINDS; k++)
                if (rc == AIP_ENOTFOUND
                    && strstr(aip_error_message(err), kinds[k]))
                    seen[k] = 1;
        }
        aip_error_free(err);
        aip_kb_builder_free(b);
        free(copy);
    }
    for (int k = 0; k < NKINDS; k++)
        ck_assert_msg(seen[k], "no edit gave: %s", kinds[k]);
    free(toy);
}
END_TEST

/* A fact with a relevance condition, the condition on line 4 from
 * column 19. */
static const char condition_doc[] =
    "schema_version: 1\n"
    "facts:\n"
    "  - {id: a, type: bool, label: {en: A, fr: A}, question: {en: A?, fr: A ?},\n"
    "     relevant_if: %s}\n";

static void check_condition_error(const char *condition, unsigned column,
                                  const char *path, const char *word)
{
    aip_kb_builder *b = NULL;
    aip_error *err = NULL;
    ck_assert_int_eq(aip_kb_builder_new(NULL, &b), AIP_OK);
    const char *doc = test_fmt(condition_doc, condition);
    ck_assert_int_eq(aip_kb_builder_add_buffer(b, "cond", doc, strlen(doc),
                                               &err),
                     AIP_ESCHEMA);
    check_error(err, condition, AIP_ESCHEMA, "cond", 4, column, path, word);
    aip_error_free(err);
    aip_kb_builder_free(b);
}

START_TEST(condition_key_errors)
{
    /* a second comparison is pointed at, not the whole condition */
    check_condition_error("{fact: a, eq: true, ne: false}", 39,
                          "/facts/0/relevant_if/ne",
                          "'fact' takes exactly one comparison");
    check_condition_error("{fact: a}", 19, "/facts/0/relevant_if",
                          "missing comparison");
    /* an unknown key is named as such, wherever it stands */
    check_condition_error("{fact: a, eq: true, colour: red}", 39,
                          "/facts/0/relevant_if/colour",
                          "unknown key 'colour' in a condition");
    check_condition_error("{colour: red, fact: a, eq: true}", 20,
                          "/facts/0/relevant_if/colour",
                          "unknown key 'colour' in a condition");
    /* all, any, not and known stand alone: the other key is named */
    check_condition_error("{not: {known: a}, eq: true}", 37,
                          "/facts/0/relevant_if/eq",
                          "'not' must be the only key of its condition, "
                          "not with 'eq'");
    check_condition_error("{colour: red, all: [{known: a}]}", 20,
                          "/facts/0/relevant_if/colour",
                          "'all' must be the only key of its condition, "
                          "not with 'colour'");
}
END_TEST

/* ======================================================================== */
/* fingerprint                                                                 */
/* ======================================================================== */

static int is_fingerprint(const char *s)
{
    if (!s || strncmp(s, "sha256:", 7) != 0 || strlen(s) != 7 + 64)
        return 0;
    for (const char *p = s + 7; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return 0;
    return 1;
}

START_TEST(fingerprint_format_and_sensitivity)
{
    size_t len = 0;
    char *text = test_read_file(test_path("tests/fixtures/loader/base.yaml"),
                                &len);
    ck_assert_ptr_nonnull(text);
    aip_error *err = NULL;
    aip_kb *kb = test_load_kb_buffer(NULL, "base", text, &err);
    ck_assert_msg(kb != NULL, "%s", test_error_str(err));
    const char *fp = aip_kb_fingerprint(kb);
    ck_assert_msg(is_fingerprint(fp), "bad fingerprint '%s'", fp);
    /* it is the SHA-256 of the file's bytes */
    aipi_sha256 h;
    unsigned char d[32];
    char want[72] = "sha256:";
    aipi_sha256_init(&h);
    aipi_sha256_update(&h, text, len);
    aipi_sha256_final(&h, d);
    for (int i = 0; i < 32; i++)
        snprintf(want + 7 + 2 * i, 3, "%02x", d[i]);
    ck_assert_str_eq(fp, want);
    /* the same bytes from a file: the same fingerprint */
    aip_kb *kb2 = test_load_kb(NULL, &err, "tests/fixtures/loader/base.yaml",
                               NULL);
    ck_assert_ptr_nonnull(kb2);
    ck_assert_str_eq(aip_kb_fingerprint(kb2), fp);
    /* one byte changed (in a comment: same knowledge) -> another one */
    ck_assert_int_eq(text[0], '#');
    text[2] = text[2] == 'A' ? 'B' : 'A';
    aip_kb *kb3 = test_load_kb_buffer(NULL, "base", text, &err);
    ck_assert_ptr_nonnull(kb3);
    ck_assert_msg(is_fingerprint(aip_kb_fingerprint(kb3)), "format");
    ck_assert_str_ne(aip_kb_fingerprint(kb3), fp);
    /* a byte of content changed */
    char *p = strstr(text, "amount: 1000");
    ck_assert_ptr_nonnull(p);
    p[8] = '2';
    aip_kb *kb4 = test_load_kb_buffer(NULL, "base", text, &err);
    ck_assert_ptr_nonnull(kb4);
    ck_assert_str_ne(aip_kb_fingerprint(kb4), fp);
    ck_assert_str_ne(aip_kb_fingerprint(kb4), aip_kb_fingerprint(kb3));
    aip_kb_release(kb);
    aip_kb_release(kb2);
    aip_kb_release(kb3);
    aip_kb_release(kb4);
    free(text);
}
END_TEST

/* ======================================================================== */
/* the bundled knowledge, convenience loaders, introspection                  */
/* ======================================================================== */

START_TEST(bundled_knowledge_loads)
{
    test_alloc ta;
    test_alloc_init(&ta);
    aip_kb *kb = NULL;
    aip_error *err = NULL;
    int rc = aip_kb_load_path(&ta.hook, test_datadir(), &kb, &err);
    ck_assert_msg(rc == AIP_OK, "%s", test_error_str(err));
    ck_assert_uint_ge(aip_kb_regulation_count(kb), 1);
    ck_assert_uint_ge(aip_kb_fact_count(kb), 1);
    ck_assert_msg(is_fingerprint(aip_kb_fingerprint(kb)), "fingerprint");
    int found = 0;
    for (size_t i = 0; i < aip_kb_regulation_count(kb); i++) {
        found |= strcmp(aip_kb_regulation_id(kb, i), "eu-ai-act") == 0;
        ck_assert_ptr_nonnull(aip_kb_regulation_title(kb, i, "en"));
        ck_assert_ptr_nonnull(aip_kb_regulation_title(kb, i, "fr"));
        ck_assert_uint_ge(aip_kb_rule_count(kb, i), 1);
    }
    ck_assert_msg(found, "eu-ai-act is not in %s", test_datadir());
    /* aip_kb_load_default reads $AIPOLICY_DATA */
    ck_assert_str_eq(aip_default_data_dir(), test_datadir());
    aip_kb *kb2 = NULL;
    ck_assert_int_eq(aip_kb_load_default(NULL, &kb2, NULL), AIP_OK);
    ck_assert_str_eq(aip_kb_fingerprint(kb2), aip_kb_fingerprint(kb));
    aip_kb_release(kb2);
    aip_kb_release(kb);
    ck_assert_uint_eq(ta.live_bytes, 0);
    ck_assert_uint_eq(ta.mismatches, 0);
}
END_TEST

START_TEST(load_path_file_and_errors)
{
    aip_kb *kb = NULL;
    aip_error *err = NULL;
    ck_assert_int_eq(aip_kb_load_path(NULL,
                                      test_path("tests/fixtures/loader/base.yaml"),
                                      &kb, &err),
                     AIP_OK);
    ck_assert_uint_eq(aip_kb_regulation_count(kb), 1);
    aip_kb_release(kb);
    kb = (aip_kb *)0x1;
    ck_assert_int_eq(aip_kb_load_path(NULL, test_path("tests/fixtures/nothing"),
                                      &kb, &err),
                     AIP_EIO);
    ck_assert_ptr_eq(kb, (aip_kb *)0x1);
    ck_assert_int_eq(aip_error_code(err), AIP_EIO);
    aip_error_free(err);
    err = NULL;
    const char *bad = test_path("tests/fixtures/broken/unknown-fact.yaml");
    ck_assert_int_eq(aip_kb_load_path(NULL, bad, &kb, &err), AIP_ENOTFOUND);
    ck_assert_str_eq(aip_error_file(err), bad);
    ck_assert_ptr_eq(kb, (aip_kb *)0x1);
    aip_error_free(err);
}
END_TEST

START_TEST(introspection)
{
    aip_kb *kb = test_load_kb(NULL, NULL, "tests/fixtures/loader/base.yaml",
                              NULL);
    ck_assert_ptr_nonnull(kb);
    ck_assert_str_eq(aip_kb_regulation_id(kb, 0), "test-reg");
    ck_assert_str_eq(aip_kb_regulation_title(kb, 0, "en"), "Test regulation");
    ck_assert_str_eq(aip_kb_regulation_title(kb, 0, "fr"),
                     "Règlement de test");
    ck_assert_str_eq(aip_kb_regulation_title(kb, 0, NULL), "Test regulation");
    ck_assert_ptr_null(aip_kb_regulation_id(kb, 1));
    ck_assert_ptr_null(aip_kb_regulation_title(kb, 1, "en"));
    ck_assert_uint_eq(aip_kb_rule_count(kb, 0), 1);
    ck_assert_uint_eq(aip_kb_rule_count(kb, 1), 0);
    ck_assert_str_eq(aip_kb_rule_id(kb, 0, 0), "r1");
    ck_assert_str_eq(aip_kb_rule_citation(kb, 0, 0), "Art. 1");
    ck_assert_ptr_null(aip_kb_rule_id(kb, 0, 1));
    ck_assert_ptr_null(aip_kb_rule_citation(kb, 1, 0));
    ck_assert_uint_eq(aip_kb_fact_count(kb), 2);
    ck_assert_str_eq(aip_kb_fact_id(kb, 0), "flag");
    ck_assert_str_eq(aip_kb_fact_type(kb, 0), "bool");
    ck_assert_str_eq(aip_kb_fact_type(kb, 1), "enum");
    ck_assert_str_eq(aip_kb_fact_label(kb, 1, "fr"), "Couleur");
    ck_assert_str_eq(aip_kb_fact_label(kb, 1, "en"), "Colour");
    ck_assert_str_eq(aip_kb_fact_question(kb, 0, "fr"),
                     "Le drapeau est-il levé ?");
    ck_assert_ptr_null(aip_kb_fact_id(kb, 2));
    ck_assert_ptr_null(aip_kb_fact_type(kb, 2));
    ck_assert_ptr_null(aip_kb_fact_label(kb, 2, "en"));
    ck_assert_ptr_null(aip_kb_fact_question(kb, 2, "en"));
    aip_kb_release(kb);
}
END_TEST

/* ======================================================================== */

static Suite *loader_suite(void)
{
    Suite *s = suite_create("loader");
    TCase *tc = tcase_create("broken");
    tcase_add_loop_test(tc, broken_fixture, 0, NBROKEN);
    tcase_add_test(tc, broken_fixture_list_is_complete);
    tcase_add_test(tc, the_base_of_the_broken_fixtures_is_valid);
    tcase_add_test(tc, toy_copy_without_edit_loads);
    tcase_add_test(tc, unknown_key_in_every_mapping);
    tcase_add_test(tc, wrong_type_for_every_value);
    tcase_add_test(tc, dangling_reference_of_every_kind);
    tcase_add_test(tc, condition_key_errors);
    suite_add_tcase(s, tc);

    tc = tcase_create("limits");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, scalar_of_1mb_refused);
    tcase_add_test(tc, file_over_16mb_refused);
    suite_add_tcase(s, tc);

    tc = tcase_create("transactions");
    tcase_add_test(tc, duplicate_fact_across_files);
    tcase_add_test(tc, later_transaction_sees_earlier_facts);
    tcase_add_test(tc, files_in_any_order_in_one_transaction);
    tcase_add_test(tc, failed_transaction_changes_nothing);
    tcase_add_test(tc, build_without_sources);
    suite_add_tcase(s, tc);

    tc = tcase_create("sources");
    tcase_add_test(tc, add_dir_good);
    tcase_add_test(tc, add_dir_errors);
    tcase_add_test(tc, add_buffer);
    tcase_add_test(tc, fingerprint_format_and_sensitivity);
    tcase_add_test(tc, bundled_knowledge_loads);
    tcase_add_test(tc, load_path_file_and_errors);
    tcase_add_test(tc, introspection);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(loader_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
