/*
 * alloc.h - the allocator hook and the arena built on it.
 *
 * Every allocation of the library goes through an aip_allocator so that an
 * embedding program (and the allocation-failure tests) control memory. Most
 * objects live in arenas: a knowledge base, a parsed document and a result
 * are each freed at once, which keeps the error paths of the loader short.
 */
#ifndef AIP_ALLOC_H
#define AIP_ALLOC_H

#include <stddef.h>
#include "aipolicy.h"

/* The allocator used when the caller passes NULL. */
extern const aip_allocator aipi_default_allocator;

/* Returns `a`, or the default allocator when `a` is NULL or has no fn. */
const aip_allocator *aipi_allocator_or_default(const aip_allocator *a);

void *aipi_malloc(const aip_allocator *a, size_t n);
void *aipi_calloc(const aip_allocator *a, size_t n, size_t size);
void *aipi_realloc(const aip_allocator *a, void *p, size_t old_n, size_t n);
void  aipi_free(const aip_allocator *a, void *p, size_t n);

/* An arena: a chain of chunks freed together. Allocation failure returns NULL
 * and leaves the arena usable. The common case, room left in the current
 * chunk, is inline: the query path allocates a few dozen times per
 * classification. */
typedef struct aipi_chunk aipi_chunk;
typedef struct aipi_arena {
    const aip_allocator *alloc;
    aipi_chunk *head;
    char *next, *end;    /* free space left in head */
} aipi_arena;

#define AIPI_ARENA_ALIGN _Alignof(max_align_t)

void  aipi_arena_init(aipi_arena *arena, const aip_allocator *alloc);
/* aipi_arena_alloc_raw when the current chunk has no room: n bytes from a
 * new chunk. */
void *aipi_arena_alloc_slow(aipi_arena *arena, size_t n);

/* n bytes, not zeroed, aligned for any type; n == 0 gives a distinct
 * pointer too. */
static inline void *aipi_arena_alloc_raw(aipi_arena *arena, size_t n)
{
    size_t rounded = (n + AIPI_ARENA_ALIGN - 1) & ~(AIPI_ARENA_ALIGN - 1);
    /* n - 1 wraps for 0; sizes near SIZE_MAX would wrap when rounded */
    if (n - 1 < ((size_t)-1) / 4
        && rounded <= (size_t)(arena->end - arena->next)) {
        char *p = arena->next;
        arena->next += rounded;
        return p;
    }
    return aipi_arena_alloc_slow(arena, n);
}

void *aipi_arena_alloc(aipi_arena *arena, size_t n);      /* zeroed */
void *aipi_arena_array(aipi_arena *arena, size_t n, size_t size);
/* Not zeroed, for arrays the caller fills before reading. */
void *aipi_arena_array_raw(aipi_arena *arena, size_t n, size_t size);
char *aipi_arena_strndup(aipi_arena *arena, const char *s, size_t n);
char *aipi_arena_strdup(aipi_arena *arena, const char *s);
void  aipi_arena_free(aipi_arena *arena);

/* Strings handed to the caller carry their allocator in a hidden header so
 * that aip_string_free() needs no other argument. */
char *aipi_owned_string(const aip_allocator *a, const char *s, size_t n);

/* Bytes reserved at the front of a block that is to become an owned string
 * without a copy (strbuf.c), and the adoption itself: `block` of `size`
 * bytes (from allocator a), text starting aipi_owned_header() bytes in. */
size_t aipi_owned_header(void);
char *aipi_owned_adopt(const aip_allocator *a, char *block, size_t size);

#endif
