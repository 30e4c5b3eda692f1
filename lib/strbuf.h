/*
 * strbuf.h - a growable byte buffer for building output text.
 *
 * Allocation failure is sticky: once an append fails, `failed` is set and
 * later appends do nothing, so writers check once at the end.
 */
#ifndef AIP_STRBUF_H
#define AIP_STRBUF_H

#include <stddef.h>
#include <string.h>
#include "aipolicy.h"

/* data points past a header kept free at the front of the block, so that
 * aipi_sb_finish hands the block over as an owned string without copying
 * it (alloc.h); cap counts the bytes after the header. */
typedef struct aipi_strbuf {
    const aip_allocator *alloc;
    char *data;
    size_t len, cap;
    size_t limit;                /* cap, or 0 once failed: the inline */
    int failed;                  /* appends test nothing else */
} aipi_strbuf;

void aipi_sb_init(aipi_strbuf *sb, const aip_allocator *alloc);
/* Grows the buffer so that `extra` more bytes fit; 0 once failed. */
int  aipi_sb_reserve(aipi_strbuf *sb, size_t extra);
void aipi_sb_append_slow(aipi_strbuf *sb, const char *s, size_t n);

/* The content is NUL-terminated by aipi_sb_finish, not by every append:
 * there is always room left for the NUL. */
static inline void aipi_sb_append(aipi_strbuf *sb, const char *s, size_t n)
{
    if (sb->len + n < sb->limit) {
        memcpy(sb->data + sb->len, s, n);
        sb->len += n;
    } else {
        aipi_sb_append_slow(sb, s, n);
    }
}
/* Appends n bytes written earlier at offset `at` of the same buffer (a
 * piece of output repeated further on). */
static inline void aipi_sb_append_own(aipi_strbuf *sb, size_t at, size_t n)
{
    /* reserve first: the source moves with the buffer */
    if (sb->len + n < sb->limit || aipi_sb_reserve(sb, n)) {
        memcpy(sb->data + sb->len, sb->data + at, n);
        sb->len += n;
    }
}
void aipi_sb_puts(aipi_strbuf *sb, const char *s);
/* The output writers append millions of small pieces: the common case
 * (room left) is inline. */
static inline void aipi_sb_putc(aipi_strbuf *sb, char c)
{
    if (sb->len + 1 < sb->limit || aipi_sb_reserve(sb, 1))
        sb->data[sb->len++] = c;
}
void aipi_sb_printf(aipi_strbuf *sb, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void aipi_sb_free(aipi_strbuf *sb);

/* Turns the content into a caller-owned string (aip_string_free), without
 * a copy. Frees the buffer on failure. Returns AIP_OK or AIP_ENOMEM. */
int aipi_sb_finish(aipi_strbuf *sb, char **out, size_t *len);

#endif
