/*
 * tests/common.h - helpers shared by the Check test programs.
 *
 * Paths: the tests run from the build directory (which may differ from the
 * source directory: VPATH builds, "make distcheck"), so fixtures are always
 * found through AIP_TEST_SRCDIR and programs through AIP_TEST_BUILDDIR.
 * Nothing is ever written into the source tree: scratch files go to a
 * temporary directory (test_tmpdir_new).
 */
#ifndef AIP_TESTS_COMMON_H
#define AIP_TESTS_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "aipolicy.h"

/* ---- paths --------------------------------------------------------------- */

/* $AIP_TEST_SRCDIR (or "." when unset). */
const char *test_srcdir(void);
/* $AIP_TEST_BUILDDIR (or "." when unset). */
const char *test_builddir(void);
/* $AIPOLICY_DATA (or test_srcdir()/data when unset). */
const char *test_datadir(void);

/* Absolute path of `rel` in the source tree: test_path("tests/fixtures/x").
 * The result lives in one of 16 rotating static buffers: copy it if it must
 * survive 16 more calls. */
const char *test_path(const char *rel);
/* Same, in the build tree. */
const char *test_build_path(const char *rel);
/* printf-style path builder, same rotating buffers. */
const char *test_fmt(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* ---- files ----------------------------------------------------------------- */

/* Reads a whole file into a malloc'd NUL-terminated buffer (free()).
 * Returns NULL when it cannot be read. *len may be NULL. */
char *test_read_file(const char *path, size_t *len);
/* Writes len bytes to path (created or truncated). Returns 0 or -1. */
int test_write_file(const char *path, const char *data, size_t len);
/* Writes a NUL-terminated string. */
int test_write_string(const char *path, const char *text);

/* A fresh private directory under $TMPDIR (or /tmp): malloc'd path. */
char *test_tmpdir_new(void);
/* Removes the files directly in dir, then dir itself, and frees the path. */
void test_tmpdir_remove(char *dir);

/* Sorted malloc'd list of the regular files in `dir` whose names end with
 * `suffix` (full paths). *count receives the number; free with
 * test_free_list. Returns NULL (count 0) when the directory cannot be read. */
char **test_list_dir(const char *dir, const char *suffix, size_t *count);
void test_free_list(char **list, size_t count);

/* ---- knowledge bases --------------------------------------------------------- */

/* Builds a knowledge base from files given relative to the source tree, all
 * added as ONE transaction, the list ending with NULL. alloc may be NULL.
 * Returns the knowledge base, or NULL with *err set (err may be NULL). */
aip_kb *test_load_kb(const aip_allocator *alloc, aip_error **err, ...);
/* Same from absolute paths. */
aip_kb *test_load_kb_abs(const aip_allocator *alloc, aip_error **err,
                         const char *const *paths, size_t count);
/* Same from an in-memory document. */
aip_kb *test_load_kb_buffer(const aip_allocator *alloc, const char *name,
                            const char *yaml, aip_error **err);

/* Classifies a profile (YAML/JSON text) against kb; returns the result or
 * NULL (and *err). as_of may be NULL to keep the profile's date. */
aip_result *test_classify(aip_kb *kb, const char *profile, const char *as_of,
                          aip_error **err);
/* Compact JSON of a result (malloc'd copy; free()). Aborts the test on
 * failure. */
char *test_json(const aip_result *r, const char *lang, unsigned flags);
char *test_text(const aip_result *r, const char *lang);

/* Formats an error as "code file:line:col path: message" into a static
 * buffer, for assertion messages. NULL -> "(no error)". */
const char *test_error_str(const aip_error *err);

/* ---- running programs ------------------------------------------------------------ */

typedef struct test_run {
    int status;          /* exit status; 128+N when killed by signal N;
                            -1 when the program could not be started */
    char *out, *err;     /* captured stdout and stderr (malloc'd) */
    size_t out_len, err_len;
} test_run;

/* Exit status of a program run by test_run_argv when a sanitizer (ASan,
 * UBSan) reports an error in it. */
#define TEST_SANITIZER_EXIT 86
/* The same when memcheck reports errors or leaks in it (make
 * check-valgrind: see test_run_argv_input). */
#define TEST_MEMCHECK_EXIT 87

/* Runs argv[0] (a path) with argv, stdin from /dev/null, stdout and stderr
 * captured through temporary files. Returns r->status. */
int test_run_argv(char *const argv[], test_run *r);
/* Same with stdin reading `input` (a plain file, not a terminal; NULL:
 * /dev/null). */
int test_run_argv_input(char *const argv[], const char *input, test_run *r);
/* Runs the aipolicy tool of the build tree with the NULL-terminated
 * arguments that follow. */
int test_run_tool(test_run *r, ...);
/* Same with stdin reading `input`. */
int test_run_tool_input(test_run *r, const char *input, ...);
void test_run_free(test_run *r);

/* ---- counting / failing allocator ---------------------------------------------------- */

/*
 * An aip_allocator that counts, can fail, and checks sizes. Each block gets a
 * hidden header with the size requested, so that a free or a resize whose
 * old_size differs from it is caught (mismatches), and live_bytes is exact.
 *
 * Failure injection: the allocation attempts (new blocks and resizes; frees
 * never fail) are numbered 0, 1, 2, ... in `attempts`. With fail_at = i, the
 * i-th attempt fails; with persistent set, every attempt from the i-th on
 * fails too. fail_at = TEST_NEVER disables failures.
 */
#define TEST_NEVER SIZE_MAX

typedef struct test_alloc {
    aip_allocator hook;      /* pass &ta.hook to the library */
    size_t attempts;         /* allocation attempts so far */
    size_t failures;         /* attempts that were made to fail */
    size_t fail_at;
    int persistent;
    size_t live_blocks;
    size_t live_bytes;
    size_t peak_bytes;
    size_t total_frees;
    size_t mismatches;       /* old_size != size requested */
    size_t first_mismatch_old, first_mismatch_real;
    size_t bad_pointers;     /* free/resize of a block we did not make */
    /* When set, decides instead of fail_at whether attempt `index` fails
     * (return 1 to fail). */
    int (*on_attempt)(struct test_alloc *ta, size_t index);
} test_alloc;

void test_alloc_init(test_alloc *ta);
/* Arms failure injection from now: the n-th attempt from now fails
 * (n = 0: the very next one). */
void test_alloc_fail_after(test_alloc *ta, size_t n, int persistent);
void test_alloc_disarm(test_alloc *ta);

/* ---- misc --------------------------------------------------------------------------- */

/* Monotonic clock in seconds. */
double test_now(void);
/* 1 when s contains needle (NULL-safe). */
int test_contains(const char *s, const char *needle);
/* Number of occurrences of needle in s. */
size_t test_count(const char *s, const char *needle);

/* 1 when text is exactly one well-formed JSON value (RFC 8259 syntax,
 * surrounding whitespace allowed). On failure *where (may be NULL) gets the
 * byte offset of the problem. */
int test_json_valid(const char *text, size_t *where);

#endif
