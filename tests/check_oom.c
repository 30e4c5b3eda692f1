/*
 * tests/check_oom.c - allocation-failure sweeps.
 *
 * With the counting allocator of common.c, for an operation making N
 * allocation attempts, every i in [0, N) is tried with the i-th attempt
 * failing (transient), and with every attempt from the i-th on failing
 * (persistent). Each time:
 *   - the call fails with AIP_ENOMEM (or succeeds, or fails as it normally
 *     does, when the failure hit nothing essential), never with another
 *     code;
 *   - out parameters are untouched on failure, and *err is set;
 *   - once everything is freed, no byte is left allocated, and every free
 *     and resize gave the size that was requested (no mismatch).
 *
 * Operations swept:
 *   load      aip_kb_load_path on the bundled knowledge ($AIPOLICY_DATA)
 *   classify  aip_query_new + aip_query_load_file (a profile) +
 *             aip_classify + aip_result_to_json + aip_result_to_text
 *   and smaller ones: loading a broken file, a broken profile, a builder
 *   transaction after a first one.
 *
 * Coverage: every index, transient and persistent. The long load is swept
 * by forking at each allocation (see below), the rest by repeating the
 * operation. AIP_TEST_OOM_STRIDE=n sweeps the load at one index in n
 * (default 1; 50 under valgrind, where a full sweep would take hours).
 *
 * The numbers of allocation sites swept are printed, one line per sweep
 * ("oom: ...").
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "aipolicy.h"
#include "common.h"

/* One index in `stride` is swept: AIP_TEST_OOM_STRIDE, else 1, or 50 when
 * running under valgrind (which preloads its vgpreload libraries). */
static size_t stride_from_env(void)
{
    const char *s = getenv("AIP_TEST_OOM_STRIDE");
    if (s && *s) {
        long v = strtol(s, NULL, 10);
        return v > 0 ? (size_t)v : 1;
    }
    const char *pre = getenv("LD_PRELOAD");
    if (pre && strstr(pre, "vgpreload"))
        return 50;
    return 1;
}

/* Checks an allocator after everything it served was freed. */
static void check_clean(const test_alloc *ta, const char *what, size_t i,
                        int persistent, size_t baseline)
{
    ck_assert_msg(ta->live_bytes == baseline,
                  "%s, failing %s at %zu: %zu bytes leaked in %zu blocks",
                  what, persistent ? "from" : "only", i,
                  ta->live_bytes - baseline, ta->live_blocks);
    ck_assert_msg(ta->mismatches == 0,
                  "%s, failing %s at %zu: %zu frees/resizes with a wrong "
                  "old_size (first: %zu given, %zu allocated)",
                  what, persistent ? "from" : "only", i, ta->mismatches,
                  ta->first_mismatch_old, ta->first_mismatch_real);
    ck_assert_msg(ta->bad_pointers == 0,
                  "%s, failing at %zu: %zu frees of unknown pointers", what, i,
                  ta->bad_pointers);
}

/* The error object says what failed; when it could not be allocated
 * itself, the library hands out a static out-of-memory error instead
 * (lib/error.h), whatever the status of the call. */
static void check_error_code(const aip_error *err, int rc)
{
    ck_assert_msg(aip_error_code(err) == rc || aip_error_code(err) == AIP_ENOMEM,
                  "status %d but the error object says %d", rc,
                  aip_error_code(err));
}

/* ======================================================================== */
/* load: forking at each failure point                                      */
/* ======================================================================== */

/*
 * A load makes thousands of allocations; repeating it from the start for
 * every index would take minutes under ASan. Instead the load runs once,
 * and at every allocation attempt i the process forks: the child fails
 * attempt i (transient: only it; persistent: it and all later ones),
 * finishes the call, checks the outcome and exits with a code saying what
 * went wrong (0: nothing); the parent waits for it and goes on with the
 * allocation succeeding. The child shares the parent's history up to i, so
 * this is exactly "fail the i-th allocation" at the cost of the clean-up
 * alone. Children never call Check: they report through their exit status.
 */

enum {
    CHILD_OK = 0,
    CHILD_BAD_STATUS = 10,       /* neither AIP_ENOMEM nor the normal status */
    CHILD_OUT_TOUCHED = 11,      /* *out written on failure */
    CHILD_NO_ERROR = 12,         /* failed without an error object */
    CHILD_ERROR_CODE = 13,       /* error object with another code */
    CHILD_LEAK = 14,             /* bytes left allocated */
    CHILD_MISMATCH = 15,         /* free/resize with a wrong old_size */
    CHILD_BAD_POINTER = 16,      /* free of a pointer never allocated */
    CHILD_NO_OUT = 17,           /* success without *out */
    CHILD_NOT_FAILED = 18        /* the attempt was not failed */
};

static const char *child_problem(int status)
{
    switch (status) {
    case CHILD_BAD_STATUS:  return "status neither AIP_ENOMEM nor normal";
    case CHILD_OUT_TOUCHED: return "out parameter written on failure";
    case CHILD_NO_ERROR:    return "failure without an error object";
    case CHILD_ERROR_CODE:  return "error object with another code";
    case CHILD_LEAK:        return "memory leaked";
    case CHILD_MISMATCH:    return "free/resize with a wrong old_size";
    case CHILD_BAD_POINTER: return "free of an unknown pointer";
    case CHILD_NO_OUT:      return "success without *out";
    case CHILD_NOT_FAILED:  return "no allocation was failed";
    default:                return "crash or sanitizer report (see the log)";
    }
}

static struct fork_sweep {
    size_t stride;
    int in_child, child_persistent;
    size_t child_index;
    int normal_rc;
    size_t swept[2];             /* children run, per mode */
    size_t bad;                  /* children that reported a problem */
    size_t bad_index;            /* the first of them */
    int bad_mode, bad_status;
    size_t fork_failures;
} fsw;

static int fork_on_attempt(test_alloc *ta, size_t i)
{
    (void)ta;
    if (fsw.in_child)
        return fsw.child_persistent;     /* after the first failure */
    if (i % fsw.stride != 0)
        return 0;
    for (int mode = 0; mode <= 1; mode++) {
        fflush(stdout);
        fflush(stderr);
        pid_t pid = fork();
        if (pid < 0) {
            fsw.fork_failures++;
            continue;
        }
        if (pid == 0) {
            fsw.in_child = 1;
            fsw.child_persistent = mode;
            fsw.child_index = i;
            return 1;                    /* the child fails attempt i */
        }
        int st = 0;
        while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
            ;
        fsw.swept[mode]++;
        int code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        if (code != CHILD_OK && fsw.bad++ == 0) {
            fsw.bad_index = i;
            fsw.bad_mode = mode;
            fsw.bad_status = code;
        }
    }
    return 0;
}

/* In a child: checks the outcome of the load and exits. */
static void child_finish(test_alloc *ta, int rc, aip_kb *kb, aip_error *err)
{
    aip_kb *const untouched = (aip_kb *)0x1;
    int code = CHILD_OK;
    if (ta->failures == 0)
        code = CHILD_NOT_FAILED;
    else if (rc == AIP_OK)
        code = kb == untouched || kb == NULL ? CHILD_NO_OUT : CHILD_OK;
    else if (rc != AIP_ENOMEM && rc != fsw.normal_rc)
        code = CHILD_BAD_STATUS;
    else if (kb != untouched)
        code = CHILD_OUT_TOUCHED;
    else if (!err)
        code = CHILD_NO_ERROR;
    else if (aip_error_code(err) != rc && aip_error_code(err) != AIP_ENOMEM)
        code = CHILD_ERROR_CODE;
    char what[1024];
    snprintf(what, sizeof what, "%s", test_error_str(err));
    if (rc == AIP_OK && kb != untouched)
        aip_kb_release(kb);
    aip_error_free(err);
    if (code == CHILD_OK && ta->live_bytes != 0)
        code = CHILD_LEAK;
    if (code == CHILD_OK && ta->mismatches != 0)
        code = CHILD_MISMATCH;
    if (code == CHILD_OK && ta->bad_pointers != 0)
        code = CHILD_BAD_POINTER;
    if (code != CHILD_OK && fsw.bad == 0)        /* the first bad one talks */
        fprintf(stderr, "oom: failing %s attempt %zu: %s; status %d; error "
                "%s; %zu bytes left in %zu blocks; %zu size mismatches "
                "(first: %zu given, %zu allocated)\n",
                fsw.child_persistent ? "from" : "only", fsw.child_index,
                child_problem(code), rc, what, ta->live_bytes,
                ta->live_blocks, ta->mismatches, ta->first_mismatch_old,
                ta->first_mismatch_real);
    fflush(stdout);
    fflush(stderr);
    _exit(code);
}

typedef struct sweep_stats {
    size_t n;                    /* allocation attempts of the operation */
    size_t transient, persistent;        /* indices swept */
    size_t stride;
} sweep_stats;

static sweep_stats sweep_load(const char *path, const char *what,
                              int normal_rc)
{
    memset(&fsw, 0, sizeof fsw);
    fsw.stride = stride_from_env();
    fsw.normal_rc = normal_rc;
    test_alloc ta;
    test_alloc_init(&ta);
    ta.on_attempt = fork_on_attempt;
    aip_kb *kb = (aip_kb *)0x1;
    aip_error *err = NULL;
    int rc = aip_kb_load_path(&ta.hook, path, &kb, &err);
    if (fsw.in_child)
        child_finish(&ta, rc, kb, err);          /* does not return */
    /* the parent: every allocation succeeded */
    ck_assert_msg(rc == normal_rc, "%s: status %d without failures: %s", what,
                  rc, test_error_str(err));
    if (rc == AIP_OK)
        aip_kb_release(kb);
    aip_error_free(err);
    check_clean(&ta, what, 0, 0, 0);
    ck_assert_uint_eq(ta.failures, 0);
    ck_assert_uint_eq(fsw.fork_failures, 0);
    ck_assert_msg(fsw.bad == 0,
                  "%s: %zu failing allocations mishandled; the first: "
                  "failing %s attempt %zu of %zu: %s (child status %d)",
                  what, fsw.bad, fsw.bad_mode ? "from" : "only",
                  fsw.bad_index, ta.attempts, child_problem(fsw.bad_status),
                  fsw.bad_status);
    sweep_stats st = { ta.attempts, fsw.swept[0], fsw.swept[1], fsw.stride };
    ck_assert_uint_gt(st.n, 0);
    ck_assert_uint_eq(st.transient, (st.n + st.stride - 1) / st.stride);
    ck_assert_uint_eq(st.persistent, st.transient);
    return st;
}

START_TEST(oom_load_bundled_knowledge)
{
    double t0 = test_now();
    sweep_stats st = sweep_load(test_datadir(), "load", AIP_OK);
    printf("oom: load of %s: %zu allocation sites; failure injected at %zu "
           "of them transient and %zu persistent (stride %zu); %.1f s\n",
           test_datadir(), st.n, st.transient, st.persistent, st.stride,
           test_now() - t0);
    fflush(stdout);
}
END_TEST

START_TEST(oom_load_broken_file)
{
    sweep_stats st = sweep_load(
        test_path("tests/fixtures/broken/unknown-fact.yaml"), "broken",
        AIP_ENOTFOUND);
    printf("oom: load of a broken file: %zu allocation sites; %zu swept "
           "transient and %zu persistent\n", st.n, st.transient,
           st.persistent);
    fflush(stdout);
}
END_TEST

/* ======================================================================== */
/* classify                                                                   */
/* ======================================================================== */

typedef struct pipeline {
    const char *profile;
    int profile_rc;              /* status of aip_query_load_file */
} pipeline;

/* query + profile + classify + JSON + text. Returns the first failing
 * status, AIP_OK when all succeeded. */
static int run_pipeline(aip_kb *kb, const pipeline *p)
{
    aip_query *q = (aip_query *)0x1;
    int rc = aip_query_new(kb, &q);
    if (rc != AIP_OK) {
        ck_assert_ptr_eq(q, (aip_query *)0x1);
        return rc;
    }
    aip_error *err = NULL;
    rc = aip_query_load_file(q, p->profile, &err);
    if (rc != AIP_OK) {
        ck_assert_msg(err != NULL, "profile failed (%d) without an error", rc);
        check_error_code(err, rc);
        aip_error_free(err);
        aip_query_free(q);
        return rc;
    }
    ck_assert_ptr_null(err);
    ck_assert_int_eq(aip_query_set_as_of(q, "2026-11-24"), AIP_OK);
    aip_result *r = (aip_result *)0x1;
    rc = aip_classify(q, &r, &err);
    aip_query_free(q);
    if (rc != AIP_OK) {
        ck_assert_ptr_eq(r, (aip_result *)0x1);
        ck_assert_msg(err != NULL, "classify failed (%d) without an error",
                      rc);
        check_error_code(err, rc);
        aip_error_free(err);
        return rc;
    }
    char *json = (char *)0x1, *text = (char *)0x1;
    size_t jlen = 7, tlen = 7;
    rc = aip_result_to_json(r, "fr", AIP_JSON_PRETTY, &json, &jlen);
    if (rc == AIP_OK) {
        ck_assert_uint_eq(strlen(json), jlen);
        aip_string_free(json);
        rc = aip_result_to_text(r, "fr", &text, &tlen);
        if (rc == AIP_OK) {
            ck_assert_uint_eq(strlen(text), tlen);
            aip_string_free(text);
        } else {
            ck_assert_ptr_eq(text, (char *)0x1);
            ck_assert_uint_eq(tlen, 7);
        }
    } else {
        ck_assert_ptr_eq(json, (char *)0x1);
        ck_assert_uint_eq(jlen, 7);
    }
    aip_result_free(r);
    return rc;
}

static size_t sweep_pipeline(const pipeline *p, const char *what,
                             size_t stride_persistent)
{
    test_alloc ta;
    test_alloc_init(&ta);
    aip_kb *kb = NULL;
    aip_error *err = NULL;
    int rc = aip_kb_load_path(&ta.hook, test_datadir(), &kb, &err);
    ck_assert_msg(rc == AIP_OK, "%s", test_error_str(err));
    size_t baseline = ta.live_bytes;

    size_t start = ta.attempts;
    rc = run_pipeline(kb, p);
    ck_assert_msg(rc == p->profile_rc, "%s: %d without failures", what, rc);
    check_clean(&ta, what, 0, 0, baseline);
    size_t n = ta.attempts - start;
    ck_assert_uint_gt(n, 0);

    for (int persistent = 0; persistent <= 1; persistent++) {
        size_t stride = persistent ? stride_persistent : 1;
        for (size_t i = 0; i < n; i += stride) {
            ta.failures = 0;
            test_alloc_fail_after(&ta, i, persistent);
            rc = run_pipeline(kb, p);
            test_alloc_disarm(&ta);
            ck_assert_msg(ta.failures > 0, "%s: attempt %zu never came", what,
                          i);
            ck_assert_msg(rc == AIP_ENOMEM || rc == p->profile_rc,
                          "%s, failing %s at %zu of %zu: status %d (%s)", what,
                          persistent ? "from" : "only", i, n, rc,
                          aip_strerror(rc));
            check_clean(&ta, what, i, persistent, baseline);
        }
    }
    /* the knowledge base was not disturbed */
    ck_assert_int_eq(run_pipeline(kb, p), p->profile_rc);
    aip_kb_release(kb);
    check_clean(&ta, what, n, 0, 0);
    return n;
}

START_TEST(oom_classify)
{
    char *profile = strdup(test_path("examples/profiles/cv-screening.yaml"));
    char *text = test_read_file(profile, NULL);
    ck_assert_msg(text != NULL, "cannot read %s", profile);
    free(text);
    pipeline p = { profile, AIP_OK };
    double t0 = test_now();
    size_t n = sweep_pipeline(&p, "classify", 1);
    free(profile);
    printf("oom: classify (query + profile file + classify + JSON + text): "
           "%zu allocation sites, every one swept, transient and persistent; "
           "%.1f s\n", n, test_now() - t0);
    fflush(stdout);
}
END_TEST

START_TEST(oom_classify_partial_profile)
{
    /* few facts known: many missing facts to rank */
    char *dir = test_tmpdir_new();
    char *path = strdup(test_fmt("%s/partial.yaml", dir));
    ck_assert_int_eq(test_write_string(path, "profile: 1\nfacts:\n"
                                             "  is_ai_system: true\n"),
                     0);
    pipeline p = { path, AIP_OK };
    size_t n = sweep_pipeline(&p, "classify (partial profile)", 1);
    printf("oom: classify with a partial profile: %zu allocation sites "
           "swept\n", n);
    fflush(stdout);
    free(path);
    test_tmpdir_remove(dir);
}
END_TEST

START_TEST(oom_broken_profile)
{
    char *dir = test_tmpdir_new();
    char *path = strdup(test_fmt("%s/bad.yaml", dir));
    ck_assert_int_eq(test_write_string(path, "profile: 1\nfacts:\n"
                                             "  is_ai_system: true\n"
                                             "  no_such_fact_here: true\n"),
                     0);
    pipeline p = { path, AIP_EPROFILE };
    size_t n = sweep_pipeline(&p, "broken profile", 1);
    printf("oom: a broken profile: %zu allocation sites swept\n", n);
    fflush(stdout);
    free(path);
    test_tmpdir_remove(dir);
}
END_TEST

START_TEST(oom_builder_transactions)
{
    /* A builder that holds knowledge, then fails additions for lack of
     * memory, keeps what it had. */
    test_alloc ta;
    test_alloc_init(&ta);
    aip_kb_builder *b = NULL;
    ck_assert_int_eq(aip_kb_builder_new(&ta.hook, &b), AIP_OK);
    ck_assert_int_eq(aip_kb_builder_add_file(
                         b, test_path("tests/fixtures/loader/base.yaml"), NULL),
                     AIP_OK);
    aip_kb *kb0 = NULL;
    ck_assert_int_eq(aip_kb_builder_build(b, &kb0, NULL), AIP_OK);
    char *dir = strdup(test_path("tests/fixtures/good-dir"));
    size_t start = ta.attempts;
    ck_assert_int_eq(aip_kb_builder_add_dir(b, dir, NULL), AIP_OK);
    size_t n = ta.attempts - start;
    aip_kb_builder_free(b);
    aip_kb_release(kb0);
    check_clean(&ta, "builder", 0, 0, 0);
    for (size_t i = 0; i < n; i++) {
        test_alloc_init(&ta);
        ck_assert_int_eq(aip_kb_builder_new(&ta.hook, &b), AIP_OK);
        ck_assert_int_eq(aip_kb_builder_add_file(
                             b, test_path("tests/fixtures/loader/base.yaml"),
                             NULL),
                         AIP_OK);
        ck_assert_int_eq(aip_kb_builder_build(b, &kb0, NULL), AIP_OK);
        test_alloc_fail_after(&ta, i, 0);
        aip_error *err = NULL;
        int rc = aip_kb_builder_add_dir(b, dir, &err);
        test_alloc_disarm(&ta);
        ck_assert_msg(rc == AIP_OK || rc == AIP_ENOMEM, "at %zu: %d", i, rc);
        aip_error_free(err);
        aip_kb *kb = NULL;
        ck_assert_int_eq(aip_kb_builder_build(b, &kb, NULL), AIP_OK);
        if (rc == AIP_OK) {
            ck_assert_uint_eq(aip_kb_regulation_count(kb), 2);
        } else {
            ck_assert_ptr_eq(kb, kb0);
            ck_assert_uint_eq(aip_kb_regulation_count(kb), 1);
        }
        aip_kb_release(kb);
        aip_kb_release(kb0);
        aip_kb_builder_free(b);
        check_clean(&ta, "builder", i, 0, 0);
    }
    free(dir);
    printf("oom: builder add_dir after a first transaction: %zu allocation "
           "sites swept\n", n);
    fflush(stdout);
}
END_TEST

static Suite *oom_suite(void)
{
    Suite *s = suite_create("oom");
    TCase *tc = tcase_create("sweeps");
    /* a sweep is long by nature; under ASan the load sweep is the longest */
    tcase_set_timeout(tc, 900);
    tcase_add_test(tc, oom_load_bundled_knowledge);
    tcase_add_test(tc, oom_load_broken_file);
    tcase_add_test(tc, oom_classify);
    tcase_add_test(tc, oom_classify_partial_profile);
    tcase_add_test(tc, oom_broken_profile);
    tcase_add_test(tc, oom_builder_transactions);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(oom_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
