/*
 * intern.h - a string -> index map (open addressing, FNV-1a).
 *
 * Names are turned into small integers once, at load time or when a query
 * is filled; the evaluator only ever sees the integers.
 */
#ifndef AIP_INTERN_H
#define AIP_INTERN_H

#include <stddef.h>
#include <stdint.h>
#include "alloc.h"

typedef struct aipi_intern {
    aipi_arena *arena;      /* storage for the slots */
    const char **keys;      /* borrowed: must outlive the map */
    uint32_t *values;
    size_t cap, count;
} aipi_intern;

void aipi_intern_init(aipi_intern *m, aipi_arena *arena);
/* Adds key -> value. Returns 0, 1 when the key is already present (the map
 * is unchanged), or -1 when out of memory. */
int aipi_intern_add(aipi_intern *m, const char *key, uint32_t value);
/* Looks up key (n bytes). Returns 0 and sets *value, or -1. */
int aipi_intern_find(const aipi_intern *m, const char *key, size_t n,
                     uint32_t *value);

#endif
