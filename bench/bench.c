/*
 * bench/bench.c - how fast libaipolicy is on this machine ("make bench").
 *
 * Public API only; linked against lib/libaipolicy.la like any program.
 * Prints, on one run:
 *   - load time of the bundled knowledge (median of --loads loads) and the
 *     memory the knowledge base takes;
 *   - classifications per second on one core (a batch loop without timers)
 *     and the median/p99 latency of one call (each call timed with
 *     clock_gettime), over the example profiles on a fixed as-of date,
 *     without and with compact JSON serialisation of the result;
 *   - scaling: per-query time against synthetic knowledge bases
 *     (bench/gen_kb.py), with load time and memory of each;
 *   - throughput with 2 threads on one shared knowledge base;
 *   - the targets of issue 6 as PASS/FAIL lines (they gate nothing).
 * A call is aip_classify + aip_result_free (+ aip_result_to_json +
 * aip_string_free "with JSON"): what a caller pays per query.
 *
 * Memory is counted through a counting aip_allocator given to the builder:
 * the bytes still allocated once the knowledge base is built and the
 * builder (which keeps a copy of the source files) is freed. libyaml's own
 * buffers are outside the hook, and only count in the peak while loading.
 *
 * The other mode, "--compare KBDIR PROFILES OUT", is the C half of
 * bench/compare/run.sh: it classifies complete profiles, writes each result
 * as one line of JSON to OUT (for the agreement check) and prints the
 * per-query time.
 *
 * Usage: bench [--data DIR] [--profiles DIR] [--date D] [--loads N]
 *              [--seconds S] [--scale DIR]... [--threads N]
 *        bench --compare KBDIR PROFILES OUT [--date D] [--seconds S]
 *        bench --loop classify|json|load [--data DIR] [--profiles DIR]
 *              [--date D] [--seconds S]     (one kind of call, for perf)
 */
#define _GNU_SOURCE 1            /* sched_setaffinity, CPU_SET */

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <aipolicy.h>

#ifndef AIP_BENCH_CFLAGS
#define AIP_BENCH_CFLAGS "?"
#endif

/* ---- small helpers -------------------------------------------------------- */

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("bench: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static void die_err(const char *what, int rc, aip_error *err)
{
    if (err) {
        const char *f = aip_error_file(err);
        die("%s: %s%s%s (line %u)", what, f ? f : "", f ? ": " : "",
            aip_error_message(err), aip_error_line(err));
    }
    die("%s: %s", what, aip_strerror(rc));
}

static inline uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Value at quantile p of n sorted samples (nearest rank). */
static uint64_t quantile(const uint64_t *sorted, size_t n, double p)
{
    if (n == 0)
        return 0;
    size_t k = (size_t)(p * (double)n + 0.5);
    if (k >= 1)
        k--;
    return sorted[k < n ? k : n - 1];
}

static void pin_to_cpu(int cpu)
{
#ifdef __linux__
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof set, &set) != 0)
        fprintf(stderr, "bench: note: cannot pin to CPU %d: %s\n", cpu,
                strerror(errno));
#else
    (void)cpu;
#endif
}

static void unpin(void)
{
#ifdef __linux__
    cpu_set_t set;
    CPU_ZERO(&set);
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    for (long i = 0; i < n && i < CPU_SETSIZE; i++)
        CPU_SET((int)i, &set);
    sched_setaffinity(0, sizeof set, &set);
#endif
}

/* "1234567" -> "1,234,567" */
static const char *grouped(double x)
{
    static char bufs[4][32];
    static int next;
    char *out = bufs[next++ & 3], tmp[32];
    snprintf(tmp, sizeof tmp, "%.0f", x);
    size_t n = strlen(tmp), o = 0;
    for (size_t i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0)
            out[o++] = ',';
        out[o++] = tmp[i];
    }
    out[o] = '\0';
    return out;
}

static const char *bytes_str(size_t b)
{
    static char bufs[4][32];
    static int next;
    char *out = bufs[next++ & 3];
    if (b >= (size_t)10 << 20)
        snprintf(out, 32, "%.1f MiB", (double)b / (1 << 20));
    else if (b >= (size_t)10 << 10)
        snprintf(out, 32, "%.1f KiB", (double)b / 1024);
    else
        snprintf(out, 32, "%zu B", b);
    return out;
}

/* Sorted list of the files of dir ending in .yaml or .json. */
static char **list_profiles(const char *dir, size_t *count)
{
    DIR *d = opendir(dir);
    if (!d)
        die("cannot open %s: %s", dir, strerror(errno));
    size_t n = 0, cap = 64;
    char **v = malloc(cap * sizeof *v);
    struct dirent *e;
    while (v && (e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 6 || e->d_name[0] == '.'
            || (strcmp(e->d_name + len - 5, ".yaml")
                && strcmp(e->d_name + len - 5, ".json")))
            continue;
        if (n == cap)
            v = realloc(v, (cap *= 2) * sizeof *v);
        if (!v)
            break;
        size_t sz = strlen(dir) + len + 2;
        v[n] = malloc(sz);
        if (!v[n])
            die("out of memory");
        snprintf(v[n], sz, "%s/%s", dir, e->d_name);
        n++;
    }
    closedir(d);
    if (!v)
        die("out of memory");
    qsort(v, n, sizeof *v, cmp_str);
    *count = n;
    return v;
}

static void free_list(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* ---- what else runs on the machine ------------------------------------------- */

/* CPU seconds the whole machine spent busy, and stolen by the hypervisor,
 * from /proc/stat; -1 when unavailable. */
static void machine_cpu(double *busy, double *steal)
{
    *busy = *steal = -1;
    FILE *f = fopen("/proc/stat", "r");
    if (!f)
        return;
    unsigned long long v[8] = { 0 };
    if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1],
               &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) == 8) {
        double tick = (double)sysconf(_SC_CLK_TCK);
        *busy = (double)(v[0] + v[1] + v[2] + v[5] + v[6]) / tick;
        *steal = (double)v[7] / tick;
    }
    fclose(f);
}

static double self_cpu(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6
         + (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* ---- a counting allocator ---------------------------------------------------- */

typedef struct counter {
    atomic_size_t live, peak, calls;
} counter;

static void *count_alloc(void *ctx, void *p, size_t old, size_t n)
{
    counter *c = ctx;
    if (n == 0) {
        if (p)
            atomic_fetch_sub_explicit(&c->live, old, memory_order_relaxed);
        free(p);
        return NULL;
    }
    void *q = realloc(p, n);
    if (!q)
        return NULL;
    atomic_fetch_add_explicit(&c->calls, 1, memory_order_relaxed);
    size_t live = atomic_fetch_add_explicit(&c->live, n, memory_order_relaxed)
                + n;
    if (p)
        live = atomic_fetch_sub_explicit(&c->live, old, memory_order_relaxed)
             - old;
    size_t peak = atomic_load_explicit(&c->peak, memory_order_relaxed);
    while (live > peak
           && !atomic_compare_exchange_weak_explicit(&c->peak, &peak, live,
                                                     memory_order_relaxed,
                                                     memory_order_relaxed))
        ;
    return q;
}

/* Loads a directory (one transaction) through a builder; *bytes receives
 * the bytes the knowledge base keeps once the builder is gone, *peak the
 * most held at once while loading (both 0 without a counter). */
static aip_kb *load_kb(const char *dir, counter *c, size_t *bytes,
                       size_t *peak, uint64_t *ns)
{
    aip_allocator a = { count_alloc, c };
    aip_kb_builder *b = NULL;
    aip_kb *kb = NULL;
    aip_error *err = NULL;
    if (c) {
        atomic_store(&c->live, 0);
        atomic_store(&c->peak, 0);
    }
    uint64_t t0 = now_ns();
    int rc = aip_kb_builder_new(c ? &a : NULL, &b);
    if (rc == AIP_OK)
        rc = aip_kb_builder_add_dir(b, dir, &err);
    if (rc == AIP_OK)
        rc = aip_kb_builder_build(b, &kb, &err);
    aip_kb_builder_free(b);
    uint64_t t1 = now_ns();
    if (rc != AIP_OK)
        die_err(dir, rc, err);
    if (ns)
        *ns = t1 - t0;
    if (bytes)
        *bytes = c ? atomic_load(&c->live) : 0;
    if (peak)
        *peak = c ? atomic_load(&c->peak) : 0;
    return kb;
}

static size_t total_rules(const aip_kb *kb)
{
    size_t n = 0;
    for (size_t r = 0; r < aip_kb_regulation_count(kb); r++)
        n += aip_kb_rule_count(kb, r);
    return n;
}

/* ---- queries ------------------------------------------------------------------ */

typedef struct qset {
    size_t n;
    aip_query **q;
    char **names;
} qset;

static qset load_queries(aip_kb *kb, const char *dir, const char *date)
{
    qset s;
    s.names = list_profiles(dir, &s.n);
    if (s.n == 0)
        die("no profile (*.yaml, *.json) in %s", dir);
    s.q = calloc(s.n, sizeof *s.q);
    if (!s.q)
        die("out of memory");
    for (size_t i = 0; i < s.n; i++) {
        aip_error *err = NULL;
        int rc = aip_query_new(kb, &s.q[i]);
        if (rc == AIP_OK)
            rc = aip_query_load_file(s.q[i], s.names[i], &err);
        if (rc == AIP_OK)
            rc = aip_query_set_as_of(s.q[i], date);
        if (rc != AIP_OK)
            die_err(s.names[i], rc, err);
    }
    return s;
}

static void free_queries(qset *s)
{
    for (size_t i = 0; i < s->n; i++)
        aip_query_free(s->q[i]);
    free(s->q);
    free_list(s->names, s->n);
}

enum { WITH_JSON = 1 };

/* One call as a caller makes it. Returns the JSON length (to keep the
 * compiler honest). */
static size_t one_call(const aip_query *q, int mode)
{
    aip_result *r = NULL;
    int rc = aip_classify(q, &r, NULL);
    if (rc != AIP_OK)
        die("aip_classify: %s", aip_strerror(rc));
    size_t len = 0;
    if (mode & WITH_JSON) {
        char *json = NULL;
        rc = aip_result_to_json(r, "en", 0, &json, &len);
        if (rc != AIP_OK)
            die("aip_result_to_json: %s", aip_strerror(rc));
        aip_string_free(json);
    }
    aip_result_free(r);
    return len;
}

static volatile size_t sink;

typedef struct stats {
    size_t calls;
    uint64_t median, p99, min, max;
    double mean;
    double per_second;           /* from the batch loop, no timers inside */
    uint64_t best_profile, worst_profile;   /* per-profile medians */
} stats;

/* Per-call latency over rounds of every query, for about `seconds`
 * (at least min_rounds rounds), then a timer-free batch loop for the
 * throughput. */
static stats measure(const qset *s, int mode, double seconds, int min_rounds)
{
    stats st;
    memset(&st, 0, sizeof st);
    for (size_t i = 0; i < s->n; i++)      /* warm-up */
        sink += one_call(s->q[i], mode);
    size_t cap = 1 << 16, n = 0;
    uint64_t *t = malloc(cap * sizeof *t);
    size_t rounds = 0;
    if (!t)
        die("out of memory");
    uint64_t budget = (uint64_t)(seconds * 1e9), start = now_ns();
    while (rounds < (size_t)min_rounds || now_ns() - start < budget) {
        if (rounds >= 1 << 16)
            break;
        for (size_t i = 0; i < s->n; i++) {
            uint64_t t0 = now_ns();
            sink += one_call(s->q[i], mode);
            uint64_t d = now_ns() - t0;
            if (n == cap && !(t = realloc(t, (cap *= 2) * sizeof *t)))
                die("out of memory");
            t[n++] = d;
        }
        rounds++;
    }
    /* t[] is in round-major order: column i is profile i */
    uint64_t best = UINT64_MAX, worst = 0;
    uint64_t *col = malloc(rounds * sizeof *col);
    if (!col)
        die("out of memory");
    for (size_t i = 0; i < s->n; i++) {
        for (size_t r = 0; r < rounds; r++)
            col[r] = t[r * s->n + i];
        qsort(col, rounds, sizeof *col, cmp_u64);
        uint64_t m = quantile(col, rounds, 0.5);
        best = m < best ? m : best;
        worst = m > worst ? m : worst;
    }
    free(col);
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += (double)t[i];
    qsort(t, n, sizeof *t, cmp_u64);
    st.calls = n;
    st.median = quantile(t, n, 0.5);
    st.p99 = quantile(t, n, 0.99);
    st.min = t[0];
    st.max = t[n - 1];
    st.mean = sum / (double)n;
    st.best_profile = best;
    st.worst_profile = worst;
    free(t);

    /* throughput: the same rounds without timers around each call */
    size_t batch = 0;
    start = now_ns();
    uint64_t elapsed;
    do {
        for (size_t i = 0; i < s->n; i++)
            sink += one_call(s->q[i], mode);
        batch += s->n;
        elapsed = now_ns() - start;
    } while (elapsed < budget / 2 || batch < s->n * 2);
    st.per_second = (double)batch * 1e9 / (double)elapsed;
    return st;
}

static double us(uint64_t ns)
{
    return (double)ns / 1000.0;
}

/* ---- threads ------------------------------------------------------------------- */

typedef struct worker {
    pthread_t tid;
    const qset *s;
    int cpu;
    uint64_t budget;
    pthread_barrier_t *go;
    size_t calls;
    uint64_t elapsed;
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    if (w->cpu >= 0)
        pin_to_cpu(w->cpu);
    pthread_barrier_wait(w->go);
    uint64_t start = now_ns(), e;
    size_t calls = 0;
    do {
        for (size_t i = 0; i < w->s->n; i++)
            sink += one_call(w->s->q[i], 0);
        calls += w->s->n;
        e = now_ns() - start;
    } while (e < w->budget);
    w->calls = calls;
    w->elapsed = e;
    return NULL;
}

/* Total classifications per second of nthreads threads, each with its own
 * queries on the one shared knowledge base. */
static double run_threads(aip_kb *kb, const char *profiles, const char *date,
                          int nthreads, double seconds, int ncpu)
{
    worker *w = calloc((size_t)nthreads, sizeof *w);
    qset *sets = calloc((size_t)nthreads, sizeof *sets);
    pthread_barrier_t go;
    if (!w || !sets || pthread_barrier_init(&go, NULL, (unsigned)nthreads))
        die("out of memory");
    for (int i = 0; i < nthreads; i++) {
        sets[i] = load_queries(kb, profiles, date);
        w[i].s = &sets[i];
        w[i].cpu = ncpu >= nthreads ? i : -1;
        w[i].budget = (uint64_t)(seconds * 1e9);
        w[i].go = &go;
    }
    for (int i = 0; i < nthreads; i++)
        if (pthread_create(&w[i].tid, NULL, work, &w[i]))
            die("pthread_create failed");
    double total = 0;
    for (int i = 0; i < nthreads; i++) {
        pthread_join(w[i].tid, NULL);
        total += (double)w[i].calls * 1e9 / (double)w[i].elapsed;
    }
    pthread_barrier_destroy(&go);
    for (int i = 0; i < nthreads; i++)
        free_queries(&sets[i]);
    free(sets);
    free(w);
    return total;
}

/* ---- the compare mode (C half of bench/compare) ----------------------------------- */

static int compare_mode(const char *kbdir, const char *profiles,
                        const char *out, const char *date, double seconds)
{
    aip_kb *kb = load_kb(kbdir, NULL, NULL, NULL, NULL);
    qset s = load_queries(kb, profiles, date);
    FILE *f = fopen(out, "w");
    if (!f)
        die("cannot write %s: %s", out, strerror(errno));
    for (size_t i = 0; i < s.n; i++) {
        aip_result *r = NULL;
        char *json = NULL;
        size_t len = 0;
        int rc = aip_classify(s.q[i], &r, NULL);
        if (rc == AIP_OK)
            rc = aip_result_to_json(r, "en", 0, &json, &len);
        if (rc != AIP_OK)
            die("%s: %s", s.names[i], aip_strerror(rc));
        const char *base = strrchr(s.names[i], '/');
        fprintf(f, "{\"profile\":\"%s\",\"result\":", base ? base + 1 : s.names[i]);
        fwrite(json, 1, len, f);
        fputs("}\n", f);
        aip_string_free(json);
        aip_result_free(r);
    }
    if (fclose(f) != 0)
        die("cannot write %s", out);
    pin_to_cpu(0);
    stats st = measure(&s, 0, seconds, 20);
    printf("compare-c: rules %zu profiles %zu calls %zu median_ns %llu "
           "mean_ns %.0f p99_ns %llu\n",
           total_rules(kb), s.n, st.calls, (unsigned long long)st.median,
           st.mean, (unsigned long long)st.p99);
    free_queries(&s);
    aip_kb_release(kb);
    return 0;
}

/* ---- the loop mode: one kind of call, nothing else, for profilers ------------ */

static int loop_mode(const char *what, const char *data, const char *profiles,
                     const char *date, double seconds)
{
    int mode;
    if (strcmp(what, "classify") == 0)
        mode = 0;
    else if (strcmp(what, "json") == 0)
        mode = WITH_JSON;
    else if (strcmp(what, "load") == 0)
        mode = -1;
    else
        die("--loop takes classify, json or load");
    uint64_t budget = (uint64_t)(seconds * 1e9), start = now_ns(), e;
    size_t calls = 0;
    if (mode < 0) {
        do {
            aip_kb_release(load_kb(data, NULL, NULL, NULL, NULL));
            calls++;
        } while ((e = now_ns() - start) < budget);
    } else {
        aip_kb *kb = load_kb(data, NULL, NULL, NULL, NULL);
        qset s = load_queries(kb, profiles, date);
        start = now_ns();
        do {
            for (size_t i = 0; i < s.n; i++)
                sink += one_call(s.q[i], mode);
            calls += s.n;
        } while ((e = now_ns() - start) < budget);
        free_queries(&s);
        aip_kb_release(kb);
    }
    printf("loop %s: %zu calls in %.2f s, %.2f us per call\n", what, calls,
           (double)e / 1e9, (double)e / 1e3 / (double)calls);
    return 0;
}

/* ---- main ------------------------------------------------------------------------- */

static void target(int pass, const char *what, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("target %s  %-52s ", pass ? "PASS" : "FAIL", what);
    vprintf(fmt, ap);
    putchar('\n');
    va_end(ap);
}

#define MAX_SCALE 16

int main(int argc, char **argv)
{
    const char *data = getenv("AIPOLICY_DATA");
    const char *profiles = "examples/profiles", *date = "2027-12-02";
    const char *scale[MAX_SCALE];
    const char *loop = NULL;
    int nscale = 0, loads = 21, nthreads = 2;
    double seconds = 1.0;
    if (!data || !*data)
        data = "data";
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs("Usage: bench [--data DIR] [--profiles DIR] [--date D] [--loads N]\n"
              "             [--seconds S] [--scale DIR]... [--threads N]\n"
              "       bench --compare KBDIR PROFILES OUT [--date D] [--seconds S]\n"
              "       bench --loop classify|json|load [--data DIR] [--profiles DIR]\n"
              "             [--date D] [--seconds S]\n"
              "--scale DIR: DIR/kb (knowledge) and DIR/profiles, as written by\n"
              "bench/gen_kb.py --out DIR. Defaults: --data $AIPOLICY_DATA or data,\n"
              "--profiles examples/profiles, --date 2027-12-02, --loads 21,\n"
              "--seconds 1, --threads 2. See the Performance section of README.md.\n",
              stdout);
        return 0;
    }
    if (argc >= 2 && strcmp(argv[1], "--compare") == 0) {
        if (argc < 5)
            die("usage: bench --compare KBDIR PROFILES OUT [--date D] [--seconds S]");
        for (int i = 5; i + 1 < argc; i += 2) {
            if (strcmp(argv[i], "--date") == 0)
                date = argv[i + 1];
            else if (strcmp(argv[i], "--seconds") == 0)
                seconds = atof(argv[i + 1]);
            else
                die("unknown option %s", argv[i]);
        }
        return compare_mode(argv[2], argv[3], argv[4], date, seconds);
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v)
            die("%s needs a value (or unknown option)", a);
        if (strcmp(a, "--data") == 0)
            data = v;
        else if (strcmp(a, "--profiles") == 0)
            profiles = v;
        else if (strcmp(a, "--date") == 0)
            date = v;
        else if (strcmp(a, "--loads") == 0)
            loads = atoi(v);
        else if (strcmp(a, "--seconds") == 0)
            seconds = atof(v);
        else if (strcmp(a, "--threads") == 0)
            nthreads = atoi(v);
        else if (strcmp(a, "--loop") == 0)
            loop = v;
        else if (strcmp(a, "--scale") == 0 && nscale < MAX_SCALE)
            scale[nscale++] = v;
        else
            die("unknown option %s", a);
        i++;
    }
    if (loads < 1)
        loads = 1;
    if (nthreads < 1)
        nthreads = 1;
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (loop)
        return loop_mode(loop, data, profiles, date, seconds);

    int ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);
    double busy0, steal0, self0 = self_cpu();
    uint64_t wall0 = now_ns();
    machine_cpu(&busy0, &steal0);
    uint64_t o0 = now_ns(), o1 = o0;
    for (int i = 0; i < 1000000; i++)
        o1 = now_ns();
    printf("aipolicy bench: libaipolicy %s, %d CPUs online, as-of %s, "
           "CFLAGS %s\n", aip_version(), ncpu, date, AIP_BENCH_CFLAGS);
    printf("  timer: clock_gettime(CLOCK_MONOTONIC), %.0f ns per reading "
           "(included in per-call latencies, not in rates)\n",
           (double)(o1 - o0) / 1e6);

    /* 1. load ------------------------------------------------------------- */
    counter c;
    memset(&c, 0, sizeof c);
    size_t kb_bytes = 0, kb_peak = 0;
    aip_kb *kb = load_kb(data, &c, &kb_bytes, &kb_peak, NULL);
    size_t nrules = total_rules(kb);
    printf("\n== load: bundled knowledge %s (%zu regulations, %zu rules, "
           "%zu facts)\n", data, aip_kb_regulation_count(kb), nrules,
           aip_kb_fact_count(kb));
    uint64_t *lt = malloc((size_t)loads * sizeof *lt);
    if (!lt)
        die("out of memory");
    pin_to_cpu(0);
    for (int i = 0; i < loads; i++) {
        aip_kb *k = load_kb(data, NULL, NULL, NULL, &lt[i]);
        aip_kb_release(k);
    }
    qsort(lt, (size_t)loads, sizeof *lt, cmp_u64);
    double load_ms = (double)quantile(lt, (size_t)loads, 0.5) / 1e6;
    printf("load            median %.2f ms  min %.2f ms  max %.2f ms  "
           "(%d loads, aip_kb_builder_add_dir + build)\n",
           load_ms, (double)lt[0] / 1e6, (double)lt[loads - 1] / 1e6, loads);
    printf("memory          %s kept by the knowledge base, peak %s while "
           "loading (counting allocator)\n", bytes_str(kb_bytes),
           bytes_str(kb_peak));
    free(lt);

    /* 2. classify on one core --------------------------------------------- */
    /* The knowledge base loaded through the counting allocator is used from
     * here on: queries and results inherit its allocator (a relaxed atomic
     * add per allocation, as a caller's hook would cost). Reload with the
     * default allocator so that what is measured is plain malloc. */
    aip_kb_release(kb);
    kb = load_kb(data, NULL, NULL, NULL, NULL);
    qset s = load_queries(kb, profiles, date);
    printf("\n== classify: %zu profiles (%s), one thread pinned to CPU 0\n",
           s.n, profiles);
    stats plain = measure(&s, 0, seconds, 20);
    stats json = measure(&s, WITH_JSON, seconds, 20);
    size_t json_bytes = 0;
    for (size_t i = 0; i < s.n; i++)
        json_bytes += one_call(s.q[i], WITH_JSON);
    printf("%-15s %13s /s  median %6.2f us  p99 %6.2f us  mean %6.2f us  "
           "(profiles' medians %.2f..%.2f us, %zu timed calls)\n",
           "classify", grouped(plain.per_second), us(plain.median),
           us(plain.p99), plain.mean / 1e3, us(plain.best_profile),
           us(plain.worst_profile), plain.calls);
    printf("%-15s %13s /s  median %6.2f us  p99 %6.2f us  mean %6.2f us  "
           "(profiles' medians %.2f..%.2f us, %zu timed calls, JSON %zu B "
           "per result on average)\n",
           "classify+JSON", grouped(json.per_second), us(json.median),
           us(json.p99), json.mean / 1e3, us(json.best_profile),
           us(json.worst_profile), json.calls, json_bytes / s.n);
    free_queries(&s);

    /* 3. scaling ----------------------------------------------------------- */
    double scale_first = 0, scale_last = 0;
    size_t rules_first = 0, rules_last = 0;
    if (nscale) {
        printf("\n== scaling: synthetic knowledge (bench/gen_kb.py), as-of %s, "
               "one thread\n", date);
        printf("%8s %7s %5s %10s %11s %11s %11s %11s %9s\n", "rules", "facts",
               "regs", "load ms", "memory", "median us", "p99 us",
               "us/profile", "ns/rule");
    }
    for (int i = 0; i < nscale; i++) {
        char kbdir[4096], pdir[4096];
        snprintf(kbdir, sizeof kbdir, "%s/kb", scale[i]);
        snprintf(pdir, sizeof pdir, "%s/profiles", scale[i]);
        size_t bytes = 0, peak = 0;
        uint64_t ns = 0;
        memset(&c, 0, sizeof c);
        aip_kb *k = load_kb(kbdir, &c, &bytes, &peak, &ns);
        size_t r = total_rules(k);
        /* a few more loads for the small ones: the median */
        int nl = r <= 1000 ? 5 : r <= 10000 ? 3 : 1;
        uint64_t l[5] = { ns, 0, 0, 0, 0 };
        for (int j = 1; j < nl; j++)
            aip_kb_release(load_kb(kbdir, NULL, NULL, NULL, &l[j]));
        qsort(l, (size_t)nl, sizeof *l, cmp_u64);
        aip_kb_release(k);
        k = load_kb(kbdir, NULL, NULL, NULL, NULL);
        qset ss = load_queries(k, pdir, date);
        stats st = measure(&ss, 0, seconds, 3);
        printf("%8zu %7zu %5zu %10.1f %11s %11.2f %11.2f %11.2f %9.1f\n", r,
               aip_kb_fact_count(k), aip_kb_regulation_count(k),
               (double)l[nl / 2] / 1e6, bytes_str(bytes), us(st.median),
               us(st.p99), st.mean / 1e3, (double)st.median / (double)r);
        if (i == 0) {
            scale_first = (double)st.median;
            rules_first = r;
        }
        scale_last = (double)st.median;
        rules_last = r;
        free_queries(&ss);
        aip_kb_release(k);
    }

    /* 4. threads ------------------------------------------------------------ */
    unpin();
    double one = run_threads(kb, profiles, date, 1, seconds, ncpu);
    double many = run_threads(kb, profiles, date, nthreads, seconds, ncpu);
    printf("\n== threads: one shared knowledge base (bundled), each thread "
           "its own queries, %s\n",
           ncpu >= nthreads ? "one thread per CPU" : "not pinned");
    printf("1 thread        %13s /s\n", grouped(one));
    printf("%d threads       %13s /s  (x%.2f)\n", nthreads, grouped(many),
           many / one);

    /* 5. targets ------------------------------------------------------------- */
    printf("\n== targets (issue 6; informative, they gate nothing)\n");
    target(us(plain.median) <= 2.0, "typical profile, no JSON, median <= 2 us",
           "%.2f us", us(plain.median));
    target(us(json.median) <= 10.0, "typical profile, with JSON, median <= 10 us",
           "%.2f us", us(json.median));
    target(load_ms <= 20.0, "bundled knowledge loaded <= 20 ms", "%.2f ms",
           load_ms);
    if (nscale >= 2)
        target(scale_last <= 10 * scale_first,
               "per query at largest KB <= 10x at smallest",
               "%zu rules %.2f us / %zu rules %.2f us = x%.1f", rules_last,
               scale_last / 1e3, rules_first, scale_first / 1e3,
               scale_last / scale_first);
    else
        printf("target SKIP  scaling (no --scale knowledge bases given)\n");
    printf("(the json-logic-js target is printed by bench/compare/run.sh)\n");

    double busy1, steal1, wall = (double)(now_ns() - wall0) / 1e9;
    machine_cpu(&busy1, &steal1);
    if (busy0 >= 0 && busy1 >= 0) {
        double others = (busy1 - busy0 - (self_cpu() - self0)) / wall;
        printf("\nmachine: other processes kept %.2f of %d CPUs busy on average "
               "during this run, %.2f stolen by the hypervisor%s\n",
               others < 0 ? 0 : others, ncpu, (steal1 - steal0) / wall,
               others > 0.2 ? ": the figures are lower than on an idle "
                              "machine (threads most)" : "");
    }
    aip_kb_release(kb);
    return 0;
}
