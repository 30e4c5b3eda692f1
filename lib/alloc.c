/*
 * alloc.c - allocator hook dispatch and arenas.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"

static void *default_fn(void *ctx, void *ptr, size_t old_size, size_t new_size)
{
    (void)ctx;
    (void)old_size;
    if (new_size == 0) {
        free(ptr);
        return NULL;
    }
    return realloc(ptr, new_size);
}

const aip_allocator aipi_default_allocator = { default_fn, NULL };

const aip_allocator *aipi_allocator_or_default(const aip_allocator *a)
{
    return (a && a->fn) ? a : &aipi_default_allocator;
}

void *aipi_malloc(const aip_allocator *a, size_t n)
{
    if (n == 0)
        n = 1;
    return a->fn(a->ctx, NULL, 0, n);
}

void *aipi_calloc(const aip_allocator *a, size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size)
        return NULL;
    void *p = aipi_malloc(a, n * size);
    if (p)
        memset(p, 0, n * size);
    return p;
}

void *aipi_realloc(const aip_allocator *a, void *p, size_t old_n, size_t n)
{
    if (n == 0)
        n = 1;
    return a->fn(a->ctx, p, p ? old_n : 0, n);
}

void aipi_free(const aip_allocator *a, void *p, size_t n)
{
    if (p)
        a->fn(a->ctx, p, n, 0);
}

/* ---- arena ---------------------------------------------------------------- */

struct aipi_chunk {
    aipi_chunk *next;
    size_t size;    /* usable bytes after the header */
    /* data follows, aligned to max_align_t */
};

#define CHUNK_HEADER \
    ((sizeof(aipi_chunk) + _Alignof(max_align_t) - 1) & ~(_Alignof(max_align_t) - 1))
#define CHUNK_MIN 16384u

void aipi_arena_init(aipi_arena *arena, const aip_allocator *alloc)
{
    arena->alloc = alloc;
    arena->head = NULL;
    arena->next = arena->end = NULL;
}

void *aipi_arena_alloc_slow(aipi_arena *arena, size_t n)
{
    size_t align = AIPI_ARENA_ALIGN;
    if (n > SIZE_MAX / 2)
        return NULL;
    n = (n + align - 1) & ~(align - 1);
    if (n == 0)
        n = align;
    if ((size_t)(arena->end - arena->next) < n) {
        size_t size = n > CHUNK_MIN ? n : CHUNK_MIN;   /* <= SIZE_MAX / 2 */
        aipi_chunk *c = aipi_malloc(arena->alloc, CHUNK_HEADER + size);
        if (!c)
            return NULL;
        c->size = size;
        c->next = arena->head;
        arena->head = c;
        arena->next = (char *)c + CHUNK_HEADER;
        arena->end = arena->next + size;
    }
    char *p = arena->next;
    arena->next += n;
    return p;
}

void *aipi_arena_alloc(aipi_arena *arena, size_t n)
{
    void *p = aipi_arena_alloc_raw(arena, n);
    if (p)
        memset(p, 0, n);
    return p;
}

void *aipi_arena_array(aipi_arena *arena, size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / 2 / size)
        return NULL;
    return aipi_arena_alloc(arena, n * size);
}

void *aipi_arena_array_raw(aipi_arena *arena, size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / 2 / size)
        return NULL;
    return aipi_arena_alloc_raw(arena, n * size);
}

char *aipi_arena_strndup(aipi_arena *arena, const char *s, size_t n)
{
    char *p = aipi_arena_alloc(arena, n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

char *aipi_arena_strdup(aipi_arena *arena, const char *s)
{
    return s ? aipi_arena_strndup(arena, s, strlen(s)) : NULL;
}

void aipi_arena_free(aipi_arena *arena)
{
    aipi_chunk *c = arena->head;
    while (c) {
        aipi_chunk *next = c->next;
        aipi_free(arena->alloc, c, CHUNK_HEADER + c->size);
        c = next;
    }
    arena->head = NULL;
    arena->next = arena->end = NULL;
}

/* ---- owned strings ---------------------------------------------------- */

typedef struct owned_header {
    aip_allocator alloc;
    size_t size;
} owned_header;

#define OWNED_HEADER \
    ((sizeof(owned_header) + _Alignof(max_align_t) - 1) & ~(_Alignof(max_align_t) - 1))

char *aipi_owned_string(const aip_allocator *a, const char *s, size_t n)
{
    if (n > SIZE_MAX - OWNED_HEADER - 1)
        return NULL;
    size_t size = OWNED_HEADER + n + 1;
    char *block = aipi_malloc(a, size);
    if (!block)
        return NULL;
    char *str = aipi_owned_adopt(a, block, size);
    memcpy(str, s, n);
    str[n] = '\0';
    return str;
}

size_t aipi_owned_header(void)
{
    return OWNED_HEADER;
}

char *aipi_owned_adopt(const aip_allocator *a, char *block, size_t size)
{
    owned_header *h = (owned_header *)block;
    h->alloc = *a;
    h->size = size;
    return block + OWNED_HEADER;
}

void aip_string_free(char *str)
{
    if (!str)
        return;
    char *block = str - OWNED_HEADER;
    owned_header *h = (owned_header *)block;
    aip_allocator a = h->alloc;
    aipi_free(&a, block, h->size);
}
