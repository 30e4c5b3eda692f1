/*
 * kb.c - knowledge-base builder, loading from files and directories,
 * reference counting and introspection.
 *
 * The builder keeps a copy of every source it accepted and the knowledge
 * base compiled from them. Adding sources compiles old + new into a fresh
 * knowledge base; only when that succeeds does the builder switch to it.
 * That is the whole transaction mechanism: nothing is ever patched in place.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "load.h"
#include "model.h"

#ifndef AIP_DATADIR
#define AIP_DATADIR "/usr/local/share/aipolicy"
#endif

typedef struct owned_source {
    char *name;
    char *data;
    size_t len;
} owned_source;

struct aip_kb_builder {
    aip_allocator alloc;
    owned_source *sources;
    size_t nsources, cap;
    aip_kb *kb;                  /* compiled from sources, or NULL if none */
};

/* ---- sources --------------------------------------------------------------- */

static void free_source(const aip_allocator *a, owned_source *s)
{
    aipi_free(a, s->name, strlen(s->name) + 1);
    aipi_free(a, s->data, s->len + 1);
}

static int read_file(const aip_allocator *a, const char *path,
                     owned_source *out, aipi_err *err)
{
    size_t n = strlen(path) + 1;
    char *name = aipi_malloc(a, n);
    if (!name)
        return aipi_err_set(err, AIP_ENOMEM, "out of memory");
    int rc = aipi_read_file(a, path, &out->data, &out->len, err);
    if (rc != AIP_OK) {
        aipi_free(a, name, n);
        return rc;
    }
    memcpy(name, path, n);
    out->name = name;
    return AIP_OK;
}

/* Compiles the builder's sources plus `extra`; on success the builder owns
 * the extra sources and the new knowledge base. On failure nothing changes
 * and the extra sources are left to the caller. */
static int commit(aip_kb_builder *b, owned_source *extra, size_t nextra,
                  aipi_err *err)
{
    const aip_allocator *a = &b->alloc;
    size_t total = b->nsources + nextra;
    if (total > b->cap) {
        size_t cap = b->cap ? b->cap : 8;
        while (cap < total)
            cap *= 2;
        owned_source *s = aipi_realloc(a, b->sources, b->cap * sizeof *s,
                                       cap * sizeof *s);
        if (!s)
            return aipi_err_set(err, AIP_ENOMEM, "out of memory");
        b->sources = s;
        b->cap = cap;
    }
    aipi_source *view = aipi_calloc(a, total + 1, sizeof *view);
    if (!view)
        return aipi_err_set(err, AIP_ENOMEM, "out of memory");
    for (size_t i = 0; i < total; i++) {
        const owned_source *s = i < b->nsources ? &b->sources[i]
                                                : &extra[i - b->nsources];
        view[i].name = s->name;
        view[i].data = s->data;
        view[i].len = s->len;
    }
    aip_kb *kb = NULL;
    int rc = aipi_compile(a, view, total, &kb, err);
    aipi_free(a, view, (total + 1) * sizeof *view);
    if (rc != AIP_OK)
        return rc;
    memcpy(b->sources + b->nsources, extra, nextra * sizeof *extra);
    b->nsources = total;
    aip_kb_release(b->kb);
    b->kb = kb;
    return AIP_OK;
}

/* ---- builder --------------------------------------------------------------- */

int aip_kb_builder_new(const aip_allocator *alloc, aip_kb_builder **out)
{
    if (!out)
        return AIP_EINVAL;
    alloc = aipi_allocator_or_default(alloc);
    aip_kb_builder *b = aipi_calloc(alloc, 1, sizeof *b);
    if (!b)
        return AIP_ENOMEM;
    b->alloc = *alloc;
    *out = b;
    return AIP_OK;
}

void aip_kb_builder_free(aip_kb_builder *b)
{
    if (!b)
        return;
    aip_allocator a = b->alloc;
    for (size_t i = 0; i < b->nsources; i++)
        free_source(&a, &b->sources[i]);
    aipi_free(&a, b->sources, b->cap * sizeof *b->sources);
    aip_kb_release(b->kb);
    aipi_free(&a, b, sizeof *b);
}

int aip_kb_builder_add_file(aip_kb_builder *b, const char *path,
                            aip_error **err)
{
    if (!b || !path)
        return aipi_fail(b ? &b->alloc : NULL, err, AIP_EINVAL,
                         "builder and path are required");
    aipi_err e;
    aipi_err_clear(&e);
    owned_source s;
    int rc = read_file(&b->alloc, path, &s, &e);
    if (rc == AIP_OK) {
        rc = commit(b, &s, 1, &e);
        if (rc != AIP_OK)
            free_source(&b->alloc, &s);
    }
    return rc == AIP_OK ? AIP_OK : aipi_err_export(&e, &b->alloc, err);
}

int aip_kb_builder_add_buffer(aip_kb_builder *b, const char *name,
                              const char *data, size_t len, aip_error **err)
{
    if (!b || (!data && len))
        return aipi_fail(b ? &b->alloc : NULL, err, AIP_EINVAL,
                         "builder and data are required");
    const aip_allocator *a = &b->alloc;
    if (!name)
        name = "<buffer>";
    owned_source s;
    s.name = aipi_malloc(a, strlen(name) + 1);
    s.data = aipi_malloc(a, len + 1);
    s.len = len;
    if (!s.name || !s.data) {
        aipi_free(a, s.name, strlen(name) + 1);
        aipi_free(a, s.data, len + 1);
        return aipi_fail(a, err, AIP_ENOMEM, "out of memory");
    }
    memcpy(s.name, name, strlen(name) + 1);
    if (len)
        memcpy(s.data, data, len);
    s.data[len] = '\0';
    aipi_err e;
    aipi_err_clear(&e);
    int rc = commit(b, &s, 1, &e);
    if (rc != AIP_OK) {
        free_source(a, &s);
        return aipi_err_export(&e, a, err);
    }
    return AIP_OK;
}

static int has_yaml_suffix(const char *name)
{
    size_t n = strlen(name);
    return n > 5 && strcmp(name + n - 5, ".yaml") == 0 && name[0] != '.';
}

static int compare_names(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Lists dir's *.yaml names, sorted. */
static int list_dir(const aip_allocator *a, const char *dir, char ***out,
                    size_t *count, size_t *capacity, aipi_err *err)
{
    DIR *d = opendir(dir);
    if (!d) {
        aipi_err_set(err, AIP_EIO, "cannot open directory: %s",
                     strerror(errno));
        aipi_err_at(err, dir, 0, 0, NULL);
        return AIP_EIO;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = AIP_OK;
    struct dirent *ent;
    while (rc == AIP_OK && (ent = readdir(d)) != NULL) {
        if (!has_yaml_suffix(ent->d_name))
            continue;
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            char **bigger = aipi_realloc(a, names, cap * sizeof *names,
                                         ncap * sizeof *names);
            if (!bigger) {
                rc = AIP_ENOMEM;
                break;
            }
            names = bigger;
            cap = ncap;
        }
        size_t len = strlen(dir) + strlen(ent->d_name) + 2;
        names[n] = aipi_malloc(a, len);
        if (!names[n]) {
            rc = AIP_ENOMEM;
            break;
        }
        snprintf(names[n], len, "%s/%s", dir, ent->d_name);
        n++;
    }
    closedir(d);
    if (rc != AIP_OK) {
        for (size_t i = 0; i < n; i++)
            aipi_free(a, names[i], strlen(names[i]) + 1);
        aipi_free(a, names, cap * sizeof *names);
        return aipi_err_set(err, AIP_ENOMEM, "out of memory");
    }
    if (n)
        qsort(names, n, sizeof *names, compare_names);
    *out = names;
    *count = n;
    *capacity = cap;
    return AIP_OK;
}

/* Reads and commits `paths` as one transaction. */
static int add_paths(aip_kb_builder *b, const char *const *paths, size_t n,
                     aipi_err *e)
{
    const aip_allocator *a = &b->alloc;
    owned_source *sources = aipi_calloc(a, n + 1, sizeof *sources);
    if (!sources)
        return aipi_err_set(e, AIP_ENOMEM, "out of memory");
    size_t loaded = 0;
    int rc = AIP_OK;
    for (; rc == AIP_OK && loaded < n; loaded++)
        rc = read_file(a, paths[loaded], &sources[loaded], e);
    if (rc != AIP_OK)
        loaded--;   /* the failed read left nothing */
    if (rc == AIP_OK)
        rc = commit(b, sources, n, e);
    if (rc != AIP_OK)
        for (size_t i = 0; i < loaded; i++)
            free_source(a, &sources[i]);
    aipi_free(a, sources, (n + 1) * sizeof *sources);
    return rc;
}

int aip_kb_builder_add_files(aip_kb_builder *b, const char *const *paths,
                             size_t count, aip_error **err)
{
    if (!b || (!paths && count))
        return aipi_fail(b ? &b->alloc : NULL, err, AIP_EINVAL,
                         "builder and paths are required");
    for (size_t i = 0; i < count; i++)
        if (!paths[i])
            return aipi_fail(&b->alloc, err, AIP_EINVAL, "path %zu is NULL", i);
    aipi_err e;
    aipi_err_clear(&e);
    int rc = add_paths(b, paths, count, &e);
    return rc == AIP_OK ? AIP_OK : aipi_err_export(&e, &b->alloc, err);
}

int aip_kb_builder_add_dir(aip_kb_builder *b, const char *dir, aip_error **err)
{
    if (!b || !dir)
        return aipi_fail(b ? &b->alloc : NULL, err, AIP_EINVAL,
                         "builder and directory are required");
    const aip_allocator *a = &b->alloc;
    aipi_err e;
    aipi_err_clear(&e);
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = list_dir(a, dir, &names, &n, &cap, &e);
    if (rc != AIP_OK)
        return aipi_err_export(&e, a, err);
    if (n == 0) {
        rc = aipi_err_set(&e, AIP_ENOTFOUND, "no *.yaml file in directory");
        aipi_err_at(&e, dir, 0, 0, NULL);
    } else {
        rc = add_paths(b, (const char *const *)names, n, &e);
    }
    for (size_t i = 0; i < n; i++)
        aipi_free(a, names[i], strlen(names[i]) + 1);
    aipi_free(a, names, cap * sizeof *names);
    return rc == AIP_OK ? AIP_OK : aipi_err_export(&e, a, err);
}

int aip_kb_builder_build(aip_kb_builder *b, aip_kb **out, aip_error **err)
{
    if (!b || !out)
        return aipi_fail(b ? &b->alloc : NULL, err, AIP_EINVAL,
                         "builder and out are required");
    if (!b->kb) {
        aipi_err e;
        aipi_err_clear(&e);
        if (aipi_compile(&b->alloc, NULL, 0, &b->kb, &e) != AIP_OK)
            return aipi_err_export(&e, &b->alloc, err);
    }
    *out = aip_kb_retain(b->kb);
    return AIP_OK;
}

/* ---- convenience loading --------------------------------------------------- */

const char *aip_default_data_dir(void)
{
    const char *env = getenv("AIPOLICY_DATA");
    return env && *env ? env : AIP_DATADIR;
}

int aip_kb_load_path(const aip_allocator *alloc, const char *path,
                     aip_kb **out, aip_error **err)
{
    if (!out)
        return aipi_fail(alloc, err, AIP_EINVAL, "out is required");
    if (!path)
        path = aip_default_data_dir();
    aip_kb_builder *b;
    int rc = aip_kb_builder_new(alloc, &b);
    if (rc != AIP_OK)
        return aipi_fail(alloc, err, rc, "%s", aip_strerror(rc));
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        rc = aip_kb_builder_add_dir(b, path, err);
    else
        rc = aip_kb_builder_add_file(b, path, err);
    if (rc == AIP_OK)
        rc = aip_kb_builder_build(b, out, err);
    aip_kb_builder_free(b);
    return rc;
}

int aip_kb_load_default(const aip_allocator *alloc, aip_kb **out,
                        aip_error **err)
{
    return aip_kb_load_path(alloc, NULL, out, err);
}

/* ---- reference counting ---------------------------------------------------- */

aip_kb *aip_kb_retain(aip_kb *kb)
{
    if (kb)
        atomic_fetch_add_explicit(&kb->refs, 1, memory_order_relaxed);
    return kb;
}

void aip_kb_release(aip_kb *kb)
{
    if (kb && atomic_fetch_sub_explicit(&kb->refs, 1, memory_order_acq_rel)
                  == 1)
        aipi_kb_destroy(kb);
}

/* ---- model helpers -------------------------------------------------------- */

const char *aipi_text_get(const aipi_text *t, const char *lang)
{
    if (lang && strcmp(lang, "fr") == 0 && t->fr)
        return t->fr;
    return t->en;
}

aipi_date aipi_dated_resolve(const aipi_dated *d, uint32_t v,
                             aipi_date fallback)
{
    int found = 0;
    uint32_t best = 0;
    aipi_date date = fallback;
    for (uint32_t i = 0; i < d->n; i++)
        if (d->version[i] <= v && (!found || d->version[i] >= best)) {
            found = 1;
            best = d->version[i];
            date = d->date[i];
        }
    return date;
}
