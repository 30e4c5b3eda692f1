/*
 * tests/check_cli_people.c - what issue 7 made for people: the commands
 * ask, explain and diff of the aipolicy tool, the accessors of aipolicy.h
 * section 6 they rely on, and examples/batch_csv.
 *
 * "ask" is driven two ways, in English and in French:
 *   - piped: a fixed script on stdin (a plain file, as in a shell pipe),
 *     built from the knowledge's own first question so that it stays valid
 *     when the knowledge grows;
 *   - in a pseudo-terminal (posix_openpt, as a person at a terminal), where
 *     the test reads each question as it appears and answers it from the
 *     facts of examples/profiles/cv-screening.yaml, "don't know" otherwise.
 * Either way the session must end by itself, print the result, and --save
 * a profile that "classify" reads back to the same classification.
 */
#define _XOPEN_SOURCE 700   /* posix_openpt, grantpt, unlockpt, ptsname */

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "aipolicy.h"
#include "common.h"

#define DATA "--data", test_datadir()
#define DATE "2027-12-02"

static char *tmpdir;
static aip_kb *kb;

static void setup(void)
{
    tmpdir = test_tmpdir_new();
    aip_error *err = NULL;
    ck_assert_msg(aip_kb_load_path(NULL, test_datadir(), &kb, &err) == AIP_OK,
                  "%s", test_error_str(err));
}

static void teardown(void)
{
    aip_kb_release(kb);
    kb = NULL;
    test_tmpdir_remove(tmpdir);
    tmpdir = NULL;
}

#define ck_assert_status(r, want)                                            \
    ck_assert_msg((r)->status == (want),                                     \
                  "exit status %d, expected %d%s\nstdout:\n%.3000s\n"        \
                  "stderr:\n%.3000s", (r)->status, (want),                  \
                  (r)->status == TEST_SANITIZER_EXIT                         \
                      ? " (sanitizer report)" : "",                          \
                  (r)->out, (r)->err)

#define ck_assert_has(s, needle)                                             \
    ck_assert_msg(test_contains((s), (needle)), "missing \"%s\" in:\n%.4000s", \
                  (needle), (s))

/* ---- helpers ------------------------------------------------------------------ */

static size_t fact_index(const char *id)
{
    size_t i = 0;
    ck_assert_msg(aip_kb_fact_find(kb, id, &i) == AIP_OK, "no fact %s", id);
    return i;
}

static size_t regulation_index(const char *id)
{
    for (size_t i = 0; i < aip_kb_regulation_count(kb); i++)
        if (strcmp(aip_kb_regulation_id(kb, i), id) == 0)
            return i;
    ck_abort_msg("no regulation %s", id);
    return 0;
}

/* The id in the last "Question N [id]" header of a transcript (static
 * buffer), or NULL. */
static const char *last_question(const char *text, size_t len)
{
    static char id[80];
    const char *q = NULL;
    for (const char *p = text; (p = strstr(p, "Question ")) && p < text + len;
         p++)
        q = p;
    const char *open = q ? strchr(q, '[') : NULL;
    const char *close = open ? strchr(open, ']') : NULL;
    if (!close || close - open > (long)sizeof id)
        return NULL;
    snprintf(id, sizeof id, "%.*s", (int)(close - open - 1), open + 1);
    return id;
}

/* The classification of a profile file, as text, by the library. */
static char *classify_text(const char *path, const char *lang)
{
    char *data = test_read_file(path, NULL);
    ck_assert_msg(data != NULL, "cannot read %s", path);
    aip_error *err = NULL;
    aip_result *r = test_classify(kb, data, NULL, &err);
    ck_assert_msg(r != NULL, "%s: %s\n%s", path, test_error_str(err), data);
    char *text = test_text(r, lang);
    aip_result_free(r);
    free(data);
    return text;
}

/* The AI Act risk tier of a profile file (static buffer). */
static const char *tier_of(const char *path, const char *date)
{
    static char tier[64];
    char *data = test_read_file(path, NULL);
    ck_assert_msg(data != NULL, "cannot read %s", path);
    aip_error *err = NULL;
    aip_result *r = test_classify(kb, data, date, &err);
    ck_assert_msg(r != NULL, "%s: %s", path, test_error_str(err));
    const char *t = aip_result_dimension(r, regulation_index("eu-ai-act"),
                                         "tier", NULL);
    snprintf(tier, sizeof tier, "%s", t ? t : "(none)");
    aip_result_free(r);
    free(data);
    return tier;
}

/* "ask" prints the final result after "--- <title> ---" and, with --save,
 * ends with "<saved> <file>": the result is what lies between. */
static char *final_result(const char *out, const char *title,
                          const char *saved)
{
    char head[64];
    snprintf(head, sizeof head, "--- %s ---\n", title);
    const char *start = strstr(out, head);
    ck_assert_msg(start != NULL, "no \"%s\" in:\n%.3000s", head, out);
    start += strlen(head);
    const char *end = strstr(start, saved);
    ck_assert_msg(end != NULL, "no \"%s\" after the result", saved);
    while (end > start && end[-1] == '\n')
        end--;
    return strndup(start, (size_t)(end - start) + 1);   /* keeps one \n */
}

/* ======================================================================== */
/* library: section 6 of aipolicy.h                                          */
/* ======================================================================== */

START_TEST(api_fact_values)
{
    size_t i = 99, role = fact_index("ai_act_role");
    ck_assert_int_eq(aip_kb_fact_find(kb, "no_such_fact", &i), AIP_ENOTFOUND);
    ck_assert_uint_eq(i, 99);                   /* untouched on failure */
    ck_assert_int_eq(aip_kb_fact_find(NULL, "is_ai_system", &i), AIP_EINVAL);
    ck_assert_int_eq(aip_kb_fact_find(kb, NULL, &i), AIP_EINVAL);
    ck_assert_int_eq(aip_kb_fact_find(kb, "is_ai_system", NULL), AIP_EINVAL);
    ck_assert_str_eq(aip_kb_fact_id(kb, role), "ai_act_role");
    ck_assert_str_eq(aip_kb_fact_type(kb, role), "set");
    size_t n = aip_kb_fact_value_count(kb, role);
    ck_assert_uint_ge(n, 2);
    ck_assert_str_eq(aip_kb_fact_value_id(kb, role, 0), "provider");
    ck_assert_str_eq(aip_kb_fact_value_label(kb, role, 0, "en"), "Provider");
    ck_assert_str_eq(aip_kb_fact_value_label(kb, role, 0, "fr"), "Fournisseur");
    ck_assert_str_eq(aip_kb_fact_value_label(kb, role, 0, NULL), "Provider");
    ck_assert_ptr_null(aip_kb_fact_value_id(kb, role, n));
    ck_assert_ptr_null(aip_kb_fact_value_label(kb, role, n, "en"));
    size_t b = fact_index("is_ai_system");      /* bool: no listed values */
    ck_assert_uint_eq(aip_kb_fact_value_count(kb, b), 0);
    ck_assert_ptr_null(aip_kb_fact_value_id(kb, b, 0));
    ck_assert_uint_eq(aip_kb_fact_value_count(kb, aip_kb_fact_count(kb)), 0);
    ck_assert_str_eq(aip_kb_fact_unit(kb, fact_index("training_compute_flop")),
                     "FLOP");
    ck_assert_ptr_null(aip_kb_fact_unit(kb, b));
    ck_assert_ptr_nonnull(aip_kb_fact_help(kb, role, "fr"));
    ck_assert_str_ne(aip_kb_fact_help(kb, role, "fr"),
                     aip_kb_fact_help(kb, role, "en"));
    ck_assert_ptr_null(aip_kb_fact_help(kb, aip_kb_fact_count(kb), "en"));
}
END_TEST

START_TEST(api_dimensions)
{
    size_t ai = regulation_index("eu-ai-act");
    ck_assert_str_eq(aip_kb_regulation_short_title(kb, ai, "en"), "AI Act");
    ck_assert_str_eq(aip_kb_regulation_short_title(kb, ai, "fr"), "RIA");
    ck_assert_ptr_null(aip_kb_regulation_short_title(kb, 99, "en"));
    size_t n = aip_kb_dimension_count(kb, ai);
    ck_assert_uint_ge(n, 1);
    ck_assert_str_eq(aip_kb_dimension_id(kb, ai, 0), "tier");
    ck_assert_str_eq(aip_kb_dimension_title(kb, ai, 0, "en"), "Risk tier");
    ck_assert_str_eq(aip_kb_dimension_title(kb, ai, 0, "fr"),
                     "Niveau de risque");
    ck_assert_ptr_null(aip_kb_dimension_id(kb, ai, n));
    ck_assert_uint_eq(aip_kb_dimension_count(kb, 99), 0);

    char *data = test_read_file(test_path("examples/profiles/cv-screening.yaml"),
                                NULL);
    aip_result *r = test_classify(kb, data, DATE, NULL);
    free(data);
    ck_assert_ptr_nonnull(r);
    ck_assert_str_eq(aip_result_dimension_label(r, ai, "tier", "en"),
                     "High risk");
    ck_assert_str_eq(aip_result_dimension_label(r, ai, "tier", "fr"),
                     "Haut risque");
    ck_assert_ptr_null(aip_result_dimension_label(r, ai, "nope", "en"));
    ck_assert_ptr_null(aip_result_dimension_label(r, 99, "tier", "en"));
    size_t nob = aip_result_obligation_count(r, ai);
    ck_assert_uint_gt(nob, 0);
    for (size_t i = 0; i < nob; i++) {
        ck_assert_ptr_nonnull(aip_result_obligation_title(r, ai, i, "en"));
        ck_assert_ptr_nonnull(aip_result_obligation_title(r, ai, i, "fr"));
    }
    ck_assert_ptr_null(aip_result_obligation_title(r, ai, nob, "en"));
    aip_result_free(r);
}
END_TEST

/* Each regulation's missing facts are missing facts overall, and a
 * regulation that does not apply has none. */
START_TEST(api_regulation_missing)
{
    aip_result *r = test_classify(kb, "profile: 1\n", DATE, NULL);
    ck_assert_ptr_nonnull(r);
    size_t total = 0;
    for (size_t g = 0; g < aip_result_regulation_count(r); g++) {
        size_t n = aip_result_regulation_missing_count(r, g);
        total += n;
        for (size_t i = 0; i < n; i++) {
            const char *id = aip_result_regulation_missing_fact(r, g, i);
            int found = 0;
            for (size_t k = 0; k < aip_result_missing_count(r); k++)
                found |= strcmp(aip_result_missing_fact(r, k), id) == 0;
            ck_assert_msg(found, "%s missing for %s, not overall", id,
                          aip_result_regulation_id(r, g));
        }
        ck_assert_ptr_null(aip_result_regulation_missing_fact(r, g, n));
    }
    ck_assert_uint_gt(total, 0);
    ck_assert_uint_eq(aip_result_regulation_missing_count(r, 99), 0);
    aip_result_free(r);

    r = test_classify(kb, "profile: 1\nfacts:\n  is_ai_system: false\n"
                          "  is_gpai_model: false\n", DATE, NULL);
    size_t ai = regulation_index("eu-ai-act");
    ck_assert_int_eq(aip_result_applicability(r, ai), AIP_DOES_NOT_APPLY);
    ck_assert_uint_eq(aip_result_regulation_missing_count(r, ai), 0);
    aip_result_free(r);
}
END_TEST

START_TEST(api_explain)
{
    char *data = test_read_file(test_path("examples/profiles/cv-screening.yaml"),
                                NULL);
    aip_result *r = test_classify(kb, data, DATE, NULL);
    free(data);
    char *out = NULL;
    size_t len = 0;
    ck_assert_int_eq(aip_result_explain(r, "de", &out, &len), AIP_EINVAL);
    ck_assert_ptr_null(out);
    ck_assert_int_eq(aip_result_explain(NULL, "en", &out, &len), AIP_EINVAL);
    ck_assert_int_eq(aip_result_explain(r, "en", NULL, &len), AIP_EINVAL);
    ck_assert_int_eq(aip_result_explain(r, NULL, &out, NULL), AIP_OK);
    char *en = strdup(out);
    aip_string_free(out);
    ck_assert_int_eq(aip_result_explain(r, "en", &out, &len), AIP_OK);
    ck_assert_uint_eq(strlen(out), len);
    ck_assert_str_eq(out, en);                 /* NULL means English */
    ck_assert_has(out, "Explanation as of " DATE);
    ck_assert_has(out, "== Artificial Intelligence Act");
    aip_string_free(out);
    ck_assert_int_eq(aip_result_explain(r, "fr", &out, &len), AIP_OK);
    ck_assert_has(out, "Explication à la date du " DATE);
    ck_assert_str_ne(out, en);
    aip_string_free(out);
    free(en);
    aip_result_free(r);
}
END_TEST

/* Every allocation failure in aip_result_explain is reported, and leaks
 * nothing: the counting allocator ends with no live block. */
START_TEST(api_explain_oom)
{
    test_alloc ta;
    test_alloc_init(&ta);
    aip_kb *k = NULL;
    ck_assert_int_eq(aip_kb_load_path(&ta.hook, test_datadir(), &k, NULL),
                     AIP_OK);
    char *data = test_read_file(test_path("examples/profiles/cv-screening.yaml"),
                                NULL);
    aip_result *r = test_classify(k, data, DATE, NULL);
    free(data);
    ck_assert_ptr_nonnull(r);
    int failed = 0;
    for (size_t n = 0; n < 64; n++) {
        char *out = NULL;
        test_alloc_fail_after(&ta, n, 0);
        int rc = aip_result_explain(r, "en", &out, NULL);
        test_alloc_disarm(&ta);
        if (rc == AIP_OK) {
            aip_string_free(out);
            break;
        }
        ck_assert_int_eq(rc, AIP_ENOMEM);
        ck_assert_ptr_null(out);
        failed++;
    }
    ck_assert_int_gt(failed, 0);
    aip_result_free(r);
    aip_kb_release(k);
    ck_assert_uint_eq(ta.live_blocks, 0);
    ck_assert_uint_eq(ta.mismatches, 0);
}
END_TEST

/* ======================================================================== */
/* explain                                                                    */
/* ======================================================================== */

START_TEST(explain_tree)
{
    test_run r;
    test_run_tool(&r, DATA, "explain", test_path("examples/profiles/cv-screening.yaml"),
                  "--date", DATE, NULL);
    ck_assert_status(&r, 0);
    ck_assert_uint_eq(r.err_len, 0);
    /* the rule that raised the tier: title, citation, URL, facts read */
    ck_assert_has(r.out, "Risk tier: High risk (determined)");
    ck_assert_has(r.out, "+ raised to High risk by: Recruitment and selection "
                         "of persons [Annex III, point 4(a)]");
    ck_assert_has(r.out, "https://eur-lex.europa.eu/eli/reg/2024/1689/oj#anx_III");
    ck_assert_has(r.out, "annex_iii_area = [recruitment]");
    ck_assert_has(r.out, "performs_profiling = true");
    /* scope, obligations under their rule, rules waiting for facts */
    ck_assert_has(r.out, "+ brings into scope: ");
    ck_assert_has(r.out, "- Establish a risk management system [Art. 9] "
                         "(Provider): in force from 2027-12-02");
    ck_assert_has(r.out, "Rules not decided because facts are unknown:");
    ck_assert_has(r.out, "unknown: ");
    ck_assert_has(r.out, "= unknown");
    test_run_free(&r);

    test_run_tool(&r, DATA, "explain", "--lang", "fr", "--date", DATE,
                  test_path("examples/profiles/cv-screening.yaml"), NULL);
    ck_assert_status(&r, 0);
    ck_assert_has(r.out, "+ porté à Haut risque par: Recrutement et sélection "
                         "de personnes [Annex III, point 4(a)]");
    ck_assert_has(r.out, "Règles non tranchées faute de faits connus:");
    ck_assert_msg(!test_contains(r.out, "Rules not decided"), "%s", r.out);
    test_run_free(&r);
}
END_TEST

START_TEST(explain_errors)
{
    test_run r;
    test_run_tool(&r, DATA, "explain", NULL);
    ck_assert_status(&r, 2);
    test_run_free(&r);
    test_run_tool(&r, DATA, "explain", "a.yaml", "b.yaml", NULL);
    ck_assert_status(&r, 2);
    test_run_free(&r);
    test_run_tool(&r, DATA, "explain", "--lang", "de",
                  test_path("examples/profiles/cv-screening.yaml"), NULL);
    ck_assert_status(&r, 2);
    test_run_free(&r);
    test_run_tool(&r, DATA, "explain", "--date", "2026-02-30",
                  test_path("examples/profiles/cv-screening.yaml"), NULL);
    ck_assert_status(&r, 2);
    ck_assert_has(r.err, "2026-02-30");
    test_run_free(&r);
    test_run_tool(&r, DATA, "explain", test_fmt("%s/absent.yaml", tmpdir),
                  NULL);
    ck_assert_status(&r, 3);
    ck_assert_uint_eq(r.out_len, 0);
    test_run_free(&r);
    const char *bad = test_fmt("%s/bad.yaml", tmpdir);
    test_write_string(bad, "profile: 1\nfacts:\n  is_ai_system: perhaps\n");
    test_run_tool(&r, DATA, "explain", bad, NULL);
    ck_assert_status(&r, 1);
    ck_assert_has(r.err, "is_ai_system");
    test_run_free(&r);
}
END_TEST

/* ======================================================================== */
/* diff                                                                       */
/* ======================================================================== */

/* Across Reg. (EU) 2026/1744: the Annex III obligations of a high-risk
 * recruitment tool move from "upcoming from 2026-08-02" under the original
 * text to "in force from 2027-12-02" under the amended one. */
START_TEST(diff_annex_iii_dates)
{
    test_run r;
    test_run_tool(&r, DATA, "diff", "--date", "2026-07-26", "--date",
                  "2027-12-02", test_path("examples/profiles/cv-screening.yaml"),
                  NULL);
    ck_assert_status(&r, 0);
    ck_assert_uint_eq(r.err_len, 0);
    ck_assert_has(r.out, ": 2026-07-26 to 2027-12-02");
    ck_assert_has(r.out, "~ Law in force: original -> omnibus-2026");
    ck_assert_has(r.out, "~ Establish a risk management system [Art. 9]: "
                         "upcoming from 2026-08-02 -> in force from 2027-12-02");
    ck_assert_has(r.out, "~ Register the system in the EU database [Art. 49(1)]: "
                         "upcoming from 2026-08-02 -> in force from 2027-12-02");
    ck_assert_has(r.out, "~ Carry out the conformity assessment before placing "
                         "on the market [Art. 43(2)]: upcoming from 2026-08-02 "
                         "-> in force from 2027-12-02");
    /* Art. 4 was reworded by the amendment: one obligation goes, one comes */
    ck_assert_has(r.out, "+ Take measures to support the AI literacy of staff");
    ck_assert_has(r.out, "- Ensure a sufficient level of AI literacy of staff "
                         "[Art. 4]: removed (in force from 2025-02-02)");
    /* the tier did not change: no dimension line for it */
    ck_assert_msg(!test_contains(r.out, "~ Risk tier"), "%s", r.out);
    test_run_free(&r);

    /* reversed, the same changes the other way */
    test_run_tool(&r, DATA, "diff", "--date", "2027-12-02", "--date",
                  "2026-07-26", test_path("examples/profiles/cv-screening.yaml"),
                  "--lang", "fr", NULL);
    ck_assert_status(&r, 0);
    ck_assert_has(r.out, "~ Droit en vigueur: omnibus-2026 -> original");
    ck_assert_has(r.out, "en vigueur à partir du 2027-12-02 -> à venir à "
                         "partir du 2026-08-02");
    test_run_free(&r);
}
END_TEST

START_TEST(diff_same_date_and_dimensions)
{
    test_run r;
    test_run_tool(&r, DATA, "diff", "--date", DATE, "--date", DATE,
                  test_path("examples/profiles/cv-screening.yaml"), NULL);
    ck_assert_status(&r, 0);
    ck_assert_has(r.out, "(no change)");
    ck_assert_has(r.out, "\n0 change(s)\n");
    test_run_free(&r);
    /* a prohibited practice before and after its date of application */
    test_run_tool(&r, DATA, "diff", "--date", "2024-09-01", "--date",
                  "2025-03-01", test_path("examples/profiles/citizen-score.yaml"),
                  NULL);
    ck_assert_status(&r, 0);
    ck_assert_has(r.out, "~ Risk tier: ");
    ck_assert_has(r.out, "-> Prohibited practice");
    test_run_free(&r);
}
END_TEST

START_TEST(diff_errors)
{
    const char *p = test_path("examples/profiles/cv-screening.yaml");
    test_run r;
    test_run_tool(&r, DATA, "diff", "--date", DATE, p, NULL);
    ck_assert_status(&r, 2);
    ck_assert_has(r.err, "two dates");
    test_run_free(&r);
    test_run_tool(&r, DATA, "diff", "--date", DATE, "--date", DATE, "--date",
                  DATE, p, NULL);
    ck_assert_status(&r, 2);
    test_run_free(&r);
    test_run_tool(&r, DATA, "diff", "--date", DATE, "--date", DATE, NULL);
    ck_assert_status(&r, 2);
    test_run_free(&r);
    test_run_tool(&r, DATA, "diff", "--date", DATE, "--date", "soon", p, NULL);
    ck_assert_status(&r, 2);
    ck_assert_has(r.err, "soon");
    ck_assert_uint_eq(r.out_len, 0);
    test_run_free(&r);
    test_run_tool(&r, DATA, "diff", "--date", DATE, "--date", DATE, "--frob",
                  p, NULL);
    ck_assert_status(&r, 2);
    test_run_free(&r);
}
END_TEST

/* ======================================================================== */
/* ask, piped                                                                 */
/* ======================================================================== */

typedef struct ask_lang {
    const char *lang, *invalid, *valid_bool, *dont_know, *result, *saved,
        *ended, *no_more;
} ask_lang;

static const ask_lang ASK_EN = {
    "en", "maybe\n", "yes\n", "don't know\n", "Result", "Answers saved to",
    "Session ended.", "No more questions"
};
static const ask_lang ASK_FR = {
    "fr", "peut-être\n", "oui\n", "je ne sais pas\n", "Résultat",
    "Réponses enregistrées dans", "Session terminée.", "Plus de questions"
};

/* The first question of a session with no fact: the library's own most
 * decisive missing fact. */
static size_t first_fact(void)
{
    aip_result *r = test_classify(kb, "profile: 1\n", DATE, NULL);
    ck_assert_uint_gt(aip_result_missing_count(r), 0);
    size_t f = fact_index(aip_result_missing_fact(r, 0));
    aip_result_free(r);
    return f;
}

/* A valid reply for fact f, whatever its type. */
static const char *valid_reply(const ask_lang *L, size_t f)
{
    const char *type = aip_kb_fact_type(kb, f);
    return strcmp(type, "bool") == 0 ? L->valid_bool
         : strcmp(type, "number") == 0 ? "1 500\n"
         : strcmp(type, "date") == 0 ? "2025-03-01\n"
                                     : "1\n";       /* enum, set */
}

/* Script: an invalid reply, a valid one, "don't know" in words, then "?"
 * to every other question until the session ends by itself. */
static void ask_piped(const ask_lang *L)
{
    size_t f1 = first_fact(), nfacts = aip_kb_fact_count(kb);
    char *input = malloc(64 + 4 * nfacts);
    snprintf(input, 64, "%s%s%s", L->invalid, valid_reply(L, f1),
             L->dont_know);
    for (size_t i = 0; i < nfacts; i++)
        strcat(input, "?\n");
    const char *save = test_fmt("%s/answers-%s.yaml", tmpdir, L->lang);
    char *save_copy = strdup(save);
    test_run r;
    test_run_tool_input(&r, input, DATA, "ask", "--lang", L->lang, "--date",
                        DATE, "--save", save_copy, NULL);
    free(input);
    ck_assert_status(&r, 0);
    /* the first question, in the chosen language, asked again after the
     * invalid reply with a message on stderr */
    ck_assert_has(r.out, test_fmt("Question 1 [%s]\n%s\n", aip_kb_fact_id(kb, f1),
                                  aip_kb_fact_question(kb, f1, L->lang)));
    const char *other = strcmp(L->lang, "fr") == 0 ? "en" : "fr";
    ck_assert_msg(!test_contains(r.out, aip_kb_fact_question(kb, f1, other)),
                  "question in the other language:\n%.2000s", r.out);
    ck_assert_msg(r.err_len > 0, "no message for the invalid reply");
    ck_assert_uint_eq(test_count(r.out, "Question 1 ["), 1);
    ck_assert_has(r.out, "Question 2 [");
    /* the session ends by itself after at most one question per fact */
    ck_assert_has(r.out, L->no_more);
    ck_assert_msg(!test_contains(r.out, test_fmt("Question %zu [", nfacts + 1)),
                  "more questions than facts");
    /* "don't know" to question 2 is saved as unknown, never asked again */
    char *second = strdup(last_question(strstr(r.out, "Question 2 ["),
                                        strlen("Question 2 [") + 80));
    ck_assert_uint_eq(test_count(r.out, test_fmt("[%s]\n", second)), 1);
    char *saved = test_read_file(save_copy, NULL);
    ck_assert_msg(saved != NULL, "--save wrote nothing");
    ck_assert_has(saved, test_fmt("  %s: unknown\n", second));
    ck_assert_has(saved, test_fmt("date: %s\n", DATE));
    /* the printed result is what classify says of the saved profile */
    char *printed = final_result(r.out, L->result, L->saved);
    char *again = classify_text(save_copy, L->lang);
    ck_assert_str_eq(printed, again);
    test_run tool;
    test_run_tool(&tool, DATA, "classify", save_copy, "--lang", L->lang, NULL);
    ck_assert_status(&tool, 0);
    ck_assert_str_eq(tool.out, again);
    test_run_free(&tool);
    free(printed);
    free(again);
    free(saved);
    free(second);
    free(save_copy);
    test_run_free(&r);
}

START_TEST(ask_piped_en)
{
    ask_piped(&ASK_EN);
}
END_TEST

START_TEST(ask_piped_fr)
{
    ask_piped(&ASK_FR);
}
END_TEST

/* q, and the end of input, end the session with the result. */
START_TEST(ask_quit_and_eof)
{
    static const char *const inputs[] = { "q\n", "", "quitter\n" };
    for (size_t i = 0; i < 3; i++) {
        const ask_lang *L = i == 2 ? &ASK_FR : &ASK_EN;
        test_run r;
        test_run_tool_input(&r, inputs[i], DATA, "ask", "--lang", L->lang,
                            "--date", DATE, NULL);
        ck_assert_status(&r, 0);
        ck_assert_has(r.out, L->ended);
        ck_assert_has(r.out, test_fmt("--- %s ---\n", L->result));
        ck_assert_uint_eq(test_count(r.out, "Question "), 1);
        test_run_free(&r);
    }
}
END_TEST

/* A knowledge base with one fact of each type, all read by one rule: each
 * answer keeps the rule open until the last, and equal scores make the
 * questions come in vocabulary order, so the script below is exact. */
static const char toy_kb[] =
    "schema_version: 1\n"
    "facts:\n"
    "  - {id: f_bool, type: bool, label: {en: B, fr: B},\n"
    "     question: {en: Is it B?, fr: Est-ce B ?}}\n"
    "  - id: f_enum\n"
    "    type: enum\n"
    "    label: {en: E, fr: E}\n"
    "    question: {en: Which E?, fr: Quel E ?}\n"
    "    values:\n"
    "      - {id: a, label: {en: Alpha, fr: Alpha}}\n"
    "      - {id: b, label: {en: Beta, fr: Bêta}}\n"
    "      - {id: c, label: {en: Gamma, fr: Gamma}}\n"
    "  - id: f_set\n"
    "    type: set\n"
    "    label: {en: S, fr: S}\n"
    "    question: {en: Which S?, fr: Quels S ?}\n"
    "    values:\n"
    "      - {id: x, label: {en: Ex, fr: Ex}}\n"
    "      - {id: y, label: {en: Why, fr: Igrec}}\n"
    "      - {id: z, label: {en: Zed, fr: Zède}}\n"
    "  - {id: f_num, type: number, min: 0, unit: EUR, label: {en: N, fr: N},\n"
    "     question: {en: How much N?, fr: Combien de N ?}}\n"
    "  - {id: f_date, type: date, label: {en: D, fr: D},\n"
    "     question: {en: When D?, fr: Quand D ?}}\n"
    "regulation:\n"
    "  id: toy\n"
    "  title: {en: Toy law, fr: Loi jouet}\n"
    "  jurisdiction: EU\n"
    "  source: https://example.org/toy\n"
    "  versions:\n"
    "    - {id: v1, title: {en: V1, fr: V1}, in_force: 2020-01-01}\n"
    "  dimensions:\n"
    "    - id: level\n"
    "      title: {en: Level, fr: Niveau}\n"
    "      values:\n"
    "        - {id: low, label: {en: Low, fr: Bas}}\n"
    "        - {id: high, label: {en: High, fr: Haut}}\n"
    "  rules:\n"
    "    - id: all-five\n"
    "      title: {en: All five, fr: Les cinq}\n"
    "      citation: {ref: Art. 1, url: https://example.org/toy#1}\n"
    "      when:\n"
    "        all:\n"
    "          - {fact: f_bool, eq: true}\n"
    "          - {fact: f_enum, eq: b}\n"
    "          - {fact: f_set, contains: y}\n"
    "          - {fact: f_num, gt: 10}\n"
    "          - {fact: f_date, lt: 2025-01-01}\n"
    "      raise: {level: high}\n";

/* Replies by type, each invalid one refused with its own message and the
 * question asked again: yes/no words in any case; an enum by number or id,
 * one only; a set by numbers and ids; a number with spaces, not with a
 * comma nor below its minimum; a real date. */
START_TEST(ask_reply_types)
{
    const char *kbfile = strdup(test_fmt("%s/toy.yaml", tmpdir));
    const char *save = strdup(test_fmt("%s/toy-answers.yaml", tmpdir));
    test_write_string(kbfile, toy_kb);
    static const char script[] =
        "perhaps\n" "  Y  \n"             /* f_bool */
        "4\n" "a,b\n" "2\n"               /* f_enum */
        "y,w\n" "2, z\n"                  /* f_set */
        "12,5\n" "-3\n" "1 500\n"         /* f_num */
        "2024-02-30\n" "2024-02-29\n";    /* f_date */
    test_run r;
    test_run_tool_input(&r, script, "--data", kbfile, "ask", "--save", save,
                        "--date", DATE, NULL);
    ck_assert_status(&r, 0);
    for (int q = 1; q <= 5; q++)
        ck_assert_uint_eq(test_count(r.out, test_fmt("Question %d [", q)), 1);
    ck_assert_has(r.out, "Question 5 [f_date]");
    ck_assert_has(r.out, "   2) Beta (b)\n");
    ck_assert_has(r.out, "(Give a number [EUR]; ? = don't know, q = quit)");
    ck_assert_has(r.out, "No more questions");
    ck_assert_has(r.out, "Level: High");
    ck_assert_has(r.err, "Please answer yes or no");
    ck_assert_has(r.err, "'4' is not one of the choices");
    ck_assert_has(r.err, "Please give only one choice.");
    ck_assert_has(r.err, "'w' is not one of the choices");
    ck_assert_has(r.err, "Please give a number");
    ck_assert_has(r.err, "'-3' is outside the allowed range.");
    ck_assert_has(r.err, "Please give a real date");
    ck_assert_uint_eq(test_count(r.err, "\n"), 7);
    char *saved = test_read_file(save, NULL);
    ck_assert_ptr_nonnull(saved);
    ck_assert_has(saved, "facts:\n  f_bool: true\n  f_enum: \"b\"\n"
                         "  f_set: [\"y\", \"z\"]\n  f_num: 1500\n"
                         "  f_date: 2024-02-29\n");
    free(saved);
    test_run_free(&r);
    /* the saved profile reads back */
    test_run_tool(&r, "--data", kbfile, "classify", save, NULL);
    ck_assert_status(&r, 0);
    ck_assert_has(r.out, "Level: High");
    test_run_free(&r);
    /* --regulation names one of the knowledge's regulations */
    test_run_tool_input(&r, "q\n", "--data", kbfile, "ask", "--regulation",
                        "toy", NULL);
    ck_assert_status(&r, 0);
    ck_assert_has(r.out, "Toy law: applies");
    test_run_free(&r);
    free((char *)kbfile);
    free((char *)save);
}
END_TEST

START_TEST(ask_errors)
{
    test_run r;
    test_run_tool_input(&r, "", DATA, "ask", "profile.yaml", NULL);
    ck_assert_status(&r, 2);
    test_run_free(&r);
    test_run_tool_input(&r, "", DATA, "ask", "--lang", "de", NULL);
    ck_assert_status(&r, 2);
    test_run_free(&r);
    test_run_tool_input(&r, "", DATA, "ask", "--regulation", "nope", NULL);
    ck_assert_status(&r, 2);
    ck_assert_has(r.err, "nope");
    test_run_free(&r);
    test_run_tool_input(&r, "", DATA, "ask", "--date", "2026-13-01", NULL);
    ck_assert_status(&r, 2);
    test_run_free(&r);
    test_run_tool_input(&r, "", DATA, "ask", "--save", NULL);
    ck_assert_status(&r, 2);
    test_run_free(&r);
    /* a file that cannot be written: the result is still printed */
    test_run_tool_input(&r, "q\n", DATA, "ask", "--save",
                        test_fmt("%s/no/such/dir.yaml", tmpdir), NULL);
    ck_assert_status(&r, 3);
    ck_assert_has(r.out, "--- Result ---");
    ck_assert_has(r.err, "cannot write");
    test_run_free(&r);
}
END_TEST

/* ======================================================================== */
/* ask, in a pseudo-terminal                                                   */
/* ======================================================================== */

/* What a person describing the CV-screening tool of
 * examples/profiles/cv-screening.yaml would answer, in each language. */
typedef struct oracle_answer {
    const char *fact, *en, *fr;
} oracle_answer;

static const oracle_answer cv_answers[] = {
    { "ai_act_role", "provider", "provider" },
    { "established_in_eu", "yes", "oui" },
    { "places_on_eu_market", "y", "o" },
    { "output_used_in_eu", "Yes", "OUI" },
    { "exclusively_military", "no", "non" },
    { "sole_scientific_research", "n", "non" },
    { "is_ai_system", "yes", "oui" },
    { "is_gpai_model", "no", "non" },
    { "processes_personal_data", "yes", "oui" },
    { "practices", "0", "aucune" },
    { "annex_iii_area", "recruitment", "recruitment" },
    { "performs_profiling", "yes", "oui" },
    { "derogation_condition", "preparatory_task", "preparatory_task" },
    { "interacts_with_persons", "no", "non" },
    { "enterprise_size", "small_mid_cap", "small_mid_cap" },
    { "employee_count", "400", "400" },
    { "worldwide_turnover_eur", "120 000 000", "120000000" },
    { "use_context", "none", "aucun" },
    { "annex_i_legislation", "none", "0" },
    { "free_open_source_licence", "no", "non" },
    { "generates_synthetic_content", "no", "non" },
    { "other_party_became_provider", "no", "non" },
    { "special_category_data_for_bias", "no", "non" },
};

static const char *oracle(const char *fact, int fr)
{
    for (size_t i = 0; i < sizeof cv_answers / sizeof cv_answers[0]; i++)
        if (strcmp(cv_answers[i].fact, fact) == 0)
            return fr ? cv_answers[i].fr : cv_answers[i].en;
    return fr ? "je ne sais pas" : "?";
}

/* Starts argv in a new session whose controlling terminal is a new
 * pseudo-terminal; returns the pid, *master is our side of it. */
static pid_t spawn_in_pty(char *const argv[], int *master)
{
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    ck_assert_msg(m >= 0, "posix_openpt: %s", strerror(errno));
    ck_assert_int_eq(grantpt(m), 0);
    ck_assert_int_eq(unlockpt(m), 0);
    char *name = strdup(ptsname(m));
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    ck_assert_msg(pid >= 0, "fork: %s", strerror(errno));
    if (pid == 0) {
        close(m);
        setsid();
        int s = open(name, O_RDWR);    /* becomes the controlling tty */
        if (s < 0)
            _exit(126);
        dup2(s, 0);
        dup2(s, 1);
        dup2(s, 2);
        if (s > 2)
            close(s);
        setenv("ASAN_OPTIONS", "exitcode=86", 0);
        setenv("UBSAN_OPTIONS", "exitcode=86", 0);
        execv(argv[0], argv);
        _exit(127);
    }
    free(name);
    *master = m;
    return pid;
}

typedef struct transcript {
    char *text;
    size_t len, cap;
} transcript;

/* Reads what the terminal shows; 0 at end (the program closed it), -1 on
 * a timeout. */
static int pty_read(int m, transcript *t)
{
    struct pollfd p = { m, POLLIN, 0 };
    int n = poll(&p, 1, 60000);
    if (n == 0)
        return -1;
    if (t->len + 4096 + 1 > t->cap) {
        t->cap = 2 * t->cap + 8192;
        t->text = realloc(t->text, t->cap);
        ck_assert_ptr_nonnull(t->text);
    }
    ssize_t got = read(m, t->text + t->len, 4096);
    if (got < 0 && errno == EINTR)
        return 1;
    if (got <= 0)
        return 0;                     /* EIO: the slave side is closed */
    t->len += (size_t)got;
    t->text[t->len] = '\0';
    return 1;
}

/* Runs "aipolicy ask" in a pseudo-terminal and answers every question as
 * it is shown (the prompt "> " ends the screen). Returns the transcript
 * (malloc) and the exit status, and the number of replies sent. */
static char *pty_session(const char *lang, const char *save, int *status,
                         size_t *replies)
{
    char *argv[] = { strdup(test_build_path("tools/aipolicy")), "--data",
                     (char *)test_datadir(), "ask", "--lang", (char *)lang,
                     "--date", DATE, "--save", (char *)save, NULL };
    int m;
    pid_t pid = spawn_in_pty(argv, &m);
    transcript t = { NULL, 0, 0 };
    size_t answered_at = 0;
    int rc;
    *replies = 0;
    while ((rc = pty_read(m, &t)) > 0) {
        if (t.len < 2 || t.len == answered_at
            || memcmp(t.text + t.len - 2, "> ", 2) != 0)
            continue;
        const char *fact = last_question(t.text, t.len);
        ck_assert_msg(fact != NULL, "a prompt without a question:\n%s", t.text);
        const char *reply = oracle(fact, strcmp(lang, "fr") == 0);
        ck_assert_msg(++*replies < 400, "the session does not end:\n%.3000s",
                      t.text + t.len - (t.len > 3000 ? 3000 : t.len));
        ck_assert_int_eq(write(m, reply, strlen(reply)), (ssize_t)strlen(reply));
        ck_assert_int_eq(write(m, "\r", 1), 1);   /* Enter */
        answered_at = t.len;
    }
    if (rc < 0)
        kill(pid, SIGKILL);
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    close(m);
    free(argv[0]);
    ck_assert_msg(rc == 0, "timed out waiting for the program:\n%s", t.text);
    *status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return t.text;
}

static void ask_pty(const ask_lang *L)
{
    char *save = strdup(test_fmt("%s/pty-%s.yaml", tmpdir, L->lang));
    int status;
    size_t replies;
    char *out = pty_session(L->lang, save, &status, &replies);
    ck_assert_msg(status == 0, "exit status %d:\n%s", status, out);
    ck_assert_uint_gt(replies, 5);
    /* the terminal echoed the replies; questions were in the language */
    size_t f = fact_index("annex_iii_area");
    ck_assert_has(out, aip_kb_fact_question(kb, f, L->lang));
    ck_assert_has(out, aip_kb_fact_value_label(kb, f, 0, L->lang));
    ck_assert_has(out, L->no_more);
    ck_assert_has(out, test_fmt("--- %s ---", L->result));
    ck_assert_has(out, strcmp(L->lang, "fr") == 0 ? "Niveau de risque: Haut risque"
                                                  : "Risk tier: High risk");
    /* the saved answers classify like the example profile they come from */
    char *saved = test_read_file(save, NULL);
    ck_assert_msg(saved != NULL, "--save wrote nothing:\n%s", out);
    ck_assert_has(saved, "  worldwide_turnover_eur: 120000000\n");
    ck_assert_has(saved, "  ai_act_role: [\"provider\"]\n");
    ck_assert_has(saved, "  practices: []\n");
    ck_assert_has(saved, ": unknown\n");
    char *want = strdup(tier_of(test_path("examples/profiles/cv-screening.yaml"),
                                DATE));
    ck_assert_str_eq(want, "high");
    ck_assert_str_eq(tier_of(save, NULL), want);
    test_run r;
    test_run_tool(&r, DATA, "classify", save, "--json", NULL);
    ck_assert_status(&r, 0);
    ck_assert_has(r.out, "\"value\": \"high\"");
    test_run_free(&r);
    free(want);
    free(saved);
    free(out);
    free(save);
}

START_TEST(ask_pty_en)
{
    ask_pty(&ASK_EN);
}
END_TEST

START_TEST(ask_pty_fr)
{
    ask_pty(&ASK_FR);
}
END_TEST

/* ======================================================================== */
/* examples/batch_csv                                                         */
/* ======================================================================== */

START_TEST(batch_csv_report)
{
    char *argv[] = { strdup(test_build_path("examples/batch_csv")),
                     strdup(test_path("examples/profiles")), DATE, NULL };
    test_run r;
    test_run_argv(argv, &r);
    ck_assert_status(&r, 0);
    ck_assert_uint_eq(r.err_len, 0);
    size_t nprofiles = 0;
    char **files = test_list_dir(argv[1], ".yaml", &nprofiles);
    test_free_list(files, nprofiles);
    size_t nregs = aip_kb_regulation_count(kb);
    ck_assert_uint_gt(nprofiles, 10);
    ck_assert_uint_eq(test_count(r.out, "\n"), 1 + nprofiles * nregs);
    ck_assert_msg(strncmp(r.out, "file,regulation,applicability,eu-ai-act.tier,",
                          45) == 0, "%.300s", r.out);
    ck_assert_has(r.out, ",obligations_in_force,obligations_upcoming,"
                         "penalty_ceiling,currency\n");
    ck_assert_has(r.out, "\ncv-screening.yaml,eu-ai-act,applies,high,");
    ck_assert_has(r.out, "\ncitizen-score.yaml,eu-ai-act,applies,prohibited,");
    test_run_free(&r);
    /* a broken profile is reported; the others are still in the report */
    char *dir = test_tmpdir_new();
    test_write_string(test_fmt("%s/a,b.yaml", dir),
                      "profile: 1\nfacts:\n  is_ai_system: true\n");
    test_write_string(test_fmt("%s/broken.yaml", dir), "profile: [\n");
    free(argv[1]);
    argv[1] = dir;
    test_run_argv(argv, &r);
    ck_assert_status(&r, 1);
    ck_assert_has(r.err, "broken.yaml");
    ck_assert_has(r.out, "\n\"a,b.yaml\",eu-ai-act,");     /* RFC 4180 */
    ck_assert_uint_eq(test_count(r.out, "\n"), 1 + nregs);
    test_run_free(&r);
    test_tmpdir_remove(dir);
    free(argv[0]);
}
END_TEST

static Suite *people_suite(void)
{
    Suite *s = suite_create("cli-people");
    TCase *tc = tcase_create("api");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, api_fact_values);
    tcase_add_test(tc, api_dimensions);
    tcase_add_test(tc, api_regulation_missing);
    tcase_add_test(tc, api_explain);
    tcase_add_test(tc, api_explain_oom);
    suite_add_tcase(s, tc);

    tc = tcase_create("tool");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, explain_tree);
    tcase_add_test(tc, explain_errors);
    tcase_add_test(tc, diff_annex_iii_dates);
    tcase_add_test(tc, diff_same_date_and_dimensions);
    tcase_add_test(tc, diff_errors);
    tcase_add_test(tc, ask_piped_en);
    tcase_add_test(tc, ask_piped_fr);
    tcase_add_test(tc, ask_quit_and_eof);
    tcase_add_test(tc, ask_reply_types);
    tcase_add_test(tc, ask_errors);
    tcase_add_test(tc, ask_pty_en);
    tcase_add_test(tc, ask_pty_fr);
    tcase_add_test(tc, batch_csv_report);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(people_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
