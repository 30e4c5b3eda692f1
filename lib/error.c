/*
 * error.c - error objects and status texts.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "error.h"

struct aip_error {
    int code;
    unsigned line, column;
    aip_allocator alloc;         /* copied: the caller's struct may be gone */
    int is_static;               /* the out-of-memory error below */
    size_t size;                 /* of the whole block, for the allocator */
    const char *message, *file, *path;
};

/* Returned when the error object itself cannot be allocated (libgit2 does
 * the same): reporting must never fail. */
static const struct aip_error oom_error = {
    AIP_ENOMEM, 0, 0, { NULL, NULL }, 1, 0, "out of memory", NULL, NULL
};

const char *aip_strerror(int code)
{
    switch (code) {
    case AIP_OK:         return "success";
    case AIP_ENOMEM:     return "out of memory";
    case AIP_EINVAL:     return "invalid argument";
    case AIP_EIO:        return "input/output error";
    case AIP_EYAML:      return "malformed YAML or JSON";
    case AIP_ESCHEMA:    return "invalid knowledge file";
    case AIP_EVERSION:   return "unsupported schema version";
    case AIP_EDUPLICATE: return "duplicate identifier";
    case AIP_ENOTFOUND:  return "reference to an unknown identifier";
    case AIP_ERANGE:     return "out of range";
    case AIP_ELIMIT:     return "limit exceeded";
    case AIP_EPROFILE:   return "invalid profile";
    case AIP_EINTERNAL:  return "internal error";
    default:             return "unknown error code";
    }
}

void aipi_err_clear(aipi_err *e)
{
    memset(e, 0, sizeof *e);
}

int aipi_err_set(aipi_err *e, int code, const char *fmt, ...)
{
    if (e->code != AIP_OK)
        return code;
    e->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    return code;
}

void aipi_err_at(aipi_err *e, const char *file, unsigned line,
                 unsigned column, const char *path)
{
    if (file && !e->file[0])
        snprintf(e->file, sizeof e->file, "%s", file);
    if (line && !e->line) {
        e->line = line;
        e->column = column;
    }
    if (path && !e->path[0])
        snprintf(e->path, sizeof e->path, "%s", path);
}

int aipi_err_export(const aipi_err *e, const aip_allocator *alloc,
                    aip_error **out)
{
    if (!out)
        return e->code;
    alloc = aipi_allocator_or_default(alloc);
    size_t lm = strlen(e->message) + 1, lf = strlen(e->file) + 1,
           lp = strlen(e->path) + 1;
    size_t size = sizeof(struct aip_error) + lm + lf + lp;
    struct aip_error *err = aipi_malloc(alloc, size);
    if (!err) {
        *out = (aip_error *)&oom_error;
        return e->code;
    }
    char *p = (char *)(err + 1);
    err->code = e->code;
    err->line = e->line;
    err->column = e->column;
    err->alloc = *alloc;
    err->is_static = 0;
    err->size = size;
    memcpy(p, e->message, lm);
    err->message = p;
    p += lm;
    memcpy(p, e->file, lf);
    err->file = e->file[0] ? p : NULL;
    p += lf;
    memcpy(p, e->path, lp);
    err->path = e->path[0] ? p : NULL;
    *out = err;
    return e->code;
}

int aipi_fail(const aip_allocator *alloc, aip_error **out, int code,
              const char *fmt, ...)
{
    aipi_err e;
    aipi_err_clear(&e);
    e.code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e.message, sizeof e.message, fmt, ap);
    va_end(ap);
    return aipi_err_export(&e, alloc, out);
}

int aip_error_code(const aip_error *err)
{
    return err ? err->code : AIP_EINVAL;
}

const char *aip_error_message(const aip_error *err)
{
    return err ? err->message : "no error";
}

const char *aip_error_file(const aip_error *err)
{
    return err ? err->file : NULL;
}

unsigned aip_error_line(const aip_error *err)
{
    return err ? err->line : 0;
}

unsigned aip_error_column(const aip_error *err)
{
    return err ? err->column : 0;
}

const char *aip_error_path(const aip_error *err)
{
    return err ? err->path : NULL;
}

void aip_error_free(aip_error *err)
{
    if (!err || err->is_static)
        return;
    aip_allocator a = err->alloc;
    aipi_free(&a, err, err->size);
}
