/*
 * tests/common.c - helpers shared by the Check test programs (common.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "common.h"

/* ---- paths ----------------------------------------------------------------- */

static const char *env_or(const char *name, const char *fallback)
{
    const char *v = getenv(name);
    return v && *v ? v : fallback;
}

const char *test_srcdir(void)
{
    return env_or("AIP_TEST_SRCDIR", ".");
}

const char *test_builddir(void)
{
    return env_or("AIP_TEST_BUILDDIR", ".");
}

#define NBUF 16
#define BUFSZ 4096
static char path_bufs[NBUF][BUFSZ];
static unsigned path_next;

static char *next_buf(void)
{
    return path_bufs[path_next++ % NBUF];
}

const char *test_fmt(const char *fmt, ...)
{
    char *buf = next_buf();
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, BUFSZ, fmt, ap);
    va_end(ap);
    ck_assert_msg(n >= 0 && n < BUFSZ, "path too long");
    return buf;
}

const char *test_datadir(void)
{
    static char buf[BUFSZ];
    const char *v = getenv("AIPOLICY_DATA");
    if (v && *v)
        return v;
    snprintf(buf, sizeof buf, "%s/data", test_srcdir());
    return buf;
}

const char *test_path(const char *rel)
{
    return test_fmt("%s/%s", test_srcdir(), rel);
}

const char *test_build_path(const char *rel)
{
    return test_fmt("%s/%s", test_builddir(), rel);
}

/* ---- files ------------------------------------------------------------------- */

char *test_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, used = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (used + 1 >= cap) {
            char *bigger = realloc(buf, cap * 2);
            if (!bigger) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
        size_t got = fread(buf + used, 1, cap - used - 1, f);
        used += got;
        if (got == 0)
            break;
    }
    fclose(f);
    if (!buf)
        return NULL;
    buf[used] = '\0';
    if (len)
        *len = used;
    return buf;
}

int test_write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    int ok = fwrite(data, 1, len, f) == len;
    ok &= fclose(f) == 0;
    return ok ? 0 : -1;
}

int test_write_string(const char *path, const char *text)
{
    return test_write_file(path, text, strlen(text));
}

char *test_tmpdir_new(void)
{
    const char *base = env_or("TMPDIR", "/tmp");
    size_t n = strlen(base) + 32;
    char *dir = malloc(n);
    ck_assert_ptr_nonnull(dir);
    snprintf(dir, n, "%s/aip-test.XXXXXX", base);
    ck_assert_msg(mkdtemp(dir) != NULL, "mkdtemp(%s): %s", dir,
                  strerror(errno));
    return dir;
}

void test_tmpdir_remove(char *dir)
{
    if (!dir)
        return;
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            size_t n = strlen(dir) + strlen(e->d_name) + 2;
            char *p = malloc(n);
            if (p) {
                snprintf(p, n, "%s/%s", dir, e->d_name);
                unlink(p);
                free(p);
            }
        }
        closedir(d);
    }
    rmdir(dir);
    free(dir);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char **test_list_dir(const char *dir, const char *suffix, size_t *count)
{
    *count = 0;
    DIR *d = opendir(dir);
    if (!d)
        return NULL;
    size_t n = 0, cap = 16, sl = strlen(suffix);
    char **list = malloc(cap * sizeof *list);
    struct dirent *e;
    while (list && (e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (e->d_name[0] == '.' || len < sl
            || strcmp(e->d_name + len - sl, suffix) != 0)
            continue;
        size_t pn = strlen(dir) + len + 2;
        char *p = malloc(pn);
        if (!p)
            break;
        snprintf(p, pn, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(p, &st) != 0 || !S_ISREG(st.st_mode)) {
            free(p);
            continue;
        }
        if (n == cap) {
            char **bigger = realloc(list, 2 * cap * sizeof *list);
            if (!bigger) {
                free(p);
                break;
            }
            list = bigger;
            cap *= 2;
        }
        list[n++] = p;
    }
    closedir(d);
    if (!list)
        return NULL;
    qsort(list, n, sizeof *list, cmp_str);
    *count = n;
    return list;
}

void test_free_list(char **list, size_t count)
{
    for (size_t i = 0; list && i < count; i++)
        free(list[i]);
    free(list);
}

/* ---- knowledge bases ---------------------------------------------------------- */

aip_kb *test_load_kb_abs(const aip_allocator *alloc, aip_error **err,
                         const char *const *paths, size_t count)
{
    aip_kb_builder *b = NULL;
    aip_kb *kb = NULL;
    int rc = aip_kb_builder_new(alloc, &b);
    ck_assert_int_eq(rc, AIP_OK);
    rc = aip_kb_builder_add_files(b, paths, count, err);
    if (rc == AIP_OK)
        rc = aip_kb_builder_build(b, &kb, err);
    aip_kb_builder_free(b);
    return rc == AIP_OK ? kb : NULL;
}

aip_kb *test_load_kb(const aip_allocator *alloc, aip_error **err, ...)
{
    char *paths[32];
    size_t n = 0;
    va_list ap;
    va_start(ap, err);
    for (const char *rel; (rel = va_arg(ap, const char *)) != NULL;) {
        ck_assert_msg(n < 32, "too many files");
        paths[n++] = strdup(test_path(rel));
    }
    va_end(ap);
    aip_kb *kb = test_load_kb_abs(alloc, err, (const char *const *)paths, n);
    for (size_t i = 0; i < n; i++)
        free(paths[i]);
    return kb;
}

aip_kb *test_load_kb_buffer(const aip_allocator *alloc, const char *name,
                            const char *yaml, aip_error **err)
{
    aip_kb_builder *b = NULL;
    aip_kb *kb = NULL;
    int rc = aip_kb_builder_new(alloc, &b);
    ck_assert_int_eq(rc, AIP_OK);
    rc = aip_kb_builder_add_buffer(b, name, yaml, strlen(yaml), err);
    if (rc == AIP_OK)
        rc = aip_kb_builder_build(b, &kb, err);
    aip_kb_builder_free(b);
    return rc == AIP_OK ? kb : NULL;
}

aip_result *test_classify(aip_kb *kb, const char *profile, const char *as_of,
                          aip_error **err)
{
    aip_query *q = NULL;
    aip_result *res = NULL;
    int rc = aip_query_new(kb, &q);
    ck_assert_int_eq(rc, AIP_OK);
    rc = aip_query_parse(q, "<profile>", profile, strlen(profile), err);
    if (rc == AIP_OK && as_of)
        rc = aip_query_set_as_of(q, as_of);
    if (rc == AIP_OK)
        rc = aip_classify(q, &res, err);
    aip_query_free(q);
    return rc == AIP_OK ? res : NULL;
}

char *test_json(const aip_result *r, const char *lang, unsigned flags)
{
    char *s = NULL;
    size_t len = 0;
    int rc = aip_result_to_json(r, lang, flags, &s, &len);
    ck_assert_int_eq(rc, AIP_OK);
    ck_assert_ptr_nonnull(s);
    ck_assert_uint_eq(strlen(s), len);
    char *copy = strdup(s);
    aip_string_free(s);
    return copy;
}

char *test_text(const aip_result *r, const char *lang)
{
    char *s = NULL;
    size_t len = 0;
    int rc = aip_result_to_text(r, lang, &s, &len);
    ck_assert_int_eq(rc, AIP_OK);
    ck_assert_ptr_nonnull(s);
    ck_assert_uint_eq(strlen(s), len);
    char *copy = strdup(s);
    aip_string_free(s);
    return copy;
}

const char *test_error_str(const aip_error *err)
{
    static char buf[2048];
    if (!err)
        return "(no error)";
    snprintf(buf, sizeof buf, "[%d] %s:%u:%u %s: %s", aip_error_code(err),
             aip_error_file(err) ? aip_error_file(err) : "(null)",
             aip_error_line(err), aip_error_column(err),
             aip_error_path(err) ? aip_error_path(err) : "(null)",
             aip_error_message(err));
    return buf;
}

/* ---- running programs -------------------------------------------------------------- */

static char *slurp_fd(int fd, size_t *len)
{
    size_t cap = 4096, used = 0;
    char *buf = malloc(cap);
    if (!buf)
        return NULL;
    lseek(fd, 0, SEEK_SET);
    for (;;) {
        if (used + 1 >= cap) {
            char *bigger = realloc(buf, cap * 2);
            if (!bigger)
                break;
            buf = bigger;
            cap *= 2;
        }
        ssize_t got = read(fd, buf + used, cap - used - 1);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        used += (size_t)got;
    }
    buf[used] = '\0';
    *len = used;
    return buf;
}

static int temp_fd(void)
{
    char name[4096];
    snprintf(name, sizeof name, "%s/aip-run.XXXXXX", env_or("TMPDIR", "/tmp"));
    int fd = mkstemp(name);
    if (fd >= 0)
        unlink(name);
    return fd;
}

int test_run_argv(char *const argv[], test_run *r)
{
    return test_run_argv_input(argv, NULL, r);
}

/* stdin comes from a temporary file holding `input`, so the program sees
 * a plain file (not a terminal) and end of input after it. */
static int input_fd(const char *input)
{
    if (!input)
        return open("/dev/null", O_RDONLY);
    int fd = temp_fd();
    ck_assert_msg(fd >= 0, "cannot create a temporary file");
    size_t len = strlen(input), done = 0;
    while (done < len) {
        ssize_t n = write(fd, input + done, len - done);
        ck_assert_msg(n > 0 || errno == EINTR, "write: %s", strerror(errno));
        done += n > 0 ? (size_t)n : 0;
    }
    lseek(fd, 0, SEEK_SET);
    return fd;
}

/* Under `make check-valgrind` (AIP_TEST_VALGRIND names valgrind) the
 * programs the tests start run under memcheck as well: through libtool,
 * which runs the program a wrapper script stands for, so that memcheck
 * sees the program and not the script. An error or a definite leak ends
 * the program with TEST_MEMCHECK_EXIT, which test_run_argv_input turns
 * into a failure whatever status the test expects. Returns the command
 * to execute: `argv` itself when memcheck is not asked for, else a
 * malloc'd array (its own strings too) for free_memcheck_argv. */
#define MEMCHECK_PREFIX 7
static char **memcheck_argv(char *const argv[])
{
    const char *valgrind = getenv("AIP_TEST_VALGRIND");
    if (!valgrind || !*valgrind)
        return (char **)argv;
    size_t n = 0;
    while (argv[n])
        n++;
    char **v = calloc(MEMCHECK_PREFIX + n + 1, sizeof *v);
    ck_assert_ptr_nonnull(v);
    v[0] = strdup(test_build_path("libtool"));
    v[1] = strdup("--mode=execute");
    v[2] = strdup(valgrind);
    v[3] = strdup("--quiet");
    v[4] = strdup("--leak-check=full");
    v[5] = strdup("--errors-for-leak-kinds=definite");
    v[6] = strdup(test_fmt("--error-exitcode=%d", TEST_MEMCHECK_EXIT));
    for (size_t i = 0; i < n; i++)
        v[MEMCHECK_PREFIX + i] = argv[i];
    return v;
}

static void free_memcheck_argv(char **v, char *const argv[])
{
    if (v == (char **)argv)
        return;
    for (size_t i = 0; i < MEMCHECK_PREFIX; i++)
        free(v[i]);
    free(v);
}

int test_run_argv_input(char *const argv[], const char *input, test_run *r)
{
    memset(r, 0, sizeof *r);
    r->status = -1;
    int out = temp_fd(), err = temp_fd(), in = input_fd(input);
    ck_assert_msg(out >= 0 && err >= 0, "cannot create temporary files");
    fflush(stdout);
    fflush(stderr);
    char **command = memcheck_argv(argv);
    int memcheck = command != (char **)argv;
    pid_t pid = fork();
    ck_assert_msg(pid >= 0, "fork: %s", strerror(errno));
    if (pid == 0) {
        if (in >= 0)
            dup2(in, 0);
        dup2(out, 1);
        dup2(err, 2);
        /* A sanitizer report in the program must not pass for one of its
         * own exit statuses (ASan exits with 1 by default). */
        static const char *const vars[] = { "ASAN_OPTIONS", "UBSAN_OPTIONS" };
        for (int k = 0; k < 2; k++) {
            const char *old = getenv(vars[k]);
            char buf[1024];
            snprintf(buf, sizeof buf, "%s%sexitcode=%d", old ? old : "",
                     old && *old ? ":" : "", TEST_SANITIZER_EXIT);
            setenv(vars[k], buf, 1);
        }
        execv(command[0], command);
        fprintf(stderr, "exec %s: %s\n", command[0], strerror(errno));
        _exit(127);
    }
    free_memcheck_argv(command, argv);
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    if (WIFEXITED(st))
        r->status = WEXITSTATUS(st);
    else if (WIFSIGNALED(st))
        r->status = 128 + WTERMSIG(st);
    r->out = slurp_fd(out, &r->out_len);
    r->err = slurp_fd(err, &r->err_len);
    close(out);
    close(err);
    if (in >= 0)
        close(in);
    ck_assert_ptr_nonnull(r->out);
    ck_assert_ptr_nonnull(r->err);
    ck_assert_msg(!memcheck || r->status != TEST_MEMCHECK_EXIT,
                  "memcheck found errors in %s:\n%.6000s", argv[0], r->err);
    return r->status;
}

static int run_tool_va(test_run *r, const char *input, va_list ap)
{
    char *argv[64];
    size_t n = 0;
    argv[n++] = strdup(test_build_path("tools/aipolicy"));
    for (const char *a; (a = va_arg(ap, const char *)) != NULL;) {
        ck_assert_msg(n < 63, "too many arguments");
        argv[n++] = strdup(a);
    }
    argv[n] = NULL;
    int status = test_run_argv_input(argv, input, r);
    for (size_t i = 0; i < n; i++)
        free(argv[i]);
    return status;
}

int test_run_tool(test_run *r, ...)
{
    va_list ap;
    va_start(ap, r);
    int status = run_tool_va(r, NULL, ap);
    va_end(ap);
    return status;
}

int test_run_tool_input(test_run *r, const char *input, ...)
{
    va_list ap;
    va_start(ap, input);
    int status = run_tool_va(r, input, ap);
    va_end(ap);
    return status;
}

void test_run_free(test_run *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

/* ---- counting / failing allocator ------------------------------------------------------ */

#define TA_MAGIC 0x41495054u   /* "AIPT" */

typedef struct ta_header {
    size_t size;                 /* bytes requested by the library */
    unsigned magic;
} ta_header;

/* Keeps the user block aligned like malloc's. */
#define TA_HEADER \
    ((sizeof(ta_header) + _Alignof(max_align_t) - 1) \
     & ~(_Alignof(max_align_t) - 1))

static int ta_should_fail(test_alloc *ta)
{
    size_t i = ta->attempts++;
    if (ta->on_attempt) {
        int fail = ta->on_attempt(ta, i);
        ta->failures += fail != 0;
        return fail;
    }
    if (ta->fail_at == TEST_NEVER)
        return 0;
    if (i == ta->fail_at || (ta->persistent && i > ta->fail_at)) {
        ta->failures++;
        return 1;
    }
    return 0;
}

static ta_header *ta_check(test_alloc *ta, void *ptr, size_t old_size)
{
    ta_header *h = (ta_header *)((char *)ptr - TA_HEADER);
    if (h->magic != TA_MAGIC) {
        ta->bad_pointers++;
        return NULL;
    }
    if (h->size != old_size) {
        if (!ta->mismatches) {
            ta->first_mismatch_old = old_size;
            ta->first_mismatch_real = h->size;
        }
        ta->mismatches++;
    }
    return h;
}

static void *ta_fn(void *ctx, void *ptr, size_t old_size, size_t new_size)
{
    test_alloc *ta = ctx;
    if (new_size == 0) {                         /* free */
        if (!ptr)
            return NULL;
        ta_header *h = ta_check(ta, ptr, old_size);
        if (!h)
            return NULL;                         /* leak rather than crash */
        ta->live_blocks--;
        ta->live_bytes -= h->size;
        ta->total_frees++;
        h->magic = 0;
        free(h);
        return NULL;
    }
    if (new_size > SIZE_MAX - TA_HEADER || ta_should_fail(ta))
        return NULL;
    if (!ptr) {                                  /* allocate */
        ta_header *h = malloc(TA_HEADER + new_size);
        if (!h)
            return NULL;
        h->size = new_size;
        h->magic = TA_MAGIC;
        ta->live_blocks++;
        ta->live_bytes += new_size;
        if (ta->live_bytes > ta->peak_bytes)
            ta->peak_bytes = ta->live_bytes;
        /* Fill with garbage: code that relies on fresh memory being zeroed
         * without asking for it shows up. */
        memset((char *)h + TA_HEADER, 0xA5, new_size);
        return (char *)h + TA_HEADER;
    }
    ta_header *h = ta_check(ta, ptr, old_size);  /* resize */
    if (!h)
        return NULL;
    size_t real_old = h->size;
    ta_header *n = realloc(h, TA_HEADER + new_size);
    if (!n)
        return NULL;
    n->size = new_size;
    ta->live_bytes = ta->live_bytes - real_old + new_size;
    if (ta->live_bytes > ta->peak_bytes)
        ta->peak_bytes = ta->live_bytes;
    return (char *)n + TA_HEADER;
}

void test_alloc_init(test_alloc *ta)
{
    memset(ta, 0, sizeof *ta);
    ta->hook.fn = ta_fn;
    ta->hook.ctx = ta;
    ta->fail_at = TEST_NEVER;
}

void test_alloc_fail_after(test_alloc *ta, size_t n, int persistent)
{
    ta->fail_at = ta->attempts + n;
    ta->persistent = persistent;
}

void test_alloc_disarm(test_alloc *ta)
{
    ta->fail_at = TEST_NEVER;
    ta->persistent = 0;
}

/* ---- misc ------------------------------------------------------------------------------ */

double test_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int test_contains(const char *s, const char *needle)
{
    return s && needle && strstr(s, needle) != NULL;
}

size_t test_count(const char *s, const char *needle)
{
    size_t n = 0, nl = strlen(needle);
    if (!s || nl == 0)
        return 0;
    for (const char *p = strstr(s, needle); p; p = strstr(p + nl, needle))
        n++;
    return n;
}

/* ---- a JSON syntax checker ----------------------------------------------------------- */

typedef struct jp {
    const char *s;
    size_t i;
    int depth;
} jp;

static void jp_ws(jp *p)
{
    while (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\n'
           || p->s[p->i] == '\r')
        p->i++;
}

static int jp_value(jp *p);

static int jp_lit(jp *p, const char *w)
{
    size_t n = strlen(w);
    if (strncmp(p->s + p->i, w, n) != 0)
        return 0;
    p->i += n;
    return 1;
}

static int jp_string(jp *p)
{
    if (p->s[p->i] != '"')
        return 0;
    p->i++;
    for (;;) {
        unsigned char c = (unsigned char)p->s[p->i];
        if (c == '"') {
            p->i++;
            return 1;
        }
        if (c < 0x20)
            return 0;                          /* unescaped control or end */
        if (c == '\\') {
            char e = p->s[++p->i];
            if (e == 'u') {
                for (int k = 1; k <= 4; k++) {
                    char h = p->s[p->i + (size_t)k];
                    if (!((h >= '0' && h <= '9') || (h >= 'a' && h <= 'f')
                          || (h >= 'A' && h <= 'F')))
                        return 0;
                }
                p->i += 4;
            } else if (!strchr("\"\\/bfnrt", e) || e == '\0') {
                return 0;
            }
        }
        p->i++;
    }
}

static int jp_digits(jp *p)
{
    size_t start = p->i;
    while (p->s[p->i] >= '0' && p->s[p->i] <= '9')
        p->i++;
    return p->i > start;
}

static int jp_number(jp *p)
{
    if (p->s[p->i] == '-')
        p->i++;
    if (p->s[p->i] == '0')
        p->i++;
    else if (!jp_digits(p))
        return 0;
    if (p->s[p->i] == '.') {
        p->i++;
        if (!jp_digits(p))
            return 0;
    }
    if (p->s[p->i] == 'e' || p->s[p->i] == 'E') {
        p->i++;
        if (p->s[p->i] == '+' || p->s[p->i] == '-')
            p->i++;
        if (!jp_digits(p))
            return 0;
    }
    return 1;
}

static int jp_container(jp *p, char close)
{
    if (++p->depth > 200)
        return 0;
    p->i++;
    jp_ws(p);
    if (p->s[p->i] == close) {
        p->i++;
        p->depth--;
        return 1;
    }
    for (;;) {
        jp_ws(p);
        if (close == '}') {
            if (!jp_string(p))
                return 0;
            jp_ws(p);
            if (p->s[p->i++] != ':')
                return 0;
            jp_ws(p);
        }
        if (!jp_value(p))
            return 0;
        jp_ws(p);
        char c = p->s[p->i++];
        if (c == close) {
            p->depth--;
            return 1;
        }
        if (c != ',')
            return 0;
    }
}

static int jp_value(jp *p)
{
    switch (p->s[p->i]) {
    case '{': return jp_container(p, '}');
    case '[': return jp_container(p, ']');
    case '"': return jp_string(p);
    case 't': return jp_lit(p, "true");
    case 'f': return jp_lit(p, "false");
    case 'n': return jp_lit(p, "null");
    default:  return jp_number(p);
    }
}

int test_json_valid(const char *text, size_t *where)
{
    jp p = { text, 0, 0 };
    jp_ws(&p);
    int ok = jp_value(&p);
    if (ok) {
        jp_ws(&p);
        ok = p.s[p.i] == '\0';
    }
    if (!ok && where)
        *where = p.i;
    return ok;
}
