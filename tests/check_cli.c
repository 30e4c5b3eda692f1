/*
 * tests/check_cli.c - the aipolicy tool end to end: it is run from the
 * build tree (AIP_TEST_BUILDDIR/tools/aipolicy) with stdout and stderr
 * captured, and its exit status checked:
 *   0 success, 1 invalid input, 2 usage error, 3 unreadable file.
 */
#include <check.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aipolicy.h"
#include "common.h"

/* A profile using facts of data/facts.yaml, in a temporary directory. */
static const char profile_text[] =
    "# written by tests/check_cli.c\n"
    "profile: 1\n"
    "name: CLI test system\n"
    "facts:\n"
    "  ai_act_role: [provider]\n"
    "  established_in_eu: true\n"
    "  is_ai_system: true\n";

static char *tmpdir;
static char *profile;            /* tmpdir/profile.yaml */

static void setup(void)
{
    tmpdir = test_tmpdir_new();
    profile = strdup(test_fmt("%s/profile.yaml", tmpdir));
    ck_assert_int_eq(test_write_string(profile, profile_text), 0);
}

static void teardown(void)
{
    free(profile);
    profile = NULL;
    test_tmpdir_remove(tmpdir);
    tmpdir = NULL;
}

#define DATA "--data", test_datadir()

/* Asserts the exit status, showing the output when it differs. */
#define ck_assert_status(r, want)                                            \
    ck_assert_msg((r)->status == (want),                                     \
                  "exit status %d, expected %d%s\nstdout:\n%.2000s\n"        \
                  "stderr:\n%.3000s", (r)->status, (want),                  \
                  (r)->status == TEST_SANITIZER_EXIT                         \
                      ? " (sanitizer report)" : "",                          \
                  (r)->out, (r)->err)

/* The first line of s matches the extended regular expression re. */
static int first_line_matches(const char *s, const char *re)
{
    regex_t rx;
    ck_assert_int_eq(regcomp(&rx, re, REG_EXTENDED | REG_NOSUB), 0);
    size_t n = strcspn(s, "\n");
    char *line = strndup(s, n);
    int ok = regexec(&rx, line, 0, NULL, 0) == 0;
    free(line);
    regfree(&rx);
    return ok;
}

/* ======================================================================== */
/* global options                                                            */
/* ======================================================================== */

START_TEST(help)
{
    test_run r;
    test_run_tool(&r, "--help", NULL);
    ck_assert_status(&r, 0);
    ck_assert_msg(test_contains(r.out, "classify"), "%s", r.out);
    ck_assert_msg(test_contains(r.out, "lint"), "%s", r.out);
    ck_assert_msg(test_contains(r.out, "list"), "%s", r.out);
    ck_assert_msg(test_contains(r.out, "Usage"), "%s", r.out);
    ck_assert_uint_eq(r.err_len, 0);
    test_run_free(&r);
    test_run_tool(&r, "-h", NULL);
    ck_assert_status(&r, 0);
    ck_assert_msg(test_contains(r.out, "classify"), "%s", r.out);
    test_run_free(&r);
}
END_TEST

START_TEST(version)
{
    test_run r;
    test_run_tool(&r, "--version", NULL);
    ck_assert_status(&r, 0);
    char want[64];
    snprintf(want, sizeof want, "aipolicy %s", AIP_VERSION);
    ck_assert_msg(strncmp(r.out, want, strlen(want)) == 0, "%s", r.out);
    ck_assert_uint_eq(r.err_len, 0);
    test_run_free(&r);
}
END_TEST

START_TEST(usage_errors)
{
    test_run r;
    test_run_tool(&r, "frobnicate", NULL);
    ck_assert_status(&r, 2);
    ck_assert_msg(test_contains(r.err, "unknown command"), "%s", r.err);
    ck_assert_msg(test_contains(r.err, "frobnicate"), "%s", r.err);
    ck_assert_uint_eq(r.out_len, 0);
    test_run_free(&r);
    test_run_tool(&r, NULL);                            /* no command */
    ck_assert_status(&r, 2);
    test_run_free(&r);
    test_run_tool(&r, "--frobnicate", "list", "facts", NULL);
    ck_assert_status(&r, 2);
    test_run_free(&r);
    test_run_tool(&r, "--data", NULL);                  /* no value */
    ck_assert_status(&r, 2);
    test_run_free(&r);
    test_run_tool(&r, DATA, "classify", NULL);          /* no profile */
    ck_assert_status(&r, 2);
    test_run_free(&r);
    test_run_tool(&r, DATA, "classify", profile, "--lang", "de", NULL);
    ck_assert_status(&r, 2);
    test_run_free(&r);
    test_run_tool(&r, DATA, "classify", profile, "--date", NULL);
    ck_assert_status(&r, 2);
    test_run_free(&r);
    test_run_tool(&r, DATA, "classify", profile, "--frob", NULL);
    ck_assert_status(&r, 2);
    test_run_free(&r);
    test_run_tool(&r, DATA, "list", "everything", NULL);
    ck_assert_status(&r, 2);
    test_run_free(&r);
    test_run_tool(&r, "lint", NULL);                    /* no file */
    ck_assert_status(&r, 2);
    test_run_free(&r);
}
END_TEST

/* ======================================================================== */
/* classify                                                                   */
/* ======================================================================== */

START_TEST(classify_text)
{
    test_run r;
    test_run_tool(&r, DATA, "classify", profile, "--date", "2026-11-24", NULL);
    ck_assert_status(&r, 0);
    ck_assert_msg(strncmp(r.out, "As of: 2026-11-24\n", 18) == 0, "%s", r.out);
    ck_assert_msg(test_contains(r.out, "Artificial Intelligence Act"), "%s",
                  r.out);
    ck_assert_msg(test_contains(r.out, "sha256:"), "%s", r.out);
    ck_assert_uint_eq(r.err_len, 0);
    test_run_free(&r);
}
END_TEST

START_TEST(classify_json)
{
    test_run r;
    test_run_tool(&r, DATA, "classify", profile, "--json", "--date",
                  "2026-11-24", NULL);
    ck_assert_status(&r, 0);
    ck_assert_msg(r.out[0] == '{', "%.200s", r.out);
    ck_assert_msg(test_contains(r.out, "\"format_version\": 1"), "%.400s",
                  r.out);
    ck_assert_msg(test_contains(r.out, "\"as_of\": \"2026-11-24\""), "%.400s",
                  r.out);
    ck_assert_msg(test_contains(r.out, "\"id\": \"eu-ai-act\""), "%.400s",
                  r.out);
    ck_assert_int_eq(r.out[r.out_len - 1], '\n');
    size_t where = 0;
    ck_assert_msg(test_json_valid(r.out, &where), "invalid JSON at %zu: %.80s",
                  where, r.out + where);
    char *pretty = strdup(r.out);
    test_run_free(&r);
    /* compact: one line, the same document */
    test_run_tool(&r, DATA, "classify", profile, "--compact", "--date",
                  "2026-11-24", NULL);
    ck_assert_status(&r, 0);
    ck_assert_msg(test_json_valid(r.out, &where), "invalid JSON at %zu",
                  where);
    ck_assert_uint_eq(test_count(r.out, "\n"), 1);
    ck_assert_msg(test_contains(r.out, "{\"format\":\"aipolicy-result\","
                                       "\"format_version\":1,"),
                  "%.200s", r.out);
    test_run_free(&r);
    /* the same arguments give the same bytes */
    test_run_tool(&r, DATA, "classify", "--json", profile, "--date",
                  "2026-11-24", NULL);
    ck_assert_status(&r, 0);
    ck_assert_str_eq(r.out, pretty);
    test_run_free(&r);
    free(pretty);
}
END_TEST

START_TEST(classify_lang_fr)
{
    test_run r;
    test_run_tool(&r, DATA, "classify", profile, "--lang", "fr", "--date",
                  "2026-11-24", NULL);
    ck_assert_status(&r, 0);
    ck_assert_msg(strncmp(r.out, "À la date du", strlen("À la date du")) == 0,
                  "%s", r.out);
    ck_assert_msg(test_contains(r.out, "Droit en vigueur"), "%s", r.out);
    ck_assert_msg(!test_contains(r.out, "Law in force"), "%s", r.out);
    test_run_free(&r);
    test_run_tool(&r, DATA, "classify", profile, "--lang", "fr", "--json",
                  NULL);
    ck_assert_status(&r, 0);
    ck_assert_msg(test_contains(r.out, "\"lang\": \"fr\""), "%.400s", r.out);
    test_run_free(&r);
}
END_TEST

START_TEST(classify_date)
{
    test_run r;
    test_run_tool(&r, DATA, "classify", profile, "--json", "--date",
                  "2024-07-01", NULL);
    ck_assert_status(&r, 0);
    ck_assert_msg(test_contains(r.out, "\"as_of\": \"2024-07-01\""), "%.400s",
                  r.out);
    test_run_free(&r);
    /* a profile date is used without --date, and --date wins over it */
    char *dated = strdup(test_fmt("%s/dated.yaml", tmpdir));
    ck_assert_int_eq(test_write_string(dated, "profile: 1\ndate: 2025-03-03\n"
                                              "facts:\n  is_ai_system: true\n"),
                     0);
    test_run_tool(&r, DATA, "classify", dated, "--json", NULL);
    ck_assert_status(&r, 0);
    ck_assert_msg(test_contains(r.out, "\"as_of\": \"2025-03-03\""), "%.400s",
                  r.out);
    test_run_free(&r);
    test_run_tool(&r, DATA, "classify", dated, "--json", "--date",
                  "2027-01-02", NULL);
    ck_assert_status(&r, 0);
    ck_assert_msg(test_contains(r.out, "\"as_of\": \"2027-01-02\""), "%.400s",
                  r.out);
    test_run_free(&r);
    free(dated);
}
END_TEST

START_TEST(classify_bad_date)
{
    static const char *const bad[] = { "2026-02-30", "tomorrow", "2026-1-1",
                                       "1899-12-31", "" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        test_run r;
        test_run_tool(&r, DATA, "classify", profile, "--date", bad[i], NULL);
        ck_assert_status(&r, 2);
        ck_assert_uint_eq(r.out_len, 0);
        ck_assert_msg(test_contains(r.err, "date"), "%s", r.err);
        test_run_free(&r);
    }
}
END_TEST

START_TEST(classify_missing_profile)
{
    test_run r;
    char *missing = strdup(test_fmt("%s/no-such-profile.yaml", tmpdir));
    test_run_tool(&r, DATA, "classify", missing, NULL);
    ck_assert_status(&r, 3);
    ck_assert_uint_eq(r.out_len, 0);
    ck_assert_msg(test_contains(r.err, missing), "%s", r.err);
    test_run_free(&r);
    free(missing);
}
END_TEST

START_TEST(classify_invalid_profile)
{
    char *bad = strdup(test_fmt("%s/bad-profile.yaml", tmpdir));
    ck_assert_int_eq(test_write_string(bad, "profile: 1\nfacts:\n"
                                            "  is_ai_system: true\n"
                                            "  no_such_fact_anywhere: true\n"),
                     0);
    test_run r;
    test_run_tool(&r, DATA, "classify", bad, NULL);
    ck_assert_status(&r, 1);
    ck_assert_uint_eq(r.out_len, 0);
    char want[4200];
    snprintf(want, sizeof want, "%s:4:3: ", bad);
    ck_assert_msg(strncmp(r.err, want, strlen(want)) == 0,
                  "stderr should start with '%s': %s", want, r.err);
    ck_assert_msg(test_contains(r.err, "no_such_fact_anywhere"), "%s", r.err);
    test_run_free(&r);
    /* malformed YAML: also exit 1 with a position */
    ck_assert_int_eq(test_write_string(bad, "facts: [\n"), 0);
    test_run_tool(&r, DATA, "classify", bad, NULL);
    ck_assert_status(&r, 1);
    ck_assert_msg(strncmp(r.err, bad, strlen(bad)) == 0
                      && first_line_matches(r.err + strlen(bad),
                                            "^:[0-9]+:[0-9]+: "),
                  "%s", r.err);
    test_run_free(&r);
    free(bad);
}
END_TEST

START_TEST(classify_bad_data_dir)
{
    test_run r;
    char *missing = strdup(test_fmt("%s/no-such-dir", tmpdir));
    test_run_tool(&r, "--data", missing, "classify", profile, NULL);
    ck_assert_status(&r, 3);
    test_run_free(&r);
    /* knowledge that does not load: exit 1 and the position */
    const char *broken = test_path("tests/fixtures/broken/unknown-fact.yaml");
    test_run_tool(&r, "--data", broken, "list", "facts", NULL);
    ck_assert_status(&r, 1);
    ck_assert_msg(test_contains(r.err, ":47:52: "), "%s", r.err);
    test_run_free(&r);
    free(missing);
}
END_TEST

/* ======================================================================== */
/* lint                                                                        */
/* ======================================================================== */

static char **broken_files;
static size_t nbroken;

static void list_broken(void)
{
    broken_files = test_list_dir(test_path("tests/fixtures/broken"), ".yaml",
                                 &nbroken);
}

START_TEST(lint_broken_fixture)
{
    list_broken();
    ck_assert_msg(nbroken > 30, "only %zu broken fixtures found", nbroken);
    ck_assert_uint_lt((size_t)_i, nbroken);
    const char *file = broken_files[_i];
    test_run r;
    test_run_tool(&r, "lint", file, NULL);
    ck_assert_msg(r.status == 1, "%s: exit status %d, expected 1%s\n%.3000s",
                  file, r.status,
                  r.status == TEST_SANITIZER_EXIT ? " (sanitizer report)" : "",
                  r.err);
    ck_assert_msg(strncmp(r.err, file, strlen(file)) == 0
                      && first_line_matches(r.err + strlen(file),
                                            "^:[0-9]+:[0-9]+: "),
                  "%s: stderr should start with '%s:LINE:COLUMN: ': %s", file,
                  file, r.err);
    ck_assert_msg(!test_contains(r.out, ": ok"), "%s", r.out);
    /* exactly one error: the fixture is self-contained */
    ck_assert_uint_eq(test_count(r.err, "\n"), 1);
    test_run_free(&r);
    test_free_list(broken_files, nbroken);
}
END_TEST

START_TEST(lint_bundled_knowledge)
{
    size_t n = 0;
    char **files = test_list_dir(test_datadir(), ".yaml", &n);
    ck_assert_msg(files && n >= 2, "no knowledge files in %s", test_datadir());
    char *argv[64];
    size_t k = 0;
    argv[k++] = strdup(test_build_path("tools/aipolicy"));
    argv[k++] = strdup("lint");
    for (size_t i = 0; i < n && k < 63; i++)
        argv[k++] = files[i];
    argv[k] = NULL;
    test_run r;
    test_run_argv(argv, &r);
    ck_assert_status(&r, 0);
    for (size_t i = 0; i < n; i++) {
        char want[4200];
        snprintf(want, sizeof want, "%s: ok\n", files[i]);
        ck_assert_msg(test_contains(r.out, want), "%s", r.out);
    }
    ck_assert_uint_eq(r.err_len, 0);
    test_run_free(&r);
    free(argv[0]);
    free(argv[1]);
    test_free_list(files, n);
}
END_TEST

START_TEST(lint_reports_every_broken_file)
{
    /* Two broken files and a good one: both errors are printed. */
    char *a = strdup(test_path("tests/fixtures/broken/unknown-penalty.yaml"));
    char *b = strdup(test_path("tests/fixtures/broken/invalid-date.yaml"));
    char *good = strdup(test_path("tests/fixtures/eval/roles.yaml"));
    test_run r;
    test_run_tool(&r, "lint", a, good, b, NULL);
    ck_assert_status(&r, 1);
    ck_assert_msg(test_contains(r.err, a) && test_contains(r.err, b), "%s",
                  r.err);
    ck_assert_uint_eq(test_count(r.err, "\n"), 2);
    test_run_free(&r);
    /* files that are good together */
    test_run_tool(&r, "lint", test_path("tests/fixtures/eval/scope.yaml"),
                  test_path("tests/fixtures/eval/noscope.yaml"), NULL);
    ck_assert_status(&r, 0);
    ck_assert_uint_eq(test_count(r.out, ": ok\n"), 2);
    test_run_free(&r);
    /* an unreadable file: exit 3 */
    test_run_tool(&r, "lint", test_path("tests/fixtures/no-such.yaml"), NULL);
    ck_assert_status(&r, 3);
    test_run_free(&r);
    free(a);
    free(b);
    free(good);
}
END_TEST

/* ======================================================================== */
/* list                                                                        */
/* ======================================================================== */

START_TEST(list_commands)
{
    test_run r;
    test_run_tool(&r, DATA, "list", "regulations", NULL);
    ck_assert_status(&r, 0);
    ck_assert_msg(first_line_matches(r.out, "^eu-ai-act +Artificial "
                                            "Intelligence Act")
                      || test_contains(r.out, "\neu-ai-act "),
                  "%s", r.out);
    test_run_free(&r);
    test_run_tool(&r, DATA, "list", "facts", NULL);
    ck_assert_status(&r, 0);
    ck_assert_msg(first_line_matches(r.out, "^[a-z0-9][a-z0-9_.-]* +"
                                            "(bool|enum|set|number|date) +[^ ]"),
                  "%s", r.out);
    ck_assert_msg(test_contains(r.out, "\nis_ai_system ")
                      || strncmp(r.out, "is_ai_system ", 13) == 0,
                  "%s", r.out);
    ck_assert_msg(test_contains(r.out, "ai_act_role "), "%s", r.out);
    test_run_free(&r);
    test_run_tool(&r, DATA, "list", "rules", NULL);
    ck_assert_status(&r, 0);
    ck_assert_msg(first_line_matches(r.out, "^eu-ai-act +[a-z0-9][a-z0-9_.-]* "),
                  "%s", r.out);
    ck_assert_uint_gt(test_count(r.out, "\n"), 10);
    test_run_free(&r);
    /* on a knowledge file of ours: exact output */
    test_run_tool(&r, "--data", test_path("tests/fixtures/eval/roles.yaml"),
                  "list", "rules", NULL);
    ck_assert_status(&r, 0);
    ck_assert_msg(first_line_matches(r.out, "^roles +everyone +Art\\. 0$"),
                  "%s", r.out);
    ck_assert_uint_eq(test_count(r.out, "\n"), 1);
    test_run_free(&r);
}
END_TEST

static Suite *cli_suite(void)
{
    Suite *s = suite_create("cli");
    TCase *tc = tcase_create("tool");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, help);
    tcase_add_test(tc, version);
    tcase_add_test(tc, usage_errors);
    tcase_add_test(tc, classify_text);
    tcase_add_test(tc, classify_json);
    tcase_add_test(tc, classify_lang_fr);
    tcase_add_test(tc, classify_date);
    tcase_add_test(tc, classify_bad_date);
    tcase_add_test(tc, classify_missing_profile);
    tcase_add_test(tc, classify_invalid_profile);
    tcase_add_test(tc, classify_bad_data_dir);
    tcase_add_test(tc, lint_bundled_knowledge);
    tcase_add_test(tc, lint_reports_every_broken_file);
    tcase_add_test(tc, list_commands);
    suite_add_tcase(s, tc);

    /* one test per broken fixture: counted in the parent */
    size_t n = 0;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/tests/fixtures/broken", test_srcdir());
    char **files = test_list_dir(dir, ".yaml", &n);
    test_free_list(files, n);
    tc = tcase_create("lint-broken");
    tcase_set_timeout(tc, 300);
    tcase_add_loop_test(tc, lint_broken_fixture, 0, n ? (int)n : 1);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(cli_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
