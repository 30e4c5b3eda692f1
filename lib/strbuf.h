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
    int failed;
} aipi_strbuf;

void aipi_sb_init(aipi_strbuf *sb, const aip_allocator *alloc);
/* Grows the buffer so that `extra` more bytes fit; 0 once failed. */
int  aipi_sb_reserve(aipi_strbuf *sb, size_t extra);
void aipi_sb_append_slow(aipi_strbuf *sb, const char *s, size_t n);

static inline void aipi_sb_append(aipi_strbuf *sb, const char *s, size_t n)
{
    if (!sb->failed && sb->len + n + 1 <= sb->cap) {
        memcpy(sb->data + sb->len, s, n);
        sb->len += n;
        sb->data[sb->len] = '\0';
    } else {
        aipi_sb_append_slow(sb, s, n);
    }
}
void aipi_sb_puts(aipi_strbuf *sb, const char *s);
/* The output writers append millions of small pieces: the common case
 * (room left) is inline. The buffer stays NUL-terminated. */
static inline void aipi_sb_putc(aipi_strbuf *sb, char c)
{
    if ((!sb->failed && sb->len + 2 <= sb->cap) || aipi_sb_reserve(sb, 1)) {
        sb->data[sb->len++] = c;
        sb->data[sb->len] = '\0';
    }
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
