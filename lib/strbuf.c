/*
 * strbuf.c - growable byte buffer.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "strbuf.h"

void aipi_sb_init(aipi_strbuf *sb, const aip_allocator *alloc)
{
    sb->alloc = alloc;
    sb->data = NULL;
    sb->len = sb->cap = sb->limit = 0;
    sb->failed = 0;
}

static int fail(aipi_strbuf *sb)
{
    sb->failed = 1;
    sb->limit = 0;
    return 0;
}

int aipi_sb_reserve(aipi_strbuf *sb, size_t extra)
{
    if (sb->failed)
        return 0;
    if (extra > SIZE_MAX / 4 - sb->len)
        return fail(sb);
    size_t need = sb->len + extra + 1;
    if (need <= sb->cap)
        return 1;
    /* Doubling, or straight to a larger size asked for at once (a writer
     * that knows about how much it will write). */
    size_t cap = sb->cap ? 2 * sb->cap : 256;
    if (cap < need)
        cap = need;
    size_t head = aipi_owned_header();
    char *block = sb->data ? sb->data - head : NULL;
    block = aipi_realloc(sb->alloc, block, sb->data ? head + sb->cap : 0,
                         head + cap);
    if (!block)
        return fail(sb);
    sb->data = block + head;
    sb->cap = sb->limit = cap;
    return 1;
}

void aipi_sb_append_slow(aipi_strbuf *sb, const char *s, size_t n)
{
    if (!aipi_sb_reserve(sb, n))
        return;
    memcpy(sb->data + sb->len, s, n);
    sb->len += n;
}

void aipi_sb_puts(aipi_strbuf *sb, const char *s)
{
    aipi_sb_append(sb, s, strlen(s));
}

void aipi_sb_printf(aipi_strbuf *sb, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        fail(sb);
        return;
    }
    if ((size_t)n < sizeof small) {
        aipi_sb_append(sb, small, (size_t)n);
        return;
    }
    if (!aipi_sb_reserve(sb, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sb->len += (size_t)n;
}

void aipi_sb_free(aipi_strbuf *sb)
{
    if (sb->data)
        aipi_free(sb->alloc, sb->data - aipi_owned_header(),
                  aipi_owned_header() + sb->cap);
    sb->data = NULL;
    sb->len = sb->cap = sb->limit = 0;
}

int aipi_sb_finish(aipi_strbuf *sb, char **out, size_t *len)
{
    if (!sb->failed && !sb->data)
        aipi_sb_reserve(sb, 0);          /* "" is a string too */
    if (sb->failed) {
        aipi_sb_free(sb);
        return AIP_ENOMEM;
    }
    sb->data[sb->len] = '\0';
    size_t head = aipi_owned_header();
    *out = aipi_owned_adopt(sb->alloc, sb->data - head, head + sb->cap);
    if (len)
        *len = sb->len;
    sb->data = NULL;
    sb->len = sb->cap = sb->limit = 0;
    return AIP_OK;
}
