/*
 * check_threads.c - the thread-safety statement of aipolicy.h, tested:
 * 8 threads classify thousands of queries at once against one shared
 * knowledge base, and every JSON result must equal the one computed before
 * on a single thread. Run under ThreadSanitizer by
 * ./configure --enable-sanitizers=thread && make check.
 */
#include <check.h>
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <aipolicy.h>

#define NTHREADS 8
#define MAX_PROFILES 64
#define DATES 4

static const char *const dates[DATES] = { "2025-02-01", "2026-07-27",
                                          "2026-12-02", "2028-08-02" };

static aip_kb *kb;
static char *profiles[MAX_PROFILES];
static int nprofiles;
static char *expected[MAX_PROFILES][DATES];   /* single-threaded answers */
static int rounds = 40;

static char *classify_json(int p, int d)
{
    aip_query *q = NULL;
    aip_result *r = NULL;
    char *json = NULL;
    if (aip_query_new(kb, &q) == AIP_OK
        && aip_query_load_file(q, profiles[p], NULL) == AIP_OK
        && aip_query_set_as_of(q, dates[d]) == AIP_OK
        && aip_classify(q, &r, NULL) == AIP_OK)
        aip_result_to_json(r, (p + d) % 2 ? "fr" : "en", 0, &json, NULL);
    aip_result_free(r);
    aip_query_free(q);
    return json;
}

static void *worker(void *arg)
{
    long id = (long)arg, mismatches = 0;
    for (int round = 0; round < rounds; round++)
        for (int p = 0; p < nprofiles; p++) {
            /* Each thread walks the profiles in its own order. */
            int pp = (p + (int)id * 7 + round) % nprofiles, d = (p + round) % DATES;
            char *json = classify_json(pp, d);
            if (!json || strcmp(json, expected[pp][d]) != 0)
                mismatches++;
            aip_string_free(json);
            /* Retain/release from many threads at once. */
            aip_kb_release(aip_kb_retain(kb));
        }
    return (void *)mismatches;
}

START_TEST(test_threads_shared_kb)
{
    for (int p = 0; p < nprofiles; p++)
        for (int d = 0; d < DATES; d++) {
            expected[p][d] = classify_json(p, d);
            ck_assert_msg(expected[p][d], "cannot classify %s", profiles[p]);
        }
    pthread_t threads[NTHREADS];
    for (long t = 0; t < NTHREADS; t++)
        ck_assert_int_eq(pthread_create(&threads[t], NULL, worker, (void *)t), 0);
    long mismatches = 0;
    for (int t = 0; t < NTHREADS; t++) {
        void *ret;
        ck_assert_int_eq(pthread_join(threads[t], &ret), 0);
        mismatches += (long)ret;
    }
    printf("threads: %d threads x %d queries, %ld mismatches\n", NTHREADS,
           rounds * nprofiles, mismatches);
    ck_assert_int_eq(mismatches, 0);
    for (int p = 0; p < nprofiles; p++)
        for (int d = 0; d < DATES; d++)
            aip_string_free(expected[p][d]);
}
END_TEST

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void)
{
    const char *src = getenv("AIP_TEST_SRCDIR");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/examples/profiles", src ? src : ".");
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL && nprofiles < MAX_PROFILES) {
        size_t n = strlen(e->d_name);
        if (n > 5 && strcmp(e->d_name + n - 5, ".yaml") == 0) {
            char path[4096 + 256];
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            profiles[nprofiles++] = strdup(path);
        }
    }
    if (d)
        closedir(d);
    qsort(profiles, (size_t)nprofiles, sizeof *profiles, by_name);
    aip_error *err = NULL;
    if (nprofiles == 0 || aip_kb_load_default(NULL, &kb, &err) != AIP_OK) {
        fprintf(stderr, "check_threads: no profiles in %s or no knowledge: %s\n",
                dir, err ? aip_error_message(err) : "");
        return 1;
    }
    /* Thousands of queries per thread in a plain build; fewer under the
     * slow sanitizer and valgrind runs (AIP_THREAD_ROUNDS). */
    const char *r = getenv("AIP_THREAD_ROUNDS");
    if (getenv("AIP_TEST_SLOW"))
        rounds = 3;
    if (r && atoi(r) > 0)
        rounds = atoi(r);
    Suite *s = suite_create("threads");
    TCase *tc = tcase_create("shared_kb");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_threads_shared_kb);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    aip_kb_release(kb);
    for (int i = 0; i < nprofiles; i++)
        free(profiles[i]);
    return failed ? 1 : 0;
}
