/*
 * error.h - error reporting.
 *
 * Internally an error is collected in an aipi_err on the caller's stack:
 * fixed buffers, so reporting a failure (even an allocation failure) never
 * allocates. At the API boundary it becomes a heap aip_error for the caller.
 */
#ifndef AIP_ERROR_H
#define AIP_ERROR_H

#include "aipolicy.h"

#define AIPI_ERR_MSG  512
#define AIPI_ERR_PATH 512
#define AIPI_ERR_FILE 512

typedef struct aipi_err {
    int code;                    /* AIP_OK while no error was recorded */
    unsigned line, column;       /* 1-based, 0 = not applicable */
    char file[AIPI_ERR_FILE];
    char path[AIPI_ERR_PATH];
    char message[AIPI_ERR_MSG];
} aipi_err;

void aipi_err_clear(aipi_err *e);

/* Records the first error only: later calls are ignored, so the innermost
 * (most precise) failure is what the caller sees. Returns `code`. */
int aipi_err_set(aipi_err *e, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
void aipi_err_at(aipi_err *e, const char *file, unsigned line,
                 unsigned column, const char *path);

/* Hands an internal error to the caller: when `out` is not NULL, *out gets
 * a new aip_error (or a static out-of-memory error when even that cannot be
 * allocated). Returns e->code. */
int aipi_err_export(const aipi_err *e, const aip_allocator *alloc,
                    aip_error **out);

/* Shortcut for errors with no position. */
int aipi_fail(const aip_allocator *alloc, aip_error **out, int code,
              const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

#endif
